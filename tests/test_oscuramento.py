"""Oscuramento: an episode the person asked to obscure and one that never existed look the same on every surface.

Each test runs two worlds from the same starting state, each inside savepoints on both databases that are rolled
back afterwards: in one an operator records an episode and later obscures it at the person's request (through the
page, as in real use); in the other the episode never existed and the operator only reads the diario as many times
as the obscuring page logs a read. Then the same user reads the same surface in both worlds, and the two answers
must be identical: status and body, after removing the per-request CSRF token and CSP nonce (`_body` of the
isolation matrix), the clock times (HH:MM[:SS], the two worlds run a few milliseconds apart) and the case's
optimistic-lock version (any write to the case bumps it, as the episode's creation did long before the person asked
to obscure it; that counter says "something was written", never what). DPCM 178/2015 art. 8; Garante: the fact of
hiding must not be inferable from counts, numbering, 403 vs 404 or messages (/work/shared/domain.md).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date
from unittest import mock

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from cse.cartella import records
from cse.cartella.relay import relay_outbox
from cse.cittadino.services import cittadino_ensure
from cse.core.middleware import RECENT_AUTH_KEY
from cse.regionale.ingest import ingest_event
from tests.test_isolation_matrix import _body

pytestmark = pytest.mark.django_db(databases=["default", "regionale"])

EPISODE = "Visita domiciliare che la persona chiede di oscurare"
OBSCURE_READS = 2  # the obscuring page logs one read of the case's diario on GET and one on POST


class _Rollback(Exception):
    pass


def _normalise(body: str) -> str:
    body = re.sub(r'name="version" value="\d+"', 'name="version"', body)
    return re.sub(r"\b\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\b", "hh:mm", body)


def _run(world, *, obscured: bool, case_key: str, observe: Callable[[dict], tuple]) -> tuple:
    """One world, rolled back after the observation; returns what `observe` saw."""
    seen: dict = {}
    try:
        with transaction.atomic(), transaction.atomic(using="regionale"):
            cartella = world.cartelle[case_key]
            worker = world.user(case_key, "assistente_sociale")
            client = Client()
            client.force_login(worker)
            if obscured:
                voce = records.diario_add(
                    cartella=cartella,
                    tipo="visita",
                    testo=EPISODE,
                    data_evento=date(2026, 11, 3),
                    riservata=False,
                    by=worker,
                )
                url = reverse("locale:diario_oscura", kwargs={"pk": voce.pk})
                assert client.get(url).status_code == 200
                assert client.post(url, {"reason": "richiesta prot. 123/2026"}).status_code == 302
                seen["voce"] = voce.pk
            else:
                for _ in range(OBSCURE_READS):
                    assert client.get(reverse("locale:diario", kwargs={"pk": cartella.pk})).status_code == 200
            relay_outbox(sender=ingest_event)
            seen["result"] = observe({"world": world, "cartella": cartella, "voce": seen.get("voce")})
            raise _Rollback
    except _Rollback:
        pass
    return seen


def _get(user, url: str, *, recent_auth: bool = False, pdf: bool = False):
    client = Client()
    client.force_login(user)
    if recent_auth:
        session = client.session
        session[RECENT_AUTH_KEY] = time.time()
        session.save()
    if pdf:
        # A PDF is compared on what it prints: the HTML it is rendered from (its bytes carry a creation timestamp).
        from django.template.loader import render_to_string

        def html_instead(template, context, *, request=None):
            return render_to_string(template, context, request=request).encode()

        with mock.patch("cse.locale.views_cartella.render_pdf", html_instead):
            response = client.get(url)
    else:
        response = client.get(url)
    return response.status_code, _normalise(_body(response))


def _operator(key, ruolo, route, *, case_key="A1", query="", **kw):
    def observe(ctx):
        world, cartella = ctx["world"], ctx["cartella"]
        kwargs = {"pk": cartella.pk} if route.startswith("locale:") and route != "locale:lavoro" else {}
        if route == "locale:pdf":
            kwargs["kind"] = "riepilogo"
        if route.startswith("ambito:"):
            kwargs = {"pk": cartella.pk}
        if route in {"ente_accessi", "ente_accessi_csv", "ente_storico"}:
            kwargs = {"pk": world.enti[key].pk}
        if route in {"locale:assistiti_list", "locale:lavoro", "regionale:cruscotto"}:
            kwargs = {}
        return _get(world.user(key, ruolo), reverse(route, kwargs=kwargs) + query, **kw)

    return case_key, observe


def _citizen(route):
    def observe(ctx):
        person = ctx["world"].assistiti["A1"]
        cittadino = cittadino_ensure(codice_fiscale=person.codice_fiscale, nome=person.nome, cognome=person.cognome)
        return _get(cittadino.user, reverse(route))

    return "A1", observe


SURFACES = {
    # the case page: last diary entries, badges, counts
    "scheda della cartella (case manager)": _operator("A1", "assistente_sociale", "locale:cartella_detail"),
    "scheda della cartella (responsabile)": _operator("A1", "responsabile", "locale:cartella_detail"),
    # the diario and its filter, for the professional level and the front desk
    "diario (case manager)": _operator("A1", "assistente_sociale", "locale:diario"),
    "diario filtrato per tipo": _operator("A1", "assistente_sociale", "locale:diario", query="?tipo=visita"),
    "diario (sportello)": _operator("A1", "segretariato", "locale:diario"),
    # search and worklists
    "ricerca assistiti": _operator("A1", "assistente_sociale", "locale:assistiti_list", query="?q=Quaranta"),
    "liste di lavoro": _operator("A1", "assistente_sociale", "locale:lavoro"),
    # PDF summary of the case
    "PDF riepilogo": _operator("A1", "assistente_sociale", "locale:pdf", pdf=True),
    # audit pages of the ente: access log (page and CSV), change history
    "registro accessi": _operator("A1", "responsabile", "ente_accessi"),
    "registro accessi CSV": _operator("A1", "responsabile", "ente_accessi_csv", recent_auth=True),
    "storico modifiche": _operator("A1", "responsabile", "ente_storico"),
    # the ambito tier, on a case the ambito owns
    "ambito: scheda della cartella": _operator("AMB_A", "ufficio_di_piano", "ambito:cartella_detail", case_key="AMB_A"),
    "ambito: diario": _operator("AMB_A", "assistente_sociale", "locale:diario", case_key="AMB_A"),
    # the person's own views
    "cittadino: chi ha consultato": _citizen("cittadino:chi_ha_consultato"),
    "cittadino: chi ha consultato CSV": _citizen("cittadino:chi_ha_consultato_csv"),
    "cittadino: area personale": _citizen("cittadino:area_personale"),
    # the region: event counts on the analysts' dashboard, after relay and ingestion
    "cruscotto regionale": _operator("REG", "analista_regionale", "regionale:cruscotto"),
}


@pytest.mark.parametrize("surface", list(SURFACES))
def test_an_obscured_episode_looks_exactly_like_one_that_never_existed(world, surface):
    case_key, observe = SURFACES[surface]
    obscured = _run(world, obscured=True, case_key=case_key, observe=observe)
    never = _run(world, obscured=False, case_key=case_key, observe=observe)
    assert obscured["result"][0] == 200, f"{surface}: la pagina non risponde"
    assert obscured["result"] == never["result"], f"{surface}: l'episodio oscurato si distingue da uno mai esistito"


def test_the_obscured_entry_url_answers_like_a_missing_one_and_logs_nothing(world):
    def observe(ctx):
        from cse.core.models import AccessLog

        user = ctx["world"].user("A1", "assistente_sociale")
        before = AccessLog.objects.count()
        answers = [_get(user, reverse("locale:diario_oscura", kwargs={"pk": pk})) for pk in (ctx["voce"], 10_000_000)]
        return answers, AccessLog.objects.count() - before

    (obscured_answer, missing_answer), logged = _run(world, obscured=True, case_key="A1", observe=observe)["result"]
    assert obscured_answer[0] == 404 and obscured_answer == missing_answer
    assert logged == 0


def test_the_episode_was_visible_before_it_was_obscured(world):
    """The comparison above can fail: without the obscuring, the episode shows on the diario and at the region."""
    try:
        with transaction.atomic(), transaction.atomic(using="regionale"):
            worker = world.user("A1", "assistente_sociale")
            records.diario_add(
                cartella=world.cartelle["A1"],
                tipo="visita",
                testo=EPISODE,
                data_evento=date(2026, 11, 3),
                riservata=False,
                by=worker,
            )
            relay_outbox(sender=ingest_event)
            status, body = _get(worker, reverse("locale:diario", kwargs={"pk": world.cartelle["A1"].pk}))
            assert EPISODE in body
            from cse.regionale.ingest import counted_events

            assert counted_events().filter(event_type="cartella.diario_voce").exists()
            raise _Rollback
    except _Rollback:
        pass
