"""Adapters of the domain's ports (cse/cartella/ports.py, cse/ambito/ports.py) over the interop/ clients.

settings.CSE_ADAPTERS names these classes; each is built with no arguments and keeps no state (the clients keep
breakers and call log). Errors pass through as they are (cse.core.external).
"""

from __future__ import annotations

from datetime import date, datetime

from cse.core.appio import MessaggioIO
from cse.core.external import CallContext
from cse.core.pagamenti import Avviso, PosizioneDebitoria, Ricevuta
from cse.core.protocollo import DocumentoDaProtocollare, Segnatura

from .anpr import client as anpr
from .anpr.client import SchedaAnpr
from .appio import client as appio
from .isee import client as isee
from .isee.client import AttestazioneIsee
from .models import ProvenienzaDato
from .pagopa import client as pagopa
from .protocollo import client as protocollo
from .regionali import client as regionali


class AnagrafeAnpr:
    """Port Anagrafe over ANPR (C030 → C015, C020, C021)."""

    def consulta(self, codice_fiscale: str, ctx: CallContext) -> SchedaAnpr:
        return anpr.consulta(codice_fiscale, ctx)


class IseeInps:
    """Port BancaDatiIsee over INPS ConsultazioneISEE."""

    def consulta(self, codice_fiscale: str, tipo: str, ctx: CallContext) -> AttestazioneIsee:
        return isee.consulta(codice_fiscale, tipo, ctx)


class SistemiRegionaliPuglia:
    """Port SistemiRegionali over Edotto, the Ministero del Lavoro and Puglia Sociale."""

    def dimissioni_protette(self, codice_fiscale: str, ctx: CallContext) -> list[dict]:
        return regionali.dimissioni_protette(codice_fiscale, ctx)

    def stato_occupazionale(self, codice_fiscale: str, ctx: CallContext) -> dict:
        return regionali.stato_occupazionale(codice_fiscale, ctx)

    def avvisi_aperti(self, ctx: CallContext) -> list[dict]:
        return regionali.avvisi_aperti(ctx)


class OsservatorioPuglia:
    """Port OsservatorioPianiDiZona over the regional Osservatorio."""

    def interventi_piano_di_zona(self, ambito: str, anno: int, ctx: CallContext) -> list[dict]:
        return regionali.interventi_piano_di_zona(ambito, anno, ctx)


class ProvenienzeDb:
    """Port RegistroProvenienze over the ProvenienzaDato table of interop/."""

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
    ) -> None:
        ProvenienzaDato.objects.create(
            assistito=assistito,
            campo=campo,
            fonte=fonte,
            acquisito_il=acquisito_il,
            impronta=impronta,
            operatore=operatore,
            isee=isee,
            relazione=relazione,
        )


class ProtocolloHttp:
    """Port Protocollo over the ente's protocol system (JSON contract docs/interop/protocollo.md)."""

    def registra(self, documento: DocumentoDaProtocollare, ctx: CallContext) -> Segnatura:
        return protocollo.registra(documento, ctx)

    def stato(self, chiave: str, ctx: CallContext) -> Segnatura | None:
        return protocollo.stato(chiave, ctx)


class PagoPaGpd:
    """Port PagoPA over pagoPA GPD (Gestione Posizioni Debitorie)."""

    def crea_posizione(self, debito: PosizioneDebitoria, ctx: CallContext) -> Avviso:
        return pagopa.crea_posizione(debito, ctx)

    def stato(self, ente_codice_fiscale: str, iuv: str, ctx: CallContext) -> str:
        return pagopa.stato(ente_codice_fiscale, iuv, ctx)

    def ricevute(self, ente_codice_fiscale: str, dal: date, ctx: CallContext) -> list[Ricevuta]:
        return pagopa.ricevute(ente_codice_fiscale, dal, ctx)

    def annulla_posizione(self, ente_codice_fiscale: str, chiave: str, ctx: CallContext) -> str:
        return pagopa.annulla_posizione(ente_codice_fiscale, chiave, ctx)


class AppIoServizi:
    """Port AppIO over the App IO services API (api/v1 profiles and messages)."""

    def accetta(self, codice_fiscale: str, ctx: CallContext) -> bool:
        return appio.accetta(codice_fiscale, ctx)

    def invia(self, messaggio: MessaggioIO, ctx: CallContext) -> str:
        return appio.invia(messaggio, ctx)
