"""Ambito objects a scenario may need next to its case: the ambito of a comune, a case moved to it, a pending
transfer request, a UVM session, a service with its budget line (all built on purpose, never found lying around)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from cse.cartella.models import Cartella
from cse.cartella.services import cartella_move_ownership, cartella_open
from cse.core.models import Ente
from cse.core.services import ente_for_ambito


def ambito_of(comune: Ente) -> Ente:
    """The ente of the ambito the comune belongs to."""
    return ente_for_ambito(comune.comune.ambito)


def case_moved_to_ambito(case: Cartella, *, by, reason: str = "caso complesso", keep_access: bool = True) -> Cartella:
    """The case handed to the comune's ambito (the complex case); the case manager `by` keeps équipe access."""
    return cartella_move_ownership(
        cartella=case,
        to_ente=ambito_of(case.owner_ente),
        by=by,
        reason=reason,
        keep_access_for=[by] if keep_access else [],
    )


def ambito_case(assistito, *, by) -> Cartella:
    """A second case of the person, opened by the comune's worker `by` and moved to the ambito."""
    return case_moved_to_ambito(cartella_open(assistito=assistito, by=by), by=by)


def pending_transfer(case: Cartella, *, by, motivo: str = "caso complesso"):
    """A transfer request of the comune's case to its ambito, waiting for the ambito's answer."""
    from cse.cartella.models import RichiestaTrasferimento

    return RichiestaTrasferimento.objects.create(
        cartella=case, comune=case.owner_ente, ambito=ambito_of(case.owner_ente), motivo=motivo, richiesto_da=by
    )


def uvm_session(case: Cartella, *, coordinator, days: int = 3):
    """A UVM session on the ambito's case in `days` days, convened by the coordinator, who is its first member."""
    from cse.ambito.models import MembroUVM, SessioneUVM

    sessione = SessioneUVM.objects.create(
        ambito=case.owner_ente,
        cartella=case,
        data=timezone.now() + timedelta(days=days),
        luogo="Sede dell'Ufficio di Piano",
        convocata_da=coordinator,
    )
    MembroUVM.objects.create(sessione=sessione, tipo="operatore_ambito", user=coordinator, nome="Coordinatore")
    return sessione


def sad_service(ambito: Ente, *, nome: str = "SAD", capacita: int = 2):
    """A home-care service of the ambito with its budget line (10.000 euro, 2026) and one provider."""
    from cse.ambito.models import Erogatore, LineaBudget, ServizioAmbito
    from cse.cartella.fasi import VoceNomenclatore

    linea = LineaBudget.objects.create(
        ambito=ambito, anno=2026, fonte="fna", intervento_pdz="Assistenza domiciliare", programmato=Decimal("10000")
    )
    servizio = ServizioAmbito.objects.create(
        ambito=ambito,
        tipo="sad",
        nome=nome,
        capacita=capacita,
        voce=VoceNomenclatore.objects.get(codice="A2.07"),
        linea_budget=linea,
    )
    servizio.erogatori.add(Erogatore.objects.create(ambito=ambito, denominazione=f"Cooperativa {nome}"))
    return servizio
