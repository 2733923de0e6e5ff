"""A local OpenID Connect provider standing in for CIE id / SPID OIDC (authorization code + PKCE, RS256).

Auto-approves `citizen` (claims of a synthetic person) or, when it is None, shows a tiny form. The signing key is
made at runtime by the suite (never committed). `token_scenario` makes the token endpoint misbehave for tests:
"invalid_grant", "invalid_client", "errore_server" (500), "malformato" (200 with a body that is not JSON).
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
import time
from urllib.parse import parse_qs, urlencode

from .base import Request, Response, SimApp

DEMO_CLIENT_ID = "cse-demo-portale"
DEMO_CLIENT_SECRET = "segreto-solo-simulatore"  # noqa: S105 — the simulator's own demo registration
# The synthetic person the simulator logs in (seed_demo makes her a Molfetta resident with a booking).
DEMO_CITIZEN = {
    "https://attributes.eid.gov.it/fiscal_number": "TINIT-PRVGLI85C52F284K",
    "given_name": "Giulia",
    "family_name": "Prova",
    "email": "giulia.prova@example.invalid",
}


def _redirect(url: str) -> Response:
    return Response(302, b"", {"Location": url})


def _oauth_error(status: int, error: str, description: str = "") -> Response:
    return Response.json(status, {"error": error, "error_description": description})


class OidcSimulator(SimApp):
    name = "oidc"

    def __init__(self, suite) -> None:
        super().__init__(suite)
        self.issuer = ""  # set by start_all once the port is known
        self.client_id = DEMO_CLIENT_ID
        self.client_secret = DEMO_CLIENT_SECRET
        self.citizen: dict | None = dict(DEMO_CITIZEN)
        self.token_scenario = ""
        self.id_token_audience = ""  # tests: an id_token meant for another client
        self.acr = "https://www.spid.gov.it/SpidL2"
        self.asserted_acr = ""  # tests: the level asserted whatever was asked (a login done at a lower level)
        self._codes: dict[str, dict] = {}
        self._tokens: dict[str, dict] = {}
        self._lock = threading.Lock()
        self.route("GET", "/.well-known/openid-configuration", self.discovery)
        self.route("GET", "/authorize", self.authorize)
        self.route("POST", "/authorize", self.authorize)
        self.route("POST", "/token", self.token)
        self.route("GET", "/userinfo", self.userinfo)
        self.route("GET", "/logout", self.logout)

    def discovery(self, request: Request) -> Response:
        return Response.json(
            200,
            {
                "issuer": self.issuer,
                "authorization_endpoint": self.issuer + "/authorize",
                "token_endpoint": self.issuer + "/token",
                "userinfo_endpoint": self.issuer + "/userinfo",
                "jwks_uri": self.issuer + "/.well-known/jwks.json",
                "end_session_endpoint": self.issuer + "/logout",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code"],
                "code_challenge_methods_supported": ["S256"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
                "acr_values_supported": [f"https://www.spid.gov.it/SpidL{n}" for n in (1, 2, 3)],
            },
        )

    def authorize(self, request: Request) -> Response:
        params = {k: v[0] for k, v in parse_qs(request.query).items()}
        if request.method == "POST":
            params.update({k: v[0] for k, v in parse_qs(request.body.decode()).items()})
        if params.get("client_id") != self.client_id or params.get("response_type") != "code":
            return _oauth_error(400, "invalid_request", "client_id o response_type non validi")
        claims = self.citizen
        if claims is None:
            if request.method == "GET":
                return self._form(params)
            claims = {
                "https://attributes.eid.gov.it/fiscal_number": "TINIT-" + params.get("cf", "").strip().upper(),
                "given_name": params.get("given_name", ""),
                "family_name": params.get("family_name", ""),
            }
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = {
                "claims": dict(claims),
                "redirect_uri": params.get("redirect_uri", ""),
                "nonce": params.get("nonce"),
                "challenge": params.get("code_challenge"),
                "acr": self.asserted_acr or params.get("acr_values", self.acr).split(" ")[0],
            }
        query = urlencode({"code": code, "state": params.get("state", "")})
        return _redirect(f"{params.get('redirect_uri', '')}?{query}")

    def _form(self, params: dict) -> Response:
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in params.items()
        )
        page = (
            "<!doctype html><html lang='it'><title>Identity provider di prova</title>"
            "<h1>Identity provider di prova (simulatore)</h1>"
            f"<form method='post'>{hidden}<label>Codice fiscale <input name='cf'></label>"
            "<label>Nome <input name='given_name'></label><label>Cognome <input name='family_name'></label>"
            "<button>Autorizza</button></form></html>"
        )
        return Response(200, page.encode(), {"Content-Type": "text/html; charset=utf-8"})

    def _client_ok(self, request: Request, form: dict) -> bool:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = request.headers.get("authorization", "")
        if auth.startswith("Basic "):
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        return client_id == self.client_id and secret == self.client_secret

    def token(self, request: Request) -> Response:
        scenario = self.token_scenario
        if scenario == "errore_server":
            return Response(500, b"Internal Server Error", {"Content-Type": "text/plain"})
        if scenario == "malformato":
            return Response(200, b"{not json", {"Content-Type": "application/json"})
        if scenario == "invalid_client":
            return _oauth_error(401, "invalid_client")
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        if not self._client_ok(request, form):
            return _oauth_error(401, "invalid_client")
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # single use
        if scenario == "invalid_grant" or grant is None or form.get("grant_type") != "authorization_code":
            return _oauth_error(400, "invalid_grant")
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return _oauth_error(400, "invalid_grant", "redirect_uri diverso")
        if grant["challenge"]:
            verifier = form.get("code_verifier", "").encode()
            expected = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
            if expected != grant["challenge"]:
                return _oauth_error(400, "invalid_grant", "PKCE non valido")
        now = int(time.time())
        access_token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[access_token] = grant["claims"]
        id_token = self.suite.provider_key(self.name).sign(
            {
                "iss": self.issuer,
                "sub": secrets.token_hex(8),
                "aud": self.id_token_audience or self.client_id,
                "iat": now,
                "exp": now + 300,
                "nonce": grant["nonce"],
                "acr": grant["acr"],
            }
        )
        return Response.json(
            200, {"access_token": access_token, "id_token": id_token, "token_type": "Bearer", "expires_in": 300}
        )

    def userinfo(self, request: Request) -> Response:
        auth = request.headers.get("authorization", "")
        with self._lock:
            claims = self._tokens.get(auth.removeprefix("Bearer "))
        if claims is None:
            return _oauth_error(401, "invalid_token")
        return Response.json(200, claims)

    def logout(self, request: Request) -> Response:
        params = {k: v[0] for k, v in parse_qs(request.query).items()}
        return _redirect(params.get("post_logout_redirect_uri") or self.issuer)
