"""«I miei consensi» in the citizen portal: the citizen sees the informativa and consents of their own records only
(matched by codice fiscale), gives and revokes the consent-based ones with effect at once; revoking twice is
harmless; another citizen's consent answers 404."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cse.cartella.actions.cartella import cartella_share
from cse.cartella.actions.consensi import consenso_give, informativa_record
from cse.cartella.consensi import Consenso
from cse.cartella.models import Cartella
from cse.cittadino.services import cittadino_ensure
from cse.core.models import OutboxEvent
from tests.support.places import resident


def _login_as(client, person):
    user = cittadino_ensure(codice_fiscale=person.codice_fiscale, nome=person.nome, cognome=person.cognome).user
    client.force_login(user)
    return user


def test_anonymous_visitors_go_to_the_citizen_login(client, db):
    response = client.get(reverse("cittadino:consensi"))
    assert response.status_code == 302 and reverse("cittadino:accesso") in response["Location"]


def test_the_citizen_sees_only_their_own_consents(client, comune, person, worker):
    neighbour = resident(comune)
    informativa_record(assistito=person, versione="2025-01", data=timezone.localdate(), canale="a_mano", by=worker)
    mine = consenso_give(assistito=person, finalita="app_io", canale="a_mano", by=worker)
    theirs = consenso_give(assistito=neighbour, finalita="email", canale="a_mano", by=worker)
    _login_as(client, person)

    page = client.get(reverse("cittadino:consensi")).content.decode()
    assert f'data-scheda="{person.pk}"' in page and f'data-scheda="{neighbour.pk}"' not in page
    assert reverse("cittadino:consenso_revoca", args=[mine.pk]) in page
    assert "Informativa ricevuta il" in page

    other = client.post(reverse("cittadino:consenso_revoca", args=[theirs.pk]))
    assert other.status_code == 404
    assert Consenso.objects.get(pk=theirs.pk).attivo


def test_the_citizen_revokes_with_effect_at_once_and_a_second_time_changes_nothing(client, case, person, worker):
    coop = get_user_model().objects.create_user(username="coop_ets")
    consenso = consenso_give(assistito=person, finalita="terzo_settore", canale="a_mano", by=worker)
    cartella_share(
        cartella=case,
        username="coop_ets",
        destinatario="terzo_settore",
        base_giuridica="consenso_terzo_settore",
        scade_il=None,
        by=worker,
    )
    _login_as(client, person)
    url = reverse("cittadino:consenso_revoca", args=[consenso.pk])

    client.post(url)
    again = client.post(url, follow=True).content.decode()

    assert "già stato revocato" in again
    consenso.refresh_from_db()
    assert consenso.revocato_tramite == "portale" and consenso.revocato_da.cittadino.codice_fiscale
    assert OutboxEvent.objects.filter(event_type="consenso.revocato").count() == 1
    assert OutboxEvent.objects.filter(event_type="consenso.condivisione_terminata").count() == 1
    fresh = get_user_model().objects.get(pk=coop.pk)
    assert not Cartella.objects.visible_to(fresh).filter(pk=case.pk).exists()


def test_the_citizen_gives_a_consent_from_the_portal_only_on_their_own_record(client, comune, person):
    neighbour = resident(comune)
    _login_as(client, person)
    client.post(reverse("cittadino:consenso_dai"), {"scheda": person.pk, "finalita": "email"})
    foreign = client.post(reverse("cittadino:consenso_dai"), {"scheda": neighbour.pk, "finalita": "email"})

    assert foreign.status_code == 404
    given = Consenso.objects.get()
    assert (given.assistito, given.canale, given.finalita) == (person, "portale", "email")


def test_an_operator_is_nobodys_citizen(client, person, worker):
    consenso = consenso_give(assistito=person, finalita="email", canale="a_mano", by=worker)
    client.force_login(worker)
    assert client.post(reverse("cittadino:consenso_revoca", args=[consenso.pk])).status_code == 404
    assert client.get(reverse("cittadino:consensi")).status_code == 302
    assert Consenso.objects.get(pk=consenso.pk).attivo
