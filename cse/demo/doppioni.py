"""A possible duplicate in the first demo comune: a person of the register registered a second time in a hurry,
without codice fiscale (a provisional id), so the "Possibili doppioni" worklist has a pair to compare and merge."""

from __future__ import annotations

from cse.cartella.actions.assistito import assistito_register
from cse.cartella.models import Assistito
from cse.core.models import Ente

DEMO_PROVISIONAL_ID = "PROVV-DEMO-1"


def seed_doppione(home: Ente) -> str:
    """Idempotent: the twin is registered once."""
    if Assistito.objects.filter(owner_ente=home, identificativo_temporaneo=DEMO_PROVISIONAL_ID).exists():
        return "Possibile doppione dimostrativo: già presente"
    original = Assistito.objects.filter(owner_ente=home, unito_a__isnull=True).exclude(codice_fiscale="").order_by("pk")
    person = original.first()
    if person is None:
        return "Possibile doppione dimostrativo: nessuna persona da duplicare"
    assistito_register(
        ente=home,
        cognome=person.cognome,
        nome=person.nome,
        sesso=person.sesso,
        data_nascita=person.data_nascita,
        luogo_nascita=person.luogo_nascita,
        identificativo_temporaneo=DEMO_PROVISIONAL_ID,
        comune_residenza=person.comune_residenza,
        confirm_not_duplicate=True,
    )
    return f"Possibile doppione dimostrativo: {person.cognome} {person.nome} registrata due volte (Possibili doppioni)"
