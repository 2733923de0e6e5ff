"""Where each external system lives and which PDND client each ente uses — all from settings/environment.

Defaults point at the local simulators (`manage.py run_simulators`); production sets the URLs and a per-ente
credentials file (`CSE_PDND_CLIENTS_FILE`). Private keys never live in the repository: the demo generates one at
first use under `CSE_INTEROP_KEYS_DIR` (var/, git-ignored).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SYSTEM_NAMES = {
    "pdnd": "La PDND (autorizzazione)",
    "anpr": "L'ANPR",
    "inps_isee": "Il servizio ISEE dell'INPS",
    "edotto": "Edotto (sistema sanitario regionale)",
    "lavoro": "Il sistema del Ministero del Lavoro",
    "puglia_sociale": "Puglia Sociale",
    "dss": "Il DSS regionale",
    "osservatorio": "L'Osservatorio piani di zona",
    "protocollo": "Il protocollo informatico dell'ente",
    "pagopa": "La piattaforma pagoPA",
    "appio": "L'app IO",
}


def service(name: str) -> dict:
    """Settings of one e-service (url, audience, jwks_url, purpose key...). Read at call time: tests override it."""
    try:
        return settings.CSE_INTEROP_SERVICES[name]
    except KeyError as exc:
        raise ImproperlyConfigured(f"e-service {name!r} non configurato in CSE_INTEROP_SERVICES") from exc


@dataclass(frozen=True)
class PdndClient:
    """A PDND client of one ente: its id, the key id registered on PDND, its RSA key, and its purpose ids."""

    client_id: str
    kid: str
    private_key_pem: bytes
    purposes: dict[str, str] = field(default_factory=dict)

    def purpose_for(self, e_service: str) -> str:
        try:
            return self.purposes[e_service]
        except KeyError as exc:
            raise ImproperlyConfigured(f"nessuna finalità PDND per {e_service} nel client {self.client_id}") from exc


def keys_dir() -> Path:
    path = Path(settings.CSE_INTEROP_KEYS_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def demo_private_key_pem() -> bytes:
    """The demo's RSA key, made at first use and kept under var/ (never committed); the PDND simulator trusts it."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    path = keys_dir() / "pdnd-demo-client.pem"
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pem)
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # atomic and exclusive: the web server and the simulators may race at first start
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_bytes()


DEMO_KID = "cse-demo-kid"
# One PDND purpose per e-service the CSE consumes (each ANPR service is its own e-service on PDND).
E_SERVICES = [
    "anpr_C030",
    "anpr_C015",
    "anpr_C020",
    "anpr_C021",
    "inps_isee",
    "edotto",
    "lavoro",
    "puglia_sociale",
    "dss",
    "osservatorio",
]
DEMO_PURPOSES = {name: f"demo-purpose-{name}" for name in E_SERVICES}
# Systems of the ente called directly, with their own key (not PDND e-services): protocol register, pagoPA GPD,
# App IO.
DIRECT_SERVICES = ["protocollo", "pagopa", "appio"]


def system_of(e_service: str) -> str:
    """anpr_C030 → anpr: the settings entry and the operator-facing name are per system."""
    return e_service.split("_C0")[0]


def audience_of(e_service: str) -> str:
    """The audience of an e-service (what the voucher and the ModI JWTs are addressed to)."""
    conf = service(system_of(e_service))
    suffix = e_service.rsplit("_", 1)[1] if e_service.startswith("anpr_") else ""
    return f"{conf['audience']}/{suffix}" if suffix else conf["audience"]


def demo_client_id(ente_codice: str) -> str:
    return f"cse-demo-{ente_codice}"


def pdnd_client_for(ente) -> PdndClient:
    """The PDND client of `ente`: from the credentials file in production, a generated demo client otherwise."""
    path = settings.CSE_PDND_CLIENTS_FILE
    if path:
        data = json.loads(Path(path).read_text())
        entry = data.get(ente.codice) or data.get("*")
        if not entry:
            raise ImproperlyConfigured(f"nessun client PDND configurato per l'ente {ente.codice}")
        return PdndClient(
            client_id=entry["client_id"],
            kid=entry["kid"],
            private_key_pem=Path(entry["private_key_file"]).read_bytes(),
            purposes=entry.get("purposes", {}),
        )
    if not settings.CSE_DEMO:
        raise ImproperlyConfigured("CSE_PDND_CLIENTS_FILE è obbligatorio fuori dalla demo")
    return PdndClient(
        client_id=demo_client_id(ente.codice),
        kid=DEMO_KID,
        private_key_pem=demo_private_key_pem(),
        purposes=DEMO_PURPOSES,
    )
