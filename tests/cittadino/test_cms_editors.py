"""Editors' isolation in Wagtail admin: the editors of one ente edit, add, publish and move pages in their own section
only, use their own media collection only, and cannot point a service at another ente's front office; page fields
stay within sane bounds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.test.utils import WagtailTestUtils
from wagtail.test.utils.form_data import querydict_from_html

from cse.cittadino.pages.notizia import NotiziaPage
from cse.cittadino.pages.servizio import ServizioPage
from cse.cittadino.pages.sezione import SezioneEntePage
from tests.support.factories import OperatoreFactory, make_sportello
from tests.support.places import regione
from tests.support.portal import portal_for

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def portal(comune, other_comune):
    """Every test here works on the portal with the sections of two comuni of different ambiti."""
    portal_for(comune, other_comune)


def _servizio(sezione, title):
    page = ServizioPage(
        title=title,
        cosa_e="<p>Aiuto a casa</p>",
        destinatari="<p>Anziani</p>",
        come_accedere="<p>Allo sportello</p>",
    )
    sezione.add_child(instance=page)
    return page


def test_editor_edits_own_section_and_not_another_entes(comune, other_comune, client):
    editor = OperatoreFactory(ente=comune, ruolo="redattore_portale")
    molfetta = SezioneEntePage.objects.get(ente=comune)
    altamura = SezioneEntePage.objects.get(ente=other_comune)
    own = _servizio(molfetta, "Assistenza domiciliare")
    foreign = _servizio(altamura, "Assistenza domiciliare Altamura")
    client.force_login(editor)

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


def test_other_operators_have_no_cms_access(comune, client):
    client.force_login(OperatoreFactory(ente=comune, ruolo="assistente_sociale"))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_published_service_page_is_served_with_prenota_link(comune, client):
    sezione = SezioneEntePage.objects.get(ente=comune)

    page = _servizio(sezione, "Segretariato sociale")
    page.sportello = make_sportello(comune)
    page.argomento = "non_autosufficienza"
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "Chi si rivolge" not in html and "A chi si rivolge" in html
    assert f"sportello={page.sportello.pk}" in html and "argomento=non_autosufficienza" in html
    home = client.get("/")
    assert home.status_code == 200 and "Comune di Molfetta" in home.content.decode()


# --- per-ente scoping through every admin action, field bounds, media collections --------------------------------


def _sections(comune, other_comune):
    return SezioneEntePage.objects.get(ente=comune), SezioneEntePage.objects.get(ente=other_comune)


def _edit_data(client, page, **changes) -> dict:
    """The edit form as the page posts it (read back from the admin's HTML), with the given fields changed."""
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    data = querydict_from_html(html, form_id="page-edit-form")
    for name, value in changes.items():
        data[name] = value
    return data


def test_editor_cannot_publish_unpublish_delete_or_move_another_entes_pages(comune, other_comune, client):
    editor = OperatoreFactory(ente=comune, ruolo="redattore_portale")
    molfetta, altamura = _sections(comune, other_comune)
    own = _servizio(molfetta, "Assistenza domiciliare")
    live = _servizio(altamura, "Servizio pubblicato di Altamura")
    draft = altamura.add_child(
        instance=ServizioPage(
            title="Bozza di Altamura", cosa_e="<p>x</p>", destinatari="<p>x</p>", come_accedere="<p>x</p>", live=False
        )
    )
    draft.save_revision()
    client.force_login(editor)

    attempts = [
        reverse("wagtailadmin_pages:unpublish", args=[live.pk]),
        reverse("wagtailadmin_pages:delete", args=[live.pk]),
        reverse("wagtailadmin_pages:move_confirm", args=[live.pk, molfetta.pk]),
        reverse("wagtailadmin_pages:move_confirm", args=[own.pk, altamura.pk]),
        reverse("wagtailadmin_pages:delete", args=[altamura.pk]),
        reverse("wagtailadmin_pages:unpublish", args=[altamura.pk]),
        reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + f"?id={draft.pk}",
        reverse("wagtail_bulk_action", args=["wagtailcore", "page", "unpublish"]) + f"?id={live.pk}",
        reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"]) + f"?id={live.pk}",
        reverse("wagtail_bulk_action", args=["wagtailcore", "page", "move"]) + f"?id={live.pk}",
    ]
    for url in attempts:
        response = client.post(url, {"move_applies_to": "selected", "chooser": molfetta.pk})
        assert response.status_code in (200, 302, 403), url
    client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), {"title": "x", "action-publish": "publish"})

    for page, parent in ((live, altamura), (own, molfetta), (draft, altamura)):
        page.refresh_from_db()
        assert page.get_parent().pk == parent.pk
    assert live.live and not draft.live and draft.title == "Bozza di Altamura"
    altamura.refresh_from_db()
    assert altamura.live and SezioneEntePage.objects.filter(pk=altamura.pk).exists()


def test_a_service_cannot_book_at_another_entes_front_office(comune, other_comune, client):
    editor = OperatoreFactory(ente=comune, ruolo="redattore_portale")

    molfetta, _ = _sections(comune, other_comune)
    page = _servizio(molfetta, "Segretariato sociale")
    foreign = make_sportello(other_comune)
    own = make_sportello(comune)
    client.force_login(editor)

    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    offered = [o.get("value") for o in WagtailTestUtils.get_soup(html).select('select[name="sportello"] option')]
    assert str(own.pk) in offered and str(foreign.pk) not in offered  # the chooser offers its own ente's only
    client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        _edit_data(client, page, sportello=str(foreign.pk), **{"action-publish": "publish"}),
    )
    page.refresh_from_db()
    assert page.sportello_id is None
    assert all(r.content.get("sportello") != foreign.pk for r in page.revisions.all())
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        _edit_data(client, page, sportello=str(own.pk), **{"action-publish": "publish"}),
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.sportello_id == own.pk

    # the model refuses it too, whoever writes the page
    page.sportello = foreign
    with pytest.raises(ValidationError) as exc:
        page.full_clean()
    assert "altro ente" in str(exc.value)


@pytest.mark.parametrize(
    ("value", "message"),
    [("-1", "non può essere negativa"), ("100000.01", "non può superare 100.000 euro")],
)
def test_the_isee_threshold_stays_between_zero_and_100000(comune, other_comune, client, value, message):
    editor = OperatoreFactory(ente=comune, ruolo="redattore_portale")
    molfetta, _ = _sections(comune, other_comune)
    page = _servizio(molfetta, "Contributi economici")
    client.force_login(editor)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        _edit_data(client, page, soglia_isee=value, **{"action-publish": "publish"}),
    )
    assert message in response.content.decode()
    page.refresh_from_db()
    assert page.soglia_isee is None
    page.soglia_isee = Decimal("100000")
    page.full_clean()


def test_a_news_date_must_be_plausible(comune, other_comune):
    molfetta, _ = _sections(comune, other_comune)
    news = NotiziaPage(title="Notizia", sommario="s", testo="<p>t</p>", data=date(1900, 1, 1))
    with pytest.raises(ValidationError, match="dal 2000"):
        molfetta.add_child(instance=news)
    assert not NotiziaPage.objects.child_of(molfetta).filter(title="Notizia").exists()


def test_the_section_cannot_be_moved_to_another_ente(comune, other_comune):
    region = regione()
    molfetta, _ = _sections(comune, other_comune)
    molfetta.ente = region  # an ente without a section: the unique link would not stop it
    with pytest.raises(ValidationError, match="non si può cambiare"):
        molfetta.full_clean()


def test_editors_upload_and_choose_media_in_their_own_collection_only(comune, other_comune, client):
    from wagtail.documents.models import Document

    editor = OperatoreFactory(ente=comune, ruolo="redattore_portale")
    molfetta, altamura = _sections(comune, other_comune)
    assert molfetta.collezione_id and altamura.collezione_id and molfetta.collezione_id != altamura.collezione_id
    foreign_doc = Document.objects.create(
        title="Modulo di Altamura", file=SimpleUploadedFile("altamura.pdf", PDF), collection=altamura.collezione
    )
    client.force_login(editor)

    for collection in (altamura.collezione, molfetta.collezione):
        client.post(
            reverse("wagtaildocs:add"),
            {"title": f"Modulo {collection.pk}", "file": SimpleUploadedFile("m.pdf", PDF), "collection": collection.pk},
        )
    assert not Document.objects.filter(collection=altamura.collezione).exclude(pk=foreign_doc.pk).exists()
    assert Document.objects.filter(collection=molfetta.collezione, title=f"Modulo {molfetta.collezione_id}").exists()

    chooser = client.get(reverse("wagtaildocs_chooser:choose")).content.decode()
    assert "Modulo di Altamura" not in chooser
    assert client.get(reverse("wagtaildocs:edit", args=[foreign_doc.pk])).status_code in (302, 403)
    from wagtail.images import get_image_model
    from wagtail.permissions import policy_registry

    images = policy_registry.get_by_type(get_image_model())
    assert [c.pk for c in images.collections_user_has_permission_for(editor, "add")] == [molfetta.collezione_id]


def test_editor_rights_are_resynchronised_from_one_place(comune, other_comune):
    """A permission granted by hand on another ente's section or collection is removed by the next sync."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupCollectionPermission, GroupPagePermission

    from cse.cittadino.cms import portale_editori_ensure

    molfetta, altamura = _sections(comune, other_comune)
    group = Group.objects.get(name=f"ente-{comune.pk}:redattore_portale")
    GroupPagePermission.objects.create(
        group=group, page=altamura, permission=Permission.objects.get(codename="change_page")
    )
    GroupCollectionPermission.objects.create(
        group=group, collection=altamura.collezione, permission=Permission.objects.get(codename="add_document")
    )
    portale_editori_ensure(ente=comune)
    assert set(GroupPagePermission.objects.filter(group=group).values_list("page_id", flat=True)) == {molfetta.pk}
    assert set(GroupCollectionPermission.objects.filter(group=group).values_list("collection_id", flat=True)) == {
        molfetta.collezione_id
    }


def test_publishing_an_older_copy_of_the_section_keeps_its_collection(comune, other_comune):
    molfetta, _ = _sections(comune, other_comune)
    collezione = molfetta.collezione_id
    stale = SezioneEntePage.objects.get(pk=molfetta.pk)
    stale.collezione = None  # as in a revision saved before the collection existed
    stale.mostra_prestazioni = True
    stale.save_revision().publish()
    molfetta.refresh_from_db()
    assert molfetta.mostra_prestazioni and molfetta.collezione_id == collezione
