"""Editors' isolation in Wagtail admin: the editors of one ente edit and add pages in their own section only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cse.cittadino.pages.servizio import ServizioPage
from cse.cittadino.pages.sezione import SezioneEntePage

pytestmark = pytest.mark.django_db


def _servizio(sezione, title):
    page = ServizioPage(
        title=title,
        cosa_e="<p>Aiuto a casa</p>",
        destinatari="<p>Anziani</p>",
        come_accedere="<p>Allo sportello</p>",
    )
    sezione.add_child(instance=page)
    return page


def test_editor_edits_own_section_and_not_another_entes(world, client):
    molfetta = SezioneEntePage.objects.get(ente=world.enti["A1"])
    altamura = SezioneEntePage.objects.get(ente=world.enti["B1"])
    own = _servizio(molfetta, "Assistenza domiciliare")
    foreign = _servizio(altamura, "Assistenza domiciliare Altamura")
    client.force_login(world.user("A1", "redattore_portale"))

    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    assert client.get(reverse("wagtailadmin_pages:edit", args=[own.pk])).status_code == 200
    assert client.get(reverse("wagtailadmin_pages:edit", args=[foreign.pk])).status_code in (302, 403)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[altamura.pk])).status_code in (302, 403)

    # a POST to the foreign page changes nothing
    client.post(
        reverse("wagtailadmin_pages:edit", args=[foreign.pk]),
        {"title": "Modificato da Molfetta", "slug": foreign.slug, "action-publish": "publish"},
    )
    foreign.refresh_from_db()
    assert foreign.title == "Assistenza domiciliare Altamura"

    add_foreign = reverse("wagtailadmin_pages:add", args=["cittadino", "notiziapage", altamura.pk])
    assert client.get(add_foreign).status_code in (302, 403)
    add_own = reverse("wagtailadmin_pages:add", args=["cittadino", "notiziapage", molfetta.pk])
    assert client.get(add_own).status_code == 200


def test_other_operators_have_no_cms_access(world, client):
    client.force_login(world.user("A1", "assistente_sociale"))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_published_service_page_is_served_with_prenota_link(world, client):
    sezione = SezioneEntePage.objects.get(ente=world.enti["A1"])
    from cse.cittadino.agenda import Sportello

    page = _servizio(sezione, "Segretariato sociale")
    page.sportello = Sportello.objects.get(ente=world.enti["A1"])
    page.argomento = "non_autosufficienza"
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "Chi si rivolge" not in html and "A chi si rivolge" in html
    assert f"sportello={page.sportello.pk}" in html and "argomento=non_autosufficienza" in html
    home = client.get("/")
    assert home.status_code == 200 and "Comune di Molfetta" in home.content.decode()
