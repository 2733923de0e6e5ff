"""What an ambito has on its desk: a comune's pending transfer request and a UVM session convened on a case it
holds. Built explicitly by the tests that read them (rows, not workflow: the workflow has its own tests)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cse.cartella.models import Cartella
from cse.core.models import Ente


def pending_transfer(case: Cartella, *, by):
    """`by` (a social worker of the comune owning `case`) asks the comune's ambito to take the case over."""
    from cse.cartella.models import RichiestaTrasferimento

    comune = case.owner_ente
    return RichiestaTrasferimento.objects.create(
        cartella=case,
        comune=comune,
        ambito=Ente.objects.get(ambito=comune.comune.ambito),
        motivo="caso complesso",
        richiesto_da=by,
    )


def uvm_session(case: Cartella, *, coordinator):
    """A UVM session in three days on an ambito's case, convened by its coordinator, who sits in it."""
    from cse.ambito.models import MembroUVM, SessioneUVM

    sessione = SessioneUVM.objects.create(
        ambito=case.owner_ente,
        cartella=case,
        data=timezone.now() + timedelta(days=3),
        luogo="Sede dell'Ufficio di Piano",
        convocata_da=coordinator,
    )
    MembroUVM.objects.create(sessione=sessione, tipo="operatore_ambito", user=coordinator, nome="Coordinatore")
    return sessione
