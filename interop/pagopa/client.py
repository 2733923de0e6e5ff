"""Client of pagoPA GPD (Gestione Posizioni Debitorie, REST, subscription key) over the shared HTTP core.

A position is created published (toPublish=true: status VALID, payable at once) with one payment option and one
transfer to the ente's IBAN. Creation is safe to retry: the IUPD is the caller's key and the IUV comes from the
caller's durable number, so a repeat after a lost answer meets 409 and the adapter reads back the position the first
attempt made (checking it is the same debt) instead of creating a second notice.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, time
from urllib.parse import quote

import httpx
from django.utils import timezone

from cse.core.external import BadResponse, CallContext, InteropError, InvalidRequest, NotFound
from cse.core.pagamenti import (
    Avviso,
    PosizioneDebitoria,
    Ricevuta,
    StatoAvviso,
    codice_avviso,
    componi_iuv,
    da_centesimi,
    in_centesimi,
)

from ..config import service
from ..http import call
from ..pdnd.client import standard_status

SYSTEM = "La piattaforma pagoPA"
# GPD payment option / position statuses → the product's
_STATO_OPZIONE = {"PO_UNPAID": StatoAvviso.DA_PAGARE, "PO_PAID": StatoAvviso.PAGATO}
_STATO_POSIZIONE = {"EXPIRED": StatoAvviso.SCADUTO, "INVALID": StatoAvviso.ANNULLATO, "PAID": StatoAvviso.PAGATO}


class GiaEsistente(InteropError):
    outcome = "richiesta_invalida"


def _url(path: str) -> str:
    return service("pagopa")["url"] + path


def _request(method: str, path: str, body: bytes | None = None) -> Callable[[], httpx.Request]:
    headers = {"Ocp-Apim-Subscription-Key": service("pagopa")["api_key"], "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    return lambda: httpx.Request(method, _url(path), content=body, headers=headers)


def _json(parse_body: Callable[[dict], object]) -> Callable[[httpx.Response], object]:
    def parse(response: httpx.Response):
        if response.status_code == 409:
            raise GiaEsistente(f"{SYSTEM}: posizione debitoria già esistente.", code="http_409")
        if response.status_code == 400:
            raise InvalidRequest(f"{SYSTEM} ha rifiutato la posizione debitoria: dati non validi.", code="http_400")
        if response.status_code in (401, 403):
            raise BadResponse(
                f"{SYSTEM} ha rifiutato la chiave dell'ente: segnalarlo all'amministratore.", code="chiave_api"
            )
        if response.status_code not in (200, 201):
            standard_status(response, SYSTEM)
        try:
            return parse_body(response.json())
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            raise BadResponse(f"Risposta di {SYSTEM.lower()} non leggibile.", code="malformata") from exc

    return parse


def _payload(debito: PosizioneDebitoria, iuv: str) -> dict:
    amount = in_centesimi(debito.importo)
    due = timezone.make_aware(datetime.combine(debito.scadenza, time(23, 59, 59)))
    return {
        "iupd": debito.chiave,
        "type": "F",
        "fiscalCode": debito.debitore_codice_fiscale,
        "fullName": debito.debitore_nome,
        "companyName": debito.ente_denominazione,
        "paymentOption": [
            {
                "iuv": iuv,
                "amount": amount,
                "description": debito.causale[:140],
                "isPartialPayment": False,
                "dueDate": due.isoformat(),
                "transfer": [
                    {
                        "idTransfer": "1",
                        "amount": amount,
                        "remittanceInformation": debito.causale[:140],
                        "category": "9/0101108TS/",  # tassonomia pagoPA (servizi sociali): each ente confirms its own
                        "iban": debito.iban_accredito,
                    }
                ],
            }
        ],
    }


def _avviso(debito: PosizioneDebitoria, iuv: str) -> Callable[[dict], Avviso]:
    def parse(body: dict) -> Avviso:
        option = body["paymentOption"][0]
        same = body["iupd"] == debito.chiave and option["iuv"] == iuv
        if not same or int(option["amount"]) != in_centesimi(debito.importo):
            raise InvalidRequest(
                f"{SYSTEM}: la chiave {debito.chiave} è già usata per un'altra posizione debitoria.",
                code="iupd_diverso",
            )
        return Avviso(
            iuv=iuv,
            codice_avviso=codice_avviso(iuv),
            importo=da_centesimi(option["amount"]),
            scadenza=datetime.fromisoformat(option["dueDate"]).date(),
            ente_codice_fiscale=debito.ente_codice_fiscale,
            chiave=debito.chiave,
            stato=_STATO_POSIZIONE.get(body.get("status", ""), StatoAvviso.DA_PAGARE),
        )

    return parse


def crea_posizione(debito: PosizioneDebitoria, ctx: CallContext) -> Avviso:
    iuv = componi_iuv(debito.segregazione, debito.progressivo)
    fc = quote(debito.ente_codice_fiscale)
    body = json.dumps(_payload(debito, iuv)).encode()
    try:
        return call(
            "pagopa",
            "crea_posizione",
            build=_request("POST", f"/organizations/{fc}/debtpositions?toPublish=true", body),
            ctx=ctx,
            idempotent=True,
            parse=_json(_avviso(debito, iuv)),
        )
    except GiaEsistente:
        # created by an earlier attempt whose answer was lost: read it back (a different debt under the key fails)
        return call(
            "pagopa",
            "leggi_posizione",
            build=_request("GET", f"/organizations/{fc}/debtpositions/{quote(debito.chiave)}"),
            ctx=ctx,
            idempotent=True,
            parse=_json(_avviso(debito, iuv)),
        )


def stato(ente_codice_fiscale: str, iuv: str, ctx: CallContext) -> str:
    def parse(body: dict) -> str:
        by_position = _STATO_POSIZIONE.get(body.get("positionStatus", ""))
        return by_position or _STATO_OPZIONE[body["status"]]

    try:
        return call(
            "pagopa",
            "stato",
            build=_request("GET", f"/organizations/{quote(ente_codice_fiscale)}/paymentoptions/{quote(iuv)}"),
            ctx=ctx,
            idempotent=True,
            parse=_json(parse),
        )
    except NotFound as exc:
        raise NotFound(f"{SYSTEM} non conosce l'avviso con questo IUV.", code=exc.code) from exc


def ricevute(ente_codice_fiscale: str, dal: date, ctx: CallContext) -> list[Ricevuta]:
    def parse(body: dict) -> list[Ricevuta]:
        return [
            Ricevuta(
                iuv=r["iuv"],
                importo=da_centesimi(r["amount"]),
                pagato_il=datetime.fromisoformat(r["paymentDateTime"]),
                id_ricevuta=r["receiptId"],
                psp=r.get("pspCompany", ""),
            )
            for r in body["receiptsList"]
        ]

    return call(
        "pagopa",
        "ricevute",
        build=_request("GET", f"/organizations/{quote(ente_codice_fiscale)}/receipts?from={dal.isoformat()}"),
        ctx=ctx,
        idempotent=True,
        parse=_json(parse),
    )


def annulla_posizione(ente_codice_fiscale: str, chiave: str, ctx: CallContext) -> str:
    """GPD's invalidate (POST .../debtpositions/{iupd}/invalidate): a published position becomes INVALID. Not found:
    nothing to annul (the creation never reached pagoPA). Conflict: read the position back — already invalid is done,
    already paid is PAGATO for the caller to refund."""
    fc, iupd = quote(ente_codice_fiscale), quote(chiave)

    def parse(body: dict) -> str:
        return _STATO_POSIZIONE.get(body.get("status", ""), StatoAvviso.DA_PAGARE)

    try:
        return call(
            "pagopa",
            "annulla_posizione",
            build=_request("POST", f"/organizations/{fc}/debtpositions/{iupd}/invalidate", b"{}"),
            ctx=ctx,
            idempotent=True,
            parse=_json(parse),
        )
    except NotFound:
        return StatoAvviso.ANNULLATO
    except GiaEsistente:  # 409: not in an invalidable state
        return call(
            "pagopa",
            "leggi_posizione",
            build=_request("GET", f"/organizations/{fc}/debtpositions/{iupd}"),
            ctx=ctx,
            idempotent=True,
            parse=_json(parse),
        )
