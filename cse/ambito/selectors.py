"""Reads of the ambito tier for operators: always through the permission layer; foreign objects are 404."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404, HttpRequest

from cse.cartella.glossary import StatoTrasferimento
from cse.cartella.models import Cartella, RichiestaTrasferimento
from cse.cartella.selectors import _get_and_log, search_cases
from cse.core.models import AccessLog
from cse.core.permissions import ente_ids_for
from cse.core.roles import Capability, TipoEnte

from .models import Assegnazione, DomandaServizio, LineaBudget, MembroUVM, ServizioAmbito, SessioneUVM


def _case_child(request: HttpRequest, qs: QuerySet, pk: int, *, finalita: str, azione=AccessLog.Azione.CONSULTAZIONE):
    return _get_and_log(
        request,
        qs.select_related("cartella"),
        pk,
        azione=azione,
        finalita=finalita,
        assistito_of=lambda o: o.cartella.assistito_id,
        ente_of=lambda o: o.cartella.owner_ente_id,
    )


def richieste_visible_to(user) -> QuerySet[RichiestaTrasferimento]:
    """Transfer requests addressed to an ambito where the user works, or of visible cases of the user's comune."""
    enti = ente_ids_for(user, Capability.VIEW_PERSONE)
    cases = Cartella.objects.visible_to(user).values("pk")
    # the ambito reads a pending request before the case is its own; the comune reads the requests of its cases
    return RichiestaTrasferimento.objects.filter(
        Q(ambito_id__in=enti) | Q(comune_id__in=enti, cartella__in=cases)
    ).select_related("cartella__assistito", "comune", "ambito", "richiesto_da")


def richieste_to_ambito(user, *, query: str = "", stato: str = "") -> QuerySet[RichiestaTrasferimento]:
    """The requests addressed to the user's ambito (the ambito's list), pending first, narrowed to a search term
    (case number, codice fiscale or name) and a state."""
    qs = richieste_visible_to(user).filter(ambito_id__in=ente_ids_for(user, Capability.VIEW_PERSONE))
    if stato:
        qs = qs.filter(stato=stato)
    priority = Case(
        When(stato=StatoTrasferimento.RICHIESTO, then=Value(0)),
        When(stato=StatoTrasferimento.ACCETTATO, then=Value(1)),
        default=Value(2),
    )
    return search_cases(qs, query, case="cartella__").order_by(priority, "-richiesto_il", "-id")


def cartelle_of_ambito(user, *, query: str = "", stato: str = "") -> QuerySet[Cartella]:
    """The visible cases owned by an ambito, narrowed to a search term and a phase."""
    qs = Cartella.objects.visible_to(user).filter(owner_ente__tipo=TipoEnte.AMBITO)
    if stato:
        qs = qs.filter(stato=stato)
    return search_cases(qs.select_related("assistito", "owner_ente"), query)


def sessioni_of(user, *, query: str = "", stato: str = "") -> QuerySet[SessioneUVM]:
    """The UVM sessions the user may see (the ambito's, or as a member with unexpired access), narrowed to a
    search term (case number, codice fiscale or name of the person) and a state."""
    qs = SessioneUVM.objects.visible_to(user).select_related("cartella__assistito", "ambito")
    if stato:
        qs = qs.filter(stato=stato)
    return search_cases(qs, query, case="cartella__")


def get_richiesta_for(request: HttpRequest, pk: int, *, finalita: str = "") -> RichiestaTrasferimento:
    return _case_child(request, richieste_visible_to(request.user), pk, finalita=finalita)


def get_sessione_for(request: HttpRequest, pk: int, *, finalita: str = "", azione=AccessLog.Azione.CONSULTAZIONE):
    return _case_child(request, SessioneUVM.objects.visible_to(request.user), pk, finalita=finalita, azione=azione)


def sessione_visible(user, pk: int) -> SessioneUVM | None:
    """For the websocket consumer: the session if the user may see it now, else None (same for absent)."""
    return SessioneUVM.objects.visible_to(user).select_related("cartella__assistito").filter(pk=pk).first()


def get_membro_for(request: HttpRequest, pk: int) -> MembroUVM:
    visible = SessioneUVM.objects.visible_to(request.user).values("pk")
    try:
        return MembroUVM.objects.select_related("sessione").get(pk=pk, sessione__in=visible)
    except MembroUVM.DoesNotExist:
        raise Http404("Elemento non trovato") from None


def _ambito_ids(user) -> frozenset[int]:
    return ente_ids_for(user, Capability.VIEW_PERSONE)


def servizi_of(user) -> QuerySet[ServizioAmbito]:
    return ServizioAmbito.objects.filter(ambito_id__in=_ambito_ids(user)).select_related("linea_budget", "voce")


def servizi_with_counts(user) -> QuerySet[ServizioAmbito]:
    """The ambito's services with their occupied places and waiting requests counted in the same query (two
    correlated COUNT subqueries), so the catalogue page does not ask two queries per service."""
    occupati = Assegnazione.objects.filter(servizio=OuterRef("pk"), attiva=True)
    in_attesa = DomandaServizio.objects.filter(servizio=OuterRef("pk"), stato="in_attesa")
    return (
        servizi_of(user)
        .prefetch_related("erogatori")
        .annotate(occupati=_count_of(occupati), in_attesa=_count_of(in_attesa))
    )


def _count_of(qs) -> Subquery:
    return Subquery(
        qs.order_by().values("servizio").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
    )


def get_servizio_for(request: HttpRequest, pk: int) -> ServizioAmbito:
    try:
        return servizi_of(request.user).get(pk=pk)
    except ServizioAmbito.DoesNotExist:
        raise Http404("Elemento non trovato") from None


def get_domanda_for(request: HttpRequest, pk: int) -> DomandaServizio:
    cases = Cartella.objects.visible_to(request.user).values("pk")
    qs = DomandaServizio.objects.filter(servizio__ambito_id__in=_ambito_ids(request.user), cartella__in=cases)
    return _case_child(request, qs.select_related("servizio"), pk, finalita="assegnazione servizio")


def linee_of(user) -> QuerySet[LineaBudget]:
    return LineaBudget.objects.filter(ambito_id__in=_ambito_ids(user))


def budget_rows(user, anno: int | None = None) -> list[dict]:
    """Planned, committed, liquidated, residual per line (computed from commitments and paid prestazioni)."""
    qs = linee_of(user)
    if anno:
        qs = qs.filter(anno=anno)
    rows = []
    for linea in qs:
        impegnato, liquidato = linea.impegnato(), linea.liquidato()
        rows.append(
            {
                "linea": linea,
                "programmato": linea.programmato,
                "impegnato": impegnato,
                "liquidato": liquidato,
                "residuo": linea.programmato - impegnato,
            }
        )
    return rows


def bandi_da_finanziare(user):
    """The ambito's bandi the Ufficio di Piano may finance from its lines (the version in force of each)."""
    from cse.bandi.models import Bando

    return (
        Bando.objects.filter(ente_id__in=ente_ids_for(user, Capability.MANAGE_PIANO))
        .exclude(stato__in=("sostituito", "revocato"))
        .select_related("finanziamento_pdz__linea")
        .order_by("-apertura")
    )


def bandi_finanziati_rows(user) -> list[dict]:
    """Each of the ambito's bandi with its line (if any) and its figures from the bandi data."""
    from cse.bandi.liquidazione.selectors import bando_figures

    return [
        {"bando": b, "linea": getattr(getattr(b, "finanziamento_pdz", None), "linea", None), "cifre": bando_figures(b)}
        for b in bandi_da_finanziare(user)
    ]
