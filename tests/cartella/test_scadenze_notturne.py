"""The nightly job: review deadlines missing from older progetti are opened once, and each operator gets at most one
digest a day (none after opting out), with counts and a link, never a name; a rerun sends and opens nothing new."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cse.cartella.actions.scadenze import digest_preference_set, nightly_reviews, scadenza_add
from cse.cartella.digest import send_digests
from cse.cartella.glossary import StatoCartella as S
from cse.cartella.models import DigestScadenze, Scadenza
from cse.core.codelists.scadenze import TipoScadenza
from tests.support.casework import fill_for_next, walk_case_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(case, worker):
    worker.email = "operatore@example.invalid"
    worker.save()
    return scadenza_add(
        cartella=case,
        tipo=TipoScadenza.PROMEMORIA,
        due=timezone.localdate() - timedelta(days=1),
        by=worker,
        gia_scaduta=True,
    )


def test_one_digest_per_operator_and_day_whatever_the_reruns(overdue, worker, case):
    first = send_digests()
    second = send_digests()
    assert (first.inviati, second.inviati, second.gia_inviati) == (1, 0, 1)
    (message,) = mail.outbox
    assert message.to == [worker.email]
    assert "Scadenze scadute o di oggi: 1." in message.body
    assert case.assistito.cognome not in message.body and case.assistito.codice_fiscale not in message.body
    assert DigestScadenze.objects.get(user=worker).inviato_il is not None


def test_a_claimed_but_unsent_digest_is_resumed(overdue, worker):
    DigestScadenze.objects.create(user=worker, giorno=timezone.localdate())  # a crash between claim and send
    assert send_digests().inviati == 1
    assert len(mail.outbox) == 1


def test_an_operator_who_opted_out_gets_none(overdue, worker):
    digest_preference_set(user=worker, attivo=False)
    assert send_digests().inviati == 0
    assert mail.outbox == []


def test_nothing_to_report_sends_nothing(worker):
    worker.email = "operatore@example.invalid"
    worker.save()
    assert send_digests().inviati == 0


def test_the_job_opens_a_missing_review_once(case, worker):
    case = walk_case_to(case, S.PROGETTO, by=worker)

    fill_for_next(case, by=worker)
    Scadenza.objects.all().delete()  # as written before deadlines existed
    assert nightly_reviews(batch=1) == 1
    assert nightly_reviews() == 0
    out = io.StringIO()
    call_command("scadenze_notturne", "--senza-email", stdout=out)
    assert "revisioni di progetto aperte: 0" in out.getvalue()
    (review,) = Scadenza.objects.all()
    assert review.tipo == TipoScadenza.REVISIONE_PROGETTO and review.creata_da is None
    assert review.scadenza == case.progetto.data_revisione
