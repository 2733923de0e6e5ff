"""After-commit side effects of bookings: the citizen's e-mail and the operators' live agenda."""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from .agenda import Prenotazione
from .selectors import booking_token

logger = logging.getLogger(__name__)


def agenda_group(sportello_id: int) -> str:
    return f"agenda-sportello-{sportello_id}"


def agenda_broadcast(prenotazione: Prenotazione, evento: str) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    group = agenda_group(prenotazione.slot.sportello_id)
    message = {"type": "agenda.changed", "evento": evento, "prenotazione": prenotazione.pk}
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    try:
        if loop is not None:  # called from async code: schedule, never block the loop
            loop.create_task(layer.group_send(group, message))
        else:
            async_to_sync(layer.group_send)(group, message)
    except Exception:  # the booking is committed; a missed live update only delays the operator's refresh
        logger.exception("aggiornamento dell'agenda non inviato")


def citizen_email(prenotazione: Prenotazione, evento: str) -> None:
    from .ics import booking_ics

    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    token = booking_token(prenotazione)
    context = {
        "p": prenotazione,
        "evento": evento,
        "conferma_url": f"{base}{reverse('cittadino:conferma', kwargs={'token': token})}",
        "ricevuta_url": f"{base}{reverse('cittadino:ricevuta', kwargs={'codice': prenotazione.codice})}?t={token}",
        "hold_minutes": settings.CSE_BOOKING_HOLD_MINUTES,
    }
    subject = {
        "richiesta": f"Conferma la prenotazione {prenotazione.codice}",
        "confermata": f"Prenotazione {prenotazione.codice} confermata",
        "spostata": f"Prenotazione {prenotazione.codice} spostata",
        "annullata": f"Prenotazione {prenotazione.codice} annullata",
    }.get(evento, f"Prenotazione {prenotazione.codice}")
    message = EmailMessage(
        subject=subject,
        body=render_to_string("cittadino/email_prenotazione.txt", context),
        to=[prenotazione.email],
    )
    if evento in ("confermata", "spostata"):
        message.attach(f"prenotazione-{prenotazione.codice}.ics", booking_ics(prenotazione), "text/calendar")
    try:
        message.send()
    except Exception:  # committed booking; the receipt page and the "my area" still show it
        logger.exception("e-mail della prenotazione non inviata")
