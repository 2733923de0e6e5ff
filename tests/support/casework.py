"""Moving a case along the workflow through the services, for the property tests."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from cse.cartella.actions.cartella import cartella_transition
from cse.cartella.actions.fasi import intervento_plan, phase_record_save, prestazione_end, prestazione_register
from cse.cartella.fasi import Prestazione, VoceNomenclatore
from cse.cartella.glossary import StatoCartella as S
from cse.cartella.models import Cartella

NEXT = {S.ACCESSO: S.VALUTAZIONE, S.VALUTAZIONE: S.PROGETTO, S.PROGETTO: S.EROGAZIONE, S.EROGAZIONE: S.CHIUSA}


def complete_record(kind: str) -> dict:
    today = timezone.localdate()
    return {
        "scheda_accesso": {"canale": "spontaneo", "richiesta": "Aiuto", "area": "poverta"},
        "valutazione": {
            "economica": 2,
            "abitativa": 1,
            "salute": 1,
            "familiare": 2,
            "lavoro": 0,
            "gravita": 2,
            "urgenza": "prioritaria",
            "giudizio": "Bisogno economico",
        },
        "progetto": {
            "obiettivi": "Autonomia",
            "azioni": "Contributo",
            "impegni_persona": "Cercare lavoro",
            "data_revisione": today + timedelta(days=90),
            "sottoscritto_il": today,
        },
        "chiusura": {"esito_obiettivi": "raggiunti", "motivo": "obiettivi", "valutazione_finale": "Raggiunti"},
    }[kind]


def sad() -> VoceNomenclatore:
    return VoceNomenclatore.objects.get(codice="A2.07")


def register_prestazione(case: Cartella, *, by) -> Prestazione:
    return prestazione_register(
        cartella=case,
        data={
            "voce": sad(),
            "carattere": 1,
            "data_inizio": timezone.localdate() - timedelta(days=30),
            "quantita": Decimal("10"),
            "unita": "ore",
            "importo": Decimal("200.00"),
            "fonte": "fnps",
            "erogatore": "Cooperativa",
        },
        by=by,
        version=None,
    )


def fill_for_next(case: Cartella, *, by) -> None:
    """Write what the guard of the case's next phase asks for."""
    save = phase_record_save
    if case.stato == S.ACCESSO:
        data = {**complete_record("scheda_accesso"), "esito": "presa_in_carico"}
        save(cartella=case, record="scheda_accesso", data=data, by=by, version=None)
    elif case.stato == S.VALUTAZIONE:
        save(cartella=case, record="valutazione", data=complete_record("valutazione"), by=by, version=None)
    elif case.stato == S.PROGETTO:
        save(cartella=case, record="progetto", data=complete_record("progetto"), by=by, version=None)
        intervento_plan(
            cartella=case, data={"voce": sad(), "ore_previste": Decimal("10"), "fonte": "fnps"}, by=by, version=None
        )
    elif case.stato == S.EROGAZIONE:
        prestazione = register_prestazione(case, by=by)
        prestazione_end(prestazione=prestazione, data_fine=timezone.localdate(), by=by, version=None)
        save(cartella=case, record="chiusura", data=complete_record("chiusura"), by=by, version=None)


def walk_case_to(case: Cartella, stato: str, *, by) -> Cartella:
    """Fill each phase's records and take each transition until the case is in `stato`."""
    while case.stato != stato:
        fill_for_next(case, by=by)
        case = cartella_transition(cartella=case, target=NEXT[case.stato], by=by)
    return case
