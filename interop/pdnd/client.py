"""Calling one PDND e-service: voucher + (optionally) ModI headers, the shared HTTP core, and one fresh voucher
when the provider says the cached one is expired or refused (401)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from cse.core.external import (
    BadResponse,
    CallContext,
    InteropError,
    InvalidRequest,
    NotFound,
    ServiceUnavailable,
    unavailable_message,
)

from ..config import SYSTEM_NAMES, pdnd_client_for, system_of
from ..http import call
from .modi import build_request, verify_response
from .voucher import audit_jws_for, forget_voucher


class VoucherRefused(InteropError):
    outcome = "risposta_non_valida"


def standard_status(response: httpx.Response, system: str) -> None:
    """Map the HTTP status of an e-service answer to the shared errors (body-specific errors come before)."""
    status = response.status_code
    if status == 401:
        raise VoucherRefused("Autorizzazione rifiutata dal sistema esterno.", code="voucher_rifiutato")
    if status == 404:
        raise NotFound("Nessun dato trovato.", code="http_404")
    if status in (400, 409, 422):
        raise InvalidRequest("Richiesta rifiutata dal sistema esterno.", code=f"http_{status}")
    if status >= 500:
        raise ServiceUnavailable(unavailable_message(system), code=f"http_{status}")
    if status >= 300:
        raise BadResponse("Risposta inattesa dal sistema esterno.", code=f"http_{status}")


def call_e_service(
    e_service: str,
    operation: str,
    *,
    ctx: CallContext,
    method: str,
    url: str,
    body: bytes,
    content_type: str,
    parse: Callable[[httpx.Response], object],
    modi: bool,
    verify_signature: bool,
    idempotent: bool = True,
    extra_headers: dict | None = None,
):
    client = pdnd_client_for(ctx.ente)

    def build() -> httpx.Request:
        return build_request(
            client,
            e_service,
            method=method,
            url=url,
            body=body,
            content_type=content_type,
            ctx=ctx,
            modi=modi,
            extra_headers=extra_headers,
        )

    def checked(response: httpx.Response):
        if response.status_code == 200 and verify_signature:
            verify_response(response, client=client, e_service=e_service)
        return parse(response)

    try:
        return call(e_service, operation, build=build, ctx=ctx, idempotent=idempotent, parse=checked)
    except VoucherRefused:
        # the voucher may have expired between cache and provider, or the provider rotated keys: one fresh try
        forget_voucher(client, e_service, audit_jws_for(client, e_service, ctx) if modi else None)
        try:
            return call(e_service, operation, build=build, ctx=ctx, idempotent=idempotent, parse=checked)
        except VoucherRefused as exc:
            raise BadResponse(
                f"{SYSTEM_NAMES[system_of(e_service)]} ha rifiutato l'autorizzazione dell'ente: "
                "segnalarlo all'amministratore.",
                code=exc.code,
            ) from exc
