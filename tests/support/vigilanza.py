"""Review-page objects a scenario may need: an expired emergency access and an alert about an operator."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cse.cartella.models import AccessoEmergenza, Cartella, Segnalazione


def expired_emergency_access(*, operatore, ente_origine, cartella: Cartella, days_ago: int = 1) -> AccessoEmergenza:
    """A granted, already expired two-hour emergency access of `operatore` (working for `ente_origine`) to the case."""
    past = timezone.now() - timedelta(days=days_ago)
    return AccessoEmergenza.objects.create(
        operatore=operatore,
        ente_origine=ente_origine,
        ente_titolare=cartella.owner_ente,
        codice_fiscale=cartella.assistito.codice_fiscale,
        assistito=cartella.assistito,
        cartella=cartella,
        motivo="Pronto intervento notturno per una persona senza dimora",
        esito="concesso",
        dal=past,
        al=past + timedelta(hours=2),
    )


def out_of_hours_alert(*, ente, operatore, days_ago: int = 2) -> Segnalazione:
    """An open alert of the ente about `operatore` consulting cases out of office hours."""
    return Segnalazione.objects.create(
        ente=ente,
        tipo="fuori_orario",
        operatore=operatore,
        descrizione="Consultazione di cartelle fuori dall'orario di servizio.",
        creata_il=timezone.now() - timedelta(days=days_ago),
    )
