"""Client of the ente's protocollo informatico (JSON contract docs/interop/protocollo.md, version 1.0), over the
shared HTTP core (timeouts, retries, breaker, call log). Not through PDND: the protocol is the ente's own system,
reached with its API key.

Registering is retried by the HTTP core like a read: the Idempotency-Key (the caller's chiave) makes a repeat return
the first registration, so a lost answer never costs a second number. The segnatura XML is parsed with defusedxml and
checked against the answer's fields before it is trusted.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import date
from urllib.parse import urlencode

import httpx
from defusedxml import ElementTree

from cse.core.external import BadResponse, CallContext, InvalidRequest, NotFound
from cse.core.protocollo import DocumentoDaProtocollare, Segnatura

from ..config import service
from ..http import call
from ..pdnd.client import standard_status

VERSION = "1.0"
SYSTEM = "Il protocollo informatico dell'ente"
NS = "{http://www.agid.gov.it/protocollo/}"


def _headers(extra: dict | None = None) -> dict:
    return {
        "Authorization": f"Bearer {service('protocollo')['api_key']}",
        "Accept": "application/json",
        **(extra or {}),
    }


def _segnatura(body: dict) -> Segnatura:
    """The answer as a Segnatura, its XML cross-checked with the fields (number, date, codes)."""
    numero, data = int(body["numero"]), date.fromisoformat(body["dataRegistrazione"])
    root = ElementTree.fromstring(body["segnatura"].encode())
    ident = root.find(f"{NS}Intestazione/{NS}Identificatore")
    seen = {child.tag.removeprefix(NS): (child.text or "") for child in ident}
    expected = {
        "CodiceAmministrazione": body["codiceAmministrazione"],
        "CodiceAOO": body["codiceAOO"],
        "CodiceRegistro": body["codiceRegistro"],
        "NumeroRegistrazione": f"{numero:07d}",
        "DataRegistrazione": data.isoformat(),
    }
    if root.tag != f"{NS}SegnaturaInformatica" or seen != expected:
        raise ValueError("segnatura non coerente con la risposta")
    return Segnatura(
        numero=numero,
        data=data,
        codice_amministrazione=body["codiceAmministrazione"],
        codice_aoo=body["codiceAOO"],
        registro=body["codiceRegistro"],
        xml=body["segnatura"],
    )


def _parser(*, missing_ok: bool) -> Callable[[httpx.Response], Segnatura | None]:
    def parse(response: httpx.Response) -> Segnatura | None:
        status = response.status_code
        if status in (400, 404, 409):
            try:
                err = response.json()["errore"]
                code, message = err["codice"], err["messaggio"]
            except (ValueError, KeyError, TypeError):
                code, message = f"http_{status}", ""
            if status == 404 and missing_ok:
                return None
            if status == 404:
                raise NotFound(f"{SYSTEM}: nessuna registrazione trovata.", code=code)
            raise InvalidRequest(f"{SYSTEM} ha rifiutato la registrazione: {message or 'dati non validi'}.", code=code)
        if status in (401, 403):
            raise BadResponse(
                f"{SYSTEM} ha rifiutato la chiave API dell'ente: segnalarlo all'amministratore.", code="chiave_api"
            )
        if status not in (200, 201):
            standard_status(response, SYSTEM)
        try:
            body = response.json()
            if body.get("versione") != VERSION:
                raise ValueError("versione del contratto")
            return _segnatura(body)
        except (ValueError, KeyError, TypeError, AttributeError, ElementTree.ParseError) as exc:
            raise BadResponse(f"Risposta di {SYSTEM.lower()} non leggibile.", code="malformata") from exc

    return parse


def registra(documento: DocumentoDaProtocollare, ctx: CallContext) -> Segnatura:
    """Register a document (idempotent on documento.chiave)."""
    payload = {
        "versione": VERSION,
        "chiave": documento.chiave,
        "verso": documento.verso,
        "oggetto": documento.oggetto,
        "corrispondente": documento.corrispondente,
        "codiceAmministrazione": documento.codice_amministrazione,
        "codiceAOO": documento.codice_aoo,
        "codiceRegistro": documento.registro,
        "nomeFile": documento.nome_file,
        "impronta": base64.b64encode(bytes.fromhex(documento.sha256)).decode(),
    }
    body = json.dumps(payload, ensure_ascii=False).encode()
    url = service("protocollo")["url"] + "/v1/registrazioni"

    def build() -> httpx.Request:
        headers = _headers({"Content-Type": "application/json", "Idempotency-Key": documento.chiave})
        return httpx.Request("POST", url, content=body, headers=headers)

    return call("protocollo", "registra", build=build, ctx=ctx, idempotent=True, parse=_parser(missing_ok=False))


def stato(chiave: str, ctx: CallContext) -> Segnatura | None:
    """The registration of `chiave`, or None when the protocol has none."""
    url = service("protocollo")["url"] + "/v1/registrazioni?" + urlencode({"chiave": chiave})

    def build() -> httpx.Request:
        return httpx.Request("GET", url, headers=_headers())

    return call("protocollo", "stato", build=build, ctx=ctx, idempotent=True, parse=_parser(missing_ok=True))
