"""Actions on the deadlines of a case: open one (from the act that creates the need, or an operator's reminder),
mark it done or cancel it (the act that fulfils it, or an operator from the case page). Every write goes through the
ritual: one transaction, history row with its reason, outbox event; the live counters are told after commit.

Other actions call the `*_in(change, …)` helpers inside their own ritual (a progetto with its review, an ISEE with
its expiry, a prestazione with its end, a closing case that cancels what is left); a module that needs a deadline
outside such a change (an approval, a court measure) calls `scadenza_add`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from cse.core.codelists.scadenze import REVISIONE_MESI_DEFAULT, StatoScadenza, TipoScadenza
from cse.core.live import group_broadcast

from ..fasi import Prestazione, Progetto
from ..models import Cartella, Isee, Scadenza
from ..scadenze import CAN_WORK, SCADENZA, counter_group
from .ritual import Change, case_change

A = StatoScadenza
PAST_REFUSED = "La data è già passata: indicarne una futura, o segnare la scadenza come «già scaduta»."
NOT_A_WORKER = "Il responsabile deve essere un operatore che lavora su questa cartella."
NOT_HERE = "Questa scadenza non appartiene alla cartella indicata."


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _payload(scadenza: Scadenza) -> dict:
    return {"tipo": scadenza.tipo, "scadenza": scadenza.scadenza.isoformat()}


def announce(user_ids: Iterable[int | None]) -> None:
    """After commit, tell the live counters of these operators to recount (a rollback tells nobody)."""
    wanted = sorted({uid for uid in user_ids if uid})
    for uid in wanted:
        transaction.on_commit(lambda uid=uid: group_broadcast(counter_group(uid), {"type": "scadenze.changed"}))


def _answering(scadenza: Scadenza, cartella: Cartella) -> int | None:
    return scadenza.responsabile_id or cartella.case_manager_id


def open_in(
    change: Change,
    cartella: Cartella,
    *,
    tipo: str,
    due: date,
    origin: models.Model | None = None,
    responsabile=None,
    note: str = "",
) -> Scadenza:
    """A deadline opened inside the caller's ritual (the act that creates the need; no date check: an ISEE may
    already be expired when it is registered, and then its deadline is overdue at once)."""
    scadenza = Scadenza(
        cartella=cartella,
        tipo=tipo,
        scadenza=due,
        responsabile=responsabile,
        origine_tipo=origin._meta.label_lower if origin is not None else "",
        origine_id=origin.pk if origin is not None else None,
        note=note[:300],
        creata_da=change.by,
    )
    scadenza.full_clean()
    change.save(scadenza, reason=f"aperta: {TipoScadenza(tipo).label}")
    change.event("scadenza.aperta", _payload(scadenza), aggregate=scadenza)
    announce([_answering(scadenza, cartella)])
    return scadenza


def close_in(change: Change, scadenza: Scadenza, *, transition: str, note: str = "") -> Scadenza:
    """Mark one deadline done ("fatta") or cancel it ("annulla") inside the caller's ritual."""
    SCADENZA.apply(scadenza, transition, by=change.by, payload=_payload(scadenza))
    scadenza.chiusa_da = change.by
    scadenza.chiusa_il = timezone.now()
    if note:
        scadenza.note = f"{scadenza.note} · {note}".strip(" ·")[:300]
    label = SCADENZA.get(transition).label
    change.save(scadenza, reason=f"{label}: {note}" if note else label)
    announce([_answering(scadenza, scadenza.cartella)])
    return scadenza


def _open_rows(**filters) -> list[Scadenza]:
    return list(
        Scadenza.objects.select_for_update(of=("self",))
        .select_related("cartella")
        .filter(stato=A.APERTA, **filters)
        .order_by("pk")
    )


def close_for_origin_in(change: Change, origin: models.Model, *, tipo: str, note: str, transition: str = "fatta"):
    """The act that fulfils a need closes the open deadlines it had generated."""
    for scadenza in _open_rows(origine_tipo=origin._meta.label_lower, origine_id=origin.pk, tipo=tipo):
        close_in(change, scadenza, transition=transition, note=note)


def cancel_all_in(change: Change, cartella: Cartella, *, note: str) -> int:
    """A closing case cancels every deadline still open on it."""
    rows = _open_rows(cartella=cartella)
    for scadenza in rows:
        close_in(change, scadenza, transition="annulla", note=note)
    return len(rows)


# --- the acts that generate deadlines ---------------------------------------------------------------------------


def progetto_review_in(change: Change, progetto: Progetto, *, today: date | None = None) -> Scadenza | None:
    """A progetto creates its review: at the date the operator set, else six months on. A new date means the
    project was reviewed: the previous review is done and the next one opens. No date and a review already open:
    nothing changes (a draft saved twice does not move its review)."""
    today = today or timezone.localdate()
    tipo = TipoScadenza.REVISIONE_PROGETTO
    current = _open_rows(origine_tipo=progetto._meta.label_lower, origine_id=progetto.pk, tipo=tipo)
    wanted = progetto.data_revisione
    if current and (wanted is None or all(s.scadenza == wanted for s in current)):
        return None
    for scadenza in current:
        close_in(change, scadenza, transition="fatta", note="progetto rivisto")
    due = wanted or add_months(today, REVISIONE_MESI_DEFAULT)
    return open_in(change, progetto.cartella, tipo=tipo, due=due, origin=progetto)


def isee_expiry_in(change: Change, isee: Isee) -> list[Scadenza]:
    """A new ISEE fulfils the expiry of the previous one and opens its own, on every open case of the person."""
    from ..glossary import StatoCartella

    opened = []
    cases = Cartella.objects.filter(assistito=isee.assistito).exclude(stato=StatoCartella.CHIUSA).order_by("pk")
    for cartella in cases:
        for scadenza in _open_rows(cartella=cartella, tipo=TipoScadenza.SCADENZA_ISEE):
            close_in(change, scadenza, transition="fatta", note="nuovo ISEE registrato")
        opened.append(open_in(change, cartella, tipo=TipoScadenza.SCADENZA_ISEE, due=isee.valida_al, origin=isee))
    return opened


def prestazione_end_in(change: Change, prestazione: Prestazione) -> Scadenza | None:
    """A prestazione with an end date creates the deadline of its end (to renew or conclude it)."""
    if prestazione.data_fine is None:
        return None
    return open_in(
        change, prestazione.cartella, tipo=TipoScadenza.FINE_PRESTAZIONE, due=prestazione.data_fine, origin=prestazione
    )


# --- what operators do --------------------------------------------------------------------------------------------


def _check_responsabile(cartella: Cartella, responsabile) -> None:
    if responsabile is not None and not Cartella.objects.visible_to(responsabile, CAN_WORK).filter(pk=cartella.pk):
        raise ValidationError({"responsabile": [NOT_A_WORKER]})


def scadenza_add(
    *,
    cartella: Cartella,
    tipo: str,
    due: date,
    by,
    origin: models.Model | None = None,
    responsabile=None,
    note: str = "",
    gia_scaduta: bool = False,
) -> Scadenza:
    """A deadline on a case, in its own change: an operator's reminder from the case page, or another module's act
    (an approval, a court measure). A date in the past is refused unless the operator marks it already overdue."""
    if tipo not in TipoScadenza.values:
        raise ValidationError({"tipo": ["Tipo di scadenza sconosciuto."]})
    if due is None:
        raise ValidationError({"scadenza": ["Indicare la data della scadenza."]})
    if due < timezone.localdate() and not gia_scaduta:
        raise ValidationError({"scadenza": [PAST_REFUSED]})
    with case_change(cartella, by=by, capability=CAN_WORK, bump=False) as change:
        _check_responsabile(change.cartella, responsabile)
        scadenza = open_in(
            change, change.cartella, tipo=tipo, due=due, origin=origin, responsabile=responsabile, note=note
        )
        change.diary(f"Nuova scadenza: {scadenza}.")
    return scadenza


def scadenza_close(*, scadenza: Scadenza, by, transition: str, note: str = "") -> Scadenza:
    """An operator marks a deadline done or cancels it (a cancellation needs its reason)."""
    if SCADENZA.get(transition) is None:
        raise ValidationError("Passaggio non previsto per una scadenza.")
    if transition == "annulla" and not note.strip():
        raise ValidationError({"note": ["Indicare perché la scadenza viene annullata."]})
    with case_change(scadenza.cartella, by=by, capability=CAN_WORK, bump=False) as change:
        rows = _open_rows(pk=scadenza.pk)
        locked = rows[0] if rows else Scadenza.objects.get(pk=scadenza.pk)
        if locked.cartella_id != change.cartella.pk:
            raise ValidationError(NOT_HERE)
        close_in(change, locked, transition=transition, note=note.strip())
        change.diary(f"Scadenza «{locked.get_tipo_display()}»: {SCADENZA.label(locked.stato).lower()}.")
    return locked


def digest_preference_set(*, user, attivo: bool) -> None:
    """The operator's opt-out of the daily digest (their own preference: no case, no event)."""
    from ..models import DigestRinuncia

    with transaction.atomic():
        if attivo:
            DigestRinuncia.objects.filter(user=user).delete()
        else:
            DigestRinuncia.objects.get_or_create(user=user)


# --- the nightly job: deadlines driven by time, not by a request ----------------------------------------------------


def _reviews_missing(after_pk: int, batch: int) -> list[Progetto]:
    """Progetti of open cases that never had a review deadline (written before deadlines existed, or by a path that
    did not open one), in pk order from `after_pk`: the job resumes where it stopped."""
    from django.db.models import Exists, OuterRef

    from ..glossary import StatoCartella

    had_one = Scadenza.objects.filter(
        origine_tipo=Progetto._meta.label_lower, origine_id=OuterRef("pk"), tipo=TipoScadenza.REVISIONE_PROGETTO
    )
    return list(
        Progetto.objects.filter(pk__gt=after_pk, cartella__stato__in=[StatoCartella.PROGETTO, StatoCartella.EROGAZIONE])
        .exclude(Exists(had_one))
        .select_related("cartella")
        .order_by("pk")[:batch]
    )


def nightly_reviews(*, batch: int = 500, today: date | None = None) -> int:
    """Open the missing review deadlines, one case change each (no actor: the job; no version bump). Idempotent: a
    progetto that ever had a review deadline is skipped, so a rerun (or a crash and resume) opens none twice."""
    opened, after = 0, 0
    while rows := _reviews_missing(after, batch):
        for progetto in rows:
            with case_change(progetto.cartella, by=None, bump=False) as change:
                progetto.cartella = change.cartella
                if progetto_review_in(change, progetto, today=today):
                    opened += 1
        after = rows[-1].pk
    return opened
