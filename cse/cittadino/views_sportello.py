"""The front office's agenda: day and week of an office's bookings (live via Channels), no-show, and opening or
creating the person's cartella from a booking — only for offices of enti where the operator holds MANAGE_AGENDA,
and the cartella only within the operator's own comune (REGISTER_PERSONE there)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cse.cartella.actions.cartella import assistito_register_and_open
from cse.cartella.models import Assistito
from cse.core.forms_util import confirmed
from cse.core.params import InvalidParam, bad_request, parse_date_param
from cse.core.permissions import has_capability
from cse.core.roles import Capability
from cse.core.submission import once_per_submission

from .selectors import (
    agenda_rows,
    get_prenotazione_for_operator,
    get_sportello_for,
    sportelli_for_operator,
)
from .services import prenotazione_no_show


@login_required
def agenda(request):
    sportelli = list(sportelli_for_operator(request.user))
    return render(request, "cittadino/sportello/agenda_index.html", {"sportelli": sportelli})


@login_required
def agenda_sportello(request, pk: int):
    sportello = get_sportello_for(request.user, pk)
    try:
        giorno = parse_date_param(request.GET.get("giorno"), name="giorno", default=timezone.localdate())
    except InvalidParam as exc:
        return bad_request(request, exc)
    vista = "settimana" if request.GET.get("vista") == "settimana" else "giorno"
    start_day = giorno - timedelta(days=giorno.weekday()) if vista == "settimana" else giorno
    days = 7 if vista == "settimana" else 1
    tz = timezone.get_current_timezone()
    start = datetime.combine(start_day, time.min, tzinfo=tz)
    rows = agenda_rows(sportello, start, start + timedelta(days=days))
    giorni: dict[date, list] = {}
    for row in rows:
        giorni.setdefault(timezone.localtime(row["slot"].inizio).date(), []).append(row)
    context = {
        "sportello": sportello,
        "giorno": giorno,
        "vista": vista,
        "giorni": giorni,
        "prev": start_day - timedelta(days=days),
        "next": start_day + timedelta(days=days),
        "prenotati": sum(1 for r in rows if r["prenotazione"]),
    }
    template = (
        "cittadino/sportello/_agenda_table.html"
        if request.headers.get("HX-Request")
        else "cittadino/sportello/agenda.html"
    )
    return render(request, template, context)


@login_required
def prenotazione_detail(request, pk: int):
    prenotazione = get_prenotazione_for_operator(request.user, pk)
    return render(request, "cittadino/sportello/prenotazione_detail.html", {"p": prenotazione})


@login_required
@require_POST
def prenotazione_assente(request, pk: int):
    prenotazione = get_prenotazione_for_operator(request.user, pk)
    if not confirmed(request):
        messages.error(request, "L'assenza non è stata confermata: la prenotazione resta com'era.")
        return redirect("locale:prenotazione", pk=pk)
    try:
        prenotazione_no_show(prenotazione=prenotazione, by=request.user)
        messages.success(request, "Assenza registrata.")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("locale:prenotazione", pk=pk)


@login_required
@require_POST
@once_per_submission
def prenotazione_cartella(request, pk: int):
    """Open the person's record in the office's comune, registering them first when the CF is known and new."""
    prenotazione = get_prenotazione_for_operator(request.user, pk)
    ente = prenotazione.slot.sportello.ente
    if not has_capability(request.user, Capability.REGISTER_PERSONE, ente):
        messages.error(request, "Per aprire una cartella serve il ruolo di accesso nel comune dello sportello.")
        return redirect("locale:prenotazione", pk=pk)
    visible = Assistito.objects.visible_to(request.user, Capability.REGISTER_PERSONE).filter(owner_ente=ente)
    if prenotazione.codice_fiscale:
        existing = visible.filter(codice_fiscale=prenotazione.codice_fiscale, unito_a__isnull=True).first()
        if existing:
            return redirect("locale:assistito_detail", pk=existing.pk)
        try:  # the person and the case together, or neither
            _, cartella = assistito_register_and_open(by=request.user, **_registration_from_cf(prenotazione, ente))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("locale:prenotazione", pk=pk)
        messages.success(request, f"Persona registrata e cartella {cartella.numero} aperta dalla prenotazione.")
        return redirect("locale:cartella_detail", pk=cartella.pk)
    # Without a verified CF the operator registers the person by hand (identity checked at the desk).
    return redirect(
        f"{reverse('locale:assistito_create')}?cognome={prenotazione.cognome}&nome={prenotazione.nome}"
        f"&email={prenotazione.email}&telefono={prenotazione.telefono}"
    )


def _registration_from_cf(prenotazione, ente) -> dict:
    """What the booking tells of the person: the identity decoded from the verified CF, the contacts typed."""
    from codicefiscale import codicefiscale

    decoded = codicefiscale.decode(prenotazione.codice_fiscale)
    return dict(
        ente=ente,
        cognome=prenotazione.cognome,
        nome=prenotazione.nome,
        sesso=decoded["gender"],
        data_nascita=decoded["birthdate"].date(),
        luogo_nascita=decoded["raw"]["birthplace"],
        codice_fiscale=prenotazione.codice_fiscale,
        comune_residenza=prenotazione.comune_residenza,
        email=prenotazione.email,
        telefono=prenotazione.telefono,
    )
