from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .permissions import ActiveIncarico, capabilities_in_any_ente, identity
from .roles import Capability, Ruolo, TipoEnte, capabilities_of


@dataclass(frozen=True)
class IncaricoLink:
    """One active incarico as the header shows it: who the operator is there, and the page its work starts from."""

    ente: str
    ruolo: str
    url: str
    pagina: str


def _start_page(incarico: ActiveIncarico) -> tuple[str, str]:
    """(url, page name) where an incarico's work starts: a comune's worklist, an ambito's cases, the regional
    dashboard. A link only: every page already shows the work of all the operator's incarichi together."""
    caps = capabilities_of(incarico.ruolo, incarico.ente_tipo)
    tipo = incarico.ente_tipo
    if tipo == TipoEnte.COMUNE and Capability.VIEW_PERSONE in caps:
        return reverse("locale:lavoro"), "Liste di lavoro"
    if tipo == TipoEnte.AMBITO and Capability.VIEW_PERSONE in caps:
        return reverse("ambito:cartelle_list"), "Cartelle dell'ambito"
    if Capability.VIEW_REGIONAL_DATA in caps:
        return reverse("regionale:cruscotto"), "Dati regionali"
    if Capability.MANAGE_OPERATORS in caps:
        return reverse("ente_operatori", args=[incarico.ente_id]), "Operatori e ruoli"
    if incarico.ruolo == Ruolo.REDATTORE_PORTALE:
        return "/cms/", "Redazione del portale"
    return reverse("home"), "Home"


def incarichi_of(user) -> list[IncaricoLink]:
    """The user's active incarichi, each with its start page (from the request's identity: no query of its own)."""
    links = []
    for incarico in identity(user).incarichi:
        url, pagina = _start_page(incarico)
        ruolo = Ruolo(incarico.ruolo).label if incarico.ruolo in Ruolo.values else incarico.ruolo
        links.append(IncaricoLink(ente=incarico.ente_nome, ruolo=ruolo, url=url, pagina=pagina))
    return links


def operator_context(request) -> dict:
    user = getattr(request, "user", None)
    logged_in = user is not None and user.is_authenticated
    caps = capabilities_in_any_ente(user) if logged_in else frozenset()
    # Lazy: only the operators' header reads it, so a citizen's page costs no query.
    incarichi = SimpleLazyObject(lambda: incarichi_of(user) if logged_in else [])
    return {"caps": caps, "CSE_DEMO": settings.CSE_DEMO, "incarichi_attivi": incarichi}
