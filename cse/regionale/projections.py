"""Current-state projections of the regional events, folded in by the ingestion in the same transaction.

The derivations of a year read these narrow typed tables (one row per prestazione, one per case) instead of
replaying and parsing every JSON payload; events stay the source of truth and `rebuild_projections` recomputes the
tables from them deterministically. An older event never overwrites a newer one (sequence per case decides), so
out-of-order or repeated deliveries leave the same state.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from .bulk import upsert_newer
from .models import CasoCorrente, EventoRegionale, PrestazioneCorrente, TrasmissioneSiuss

DB = "regionale"
# A revocation is the prestazione's last state (a benefit revoked by a new act): its row stays, flagged, so a late
# older event can never bring it back, and the derivations leave it out.
REVOKED = "cartella.prestazione_revocata"
PRESTAZIONE_EVENTS = ("cartella.prestazione_erogata", "cartella.prestazione_conclusa", REVOKED)
TAKEN_INTO_CARE = frozenset({"valutazione", "progetto", "erogazione"})
SIUSS_FLOW_EVENT = "siuss.flusso_"
PRESTAZIONE_FLOW = "PS_PSA_SINA"  # SINBA flows describe the minor's case, not one prestazione
INSERT = "I"  # a cancellation flow ("C") is the first half of a correction, not the prestazione's transmission


def _prestazione_row(event: dict) -> dict:
    data, subject = event["data"], event["subject"]
    return {
        "prestazione_key": data["prestazione_key"],
        "case_key": event["case_key"],
        "sequence": event["sequence"],
        "ente": event["ente"],
        "ente_erogatore": data.get("ente_erogatore") or event["ente"],  # events before it was recorded: the owner
        "soggetto": subject["pseudonym"],
        "sesso": subject["sex"],
        "fascia_eta": subject["age_band"],
        "comune_istat": subject["comune_istat"] or "",
        "ambito": subject["ambito"] or "",
        "codice": data["codice"],
        "carattere": data["carattere"],
        "data_inizio": data["data_inizio"],
        "data_fine": data.get("data_fine"),
        "quantita": Decimal(data["quantita"]),
        "unita": data["unita"],
        "importo": Decimal(data["importo"]),
        "fonte": data["fonte"],
        "modulo_leps": data.get("modulo_leps") or "",
        "revocata": event["event_type"] == REVOKED,
    }


def _transmission_row(event: dict) -> dict | None:
    data = event["data"]
    if data.get("tipo") != PRESTAZIONE_FLOW or data.get("operazione") != INSERT or not data.get("prestazione_key"):
        return None
    return {
        "prestazione_key": data["prestazione_key"],
        "sequence": event["sequence"],
        "ente_erogatore": data.get("ente_erogatore") or event["ente"],
        "stato": event["event_type"].removeprefix(SIUSS_FLOW_EVENT),
        "aggiornato_il": event["occurred_on"],
        "ambito": event["subject"]["ambito"] or "",
    }


def project(events: Iterable[dict]) -> None:
    """Fold already-stored events into the current-state tables."""
    prestazioni: dict[str, dict] = {}
    transmissions: dict[str, dict] = {}
    cases: dict[str, dict] = {}
    for event in sorted(events, key=lambda e: (e["case_key"], e["sequence"])):
        data, seq = event["data"], event["sequence"]
        if event["event_type"] in PRESTAZIONE_EVENTS:
            row = _prestazione_row(event)
            prestazioni[row["prestazione_key"]] = row  # sorted: the last one is the newest
        elif event["event_type"].startswith(SIUSS_FLOW_EVENT) and (row := _transmission_row(event)):
            transmissions[row["prestazione_key"]] = row
        area = data.get("area")
        care = event["event_type"] == "cartella.fase_cambiata" and data.get("a") in TAKEN_INTO_CARE
        if area or care:
            case = cases.setdefault(
                event["case_key"], {"case_key": event["case_key"], "area": "", "area_sequence": 0, "in_carico": False}
            )
            case["ambito"], case["ambito_sequence"] = event["subject"]["ambito"] or "", seq  # sorted: the newest
            if area:
                case["area"], case["area_sequence"] = area, seq
            case["in_carico"] = case["in_carico"] or care
    upsert_newer(PrestazioneCorrente, prestazioni, key="prestazione_key", order="sequence")
    upsert_newer(TrasmissioneSiuss, transmissions, key="prestazione_key", order="sequence")
    _upsert_cases(cases)


def _upsert_cases(rows: dict[str, dict]) -> None:
    """Merge into the stored facts of each case; the row's ambito is its newest event's (a moved person's case
    row moves with it, so there is still one row per case)."""
    if not rows:
        return
    moved = []
    for case in CasoCorrente.objects.filter(case_key__in=list(rows)):
        row = rows[case.case_key]
        if case.area_sequence > row["area_sequence"]:
            row["area"], row["area_sequence"] = case.area, case.area_sequence
        row["in_carico"] = row["in_carico"] or case.in_carico
        if case.ambito_sequence > row["ambito_sequence"]:
            row["ambito"], row["ambito_sequence"] = case.ambito, case.ambito_sequence
        if case.ambito != row["ambito"]:
            moved.append(case.pk)
    if moved:
        CasoCorrente.objects.filter(pk__in=moved).delete()
    CasoCorrente.objects.bulk_create(
        [CasoCorrente(**r) for r in rows.values()],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["case_key", "ambito"],
        update_fields=["area", "area_sequence", "in_carico", "ambito_sequence"],
    )


@transaction.atomic(using=DB)
def rebuild_projections(chunk: int = 20_000) -> int:
    """Recompute the tables from every stored event (after a code change to the projection, or a restore)."""
    PrestazioneCorrente.objects.all().delete()
    TrasmissioneSiuss.objects.all().delete()
    CasoCorrente.objects.all().delete()
    done, batch = 0, []
    for payload in EventoRegionale.objects.order_by("id").values_list("payload", flat=True).iterator(chunk_size=chunk):
        batch.append(payload)
        if len(batch) >= chunk:
            project(batch)
            done, batch = done + len(batch), []
    project(batch)
    return done + len(batch)
