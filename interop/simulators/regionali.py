"""Simulators of the regional systems named in the Puglia plan §4.2.2 (Edotto, Ministero del Lavoro, Puglia Sociale,
DSS, Osservatorio piani di zona). No public specification exists for their interfaces with the CSE: they implement
the small versioned JSON contracts of docs/interop/*.md (version 1.0), errors as {"versione", "errore": {codice,
messaggio}}."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs

from . import data
from .base import Rejected, Request, Response, SimApp, check_pdnd, signed_answer, slow_down

VERSION = "1.0"
DIMISSIONI = {
    data.PERSONE[3].codice_fiscale: [
        {
            "idEvento": "EDT-2026-000871",
            "presidio": "Ospedale Don Tonino Bello - Molfetta",
            "reparto": "Medicina",
            "dataDimissione": "2026-11-20",
            "aslCompetente": "ASL BA",
            "distretto": "DSS 1",
            "referente": {
                "ruolo": "infermiere di famiglia",
                "nome": "Referente dimissioni DSS 1",
                "telefono": "080 0000000",
            },
        },
    ]
}
OCCUPAZIONE = {
    data.PERSONE[0].codice_fiscale: {"statoOccupazionale": "disoccupato", "dataAggiornamento": "2026-09-01"},
    data.PERSONE[1].codice_fiscale: {"statoOccupazionale": "occupato", "dataAggiornamento": "2026-06-15"},
}
AVVISI = [
    {
        "id": "PS-2026-017",
        "titolo": "Buoni servizio per anziani e persone con disabilità 2026/2027",
        "scadenza": "2026-12-31",
        "url": "https://pugliasociale.example/avvisi/PS-2026-017",
    },
    {
        "id": "PS-2026-021",
        "titolo": "Contributi per la vita indipendente (PRO.V.I.)",
        "scadenza": "2027-01-31",
        "url": "https://pugliasociale.example/avvisi/PS-2026-021",
    },
]
INTERVENTI = {
    "BA01": [
        {
            "codice": "SAD-01",
            "denominazione": "Servizio di assistenza domiciliare",
            "fonte": "FNPS",
            "programmato": "420000.00",
            "impegnato": "310000.00",
            "liquidato": "198500.00",
        },
        {
            "codice": "PIS-01",
            "denominazione": "Pronto intervento sociale",
            "fonte": "Fondo Povertà",
            "programmato": "95000.00",
            "impegnato": "95000.00",
            "liquidato": "40250.00",
        },
    ]
}


def error(status: int, codice: str, messaggio: str) -> Response:
    return Response.json(status, {"versione": VERSION, "errore": {"codice": codice, "messaggio": messaggio}})


class RegionaleSimulator(SimApp):
    """Common scaffolding: PDND check, scenarios, JSON body parsing."""

    modi = False

    def guard(self, request: Request, cf: str = "") -> tuple[dict, str]:
        voucher = check_pdnd(request, self.suite, audience=self.suite.audience(self.name), modi=self.modi)
        scenario = request.scenario
        if not scenario:
            scenario = data.MAGIC_CF.get(cf, "")
            slow_down(self.suite, scenario)
        if scenario == "offline":
            raise Rejected(error(503, "NON_DISPONIBILE", "Servizio temporaneamente non disponibile"))
        if scenario == "richiesta_invalida":
            raise Rejected(error(400, "RICHIESTA_INVALIDA", "Richiesta non conforme al contratto"))
        if scenario == "malformato":
            raise Rejected(Response(200, b'{"versione": "1.0", "dati": [', {"Content-Type": "application/json"}))
        return voucher, scenario

    def body(self, request: Request) -> dict:
        try:
            body = request.json()
            if not isinstance(body, dict) or body.get("versione") != VERSION:
                raise ValueError
            return body
        except ValueError:
            raise Rejected(
                error(400, "RICHIESTA_INVALIDA", "Corpo non valido o versione del contratto errata")
            ) from None

    def answer(self, response: Response, voucher: dict, scenario: str) -> Response:
        if not self.modi:
            return response
        return signed_answer(response, self.suite, self.name, client_id=voucher["client_id"], scenario=scenario)

    def handle(self, fn):
        def wrapped(request: Request) -> Response:
            try:
                return fn(request)
            except Rejected as exc:
                return exc.response

        return wrapped


class EdottoSimulator(RegionaleSimulator):
    name = "edotto"
    modi = True

    def __init__(self, suite) -> None:
        super().__init__(suite)
        self.route("POST", "/v1/dimissioni-protette/ricerca", self.handle(self.dimissioni))

    def dimissioni(self, request: Request) -> Response:
        body = self.body(request)
        cf = str(body.get("codiceFiscale", "")).upper()
        voucher, scenario = self.guard(request, cf)
        if len(cf) != 16:
            return error(400, "RICHIESTA_INVALIDA", "codiceFiscale mancante o errato")
        found = DIMISSIONI.get(cf)
        if not found or scenario == "non_trovato":
            return self.answer(error(404, "NON_TROVATO", "Nessuna dimissione protetta"), voucher, scenario)
        return self.answer(Response.json(200, {"versione": VERSION, "dimissioni": found}), voucher, scenario)


class LavoroSimulator(RegionaleSimulator):
    name = "lavoro"
    modi = True

    def __init__(self, suite) -> None:
        super().__init__(suite)
        self.route("POST", "/v1/stato-occupazionale", self.handle(self.stato))

    def stato(self, request: Request) -> Response:
        body = self.body(request)
        cf = str(body.get("codiceFiscale", "")).upper()
        voucher, scenario = self.guard(request, cf)
        if len(cf) != 16:
            return error(400, "RICHIESTA_INVALIDA", "codiceFiscale mancante o errato")
        found = OCCUPAZIONE.get(cf)
        if not found or scenario == "non_trovato":
            return self.answer(error(404, "NON_TROVATO", "Nessuna comunicazione obbligatoria"), voucher, scenario)
        payload = {"versione": VERSION, **found, "fonte": "SIU - comunicazioni obbligatorie"}
        return self.answer(Response.json(200, payload), voucher, scenario)


class PugliaSocialeSimulator(RegionaleSimulator):
    name = "puglia_sociale"

    def __init__(self, suite) -> None:
        super().__init__(suite)
        self.route("GET", "/v1/avvisi", self.handle(self.avvisi))

    def avvisi(self, request: Request) -> Response:
        voucher, scenario = self.guard(request)
        stato = parse_qs(request.query).get("stato", ["aperti"])[0]
        if stato not in ("aperti", "tutti"):
            return error(400, "RICHIESTA_INVALIDA", "stato: aperti | tutti")
        if scenario == "non_trovato":
            return error(404, "NON_TROVATO", "Nessun avviso")
        return Response.json(200, {"versione": VERSION, "avvisi": AVVISI})


class DssSimulator(RegionaleSimulator):
    """Receives batches of de-identified regional events; a batch id seen twice is acknowledged, not duplicated."""

    name = "dss"

    def __init__(self, suite) -> None:
        super().__init__(suite)
        self.lotti: dict[str, int] = {}
        self.lock = threading.Lock()
        self.route("POST", "/v1/lotti", self.handle(self.lotto))

    def lotto(self, request: Request) -> Response:
        body = self.body(request)
        voucher, scenario = self.guard(request)
        id_lotto, eventi = body.get("idLotto"), body.get("eventi")
        if not id_lotto or not isinstance(eventi, list):
            return error(400, "RICHIESTA_INVALIDA", "idLotto ed eventi obbligatori")
        if any("codice_fiscale" in e or "codiceFiscale" in e for e in eventi if isinstance(e, dict)):
            return error(400, "RICHIESTA_INVALIDA", "Il DSS accetta solo dati de-identificati")
        with self.lock:
            duplicate = id_lotto in self.lotti
            self.lotti.setdefault(id_lotto, len(eventi))
        return Response.json(
            200 if duplicate else 202, {"versione": VERSION, "idLotto": id_lotto, "ricevuti": self.lotti[id_lotto]}
        )


class OsservatorioSimulator(RegionaleSimulator):
    name = "osservatorio"

    def __init__(self, suite) -> None:
        super().__init__(suite)
        self.route("GET", "/v1/interventi", self.handle(self.interventi))

    def interventi(self, request: Request) -> Response:
        voucher, scenario = self.guard(request)
        query = {k: v[0] for k, v in parse_qs(request.query).items()}
        if not query.get("ambito") or not query.get("anno", "").isdigit():
            return error(400, "RICHIESTA_INVALIDA", "ambito e anno obbligatori")
        found = INTERVENTI.get(query["ambito"])
        if not found or scenario == "non_trovato":
            return error(404, "NON_TROVATO", "Nessun piano di zona per l'ambito e l'anno")
        return Response.json(
            200, {"versione": VERSION, "ambito": query["ambito"], "anno": int(query["anno"]), "interventi": found}
        )
