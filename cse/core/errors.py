"""The error pages: Italian, in the look of the area the visitor is in (the citizens' portal or the operators' shell),
never Django's English defaults. "Does not exist" and "not yours" share one 404 page: nothing tells them apart."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.urls import reverse

from .middleware import OPERATOR_AREA

log = logging.getLogger(__name__)

PAGES = {
    400: ("Richiesta non valida", "La richiesta contiene dati non validi o incompleti: tornare indietro e riprovare."),
    403: ("Operazione non consentita", "Il suo profilo non permette questa operazione."),
    404: ("Pagina non trovata", "La pagina richiesta non esiste o non è disponibile."),
    500: (
        "Errore del servizio",
        "Si è verificato un errore imprevisto e l'operazione non è stata eseguita: nessuna modifica è stata salvata "
        "a metà. Riprovare tra qualche minuto; se il problema continua, segnalarlo all'assistenza.",
    ),
}
CSRF_PAGE = (
    "Modulo scaduto",
    "Il modulo è rimasto aperto troppo a lungo, oppure il browser non accetta i cookie di questo sito: ricaricare la "
    "pagina, compilare di nuovo il modulo e inviarlo. Nulla è stato salvato.",
)
OPERATORS_ONLY_PAGE = (
    "Area riservata agli operatori",
    "Questa è l'area di lavoro degli operatori dei servizi sociali. Con SPID o CIE può usare il portale dei servizi "
    "sociali: prenotare un appuntamento e vedere le sue prenotazioni.",
)
MINIMAL_500 = (
    '<!doctype html><html lang="it"><meta charset="utf-8"><title>Errore del servizio</title>'
    "<h1>Errore del servizio</h1><p>Si è verificato un errore imprevisto: riprovare tra qualche minuto.</p></html>"
)


def error_page(request: HttpRequest, status: int, title: str, message: str, *, for_citizen: bool = False):
    operators = request.path.startswith(OPERATOR_AREA) and not for_citizen
    context = {
        "base_template": "base.html" if operators else "cittadino/base.html",
        "title": title,
        "message": message,
        "status": status,
        "home_url": reverse("home") if operators else "/",
        "portal_link": for_citizen,
    }
    return render(request, "errors/error.html", context, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(request, 400, *PAGES[400])


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(request, 403, *PAGES[403])


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(request, 404, *PAGES[404])


def operators_only(request: HttpRequest) -> HttpResponse:
    """A citizen's SPID/CIE account in the operators' area: a 404 like any page it may not see, but one that says
    where the citizen's own services are, instead of a login loop."""
    return error_page(request, 404, *OPERATORS_ONLY_PAGE, for_citizen=True)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(request, 403, *CSRF_PAGE)


def server_error(request: HttpRequest) -> HttpResponse:
    """The styled page if it can be drawn; a static one if drawing it fails too (the database may be the fault)."""
    try:
        return error_page(request, 500, *PAGES[500])
    except Exception:  # noqa: BLE001 — the last resort must answer
        log.exception("la pagina di errore 500 non può essere disegnata")
        return HttpResponseServerError(MINIMAL_500)
