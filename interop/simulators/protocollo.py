"""Simulator of an ente's protocollo informatico (contract: docs/interop/protocollo.md, version 1.0).

There is no national API for registering a document in an ente's protocol (each vendor has its own); the contract
is a small JSON one, and the segnatura it returns is the AgID one (Linee guida sul documento informatico, allegato 6:
SegnaturaInformatica / Intestazione / Identificatore {CodiceAmministrazione, CodiceAOO, CodiceRegistro,
NumeroRegistrazione (seven digits at least), DataRegistrazione}, Oggetto; Descrizione / Documento / Impronta SHA-256
base64). Numbers are progressive per AOO, register and year, starting at 1 (DPR 445/2000 art. 57). The key given by
the caller (Idempotency-Key) is honoured: the same key gets the same registration, a key reused for another
document is refused (409).

Scenarios: the x-simulatore-scenario header or `app.scenari` (consumed one per request: tests and the demo's
POST /sim/scenari): offline (503), malformato, richiesta_invalida, timeout (sleeps before registering) and
risposta_persa (registers, then sleeps past the client's timeout: the answer is lost, the number is taken).
"""

from __future__ import annotations

import base64
import threading
import time
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs
from xml.sax.saxutils import escape, quoteattr

from .base import Request, Response, SimApp

VERSION = "1.0"
NS = "http://www.agid.gov.it/protocollo/"
CAMPI = ("chiave", "verso", "oggetto", "corrispondente", "codiceAmministrazione", "codiceAOO", "codiceRegistro")


@dataclass(frozen=True)
class Registrazione:
    chiave: str
    impronta: str  # base64 SHA-256
    numero: int
    data: date
    richiesta: dict

    def as_json(self) -> dict:
        r = self.richiesta
        return {
            "versione": VERSION,
            "chiave": self.chiave,
            "numero": self.numero,
            "numeroRegistrazione": f"{self.numero:07d}",
            "dataRegistrazione": self.data.isoformat(),
            "codiceAmministrazione": r["codiceAmministrazione"],
            "codiceAOO": r["codiceAOO"],
            "codiceRegistro": r["codiceRegistro"],
            "segnatura": segnatura_xml(self),
        }


def segnatura_xml(reg: Registrazione) -> str:
    """The AgID segnatura of a registration (allegato 6, schema version 3.0.0)."""
    r = reg.richiesta
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><SegnaturaInformatica xmlns="{NS}" versione="3.0.0" xml:lang="it">'
        "<Intestazione><Identificatore>"
        f"<CodiceAmministrazione>{escape(r['codiceAmministrazione'])}</CodiceAmministrazione>"
        f"<CodiceAOO>{escape(r['codiceAOO'])}</CodiceAOO>"
        f"<CodiceRegistro>{escape(r['codiceRegistro'])}</CodiceRegistro>"
        f"<NumeroRegistrazione>{reg.numero:07d}</NumeroRegistrazione>"
        f"<DataRegistrazione>{reg.data.isoformat()}</DataRegistrazione>"
        f"</Identificatore><Oggetto>{escape(r['oggetto'])}</Oggetto></Intestazione>"
        f"<Descrizione><Documento nome={quoteattr(r['nomeFile'])}>"
        f'<Impronta algoritmo="SHA-256" codifica="base64">{reg.impronta}</Impronta>'
        "</Documento></Descrizione></SegnaturaInformatica>"
    )


def errore(status: int, codice: str, messaggio: str) -> Response:
    return Response.json(status, {"versione": VERSION, "errore": {"codice": codice, "messaggio": messaggio}})


def _richiesta_valida(body) -> str:
    """The first problem of a registration request, or ''."""
    if not isinstance(body, dict) or body.get("versione") != VERSION:
        return "versione del contratto assente o diversa da 1.0"
    missing = [k for k in (*CAMPI, "nomeFile", "impronta") if not str(body.get(k) or "").strip()]
    if missing:
        return "campi mancanti: " + ", ".join(missing)
    if body["verso"] not in ("entrata", "uscita"):
        return "verso non valido"
    try:
        if len(base64.b64decode(body["impronta"], validate=True)) != 32:
            raise ValueError
    except ValueError:
        return "impronta non è uno SHA-256 in base64"
    return ""


class ProtocolloSimulator(SimApp):
    name = "protocollo"

    def __init__(self, suite) -> None:
        super().__init__(suite)
        self.lock = threading.Lock()
        self.registrazioni: dict[str, Registrazione] = {}
        self.contatori: dict[tuple[str, str, str, int], int] = {}
        self.scenari: list[str] = []
        self.oggi = date.today  # tests move the year
        self.route("POST", "/v1/registrazioni", self.registra)
        self.route("GET", "/v1/registrazioni", self.leggi)
        self.route("POST", "/sim/scenari", self.programma)

    def _scenario(self, request: Request) -> str:
        if request.scenario:
            return request.scenario
        with self.lock:
            return self.scenari.pop(0) if self.scenari else ""

    def _autorizzato(self, request: Request) -> bool:
        return request.headers.get("authorization", "") == f"Bearer {self.suite.api_key(self.name)}"

    def registra(self, request: Request) -> Response:
        if not self._autorizzato(request):
            return errore(401, "NON_AUTORIZZATO", "chiave API assente o errata")
        scenario = self._scenario(request)
        failed = self._scenario_errore(request, scenario)
        if failed:
            return failed
        try:
            body = request.json()
        except ValueError:
            return errore(400, "RICHIESTA_INVALIDA", "corpo non JSON")
        problem = _richiesta_valida(body)
        if problem:
            return errore(400, "RICHIESTA_INVALIDA", problem)
        if request.headers.get("idempotency-key", "") != body["chiave"]:
            return errore(400, "RICHIESTA_INVALIDA", "Idempotency-Key diversa dalla chiave")
        reg, nuova = self._registra(body)
        if reg is None:
            return errore(409, "CHIAVE_USATA", "chiave già usata per un altro documento")
        if scenario == "risposta_persa":
            time.sleep(self.suite.timeout_sleep)  # registered: the answer arrives after the client gave up
        if scenario == "malformato":
            return Response(200, b'{"versione": "1.0", "numero": ', {"Content-Type": "application/json"})
        return Response.json(201 if nuova else 200, reg.as_json())

    def _scenario_errore(self, request: Request, scenario: str) -> Response | None:
        if scenario == "timeout" and not request.scenario:  # SimApp already slept for the header's
            time.sleep(self.suite.timeout_sleep)
        if scenario == "offline":
            return errore(503, "NON_DISPONIBILE", "protocollo in manutenzione")
        if scenario == "richiesta_invalida":
            return errore(400, "RICHIESTA_INVALIDA", "richiesta rifiutata dal protocollo")
        return None

    def _registra(self, body: dict) -> tuple[Registrazione | None, bool]:
        with self.lock:
            existing = self.registrazioni.get(body["chiave"])
            if existing is not None:
                return (existing if existing.impronta == body["impronta"] else None), False
            oggi = self.oggi()
            key = (body["codiceAmministrazione"], body["codiceAOO"], body["codiceRegistro"], oggi.year)
            self.contatori[key] = self.contatori.get(key, 0) + 1
            reg = Registrazione(body["chiave"], body["impronta"], self.contatori[key], oggi, dict(body))
            self.registrazioni[reg.chiave] = reg
            return reg, True

    def leggi(self, request: Request) -> Response:
        if not self._autorizzato(request):
            return errore(401, "NON_AUTORIZZATO", "chiave API assente o errata")
        if self._scenario(request) == "offline":
            return errore(503, "NON_DISPONIBILE", "protocollo in manutenzione")
        chiave = (parse_qs(request.query).get("chiave") or [""])[0]
        with self.lock:
            reg = self.registrazioni.get(chiave)
        if reg is None:
            return errore(404, "NON_TROVATA", "nessuna registrazione con questa chiave")
        return Response.json(200, reg.as_json())

    def programma(self, request: Request) -> Response:
        """Demo and tests: the scenarios of the next requests, in order."""
        scenari = (request.json() or {}).get("scenari", [])
        with self.lock:
            self.scenari[:] = [str(s) for s in scenari]
        return Response.json(200, {"scenari": self.scenari})
