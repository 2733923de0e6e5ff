"""Static files as every non-test configuration serves them (the demo and production share base.py): collectstatic
writes hashed names and gzip/brotli copies, pages link the hashed names, WhiteNoise serves them compressed with a
one-year immutable Cache-Control. Tests themselves run on the plain storage (no collectstatic needed)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import override_settings

from cse.settings import base

pytestmark = pytest.mark.once  # collectstatic compresses every file: slow, and independent of the database engine

HASHED = re.compile(r"\.[0-9a-f]{12}\.(css|js|svg|png|ico|woff2?)$")


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """The demo's and production's static configuration (base.py), collected once into a temporary STATIC_ROOT.
    Only the project's own static/ (what the operator and citizen pages link): the Django and Wagtail admin files
    would only make the compression slower."""
    with override_settings(
        STORAGES=base.STORAGES,
        STATIC_ROOT=tmp_path_factory.mktemp("static"),
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        call_command("collectstatic", "--noinput", "-v", "0")
        yield


def static_urls(html: str) -> list[str]:
    """The static files a page links, without the fragment that picks an icon out of a sprite sheet."""
    return [url.split("#")[0] for url in re.findall(r'(?:href|src)="(/static/[^"]+)"', html)]


def test_the_embedded_default_uses_the_hashed_storage_and_whitenoise():
    assert base.STORAGES["staticfiles"]["BACKEND"] == "cse.core.staticfiles.StaticFilesStorage"
    middleware = base.MIDDLEWARE
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") == (
        middleware.index("django.middleware.security.SecurityMiddleware") + 1
    )


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["/operatore/accesso/", "/cittadino/prenota/"])
def test_pages_link_hashed_static_files_served_compressed_with_a_long_cache(collected, client, page):
    html = client.get(page).content.decode()
    urls = static_urls(html)
    assert urls, f"no static file linked from {page}"
    assert all(HASHED.search(url) for url in urls), urls
    for url in (u for u in urls if u.endswith((".css", ".js"))):
        for encoding in ("br", "gzip"):
            response = client.get(url, HTTP_ACCEPT_ENCODING=encoding)
            assert response.status_code == 200 and response["Content-Encoding"] == encoding, url
            assert "max-age=315360000" in response["Cache-Control"] and "immutable" in response["Cache-Control"]


@pytest.mark.django_db
def test_an_unhashed_name_is_not_served_with_the_long_cache(collected, client):
    html = client.get("/operatore/accesso/").content.decode()
    hashed = next(url for url in static_urls(html) if url.endswith(".css"))
    plain = HASHED.sub(r".\1", hashed)
    response = client.get(plain, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and "immutable" not in response.get("Cache-Control", "")
