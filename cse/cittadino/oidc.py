"""Citizen login through CIE id / SPID OpenID Connect (CSE_CITIZEN_LOGIN="oidc"), built on mozilla-django-oidc.

The library does the protocol (state, nonce, PKCE, code exchange, RS256 signature against the OP's JWKS); this module
only maps the identity claims to our Cittadino (by codice fiscale, via `cittadino_ensure`), refuses operator
accounts, and turns every failure into an Italian message with nothing written.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .services import cittadino_ensure

SPID_LEVEL_PREFIX = "https://www.spid.gov.it/SpidL"  # the acr values of SPID and of CIE id's OIDC profile
FISCAL_NUMBER_CLAIMS = ("https://attributes.eid.gov.it/fiscal_number", "fiscal_number")
ACR_SESSION_KEY = "cse_citizen_acr"
_ERROR_ATTR = "_cse_oidc_error"


class CitizenRefused(Exception):
    """A login the identity provider allowed but we must not (bad CF, operator account...): message in Italian."""


def codice_fiscale_from_claims(claims: dict) -> str:
    """The CF of CIE/SPID claims ("TINIT-RSSMRA80A01F284X" → "RSSMRA80A01F284X"); CitizenRefused if absent/invalid."""
    from codicefiscale import codicefiscale

    raw = next((claims[name] for name in FISCAL_NUMBER_CLAIMS if claims.get(name)), "")
    if not isinstance(raw, str) or not raw.strip():
        raise CitizenRefused("Il servizio di identità digitale non ha fornito il codice fiscale: accesso impossibile.")
    cf = "".join(raw.split()).upper().removeprefix("TINIT-")
    if not codicefiscale.is_valid(cf):
        raise CitizenRefused("Il codice fiscale fornito dal servizio di identità digitale non è valido.")
    return cf


def spid_level(acr: object) -> int:
    """The SPID/CIE level (1-3) an `acr` asserts; 0 when absent or not a SPID/CIE level."""
    value = str(acr or "").strip()
    suffix = value.removeprefix(SPID_LEVEL_PREFIX)
    if value == suffix or suffix not in {"1", "2", "3"}:
        return 0
    return int(suffix)


def require_spid_level(acr: object) -> None:
    """Personal data need at least CSE_SPID_MIN_LEVEL (AgID guidelines: SpidL2 for social-service data);
    a login the provider made at a lower level is refused before anything is written."""
    minimum = settings.CSE_SPID_MIN_LEVEL
    if spid_level(acr) < minimum:
        raise CitizenRefused(
            f"L'accesso è avvenuto con un livello di sicurezza insufficiente: per questo servizio serve SPID o CIE "
            f"di livello {minimum} o superiore (ad esempio con codice via SMS o app). Accedere di nuovo."
        )


def _refuse_operators(cf: str, user=None) -> None:
    """Operators log in at /operatore/accesso/ with a second factor, never through the citizens' door."""
    User = get_user_model()  # noqa: N806
    if User.objects.filter(operatore__codice_fiscale=cf).exists() or (
        user is not None and (user.is_staff or user.is_superuser or hasattr(user, "operatore"))
    ):
        raise CitizenRefused("Questo codice fiscale appartiene a un account di operatore: usare l'accesso operatori.")


class CitizenOIDCBackend(OIDCAuthenticationBackend):
    """Inert unless CSE_CITIZEN_LOGIN == "oidc"; only ever returns a user that has a Cittadino."""

    def __init__(self, *args, **kwargs) -> None:
        self.UserModel = get_user_model()
        if settings.CSE_CITIZEN_LOGIN == "oidc":
            super().__init__(*args, **kwargs)

    def authenticate(self, request, **kwargs):
        if settings.CSE_CITIZEN_LOGIN != "oidc" or request is None or "nonce" not in kwargs:
            return None  # username/password logins and every other mode: not ours
        try:
            return super().authenticate(request, **kwargs)
        except CitizenRefused as exc:
            setattr(request, _ERROR_ATTR, (str(exc), 403))
        except requests.RequestException:  # OP down, 4xx/5xx (invalid_grant, invalid_client), malformed JSON
            message = "Il servizio di identità digitale non risponde correttamente: riprovare più tardi."
            setattr(request, _ERROR_ATTR, (message, 503))
        except SuspiciousOperation:  # bad signature, nonce, issuer or audience
            message = "La risposta del servizio di identità digitale non è valida: accesso rifiutato."
            setattr(request, _ERROR_ATTR, (message, 400))
        return None

    def get_token(self, payload: dict) -> dict:
        """private_key_jwt when a key is configured (CIE/SPID federations), else the client secret."""
        if settings.CSE_OIDC_PRIVATE_KEY_FILE:
            now = int(time.time())
            client_id = self.OIDC_RP_CLIENT_ID
            assertion = {"iss": client_id, "sub": client_id, "aud": self.OIDC_OP_TOKEN_ENDPOINT}
            assertion |= {"iat": now, "exp": now + 60, "jti": uuid.uuid4().hex}
            headers = {"kid": settings.CSE_OIDC_PRIVATE_KEY_KID} if settings.CSE_OIDC_PRIVATE_KEY_KID else None
            key = Path(settings.CSE_OIDC_PRIVATE_KEY_FILE).read_bytes()
            payload = {k: v for k, v in payload.items() if k != "client_secret"}
            payload["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            payload["client_assertion"] = jwt.encode(assertion, key, algorithm="RS256", headers=headers)
        return super().get_token(payload)

    def verify_token(self, token, **kwargs):
        """The library checks signature and nonce; we also require our audience and the configured issuer."""
        if not token:
            raise SuspiciousOperation("id_token assente")
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("id_token per un altro destinatario")
        if settings.CSE_OIDC_ISSUER and payload.get("iss") != settings.CSE_OIDC_ISSUER:
            raise SuspiciousOperation("id_token di un altro emittente")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        require_spid_level(payload.get("acr"))  # from the signed id_token, never from userinfo
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        cf = codice_fiscale_from_claims(claims)
        nome = str(claims.get("given_name") or "").strip()
        cognome = str(claims.get("family_name") or "").strip()
        email = str(claims.get("email") or "").strip()
        if not nome or not cognome:
            raise CitizenRefused("Il servizio di identità digitale non ha fornito nome e cognome.")
        _refuse_operators(cf)
        with transaction.atomic():
            try:
                cittadino = cittadino_ensure(codice_fiscale=cf, nome=nome, cognome=cognome, email=email)
            except ValidationError as exc:
                raise CitizenRefused(" ".join(exc.messages)) from exc
            _refuse_operators(cf, cittadino.user)
            changed = {"nome": nome, "cognome": cognome} | ({"email": email} if email else {})
            if any(getattr(cittadino, k) != v for k, v in changed.items()):  # the identity provider is authoritative
                for field, value in changed.items():
                    setattr(cittadino, field, value)
                cittadino.save(update_fields=list(changed))
        self.request.session[ACR_SESSION_KEY] = str(payload.get("acr") or "")
        return cittadino.user


def _error_page(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "cittadino/accesso_errore.html", {"messaggio": message}, status=status)


class CitizenOIDCStart(OIDCAuthenticationRequestView):
    """Redirect to the OP's authorization endpoint (state, nonce, PKCE by the library; acr_values by us)."""

    def get(self, request):
        if settings.CSE_CITIZEN_LOGIN != "oidc":
            raise Http404
        return super().get(request)

    def get_extra_params(self, request) -> dict:
        params = dict(super().get_extra_params(request))
        if settings.CSE_OIDC_ACR_VALUES:
            params["acr_values"] = settings.CSE_OIDC_ACR_VALUES
        return params


class CitizenOIDCCallback(OIDCAuthenticationCallbackView):
    """The OP's redirect back: every failure is an Italian page, never a 500 or a silent redirect."""

    def get(self, request):
        if settings.CSE_CITIZEN_LOGIN != "oidc":
            raise Http404
        try:
            return super().get(request)
        except SuspiciousOperation:  # unknown state: not a flow this browser started (CSRF / replay)
            message = "La richiesta di accesso non corrisponde a quella avviata da questo sito: riprovare dall'inizio."
            return _error_page(request, message, 400)

    def login_failure(self):
        default = ("Accesso annullato o non riuscito presso il servizio di identità digitale.", 400)
        message, status = getattr(self.request, _ERROR_ATTR, default)
        return _error_page(self.request, message, status)

    @property
    def success_url(self) -> str:
        return self.request.session.get("oidc_login_next") or reverse("cittadino:area_personale")


def end_session_url(request: HttpRequest, id_token: str | None) -> str:
    """RP-initiated logout at the OP, when it publishes an end_session endpoint; '' otherwise."""
    if settings.CSE_CITIZEN_LOGIN != "oidc" or not settings.CSE_OIDC_END_SESSION_ENDPOINT:
        return ""
    params = {"client_id": settings.OIDC_RP_CLIENT_ID, "post_logout_redirect_uri": request.build_absolute_uri("/")}
    if id_token:
        params["id_token_hint"] = id_token
    return f"{settings.CSE_OIDC_END_SESSION_ENDPOINT}?{urlencode(params)}"
