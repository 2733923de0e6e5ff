"""The contract between the local tiers and the regional tier: one JSON Schema, enforced at both ends.

Allow-list only (additionalProperties: false everywhere): pseudonyms, birth year and age band, sex, comune ISTAT code,
ambito, citizenship code, ente code, codes, dates, amounts. No names, codice fiscale, addresses, free text or exact
birth dates can pass (architecture promise 5).
"""

from __future__ import annotations

import fastjsonschema
from jsonschema import Draft202012Validator

# v2 (oscuramento): diary entries carry `voce_key`, and `cartella.diario_voce_ritirata` retracts one at the region.
# v3 (oscuramento of documents): uploads carry `documento_key`, and `cartella.documento_ritirato` retracts one.
# Both ends still accept older events (already stored ones, and any queued before the upgrade).
SCHEMA_VERSION = 3
ACCEPTED_SCHEMA_VERSIONS = [1, 2, 3]
HEX64 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
DATE = {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"}
CODE = {"type": ["string", "null"], "maxLength": 40, "pattern": r"^[A-Za-z0-9_.\-]*$"}
NUMBER = {"type": ["string", "null"], "pattern": r"^-?\d+(\.\d+)?$"}
SMALLINT = {"type": ["integer", "null"], "minimum": 0, "maximum": 10}

DATA_FIELDS: dict[str, dict] = {
    # access, assessment, project, closure
    "canale": CODE,
    "area": CODE,
    "esito": CODE,
    "data_accesso": DATE,
    "economica": SMALLINT,
    "abitativa": SMALLINT,
    "salute": SMALLINT,
    "familiare": SMALLINT,
    "lavoro": SMALLINT,
    "gravita": SMALLINT,
    "urgenza": CODE,
    "data_revisione": DATE,
    "sottoscritto": {"type": "boolean"},
    "esito_obiettivi": CODE,
    "motivo": CODE,
    # workflow and ownership
    "da": CODE,
    "a": CODE,
    "data": DATE,
    "aperta_il": DATE,
    "da_ente": CODE,
    "a_ente": CODE,
    # interventions and prestazioni
    "intervento_key": HEX64,
    "prestazione_key": HEX64,
    # diary entries (v2): only the key, so an obscured entry can be retracted; never its text or category
    "voce_key": HEX64,
    # uploaded documents (v3): only the key, so an obscured document can be retracted; never its name or content
    "documento_key": HEX64,
    "codice": CODE,
    "carattere": SMALLINT,
    "data_inizio": DATE,
    "data_fine": DATE,
    "quantita": NUMBER,
    "unita": CODE,
    "importo": NUMBER,
    "fonte": CODE,
    "modulo_leps": CODE,
    "ente_erogatore": CODE,
    "ore_previste": NUMBER,
    "importo_previsto": NUMBER,
    # SIUSS transmission of a prestazione (the event type carries the flow's new state)
    "operazione": CODE,
    # person-level facts
    "tipo": CODE,
    "valore": NUMBER,
    "valida_dal": DATE,
    "valida_al": DATE,
    "convivente": {"type": "boolean"},
    "comune_residenza": CODE,
    "cittadinanza": CODE,
    "condizione_occupazionale": CODE,
    "disabilita": CODE,
}

EVENT_SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": [
        "event_id",
        "schema_version",
        "event_type",
        "occurred_on",
        "case_key",
        "sequence",
        "key_version",
        "ente",
        "subject",
        "data",
    ],
    "properties": {
        "event_id": {"type": "string", "format": "uuid", "pattern": "^[0-9a-f-]{36}$"},
        "schema_version": {"enum": ACCEPTED_SCHEMA_VERSIONS},
        "event_type": {"type": "string", "pattern": r"^[a-z_]+\.[a-z_]+$"},
        "occurred_on": DATE,
        "case_key": HEX64,
        "sequence": {"type": "integer", "minimum": 1},
        "key_version": {"type": "string", "maxLength": 20},
        "ente": CODE,
        "subject": {
            "type": "object",
            "additionalProperties": False,
            "required": ["pseudonym", "birth_year", "age_band", "sex", "comune_istat", "ambito", "cittadinanza"],
            "properties": {
                "pseudonym": HEX64,
                "birth_year": {"type": "integer", "minimum": 1880, "maximum": 2100},
                "age_band": {"type": "string", "enum": ["0-17", "18-24", "25-44", "45-64", "65-74", "75+"]},
                "sex": {"enum": ["M", "F"]},
                "comune_istat": {"type": ["string", "null"], "pattern": r"^\d{6}$"},
                "ambito": CODE,
                "cittadinanza": {"type": "string", "pattern": r"^\d{3}$"},
            },
        },
        "data": {"type": "object", "additionalProperties": False, "properties": DATA_FIELDS},
    },
}

_validator = Draft202012Validator(EVENT_SCHEMA)
# The same schema compiled to Python for the hot path (ingestion of millions of events); it only uses keywords that
# mean the same in draft 7, and any event it rejects is re-checked by jsonschema for the complete list of errors.
_fast_check = fastjsonschema.compile({**EVENT_SCHEMA, "$schema": "http://json-schema.org/draft-07/schema#"})


class EventSchemaError(ValueError):
    pass


def validate_event(event: dict) -> None:
    """Raise EventSchemaError listing every violation (both the relay and the ingestion call this)."""
    try:
        _fast_check(event)
        return
    except fastjsonschema.JsonSchemaException:
        pass
    errors = sorted(_validator.iter_errors(event), key=lambda e: list(e.path))
    if errors:
        raise EventSchemaError("; ".join(f"{'/'.join(map(str, e.path)) or '(evento)'}: {e.message}" for e in errors))


def age_band(age: int) -> str:
    for limit, band in ((18, "0-17"), (25, "18-24"), (45, "25-44"), (65, "45-64"), (75, "65-74")):
        if age < limit:
            return band
    return "75+"
