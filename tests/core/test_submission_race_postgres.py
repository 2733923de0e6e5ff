"""The same create form sent eight times at the same instant (a nervous double click, a proxy resending) makes one
person on PostgreSQL: the claim's unique index makes the twins wait for the first transaction, then they are sent
to its result. (SQLite serialises writers, so the race is only meaningful here.)"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from cse.cartella.models import Assistito
from cse.core.submission import FIELD
from cse.demo.synthetic import codice_fiscale_for
from tests.support.people import registration_form
from tests.support.submission import TokenClient, fetch_submission_token

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="gara di concorrenza solo su PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "regionale"]),
]

TWINS = 8


def test_eight_simultaneous_posts_of_one_form_register_one_person(comune, worker):
    user = worker
    url = reverse("locale:assistito_create")
    clients = [TokenClient() for _ in range(TWINS)]
    for client in clients:
        client.force_login(user)
    token = fetch_submission_token(clients[0], url)
    twin = {"cognome": "Gemelli", "nome": "Carlo", "data_nascita": "1950-03-01"}
    cf = codice_fiscale_for("Gemelli", "Carlo", "M", date(1950, 3, 1), "F284")
    data = {**registration_form(comune, **twin, codice_fiscale=cf), FIELD: token}
    barrier = threading.Barrier(TWINS)
    lock = threading.Lock()
    answers: Counter = Counter()
    errors: list[str] = []

    def one(client) -> None:
        barrier.wait()
        try:
            response = client.post(url, data)
            with lock:
                answers[(response.status_code, response.get("Location"))] += 1
        except Exception as exc:  # an exception here is a 5xx in production
            with lock:
                errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    person = Assistito.objects.get(cognome="Gemelli")  # exactly one
    assert answers == Counter({(302, reverse("locale:assistito_detail", kwargs={"pk": person.pk})): TWINS})
