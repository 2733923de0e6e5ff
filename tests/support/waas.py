"""Calling the SIUSS WaaS e-service as INPS does: a PDND voucher per call (vouchers are single-use) and esiti."""

from __future__ import annotations

from cse.siuss.voucher import LocalIssuer

ISSUER = LocalIssuer(kid="support-key")


def voucher_headers(eservice, signer: LocalIssuer = ISSUER) -> dict:
    """A fresh voucher for this e-service's audience and INPS's purpose, as the Authorization header."""
    token = signer.issue(audience=eservice.audience, purpose_id="purpose-inps-siuss")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def esito_for(flusso, codice: str, **extra) -> dict:
    """One outcome of an exposed flow, as INPS posts it."""
    return {
        "id_flusso": flusso.id_flusso,
        "tipo": flusso.tipo,
        "ts_flusso": "2026-11-20T10:00:00.000Z",
        "ts_acquisizione": "2026-11-21T10:00:00.000Z",
        "codice_esito": codice,
        **extra,
    }
