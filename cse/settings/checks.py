"""Start-up checks for production settings (kept apart so they can be tested without importing prod)."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .base import INSECURE_PSEUDONYM_KEY, INSECURE_SECRET_KEY


def check_production_settings(settings: dict) -> None:
    """Raise if a production deployment would run with a guessable key or in demo mode."""
    if settings["SECRET_KEY"] in ("", INSECURE_SECRET_KEY) or len(settings["SECRET_KEY"]) < 32:
        raise ImproperlyConfigured(
            "SECRET_KEY mancante o di default: impostare una chiave casuale di almeno 32 caratteri."
        )
    key = settings["CSE_PSEUDONYM_KEY"]
    if key in ("", INSECURE_PSEUDONYM_KEY) or len(key) < 32:
        raise ImproperlyConfigured(
            "CSE_PSEUDONYM_KEY mancante o di default: impostare una chiave casuale di almeno 32 caratteri."
        )
    if settings["CSE_DEMO"]:
        raise ImproperlyConfigured("CSE_DEMO non può essere attivo in produzione.")
    if settings["DEBUG"]:
        raise ImproperlyConfigured("DEBUG non può essere attivo in produzione.")
    check_citizen_oidc_settings(settings)
    problems = unsafe_configuration_problems(settings)
    if problems:
        raise ImproperlyConfigured(problems[0])


def unsafe_configuration_problems(settings: Mapping[str, Any]) -> list[str]:
    """Configurations that run but lose data or weaken security; production refuses to start with any of them and
    `manage.py check --deploy` lists them (cse.core.checks)."""
    problems = []
    if settings.get("CSE_WEB_WORKERS", 1) > 1 and not settings.get("REDIS_URL"):
        problems.append(
            f"WEB_CONCURRENCY={settings['CSE_WEB_WORKERS']} processi senza REDIS_URL: il channel layer in memoria "
            "perde i messaggi tra un processo e l'altro (agenda e lavagna UVM in tempo reale). Impostare REDIS_URL."
        )
    if not str(settings.get("WAGTAILADMIN_BASE_URL", "")).startswith("https://"):
        problems.append(
            "WAGTAILADMIN_BASE_URL deve essere l'indirizzo pubblico https:// del servizio (link nelle e-mail)."
        )
    if settings.get("CSE_BOOKING_RECEIPT_DAYS", 30) < 1:
        problems.append("CSE_BOOKING_RECEIPT_DAYS deve essere almeno 1 (giorni di validità del link di prenotazione).")
    if settings.get("CSE_SPID_MIN_LEVEL", 2) not in (2, 3):
        problems.append("CSE_SPID_MIN_LEVEL deve essere 2 o 3: i dati sociali richiedono almeno SPID/CIE di livello 2.")
    return problems


def check_citizen_oidc_settings(settings: dict) -> None:
    """CSE_CITIZEN_LOGIN="oidc" needs a registered client and the OP's HTTPS endpoints; refuse a half configuration."""
    if settings.get("CSE_CITIZEN_LOGIN") != "oidc":
        return
    if not settings.get("OIDC_RP_CLIENT_ID"):
        raise ImproperlyConfigured("CSE_CITIZEN_LOGIN=oidc richiede CSE_OIDC_CLIENT_ID.")
    if not settings.get("CSE_OIDC_ISSUER"):
        raise ImproperlyConfigured("CSE_CITIZEN_LOGIN=oidc richiede CSE_OIDC_ISSUER (l'identity provider CIE/SPID).")
    for name in ("OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT"):
        if not str(settings.get(name, "")).startswith("https://"):
            raise ImproperlyConfigured(f"CSE_CITIZEN_LOGIN=oidc: l'endpoint {name} deve essere un URL https://.")
    if not settings.get("OIDC_RP_CLIENT_SECRET") and not settings.get("CSE_OIDC_PRIVATE_KEY_FILE"):
        raise ImproperlyConfigured(
            "CSE_CITIZEN_LOGIN=oidc richiede CSE_OIDC_PRIVATE_KEY_FILE (private_key_jwt) o CSE_OIDC_CLIENT_SECRET."
        )
    if settings.get("OIDC_RP_SIGN_ALGO") != "RS256":
        raise ImproperlyConfigured("CSE_CITIZEN_LOGIN=oidc: id_token firmato RS256 (CSE_OIDC_SIGN_ALGO).")
