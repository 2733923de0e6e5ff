"""The App IO adapter against its simulator: the profile says whether the citizen accepts the service (a non-user is
«no», not an error), a message goes with subject, markdown, CTA front matter and payment data, a repeat with the same
key is the same message, and an outage is ServiceUnavailable after the bounded retries (call log, no payload)."""

import itertools
from decimal import Decimal

import pytest

from cse.core.appio import Cta, DatiPagamento, MessaggioIO, messaggio_valido
from cse.core.external import InvalidRequest, ServiceUnavailable
from cse.core.pagamenti import codice_avviso, componi_iuv
from interop.adapters import AppIoServizi
from interop.models import ChiamataInterop

CF = "VRDLGU70C12F284F"  # synthetic: its check letter comes before «N», an IO user by the simulator's rule
NON_USER = "RSSMRA85M01F284X"
_n = itertools.count(1)


@pytest.fixture
def sim(simulator_suite, simulators):
    app = simulator_suite[1]["appio"].get_app()
    app.reset()
    yield app
    app.reset()


def messaggio(**changes) -> MessaggioIO:
    fields = {
        "chiave": f"test/appio-{next(_n)}",
        "codice_fiscale": CF,
        "oggetto": "Promemoria dell'appuntamento",
        "testo": "Le ricordiamo l'appuntamento allo sportello sociale di martedì alle ore 10:00. " * 2,
        "cta": (Cta("Vedi l'appuntamento", "https://cse.example.org/area-personale/"),),
    }
    return MessaggioIO(**{**fields, **changes})


def test_the_profile_says_whether_the_service_is_accepted(sim, ctx):
    io = AppIoServizi()
    sim.profili["BNCLRA90A41F284M"] = False
    assert io.accetta(CF, ctx) is True
    assert io.accetta("BNCLRA90A41F284M", ctx) is False  # uses IO, blocked the service
    assert io.accetta(NON_USER, ctx) is False  # not an IO user: a «no», not an error


def test_a_message_with_cta_and_payment_data_is_delivered_once_per_key(sim, ctx):
    iuv = componi_iuv("01", 42)
    m = messaggio(pagamento=DatiPagamento(Decimal("45.60"), codice_avviso(iuv)))
    first = AppIoServizi().invia(messaggio_valido(m), ctx)
    again = AppIoServizi().invia(m, ctx)
    assert first == again and len(sim.messaggi) == 1
    content = sim.messaggi[first]["content"]
    assert (
        content["markdown"].startswith("---\nit:\n    cta_1:")
        and 'action: "iohandledlink://https://' in content["markdown"]
    )
    assert content["payment_data"] == {
        "amount": 4560,
        "notice_number": codice_avviso(iuv),
        "invalid_after_due_date": False,
    }


def test_bad_messages_are_refused_before_the_call_and_by_io(sim, ctx):
    with pytest.raises(Exception, match="oggetto"):
        messaggio_valido(messaggio(oggetto="Breve"))
    with pytest.raises(Exception, match="https"):
        messaggio_valido(messaggio(cta=(Cta("Apri", "http://insicuro.example.org/"),)))
    with pytest.raises(InvalidRequest):
        AppIoServizi().invia(messaggio(oggetto="Breve"), ctx)  # IO says 400 too
    assert not sim.messaggi


def test_an_outage_is_unavailable_and_logged_without_payload(sim, ctx):
    sim.scenari.extend(["offline"] * 5)
    with pytest.raises(ServiceUnavailable):
        AppIoServizi().invia(messaggio(), ctx)
    row = ChiamataInterop.objects.filter(e_service="appio").latest("pk")
    assert row.esito == "non_disponibile" and row.tentativi == 3 and CF not in str(row.__dict__)
