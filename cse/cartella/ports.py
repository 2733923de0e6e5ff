"""What the case domain asks of the outside world (ports). The adapters live in interop/ and are picked by
settings.CSE_ADAPTERS (cse.core.ports.adapter): the domain never imports interop/.

Every port raises the errors of cse.core.external (NotFound, ServiceUnavailable, … all InteropError, each with the
Italian message for the operator) and takes a cse.core.external.CallContext for the call log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol, cast

from cse.core.external import CallContext
from cse.core.ports import adapter


class FamiliareAnagrafico(Protocol):
    codice_fiscale: str
    cognome: str
    nome: str
    data_nascita: date | None

    @property
    def legame(self) -> str:
        """The relationship in words, as the registry names it."""
        ...

    @property
    def tipo_relazione(self) -> str:
        """The cartella's TipoRelazione value for the relationship."""
        ...


class SchedaAnagrafica(Protocol):
    cognome: str
    nome: str
    sesso: str
    data_nascita: date
    luogo_nascita_istat: str
    comune_residenza_istat: str
    indirizzo_residenza: str

    @property
    def famiglia(self) -> Sequence[FamiliareAnagrafico]: ...


class Anagrafe(Protocol):
    """The national registry (ANPR): identity, residence and household of a person."""

    def consulta(self, codice_fiscale: str, ctx: CallContext) -> SchedaAnagrafica: ...


class AttestazioneIsee(Protocol):
    tipo: str
    valore: Decimal
    protocollo_dsu: str
    data_presentazione: date
    valida_al: date

    @property
    def fascia(self) -> str:
        """The SINBA ISEE band of the value."""
        ...


class BancaDatiIsee(Protocol):
    """INPS: the ISEE attestation of a given type (TipoIsee) in force for a person."""

    def consulta(self, codice_fiscale: str, tipo: str, ctx: CallContext) -> AttestazioneIsee: ...


class SistemiRegionali(Protocol):
    """Regional systems read about one person (Edotto, Ministero del Lavoro) and the open calls of Puglia Sociale."""

    def dimissioni_protette(self, codice_fiscale: str, ctx: CallContext) -> list[dict]: ...

    def stato_occupazionale(self, codice_fiscale: str, ctx: CallContext) -> dict: ...

    def avvisi_aperti(self, ctx: CallContext) -> list[dict]: ...


class RegistroProvenienze(Protocol):
    """Where the source of each accepted fact is kept (beside the record, not in it)."""

    def registra(
        self,
        *,
        assistito,
        campo: str,
        fonte: str,
        acquisito_il: datetime,
        impronta: str,
        operatore,
        isee=None,
        relazione=None,
    ) -> None: ...


def anagrafe() -> Anagrafe:
    return cast(Anagrafe, adapter("anagrafe"))


def banca_dati_isee() -> BancaDatiIsee:
    return cast(BancaDatiIsee, adapter("isee"))


def sistemi_regionali() -> SistemiRegionali:
    return cast(SistemiRegionali, adapter("sistemi_regionali"))


def registro_provenienze() -> RegistroProvenienze:
    return cast(RegistroProvenienze, adapter("provenienze"))
