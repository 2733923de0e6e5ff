"""A comune (Molfetta, F284) that transmits to SIUSS: e-service configured, a resident with ISEE, a case in charge."""

from __future__ import annotations

import pytest

from tests.support.siuss import add_isee, eservice_for, take_in_charge, with_residence


@pytest.fixture
def a1(comune, person, case):
    """Molfetta's e-service; its resident with a valid ISEE and a case taken in charge."""
    eservice = eservice_for(comune)
    with_residence(person)
    add_isee(person)
    take_in_charge(case)
    return eservice
