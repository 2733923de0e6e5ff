"""The few places a test lives in: a home comune with the ISTAT and cadastral codes of Molfetta (the forms, the
SIUSS flows and the synthetic codici fiscali use F284 / 072029), a neighbour comune of the same ambito (Giovinazzo)
and a foreign comune of another ambito (Altamura), plus their ambiti and the region, each built through the factories
(calling a place helper twice returns the same Ente: codes are unique); and what lives there: a resident, a case
handed to the ambito, one operator per role."""

from __future__ import annotations

from datetime import date

from cse.cartella.models import Assistito, Cartella
from cse.core.models import Ente
from tests.support.factories import AmbitoEnteFactory, ComuneEnteFactory, RegioneEnteFactory

HOME = {"codice_istat": "072029", "codice_catastale": "F284", "nome": "Molfetta"}
NEIGHBOUR = {"codice_istat": "072022", "codice_catastale": "E047", "nome": "Giovinazzo"}
FOREIGN = {"codice_istat": "072004", "codice_catastale": "A225", "nome": "Altamura"}


def _ambito(codice: str, nome: str) -> Ente:
    existing = Ente.objects.filter(ambito__codice=codice).first()
    return existing or AmbitoEnteFactory(ambito__codice=codice, ambito__nome=nome)


def home_ambito() -> Ente:
    """The home comune's ambito (BA01)."""
    return _ambito("BA01", "Molfetta")


def foreign_ambito() -> Ente:
    """Another ambito of the same region (BA05)."""
    return _ambito("BA05", "Altamura")


def _comune(codes: dict, ambito: Ente) -> Ente:
    existing = Ente.objects.filter(comune__codice_istat=codes["codice_istat"]).first()
    return existing or ComuneEnteFactory(ambito=ambito, **{f"comune__{k}": v for k, v in codes.items()})


def home_comune() -> Ente:
    """The comune the scenario happens in (Molfetta, F284, ambito BA01)."""
    return _comune(HOME, home_ambito())


def neighbour_comune() -> Ente:
    """Another comune of the home ambito (Giovinazzo, E047)."""
    return _comune(NEIGHBOUR, home_ambito())


def foreign_comune() -> Ente:
    """A comune of another ambito (Altamura, A225, ambito BA05)."""
    return _comune(FOREIGN, foreign_ambito())


def regione() -> Ente:
    """The region's ente (Puglia)."""
    return RegioneEnteFactory()


def resident(ente: Ente, **fields) -> Assistito:
    """An adult registered by `ente`, born and resident in its comune (adult unless `data_nascita` says otherwise:
    a minor brings SINBA and guardianship rules the scenario did not ask for)."""
    from django.core.exceptions import ValidationError

    from tests.support.factories import AssistitoFactory

    fields.setdefault("data_nascita", date(1950, 3, 12))
    for _ in range(5):  # the name sequences wrap after many people: an exact twin is skipped for the next identity
        try:
            return AssistitoFactory(ente=ente, luogo=ente.codice, **fields)
        except ValidationError as exc:
            if "stesso codice fiscale" not in str(exc) or "cognome" in fields:
                raise
    raise AssertionError("cinque omonimi di fila: ampliare le liste dei nomi sintetici")


def case_moved_to_ambito(case: Cartella, *, by, keep_access: bool = True) -> Cartella:
    """The complex case: a comune's case handed to its ambito, the case manager keeping équipe access."""
    from cse.cartella.actions.cartella import cartella_move_ownership

    ambito = Ente.objects.get(ambito=case.owner_ente.comune.ambito)
    return cartella_move_ownership(
        cartella=case, to_ente=ambito, by=by, reason="caso complesso", keep_access_for=[by] if keep_access else []
    )


def every_role(*enti: Ente) -> list[tuple[Ente, str, object]]:
    """One operator per role each ente type has (cse.core.roles.ROLES_BY_TIPO_ENTE), as (ente, ruolo, user)."""
    from cse.core.roles import ROLES_BY_TIPO_ENTE
    from tests.support.factories import OperatoreFactory

    return [
        (ente, ruolo, OperatoreFactory(ente=ente, ruolo=ruolo))
        for ente in enti
        for ruolo in ROLES_BY_TIPO_ENTE[ente.tipo]
    ]
