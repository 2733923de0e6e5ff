"""Turns an outbox row into the pseudonymised regional event (the only shape that leaves the local tier)."""

from __future__ import annotations

from cse.core.event_schema import DATA_FIELDS, SCHEMA_VERSION, age_band, validate_event
from cse.core.models import OutboxEvent
from cse.core.pseudonym import key_version, person_pseudonym, pseudonym

from .models import Assistito, Cartella

# internal ids in outbox payloads become keyed pseudonyms (linkable at the region, meaningless elsewhere)
ID_FIELDS = {
    "prestazione": "prestazione_key",
    "intervento": "intervento_key",
    "voce": "voce_key",
    "documento": "documento_key",
}


def _subject(assistito: Assistito, on) -> dict:
    comune = assistito.comune_residenza
    born = assistito.data_nascita
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return {
        "pseudonym": person_pseudonym(
            codice_fiscale=assistito.codice_fiscale,
            owner_ente_code=assistito.owner_ente.codice,
            temporary_id=assistito.identificativo_temporaneo,
            pk=assistito.pk,
        ),
        "birth_year": born.year,
        "age_band": age_band(age),
        "sex": assistito.sesso,
        "comune_istat": comune.codice_istat if comune else None,
        "ambito": comune.ambito.codice if comune and comune.ambito_id else None,
        "cittadinanza": assistito.cittadinanza,
    }


def _data(payload: dict) -> dict:
    data = {}
    for key, value in payload.items():
        if key in ID_FIELDS:
            data[ID_FIELDS[key]] = pseudonym(str(value), domain=key)
        elif key in DATA_FIELDS:
            data[key] = value
    return data


def build_regional_event(event: OutboxEvent) -> dict:
    """Envelope + subject + allow-listed data; validated against the shared schema before it leaves."""
    if event.aggregate_type == "cartella.cartella":
        cartella = Cartella.objects.select_related(
            "owner_ente", "assistito__owner_ente", "assistito__comune_residenza__ambito"
        ).get(pk=event.aggregate_id)
        assistito, ente = cartella.assistito, cartella.owner_ente
    else:
        assistito = Assistito.objects.select_related("owner_ente", "comune_residenza__ambito").get(
            pk=event.aggregate_id
        )
        ente = assistito.owner_ente
    occurred = event.occurred_at.date()
    regional = {
        "event_id": str(event.event_id),
        "schema_version": SCHEMA_VERSION,
        "event_type": event.event_type,
        "occurred_on": occurred.isoformat(),
        "case_key": pseudonym(f"{event.aggregate_type}:{event.aggregate_id}", domain="aggregate"),
        "sequence": event.sequence,
        "key_version": key_version(),
        "ente": ente.codice,
        "subject": _subject(assistito, occurred),
        "data": _data(event.payload),
    }
    validate_event(regional)
    return regional
