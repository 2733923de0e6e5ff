"""What a citizen types when booking a front-office appointment (tests vary one field at a time)."""

from __future__ import annotations


def booking_kwargs(world, **overrides) -> dict:
    return {
        "nome": "Giulia",
        "cognome": "Ferri",
        "email": "giulia.ferri@example.invalid",
        "comune_residenza": world.enti["A1"].comune,
        "argomento": "informazioni",
        "motivo": "Vorrei sapere come chiedere l'assistenza domiciliare",
        **overrides,
    }
