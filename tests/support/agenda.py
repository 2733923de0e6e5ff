"""What a citizen types when booking a front-office appointment (tests vary one field at a time)."""

from __future__ import annotations


def booking_kwargs(comune, **overrides) -> dict:
    """A booking by a resident of `comune` (the comune's Ente)."""
    return {
        "nome": "Giulia",
        "cognome": "Ferri",
        "email": "giulia.ferri@example.invalid",
        "comune_residenza": comune.comune,
        "argomento": "informazioni",
        "motivo": "Vorrei sapere come chiedere l'assistenza domiciliare",
        **overrides,
    }
