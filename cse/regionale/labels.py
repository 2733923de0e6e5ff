"""Names for the codes the regional tables are keyed by (ente, ambito, comune ISTAT, area, nomenclatore, quarter,
funding source, event type): the pages show names, the CSV/XLSX exports keep the codes (stable keys for whoever
joins them with other data). A code without a name is shown as it is, never dropped."""

from __future__ import annotations

from collections.abc import Iterable

from cse.core.codelists.aree import AreaBisogno
from cse.core.codelists.fondi import FonteFinanziamento
from cse.core.codelists.nomenclatore import SEED
from cse.core.events import EVENTS
from cse.core.models import Ambito, Comune, Ente

from .disclosure import MISSING

NOT_GIVEN = "Non indicato"  # an empty dimension value (stored as MISSING, "n.d.", which also marks hidden cells)

_FIXED: dict[str, dict[str, str]] = {
    "area": dict(AreaBisogno.choices),
    "codice": {code: f"{label} ({code})" for code, label, _ in SEED},
    "fonte": dict(FonteFinanziamento.choices),
    "trimestre": {f"T{q}": f"{q}° trimestre" for q in range(1, 5)},
}


def dimension_labels(dimension: str, codes: Iterable[str]) -> dict[str, str]:
    """code → name for the values of one table dimension (one query at most, for the territorial ones)."""
    codes = list(codes)
    names = dict(_FIXED.get(dimension, {}))
    if dimension == "ente":
        names.update(Ente.objects.filter(codice__in=codes).values_list("codice", "nome"))
    elif dimension == "ambito":
        names.update(
            (c, f"Ambito di {n}") for c, n in Ambito.objects.filter(codice__in=codes).values_list("codice", "nome")
        )
    elif dimension == "comune_istat":
        names.update(Comune.objects.filter(codice_istat__in=codes).values_list("codice_istat", "nome"))
    names[MISSING] = NOT_GIVEN
    return {code: names.get(code, code) for code in codes}


def event_label(event_type: str) -> str:
    """The registered description of an event type, capitalised; the type itself when unknown."""
    known = EVENTS.get(event_type)
    return known.description[:1].upper() + known.description[1:] if known else event_type
