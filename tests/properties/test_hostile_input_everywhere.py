"""No input gives a 500: every page of the operator, ambito, regional, SIUSS and citizen areas, reached by following
the links of the pages (so with ids of objects the visitor may see), is asked again with Hypothesis-drawn query
parameters — the names its view reads from request.GET plus common and random ones — holding hostile values: dates
out of any calendar (9999-12-31, 0001-01-01), negative or huge numbers, non-numeric text, unicode, NUL bytes, very
long strings. Every answer is below 500, and a refusal (400) carries an Italian message, not Django's default.
Every POST form of those pages is posted as a browser would (all its inputs, hidden ones such as a submission token
included, with the values the page filled in) with some fields replaced by hostile values: below 500 again, and a
refused post leaves every table as it was.

The budget is small on purpose (a few examples per route, derandomized): it runs in CI in a couple of minutes."""

from __future__ import annotations

import time
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cse.cittadino.auth import cittadino_ensure
from tests.support.routes import Form, crawl, query_names_read_by, route_of, walk

AREAS = ("locale", "ambito", "regionale", "siuss", "cittadino")
# Routes the crawl does not fetch, with the reason.
SKIP = {
    "logout": "ends the session of the crawl",
    "cittadino:uscita": "ends the session of the crawl",
    "cittadino:oidc_start": "redirects to the external identity provider",
    "cittadino:oidc_callback": "answers the external identity provider only",
    "locale:pdf": "PDF rendering: slow, reads no query parameter",
    "ambito:uvm_pdf": "PDF rendering: slow, reads no query parameter",
    "cittadino:ricevuta_pdf": "PDF rendering: slow, reads no query parameter",
    "siuss:waas_flussi": "the WaaS API takes a PDND voucher, not a session: fuzzed by tests/siuss/test_schemathesis.py",
    "siuss:waas_esiti": "the WaaS API takes a PDND voucher, not a session: fuzzed by tests/siuss/test_schemathesis.py",
}
COMMON = [
    "giorno", "settimana", "vista", "data", "da", "a", "dal", "al", "page", "pagina", "q", "anno", "mese",
    "periodo", "ordine", "formato", "stato", "tipo", "since", "limit", "next", "comune", "sportello", "slot",
]  # fmt: skip
HOSTILE_TEXT = [
    "9999-12-31", "0001-01-01", "2026-02-31", "10000-01-01", "-1", "0", "-99999999999999999999",
    "99999999999999999999999999", "1e309", "NaN", "inf", "", " ", "\x00", "2026-11-20\x00", "%00", "../../etc/passwd",
    "<script>alert(1)</script>", "' OR 1=1 --", "٣", "２０２６-１１-２０", "x" * 5000, "settimana", "csv", "xlsx",
    "//evil.example", "https://evil.example/",
]  # fmt: skip
printable = st.characters(blacklist_categories=("Cs",))
hostile = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.text(printable, max_size=30),
)


def _visitors(territory) -> list:
    """Operators of a comune, an ambito and the region with the roles that open the most pages, a citizen and an
    anonymous visitor (None)."""
    person = territory.assistiti["A1"]
    citizen = cittadino_ensure(codice_fiscale=person.codice_fiscale, nome=person.nome, cognome=person.cognome).user
    keys = [
        ("A1", "responsabile"),
        ("A1", "amministratore_ente"),
        ("AMB_A", "ufficio_di_piano"),
        ("AMB_A", "coordinatore_uvm"),
        ("REG", "analista_regionale"),
    ]
    return [territory.user(*key) for key in keys] + [citizen, None]


def _start_urls(territory) -> list[str]:
    """Every route of the areas that takes no id, and the pages no other page links to: the crawl goes on from
    their links."""
    unlinked = [
        reverse(name, kwargs={"pk": territory.enti["A1"].pk}) for name in ("siuss:dashboard", "siuss:dashboard_csv")
    ]
    return unlinked + [
        reverse(name)
        for name, pattern in walk()
        if not pattern.pattern.converters
        and "(" not in str(pattern.pattern)
        and (name.split(":")[0] in AREAS or ":" not in name)
        and name not in SKIP
    ]


def _login(client, user) -> None:
    client.logout()
    if user is not None:
        client.force_login(user)


def _crawl_as_every_visitor(territory, client) -> tuple[dict, dict]:
    """route name → (visitor, URL) of the pages, and route name → (visitor, Form) of the forms they hold."""
    pages: dict[str, tuple[object, str]] = {}
    forms: dict[str, tuple[object, Form]] = {}
    for user in _visitors(territory):
        _login(client, user)
        found: list[Form] = []
        for name, url in crawl(client, _start_urls(territory), skip=set(SKIP), forms=found).items():
            pages.setdefault(name, (user, url))
        for form in found:
            route = route_of(form.action)
            if route is not None and route not in SKIP:
                forms.setdefault(route, (user, form))
    return pages, forms


def _check_route(client, name: str, user, url: str) -> None:
    import django.urls

    names = sorted(query_names_read_by(django.urls.resolve(url).func) | set(COMMON))
    keys = st.one_of(st.sampled_from(names), st.text(st.characters(min_codepoint=97, max_codepoint=122), max_size=8))

    @hypothesis_settings(
        max_examples=4,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(params=st.dictionaries(keys, hostile, min_size=1, max_size=4))
    def check(params):
        _login(client, user)
        response = client.get(url, params)
        assert response.status_code < 500, f"{name} {url} {params!r}: {response.status_code}"
        if response.status_code == 400:
            assert b"Bad Request" not in response.content, f"{name} {params!r}: 400 senza messaggio in italiano"

    check()


# --- forms ---------------------------------------------------------------------------------------------------------

NOT_A_WRITE = {"core.AccessLog"}  # rows every read adds: they do not show that a refused body was stored


def _tracked_models() -> list:
    from django.apps import apps
    from django.contrib.auth import get_user_model

    return [m for m in apps.get_models() if m.__module__.startswith("cse.") or m is get_user_model()]


def _shape(models) -> dict:
    from django.db import models as dj
    from django.db import router

    out = {}
    for m in models:
        agg = m.objects.using(router.db_for_read(m)).aggregate(n=dj.Count("pk"), x=dj.Max("pk"))
        out[m._meta.label] = (agg["n"], agg["x"])
    return out


def _refused(response) -> bool:
    """A 4xx, or the form shown again with its fields marked invalid (StyledFormMixin adds is-invalid)."""
    return response.status_code >= 400 or (response.status_code == 200 and b"is-invalid" in response.content)


def _post_in_savepoint(client, user, action: str, data: dict, models) -> tuple[object, list[str]]:
    """The post, rolled back on both databases after the tables it wrote are noted."""
    from django.core.cache import cache
    from django.db import transaction

    cache.clear()  # rate limits
    with transaction.atomic(), transaction.atomic(using="regionale"):
        _login(client, user)
        before = _shape(models)
        response = client.post(action, data)
        after = _shape(models)
        transaction.set_rollback(True, using="regionale")
        transaction.set_rollback(True)
    return response, sorted(k for k in after if after[k] != before[k] and k not in NOT_A_WRITE)


def _check_form(client, route: str, user, form, models) -> None:
    names = sorted(form.fields) or ["campo"]

    @hypothesis_settings(
        max_examples=3,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(drawn=st.dictionaries(st.sampled_from(names), hostile, min_size=1, max_size=len(names)))
    def check(drawn):
        response, written = _post_in_savepoint(client, user, form.action, form.fields | drawn, models)
        assert response.status_code < 500, f"{route} {drawn!r}: {response.status_code}"
        if _refused(response):
            assert written == [], f"{route} {drawn!r}: rifiutato ({response.status_code}) ma ha scritto {written}"

    check()


def _every(items: dict, check) -> list[str]:
    """Every route is tried; all failures are reported together."""
    failures = []
    for route in sorted(items):
        user, target = items[route]
        try:
            check(route, user, target)
        except Exception as exc:  # noqa: BLE001 - a finding, recorded with its route
            failures.append(f"{route}: {type(exc).__name__}: {str(exc)[:600]}")
    return failures


def _param_readers() -> set[str]:
    """The routes of the areas whose view itself reads request.GET."""
    return {
        name
        for name, pattern in walk()
        if (name.split(":")[0] in AREAS or ":" not in name)
        and name not in SKIP
        and query_names_read_by(pattern.callback, whole_module=False)
    }


@pytest.mark.django_db(databases=["default", "regionale"])
def test_hostile_query_parameters_and_form_fields_never_give_a_500_nor_a_partial_write(territory, client):
    """One crawl feeds both checks; the CPU time of each phase is printed (-s) to keep the CI cost in view."""
    started = time.process_time()
    pages, forms = _crawl_as_every_visitor(territory, client)
    crawled = time.process_time()
    missed = _param_readers() - set(pages)
    assert missed == set(), f"pagine che leggono parametri non raggiunte dal crawl: {missed}"
    assert len(forms) > 20, sorted(forms)
    models = _tracked_models()
    failures = _every(pages, lambda route, user, url: _check_route(client, route, user, url))
    fuzzed = time.process_time()
    failures += _every(forms, lambda route, user, form: _check_form(client, route, user, form, models))
    spent = (crawled - started, fuzzed - crawled, time.process_time() - fuzzed)
    print(
        "hostile input: {} pages, {} forms; CPU s crawl {:.0f}, pages {:.0f}, forms {:.0f}".format(
            len(pages), len(forms), *spent
        )
    )
    assert failures == [], "\n\n".join(failures)
