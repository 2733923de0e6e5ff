"""Demo: one open bando of a comune with domande at every step of items 1–4 (draft of the SPID/CIE demo citizen,
submitted with the protocol pending, in istruttoria with a fact to verify, suspended for an integration, instructed
admitted and not admitted, withdrawn), and last year's bando decided: final graduatoria, a provvedimento drafted by
the social worker and approved by the responsabile, its notifications (App IO, e-mail, letters), one riesame, and the
payments of its beneficiaries (one instalment paid, the others to pay). All through the bandi actions; synthetic
people only."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.utils import timezone

from cse.bandi import actions
from cse.bandi.models import Bando
from cse.cartella.fasi import VoceNomenclatore
from cse.core.models import Ente
from cse.core.roles import Ruolo
from cse.demo.synthetic import generate_people

CODICE = "DEMO-AFFITTO"


def demo_schema(comune_istat: str) -> dict:
    return {
        "criteri": [
            {
                "codice": "isee_soglia",
                "etichetta": "ISEE ordinario fino a 20.000 euro",
                "tipo": "requisito",
                "fatto": "isee.valore",
                "condizione": {"operatore": "<=", "valore": 20000},
            },
            {
                "codice": "residenza",
                "etichetta": "Residenza nel comune",
                "tipo": "requisito",
                "fatto": "residenza.comune_istat",
                "condizione": {"operatore": "in", "valore": [comune_istat]},
            },
            {
                "codice": "locazione",
                "etichetta": "Titolare di un contratto di locazione registrato",
                "tipo": "requisito",
                "fatto": "dichiarazione.locazione",
                "condizione": {"operatore": "==", "valore": True},
            },
            {
                "codice": "fasce_isee",
                "etichetta": "Punti per fascia ISEE",
                "tipo": "punteggio",
                "fatto": "isee.valore",
                "fasce": [{"da": 0, "a": 6000, "punti": 30}, {"da": "6000.01", "a": 12000, "punti": 15}],
            },
            {
                "codice": "minori",
                "etichetta": "Nucleo con minori",
                "tipo": "punteggio",
                "fatto": "nucleo.minori",
                "condizione": {"operatore": ">=", "valore": 1},
                "punti": 10,
            },
        ],
        "spareggi": [{"fatto": "isee.valore", "ordine": "asc"}, {"fatto": "nucleo.minori", "ordine": "desc"}],
    }


def _operator(ente: Ente, ruolo: str):
    return get_user_model().objects.filter(operatore__incarichi__ente=ente, operatore__incarichi__ruolo=ruolo).first()


def seed_bandi(ente: Ente, citizen_user) -> str:
    """Idempotent: nothing is added when the demo bando exists. Returns a line for the seed's output."""
    if Bando.objects.filter(ente=ente, codice=CODICE).exists():
        return "Bando dimostrativo già presente."
    responsabile = _operator(ente, Ruolo.RESPONSABILE)
    istruttore = _operator(ente, Ruolo.ASSISTENTE_SOCIALE)
    desk = _operator(ente, Ruolo.SEGRETARIATO)
    now = timezone.now()
    bando = actions.bando_create(
        ente=ente,
        by=responsabile,
        codice=CODICE,
        titolo="Contributo per il sostegno all'affitto 2027",
        base_giuridica="L. 431/1998 art. 11; regolamento comunale dei contributi economici",
        voce_bilancio="Piano di zona 2025-2027 — sostegno all'abitare",
        stanziamento=Decimal("6000.00"),
        importo_massimo=Decimal("1200.00"),
        assegnazione_parziale=True,
        apertura=now - timedelta(days=2),
        chiusura=now + timedelta(days=28),
        requisiti="Residenti nel comune, titolari di un contratto di locazione, con ISEE fino a 20.000 euro.",
        schema=demo_schema(ente.comune.codice_istat),
        documenti_richiesti=[{"codice": "contratto", "descrizione": "Contratto di locazione", "obbligatorio": False}],
        dichiarazioni=[{"codice": "locazione", "testo": "Sono titolare di un contratto di locazione registrato"}],
        codice_prestazione=VoceNomenclatore.objects.filter(codice="A1.05.01").first()
        or VoceNomenclatore.objects.filter(codice="A1.05").first(),
    )
    bando = actions.bando_publish(bando=bando, by=responsabile)
    if citizen_user is not None:
        _draft(bando, citizen_user, citizen_user.cittadino)
    people = iter(generate_people(6, birthplaces=[ente.comune.codice_catastale], seed=2127))
    _steps(bando, desk, istruttore, people)
    seed_bando_deciso(ente)
    return (
        f"Bando dimostrativo «{bando.titolo}» aperto, con domande a ogni passo dell'istruttoria; "
        "bando precedente deciso con provvedimento, notifiche, un riesame, una rata pagata e altre da pagare."
    )


def _draft(bando, by, persona, ticked=True):
    richiedente = {"codice_fiscale": persona.codice_fiscale, "cognome": persona.cognome, "nome": persona.nome}
    return actions.domanda_save_draft(
        bando=bando, by=by, richiedente=richiedente, dichiarazioni=["locazione"] if ticked else []
    )


def _istruttoria(bando, desk, istruttore, persona, facts: dict):
    domanda = actions.domanda_submit(domanda=_draft(bando, desk, persona), by=desk)
    domanda = actions.istruttoria_assign(domanda=domanda, istruttore=istruttore, by=istruttore)
    for fatto, valore in facts.items():
        actions.istruttoria_set_fact(
            domanda=domanda, fatto=fatto, valore=valore, reason="attestazione e stato di famiglia visti", by=istruttore
        )
    return domanda


def _steps(bando, desk, istruttore, people) -> None:
    istat = bando.ente.comune.codice_istat
    actions.domanda_submit(domanda=_draft(bando, desk, next(people)), by=desk)  # protocollazione in corso
    _istruttoria(bando, desk, istruttore, next(people), {"isee.valore": "8200.00"})  # residence to verify
    sospesa = _istruttoria(bando, desk, istruttore, next(people), {"residenza.comune_istat": istat})
    actions.integrazione_request(
        domanda=sospesa, testo="Inviare l'attestazione ISEE in corso di validità.", by=istruttore
    )
    full = {"residenza.comune_istat": istat, "nucleo.minori": 2}
    for isee in ("4300.00", "23500.00"):  # admitted, not admitted
        domanda = _istruttoria(bando, desk, istruttore, next(people), full | {"isee.valore": isee})
        actions.istruttoria_close(domanda=domanda, by=istruttore)
    actions.domanda_withdraw(domanda=_draft(bando, desk, next(people)), by=desk)


# --- last year's bando, decided ---------------------------------------------------------------------------------------

CODICE_DECISO = "DEMO-AFFITTO-PREC"


@contextmanager
def _clock(moment: datetime) -> Iterator[None]:
    """Replay last year's call at its own dates (the window, the objection period and the riesame term are checked
    against the clock): the demo moves the clock, as the tests do, never the rows."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def seed_bando_deciso(ente: Ente) -> None:
    """A closed bando with four instructed domande (two funded, one admitted not funded, one not admitted), its
    provvedimento approved with four eyes and notified, and the not-funded applicant's riesame at the front desk."""
    from cse.bandi.notifiche.actions import lettere_segna_stampate, notifiche_invia_in_coda
    from cse.bandi.provvedimento import actions as provv

    responsabile = _operator(ente, Ruolo.RESPONSABILE)
    istruttore = _operator(ente, Ruolo.ASSISTENTE_SOCIALE)
    desk = _operator(ente, Ruolo.SEGRETARIATO)
    t0 = timezone.now() - timedelta(days=120)
    with _clock(t0):
        bando = actions.bando_create(
            ente=ente, by=responsabile, codice=CODICE_DECISO, titolo="Contributo per il sostegno all'affitto 2026",
            base_giuridica="L. 431/1998 art. 11", stanziamento=Decimal("2400.00"), importo_massimo=Decimal("1200.00"),
            apertura=t0 - timedelta(hours=1), chiusura=t0 + timedelta(days=30),
            schema=demo_schema(ente.comune.codice_istat),
            dichiarazioni=[{"codice": "locazione", "testo": "Sono titolare di un contratto di locazione registrato"}],
            codice_prestazione=VoceNomenclatore.objects.filter(codice="A1.05").first(),
        )  # fmt: skip
        bando = actions.bando_publish(bando=bando, by=responsabile)
    domande = _decided_domande(bando, desk, istruttore, t0 + timedelta(days=1))
    with _clock(t0 + timedelta(days=31)):
        bando = actions.bando_close(bando=bando, by=responsabile)
        graduatoria = actions.graduatoria_compute(bando=bando, by=istruttore)
    with _clock(t0 + timedelta(days=45)):
        graduatoria = actions.graduatoria_finalise(graduatoria=graduatoria, by=istruttore)
        p = provv.provvedimento_draft(
            bando=bando, tipo="graduatoria", graduatoria=graduatoria, by=istruttore,
            oggetto=f"Approvazione della graduatoria definitiva — {bando.titolo}",
            testo="Visti il bando, gli esiti dell'istruttoria e la graduatoria definitiva, si approvano gli esiti "
            "delle domande come da elenco; le somme gravano sulla voce del piano di zona.",
        )  # fmt: skip
        p = provv.provvedimento_submit(provvedimento=p, by=istruttore)
        provv.provvedimento_document_render(provvedimento_id=p.pk, richiesta=p.documento_richiesta)  # the worker's
        p.refresh_from_db()
        p = provv.provvedimento_approve(provvedimento=p, by=responsabile)
    with _clock(t0 + timedelta(days=46)):
        notifiche_invia_in_coda()  # IO and e-mail: if the IO simulator is not up, the row waits for the worker
        lettere = list(p.notifiche.filter(stato="da_stampare").values_list("pk", flat=True))
        lettere_segna_stampate(notifiche=lettere, provvedimento=p, by=istruttore)
    with _clock(t0 + timedelta(days=50)):
        provv.riesame_request(
            domanda=domande[2], by=desk, reason="Il nucleo ha un secondo figlio minore non considerato."
        )
    _pay_beneficiaries(bando, responsabile)


IBAN_DEMO = "IT60X0542811101000000123456"  # the IBAN of the Italian banking association's documentation


def _pay_beneficiaries(bando, responsabile) -> None:
    """Today: each funded applicant gets an IBAN and two monthly instalments from this month; the first one's first
    instalment is paid (its SIUSS prestazione lands in the beneficiary's cartella), the others are to pay."""
    from cse.bandi.liquidazione import actions as pagamenti

    funded = list(bando.domande.filter(stato="finanziata").order_by("pk"))
    for domanda in funded:
        pagamenti.iban_set(domanda=domanda, by=responsabile, iban=IBAN_DEMO)
        pagamenti.rate_plan(domanda=domanda, by=responsabile, numero_rate=2, dal=timezone.localdate().replace(day=1))
    first = funded[0].liquidazione.rate.get(numero=1)
    pagamenti.rata_liquidate(rata=first, by=responsabile, mandato_numero="DEMO-0001", mandato_data=timezone.localdate())


def _decided_domande(bando, desk, istruttore, at: datetime) -> list:
    istat = bando.ente.comune.codice_istat
    people = iter(generate_people(4, birthplaces=[bando.ente.comune.codice_catastale], seed=2126))
    contatti = [{"consenso_app_io": True}, {"email": "richiedente.demo@example.org"}, None, None]
    domande = []
    with _clock(at):
        for isee, contatto in zip(("3900.00", "5100.00", "9800.00", "24500.00"), contatti, strict=True):
            persona = next(people)
            richiedente = {"codice_fiscale": persona.codice_fiscale, "cognome": persona.cognome, "nome": persona.nome}
            draft = actions.domanda_save_draft(
                bando=bando, by=desk, richiedente=richiedente, dichiarazioni=["locazione"], contatti=contatto or {}
            )
            domanda = actions.domanda_submit(domanda=draft, by=desk)
            domanda = actions.istruttoria_assign(domanda=domanda, istruttore=istruttore, by=istruttore)
            facts = {"residenza.comune_istat": istat, "nucleo.minori": 1, "isee.valore": isee}
            for fatto, valore in facts.items():
                actions.istruttoria_set_fact(
                    domanda=domanda, fatto=fatto, valore=valore, reason="attestazione vista", by=istruttore
                )
            domande.append(actions.istruttoria_close(domanda=domanda, by=istruttore))
    return domande
