"""What the ambito asks of the outside world (ports); the adapter lives in interop/ and is picked by
settings.CSE_ADAPTERS (cse.core.ports.adapter). Errors: cse.core.external.InteropError and its subclasses."""

from __future__ import annotations

from typing import Protocol, cast

from cse.core.external import CallContext
from cse.core.ports import adapter


class OsservatorioPianiDiZona(Protocol):
    """The regional Osservatorio: the interventions of an ambito's piano di zona for a year."""

    def interventi_piano_di_zona(self, ambito: str, anno: int, ctx: CallContext) -> list[dict]: ...


def osservatorio_piani_di_zona() -> OsservatorioPianiDiZona:
    return cast(OsservatorioPianiDiZona, adapter("piano_di_zona"))
