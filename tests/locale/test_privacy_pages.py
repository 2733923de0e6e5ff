"""The privacy part of the person page and the case's sharing form, as the operator uses them: record the
informativa and a consent, revoke it (twice: harmless), share a case with the basis shown or refused; an operator of
another comune meets 404 and changes nothing."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cse.cartella.consensi import Consenso, Informativa
from cse.cartella.models import CartellaUserObjectPermission
from tests.support.factories import OperatoreFactory
from tests.support.places import foreign_comune


def _person_page(client, person) -> str:
    return client.get(reverse("locale:assistito_detail", args=[person.pk])).content.decode()


def test_the_operator_records_informativa_and_consent_and_revokes_it_twice_harmlessly(client_for, person, worker):
    client = client_for(worker)
    client.post(
        reverse("locale:informativa_nuova", args=[person.pk]),
        {
            "informativa-versione": "2025-01",
            "informativa-data": timezone.localdate().isoformat(),
            "informativa-canale": "a_mano",
        },
    )
    client.post(
        reverse("locale:consenso_nuovo", args=[person.pk]), {"consenso-finalita": "email", "consenso-canale": "a_mano"}
    )
    page = _person_page(client, person)
    assert "Informativa consegnata il" in page and 'data-finalita="email"' in page and "attivo" in page

    revoca = reverse("locale:consenso_revoca", args=[person.pk])
    client.post(revoca, {"revoca-finalita": "email"})
    second = client.post(revoca, {"revoca-finalita": "email"}, follow=True).content.decode()
    assert "nulla da revocare" in second
    consenso = Consenso.objects.get(assistito=person)
    assert consenso.revocato_da == worker and consenso.history.count() == 2


def test_an_informativa_dated_in_the_future_comes_back_as_an_italian_message(client_for, person, worker):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = client_for(worker).post(
        reverse("locale:informativa_nuova", args=[person.pk]),
        {"informativa-versione": "2025-01", "informativa-data": tomorrow, "informativa-canale": "a_mano"},
        follow=True,
    )
    assert "non può essere futura" in page.content.decode()
    assert not Informativa.objects.exists()


def test_an_operator_of_another_comune_can_neither_see_nor_alter_the_consents(client_for, person, worker):
    stranger = client_for(OperatoreFactory(ente=foreign_comune(), ruolo="assistente_sociale"))
    assert stranger.get(reverse("locale:assistito_detail", args=[person.pk])).status_code == 404
    given = stranger.post(
        reverse("locale:consenso_nuovo", args=[person.pk]), {"consenso-finalita": "email", "consenso-canale": "a_mano"}
    )
    assert given.status_code == 404 and not Consenso.objects.exists()


def test_sharing_the_case_shows_the_refusal_and_then_the_basis_on_the_case(client_for, case, person, worker):
    coop = get_user_model().objects.create_user(username="coop_ets")
    client = client_for(worker)
    url = reverse("locale:condivisione", args=[case.pk])
    form = {"utente": "coop_ets", "destinatario": "terzo_settore", "base_giuridica": "consenso_terzo_settore"}
    refused = client.post(url, form).content.decode()
    assert "manca il consenso" in refused
    assert not CartellaUserObjectPermission.objects.filter(user=coop).exists()

    client.post(
        reverse("locale:consenso_nuovo", args=[person.pk]),
        {"consenso-finalita": "terzo_settore", "consenso-canale": "a_mano"},
    )
    assert client.post(url, form).status_code == 302
    detail = client.get(reverse("locale:cartella_detail", args=[case.pk])).content.decode()
    assert "coop_ets" in detail and "Consenso dell&#x27;interessato" in detail
