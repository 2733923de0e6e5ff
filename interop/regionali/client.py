"""Adapters of the regional systems of Puglia (plan §4.2.2). No public specification exists for these interfaces:
each follows the versioned JSON contract in docs/interop/<sistema>.md (version 1.0), through PDND like the national
e-services (voucher; ModI signatures where personal data travel: Edotto and Ministero del Lavoro)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from cse.core.external import BadResponse, CallContext, InvalidRequest, NotFound

from ..config import service
from ..pdnd.client import call_e_service, standard_status
from ..pdnd.modi import json_body

VERSION = "1.0"
PERSONAL = {"edotto", "lavoro"}


def _parser(key: str, system: str) -> Callable[[httpx.Response], object]:
    def parse(response: httpx.Response):
        if response.status_code in (400, 404):
            try:
                err = response.json()["errore"]
                code, message = err["codice"], err["messaggio"]
            except (ValueError, KeyError, TypeError):
                code, message = f"http_{response.status_code}", ""
            if response.status_code == 404:
                raise NotFound(f"{system}: nessun dato trovato.", code=code)
            raise InvalidRequest(f"{system} ha rifiutato la richiesta: {message or 'dati non validi'}.", code=code)
        standard_status(response, system)
        try:
            body = response.json()
            if body.get("versione") != VERSION:
                raise ValueError("versione del contratto")
            return body if key == "*" else body[key]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BadResponse(f"Risposta di {system} non leggibile: non è stata usata.", code="malformata") from exc

    return parse


def _call(
    name: str,
    operation: str,
    *,
    ctx,
    method: str,
    path: str,
    payload=None,
    key: str,
    system: str,
    idempotent: bool = True,
    extra_headers: dict | None = None,
):
    body = json_body(payload) if payload is not None else b""
    return call_e_service(
        name,
        operation,
        ctx=ctx,
        method=method,
        url=service(name)["url"] + path,
        body=body,
        content_type="application/json",
        parse=_parser(key, system),
        modi=name in PERSONAL,
        verify_signature=name in PERSONAL,
        idempotent=idempotent,
        extra_headers=extra_headers,
    )


def dimissioni_protette(codice_fiscale: str, ctx: CallContext) -> list[dict]:
    """Edotto: hospital discharges to be followed at home or in residence (LEPS A3.1/A3.2), with the ASL contact."""
    return _call(
        "edotto",
        "dimissioni",
        ctx=ctx,
        method="POST",
        path="/v1/dimissioni-protette/ricerca",
        payload={"versione": VERSION, "codiceFiscale": codice_fiscale},
        key="dimissioni",
        system="Edotto",
    )


def stato_occupazionale(codice_fiscale: str, ctx: CallContext) -> dict:
    """Ministero del Lavoro: employment status from the comunicazioni obbligatorie."""
    return _call(
        "lavoro",
        "stato_occupazionale",
        ctx=ctx,
        method="POST",
        path="/v1/stato-occupazionale",
        payload={"versione": VERSION, "codiceFiscale": codice_fiscale},
        key="*",
        system="Il sistema del Ministero del Lavoro",
    )


def avvisi_aperti(ctx: CallContext) -> list[dict]:
    """Puglia Sociale: regional calls for applications currently open (shown to operators and citizens)."""
    return _call(
        "puglia_sociale",
        "avvisi",
        ctx=ctx,
        method="GET",
        path="/v1/avvisi?stato=aperti",
        key="avvisi",
        system="Puglia Sociale",
    )


def dss_invia_lotto(id_lotto: str, eventi: list[dict], ctx: CallContext) -> dict:
    """DSS: one batch of the regional tier's de-identified events. Safe to retry: the batch id makes it idempotent."""
    return _call(
        "dss",
        "invio_lotto",
        ctx=ctx,
        method="POST",
        path="/v1/lotti",
        payload={"versione": VERSION, "idLotto": id_lotto, "eventi": eventi},
        key="*",
        system="Il DSS regionale",
        idempotent=True,
        extra_headers={"Idempotency-Key": id_lotto},
    )


def interventi_piano_di_zona(ambito: str, anno: int, ctx: CallContext) -> list[dict]:
    """Osservatorio piani di zona: interventions of the ambito's plan with programmed/committed/paid amounts."""
    return _call(
        "osservatorio",
        "interventi",
        ctx=ctx,
        method="GET",
        path=f"/v1/interventi?ambito={ambito}&anno={int(anno)}",
        key="interventi",
        system="L'Osservatorio piani di zona",
    )
