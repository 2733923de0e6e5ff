"""A contributo paid by a bando reaches SIUSS with the data of the procedure that granted it: the application's
protocol number, the means test (the bando ranks on the ISEE, so the DSU INPS certified at the application goes to
the person's record and into the flow), the whole amount at the ente's charge — without an operator typing them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from cse.bandi.liquidazione import actions as liquidazione
from cse.bandi.models import Domanda
from cse.core.protocollo import protocollo_registra_in_coda
from cse.siuss.models import Flusso
from cse.siuss.services import dati_siuss_save, flussi_prepare
from cse.siuss.xsd import xsd_errors
from tests.support.bandi import IBAN_OK, funded, ports
from tests.support.factories import OperatoreFactory
from tests.support.siuss import eservice_for

pytestmark = pytest.mark.django_db
TODAY = date.today()
DSU = "INPS-ISEE-2026-00000042A-00"


@pytest.fixture
def responsabile(comune):
    """Runs the bando, from the call to the payment of its contributi."""
    return OperatoreFactory(ente=comune, ruolo="responsabile")


def _inps_isee_at_the_application(domanda: Domanda) -> None:
    """What the ISEE e-service returned when the citizen applied (the prefill): value and DSU, provenance INPS."""
    fatti = domanda.dati.get("fatti", {}) | {
        "isee.valore": {"valore": "5000.00", "fonte": "isee", "rilevato_il": "2026-10-01T10:00:00+02:00"}
    }
    isee = {"protocollo_dsu": DSU, "data_presentazione": "2026-02-10", "valida_al": "2026-12-31"}
    Domanda.objects.filter(pk=domanda.pk).update(dati=domanda.dati | {"fatti": fatti, "isee": isee})


def _paid_first_instalment(comune, responsabile):
    bando, (first, _) = funded(comune, responsabile)
    with ports(protocollo="ProtocolloInMemoria"):
        protocollo_registra_in_coda()
    _inps_isee_at_the_application(first)
    first = Domanda.objects.get(pk=first.pk)
    liquidazione.iban_set(domanda=first, by=responsabile, iban=IBAN_OK)
    start = TODAY.replace(day=1) - timedelta(days=60)
    [rata, *_] = liquidazione.rate_plan(domanda=first, by=responsabile, numero_rate=2, dal=start, mesi=1)
    rata = liquidazione.rata_liquidate(rata=rata, by=responsabile, mandato_numero="M-7", mandato_data=TODAY)
    return first, rata


def test_a_paid_contributo_gets_its_siuss_data_from_the_domanda_and_its_flow_is_valid(comune, responsabile):
    eservice_for(comune)
    domanda, rata = _paid_first_instalment(comune, responsabile)
    assert domanda.protocollo_numero
    flussi_prepare(ente=comune, today=TODAY)

    prestazione = rata.prestazione
    dati = prestazione.dati_siuss
    assert (dati.protocollo_domanda, dati.presenza_prova_mezzi) == (domanda.protocollo_numero[:32], "1")
    assert (dati.quota_ente, dati.quota_utente, dati.quota_ssn) == (rata.importo, Decimal("0"), Decimal("0"))
    assert prestazione.cartella.assistito.isee.get().protocollo_dsu == DSU  # the INPS ISEE is in the record
    flusso = Flusso.objects.get(prestazione=prestazione)
    xml = bytes(flusso.xml).decode()
    assert f'ProtocolloDomanda="{domanda.protocollo_numero[:32]}"' in xml and f'NumeroProtocolloDSU="{DSU}"' in xml
    assert xsd_errors(bytes(flusso.xml), flusso.tipo) == []


def test_an_operators_correction_of_the_siuss_data_is_never_overwritten(comune, responsabile):
    eservice_for(comune)
    _, rata = _paid_first_instalment(comune, responsabile)
    flussi_prepare(ente=comune, today=TODAY)
    dati_siuss_save(prestazione=rata.prestazione, data={"quota_ssn": Decimal("10.00")}, by=responsabile)
    flussi_prepare(ente=comune, today=TODAY)
    rata.prestazione.dati_siuss.refresh_from_db()
    assert rata.prestazione.dati_siuss.quota_ssn == Decimal("10.00")
    assert rata.prestazione.dati_siuss.history.count() == 2  # filled once, corrected once
