"""Oscuramento: an episode the person asked to obscure and one that never existed look the same on every surface.

Each test plays two timelines from the same starting state, each inside savepoints on both databases that are rolled
back afterwards: in one an operator records an episode and later obscures it at the person's request (through the
page, as in real use); in the other the episode never existed and the operator only reads the diario as many times
as the obscuring page logs a read. Then the same user reads the same surface in both timelines, and the two answers
must be identical: status and body, after removing the per-request CSRF token and CSP nonce (`_body` of the
isolation matrix), the clock times (HH:MM[:SS], the two timelines run a few milliseconds apart) and the case's
optimistic-lock version (any write to the case bumps it, as the episode's creation did long before the person asked
to obscure it; that counter says "something was written", never what). DPCM 178/2015 art. 8; Garante: the fact of
hiding must not be inferable from counts, numbering, 403 vs 404 or messages (/work/shared/domain.md).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from cse.cartella.actions.diario import diario_add, diario_obscure, documento_obscure, documento_upload
from cse.cartella.fasi import Documento
from cse.cartella.relay import relay_outbox
from cse.cittadino.services import cittadino_ensure
from cse.core.middleware import RECENT_AUTH_KEY
from cse.regionale.ingest import counted_events, ingest_event
from tests.support.ambito import ambito_case
from tests.support.factories import (
    TINY_PDF,
    AmbitoEnteFactory,
    AssistitoFactory,
    CartellaFactory,
    ComuneEnteFactory,
    OperatoreFactory,
    RegioneEnteFactory,
)
from tests.support.pages import page_body
from tests.support.submission import TokenClient

pytestmark = pytest.mark.django_db(databases=["default", "regionale"])

EPISODE = "Visita domiciliare che la persona chiede di oscurare"
OBSCURE_READS = 2  # the obscuring page logs one read of the case's diario on GET and one on POST


class _Rollback(Exception):
    pass


ROLES = {
    "comune": ("assistente_sociale", "responsabile", "segretariato"),
    "ambito": ("ufficio_di_piano", "assistente_sociale"),
    "regione": ("analista_regionale",),
}


@dataclass
class Scene:
    """The comune, its ambito and the region, the operators who read the surfaces (made before either run, so both
    runs show the same names), and the person's two cases: the comune's and the one moved to the ambito."""

    enti: dict
    users: dict
    cases: dict
    person: object

    def user(self, ente_key: str, ruolo: str):
        return self.users[(ente_key, ruolo)]


@pytest.fixture
def scene() -> Scene:
    ambito = AmbitoEnteFactory()
    enti = {"comune": ComuneEnteFactory(ambito=ambito), "ambito": ambito, "regione": RegioneEnteFactory()}
    users = {(key, ruolo): OperatoreFactory(ente=enti[key], ruolo=ruolo) for key in ROLES for ruolo in ROLES[key]}
    worker = users[("comune", "assistente_sociale")]
    person = AssistitoFactory(ente=enti["comune"], cognome="Quaranta", nome="Luca", sesso="M")
    cases = {"comune": CartellaFactory(assistito=person, by=worker), "ambito": ambito_case(person, by=worker)}
    return Scene(enti=enti, users=users, cases=cases, person=person)


def _normalise(body: str) -> str:
    body = re.sub(r'name="version" value="\d+"', 'name="version"', body)
    body = re.sub(r'name="submission_token" value="[^"]*"', 'name="submission_token"', body)  # one-time, per render
    return re.sub(r"\b\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\b", "hh:mm", body)


def _diary_episode(client, worker, cartella) -> dict:
    """Record a visit, then obscure it through the page at the person's request."""
    voce = diario_add(
        cartella=cartella, tipo="visita", testo=EPISODE, data_evento=date(2026, 11, 3), riservata=False, by=worker
    )
    url = reverse("locale:diario_oscura", kwargs={"pk": voce.pk})
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "richiesta prot. 123/2026"}).status_code == 302
    return {"voce": voce.pk}


def _diary_reads(client, cartella) -> None:
    for _ in range(OBSCURE_READS):
        assert client.get(reverse("locale:diario", kwargs={"pk": cartella.pk})).status_code == 200


DIARY = (_diary_episode, _diary_reads)


def _run(scene, *, obscured: bool, case_key: str, observe: Callable[[dict], tuple], episode=DIARY) -> tuple:
    """One run, rolled back after the observation; returns what `observe` saw. `episode` is the pair (record and
    obscure it through the pages, the same reads without it)."""
    record_and_obscure, same_reads = episode
    seen: dict = {}
    try:
        with transaction.atomic(), transaction.atomic(using="regionale"):
            cartella = scene.cases[case_key]
            worker = scene.user(case_key, "assistente_sociale")
            client = TokenClient()
            client.force_login(worker)
            if obscured:
                seen.update(record_and_obscure(client, worker, cartella))
            else:
                same_reads(client, cartella)
            relay_outbox(sender=ingest_event)
            seen["result"] = observe({"scene": scene, "cartella": cartella, **seen})
            raise _Rollback
    except _Rollback:
        pass
    return seen


def _get(user, url: str, *, recent_auth: bool = False, pdf: bool = False):
    client = TokenClient()
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

        with mock.patch("cse.cartella.views.render_pdf", html_instead):
            response = client.get(url)
    else:
        response = client.get(url)
    return response.status_code, _normalise(page_body(response))


def _operator(key, ruolo, route, *, case_key="comune", query="", **kw):
    def observe(ctx):
        scene, cartella = ctx["scene"], ctx["cartella"]
        kwargs = {"pk": cartella.pk} if route.startswith("locale:") and route != "locale:lavoro" else {}
        if route == "locale:pdf":
            kwargs["kind"] = "riepilogo"
        if route.startswith("ambito:"):
            kwargs = {"pk": cartella.pk}
        if route in {"ente_accessi", "ente_accessi_csv", "ente_storico"}:
            kwargs = {"pk": scene.enti[key].pk}
        if route in {"locale:assistiti_list", "locale:lavoro", "regionale:cruscotto"}:
            kwargs = {}
        return _get(scene.user(key, ruolo), reverse(route, kwargs=kwargs) + query, **kw)

    return case_key, observe


def _citizen(route):
    def observe(ctx):
        person = ctx["scene"].person
        cittadino = cittadino_ensure(codice_fiscale=person.codice_fiscale, nome=person.nome, cognome=person.cognome)
        return _get(cittadino.user, reverse(route))

    return "comune", observe


SURFACES = {
    # the case page: last diary entries, badges, counts
    "scheda della cartella (case manager)": _operator("comune", "assistente_sociale", "locale:cartella_detail"),
    "scheda della cartella (responsabile)": _operator("comune", "responsabile", "locale:cartella_detail"),
    # the diario and its filter, for the professional level and the front desk
    "diario (case manager)": _operator("comune", "assistente_sociale", "locale:diario"),
    "diario filtrato per tipo": _operator("comune", "assistente_sociale", "locale:diario", query="?tipo=visita"),
    "diario (sportello)": _operator("comune", "segretariato", "locale:diario"),
    # search and worklists
    "ricerca assistiti": _operator("comune", "assistente_sociale", "locale:assistiti_list", query="?q=Quaranta"),
    "liste di lavoro": _operator("comune", "assistente_sociale", "locale:lavoro"),
    # PDF summary of the case
    "PDF riepilogo": _operator("comune", "assistente_sociale", "locale:pdf", pdf=True),
    # audit pages of the ente: access log (page and CSV), change history
    "registro accessi": _operator("comune", "responsabile", "ente_accessi"),
    "registro accessi CSV": _operator("comune", "responsabile", "ente_accessi_csv", recent_auth=True),
    "storico modifiche": _operator("comune", "responsabile", "ente_storico"),
    # the ambito tier, on a case the ambito owns
    "ambito: scheda della cartella": _operator(
        "ambito", "ufficio_di_piano", "ambito:cartella_detail", case_key="ambito"
    ),
    "ambito: diario": _operator("ambito", "assistente_sociale", "locale:diario", case_key="ambito"),
    # the person's own views
    "cittadino: chi ha consultato": _citizen("cittadino:chi_ha_consultato"),
    "cittadino: chi ha consultato CSV": _citizen("cittadino:chi_ha_consultato_csv"),
    "cittadino: area personale": _citizen("cittadino:area_personale"),
    # the region: event counts on the analysts' dashboard, after relay and ingestion
    "cruscotto regionale": _operator("regione", "analista_regionale", "regionale:cruscotto"),
}


@pytest.mark.parametrize("surface", list(SURFACES))
def test_an_obscured_episode_looks_exactly_like_one_that_never_existed(scene, surface):
    case_key, observe = SURFACES[surface]
    obscured = _run(scene, obscured=True, case_key=case_key, observe=observe)
    never = _run(scene, obscured=False, case_key=case_key, observe=observe)
    assert obscured["result"][0] == 200, f"{surface}: la pagina non risponde"
    assert obscured["result"] == never["result"], f"{surface}: l'episodio oscurato si distingue da uno mai esistito"


def test_the_obscured_entry_url_answers_like_a_missing_one_and_logs_nothing(scene):
    def observe(ctx):
        from cse.core.models import AccessLog

        user = ctx["scene"].user("comune", "assistente_sociale")
        before = AccessLog.objects.count()
        answers = [_get(user, reverse("locale:diario_oscura", kwargs={"pk": pk})) for pk in (ctx["voce"], 10_000_000)]
        return answers, AccessLog.objects.count() - before

    (obscured_answer, missing_answer), logged = _run(scene, obscured=True, case_key="comune", observe=observe)["result"]
    assert obscured_answer[0] == 404 and obscured_answer == missing_answer
    assert logged == 0


def test_the_episode_was_visible_before_it_was_obscured(scene):
    """The comparison above can fail: without the obscuring, the episode shows on the diario and at the region."""
    try:
        with transaction.atomic(), transaction.atomic(using="regionale"):
            worker = scene.user("comune", "assistente_sociale")
            diario_add(
                cartella=scene.cases["comune"],
                tipo="visita",
                testo=EPISODE,
                data_evento=date(2026, 11, 3),
                riservata=False,
                by=worker,
            )
            relay_outbox(sender=ingest_event)
            status, body = _get(worker, reverse("locale:diario", kwargs={"pk": scene.cases["comune"].pk}))
            assert EPISODE in body
            assert counted_events().filter(event_type="cartella.diario_voce").exists()
            raise _Rollback
    except _Rollback:
        pass


# --- Documents: an upload is an episode too (its document, its automatic diary entry, its regional event) ---------

DOCUMENT_NAME = "referto-che-la-persona-chiede-di-oscurare.pdf"


def _document_episode(via: str):
    """Upload a document through the page, then obscure it at the person's request: from the documents page
    ("documento") or from the diary entry that records the upload ("diario"). The never-existed timeline reads the same
    pages as many times: the upload page once (one finalità for reading and uploading), then the obscuring page's."""
    obscure_route, read_route = {
        "documento": ("locale:documento_oscura", "locale:documenti"),
        "diario": ("locale:diario_oscura", "locale:diario"),
    }[via]

    def record_and_obscure(client, worker, cartella) -> dict:
        upload = SimpleUploadedFile(DOCUMENT_NAME, TINY_PDF, content_type="application/pdf")
        response = client.post(
            reverse("locale:documenti", kwargs={"pk": cartella.pk}), {"tipo": "sanitario", "file": upload}
        )
        assert response.status_code == 302
        documento = Documento.objects.get(cartella=cartella, nome=DOCUMENT_NAME)
        voce = documento.voci_diario.get()
        url = reverse(obscure_route, kwargs={"pk": documento.pk if via == "documento" else voce.pk})
        assert client.get(url).status_code == 200
        assert client.post(url, {"reason": "richiesta prot. 124/2026"}).status_code == 302
        return {"documento": documento.pk, "voce": voce.pk}

    def same_reads(client, cartella) -> None:
        assert client.get(reverse("locale:documenti", kwargs={"pk": cartella.pk})).status_code == 200
        for _ in range(OBSCURE_READS):
            assert client.get(reverse(read_route, kwargs={"pk": cartella.pk})).status_code == 200

    return record_and_obscure, same_reads


DOCUMENT_SURFACES = {
    **SURFACES,
    # the documents list, for the professional level and the front desk, and on a case the ambito owns
    "documenti (case manager)": _operator("comune", "assistente_sociale", "locale:documenti"),
    "documenti (sportello)": _operator("comune", "segretariato", "locale:documenti"),
    "diario filtrato per documenti": _operator(
        "comune", "assistente_sociale", "locale:diario", query="?tipo=documento"
    ),
    "ambito: documenti": _operator("ambito", "assistente_sociale", "locale:documenti", case_key="ambito"),
}


@pytest.mark.parametrize("via", ["documento", "diario"])
@pytest.mark.parametrize("surface", list(DOCUMENT_SURFACES))
def test_an_obscured_document_looks_exactly_like_one_that_never_existed(scene, surface, via):
    case_key, observe = DOCUMENT_SURFACES[surface]
    episode = _document_episode(via)
    obscured = _run(scene, obscured=True, case_key=case_key, observe=observe, episode=episode)
    never = _run(scene, obscured=False, case_key=case_key, observe=observe, episode=episode)
    assert obscured["result"][0] == 200, f"{surface}: la pagina non risponde"
    assert obscured["result"] == never["result"], f"{surface}: il documento oscurato si distingue da uno mai esistito"


@pytest.mark.parametrize("via", ["documento", "diario"])
def test_the_obscured_document_urls_answer_like_missing_ones_and_log_nothing(scene, via):
    """Download and obscuring page of the obscured document: 404 exactly as for an id that never existed, no log
    row; the file and the row stay for legal retention, with who/why in the history, unreachable by any page."""

    def observe(ctx):
        from cse.core.models import AccessLog

        user = ctx["scene"].user("comune", "assistente_sociale")
        before = AccessLog.objects.count()
        answers = [
            [_get(user, reverse(route, kwargs={"pk": pk})) for pk in (ctx["documento"], 10_000_000)]
            for route in ("locale:documento", "locale:documento_oscura")
        ]
        kept = Documento.con_oscurati.get(pk=ctx["documento"])
        reasons = [h.history_change_reason for h in kept.history.order_by("history_id")]
        return answers, AccessLog.objects.count() - before, kept.file.storage.exists(kept.file.name), reasons

    answers, logged, file_kept, reasons = _run(
        scene, obscured=True, case_key="comune", observe=observe, episode=_document_episode(via)
    )["result"]
    for obscured_answer, missing_answer in answers:
        assert obscured_answer[0] == 404 and obscured_answer == missing_answer
    assert logged == 0
    assert file_kept
    assert reasons[-1] == "richiesta prot. 124/2026"


def test_the_document_was_visible_and_counted_before_it_was_obscured(scene):
    """The comparison above can fail: without the obscuring, the upload shows on the documents page, in the diario
    and at the region."""
    try:
        with transaction.atomic(), transaction.atomic(using="regionale"):
            cartella = scene.cases["comune"]
            worker = scene.user("comune", "assistente_sociale")
            client = TokenClient()
            client.force_login(worker)
            relay_outbox(sender=ingest_event)
            uploads = counted_events().filter(event_type="cartella.documento_caricato")
            before = uploads.count()
            upload = SimpleUploadedFile(DOCUMENT_NAME, TINY_PDF, content_type="application/pdf")
            client.post(reverse("locale:documenti", kwargs={"pk": cartella.pk}), {"tipo": "sanitario", "file": upload})
            relay_outbox(sender=ingest_event)
            _, body = _get(worker, reverse("locale:documenti", kwargs={"pk": cartella.pk}))
            assert DOCUMENT_NAME in body
            _, body = _get(worker, reverse("locale:diario", kwargs={"pk": cartella.pk}))
            assert "Caricato il documento «Certificazione sanitaria»" in body
            assert uploads.count() == before + 1
            raise _Rollback
    except _Rollback:
        pass


def test_obscuring_without_the_reference_to_the_request_is_refused_and_writes_nothing(scene):
    """One reason rule for both entry points; a refusal leaves document, entry, history and outbox untouched."""
    from django.core.exceptions import ValidationError

    from cse.cartella.fasi import VoceDiario
    from cse.core.models import OutboxEvent

    worker = scene.user("comune", "assistente_sociale")
    upload = SimpleUploadedFile(DOCUMENT_NAME, TINY_PDF, content_type="application/pdf")
    documento = documento_upload(cartella=scene.cases["comune"], tipo="sanitario", upload=upload, by=worker)
    voce = documento.voci_diario.get()

    def written():
        return (
            Documento.objects.count(),
            Documento.history.count(),
            VoceDiario.objects.filter(oscurata=False).count(),
            VoceDiario.history.count(),
            OutboxEvent.objects.count(),
        )

    before = written()
    for obscure in (
        lambda: documento_obscure(documento=documento, reason="  ", by=worker),
        lambda: diario_obscure(voce=voce, reason="", by=worker),
    ):
        with pytest.raises(ValidationError) as exc:
            obscure()
        assert exc.value.message_dict == {"reason": ["Indicare il riferimento alla richiesta della persona."]}
        assert written() == before


def test_only_the_owner_entes_professionals_can_obscure_even_calling_the_service(scene):
    """The service checks who acts (a shell, a worker or a future API call it without the view's access helper)."""
    from django.core.exceptions import ValidationError

    from cse.cartella.fasi import VoceDiario

    worker = scene.user("comune", "assistente_sociale")
    voce = diario_add(
        cartella=scene.cases["comune"], by=worker, tipo="nota", testo=EPISODE, data_evento=date.today(), riservata=False
    )
    other_comune_worker = OperatoreFactory(ente=ComuneEnteFactory(), ruolo="assistente_sociale")
    for outsider in (other_comune_worker, scene.user("comune", "segretariato")):
        with pytest.raises(ValidationError):
            diario_obscure(voce=voce, reason="Richiesta della persona", by=outsider)
        assert not VoceDiario.objects.get(pk=voce.pk).oscurata
    diario_obscure(voce=voce, reason="Richiesta della persona", by=worker)
    assert VoceDiario.objects.get(pk=voce.pk).oscurata
