"""iCalendar (RFC 5545) file of a booking: one VEVENT, written by hand — a dozen escaped lines do not justify a
dependency; folding (§3.1) and text escaping (§3.3.11) are implemented below."""

from __future__ import annotations

from datetime import UTC, datetime

from .agenda import Prenotazione
from .glossary import StatoPrenotazione

# RFC 5545 §3.8.1.11: a request still waiting for the e-mail confirmation is tentative; an expired or cancelled
# one is cancelled (the calendar removes it); a confirmed one stays confirmed, also after a no-show.
ICS_STATUS = {
    StatoPrenotazione.IN_ATTESA: "TENTATIVE",
    StatoPrenotazione.CONFERMATA: "CONFIRMED",
    StatoPrenotazione.ASSENTE: "CONFIRMED",
    StatoPrenotazione.ANNULLATA: "CANCELLED",
    StatoPrenotazione.SCADUTA: "CANCELLED",
}


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after CRLF + space."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def booking_ics(prenotazione: Prenotazione, *, now: datetime | None = None) -> str:
    slot = prenotazione.slot
    sportello = slot.sportello
    description = f"{prenotazione.get_argomento_display()}. Codice di prenotazione {prenotazione.codice}."
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//CSE//Portale del cittadino//IT",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:prenotazione-{prenotazione.codice}@cse",
        f"DTSTAMP:{_utc(now or datetime.now(UTC))}",
        f"DTSTART:{_utc(slot.inizio)}",
        f"DTEND:{_utc(slot.fine)}",
        f"SUMMARY:{_escape(f'Appuntamento {sportello.nome} ({prenotazione.codice})')}",
        f"LOCATION:{_escape(f'{sportello.indirizzo}, {sportello.ente.nome}')}",
        f"DESCRIPTION:{_escape(description)}",
        f"STATUS:{ICS_STATUS[prenotazione.stato]}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
