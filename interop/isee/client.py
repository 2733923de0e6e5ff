"""INPS ConsultazioneISEE (SOAP through PDND): ConsultazioneIndicatore / ConsultazioneAttestazione.

The answer's `Esito` drives the outcome; the base64 XML inside is parsed with defusedxml (untrusted input).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import escape

import httpx
from defusedxml import ElementTree
from django.utils import timezone

from cse.core.codelists.isee import INPS_TIPO_INDICATORE, TIPO_INDICATORE_INPS, fascia_isee
from cse.core.external import (
    BadResponse,
    CallContext,
    InvalidRequest,
    NotFound,
    ServiceUnavailable,
    unavailable_message,
)

from ..config import service
from ..pdnd.client import call_e_service, standard_status

NS = "http://inps.it/ConsultazioneISEE"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SYSTEM = "Il servizio ISEE dell'INPS"


@dataclass
class AttestazioneIsee:
    tipo: str  # TipoIsee of the cartella
    valore: Decimal
    ise: Decimal
    scala_equivalenza: Decimal
    protocollo_dsu: str
    data_presentazione: date
    valida_al: date
    nucleo: list[dict] = field(default_factory=list)

    @property
    def fascia(self) -> str:
        """The SINBA ISEE band of the attested value."""
        return fascia_isee(self.valore)


def _envelope(operation: str, *, cf: str, tipo_indicatore: str, prestazione: str, protocollo: str) -> bytes:
    fields = {
        "CodiceFiscale": cf,
        "TipoIndicatore": tipo_indicatore,
        "DataValidita": timezone.localdate().isoformat(),
        "PrestazioneDaErogare": prestazione,
        "ProtocolloDomandaEnteErogatore": protocollo,
        "StatodomandaPrestazione": "Da erogare",
    }
    inner = "".join(f"<isee:{k}>{escape(v)}</isee:{k}>" for k, v in fields.items())
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{SOAP_NS}" xmlns:isee="{NS}">'
        f"<soap:Body><isee:{operation}><isee:request>{inner}</isee:request></isee:{operation}></soap:Body>"
        "</soap:Envelope>"
    ).encode()


def _parser(operation: str):
    def parse(response: httpx.Response) -> AttestazioneIsee:
        if response.status_code != 200:
            standard_status(response, SYSTEM)
            raise BadResponse("Risposta inattesa dall'INPS.", code=f"http_{response.status_code}")
        try:
            root = ElementTree.fromstring(response.content)
            result = root.find(f".//{{{NS}}}{operation}Result")
            esito = result.findtext(f"{{{NS}}}Esito")
        except (ElementTree.ParseError, AttributeError) as exc:
            raise BadResponse("Risposta dell'INPS non leggibile: non è stata usata.", code="malformata") from exc
        if esito == "DATI_NON_TROVATI":
            raise NotFound("L'INPS non ha un'attestazione ISEE valida di questo tipo per la persona.", code=esito)
        if esito in ("DATABASE_OFFLINE", "ERRORE_INTERNO"):
            raise ServiceUnavailable(unavailable_message(SYSTEM), code=esito)
        if esito in ("RICHIESTA_INVALIDA", "RISCONTRO_NON_VALIDO"):
            raise InvalidRequest("L'INPS ha rifiutato la richiesta (dati di ricerca non validi).", code=esito)
        if esito != "OK":
            raise BadResponse("Esito sconosciuto dall'INPS.", code=(esito or "esito_mancante")[:60])
        tag = "XmlEsitoIndicatore" if operation == "ConsultazioneIndicatore" else "XmlEsitoAttestazione"
        try:
            inner = ElementTree.fromstring(base64.b64decode(result.findtext(f"{{{NS}}}{tag}") or "", validate=True))
            ind = inner if inner.tag == "Indicatore" else inner.find("Indicatore")
            return AttestazioneIsee(
                tipo=TIPO_INDICATORE_INPS[ind.get("TipoIndicatore")],
                valore=Decimal(ind.get("ISEE")),
                ise=Decimal(ind.get("ISE")),
                scala_equivalenza=Decimal(ind.get("ScalaEquivalenza")),
                protocollo_dsu=ind.get("ProtocolloDSU"),
                data_presentazione=date.fromisoformat(ind.get("DataPresentazione")),
                valida_al=date.fromisoformat(ind.get("DataScadenza")),
                nucleo=[dict(c.attrib) for c in inner.iter("Componente")],
            )
        except (
            ElementTree.ParseError,
            binascii.Error,
            AttributeError,
            KeyError,
            TypeError,
            ValueError,
            InvalidOperation,
        ) as exc:
            raise BadResponse("Risposta dell'INPS non leggibile: non è stata usata.", code="malformata") from exc

    return parse


def consulta(
    codice_fiscale: str,
    tipo: str,
    ctx: CallContext,
    *,
    attestazione: bool = False,
    prestazione: str = "A1.04",
) -> AttestazioneIsee:
    """The ISEE of `tipo` (TipoIsee of the cartella) valid today; the attestazione adds the nucleo members."""
    operation = "ConsultazioneAttestazione" if attestazione else "ConsultazioneIndicatore"
    body = _envelope(
        operation,
        cf=codice_fiscale,
        tipo_indicatore=INPS_TIPO_INDICATORE[tipo],
        prestazione=prestazione,
        protocollo=ctx.motivo[:40],
    )
    return call_e_service(
        "inps_isee",
        operation,
        ctx=ctx,
        method="POST",
        url=service("inps_isee")["url"],
        body=body,
        content_type="text/xml; charset=utf-8",
        parse=_parser(operation),
        modi=False,
        verify_signature=False,
        extra_headers={"SOAPAction": f'"{NS}/{operation}"'},
    )
