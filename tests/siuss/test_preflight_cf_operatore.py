"""A cf_operatore stored before the full codice fiscale check existed stops the SIUSS transmission in preflight:
INPS would reject the whole flow for a wrong CFOperatore."""

from __future__ import annotations

from datetime import date

import pytest

from cse.core.models import Ente
from cse.demo.synthetic import codice_fiscale_for
from cse.siuss.models import EserviceWaas
from cse.siuss.preflight import ente_problems


@pytest.mark.parametrize(
    ("cf", "problem"),
    [
        ("RSSMRA80A01F284X", "il codice fiscale del responsabile della trasmissione di Molfetta non è valido"),
        ("", "manca il codice fiscale del responsabile della trasmissione di Molfetta"),
    ],
)
def test_a_missing_or_invalid_cf_operatore_is_a_preflight_problem(cf, problem):
    eservice = EserviceWaas(ente=Ente(nome="Molfetta"), cf_operatore=cf, attivo=True)
    assert ente_problems(eservice) == [problem]


def test_a_valid_cf_operatore_is_no_problem():
    cf = codice_fiscale_for("Ferri", "Sara", "F", date(1985, 5, 20), "F284")
    assert ente_problems(EserviceWaas(ente=Ente(nome="Molfetta"), cf_operatore=cf, attivo=True)) == []
