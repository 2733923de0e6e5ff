"""Reads of the SIUSS transmission for operators: always inside what the permission layer lets them see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from cse.cartella.fasi import Prestazione
from cse.cartella.models import Cartella
from cse.cartella.selectors import case_number
from cse.core.models import Ente
from cse.core.paging import count_together
from cse.core.permissions import ente_ids_for
from cse.core.roles import Capability

from .glossary import StatoFlusso
from .models import Flusso, VerificaSiuss


def get_ente_for_transmission(user, pk: int) -> Ente:
    """The ente whose SIUSS transmission the user follows (TRANSMIT_SIUSS there), or 404 like a missing one."""
    if pk not in ente_ids_for(user, Capability.TRANSMIT_SIUSS):
        raise Http404("Ente non trovato")
    return Ente.objects.get(pk=pk)


def transmission_counts(ente: Ente) -> dict[str, int]:
    """The dashboard figures: prestazioni granted by the ente, incomplete ones, flows per state (one query)."""
    flows = Flusso.objects.filter(ente=ente)
    named = {
        "erogate": Prestazione.objects.filter(ente_erogatore=ente),
        "incomplete": VerificaSiuss.objects.filter(ente_erogatore=ente, ha_problemi=True),
        **{stato: flows.filter(stato=stato) for stato in StatoFlusso.values},
    }
    return dict(zip(named, count_together(list(named.values())), strict=True))


def transmission_rows(ente: Ente, *, stato: str = "", query: str = "") -> QuerySet[Flusso]:
    """Flows of the ente without names: case number, code, flow id, state, esito. The search term is a case number
    (2026/15), a flow id or a nomenclatore code — never a person's name, which this page does not show."""
    qs = Flusso.objects.filter(ente=ente).select_related("cartella", "prestazione__voce").defer("xml")
    if stato:
        qs = qs.filter(stato=stato)
    query = query.strip()
    if query:
        numero = case_number(query)
        qs = qs.filter(
            Q(cartella__numero=numero) if numero else Q(id_flusso=query) | Q(prestazione__voce__codice__iexact=query)
        )
    return qs.order_by("-creato_il", "-id")


def siuss_worklist(user, *, limit: int = 50) -> list[dict]:
    """Per visible case: the pre-flight problems of its prestazioni and the flows SIUSS rejected (Italian texts)."""
    visible = Cartella.objects.visible_to(user).values("pk")
    rows: dict[int, dict] = {}
    checks = (
        VerificaSiuss.objects.filter(cartella__in=visible, ha_problemi=True)
        .select_related("cartella", "prestazione__voce")
        .order_by("cartella_id", "prestazione_id")
    )
    for check in checks[: limit * 5]:
        row = rows.setdefault(check.cartella_id, {"cartella": check.cartella, "voci": []})
        for problem in check.problemi:
            row["voci"].append({"prestazione": check.prestazione, "testo": problem})
    rejected = (
        Flusso.objects.filter(cartella__in=visible, stato=StatoFlusso.ERRORE)
        .select_related("cartella", "prestazione__voce")
        .defer("xml")
    )
    for flusso in rejected[: limit * 5]:
        row = rows.setdefault(flusso.cartella_id, {"cartella": flusso.cartella, "voci": []})
        detail = flusso.descrizione_esito or flusso.get_codice_esito_display()
        row["voci"].append(
            {"prestazione": flusso.prestazione, "testo": f"flusso {flusso.id_flusso} respinto dal SIUSS: {detail}"}
        )
    return list(rows.values())[:limit]
