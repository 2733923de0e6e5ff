"""Demo: one open bando of a comune with domande at every step of items 1–4 (draft of the SPID/CIE demo citizen,
submitted with the protocol pending, in istruttoria with a fact to verify, suspended for an integration, instructed
admitted and not admitted, withdrawn), and last year's round of the same contributo with its final ranking and its
payments (a beneficiary with a paid instalment, one still to pay), all through the bandi actions; synthetic people
only."""

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
from cse.cartella.models import Assistito
from cse.core.models import Ente
from cse.core.roles import Ruolo
from cse.demo.synthetic import generate_people

CODICE = "DEMO-AFFITTO"
CODICE_PAGATO = "DEMO-AFFITTO-PREC"
IBAN_DEMO = "IT60X0542811101000000123456"  # the IBAN of the Italian banking association's documentation


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
    _paid_round(ente, responsabile, istruttore, desk)
    return (
        f"Bando dimostrativo «{bando.titolo}» aperto, con domande a ogni passo dell'istruttoria; "
        "bando precedente con graduatoria definitiva, una rata pagata e una da pagare."
    )


def _draft(bando, by, persona, ticked=True, in_carico=False):
    """A draft in `persona`'s name; `in_carico`: the persona is a person in care, linked at the front desk."""
    richiedente = {"codice_fiscale": persona.codice_fiscale, "cognome": persona.cognome, "nome": persona.nome}
    return actions.domanda_save_draft(
        bando=bando,
        by=by,
        richiedente=richiedente,
        dichiarazioni=["locazione"] if ticked else [],
        assistito=persona if in_carico else None,
    )


def _istruttoria(bando, desk, istruttore, persona, facts: dict, in_carico=False):
    domanda = actions.domanda_submit(domanda=_draft(bando, desk, persona, in_carico=in_carico), by=desk)
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


# --- last year's round: final ranking and payments ---------------------------------------------------------------


@contextmanager
def _at(moment: datetime) -> Iterator[None]:
    """Replay a past step at its own date, so the real actions check the window, the closing time and the
    objection period exactly as they did then (the demo's only time shift)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _paid_round(ente: Ente, responsabile, istruttore, desk) -> None:
    """A closed round four months ago: two people in care applied at the front desk, both funded in the final ranking,
    each with an IBAN and two instalments; the first instalment of the first one is paid (its prestazione is in the
    beneficiary's cartella), the others are to pay."""
    from cse.bandi.liquidazione import actions as pagamenti

    start = timezone.now() - timedelta(days=120)
    with _at(start):
        bando = actions.bando_create(
            ente=ente,
            by=responsabile,
            codice=CODICE_PAGATO,
            titolo="Contributo per il sostegno all'affitto (bando precedente)",
            base_giuridica="L. 431/1998 art. 11",
            voce_bilancio="Bilancio comunale — contributi economici per l'alloggio",
            stanziamento=Decimal("2400.00"),
            importo_massimo=Decimal("1200.00"),
            apertura=start - timedelta(days=1),
            chiusura=start + timedelta(days=20),
            schema=demo_schema(ente.comune.codice_istat),
            dichiarazioni=[{"codice": "locazione", "testo": "Sono titolare di un contratto di locazione registrato"}],
            codice_prestazione=VoceNomenclatore.objects.filter(codice="A1.05.01").first()
            or VoceNomenclatore.objects.filter(codice="A1.05").first(),
        )
        bando = actions.bando_publish(bando=bando, by=responsabile)
        full = {"residenza.comune_istat": ente.comune.codice_istat, "nucleo.minori": 1}
        people = Assistito.objects.filter(owner_ente=ente, unito_a__isnull=True).exclude(codice_fiscale="")[:2]
        domande = [
            actions.istruttoria_close(
                domanda=_istruttoria(bando, desk, istruttore, p, full | {"isee.valore": isee}, in_carico=True),
                by=istruttore,
            )
            for p, isee in zip(people, ("3900.00", "5100.00"), strict=True)
        ]
    with _at(bando.chiusura + timedelta(minutes=1)):
        bando = actions.bando_close(bando=bando, by=responsabile)
        graduatoria = actions.graduatoria_compute(bando=bando, by=istruttore)
    with _at(graduatoria.pubblicata_il + timedelta(days=bando.giorni_opposizione, minutes=1)):
        actions.graduatoria_finalise(graduatoria=graduatoria, by=istruttore)
    for domanda in domande:
        pagamenti.iban_set(domanda=domanda, by=responsabile, iban=IBAN_DEMO)
        pagamenti.rate_plan(domanda=domanda, by=responsabile, numero_rate=2, dal=timezone.localdate().replace(day=1))
    first = domande[0].liquidazione.rate.get(numero=1)
    pagamenti.rata_liquidate(rata=first, by=responsabile, mandato_numero="DEMO-0001", mandato_data=timezone.localdate())
