"""INPS ConsultazioneISEE simulator (SOAP 1.1 over PDND): ConsultazioneIndicatore / ConsultazioneAttestazione.

Request: TipoIndicatore + CodiceFiscale + DataValidita, PrestazioneDaErogare, ProtocolloDomandaEnteErogatore,
StatodomandaPrestazione. Answer: Esito (OK, RICHIESTA_INVALIDA, DATI_NON_TROVATI, DATABASE_OFFLINE, ERRORE_INTERNO,
RISCONTRO_NON_VALIDO) and, when OK, a base64 XML with ISEE, ISE, ISR, ISP, ScalaEquivalenza, ProtocolloDSU,
DataPresentazione (and the nucleo in the attestazione). Element names follow the domain notes; the WSDL itself is
distributed by INPS to authorised enti and is not public.
"""

from __future__ import annotations

import base64
import uuid
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from defusedxml import ElementTree

from . import data
from .base import Rejected, Request, Response, SimApp, check_pdnd, slow_down

NS = "http://inps.it/ConsultazioneISEE"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
TIPI = ("Ordinario", "Minorenne", "Universitario", "SocioSanitario", "Dottorato", "Residenziale")


def envelope(operation: str, esito: str, descrizione: str = "", xml_b64: str = "") -> bytes:
    tag = "XmlEsitoIndicatore" if operation == "ConsultazioneIndicatore" else "XmlEsitoAttestazione"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{SOAP_NS}" xmlns:isee="{NS}"><soap:Body>'
        f"<isee:{operation}Response><isee:{operation}Result><isee:IdRichiesta>{uuid.uuid4().hex[:16]}</isee:IdRichiesta>"
        f"<isee:Esito>{esito}</isee:Esito><isee:DescrizioneErrore>{escape(descrizione)}</isee:DescrizioneErrore>"
        f"<isee:{tag}>{xml_b64}</isee:{tag}></isee:{operation}Result></isee:{operation}Response>"
        "</soap:Body></soap:Envelope>"
    ).encode()


def _scadenza(presentata: date) -> date:
    """Since 2020 a DSU is valid until 31 December of the year it was presented (DL 34/2019 art. 10)."""
    return date(presentata.year, 12, 31)


def indicatore_xml(persona: data.Persona, att: dict, *, attestazione: bool) -> str:
    attrs = {
        "TipoIndicatore": att["tipo"],
        "ISEE": att["isee"],
        "ISE": att["ise"],
        "ISR": att["isr"],
        "ISP": att["isp"],
        "ScalaEquivalenza": att["scala"],
        "ProtocolloDSU": att["dsu"],
        "DataPresentazione": att["presentata"].isoformat(),
        "DataScadenza": _scadenza(att["presentata"]).isoformat(),
    }
    indicatore = "<Indicatore " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items()) + "/>"
    if not attestazione:
        return indicatore
    membri = "".join(
        f"<Componente CodiceFiscale={quoteattr(m.codice_fiscale)} Cognome={quoteattr(m.cognome.upper())} "
        f"Nome={quoteattr(m.nome.upper())}/>"
        for m in data.famiglia(persona)
    )
    return f"<Attestazione>{indicatore}<Nucleo>{membri}</Nucleo></Attestazione>"


class IseeSimulator(SimApp):
    name = "inps_isee"

    def __init__(self, suite) -> None:
        super().__init__(suite)
        self.route("POST", "/ConsultazioneISEE", self.serve)

    def serve(self, request: Request) -> Response:
        try:
            check_pdnd(request, self.suite, audience=self.suite.audience("inps_isee"), modi=False)
        except Rejected as exc:
            return exc.response
        operation = request.headers.get("soapaction", "").strip('"').rsplit("/", 1)[-1]
        if operation not in ("ConsultazioneIndicatore", "ConsultazioneAttestazione"):
            return Response(
                500,
                envelope("ConsultazioneIndicatore", "RICHIESTA_INVALIDA", "SOAPAction sconosciuta"),
                {"Content-Type": "text/xml; charset=utf-8"},
            )
        ok = {"Content-Type": "text/xml; charset=utf-8"}
        try:
            root = ElementTree.fromstring(request.body)
            req = root.find(f".//{{{NS}}}request")
            cf = (req.findtext(f"{{{NS}}}CodiceFiscale") or "").upper()
            tipo = req.findtext(f"{{{NS}}}TipoIndicatore") or ""
            data_validita = req.findtext(f"{{{NS}}}DataValidita") or ""
        except (ElementTree.ParseError, AttributeError):
            return Response(200, envelope(operation, "RICHIESTA_INVALIDA", "Richiesta non leggibile"), ok)
        scenario = request.scenario
        if not scenario:
            scenario = data.MAGIC_CF.get(cf, "")
            slow_down(self.suite, scenario)
        if scenario == "offline":
            return Response(200, envelope(operation, "DATABASE_OFFLINE", "Banca dati ISEE non disponibile"), ok)
        if scenario == "malformato":
            return Response(200, envelope(operation, "OK", "", "PEluZGljYXRvcmUgSVNFRT0i")[:-40], ok)
        if scenario == "richiesta_invalida" or tipo not in TIPI or len(cf) != 16 or not data_validita:
            return Response(200, envelope(operation, "RICHIESTA_INVALIDA", "Parametri di ricerca non validi"), ok)
        persona = data.BY_CF.get(cf)
        att = next((a for a in (persona.isee if persona else []) if a["tipo"] == tipo), None)
        if att is None or scenario == "non_trovato":
            return Response(200, envelope(operation, "DATI_NON_TROVATI", "Nessuna attestazione valida"), ok)
        xml = indicatore_xml(persona, att, attestazione=operation == "ConsultazioneAttestazione")
        return Response(200, envelope(operation, "OK", "", base64.b64encode(xml.encode()).decode()), ok)
