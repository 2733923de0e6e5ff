"""The fields of the person's record an operator may change (forms and the update action share the list); the
writers are in cse/cartella/actions/assistito.py."""

from __future__ import annotations

ANAGRAFICA_FIELDS = [
    "codice_fiscale",
    "cognome",
    "nome",
    "sesso",
    "data_nascita",
    "luogo_nascita",
    "comune_residenza",
    "indirizzo_residenza",
    "domicilio",
    "cittadinanza",
    "telefono",
    "email",
    "condizione_occupazionale",
    "disabilita",
    "invalidita_percentuale",
    "protezione_giuridica",
    "protezione_referente",
]
