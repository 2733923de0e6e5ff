"""The only writers of bookings. Each service is one transaction with its history record; the e-mail and the
operator agenda's live update go out only after commit."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cse.core.fsm import StateMachine, Transition
from cse.core.models import Comune

from .agenda import Cittadino, Prenotazione, Slot
from .glossary import Argomento, StatoPrenotazione
from .selectors import bookable_window, free_slots, residenza_nota

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone
SLOT_TAKEN = "Lo slot non è più libero: qualcun altro lo ha appena prenotato. Scegli uno degli orari ancora liberi."


class SlotNonLibero(ValidationError):
    """The chosen slot was taken by a concurrent booking; carries the next free slots to offer instead."""

    def __init__(self, alternatives: list[Slot]):
        super().__init__(SLOT_TAKEN)
        self.alternatives = alternatives


P = StatoPrenotazione
_NOT_FROM_HERE = {
    "conferma": "La richiesta è scaduta o annullata: l'orario è stato liberato. Prenotare di nuovo.",
    "annulla": "La prenotazione non è attiva.",
    "segna_assente": "Si può segnare l'assenza solo di una prenotazione confermata.",
    "scade": "La prenotazione non è in attesa di conferma.",
}

# The booking: created «in attesa» (or «confermata» after login); the times (cutoff, start) are checked by the
# services, which know `now`; who may act is checked by the views (the citizen's own booking, the office's operator).
PRENOTAZIONE = StateMachine(
    "la prenotazione",
    "stato",
    (
        Transition("conferma", P.IN_ATTESA, P.CONFERMATA, "Conferma via e-mail"),
        Transition("annulla", (P.IN_ATTESA, P.CONFERMATA), P.ANNULLATA, "Annulla"),
        Transition("segna_assente", P.CONFERMATA, P.ASSENTE, "Segna l'assenza"),
        Transition("scade", P.IN_ATTESA, P.SCADUTA, "Riserva scaduta senza conferma"),
    ),
    states=P,
    illegal=lambda prenotazione, transition: [_NOT_FROM_HERE[transition.name]],
)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def _check_slot(slot_id, *, comune_residenza: Comune | None, now: datetime) -> Slot:
    """The slot, if a citizen of `comune_residenza` may book it now; otherwise a clear Italian message."""
    try:
        slot = Slot.objects.select_related("sportello__ente").get(pk=int(slot_id))
    except (Slot.DoesNotExist, TypeError, ValueError):
        raise ValidationError({"slot": "L'orario scelto non esiste: sceglierne uno tra quelli proposti."}) from None
    sportello = slot.sportello
    if comune_residenza is None or sportello.ente.comune_id != comune_residenza.pk:
        raise ValidationError({"slot": "Si possono prenotare solo gli sportelli del proprio comune di residenza."})
    if not (slot.attivo and sportello.attivo):
        raise ValidationError({"slot": "In quell'orario lo sportello è chiuso: sceglierne un altro."})
    earliest, latest = bookable_window(sportello, now)
    if slot.inizio < earliest:
        raise ValidationError({"slot": "Questo orario è passato o troppo vicino per essere prenotato online."})
    if slot.inizio > latest:
        raise ValidationError(
            {"slot": f"Questo orario è oltre il periodo prenotabile ({sportello.orizzonte_giorni} giorni)."}
        )
    return slot


def _check_person_free(cittadino: Cittadino | None, slot: Slot, *, exclude_pk: int | None = None) -> None:
    """A citizen holds one appointment at a time: refuse a slot that overlaps another active booking of theirs. The
    citizen's row is locked so that two concurrent bookings of the same person are serialised."""
    if cittadino is None:
        return
    Cittadino.objects.select_for_update().filter(pk=cittadino.pk).first()
    clash = (
        Prenotazione.objects.filter(
            cittadino=cittadino,
            stato__in=(StatoPrenotazione.IN_ATTESA, StatoPrenotazione.CONFERMATA),
            slot__inizio__lt=slot.fine,
            slot__fine__gt=slot.inizio,
        )
        .exclude(pk=exclude_pk)
        .select_related("slot__sportello")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "slot": f"Hai già un appuntamento a quell'ora ({clash.slot.sportello.nome}, "
                f"{timezone.localtime(clash.slot.inizio):%d/%m/%Y %H:%M}): scegli un altro orario."
            }
        )


def _take(prenotazione: Prenotazione, slot: Slot, now: datetime) -> None:
    """Save `prenotazione` on `slot`; the partial unique constraint decides races. Holds that expired unconfirmed
    are released (with their history) when they are what blocks the slot, so they never block a real booking; they
    are looked for only then, which spares the common case (a free slot) a locking query."""
    prenotazione.slot = slot
    if _saved(prenotazione) or (_release_stale_holds(slot, now) and _saved(prenotazione)):
        return
    raise SlotNonLibero(list(free_slots(slot.sportello, now=now).order_by("inizio", "posto")[:5]))


def _saved(prenotazione: Prenotazione) -> bool:
    """Insert (or move) the booking; False when the slot's one-active-booking constraint refuses it."""
    try:
        with transaction.atomic():
            prenotazione.save()
    except IntegrityError:
        return False
    return True


def _release_stale_holds(slot: Slot, now: datetime) -> bool:
    """Expire the unconfirmed holds of `slot` past their time; True if there was any."""
    released = False
    for stale in Prenotazione.objects.select_for_update().filter(
        slot=slot, stato=StatoPrenotazione.IN_ATTESA, trattenuta_fino__lt=now
    ):
        PRENOTAZIONE.apply(stale, "scade", by=None)
        stale._change_reason = "riserva scaduta senza conferma"
        stale.save()
        released = True
    return released


@transaction.atomic
def prenotazione_create(
    *,
    slot_id,
    nome: str,
    cognome: str,
    email: str,
    comune_residenza: Comune | None,
    argomento: str,
    motivo: str,
    telefono: str = "",
    cittadino: Cittadino | None = None,
    servizio_id: int | None = None,
    now: datetime | None = None,
) -> Prenotazione:
    """Book a slot. A logged-in citizen's booking is confirmed at once; without login it is held for
    CSE_BOOKING_HOLD_MINUTES waiting for the e-mail confirmation."""
    now = now or timezone.now()
    if cittadino is not None:
        known = residenza_nota(cittadino.codice_fiscale)
        if known is not None and comune_residenza is not None and known.pk != comune_residenza.pk:
            raise ValidationError(
                {"comune_residenza": f"Risulta residente a {known.nome}: si possono prenotare solo i suoi sportelli."}
            )
        comune_residenza = known or comune_residenza
    if comune_residenza is None:
        raise ValidationError({"comune_residenza": "Indicare il comune di residenza."})
    if argomento not in Argomento.values:
        raise ValidationError({"argomento": "Scegliere l'argomento dell'appuntamento."})
    slot = _check_slot(slot_id, comune_residenza=comune_residenza, now=now)
    _check_person_free(cittadino, slot)
    prenotazione = Prenotazione(
        codice=new_code(),
        slot=slot,
        cittadino=cittadino,
        codice_fiscale=cittadino.codice_fiscale if cittadino else "",
        nome=nome.strip(),
        cognome=cognome.strip(),
        email=email.strip(),
        telefono=telefono.strip(),
        comune_residenza=comune_residenza,
        argomento=argomento,
        motivo=motivo.strip(),
        servizio_id=servizio_id,
        stato=StatoPrenotazione.CONFERMATA if cittadino else StatoPrenotazione.IN_ATTESA,
        confermata_at=now if cittadino else None,
        trattenuta_fino=None if cittadino else now + timedelta(minutes=settings.CSE_BOOKING_HOLD_MINUTES),
    )
    # slot, comune and citizen were just read by this service: no query to check that their rows exist
    prenotazione.full_clean(exclude=["slot", "codice", "comune_residenza", "cittadino"], validate_constraints=False)
    _take(prenotazione, slot, now)
    _after_commit(prenotazione, "confermata" if cittadino else "richiesta")
    return prenotazione


@transaction.atomic
def prenotazione_confirm(*, codice: str, now: datetime | None = None) -> Prenotazione:
    """The e-mail link: confirm a held booking. A hold that expired is still honoured if nobody took the slot."""
    now = now or timezone.now()
    prenotazione = Prenotazione.objects.select_for_update().select_related("slot__sportello").get(codice=codice)
    if prenotazione.stato == StatoPrenotazione.CONFERMATA:
        return prenotazione
    problems = PRENOTAZIONE.refusal(prenotazione, "conferma")
    if problems:
        raise ValidationError(problems)
    if prenotazione.slot.inizio <= now:
        raise ValidationError("L'orario della richiesta è ormai passato: prenotare di nuovo.")
    PRENOTAZIONE.apply(prenotazione, "conferma", by=None)
    prenotazione.confermata_at = now
    prenotazione.trattenuta_fino = None
    prenotazione.save()
    _after_commit(prenotazione, "confermata")
    return prenotazione


def _check_cutoff(prenotazione: Prenotazione, now: datetime) -> None:
    if not prenotazione.attiva:
        raise ValidationError("La prenotazione non è attiva.")
    if prenotazione.slot.inizio - now < timedelta(hours=settings.CSE_BOOKING_CUTOFF_HOURS):
        raise ValidationError(
            f"Non è più possibile annullare o spostare online: mancano meno di {settings.CSE_BOOKING_CUTOFF_HOURS} "
            "ore all'appuntamento. Telefonare allo sportello."
        )


@transaction.atomic
def prenotazione_cancel(*, prenotazione: Prenotazione, now: datetime | None = None) -> Prenotazione:
    now = now or timezone.now()
    locked = Prenotazione.objects.select_for_update().select_related("slot__sportello").get(pk=prenotazione.pk)
    _check_cutoff(locked, now)
    PRENOTAZIONE.apply(locked, "annulla", by=None)
    locked.annullata_at = now
    locked.save()
    _after_commit(locked, "annullata")
    return locked


@transaction.atomic
def prenotazione_move(*, prenotazione: Prenotazione, slot_id, now: datetime | None = None) -> Prenotazione:
    """Move to another free slot of the same office; the old slot is freed in the same transaction."""
    now = now or timezone.now()
    locked = Prenotazione.objects.select_for_update().select_related("slot__sportello").get(pk=prenotazione.pk)
    _check_cutoff(locked, now)
    slot = _check_slot(slot_id, comune_residenza=locked.comune_residenza, now=now)
    if slot.sportello_id != locked.slot.sportello_id:
        raise ValidationError({"slot": "Si può spostare l'appuntamento solo a un altro orario dello stesso sportello."})
    _check_person_free(locked.cittadino, slot, exclude_pk=locked.pk)
    old_slot_id = locked.slot_id
    locked._change_reason = f"spostata dallo slot {old_slot_id}"
    _take(locked, slot, now)
    _after_commit(locked, "spostata")
    return locked


@transaction.atomic
def prenotazione_no_show(*, prenotazione: Prenotazione, by, now: datetime | None = None) -> Prenotazione:
    """The operator records that the citizen did not come (only once the appointment has started)."""
    now = now or timezone.now()
    locked = Prenotazione.objects.select_for_update().select_related("slot__sportello").get(pk=prenotazione.pk)
    problems = PRENOTAZIONE.refusal(locked, "segna_assente")
    if problems:
        raise ValidationError(problems)
    if locked.slot.inizio > now:
        raise ValidationError("L'appuntamento non è ancora iniziato.")
    PRENOTAZIONE.apply(locked, "segna_assente", by=by)
    locked._change_reason = f"assenza registrata da {by.get_username()}"
    locked.save()
    _after_commit(locked, "assente", notify_citizen=False)
    return locked


def _after_commit(prenotazione: Prenotazione, evento: str, *, notify_citizen: bool = True) -> None:
    from cse.core.tasks import enqueue_with

    from .notify import agenda_broadcast
    from .tasks import send_booking_email

    transaction.on_commit(lambda: agenda_broadcast(prenotazione, evento))
    if notify_citizen and prenotazione.email:
        enqueue_with(send_booking_email, prenotazione.pk, evento)


@transaction.atomic
def cittadino_ensure(*, codice_fiscale: str, nome: str, cognome: str, email: str = "") -> Cittadino:
    """The citizen account of a codice fiscale (created at first login); never an operator's account."""
    from django.contrib.auth import get_user_model

    from cse.cartella.identity import normalise_cf

    cf = normalise_cf(codice_fiscale)
    existing = Cittadino.objects.filter(codice_fiscale=cf).select_related("user").first()
    if existing:
        return existing
    User = get_user_model()  # noqa: N806
    username = f"cittadino:{cf}"
    if User.objects.filter(operatore__codice_fiscale=cf).exists() or User.objects.filter(username=username).exists():
        raise ValidationError("Questo codice fiscale appartiene a un account di operatore: usare l'accesso operatori.")
    user = User(username=username, first_name=nome[:150], last_name=cognome[:150], email=email)
    user.set_unusable_password()
    user.save()
    cittadino = Cittadino(user=user, codice_fiscale=cf, nome=nome, cognome=cognome, email=email)
    cittadino.full_clean()
    cittadino.save()
    return cittadino
