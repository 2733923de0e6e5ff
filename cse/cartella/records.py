"""What the actions on phase records, diario and documents read: the table of phase records and what each sends,
the phases where each may change, the payload of a prestazione, the manual diary types.
The writers are in cse/cartella/actions/ (fasi.py, diario.py).

Outbox payloads carry codes, dates and amounts only — never names, free text or identifiers of the person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models

from cse.core.permissions import ente_ids_for
from cse.core.roles import Capability

from .fasi import (
    Chiusura,
    Prestazione,
    Progetto,
    SchedaAccesso,
    Valutazione,
)
from .glossary import StatoCartella, TipoVoceDiario
from .models import Cartella

S = StatoCartella


def iso(value) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class PhaseRecord:
    model: type[models.Model]
    label: str
    editable_in: frozenset[str]
    payload: Callable[[models.Model], dict]


PHASE_RECORDS: dict[str, PhaseRecord] = {
    "scheda_accesso": PhaseRecord(
        SchedaAccesso,
        "la scheda di accesso",
        frozenset({S.ACCESSO}),
        lambda r: {"canale": r.canale, "area": r.area, "esito": r.esito, "data_accesso": iso(r.data_accesso)},
    ),
    "valutazione": PhaseRecord(
        Valutazione,
        "la valutazione del bisogno",
        frozenset({S.VALUTAZIONE}),
        lambda r: {
            "economica": r.economica,
            "abitativa": r.abitativa,
            "salute": r.salute,
            "familiare": r.familiare,
            "lavoro": r.lavoro,
            "gravita": r.gravita,
            "urgenza": r.urgenza,
            "data": iso(r.data_valutazione),
        },
    ),
    "progetto": PhaseRecord(
        Progetto,
        "il progetto individuale",
        frozenset({S.PROGETTO, S.EROGAZIONE}),
        lambda r: {"data_revisione": iso(r.data_revisione), "sottoscritto": r.sottoscritto_il is not None},
    ),
    "chiusura": PhaseRecord(
        Chiusura,
        "la valutazione finale e chiusura",
        frozenset({S.ACCESSO, S.EROGAZIONE}),
        lambda r: {"esito_obiettivi": r.esito_obiettivi, "motivo": r.motivo},
    ),
}


def refuse_outside(locked: Cartella, states: frozenset[str], label: str) -> None:
    if locked.stato not in states:
        raise ValidationError(f"Nella fase «{S(locked.stato).label}» non si può modificare {label}.")


def prestazione_payload(p: Prestazione) -> dict:
    return {
        "prestazione": p.pk,
        "codice": p.voce.codice,
        "carattere": p.carattere,
        "data_inizio": iso(p.data_inizio),
        "data_fine": iso(p.data_fine),
        "quantita": str(p.quantita),
        "unita": p.unita,
        "importo": str(p.importo),
        "fonte": p.fonte,
        "modulo_leps": p.modulo_leps or None,
        "ente_erogatore": p.ente_erogatore.codice if p.ente_erogatore_id else None,
    }


MANUAL_DIARY_TYPES = {
    TipoVoceDiario.NOTA,
    TipoVoceDiario.COLLOQUIO,
    TipoVoceDiario.VISITA,
    TipoVoceDiario.CONTATTO,
    TipoVoceDiario.MONITORAGGIO,
}


def may_see_protected(user, cartella: Cartella) -> bool:
    """Holder of view_categorie_protette in the case's owner ente (cse/core/roles.py is the only source)."""
    return cartella.owner_ente_id in ente_ids_for(user, Capability.VIEW_CATEGORIE_PROTETTE)


DIARY_RETRACTION_EVENT = "cartella.diario_voce_ritirata"
DOCUMENT_RETRACTION_EVENT = "cartella.documento_ritirato"


def obscuring_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Indicare il riferimento alla richiesta della persona."]})
    return reason[:100]
