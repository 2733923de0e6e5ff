"""Citizen login, pluggable by settings (CSE_CITIZEN_LOGIN):

- "test": the demo's test identity provider page (choose a synthetic citizen or type a valid CF); refused in
  production (settings/prod.py);
- "oidc": CIE id / SPID OpenID Connect through mozilla-django-oidc (cse/cittadino/oidc.py), configured by
  CSE_OIDC_* environment variables;
- a URL (e.g. "/saml2/login/" of djangosaml2, or an OIDC client's start URL): the relying-party library performs
  SPID/CIE authentication and its callback/ACS hook calls `citizen_login(request, codice_fiscale=..., ...)`;
- empty: no citizen login (booking without login still works).
See docs/cittadino.md.
"""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest

from .agenda import Cittadino
from .services import cittadino_ensure


def citizen_login(request: HttpRequest, *, codice_fiscale: str, nome: str, cognome: str, email: str = "") -> Cittadino:
    cittadino = cittadino_ensure(codice_fiscale=codice_fiscale, nome=nome, cognome=cognome, email=email)
    login(request, cittadino.user, backend="django.contrib.auth.backends.ModelBackend")
    return cittadino
