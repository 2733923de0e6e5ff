"""The only writers of a front office's agenda rules (settings, weekly hours, closures, extra openings).

Each change is one transaction: the rule is written, the slots of the horizon are regenerated with the same
generator the nightly `genera_slot` uses (slots.slots_generate), and if the new rules would switch off a slot that a
citizen already holds (confirmed, or waiting for the e-mail confirmation) the whole change is rolled back and the
affected bookings are listed — the generator itself would silently deactivate those slots and leave the bookings
stranded on a closed day. The rule models have no history of their own: every change is recorded on the office's
history (Sportello.history) with the operator and a change reason.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .agenda import AperturaStraordinaria, Chiusura, FestaPatronale, Prenotazione, RegolaOrario, Slot, Sportello
from .selectors import slot_is_held
from .slots import SlotsResult, slots_generate

MAX_POSTI = 20
MAX_ORIZZONTE_GIORNI = 365


class PrenotazioniCoinvolte(ValidationError):
    """The change would close slots already booked: nothing is written; `prenotazioni` are the bookings to move or
    cancel first."""

    def __init__(self, prenotazioni: list[Prenotazione]):
        self.prenotazioni = prenotazioni
        lines = [
            f"{p.codice} — {timezone.localtime(p.slot.inizio):%d/%m/%Y %H:%M}, {p.cognome} {p.nome} "
            f"({p.get_stato_display().lower()})"
            for p in prenotazioni
        ]
        super().__init__(
            [
                f"La modifica chiuderebbe {len(prenotazioni)} appuntament{'o' if len(prenotazioni) == 1 else 'i'} "
                "già prenotat" + ("o" if len(prenotazioni) == 1 else "i") + ": spostarli o annullarli prima, "
                "poi ripetere la modifica. Nulla è stato salvato.",
                *lines,
            ]
        )


def _apply(sportello: Sportello, *, by, reason: str, now: datetime | None, write) -> SlotsResult:
    """Run `write()` and regenerate the slots inside one transaction; roll back if a held slot would be closed."""
    now = now or timezone.now()
    with transaction.atomic():
        Sportello.objects.select_for_update().filter(pk=sportello.pk).first()  # one rule change at a time per office
        held = Prenotazione.objects.filter(slot_is_held(now), slot__sportello=sportello, slot__inizio__gte=now)
        before = set(held.filter(slot__attivo=True).values_list("slot_id", flat=True))
        write()
        sportello.refresh_from_db()
        result = slots_generate(sportello=sportello, today=timezone.localdate(now))
        closed = Slot.objects.filter(pk__in=before, attivo=False)
        if closed.exists():
            raise PrenotazioniCoinvolte(
                list(held.filter(slot__in=closed).select_related("slot").order_by("slot__inizio", "slot__posto"))
            )
        sportello._change_reason = f"{reason} ({by.get_username()})"[:100]
        sportello._history_user = by
        sportello.save()
    return result


def _check_window(ora_inizio: time, ora_fine: time, durata: int) -> None:
    if ora_fine <= ora_inizio:
        raise ValidationError({"ora_fine": "L'ora di fine deve essere successiva all'ora di inizio."})
    minutes = (ora_fine.hour * 60 + ora_fine.minute) - (ora_inizio.hour * 60 + ora_inizio.minute)
    if minutes < durata:
        raise ValidationError(
            {"ora_fine": f"La fascia è più breve di un appuntamento ({durata} minuti): non darebbe alcun orario."}
        )


def _check_posti(posti: int) -> None:
    if not 1 <= posti <= MAX_POSTI:
        raise ValidationError({"posti": f"Gli operatori in parallelo vanno da 1 a {MAX_POSTI}."})


# --- office settings ----------------------------------------------------------------------------------------------


def sportello_settings_save(
    *, sportello: Sportello, durata_slot_minuti: int, orizzonte_giorni: int, attivo: bool, by, now=None
) -> SlotsResult:
    """Slot length, booking horizon and whether citizens can book the office at all."""
    if not 5 <= durata_slot_minuti <= 240:
        raise ValidationError({"durata_slot_minuti": "La durata di un appuntamento va da 5 a 240 minuti."})
    if not 1 <= orizzonte_giorni <= MAX_ORIZZONTE_GIORNI:
        raise ValidationError({"orizzonte_giorni": f"Il periodo prenotabile va da 1 a {MAX_ORIZZONTE_GIORNI} giorni."})

    def write():
        Sportello.objects.filter(pk=sportello.pk).update(
            durata_slot_minuti=durata_slot_minuti, orizzonte_giorni=orizzonte_giorni, attivo=attivo
        )

    return _apply(sportello, by=by, now=now, write=write, reason="impostazioni dell'agenda modificate")


# --- weekly opening hours -----------------------------------------------------------------------------------------


def _overlapping_rule(regola: RegolaOrario) -> RegolaOrario | None:
    """Another rule of the same office and weekday whose hours and validity periods overlap this one."""
    others = RegolaOrario.objects.filter(
        sportello_id=regola.sportello_id,
        giorno=regola.giorno,
        ora_inizio__lt=regola.ora_fine,
        ora_fine__gt=regola.ora_inizio,
    ).exclude(pk=regola.pk)
    for other in others:
        starts_before_other_ends = (
            regola.valida_dal is None or other.valida_al is None or regola.valida_dal <= other.valida_al
        )
        other_starts_before_this_ends = (
            other.valida_dal is None or regola.valida_al is None or other.valida_dal <= regola.valida_al
        )
        if starts_before_other_ends and other_starts_before_this_ends:
            return other
    return None


def regola_orario_save(
    *,
    sportello: Sportello,
    giorno: int,
    ora_inizio: time,
    ora_fine: time,
    posti: int = 1,
    valida_dal: date | None = None,
    valida_al: date | None = None,
    regola: RegolaOrario | None = None,
    by,
    now: datetime | None = None,
) -> RegolaOrario:
    """Add a weekly opening (or change `regola`, which must belong to `sportello`)."""
    if regola is not None and regola.sportello_id != sportello.pk:
        raise ValidationError("L'orario non appartiene a questo sportello.")
    if giorno not in RegolaOrario.Giorno.values:
        raise ValidationError({"giorno": "Scegliere il giorno della settimana."})
    _check_window(ora_inizio, ora_fine, sportello.durata_slot_minuti)
    _check_posti(posti)
    if valida_dal and valida_al and valida_al < valida_dal:
        raise ValidationError({"valida_al": "La fine della validità non può precedere l'inizio."})
    target = regola or RegolaOrario(sportello=sportello)
    is_new = target.pk is None
    target.giorno, target.ora_inizio, target.ora_fine, target.posti = giorno, ora_inizio, ora_fine, posti
    target.valida_dal, target.valida_al = valida_dal, valida_al
    other = _overlapping_rule(target)
    if other is not None:
        raise ValidationError(
            {"ora_inizio": f"Si sovrappone all'orario già presente {other} per lo stesso giorno: modificare quello."}
        )
    target.full_clean(validate_constraints=False)
    verb = "aggiunto" if is_new else "modificato"
    _apply(sportello, by=by, now=now, write=target.save, reason=f"orario {verb}: {target}")
    return target


def regola_orario_delete(*, regola: RegolaOrario, by, now: datetime | None = None) -> None:
    sportello = regola.sportello
    _apply(
        sportello,
        by=by,
        now=now,
        write=lambda: RegolaOrario.objects.filter(pk=regola.pk).delete(),
        reason=f"orario eliminato: {regola}",
    )


# --- closures -----------------------------------------------------------------------------------------------------


def chiusura_save(
    *,
    sportello: Sportello,
    dal: date,
    al: date,
    motivo: str,
    chiusura: Chiusura | None = None,
    by,
    now: datetime | None = None,
) -> Chiusura:
    """Add a closure (holiday, strike, move) or change `chiusura`; refused if it would close a booked slot."""
    if chiusura is not None and chiusura.sportello_id != sportello.pk:
        raise ValidationError("La chiusura non appartiene a questo sportello.")
    today = timezone.localdate(now or timezone.now())
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationError({"motivo": "Indicare il motivo della chiusura (lo vedono gli operatori)."})
    if al < dal:
        raise ValidationError({"al": "La data di fine della chiusura non può precedere quella di inizio."})
    if al < today:
        raise ValidationError({"al": "La chiusura è tutta nel passato: non cambierebbe nulla."})
    target = chiusura or Chiusura(sportello=sportello)
    is_new = target.pk is None
    target.dal, target.al, target.motivo = dal, al, motivo
    target.full_clean(validate_constraints=False)
    verb = "aggiunta" if is_new else "modificata"
    _apply(sportello, by=by, now=now, write=target.save, reason=f"chiusura {verb}: {dal:%d/%m/%Y}-{al:%d/%m/%Y}")
    return target


def chiusura_delete(*, chiusura: Chiusura, by, now: datetime | None = None) -> None:
    reason = f"chiusura eliminata: {chiusura.dal:%d/%m/%Y}-{chiusura.al:%d/%m/%Y}"
    _apply(
        chiusura.sportello,
        by=by,
        now=now,
        write=lambda: Chiusura.objects.filter(pk=chiusura.pk).delete(),
        reason=reason,
    )


# --- one-off extra openings ---------------------------------------------------------------------------------------


def apertura_straordinaria_save(
    *,
    sportello: Sportello,
    data: date,
    ora_inizio: time,
    ora_fine: time,
    posti: int = 1,
    apertura: AperturaStraordinaria | None = None,
    by,
    now: datetime | None = None,
) -> AperturaStraordinaria:
    """Add a one-off opening (e.g. a Saturday before a deadline) or change `apertura`. Beyond the horizon it is
    kept and its slots appear when the horizon reaches it (nightly `genera_slot`)."""
    if apertura is not None and apertura.sportello_id != sportello.pk:
        raise ValidationError("L'apertura non appartiene a questo sportello.")
    now = now or timezone.now()
    if data < timezone.localdate(now):
        raise ValidationError({"data": "Non si può aggiungere un'apertura straordinaria in una data passata."})
    _check_window(ora_inizio, ora_fine, sportello.durata_slot_minuti)
    if data == timezone.localdate(now) and ora_fine <= timezone.localtime(now).time():
        raise ValidationError({"ora_fine": "Quell'orario di oggi è già passato."})
    _check_posti(posti)
    target = apertura or AperturaStraordinaria(sportello=sportello)
    is_new = target.pk is None
    target.data, target.ora_inizio, target.ora_fine, target.posti = data, ora_inizio, ora_fine, posti
    target.full_clean(validate_constraints=False)
    verb = "aggiunta" if is_new else "modificata"
    _apply(sportello, by=by, now=now, write=target.save, reason=f"apertura straordinaria {verb}: {data:%d/%m/%Y}")
    return target


def apertura_straordinaria_delete(*, apertura: AperturaStraordinaria, by, now: datetime | None = None) -> None:
    reason = f"apertura straordinaria eliminata: {apertura.data:%d/%m/%Y}"
    _apply(
        apertura.sportello,
        by=by,
        now=now,
        write=lambda: AperturaStraordinaria.objects.filter(pk=apertura.pk).delete(),
        reason=reason,
    )


def horizon_end(sportello: Sportello, now: datetime | None = None) -> date:
    """Last day whose slots are generated now (for the page's hint about extra openings further ahead)."""
    return timezone.localdate(now or timezone.now()) + timedelta(days=sportello.orizzonte_giorni)


# --- the comune's patron saint day ---------------------------------------------------------------------------------


def festa_patronale_save(
    *, sportello: Sportello, santo: str, giorno: int | None, mese: int | None, by, now: datetime | None = None
) -> FestaPatronale | None:
    """Set the patron saint day of the office's comune (an empty `santo` removes it). It closes every office of the
    ente, so all of them are regenerated in one transaction: a booked slot on the new day refuses the whole change."""
    santo = (santo or "").strip()
    festa = FestaPatronale.objects.filter(ente_id=sportello.ente_id).first()
    if santo:
        festa = festa or FestaPatronale(ente_id=sportello.ente_id)
        festa.santo, festa.giorno, festa.mese = santo, giorno, mese
        festa.full_clean(exclude=["ente"])
    with transaction.atomic():
        if santo:
            festa._history_user = by
            festa.save()
        elif festa is not None:
            festa.delete()
            festa = None
        reason = f"festa patronale: {santo} {giorno}/{mese}" if santo else "festa patronale rimossa"
        for office in Sportello.objects.filter(ente_id=sportello.ente_id).order_by("pk"):
            _apply(office, by=by, now=now, write=lambda: None, reason=reason)
    return festa
