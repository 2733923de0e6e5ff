"""ANPR e-services through PDND: C030 (CF → idANPR), then C015 generalità, C020 residenza, C021 stato di famiglia.

Every request carries `motivoRichiesta` (the case number, or the registration reason) and the operator's tracking
evidence; every answer is verified (signature, digest, audience, jti) before use.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date

import httpx
from django.utils import timezone

from cse.core.codelists.parentela import LEGAME_ANPR, LEGAME_ANPR_LABEL
from cse.core.external import BadResponse, CallContext, InvalidRequest, NotFound, unavailable_message

from ..config import service
from ..pdnd.client import call_e_service, standard_status
from ..pdnd.modi import json_body


@dataclass
class Familiare:
    codice_fiscale: str
    cognome: str
    nome: str
    data_nascita: date | None
    codice_legame: str

    @property
    def legame(self) -> str:
        """The ANPR relationship in words (C021 codiceLegame)."""
        return LEGAME_ANPR_LABEL.get(self.codice_legame, self.codice_legame)

    @property
    def tipo_relazione(self) -> str:
        """The cartella's TipoRelazione for the ANPR relationship (altro_parente when ANPR has no match)."""
        return LEGAME_ANPR.get(self.codice_legame) or "altro_parente"


@dataclass
class SchedaAnpr:
    """What ANPR says about a person, in the cartella's terms."""

    id_anpr: str
    codice_fiscale: str
    cognome: str
    nome: str
    sesso: str
    data_nascita: date
    luogo_nascita_istat: str
    comune_residenza_istat: str = ""
    indirizzo_residenza: str = ""
    residente_dal: date | None = None
    famiglia: list[Familiare] = field(default_factory=list)


def _errors_text(response: httpx.Response) -> tuple[str, str]:
    try:
        errors = response.json().get("listaErrori") or []
        first = errors[0]
        return first.get("codiceErroreAnomalia", ""), first.get("testoErroreAnomalia", "")
    except (ValueError, IndexError, AttributeError):
        return "", ""


def _parse(response: httpx.Response) -> list[dict]:
    if response.status_code in (400, 404):
        code, text = _errors_text(response)
        if response.status_code == 404:
            raise NotFound("L'ANPR non ha trovato la persona con questo codice fiscale.", code=code or "http_404")
        raise InvalidRequest(f"L'ANPR ha rifiutato la richiesta: {text or 'dati non validi'}.", code=code or "http_400")
    if response.status_code == 503:
        raise_unavailable(response)
    standard_status(response, "L'ANPR")
    try:
        soggetti = response.json()["listaSoggetti"]["datiSoggetto"]
        if not isinstance(soggetti, list) or not soggetti:
            raise ValueError
        return soggetti
    except (ValueError, KeyError, TypeError) as exc:
        raise BadResponse("Risposta dell'ANPR non leggibile: non è stata usata.", code="malformata") from exc


def raise_unavailable(response: httpx.Response) -> None:
    from cse.core.external import ServiceUnavailable

    code, _ = _errors_text(response)
    raise ServiceUnavailable(unavailable_message("L'ANPR"), code=code or "http_503")


def _request(code: str, criteri: dict, ctx: CallContext) -> list[dict]:
    if not ctx.motivo:
        raise InvalidRequest("Indicare il motivo della richiesta (numero di cartella).", code="motivo_mancante")
    body = json_body(
        {
            "idOperazioneClient": uuid.uuid4().hex[:20],
            "criteriRicerca": criteri,
            "datiRichiesta": {
                "dataRiferimentoRichiesta": timezone.localdate().isoformat(),
                "motivoRichiesta": ctx.motivo[:100],
                "casoUso": code,
            },
        }
    )
    return call_e_service(
        f"anpr_{code}",
        code,
        ctx=ctx,
        method="POST",
        url=f"{service('anpr')['url']}/{code}/anpr-service-e002",
        body=body,
        content_type="application/json",
        parse=_parse,
        modi=True,
        verify_signature=True,
        idempotent=True,  # a consultation changes nothing at ANPR: safe to repeat (with a fresh jti each time)
    )


def _name(value: str) -> str:
    """ANPR writes names and streets in capitals: "VITTORIO EMANUELE II" → "Vittorio Emanuele II"."""
    return " ".join(w if re.fullmatch(r"[IVXLCDM]+", w) else w.capitalize() for w in value.split())


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def id_anpr(codice_fiscale: str, ctx: CallContext) -> str:
    soggetti = _request("C030", {"codiceFiscale": codice_fiscale}, ctx)
    try:
        return soggetti[0]["identificativi"]["idANPR"]
    except (KeyError, TypeError) as exc:
        raise BadResponse("Risposta dell'ANPR non leggibile: non è stata usata.", code="malformata") from exc


def consulta(codice_fiscale: str, ctx: CallContext) -> SchedaAnpr:
    """C030 then C015, C020, C021: the whole person as ANPR knows it."""
    ident = id_anpr(codice_fiscale, ctx)
    try:
        gen = _request("C015", {"idANPR": ident}, ctx)[0]["generalita"]
        scheda = SchedaAnpr(
            id_anpr=ident,
            codice_fiscale=gen["codiceFiscale"]["codFiscale"],
            cognome=_name(gen["cognome"]),
            nome=_name(gen["nome"]),
            sesso=gen["sesso"],
            data_nascita=date.fromisoformat(gen["dataNascita"]),
            luogo_nascita_istat=(gen.get("luogoNascita") or {}).get("comune", {}).get("codiceIstat", ""),
        )
        residenze = _request("C020", {"idANPR": ident}, ctx)[0].get("residenza") or []
        if residenze:
            ind = residenze[0]["indirizzo"]
            top = ind.get("toponimo", {})
            civico = ind.get("numeroCivico", {}).get("numero", "")
            scheda.comune_residenza_istat = ind["comune"]["codiceIstat"]
            scheda.indirizzo_residenza = " ".join(
                x for x in (_name(top.get("specie", "")), _name(top.get("denominazioneToponimo", "")), civico) if x
            )
            scheda.residente_dal = _date(residenze[0].get("dataDecorrenzaResidenza"))
        for membro in _request("C021", {"idANPR": ident}, ctx):
            g = membro.get("generalita") or {}
            cf = (g.get("codiceFiscale") or {}).get("codFiscale", "")
            if cf == scheda.codice_fiscale:
                continue
            scheda.famiglia.append(
                Familiare(
                    cf,
                    _name(g.get("cognome", "")),
                    _name(g.get("nome", "")),
                    _date(g.get("dataNascita")),
                    (membro.get("legameSoggetto") or {}).get("codiceLegame", ""),
                )
            )
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise BadResponse("Risposta dell'ANPR non leggibile: non è stata usata.", code="malformata") from exc
    return scheda
