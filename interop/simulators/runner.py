"""The suite of simulators: shared keys and registrations, started on local ports (one per system)."""

from __future__ import annotations

import threading

from cryptography.hazmat.primitives import serialization

from .anpr import AnprSimulator
from .appio import AppIoSimulator
from .base import KeyPair, ReplayGuard, serve
from .isee import IseeSimulator
from .oidc import OidcSimulator
from .pagopa import PagoPaSimulator
from .pdnd import PdndSimulator
from .protocollo import ProtocolloSimulator
from .regionali import (
    DssSimulator,
    EdottoSimulator,
    LavoroSimulator,
    OsservatorioSimulator,
    PugliaSocialeSimulator,
)

# Port offset from CSE_SIMULATORI_PORTA — the same order as the settings' default URLs.
APPS = [
    ("pdnd", PdndSimulator),
    ("anpr", AnprSimulator),
    ("inps_isee", IseeSimulator),
    ("edotto", EdottoSimulator),
    ("lavoro", LavoroSimulator),
    ("puglia_sociale", PugliaSocialeSimulator),
    ("dss", DssSimulator),
    ("osservatorio", OsservatorioSimulator),
    ("oidc", OidcSimulator),  # citizen login (CIE/SPID OpenID Connect); not an interop e-service
    ("protocollo", ProtocolloSimulator),  # the ente's protocol register (API key, not PDND)
    ("pagopa", PagoPaSimulator),  # pagoPA GPD (subscription key, not PDND)
    ("appio", AppIoSimulator),  # App IO services API (subscription key, not PDND)
]


class Suite:
    """What the simulated PDND knows: its own key, the clients' public keys, purposes → e-service audiences."""

    pdnd_issuer = "pdnd-simulatore"

    def __init__(
        self,
        *,
        pdnd_audience: str,
        audiences: dict[str, str],
        purposes: dict[str, str],
        client_prefix: str,
        client_kid: str,
        client_public_pem: bytes,
        voucher_lifetime: int = 600,
        timeout_sleep: float = 10.0,
        api_keys: dict[str, str] | None = None,
    ) -> None:
        self.pdnd_audience = pdnd_audience
        self.audiences = audiences
        self.purposes = purposes
        self.client_prefix = client_prefix
        self.client_kid = client_kid
        self.client_key = serialization.load_pem_public_key(client_public_pem)
        self.voucher_lifetime = voucher_lifetime
        self.timeout_sleep = timeout_sleep
        self.api_keys = api_keys or {}
        self.pdnd_key = KeyPair("pdnd-sim-1")
        self._provider_keys: dict[str, KeyPair] = {}
        self._guards: dict[str, ReplayGuard] = {}
        self.last_signed: dict = {}
        self.lock = threading.Lock()

    def api_key(self, system: str) -> str:
        """The key a system called without PDND expects (protocol, pagoPA, App IO)."""
        return self.api_keys.get(system, "chiave-simulatore")

    def audience(self, e_service: str) -> str:
        return self.audiences[e_service]

    def provider_key(self, name: str) -> KeyPair:
        if name == "pdnd":
            return self.pdnd_key
        with self.lock:
            if name not in self._provider_keys:  # made once: RSA key generation takes tens of ms
                self._provider_keys[name] = KeyPair(f"{name}-sim-1")
            return self._provider_keys[name]

    def replay_guard(self, name: str) -> ReplayGuard:
        with self.lock:
            return self._guards.setdefault(name, ReplayGuard())

    def client_public_key(self, client_id: str, kid: str | None):
        """Only registered clients (the demo's, by prefix) with the registered kid; KeyError otherwise."""
        if not client_id.startswith(self.client_prefix) or (kid is not None and kid != self.client_kid):
            raise KeyError(client_id)
        return self.client_key


def suite_from_settings(**overrides) -> Suite:
    """The suite matching this installation's demo configuration (keys made at runtime, never in the repo)."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    from django.conf import settings

    from ..config import DEMO_KID, DEMO_PURPOSES, E_SERVICES, audience_of, demo_private_key_pem, service

    public = (
        load_pem_private_key(demo_private_key_pem(), password=None)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    audiences = {name: audience_of(name) for name in E_SERVICES}
    return Suite(
        pdnd_audience=service("pdnd")["audience"],
        audiences=audiences,
        purposes={purpose: audiences[name] for name, purpose in DEMO_PURPOSES.items()},
        client_prefix="cse-demo-",
        client_kid=DEMO_KID,
        client_public_pem=public,
        api_keys={name: conf["api_key"] for name, conf in settings.CSE_INTEROP_SERVICES.items() if conf.get("api_key")},
        **overrides,
    )


def start_all(suite: Suite, host: str = "127.0.0.1", base_port: int = 0) -> dict:
    """Serve every simulator; base_port 0 picks free ports. Returns {name: server}."""
    servers = {}
    for offset, (name, cls) in enumerate(APPS):
        app = cls(suite)
        servers[name] = serve(app, host, base_port + offset if base_port else 0)
        if name == "oidc":
            app.issuer = f"http://{host}:{servers[name].server_port}"
    return servers


def urls_for(servers: dict, host: str = "127.0.0.1") -> dict[str, dict]:
    """Settings entries pointing at running simulators (tests override CSE_INTEROP_SERVICES with these)."""
    from django.conf import settings

    paths = {"pdnd": "/token.oauth2", "inps_isee": "/ConsultazioneISEE"}
    result = {}
    for name, server in servers.items():
        if name not in settings.CSE_INTEROP_SERVICES:
            continue
        base = f"http://{host}:{server.server_port}"
        result[name] = {
            **settings.CSE_INTEROP_SERVICES[name],
            "url": base + paths.get(name, ""),
            "jwks_url": base + "/.well-known/jwks.json",
        }
    return result


def stop_all(servers: dict) -> None:
    for server in servers.values():
        server.shutdown()
        server.server_close()
