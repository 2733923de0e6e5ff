"""Ambito objects a scenario may need next to its case, built on purpose: a second case of the person moved to the
ambito, a service with its budget line. (Transfer requests and UVM sessions: tests/support/ambito_work.py.)"""

from __future__ import annotations

from decimal import Decimal

from cse.cartella.actions.cartella import cartella_open
from cse.cartella.models import Cartella
from cse.core.models import Ente
from tests.support.places import case_moved_to_ambito


def ambito_case(assistito, *, by) -> Cartella:
    """A second case of the person, opened by the comune's worker `by` and moved to the ambito (`by` keeps équipe
    access), like the complex case an ambito takes over."""
    return case_moved_to_ambito(cartella_open(assistito=assistito, by=by), by=by)


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
