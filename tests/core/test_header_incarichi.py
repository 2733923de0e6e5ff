"""The operator's header says who they are: role and ente of each active incarico, and for each a link to the page
its work starts from. The links change nothing in the permission layer: every page shows all incarichi together."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cse.core.models import Operatore
from cse.core.services import incarico_assign
from tests.support.factories import OperatoreFactory
from tests.support.places import regione

pytestmark = pytest.mark.django_db


def test_one_incarico_shows_role_and_ente(client_for, comune):
    user = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    html = client_for(user).get(reverse("home")).content.decode()
    assert f"Assistente sociale (case manager) — {comune.nome}" in html
    assert "Il suo incarico" in html
    assert "attivi insieme" not in html


def test_several_incarichi_each_link_to_its_start_page(client_for, comune, ambito):
    user = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    operatore = Operatore.objects.get(user=user)
    incarico_assign(operatore=operatore, ente=ambito, ruolo="coordinatore_uvm")
    incarico_assign(operatore=operatore, ente=regione(), ruolo="analista_regionale")
    html = client_for(user).get(reverse("home")).content.decode()
    assert "I suoi incarichi, attivi insieme" in html
    for ruolo, url in (
        ("Assistente sociale (case manager)", reverse("locale:lavoro")),
        ("Coordinatore UVM", reverse("ambito:cartelle_list")),
        ("Analista regionale", reverse("regionale:cruscotto")),
    ):
        assert f'href="{url}"><span>{ruolo} — ' in html


def test_a_revoked_incarico_leaves_the_header(client_for, comune, ambito):
    from cse.core.models import Incarico
    from cse.core.services import incarico_revoke

    user = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    operatore = Operatore.objects.get(user=user)
    incarico_revoke(incarico=incarico_assign(operatore=operatore, ente=ambito, ruolo="coordinatore_uvm"))
    assert Incarico.objects.filter(operatore=operatore, attivo=True).count() == 1
    html = client_for(user).get(reverse("home")).content.decode()
    assert "Coordinatore UVM" not in html
