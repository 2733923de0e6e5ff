"""The pages of the possible duplicates: the worklist, the side-by-side comparison and the undoing of a merge."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cse.cartella.actions.approvazioni import approvazione_approve
from cse.cartella.actions.assistito import assistito_register
from cse.cartella.models import Assistito, NonDoppione, RichiestaApprovazione, StatoUnione, Unione
from cse.core.models import AccessLog
from tests.support.approvazioni import require_approval
from tests.support.factories import OperatoreFactory, register_person
from tests.support.places import neighbour_comune

BORN = date(1966, 11, 3)


def with_cf(ente, **fields):
    return register_person(
        ente, cognome="Lombardi", nome="Teresa", data_nascita=BORN, confirm_not_duplicate=True, **fields
    )


def without_cf(ente, code="TEMP-77", **fields):
    return assistito_register(
        ente=ente,
        cognome="Lombardi",
        nome="Teresa",
        sesso="F",
        data_nascita=BORN,
        luogo_nascita="F284",
        identificativo_temporaneo=code,
        confirm_not_duplicate=True,
        **fields,
    )


@pytest.mark.django_db
def test_the_worklist_links_each_pair_to_its_comparison(comune, worker, client_for):
    a, b = with_cf(comune), without_cf(comune)
    client = client_for(worker)
    page = client.get(reverse("locale:doppioni")).content.decode()
    assert f"{reverse('locale:doppione_confronto', args=[a.pk])}?con={b.pk}" in page
    assert "stesso nome e cognome, stessa data di nascita" in page


@pytest.mark.django_db
def test_the_comparison_highlights_differences_and_merges_with_the_chosen_values(comune, worker, client_for):
    a, b = with_cf(comune, telefono="080 111"), without_cf(comune, telefono="347 222")
    client = client_for(worker)
    url = reverse("locale:doppione_confronto", args=[a.pk])
    page = client.get(url, {"con": b.pk}).content.decode()
    assert 'class="table-warning"' in page and "347 222" in page and "080 111" in page
    assert AccessLog.objects.filter(user=worker, assistito_id=b.pk).exists()

    refused = client.post(url, {"con": b.pk, "principale": a.pk, "azione": "unisci", "reason": ""}, follow=True)
    assert "Indicare il motivo" in refused.content.decode()
    assert not Unione.objects.exists()

    client.post(url, {"con": b.pk, "principale": a.pk, "campo_telefono": b.pk, "azione": "unisci", "reason": "doppia"})
    a.refresh_from_db()
    assert a.telefono == "347 222" and Assistito.objects.get(pk=b.pk).unito_a_id == a.pk


@pytest.mark.django_db
def test_not_a_duplicate_is_stored_and_the_pair_leaves_the_worklist(comune, worker, client_for):
    a, b = with_cf(comune), without_cf(comune)
    client = client_for(worker)
    client.post(reverse("locale:doppione_confronto", args=[a.pk]), {"con": b.pk, "azione": "non_doppione"})
    assert NonDoppione.objects.filter(a=min(a.pk, b.pk), b=max(a.pk, b.pk), deciso_da=worker).exists()
    assert f"?con={b.pk}" not in client.get(reverse("locale:doppioni")).content.decode()


@pytest.mark.django_db
def test_a_merge_is_undone_from_the_kept_record(comune, worker, client_for):
    a, b = with_cf(comune), without_cf(comune)
    client = client_for(worker)
    url = reverse("locale:doppione_confronto", args=[a.pk])
    client.post(url, {"con": b.pk, "principale": a.pk, "azione": "unisci", "reason": "doppia"})
    unione = Unione.objects.get(principale=a)
    detail = client.get(reverse("locale:assistito_detail", args=[a.pk])).content.decode()
    assert reverse("locale:annulla_unione", args=[a.pk]) in detail

    client.post(reverse("locale:annulla_unione", args=[a.pk]), {"unione": unione.pk, "reason": "persone diverse"})
    unione.refresh_from_db()
    assert unione.stato == StatoUnione.ANNULLATA
    assert Assistito.objects.get(pk=b.pk).unito_a_id is None


@pytest.mark.django_db
def test_a_record_of_another_comune_cannot_be_compared_nor_seen(comune, worker, client_for):
    mine, foreign = with_cf(comune), without_cf(neighbour_comune())
    client = client_for(worker)
    url = reverse("locale:doppione_confronto", args=[mine.pk])
    assert client.get(url, {"con": foreign.pk}).status_code == 404
    assert client.post(url, {"con": foreign.pk, "azione": "unisci", "reason": "x"}).status_code == 404
    assert client.get(url, {"con": 99_999_999}).status_code == 404
    assert Assistito.objects.get(pk=foreign.pk).unito_a_id is None


@pytest.mark.django_db
def test_where_merges_need_approval_the_comparison_only_asks_and_the_approval_keeps_the_chosen_values(
    comune, worker, client_for
):
    require_approval(comune, "unione")
    a, b = with_cf(comune, telefono="080 111"), without_cf(comune, telefono="347 222")
    url = reverse("locale:doppione_confronto", args=[a.pk])
    form = {"con": b.pk, "principale": a.pk, "campo_telefono": b.pk, "azione": "unisci", "reason": "doppia"}
    page = client_for(worker).post(url, form, follow=True).content.decode()
    assert "Unione richiesta" in page and Assistito.objects.get(pk=b.pk).unito_a_id is None

    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    approvazione_approve(richiesta=RichiestaApprovazione.objects.get(), by=responsabile)
    a.refresh_from_db()
    assert Assistito.objects.get(pk=b.pk).unito_a_id == a.pk and a.telefono == "347 222"
