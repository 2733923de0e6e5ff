"""ANPR e-services simulator (Ministero dell'Interno via PDND, ModI INTEGRITY_REST_02 + AUDIT_REST_02).

`POST /{C030|C015|C020|C021}/anpr-service-e002` with idOperazioneClient, criteriRicerca, datiRichiesta; answers
listaSoggetti.datiSoggetto[] (+ listaAnomalie) or listaErrori[codiceErroreAnomalia, testoErroreAnomalia].
Responses are signed (Digest + Agid-JWT-Signature addressed to the calling client).
"""

from __future__ import annotations

import uuid

from codicefiscale import codicefiscale

from . import data
from .base import SECURITY_SCENARIOS, Rejected, Request, Response, SimApp, check_pdnd, signed_answer, slow_down

SERVICES = ("C030", "C015", "C020", "C021")


def _errors(status: int, code: str, text: str) -> Response:
    return Response.json(
        status,
        {
            "idOperazioneANPR": uuid.uuid4().hex[:12],
            "listaErrori": [{"codiceErroreAnomalia": code, "testoErroreAnomalia": text, "tipoErroreAnomalia": "E"}],
        },
    )


def _luogo(persona: data.Persona) -> dict:
    return {
        "comune": {"nomeComune": persona.luogo_nome, "codiceIstat": persona.luogo_istat, "siglaProvinciaIstat": "BA"}
    }


def generalita(p: data.Persona) -> dict:
    return {
        "codiceFiscale": {"codFiscale": p.codice_fiscale, "validitaCF": "1"},
        "cognome": p.cognome.upper(),
        "nome": p.nome.upper(),
        "sesso": p.sesso,
        "dataNascita": p.data_nascita.isoformat(),
        "luogoNascita": _luogo(p),
        "idSchedaSoggettoANPR": p.id_anpr[2:],
    }


def residenza(p: data.Persona) -> list[dict]:
    return [
        {
            "tipoIndirizzo": "1",
            "indirizzo": {
                "cap": p.cap,
                "comune": {"nomeComune": p.comune_nome, "codiceIstat": p.comune_istat, "siglaProvinciaIstat": "BA"},
                "toponimo": {"specie": p.specie, "denominazioneToponimo": p.via},
                "numeroCivico": {"numero": p.civico},
            },
            "dataDecorrenzaResidenza": p.residente_dal.isoformat(),
        }
    ]


class AnprSimulator(SimApp):
    name = "anpr"

    def __init__(self, suite) -> None:
        super().__init__(suite)
        for code in SERVICES:
            self.route("POST", f"/{code}/anpr-service-e002", lambda r, c=code: self.serve(r, c))

    def serve(self, request: Request, code: str) -> Response:
        try:
            voucher = check_pdnd(request, self.suite, audience=self.suite.audience(f"anpr_{code}"), modi=True)
        except Rejected as exc:
            return exc.response
        try:
            criteri, dati = _read_request(request)
        except (ValueError, KeyError, TypeError):
            return _errors(400, "EN001", "Richiesta non conforme al tracciato")
        cf = (criteri.get("codiceFiscale") or "").upper()
        scenario = request.scenario
        if not scenario:
            scenario = data.MAGIC_CF.get(cf, "")
            slow_down(self.suite, scenario)
        if scenario == "malformato":
            return signed_answer(
                Response(200, b'{"listaSoggetti": {"datiSoggetto": [', {"Content-Type": "application/json"}),
                self.suite,
                self.name,
                client_id=voucher["client_id"],
                scenario="",
            )
        refused = _refusal(scenario, code, cf, dati)
        if refused is not None:
            return refused
        persona = _persona(scenario, cf, criteri)
        if persona is None:
            return _errors(404, "EN122", "La ricerca non ha prodotto risultati")
        answer = Response.json(
            200,
            {
                "idOperazioneANPR": uuid.uuid4().hex[:12],
                "listaSoggetti": {"datiSoggetto": _soggetti(code, persona)},
                "listaAnomalie": [],
            },
        )
        return signed_answer(answer, self.suite, self.name, client_id=voucher["client_id"], scenario=scenario)


def _read_request(request: Request) -> tuple[dict, dict]:
    """criteriRicerca and datiRichiesta; KeyError/ValueError/TypeError when the body does not follow the layout."""
    body = request.json()
    body["idOperazioneClient"]  # noqa: B018 — required
    return body["criteriRicerca"], body["datiRichiesta"]


def _refusal(scenario: str, code: str, cf: str, dati: dict) -> Response | None:
    """The error answer for a system offline or a request ANPR refuses; None when the request goes on."""
    if scenario == "offline":
        return _errors(503, "EN500", "Servizio temporaneamente non disponibile")
    if scenario == "richiesta_invalida" or not dati.get("motivoRichiesta") or dati.get("casoUso") != code:
        return _errors(400, "EN002", "motivoRichiesta o casoUso mancanti o errati")
    if cf and not codicefiscale.is_valid(cf):
        return _errors(400, "EN105", "Codice fiscale formalmente errato")
    return None


def _persona(scenario: str, cf: str, criteri: dict) -> data.Persona | None:
    """The person searched (by CF or idANPR); None when not found or the scenario says so."""
    persona = data.BY_CF.get(cf) if cf else data.BY_ID_ANPR.get(criteri.get("idANPR", ""))
    if persona is None and cf in data.MAGIC_CF and scenario in SECURITY_SCENARIOS:
        persona = data.PERSONE[0]  # any well-formed answer: it is spoilt on purpose by signed_answer
    if scenario == "non_trovato":
        return None
    return persona


def _soggetti(code: str, persona: data.Persona) -> list[dict]:
    """datiSoggetto of each e-service: C030 the id, C015 identity, C020 residence, C021 the household."""
    if code == "C030":
        return [{"identificativi": {"idANPR": persona.id_anpr}}]
    if code == "C015":
        return [{"generalita": generalita(persona), "identificativi": {"idANPR": persona.id_anpr}}]
    if code == "C020":
        return [{"identificativi": {"idANPR": persona.id_anpr}, "residenza": residenza(persona)}]
    return [
        {
            "generalita": generalita(m),
            "identificativi": {"idANPR": m.id_anpr},
            "legameSoggetto": {"codiceLegame": m.legame, "dataDecorrenza": m.residente_dal.isoformat()},
        }
        for m in data.famiglia(persona)
    ]
