"""The operator's "Oggi": their overdue and this week's deadlines among the cases they may see, the whole service's
overdue ones for the coordinator, new cases and transfers waiting; a bounded number of queries whatever it holds;
deadlines added, done and cancelled from the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cse.cartella.actions.approvazioni import unione_o_richiesta
from cse.cartella.actions.scadenze import scadenza_add
from cse.cartella.models import Scadenza
from cse.core.codelists.scadenze import StatoScadenza, TipoScadenza
from tests.support.approvazioni import require_approval, twin_of
from tests.support.factories import CartellaFactory, OperatoreFactory
from tests.support.places import foreign_comune, resident

pytestmark = pytest.mark.django_db
T = TipoScadenza


def _deadline(case, by, days: int, **kwargs):
    return scadenza_add(
        cartella=case,
        tipo=T.PROMEMORIA,
        due=timezone.localdate() + timedelta(days=days),
        by=by,
        gia_scaduta=days < 0,
        **kwargs,
    )


def _row_ids(response, name):
    return {s.pk for s in response.context["lists"][name].object_list}


def test_oggi_shows_my_overdue_and_this_weeks_deadlines_never_a_foreign_comunes(client_for, case, worker):
    overdue, this_week, later = _deadline(case, worker, -2), _deadline(case, worker, 3), _deadline(case, worker, 30)
    abroad = foreign_comune()
    stranger = OperatoreFactory(ente=abroad, ruolo="assistente_sociale")
    foreign_case = CartellaFactory(assistito=resident(abroad), by=stranger)
    foreign = _deadline(foreign_case, stranger, -1)

    response = client_for(worker).get(reverse("oggi"))
    assert response.status_code == 200
    assert _row_ids(response, "scadute") == {overdue.pk}
    assert _row_ids(response, "settimana") == {this_week.pk}
    assert later.pk not in _row_ids(response, "settimana")
    assert foreign.pk not in _row_ids(response, "scadute")  # case numbers repeat across comuni: ids, not numbers
    assert "servizio" not in response.context["lists"]  # a social worker is no coordinator


def test_a_colleagues_deadline_is_theirs_and_the_coordinator_sees_every_overdue_one(client_for, comune, case, worker):
    colleague = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    theirs = _deadline(case, worker, -1, responsabile=colleague)
    coordinator = OperatoreFactory(ente=comune, ruolo="responsabile")

    assert theirs.pk not in _row_ids(client_for(worker).get(reverse("oggi")), "scadute")
    assert theirs.pk in _row_ids(client_for(colleague).get(reverse("oggi")), "scadute")
    response = client_for(coordinator).get(reverse("oggi"))
    assert _row_ids(response, "servizio") == {theirs.pk}
    assert _row_ids(response, "scadute") == set()


def test_the_coordinator_of_another_comune_sees_none_of_ours(client_for, case, worker):
    _deadline(case, worker, -1)
    other_coordinator = OperatoreFactory(ente=foreign_comune(), ruolo="responsabile")
    response = client_for(other_coordinator).get(reverse("oggi"))
    assert _row_ids(response, "servizio") == set()


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("oggi")).status_code == 200
    return len(ctx.captured_queries)


def test_oggi_costs_the_same_queries_for_two_deadlines_or_sixty(client_for, comune, worker):
    """The lists are counted together and each reads one page: the cost depends on which lists have rows (one
    query each), never on how many rows they hold."""
    cases = [CartellaFactory(assistito=resident(comune), by=worker) for _ in range(3)]
    _deadline(cases[0], worker, -1)
    _deadline(cases[0], worker, 3)
    client = client_for(worker)
    few = _queries(client)
    for case in cases:
        for days in range(-10, 10):
            _deadline(case, worker, days)
    assert _queries(client) == few


def test_a_new_deadline_in_the_past_is_refused_on_the_form(client_for, case, worker):
    url = reverse("locale:scadenza_nuova", args=[case.pk])
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client_for(worker).post(url, {"tipo": T.PROMEMORIA, "scadenza": yesterday, "note": "telefonare"})
    assert response.status_code == 200
    assert "già passata" in response.content.decode()
    assert not Scadenza.objects.exists()
    data = {"tipo": T.PROMEMORIA, "scadenza": yesterday, "gia_scaduta": "on", "note": "telefonare"}
    assert client_for(worker).post(url, data).status_code == 302
    assert Scadenza.objects.get().note == "telefonare"


def test_done_and_cancel_from_the_case_page(client_for, case, worker):
    first, second = _deadline(case, worker, 2), _deadline(case, worker, 4)
    client = client_for(worker)
    page = client.get(reverse("locale:cartella_detail", args=[case.pk])).content.decode()
    assert reverse("locale:scadenza_chiusura", args=[first.pk]) in page
    client.post(reverse("locale:scadenza_chiusura", args=[first.pk]), {"azione": "fatta"})
    client.post(reverse("locale:scadenza_chiusura", args=[second.pk]), {"azione": "annulla", "note": "superata"})
    assert Scadenza.objects.get(pk=first.pk).stato == StatoScadenza.FATTA
    assert Scadenza.objects.get(pk=second.pk).stato == StatoScadenza.ANNULLATA


def test_a_foreign_operator_cannot_close_our_deadline(client_for, case, worker):
    mine = _deadline(case, worker, 2)
    stranger = OperatoreFactory(ente=foreign_comune(), ruolo="assistente_sociale")
    response = client_for(stranger).post(reverse("locale:scadenza_chiusura", args=[mine.pk]), {"azione": "fatta"})
    assert response.status_code == 404
    assert Scadenza.objects.get(pk=mine.pk).stato == StatoScadenza.APERTA


def test_the_digest_opt_out_is_the_operators_own(client_for, worker):
    client = client_for(worker)
    client.post(reverse("oggi_riepilogo"), {"attivo": "0"})
    assert client.get(reverse("oggi")).context["digest_attivo"] is False
    client.post(reverse("oggi_riepilogo"), {"attivo": "1"})
    assert client.get(reverse("oggi")).context["digest_attivo"] is True


def test_oggi_lists_the_requests_waiting_for_the_operators_approval(client_for, comune, worker, person):
    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    require_approval(comune, "unione")
    richiesta = unione_o_richiesta(keep=person, duplicate=twin_of(person), by=worker, reason="Doppione").richiesta
    page = client_for(responsabile).get(reverse("oggi")).content.decode()
    assert reverse("approvazione", args=[richiesta.pk]) in page
    assert reverse("approvazione", args=[richiesta.pk]) not in client_for(worker).get(reverse("oggi")).content.decode()
