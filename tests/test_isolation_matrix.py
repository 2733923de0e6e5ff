"""Isolation proof: every role of two comuni of one ambito, a comune of another ambito, both ambiti and the region,
against every URL that takes an object id (enumerated from the resolver), with foreign objects → 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.isolation import (
    ABSENT_STATUS,
    EXTRA_KWARGS,
    KIND_KWARG,
    OBJECT_URLS,
    foreign_objects,
    id_taking_urls,
)
from tests.support.pages import page_body


def test_every_id_taking_url_has_an_isolation_rule():
    unclassified = sorted(set(id_taking_urls()) - set(OBJECT_URLS))
    assert unclassified == [], f"URL senza regola di isolamento: {unclassified}"


# The matrix is long: its users are split in shards, so parallel test workers (pytest -n) share it.
SHARDS = 6


@pytest.mark.parametrize("shard", range(SHARDS))
@pytest.mark.django_db(databases=["default", "regionale"])
def test_foreign_objects_answer_404_for_every_role_url_and_method(territory, client, shard):
    tried = 0
    leaks = []
    for (ente_key, ruolo), user in territory.all_users()[shard::SHARDS]:
        client.force_login(user)
        foreign = foreign_objects(territory, ente_key, ruolo, user)
        for name, kind in OBJECT_URLS.items():
            key, missing = KIND_KWARG.get(kind, ("pk", 99_999_999))
            for method in ("get", "post"):
                # A foreign object must answer exactly like one that does not exist (404, or 405 on a POST-only URL).
                absent = getattr(client, method)(reverse(name, kwargs={key: missing, **EXTRA_KWARGS.get(name, {})}))
                assert absent.status_code in ABSENT_STATUS.get(name, (404, 405))
                for pk in foreign[kind]:
                    response = getattr(client, method)(reverse(name, kwargs={key: pk, **EXTRA_KWARGS.get(name, {})}))
                    tried += 1
                    if (response.status_code, page_body(response)) != (absent.status_code, page_body(absent)):
                        leaks.append((ente_key, ruolo, name, pk, method, response.status_code))
    print(f"isolation matrix, shard {shard}: {tried} combinations, {len(leaks)} leaks")
    assert tried > 1000 // SHARDS
    assert leaks == []


@pytest.mark.django_db
def test_own_objects_are_reachable_so_the_matrix_is_not_vacuous(territory, client):
    client.force_login(territory.user("A1", "assistente_sociale"))
    assert client.get(reverse("locale:cartella_detail", kwargs={"pk": territory.cartelle["A1"].pk})).status_code == 200
    assert (
        client.get(reverse("locale:assistito_detail", kwargs={"pk": territory.assistiti["A1"].pk})).status_code == 200
    )
    client.force_login(territory.user("AMB_A", "ufficio_di_piano"))
    assert (
        client.get(reverse("ambito:cartella_detail", kwargs={"pk": territory.cartelle["AMB_A"].pk})).status_code == 200
    )
    client.force_login(territory.user("A1", "amministratore_ente"))
    assert client.get(reverse("ente_operatori", kwargs={"pk": territory.enti["A1"].pk})).status_code == 200


@pytest.mark.django_db
def test_forbidden_and_nonexistent_look_the_same(territory, client):
    client.force_login(territory.user("A1", "assistente_sociale"))
    foreign = client.get(reverse("locale:assistito_detail", kwargs={"pk": territory.assistiti["B1"].pk}))
    missing = client.get(reverse("locale:assistito_detail", kwargs={"pk": 999999}))
    assert foreign.status_code == missing.status_code == 404
    assert page_body(foreign) == page_body(missing)


# not in the synthetic generator's surname list, so no operator in a page header can carry them
SURNAMES = {"A1": "Quaranta", "A2": "Scarcelli", "B1": "Lamanna"}


@pytest.mark.django_db
def test_lists_searches_and_counts_never_include_foreign_people(territory, client):
    for (ente_key, ruolo), user in territory.all_users():
        client.force_login(user)
        listing = client.get(reverse("locale:assistiti_list")).content.decode()
        for comune, surname in SURNAMES.items():
            own = comune == ente_key or (comune == "A1" and ente_key == "AMB_A")
            if (ente_key, ruolo) == ("A1", "assistente_sociale"):
                own = comune == "A1"
            can_see = own and ruolo not in {"amministratore_ente", "analista_regionale", "redattore_portale"}
            assert (surname in listing) == can_see, (ente_key, ruolo, surname)
            found = client.get(reverse("locale:assistiti_list"), {"q": surname}).content.decode()
            assert (f"{surname}" in found.split("<tbody>")[1]) == can_see, (ente_key, ruolo, surname)


# The other long lists with a search box (case worklists, the ambito's cases, transfer requests and UVM sessions):
# the query parameters (term, state, page) only ever narrow what the role already sees.
SEARCHED_LISTS = ("locale:lavoro", "ambito:cartelle_list", "ambito:trasferimenti", "ambito:uvm_list")


def _list_body(response) -> str:
    html = response.content.decode()
    return html.split('id="liste"')[1] if 'id="liste"' in html else html.split("<tbody>")[1]


@pytest.mark.django_db
def test_searched_lists_never_find_nor_count_foreign_people(territory, client):
    searches = [{}, {"stato": "accesso"}, {"page": "2", "pagina_accessi_aperti": "2"}]
    for (ente_key, ruolo), user in territory.all_users():
        client.force_login(user)
        for comune, surname in SURNAMES.items():
            # ambito A holds A1's second case and has A2's pending transfer request on its desk
            if comune == ente_key or (ente_key == "AMB_A" and comune in {"A1", "A2"}):
                continue  # foreign only: what an own person shows depends on the role and is tested per tier
            cf = territory.assistiti[comune].codice_fiscale
            numero = territory.cartelle[comune].numero
            for name in SEARCHED_LISTS:
                for term in (surname, cf, numero):
                    for extra in searches:
                        response = client.get(reverse(name), {"q": term, **extra})
                        if response.status_code != 200:
                            continue  # the role has no such list (404 like any page it may not open)
                        body = _list_body(response)
                        assert surname not in body, (ente_key, ruolo, name, term, extra)
                        assert reverse("locale:cartella_detail", args=[territory.cartelle[comune].pk]) not in body


@pytest.mark.django_db
def test_ambito_list_shows_only_the_ambito_own_cases(territory, client):
    client.force_login(territory.user("AMB_B", "ufficio_di_piano"))
    assert territory.cartelle["AMB_A"].numero not in client.get(reverse("ambito:cartelle_list")).content.decode()
    client.force_login(territory.user("AMB_A", "ufficio_di_piano"))
    page = client.get(reverse("ambito:cartelle_list")).content.decode()
    assert territory.cartelle["AMB_A"].numero in page and "1 cartelle" in page


@pytest.mark.django_db
def test_django_admin_is_closed_to_every_operator(territory, client):
    for _key, user in territory.all_users():
        client.force_login(user)
        response = client.get("/gestione/core/comune/")
        assert response.status_code == 302 and "/gestione/login/" in response["Location"]
