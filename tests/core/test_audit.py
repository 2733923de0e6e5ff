"""Every read is access-logged with the right user; the log is append-only; ente admins read their own ente's log."""

from html import unescape

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import escape

from cse.core.models import AccessLog
from tests.support.factories import OperatoreFactory
from tests.support.places import foreign_comune, neighbour_comune, resident


def test_reading_a_case_and_a_person_writes_access_log_rows_for_that_user(worker, person, case, client):
    user = worker
    client.force_login(user)
    client.get(reverse("locale:cartella_detail", kwargs={"pk": case.pk}))
    client.get(reverse("locale:assistito_detail", kwargs={"pk": person.pk}))
    rows = list(AccessLog.objects.order_by("id").values_list("user_id", "oggetto_tipo", "oggetto_id", "assistito_id"))
    assert rows == [
        (user.pk, "cartella", case.pk, person.pk),
        (user.pk, "assistito", person.pk, person.pk),
    ]


def test_a_refused_read_leaves_no_access_row(case, client):
    other_comune = foreign_comune()
    foreign_worker = OperatoreFactory(ente=other_comune, ruolo="assistente_sociale")
    client.force_login(foreign_worker)
    client.get(reverse("locale:cartella_detail", kwargs={"pk": case.pk}))
    client.get(reverse("ambito:cartella_detail", kwargs={"pk": case.pk}))
    assert AccessLog.objects.count() == 0


def test_access_log_rows_cannot_be_changed_or_deleted_through_the_application(worker, case, client):
    client.force_login(worker)
    client.get(reverse("locale:cartella_detail", kwargs={"pk": case.pk}))
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


def test_the_ente_admin_sees_who_read_a_person_of_their_ente_and_only_their_ente(comune, worker, person, client):
    neighbour = neighbour_comune()
    neighbour_person = resident(neighbour)
    neighbour_worker = OperatoreFactory(ente=neighbour, ruolo="assistente_sociale")
    admin = OperatoreFactory(ente=comune, ruolo="amministratore_ente")
    reader = worker
    client.force_login(reader)
    client.get(reverse("locale:assistito_detail", kwargs={"pk": person.pk}))
    client.force_login(neighbour_worker)
    client.get(reverse("locale:assistito_detail", kwargs={"pk": neighbour_person.pk}))

    client.force_login(admin)
    page = client.get(reverse("ente_accessi", kwargs={"pk": comune.pk}), {"assistito": person.pk})
    html = unescape(page.content.decode())  # synthetic names may carry an apostrophe (D'Angelo), escaped in HTML
    assert page.status_code == 200
    person, foreign = person, neighbour_person
    assert reader.last_name in html and f"{person.cognome} {person.nome}" in html
    assert f"{foreign.cognome} {foreign.nome}" not in html
    assert client.get(reverse("ente_accessi", kwargs={"pk": neighbour.pk})).status_code == 404


def test_history_rows_carry_the_acting_user_and_are_shown_to_the_ente_admin(comune, worker, person, client):
    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    manager = worker
    client.force_login(manager)
    client.post(reverse("locale:cartella_nuova", kwargs={"pk": person.pk}))
    cartella = person.cartelle.order_by("-pk").first()
    assert cartella.history.get().history_user == manager
    client.force_login(responsabile)
    html = client.get(reverse("ente_storico", kwargs={"pk": comune.pk})).content.decode()
    assert cartella.numero in html and escape(manager.last_name) in html
