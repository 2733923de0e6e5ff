"""PDND authorization server simulator: `POST /token.oauth2` (client_credentials with a client assertion).

Checks what PDND checks: the assertion type, the client's registered key (kid), RS256 signature, audience, iat/exp
(at most 24 h apart... here 10 minutes), a jti never seen, a purpose the client holds. Answers like PDND:
200 {access_token, token_type, expires_in}, 400/401 {"error": ...}.
"""

from __future__ import annotations

import time
import uuid
from urllib.parse import parse_qs

import jwt

from .base import Request, Response, SimApp

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def _error(status: int, code: str, description: str) -> Response:
    return Response.json(status, {"error": code, "error_description": description})


class PdndSimulator(SimApp):
    name = "pdnd"

    def __init__(self, suite) -> None:
        super().__init__(suite)
        self.route("POST", "/token.oauth2", self.token)

    def jwks(self) -> dict:
        return self.suite.pdnd_key.jwks()

    def token(self, request: Request) -> Response:
        if request.scenario == "offline":
            return _error(503, "temporarily_unavailable", "servizio non disponibile")
        if request.scenario == "malformato":
            return Response(200, b"<html>gateway", {"Content-Type": "text/html"})
        form = {k: v[0] for k, v in parse_qs(request.body.decode(errors="replace")).items()}
        if form.get("grant_type") != "client_credentials" or form.get("client_assertion_type") != ASSERTION_TYPE:
            return _error(400, "unsupported_grant_type", "grant_type o client_assertion_type errati")
        assertion = form.get("client_assertion", "")
        try:
            header = jwt.get_unverified_header(assertion)
            client_id = form.get("client_id") or jwt.decode(assertion, options={"verify_signature": False})["sub"]
            key = self.suite.client_public_key(client_id, header.get("kid"))
            claims = jwt.decode(
                assertion,
                key,
                algorithms=["RS256"],
                audience=self.suite.pdnd_audience,
                options={"require": ["iss", "sub", "aud", "jti", "iat", "exp", "purposeId"]},
            )
        except (jwt.PyJWTError, KeyError):
            return _error(401, "invalid_client", "client assertion non valida")
        if claims["iss"] != client_id or claims["sub"] != client_id:
            return _error(401, "invalid_client", "iss/sub diversi dal client_id")
        if claims["exp"] - claims["iat"] > 600:
            return _error(401, "invalid_client", "durata della client assertion eccessiva")
        if not self.suite.replay_guard("pdnd").first_time(claims["jti"], claims["exp"]):
            return _error(401, "invalid_client", "jti già usato")
        audience = self.suite.purposes.get(claims["purposeId"])
        if audience is None:
            return _error(400, "invalid_request", "finalità (purposeId) non autorizzata")
        now = int(time.time())
        voucher = {
            "iss": self.suite.pdnd_issuer,
            "aud": audience,
            "sub": client_id,
            "client_id": client_id,
            "purposeId": claims["purposeId"],
            "jti": uuid.uuid4().hex,
            "iat": now,
            "nbf": now,
            "exp": now + self.suite.voucher_lifetime,
        }
        if claims.get("digest"):
            voucher["digest"] = claims["digest"]
        return Response.json(
            200,
            {
                "access_token": self.suite.pdnd_key.sign(voucher),
                "token_type": "Bearer",
                "expires_in": self.suite.voucher_lifetime,
            },
        )
