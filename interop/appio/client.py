"""Client of the App IO services API (api/v1), over the shared HTTP core (timeouts, retries, breaker, call log).

Not through PDND: IO is reached with the subscription key of the ente's IO service (Ocp-Apim-Subscription-Key).
- POST /api/v1/profiles {"fiscal_code"} → 200 {"sender_allowed": bool, ...}; 404 when the person does not use IO.
- POST /api/v1/messages {"fiscal_code", "time_to_live", "content": {"subject", "markdown", "due_date"?,
  "payment_data"?: {"amount" (cents), "notice_number", "invalid_after_due_date"}}} → 201 {"id"}.

The profile read is retried like any read. Sending is retried too, with the caller's key in the Idempotency-Key
header: the simulator answers a repeat with the first message id; the IO API does not document such a header, so
against the real platform a retry after a lost answer may deliver twice (the caller never resends a row that got an
id, which bounds it to that one case).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx

from cse.core.appio import MessaggioIO
from cse.core.external import BadResponse, CallContext, InvalidRequest, NotFound
from cse.core.pagamenti import in_centesimi

from ..config import service
from ..http import call
from ..pdnd.client import standard_status

SYSTEM = "L'app IO"
TIME_TO_LIVE = 3600  # seconds IO keeps trying to deliver to the app; the documented default


def _request(path: str, body: dict, extra: dict | None = None) -> Callable[[], httpx.Request]:
    headers = {
        "Ocp-Apim-Subscription-Key": service("appio")["api_key"],
        "Accept": "application/json",
        "Content-Type": "application/json",
        **(extra or {}),
    }
    content = json.dumps(body).encode()
    return lambda: httpx.Request("POST", service("appio")["url"] + path, content=content, headers=headers)


def _parse(read: Callable[[dict], object], *, not_found=None) -> Callable[[httpx.Response], object]:
    def parse(response: httpx.Response):
        if response.status_code == 404 and not_found is not None:
            return not_found
        if response.status_code in (401, 403):
            raise BadResponse(f"{SYSTEM} ha rifiutato la chiave del servizio: segnalarlo all'amministratore.", "chiave")
        if response.status_code in (400, 422):
            raise InvalidRequest(f"{SYSTEM} ha rifiutato il messaggio: dati non validi.", code="http_400")
        if response.status_code not in (200, 201):
            standard_status(response, SYSTEM)
        try:
            return read(response.json())
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BadResponse(f"Risposta di {SYSTEM} non leggibile.", code="malformata") from exc

    return parse


def accetta(codice_fiscale: str, ctx: CallContext) -> bool:
    def read(body: dict) -> bool:
        if not isinstance(body["sender_allowed"], bool):
            raise TypeError("sender_allowed")
        return body["sender_allowed"]

    try:
        return call(
            "appio",
            "profilo",
            build=_request("/api/v1/profiles", {"fiscal_code": codice_fiscale}),
            ctx=ctx,
            idempotent=True,
            parse=_parse(read, not_found=False),
        )
    except NotFound:
        return False


def payload(messaggio: MessaggioIO) -> dict:
    content: dict = {"subject": messaggio.oggetto, "markdown": messaggio.markdown()}
    if messaggio.scadenza:
        content["due_date"] = f"{messaggio.scadenza.isoformat()}T23:59:59Z"
    if messaggio.pagamento:
        content["payment_data"] = {
            "amount": in_centesimi(messaggio.pagamento.importo),
            "notice_number": messaggio.pagamento.codice_avviso,
            "invalid_after_due_date": messaggio.pagamento.scadenza_vincolante,
        }
    return {"fiscal_code": messaggio.codice_fiscale, "time_to_live": TIME_TO_LIVE, "content": content}


def invia(messaggio: MessaggioIO, ctx: CallContext) -> str:
    def read(body: dict) -> str:
        ident = str(body["id"])
        if not ident:
            raise ValueError("id")
        return ident

    return call(
        "appio",
        "messaggio",
        build=_request("/api/v1/messages", payload(messaggio), {"Idempotency-Key": messaggio.chiave}),
        ctx=ctx,
        idempotent=True,
        parse=_parse(read),
    )
