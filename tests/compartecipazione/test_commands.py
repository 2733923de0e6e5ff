"""The monthly run for cron and the pagoPA worker: the run computes and queues (twice: nothing doubled); the worker
issues the queue and reconciles each ente's receipts; pagoPA down is a line in the output, not a crash."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cse.compartecipazione.actions import annulla
from cse.compartecipazione.models import Avviso, Compartecipazione
from tests.support.compartecipazione import isee, paga, served, tariff
from tests.support.factories import AssistitoFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def month(comune, responsabile):
    tariff(comune, responsabile)
    person = AssistitoFactory(ente=comune)
    served(person, "10")
    isee(person, "10000")


def test_the_monthly_run_computes_and_queues_once(comune, responsabile, month, pagopa):
    args = ("compartecipazione_mensile", "--ente", comune.codice, "--operatore", responsabile.username)
    first, again = run(*args, "--mese", "2026-11"), run(*args, "--mese", "2026-11")
    assert "calcolate 1," in first and "avvisi in coda 1," in first
    assert "calcolate 0, già presenti 1" in again and "avvisi in coda 0," in again
    assert Compartecipazione.objects.count() == 1 and Avviso.objects.count() == 1


@pytest.mark.parametrize("extra", [("--mese", "2026-13"), ("--operatore", "nessuno")])
def test_bad_arguments_are_an_italian_error(comune, responsabile, month, extra):
    args = {"--ente": comune.codice, "--operatore": responsabile.username, "--mese": "2026-11"}
    args[extra[0]] = extra[1]
    with pytest.raises(CommandError):
        run("compartecipazione_mensile", *[x for kv in args.items() for x in kv])


def test_the_worker_issues_and_reconciles_and_survives_an_outage(comune, responsabile, month, pagopa):
    run("compartecipazione_mensile", "--ente", comune.codice, "--operatore", responsabile.username, "--mese", "2026-11")
    pagopa.offline = True
    assert "rinviati 1" in run("compartecipazione_pagopa")
    pagopa.offline = False
    Avviso.objects.update(prossimo_tentativo_il=Avviso.objects.get().accodato_il)  # the backoff has elapsed
    assert "avvisi emessi 1" in run("compartecipazione_pagopa")
    paga(Avviso.objects.get().iuv, "60.00")
    assert "pagati 1" in run("compartecipazione_pagopa")
    assert Compartecipazione.objects.get().stato == "pagata"


def test_the_worker_annuls_on_pagopa_and_turns_a_payment_that_beat_the_annulment_into_a_refund(
    comune, responsabile, month, pagopa
):
    run("compartecipazione_mensile", "--ente", comune.codice, "--operatore", responsabile.username, "--mese", "2026-11")
    run("compartecipazione_pagopa")
    avviso = Avviso.objects.get()
    annulla(comp=avviso.compartecipazione, motivo="Servizio non reso (det. 7)", by=responsabile)
    paga(avviso.iuv, "60.00")  # paid while the annulment waited for the worker
    out = run("compartecipazione_pagopa")
    assert "avvisi annullati su pagoPA 1" in out and "ripetute 1" in out
    refund = avviso.compartecipazione.rimborsi.get()
    assert (refund.motivo, str(refund.importo)) == ("avviso_annullato", "60.00")
    assert "ripetute" not in run("compartecipazione_pagopa")  # the next round finds nothing new
