"""What the front desk types to register a person (Gennaro Esposito, born in Molfetta, valid codice fiscale)."""

from __future__ import annotations

from datetime import date

from cse.demo.synthetic import codice_fiscale_for


def registration_form(ente, /, **overrides) -> dict:
    """The posted fields of the «nuova persona» form for `ente`; overrides replace fields as typed (the codice fiscale
    is not recomputed, so a test can post one that does not match the name)."""
    return {
        "ente": ente.pk,
        "cognome": "Esposito",
        "nome": "Gennaro",
        "sesso": "M",
        "data_nascita": "1961-07-04",
        "luogo_nascita": "F284",
        "codice_fiscale": codice_fiscale_for("Esposito", "Gennaro", "M", date(1961, 7, 4), "F284"),
        "identificativo_temporaneo": "",
        "comune_residenza": "072029",
        **overrides,
    }
