"""Reads of the citizen tier. Operators reach offices and bookings only through the enti where they hold
MANAGE_AGENDA (cse.core.permissions); citizens reach a booking only if it is theirs (account, session or signed
link). Anything else answers 404, like a booking that does not exist."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from cse.cartella.consensi import Consenso
from cse.cartella.models import Assistito
from cse.core.models import AccessLog, Comune
from cse.core.permissions import ente_ids_for
from cse.core.roles import Capability

from .agenda import AperturaStraordinaria, Chiusura, Cittadino, Prenotazione, RegolaOrario, Slot, Sportello
from .glossary import StatoPrenotazione

SESSION_KEY = "cittadino_prenotazioni"
TOKEN_SALT = "cse.cittadino.prenotazione"  # noqa: S105 — a signing namespace, not a secret


def slot_is_held(now: datetime | None = None) -> Q:
    """A booking that holds its slot now: confirmed, no-show, or waiting for confirmation within its hold."""
    now = now or timezone.now()
    return Q(stato__in=[StatoPrenotazione.CONFERMATA, StatoPrenotazione.ASSENTE]) | Q(
        stato=StatoPrenotazione.IN_ATTESA, trattenuta_fino__gte=now
    )


def bookable_window(sportello: Sportello, now: datetime | None = None) -> tuple[datetime, datetime]:
    now = now or timezone.now()
    earliest = now + timedelta(minutes=settings.CSE_BOOKING_MIN_LEAD_MINUTES)
    latest = now + timedelta(days=sportello.orizzonte_giorni)
    return earliest, latest


def free_slots(sportello: Sportello, *, now: datetime | None = None, exclude_pk: int | None = None) -> QuerySet[Slot]:
    now = now or timezone.now()
    earliest, latest = bookable_window(sportello, now)
    held = Prenotazione.objects.filter(slot=OuterRef("pk")).filter(slot_is_held(now))
    qs = Slot.objects.filter(sportello=sportello, attivo=True, inizio__gte=earliest, inizio__lte=latest)
    qs = qs.exclude(Exists(held))
    return qs.exclude(pk=exclude_pk) if exclude_pk else qs


def free_times(sportello: Sportello, *, now: datetime | None = None) -> list[Slot]:
    """One free slot per start time (parallel places are the office's business, not the citizen's)."""
    seen: set[datetime] = set()
    result = []
    for slot in free_slots(sportello, now=now).order_by("inizio", "posto"):
        if slot.inizio not in seen:
            seen.add(slot.inizio)
            result.append(slot)
    return result


def sportelli_for_comune(comune: Comune | None) -> QuerySet[Sportello]:
    """Only the front offices of the citizen's comune of residence are offered."""
    if comune is None:
        return Sportello.objects.none()
    return Sportello.objects.filter(ente__comune=comune, attivo=True).select_related("ente")


def residenza_nota(codice_fiscale: str) -> Comune | None:
    """The comune of residence the system holds for this CF (the most recently updated Assistito), if any."""
    if not codice_fiscale:
        return None
    assistito = (
        Assistito.objects.filter(codice_fiscale=codice_fiscale, comune_residenza__isnull=False, unito_a__isnull=True)
        .select_related("comune_residenza")
        .order_by("-updated_at")
        .first()
    )
    return assistito.comune_residenza if assistito else None


# --- citizens' own bookings ---------------------------------------------------------------------------------------


def booking_token(prenotazione: Prenotazione) -> str:
    return signing.dumps(prenotazione.codice, salt=TOKEN_SALT)


def codice_from_token(token: str, *, max_age: int | None = None) -> str | None:
    try:
        return signing.loads(token, salt=TOKEN_SALT, max_age=max_age)
    except signing.BadSignature:
        return None


class RicevutaScaduta(Exception):
    """The e-mail link of a booking whose appointment is more than CSE_BOOKING_RECEIPT_DAYS in the past."""


def receipt_link_expired(prenotazione: Prenotazione, *, now: datetime | None = None) -> bool:
    """A receipt link in a mailbox must not open a person's booking for ever: it lapses some days after the
    appointment (the citizen logged in with SPID/CIE still sees their bookings in the personal area)."""
    lapses = prenotazione.slot.fine + timedelta(days=settings.CSE_BOOKING_RECEIPT_DAYS)
    return (now or timezone.now()) > lapses


def remember_in_session(request: HttpRequest, prenotazione: Prenotazione) -> None:
    codes = request.session.get(SESSION_KEY, [])
    if prenotazione.codice not in codes:
        request.session[SESSION_KEY] = [*codes, prenotazione.codice][-20:]


def get_prenotazione_for_citizen(request: HttpRequest, codice: str) -> Prenotazione:
    """The booking if it belongs to the requester (citizen account, this browser's session, or the signed link of
    the e-mail); otherwise 404 exactly as for a code that does not exist. RicevutaScaduta for an e-mail link past
    its time."""
    token = request.GET.get("t", "")
    if token and codice_from_token(token) == codice:
        allowed = Q(codice=codice)
        linked = Prenotazione.objects.filter(allowed).select_related("slot").first()
        if linked is not None and receipt_link_expired(linked):
            raise RicevutaScaduta(codice)
    else:
        allowed = Q(codice=codice, codice__in=request.session.get(SESSION_KEY, []))
        cittadino = getattr(request.user, "cittadino", None) if request.user.is_authenticated else None
        if cittadino is not None:
            allowed |= Q(codice=codice, cittadino=cittadino)
    found = Prenotazione.objects.filter(allowed).select_related("slot__sportello__ente", "comune_residenza").first()
    if found is None:
        raise Http404("Prenotazione non trovata")
    if token:
        remember_in_session(request, found)
    return found


# --- operators ----------------------------------------------------------------------------------------------------


def sportelli_for_operator(user) -> QuerySet[Sportello]:
    return Sportello.objects.filter(ente_id__in=ente_ids_for(user, Capability.MANAGE_AGENDA)).select_related("ente")


def get_sportello_for(user, pk: int) -> Sportello:
    try:
        return sportelli_for_operator(user).get(pk=pk)
    except Sportello.DoesNotExist:
        raise Http404("Sportello non trovato") from None


def get_agenda_rule_for(user, model: type[RegolaOrario | Chiusura | AperturaStraordinaria], pk: int):
    """A weekly rule, closure or extra opening of an office the user manages; 404 otherwise, as if absent."""
    try:
        return model.objects.select_related("sportello__ente").get(pk=pk, sportello__in=sportelli_for_operator(user))
    except model.DoesNotExist:
        raise Http404("Regola dell'agenda non trovata") from None


def get_prenotazione_for_operator(user, pk: int) -> Prenotazione:
    qs = Prenotazione.objects.filter(slot__sportello__ente_id__in=ente_ids_for(user, Capability.MANAGE_AGENDA))
    try:
        return qs.select_related("slot__sportello__ente", "cittadino", "comune_residenza").get(pk=pk)
    except Prenotazione.DoesNotExist:
        raise Http404("Prenotazione non trovata") from None


def agenda_rows(sportello: Sportello, start: datetime, end: datetime) -> list[dict]:
    """Slots of an office between two instants with their current booking (if any), for the operator's agenda."""
    slots = Slot.objects.filter(sportello=sportello, inizio__gte=start, inizio__lt=end).order_by("inizio", "posto")
    bookings = {
        p.slot_id: p
        for p in Prenotazione.objects.filter(slot__in=slots).exclude(
            stato__in=[StatoPrenotazione.ANNULLATA, StatoPrenotazione.SCADUTA]
        )
    }
    return [{"slot": s, "prenotazione": bookings.get(s.pk)} for s in slots]


def accessi_ai_miei_dati(cittadino: Cittadino) -> QuerySet:
    """Reads of every person record carrying the citizen's own codice fiscale, in any comune or ambito (the data
    subject may know who consulted their record: Garante 2015, GDPR art. 15). Callers show only when, who, which
    ente and what kind of access: never the purpose text, which operators write for other operators."""
    mine = Assistito.objects.filter(codice_fiscale=cittadino.codice_fiscale).values("pk")
    return AccessLog.objects.filter(assistito_id__in=mine).select_related("user", "ente").order_by("-at", "-id")


def schede_del_cittadino(user) -> QuerySet[Assistito]:
    """The person records (one per comune that registered them) whose codice fiscale is the logged-in citizen's own:
    the same match by codice fiscale as the citizen's payments and applications; merged duplicates excluded."""
    cf = getattr(getattr(user, "cittadino", None), "codice_fiscale", "") or ""
    if not cf:
        return Assistito.objects.none()
    return (
        Assistito.objects.filter(codice_fiscale=cf.upper(), unito_a__isnull=True)
        .select_related("owner_ente")
        .order_by("owner_ente__nome", "pk")
    )


def get_consenso_for_citizen(user, pk: int) -> Consenso:
    """A consent of one of the citizen's own records, or 404 (another citizen's consent does not exist for them)."""
    consenso = Consenso.objects.filter(pk=pk, assistito__in=schede_del_cittadino(user)).first()
    if consenso is None:
        raise Http404
    return consenso
def appuntamenti_oggi(user, day=None) -> list[dict]:
    """Today's active bookings at the offices the operator manages (MANAGE_AGENDA), for the "Oggi" page of the case
    layer: a time, an office, a subject and the booking's page; the citizen's name stays on the booking's page."""
    from django.urls import reverse

    day = day or timezone.localdate()
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    rows = (
        Prenotazione.objects.filter(
            slot__sportello__in=sportelli_for_operator(user),
            slot__inizio__gte=start,
            slot__inizio__lt=start + timedelta(days=1),
            stato__in=[StatoPrenotazione.IN_ATTESA, StatoPrenotazione.CONFERMATA],
        )
        .select_related("slot__sportello")
        .order_by("slot__inizio", "pk")
    )
    return [
        {
            "inizio": p.slot.inizio,
            "sportello": p.slot.sportello.nome,
            "argomento": p.get_argomento_display(),
            "stato": p.get_stato_display(),
            "url": reverse("locale:prenotazione", args=[p.pk]),
        }
        for p in rows
    ]
