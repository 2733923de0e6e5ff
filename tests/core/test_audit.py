"""Every read is access-logged with the right user; the log is append-only; ente admins read their own ente's log."""

from html import unescape

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import escape

from cse.core.models import AccessLog


def test_reading_a_case_and_a_person_writes_access_log_rows_for_that_user(world, client):
    user = world.user("A1", "assistente_sociale")
    client.force_login(user)
    client.get(reverse("locale:cartella_detail", kwargs={"pk": world.cartelle["A1"].pk}))
    client.get(reverse("locale:assistito_detail", kwargs={"pk": world.assistiti["A1"].pk}))
    rows = list(AccessLog.objects.order_by("id").values_list("user_id", "oggetto_tipo", "oggetto_id", "assistito_id"))
    assert rows == [
        (user.pk, "cartella", world.cartelle["A1"].pk, world.assistiti["A1"].pk),
        (user.pk, "assistito", world.assistiti["A1"].pk, world.assistiti["A1"].pk),
    ]


def test_a_refused_read_leaves_no_access_row(world, client):
    client.force_login(world.user("B1", "assistente_sociale"))
    client.get(reverse("locale:cartella_detail", kwargs={"pk": world.cartelle["A1"].pk}))
    client.get(reverse("ambito:cartella_detail", kwargs={"pk": world.cartelle["A1"].pk}))
    assert AccessLog.objects.count() == 0


def test_access_log_rows_cannot_be_changed_or_deleted_through_the_application(world, client):
    client.force_login(world.user("A1", "assistente_sociale"))
    client.get(reverse("locale:cartella_detail", kwargs={"pk": world.cartelle["A1"].pk}))
    row = AccessLog.objects.get()
    row.finalita = "cambiata"
    with pytest.raises(PermissionDenied):
        row.save()
    with pytest.raises(PermissionDenied):
        row.delete()
    with pytest.raises(PermissionDenied):
        AccessLog.objects.all().update(finalita="x")
    with pytest.raises(PermissionDenied):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get().finalita == ""


def test_the_ente_admin_sees_who_read_a_person_of_their_ente_and_only_their_ente(world, client):
    reader = world.user("A1", "assistente_sociale")
    client.force_login(reader)
    client.get(reverse("locale:assistito_detail", kwargs={"pk": world.assistiti["A1"].pk}))
    client.force_login(world.user("A2", "assistente_sociale"))
    client.get(reverse("locale:assistito_detail", kwargs={"pk": world.assistiti["A2"].pk}))

    client.force_login(world.user("A1", "amministratore_ente"))
    page = client.get(
        reverse("ente_accessi", kwargs={"pk": world.enti["A1"].pk}), {"assistito": world.assistiti["A1"].pk}
    )
    html = unescape(page.content.decode())  # synthetic names may carry an apostrophe (D'Angelo), escaped in HTML
    assert page.status_code == 200
    person, foreign = world.assistiti["A1"], world.assistiti["A2"]
    assert reader.last_name in html and f"{person.cognome} {person.nome}" in html
    assert f"{foreign.cognome} {foreign.nome}" not in html
    assert client.get(reverse("ente_accessi", kwargs={"pk": world.enti["A2"].pk})).status_code == 404


def test_history_rows_carry_the_acting_user_and_are_shown_to_the_ente_admin(world, client):
    manager = world.user("A1", "assistente_sociale")
    client.force_login(manager)
    client.post(reverse("locale:cartella_nuova", kwargs={"pk": world.assistiti["A1"].pk}))
    cartella = world.assistiti["A1"].cartelle.order_by("-pk").first()
    assert cartella.history.get().history_user == manager
    client.force_login(world.user("A1", "responsabile"))
    html = client.get(reverse("ente_storico", kwargs={"pk": world.enti["A1"].pk})).content.decode()
    assert cartella.numero in html and escape(manager.last_name) in html
