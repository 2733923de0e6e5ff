"""The notifications of a provvedimento, sent by the worker off the request path: App IO where the applicant consented
and the profile accepts the service, else e-mail, else a letter to print; nothing goes before the protocol number;
an outage of IO leaves the row queued and the retry sends the same message once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cse.bandi.models import Notifica
from cse.bandi.notifiche.actions import notifiche_invia_in_coda
from cse.bandi.provvedimento import actions as provv
from tests.support.provvedimenti import (
    approvato_e_protocollato,
    graduatoria_definitiva,
    secondo_responsabile,
    sottoposto,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def io(simulator_suite, simulators):
    app = simulator_suite[1]["appio"].get_app()
    app.reset()
    yield app
    app.reset()


def _approved(comune, responsabile, contatti):
    bando, graduatoria, domande = graduatoria_definitiva(comune, responsabile, contatti)
    p = approvato_e_protocollato(bando, graduatoria, responsabile, secondo_responsabile(comune))
    return p, domande


def _row(p, domanda):
    return Notifica.objects.get(provvedimento=p, domanda=domanda)


def test_io_where_consented_and_accepted_email_otherwise_letter_last(io, comune, responsabile):
    contatti = [{"consenso_app_io": True}, {"consenso_app_io": True, "email": "uno@example.org"}, None]
    p, (a, b, c) = _approved(comune, responsabile, contatti)
    io.profili[a.codice_fiscale] = True  # uses IO and accepts the service
    io.profili[b.codice_fiscale] = False  # blocked the ente's service in the app
    esito = notifiche_invia_in_coda()
    assert (esito.inviate, esito.rinviate, esito.in_errore) == (2, 0, 0)
    sent_a = _row(p, a)
    assert (sent_a.canale, sent_a.stato) == ("app_io", "inviata") and sent_a.messaggio_id
    delivered = [m for m in io.messaggi.values() if m["fiscal_code"] == a.codice_fiscale]
    assert len(delivered) == 1 and p.protocollo_numero in delivered[0]["content"]["markdown"]
    assert (_row(p, b).canale, _row(p, b).stato) == ("email", "inviata")
    assert mail.outbox[0].to == ["uno@example.org"] and "riesame" not in mail.outbox[0].body  # b is funded
    assert _row(p, c).stato == "da_stampare"


def test_a_consenting_applicant_who_does_not_use_io_gets_a_letter(io, comune, responsabile, monkeypatch):
    p, (a,) = _approved(comune, responsabile, [{"consenso_app_io": True}])
    monkeypatch.setattr(io, "usa_io", lambda cf: None)  # not an IO user at all (404 on the profile)
    notifiche_invia_in_coda()
    row = _row(p, a)
    assert (row.canale, row.stato) == ("lettera", "da_stampare") and not io.messaggi


def test_nothing_is_sent_before_the_protocol_number(io, comune, responsabile):
    bando, graduatoria, (a,) = graduatoria_definitiva(comune, responsabile, [{"consenso_app_io": True}])
    p = provv.provvedimento_approve(
        provvedimento=sottoposto(bando, graduatoria, responsabile), by=secondo_responsabile(comune)
    )
    io.profili[a.codice_fiscale] = True
    assert notifiche_invia_in_coda().inviate == 0
    assert _row(p, a).stato == "da_inviare" and not io.messaggi


def test_io_down_then_up_sends_the_message_once(io, comune, responsabile):
    p, (a,) = _approved(comune, responsabile, [{"consenso_app_io": True}])
    io.profili[a.codice_fiscale] = True
    io.scenari.extend(["", "risposta_persa"] + ["offline"] * 3)  # profile ok; the message stored, its answer lost
    esito = notifiche_invia_in_coda()
    row = _row(p, a)
    assert esito.rinviate == 1 and row.stato == "da_inviare" and row.tentativi == 1 and row.prossimo_tentativo_il
    assert notifiche_invia_in_coda().inviate == 0  # not due yet: the backoff holds it
    esito = notifiche_invia_in_coda(now=timezone.now() + timedelta(minutes=5))
    row.refresh_from_db()
    assert esito.inviate == 1 and row.stato == "inviata" and row.tentativi == 2
    assert len(io.messaggi) == 1 and io.per_chiave[row.chiave] == row.messaggio_id  # same key: one message


def test_io_refusing_the_message_marks_the_row_for_an_operator(io, comune, responsabile, monkeypatch):
    p, (a,) = _approved(comune, responsabile, [{"consenso_app_io": True}])
    io.profili[a.codice_fiscale] = True
    monkeypatch.setattr("cse.bandi.notifiche.messaggi.oggetto", lambda n: "Esito")  # too short for IO
    esito = notifiche_invia_in_coda()
    row = _row(p, a)
    assert esito.in_errore == 1 and row.stato == "errore" and "oggetto" in row.ultimo_errore.lower()
