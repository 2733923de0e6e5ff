"""Unusual-access alerts: an operator leafing through many cases that are not theirs, or reading cases outside office
hours, raises one alert for their ente's responsabile per window."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cse.cartella.actions.cartella import cartella_grant_access, cartella_open
from cse.cartella.models import Segnalazione
from tests.support.factories import CartellaFactory, ComuneEnteFactory, OperatoreFactory, register_person

N = 3


@pytest.fixture
def alert_settings(settings):
    settings.CSE_ALERT_DISTINCT_CARTELLE = N
    settings.CSE_ALERT_WINDOW_MINUTES = 10
    settings.CSE_ALERT_OFFICE_HOURS = None
    return settings


@pytest.fixture
def comune():
    return ComuneEnteFactory()


@pytest.fixture
def worker(comune):
    """The comune's social worker, manager of the cases below."""
    return OperatoreFactory(ente=comune, ruolo="assistente_sociale")


def _comune_cases(comune, count: int, *, manager):
    cases = []
    for i in range(count):
        person = register_person(
            comune, cognome="Ventura", nome=f"Nome{chr(65 + i)}", data_nascita=date(1970, 1, 1 + i)
        )
        cases.append(cartella_open(assistito=person, by=manager))
    return cases


def _read(client, cases):
    for cartella in cases:
        assert client.get(reverse("locale:cartella_detail", kwargs={"pk": cartella.pk})).status_code == 200


def _alerts(user, tipo="accessi_insoliti"):
    return Segnalazione.objects.filter(operatore=user, tipo=tipo)


@pytest.mark.django_db
def test_n_plus_one_unassigned_cases_raise_exactly_one_alert(comune, worker, client, alert_settings):
    reader = OperatoreFactory(ente=comune, ruolo="responsabile")  # sees every case of the comune, manages none of these
    cases = _comune_cases(comune, N + 3, manager=worker)
    client.force_login(reader)

    _read(client, cases[:N])
    _read(client, cases[:N])  # re-reading the same cases is not "many cases"
    assert not _alerts(reader).exists()

    _read(client, cases[N : N + 1])
    alert = _alerts(reader).get()
    assert alert.ente == comune
    assert "Ventura" not in alert.descrizione

    _read(client, cases[N + 1 :])  # still inside the window: no second alert
    assert _alerts(reader).count() == 1


@pytest.mark.django_db
def test_assigned_cases_do_not_count(comune, worker, client, alert_settings):
    own = _comune_cases(comune, N + 2, manager=worker)  # the manager's own cases
    client.force_login(worker)
    _read(client, own)
    assert not _alerts(worker).exists()

    # équipe grants are assignments too: an operator of another comune (another ambito) named on these cases
    equipe_member = OperatoreFactory(ente=ComuneEnteFactory(), ruolo="assistente_sociale")
    for cartella in own:
        cartella_grant_access(
            base_giuridica="compito_pubblico", cartella=cartella, user=equipe_member, reason="membro dell'équipe"
        )
    client.force_login(equipe_member)
    _read(client, own)
    assert not _alerts(equipe_member).exists()


@pytest.mark.django_db
def test_reading_outside_office_hours_raises_one_alert_per_window(comune, worker, client, alert_settings):
    reader = worker
    case = CartellaFactory(assistito__ente=comune, by=worker)
    client.force_login(reader)
    alert_settings.CSE_ALERT_OFFICE_HOURS = (0, 24)  # always in service
    _read(client, [case])
    assert not _alerts(reader, "fuori_orario").exists()

    alert_settings.CSE_ALERT_OFFICE_HOURS = (0, 0)  # never in service
    _read(client, [case, case])
    assert _alerts(reader, "fuori_orario").count() == 1
    assert _alerts(reader, "fuori_orario").get().ente == comune


@pytest.mark.django_db
def test_the_watcher_costs_one_query_per_case_read(comune, client, alert_settings, django_assert_num_queries):
    from cse.cartella.actions.vigilanza import detect_unusual_access
    from cse.core.models import AccessLog

    reader = OperatoreFactory(ente=comune, ruolo="responsabile")
    case = CartellaFactory(assistito__ente=comune)
    row = AccessLog.objects.create(
        user=reader,
        ente=comune,
        azione="consultazione",
        oggetto_tipo="cartella",
        oggetto_id=case.pk,
        assistito_id=case.assistito_id,
    )
    with django_assert_num_queries(1):
        assert detect_unusual_access(row) is None
