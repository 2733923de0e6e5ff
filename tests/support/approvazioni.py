"""Approvals (four eyes) for the tests: an ente's rule set by its administrator, and a duplicate record to merge."""

from __future__ import annotations

from decimal import Decimal

from cse.cartella.actions.approvazioni import Regola, regole_save
from cse.cartella.actions.assistito import assistito_register
from cse.cartella.models import Assistito
from cse.core.models import Ente
from tests.support.factories import OperatoreFactory


def require_approval(ente: Ente, azione: str, *, ruolo: str = "responsabile", soglia: str | None = None) -> None:
    """The ente's administrator switches on approval of `azione` by `ruolo` (through the product's action)."""
    admin = OperatoreFactory(ente=ente, ruolo="amministratore_ente")
    regole_save(
        ente=ente,
        regole=[Regola(azione, True, ruolo, Decimal(soglia) if soglia is not None else None)],
        by=admin,
    )


def twin_of(person: Assistito) -> Assistito:
    """The same person registered again in a hurry, without a codice fiscale (a merge candidate)."""
    return assistito_register(
        ente=person.owner_ente,
        cognome=person.cognome,
        nome=person.nome,
        sesso=person.sesso,
        data_nascita=person.data_nascita,
        luogo_nascita=person.luogo_nascita,
        identificativo_temporaneo="TEMP-APPROVAZIONE",
        confirm_not_duplicate=True,
    )
