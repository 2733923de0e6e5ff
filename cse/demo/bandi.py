"""Demo: one open bando of a comune with domande at every step of items 1–4 (draft of the SPID/CIE demo citizen,
submitted with the protocol pending, in istruttoria with a fact to verify, suspended for an integration, instructed
admitted and not admitted, withdrawn), all through the bandi actions; synthetic people only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

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
    return f"Bando dimostrativo «{bando.titolo}» aperto, con domande a ogni passo dell'istruttoria."


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
