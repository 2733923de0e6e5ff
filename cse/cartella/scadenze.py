"""Deadlines of a case: their state machine and what the pages read ("Oggi", the case page, the live counter, the
digest). The writers are in cse/cartella/actions/scadenze.py.

aperta → fatta (the act that fulfils it, or an operator) · aperta → annullata (the case closes, the need is gone).
Every read starts from `Cartella.objects.visible_to`: a deadline is seen exactly by who sees its case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from cse.core.codelists.scadenze import StatoScadenza
from cse.core.fsm import StateMachine, Transition
from cse.core.permissions import ente_ids_for
from cse.core.roles import Capability

from .glossary import StatoCartella, StatoTrasferimento
from .models import Cartella, RichiestaTrasferimento, Scadenza

A = StatoScadenza

# Who may add, mark done or cancel a deadline: whoever may write in the case (comune desk or case manager).
CAN_WORK = (Capability.REGISTER_PERSONE, Capability.MANAGE_CARTELLE)
# The coordinator of a service (the responsabile, who oversees the ente's work and reads its audit) sees the overdue
# deadlines of all its cases, whoever answers for them; among the cases they may see, as everyone.
COORDINATOR = Capability.VIEW_AUDIT

SCADENZA = StateMachine(
    "la scadenza",
    "stato",
    (
        Transition("fatta", A.APERTA, A.FATTA, "Segna come fatta", event="scadenza.fatta"),
        Transition("annulla", A.APERTA, A.ANNULLATA, "Annulla", event="scadenza.annullata"),
    ),
    states=StatoScadenza,
)

WEEK = 7


def scadenze_visible(user, capability=Capability.VIEW_PERSONE) -> QuerySet[Scadenza]:
    """Deadlines of the cases the user may see (the only entry point of every read)."""
    visible = Cartella.objects.visible_to(user, capability).values("pk")
    return Scadenza.objects.filter(cartella__in=visible)


def mine(user) -> Q:
    """Deadlines the user answers for: named responsible, or case manager of a case whose deadline names nobody."""
    return Q(responsabile=user) | Q(responsabile__isnull=True, cartella__case_manager=user)


def open_mine(user) -> QuerySet[Scadenza]:
    return scadenze_visible(user).filter(mine(user), stato=A.APERTA)


def counter(user, today: date | None = None) -> int:
    """The header's live number: the user's open deadlines overdue or due today (one query)."""
    today = today or timezone.localdate()
    return open_mine(user).filter(scadenza__lte=today).count()


@dataclass(frozen=True)
class Oggi:
    """The lists of the "Oggi" page, each a queryset to page on its own."""

    scadute: QuerySet
    settimana: QuerySet
    servizio: QuerySet | None
    nuove: QuerySet
    trasferimenti: QuerySet


def _listed(qs: QuerySet[Scadenza]) -> QuerySet[Scadenza]:
    return qs.select_related("cartella__assistito", "cartella__owner_ente", "responsabile").order_by("scadenza", "id")


def oggi(user, today: date | None = None) -> Oggi:
    """What an operator's day starts from: overdue and this week's deadlines they answer for, the overdue ones of the
    whole service for a coordinator, the cases assigned to them in the last week, transfers waiting for an answer."""
    today = today or timezone.localdate()
    own = open_mine(user)
    coordinated = ente_ids_for(user, COORDINATOR)
    servizio = None
    if coordinated:
        servizio = _listed(
            scadenze_visible(user).filter(stato=A.APERTA, scadenza__lt=today, cartella__owner_ente_id__in=coordinated)
        )
    cases = Cartella.objects.visible_to(user).select_related("assistito", "owner_ente")
    return Oggi(
        scadute=_listed(own.filter(scadenza__lt=today)),
        settimana=_listed(own.filter(scadenza__gte=today, scadenza__lte=today + timedelta(days=WEEK))),
        servizio=servizio,
        nuove=cases.filter(case_manager=user, aperta_il__gte=today - timedelta(days=WEEK))
        .exclude(stato=StatoCartella.CHIUSA)
        .order_by("-aperta_il", "-id"),
        trasferimenti=transfers_waiting(user),
    )


def transfers_waiting(user) -> QuerySet[RichiestaTrasferimento]:
    """Transfer requests waiting for an answer: for an ambito that decides them, or asked by the user's comune."""
    deciding = ente_ids_for(user, Capability.ACCEPT_TRANSFERS)
    visible = Cartella.objects.visible_to(user).values("pk")
    return (
        RichiestaTrasferimento.objects.filter(stato=StatoTrasferimento.RICHIESTO)
        .filter(Q(ambito_id__in=deciding) | Q(cartella__in=visible))
        .select_related("cartella__assistito", "comune", "ambito")
        .order_by("richiesto_il", "id")
    )


def of_case(cartella: Cartella) -> QuerySet[Scadenza]:
    """The open deadlines of a case already obtained through get_cartella_for (its page)."""
    return cartella.scadenze.filter(stato=A.APERTA).select_related("responsabile").order_by("scadenza", "id")


def who_answers(scadenza: Scadenza) -> int | None:
    """The user id the deadline counts for (the live counter to refresh)."""
    return scadenza.responsabile_id or scadenza.cartella.case_manager_id


def counter_group(user_id: int) -> str:
    """The channel group of one operator's live counter (joined only by that operator's own socket)."""
    return f"scadenze.operatore.{user_id}"


def digest_declined(user) -> bool:
    from .models import DigestRinuncia

    return DigestRinuncia.objects.filter(user=user).exists()
