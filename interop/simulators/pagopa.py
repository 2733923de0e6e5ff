"""Simulator of pagoPA GPD (Gestione Posizioni Debitorie) for one or more enti creditori, shaped on its REST API:

- POST /organizations/{fc}/debtpositions?toPublish=true  create and publish a position (status VALID); 409 when the
  IUPD or an IUV exists already
- GET  /organizations/{fc}/debtpositions/{iupd}          read a position
- POST /organizations/{fc}/debtpositions/{iupd}/invalidate  annul a published position (status INVALID); 409 when it
  is paid or already invalid, 404 when unknown; an invalid position can no longer be paid
- GET  /organizations/{fc}/paymentoptions/{iuv}          a payment option with its status (PO_UNPAID, PO_PAID)
- GET  /organizations/{fc}/receipts?from=YYYY-MM-DD       receipts of the options paid since that day (the receipts
  read of GPD-payments, reduced to what reconciliation needs)
- POST /sim/paga {"fc", "iuv", "amount"?, "psp"?}         tests and the demo: a citizen pays a notice at a PSP

Amounts are integer euro cents, like GPD. Scenarios: x-simulatore-scenario header or `app.scenari` (offline,
malformato, timeout, risposta_persa: creates the position then answers too late).
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from datetime import date, datetime
from functools import partial
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from .base import Request, Response, SimApp, problem

ROME = ZoneInfo("Europe/Rome")
_ROUTES = [
    ("POST", re.compile(r"^/organizations/(?P<fc>\w+)/debtpositions$"), "crea"),
    ("GET", re.compile(r"^/organizations/(?P<fc>\w+)/debtpositions/(?P<iupd>[\w.\-]+)$"), "posizione"),
    ("POST", re.compile(r"^/organizations/(?P<fc>\w+)/debtpositions/(?P<iupd>[\w.\-]+)/invalidate$"), "invalida"),
    ("GET", re.compile(r"^/organizations/(?P<fc>\w+)/paymentoptions/(?P<iuv>\d{17})$"), "opzione"),
    ("GET", re.compile(r"^/organizations/(?P<fc>\w+)/receipts$"), "ricevute"),
    ("POST", re.compile(r"^/sim/paga$"), "paga"),
]


class _Routes(dict):
    """SimApp looks handlers up by (method, path): this one matches the GPD path templates."""

    def __init__(self, app) -> None:
        super().__init__()
        self.app = app

    def get(self, key, default=None):
        method, path = key
        for verb, pattern, name in _ROUTES:
            match = pattern.match(path)
            if verb == method and match:
                return partial(getattr(self.app, name), **match.groupdict())
        return default


def _valida(body) -> str:
    try:
        options = body["paymentOption"]
        if not body["iupd"] or body["type"] not in ("F", "G") or not body["fiscalCode"] or len(options) != 1:
            return "posizione incompleta"
        option = options[0]
        if not re.match(r"^\d{17}$", option["iuv"]) or int(option["amount"]) <= 0:
            return "opzione di pagamento non valida"
        if sum(int(t["amount"]) for t in option["transfer"]) != int(option["amount"]):
            return "la somma dei versamenti differisce dall'importo"
        datetime.fromisoformat(option["dueDate"])
    except (KeyError, TypeError, ValueError):
        return "posizione non leggibile"
    return ""


class PagoPaSimulator(SimApp):
    name = "pagopa"

    def __init__(self, suite) -> None:
        super().__init__(suite)
        self.routes = _Routes(self)
        self.lock = threading.Lock()
        self.posizioni: dict[tuple[str, str], dict] = {}  # (fc, iupd) -> position
        self.per_iuv: dict[tuple[str, str], dict] = {}  # (fc, iuv) -> position
        self.pagamenti: dict[tuple[str, str], dict] = {}  # (fc, iuv) -> receipt
        self.scenari: list[str] = []

    def _scenario(self, request: Request) -> str:
        if request.scenario:
            return request.scenario
        with self.lock:
            return self.scenari.pop(0) if self.scenari else ""

    def _check(self, request: Request) -> Response | None:
        if request.headers.get("ocp-apim-subscription-key", "") != self.suite.api_key(self.name):
            return problem(401, "Subscription key assente o errata")
        scenario = self._scenario(request)
        if scenario == "timeout" and not request.scenario:  # SimApp already slept for the header's
            time.sleep(self.suite.timeout_sleep)
        if scenario == "offline":
            return problem(503, "Servizio non disponibile")
        if scenario == "malformato":
            return Response(200, b'{"iupd": ', {"Content-Type": "application/json"})
        request.headers["x-sim-effettivo"] = scenario
        return None

    def crea(self, request: Request, fc: str) -> Response:
        refused = self._check(request)
        if refused:
            return refused
        try:
            body = request.json()
        except ValueError:
            return problem(400, "Corpo non JSON")
        bad = _valida(body)
        if bad or "toPublish=true" not in request.query:
            return problem(400, "Richiesta non valida", bad or "toPublish=true richiesto")
        with self.lock:
            iuv = body["paymentOption"][0]["iuv"]
            if (fc, body["iupd"]) in self.posizioni or (fc, iuv) in self.per_iuv:
                return problem(409, "Posizione debitoria già esistente", body["iupd"])
            position = {**body, "organizationFiscalCode": fc, "status": "VALID", "publishDate": _now()}
            position["paymentOption"] = [{**body["paymentOption"][0], "status": "PO_UNPAID"}]
            self.posizioni[(fc, body["iupd"])] = position
            self.per_iuv[(fc, iuv)] = position
        if request.headers.get("x-sim-effettivo") == "risposta_persa":
            time.sleep(self.suite.timeout_sleep)
        return Response.json(201, position)

    def posizione(self, request: Request, fc: str, iupd: str) -> Response:
        refused = self._check(request)
        if refused:
            return refused
        with self.lock:
            position = self.posizioni.get((fc, iupd))
        return Response.json(200, position) if position else problem(404, "Posizione debitoria non trovata", iupd)

    def invalida(self, request: Request, fc: str, iupd: str) -> Response:
        refused = self._check(request)
        if refused:
            return refused
        with self.lock:
            position = self.posizioni.get((fc, iupd))
            if position is None:
                return problem(404, "Posizione debitoria non trovata", iupd)
            if position["status"] != "VALID":
                return problem(409, "Posizione non annullabile", position["status"])
            position["status"] = "INVALID"
        return Response.json(200, position)

    def opzione(self, request: Request, fc: str, iuv: str) -> Response:
        refused = self._check(request)
        if refused:
            return refused
        with self.lock:
            position = self.per_iuv.get((fc, iuv))
        if position is None:
            return problem(404, "Opzione di pagamento non trovata", iuv)
        return Response.json(200, {**position["paymentOption"][0], "positionStatus": position["status"]})

    def ricevute(self, request: Request, fc: str) -> Response:
        refused = self._check(request)
        if refused:
            return refused
        try:
            dal = date.fromisoformat((parse_qs(request.query).get("from") or [""])[0])
        except ValueError:
            return problem(400, "Parametro from non valido (AAAA-MM-GG)")
        with self.lock:
            found = [
                r
                for (org, _), r in self.pagamenti.items()
                if org == fc and datetime.fromisoformat(r["paymentDateTime"]).date() >= dal
            ]
        return Response.json(200, {"receiptsList": sorted(found, key=lambda r: r["paymentDateTime"])})

    def paga(self, request: Request) -> Response:
        """A citizen pays: the option becomes PO_PAID, the position PAID, a receipt is issued (once)."""
        body = request.json() or {}
        fc, iuv = str(body.get("fc", "")), str(body.get("iuv", ""))
        with self.lock:
            position = self.per_iuv.get((fc, iuv))
            if position is None:
                return problem(404, "Avviso non trovato", iuv)
            if (fc, iuv) in self.pagamenti:
                return problem(409, "Avviso già pagato", iuv)
            if position["status"] == "INVALID":
                return problem(422, "Avviso annullato dall'ente: non più pagabile", iuv)
            option = position["paymentOption"][0]
            option["status"], position["status"] = "PO_PAID", "PAID"
            receipt = {
                "receiptId": uuid.uuid4().hex,
                "organizationFiscalCode": fc,
                "iuv": iuv,
                "amount": int(body.get("amount") or option["amount"]),
                "paymentDateTime": body.get("paymentDateTime") or _now(),
                "pspCompany": body.get("psp") or "PSP di prova",
            }
            self.pagamenti[(fc, iuv)] = receipt
        return Response.json(200, receipt)


def _now() -> str:
    return datetime.now(ROME).replace(microsecond=0).isoformat()
