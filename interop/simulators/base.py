"""A tiny WSGI toolkit for the simulators (stdlib only), the shared keys, and the provider-side PDND checks."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

SCENARIO_HEADER = "x-simulatore-scenario"
SCENARIOS = (
    "non_trovato",
    "richiesta_invalida",
    "offline",
    "timeout",
    "malformato",
    # consumer-side security checks: the answer itself is bad
    "firma_manomessa",
    "audience_errata",
    "risposta_ripetuta",
    "senza_firma",
)

STATUS_TEXT = {
    200: "OK",
    202: "Accepted",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


@dataclass
class Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body or b"null")

    @property
    def scenario(self) -> str:
        return self.headers.get(SCENARIO_HEADER, "")


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload, content_type: str = "application/json") -> Response:
        return cls(status, json.dumps(payload, ensure_ascii=False).encode(), {"Content-Type": content_type})


def problem(status: int, title: str, detail: str = "") -> Response:
    return Response.json(status, {"status": status, "title": title, "detail": detail}, "application/problem+json")


class KeyPair:
    def __init__(self, kid: str, pem: bytes | None = None) -> None:
        self.kid = kid
        self.private = (
            serialization.load_pem_private_key(pem, password=None)
            if pem
            else rsa.generate_private_key(public_exponent=65537, key_size=2048)
        )
        self.public = self.private.public_key()

    def sign(self, claims: dict) -> str:
        return jwt.encode(claims, self.private, algorithm="RS256", headers={"kid": self.kid, "typ": "JWT"})

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.public))
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}


def digest_of(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


class ReplayGuard:
    """jti values already seen (per simulator), kept until they expire."""

    def __init__(self) -> None:
        self.seen: dict[str, float] = {}
        self.lock = threading.Lock()

    def first_time(self, jti: str, exp: float) -> bool:
        now = time.time()
        with self.lock:
            self.seen = {k: v for k, v in self.seen.items() if v > now}
            if jti in self.seen:
                return False
            self.seen[jti] = exp
            return True


SECURITY_SCENARIOS = ("firma_manomessa", "audience_errata", "risposta_ripetuta", "senza_firma")


def slow_down(suite, scenario: str) -> None:
    """The timeout scenario chosen by a magic CF (the header one sleeps before routing)."""
    if scenario == "timeout":
        time.sleep(suite.timeout_sleep)


class SimApp:
    """Routes (method, path) to handlers; catches everything so a simulator never hangs a test."""

    name = "simulatore"

    def __init__(self, suite) -> None:
        self.suite = suite
        self.routes: dict[tuple[str, str], object] = {}

    def route(self, method: str, path: str, handler) -> None:
        self.routes[(method, path)] = handler

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        request = Request(
            environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/"), environ.get("QUERY_STRING", ""), headers, body
        )
        handler = self.routes.get((request.method, request.path))
        if request.path == "/.well-known/jwks.json" and request.method == "GET":
            response = Response.json(200, self.suite.provider_key(self.name).jwks())
        elif handler is None:
            response = problem(404, "Risorsa non trovata")
        else:
            if request.scenario == "timeout":
                time.sleep(self.suite.timeout_sleep)
            try:
                response = handler(request)
            except Exception as exc:  # noqa: BLE001 — a simulator answers 500 like a real system would
                response = problem(500, "Errore interno del simulatore", type(exc).__name__)
        start_response(
            f"{response.status} {STATUS_TEXT.get(response.status, 'Status')}",
            [(k, v) for k, v in response.headers.items()] + [("Content-Length", str(len(response.body)))],
        )
        return [response.body]


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    disable_nagle_algorithm = True  # wsgiref writes headers and body apart: avoid the 40 ms delayed-ACK stall

    def log_message(self, format, *args):  # noqa: A002 — keep test and demo output clean
        pass


def serve(app, host: str, port: int):
    """Start `app` in a daemon thread; return the server (call .shutdown() to stop, .server_port for the port)."""
    server = make_server(host, port, app, server_class=_Server, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name=f"sim-{getattr(app, 'name', port)}", daemon=True)
    thread.start()
    return server


# --- provider-side PDND checks (what a real e-service does before answering) ------------------------------------


class Rejected(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def check_pdnd(request: Request, suite, *, audience: str, modi: bool) -> dict:
    """Verify voucher (PDND signature, audience, expiry) and, for ModI e-services, Digest, Agid-JWT-Signature
    (client key, audience, jti never seen, signed digest) and Agid-JWT-TrackingEvidence (digest in the voucher).
    Returns the voucher claims; raises Rejected with the answer a provider gives."""
    voucher = _check_voucher(request, suite, audience)
    if modi:
        client_key = _check_signature(request, suite, audience, voucher)
        _check_tracking_evidence(request, audience, voucher, client_key)
    return voucher


def _check_voucher(request: Request, suite, audience: str) -> dict:
    auth = request.headers.get("authorization", "")
    if not auth.startswith("Bearer "):
        raise Rejected(problem(401, "Voucher assente"))
    try:
        return jwt.decode(
            auth[7:],
            suite.pdnd_key.public,
            algorithms=["RS256"],
            audience=audience,
            issuer=suite.pdnd_issuer,
            options={"require": ["exp", "iat", "jti", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise Rejected(problem(401, "Voucher scaduto")) from None
    except jwt.InvalidAudienceError:
        raise Rejected(problem(401, "Voucher destinato a un altro e-service")) from None
    except jwt.PyJWTError:
        raise Rejected(problem(401, "Voucher non valido")) from None


def _check_signature(request: Request, suite, audience: str, voucher: dict):
    """Digest of the body, Agid-JWT-Signature of the client (signed digest, jti seen once); returns the client key."""
    if request.headers.get("digest") != digest_of(request.body):
        raise Rejected(problem(400, "Digest non corrispondente al corpo della richiesta"))
    try:
        signature = request.headers.get("agid-jwt-signature", "")
        client_key = suite.client_public_key(voucher["client_id"], jwt.get_unverified_header(signature).get("kid"))
        claims = jwt.decode(
            signature,
            client_key,
            algorithms=["RS256"],
            audience=audience,
            options={"require": ["exp", "iat", "jti", "aud"]},
        )
    except (jwt.PyJWTError, KeyError):
        raise Rejected(problem(401, "Agid-JWT-Signature non valida")) from None
    signed = {k: v for item in claims.get("signed_headers", []) for k, v in item.items()}
    if signed.get("digest") != request.headers.get("digest"):
        raise Rejected(problem(400, "Digest non firmato"))
    if not suite.replay_guard("provider").first_time(claims["jti"], claims["exp"]):
        raise Rejected(problem(409, "Richiesta ripetuta (jti già usato)"))
    return client_key


def _check_tracking_evidence(request: Request, audience: str, voucher: dict, client_key) -> None:
    """Agid-JWT-TrackingEvidence signed by the client, complete, and the one whose digest the voucher carries."""
    evidence = request.headers.get("agid-jwt-trackingevidence", "")
    try:
        audit = jwt.decode(
            evidence, client_key, algorithms=["RS256"], audience=audience, options={"require": ["exp", "iat", "jti"]}
        )
    except jwt.PyJWTError:
        raise Rejected(problem(401, "Agid-JWT-TrackingEvidence non valida")) from None
    if not all(audit.get(k) for k in ("userID", "userLocation", "LoA")):
        raise Rejected(problem(400, "Agid-JWT-TrackingEvidence incompleta"))
    expected = (voucher.get("digest") or {}).get("value")
    if expected != hashlib.sha256(evidence.encode()).hexdigest():
        raise Rejected(problem(401, "TrackingEvidence non legata al voucher"))


def signed_answer(response: Response, suite, provider: str, *, client_id: str, scenario: str) -> Response:
    """Sign an answer like a ModI provider (Digest + Agid-JWT-Signature for the client), or spoil it on purpose."""
    if scenario == "senza_firma":
        return response
    if scenario == "risposta_ripetuta" and provider in suite.last_signed:
        return suite.last_signed[provider]
    now = int(time.time())
    digest = digest_of(response.body)
    claims = {
        "iss": provider,
        "aud": "altro-ente" if scenario == "audience_errata" else client_id,
        "iat": now,
        "nbf": now,
        "exp": now + 60,
        "jti": uuid.uuid4().hex,
        "signed_headers": [{"digest": digest}, {"content-type": response.headers.get("Content-Type", "")}],
    }
    response.headers["Digest"] = digest
    response.headers["Agid-JWT-Signature"] = suite.provider_key(provider).sign(claims)
    if scenario == "firma_manomessa":
        response.body = response.body.replace(b"a", b"e", 1)
    suite.last_signed[provider] = response
    return response
