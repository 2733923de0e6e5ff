"""A benefit revoked by an act (a bando's contributo): SIUSS gets the cancellation (TipoOperazione C) of what it
acquired, a flow it never acquired is withdrawn, and nothing of the revoked prestazione is sent again."""

from __future__ import annotations

import pytest

from cse.cartella.actions.contributi import prestazione_revoke
from cse.siuss.glossary import StatoFlusso
from cse.siuss.models import Flusso
from cse.siuss.services import esiti_record, flussi_expose, flussi_prepare
from cse.siuss.xsd import xsd_errors
from tests.support.siuss import TODAY, dati, prestazione

pytestmark = pytest.mark.django_db


def _esito(flusso, codice):
    return {"id_flusso": flusso.id_flusso, "tipo": flusso.tipo, "codice_esito": codice, "id_acquisizione_siuss": "9"}


def test_revocation_cancels_the_acquired_flow_withdraws_the_refused_one_and_sends_nothing_new(comune, case, worker, a1):
    acquired_p, refused_p = prestazione(case, importo="100.00"), prestazione(case, importo="200.00")
    dati(acquired_p), dati(refused_p)
    flussi_prepare(ente=comune, today=TODAY)
    flussi_expose(ente=comune)
    acquired, refused = (Flusso.objects.get(prestazione=p) for p in (acquired_p, refused_p))
    esiti_record(ente=comune, esiti=[_esito(acquired, "OK"), _esito(refused, "RICHIESTA_INVALIDA")])

    for p in (acquired_p, refused_p):
        prestazione_revoke(prestazione=p, atto_data=TODAY, motivo="beneficio revocato", by=worker)
    flussi_prepare(ente=comune, today=TODAY)

    acquired.refresh_from_db(), refused.refresh_from_db()
    assert acquired.stato == StatoFlusso.DA_CORREGGERE and refused.stato == StatoFlusso.ANNULLATO
    [cancel] = Flusso.objects.filter(tipo_operazione="C")
    assert cancel.annulla == acquired and xsd_errors(bytes(cancel.xml), cancel.tipo) == []

    flussi_prepare(ente=comune, today=TODAY)  # re-run: nothing more
    assert Flusso.objects.count() == 3

    flussi_expose(ente=comune)
    esiti_record(ente=comune, esiti=[_esito(cancel, "OK")])
    flussi_prepare(ente=comune, today=TODAY)
    acquired.refresh_from_db()
    assert acquired.stato == StatoFlusso.ANNULLATO
    assert not Flusso.objects.filter(tipo_operazione="I").exclude(stato=StatoFlusso.ANNULLATO).exists()
