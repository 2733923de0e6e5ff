"""Simulator of the App IO services API for one IO service (its subscription key), shaped on api/v1:

- POST /api/v1/profiles {"fiscal_code"}      200 {"sender_allowed", "preferred_languages"}; 404 for a non-user
- POST /api/v1/messages {...}                201 {"id"}; 400 when subject/markdown lengths or the payment data
                                              are out of bounds; a repeated Idempotency-Key returns the first id
- GET  /sim/messaggi?fiscal_code=…           tests and the demo: the messages delivered to a person
- POST /sim/profilo {"fiscal_code", "sender_allowed"}   tests and the demo: a person who uses IO (or blocks the service)

Who uses IO: the profiles set through /sim/profilo, else every fiscal code whose last letter (the check character)
comes before «N» — a deterministic half of the synthetic population; the others are not IO users (404).
Scenarios: x-simulatore-scenario header or `app.scenari` (offline, malformato, risposta_persa: delivers, then the
answer is lost — a 503 after the message was stored).
"""

from __future__ import annotations

import re
import threading
import uuid
from urllib.parse import parse_qs

from .base import Request, Response, SimApp, problem

CF_RE = re.compile(r"^[A-Z0-9]{16}$")


def _invalid(body) -> str:
    try:
        content = body["content"]
        if not CF_RE.match(body["fiscal_code"]):
            return "fiscal_code non valido"
        if not 10 <= len(content["subject"]) <= 120:
            return "subject: da 10 a 120 caratteri"
        if not 80 <= len(content["markdown"]) <= 10000:
            return "markdown: da 80 a 10000 caratteri"
        payment = content.get("payment_data")
        if payment and (int(payment["amount"]) <= 0 or not re.match(r"^\d{18}$", payment["notice_number"])):
            return "payment_data non valido"
    except (KeyError, TypeError, ValueError):
        return "messaggio non leggibile"
    return ""


class AppIoSimulator(SimApp):
    name = "appio"

    def __init__(self, suite) -> None:
        super().__init__(suite)
        self.lock = threading.Lock()
        self.profili: dict[str, bool] = {}
        self.messaggi: dict[str, dict] = {}  # id -> message
        self.per_chiave: dict[str, str] = {}  # Idempotency-Key -> id
        self.scenari: list[str] = []
        self.route("POST", "/api/v1/profiles", self.profilo)
        self.route("POST", "/api/v1/messages", self.messaggio)
        self.route("GET", "/sim/messaggi", self.consegnati)
        self.route("POST", "/sim/profilo", self.imposta_profilo)

    def _check(self, request: Request) -> Response | None:
        if request.headers.get("ocp-apim-subscription-key", "") != self.suite.api_key(self.name):
            return problem(401, "Subscription key assente o errata")
        scenario = request.scenario
        if not scenario:
            with self.lock:
                scenario = self.scenari.pop(0) if self.scenari else ""
        if scenario == "offline":
            return problem(503, "Servizio non disponibile")
        if scenario == "malformato":
            return Response(200, b'{"sender_', {"Content-Type": "application/json"})
        request.headers["x-sim-effettivo"] = scenario
        return None

    def usa_io(self, fiscal_code: str) -> bool | None:
        """True/False: an IO user who accepts / blocks the service; None: not an IO user."""
        with self.lock:
            if fiscal_code in self.profili:
                return self.profili[fiscal_code]
        return True if fiscal_code[-1:] < "N" else None

    def profilo(self, request: Request) -> Response:
        refused = self._check(request)
        if refused:
            return refused
        fiscal_code = str((request.json() or {}).get("fiscal_code", ""))
        allowed = self.usa_io(fiscal_code)
        if allowed is None:
            return problem(404, "Profilo non trovato", "il cittadino non usa IO")
        return Response.json(200, {"sender_allowed": allowed, "preferred_languages": ["it_IT"]})

    def messaggio(self, request: Request) -> Response:
        refused = self._check(request)
        if refused:
            return refused
        try:
            body = request.json()
        except ValueError:
            return problem(400, "Corpo non JSON")
        bad = _invalid(body)
        if bad:
            return problem(400, "Messaggio non valido", bad)
        if not self.usa_io(body["fiscal_code"]):
            return problem(404, "Profilo non trovato o servizio non consentito")
        ident = self._store(request.headers.get("idempotency-key", ""), body)
        if request.headers.get("x-sim-effettivo") == "risposta_persa":
            return problem(503, "Servizio non disponibile")
        return Response.json(201, {"id": ident})

    def _store(self, key: str, body: dict) -> str:
        with self.lock:
            if key and key in self.per_chiave:
                return self.per_chiave[key]
            ident = uuid.uuid4().hex.upper()[:26]
            self.messaggi[ident] = {**body, "id": ident}
            if key:
                self.per_chiave[key] = ident
            return ident

    def consegnati(self, request: Request) -> Response:
        fiscal_code = (parse_qs(request.query).get("fiscal_code") or [""])[0]
        with self.lock:
            found = [m for m in self.messaggi.values() if m["fiscal_code"] == fiscal_code]
        return Response.json(200, {"items": found})

    def imposta_profilo(self, request: Request) -> Response:
        body = request.json() or {}
        with self.lock:
            self.profili[str(body.get("fiscal_code", ""))] = bool(body.get("sender_allowed", True))
        return Response.json(200, {"ok": True})

    def reset(self) -> None:
        with self.lock:
            self.profili.clear()
            self.messaggi.clear()
            self.per_chiave.clear()
            self.scenari.clear()
