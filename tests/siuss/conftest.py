"""A comune (A1 Molfetta) that transmits to SIUSS: e-service configured, people with residence, ISEE, prestazioni."""

from __future__ import annotations

import pytest

from tests.support.siuss import add_isee, eservice_for, take_in_charge, with_residence


@pytest.fixture
def a1(world):
    """Molfetta's e-service, Luca Quaranta resident with a valid ISEE and a case taken in charge."""
    ente = world.enti["A1"]
    eservice = eservice_for(ente)
    person = with_residence(world.assistiti["A1"])
    add_isee(person)
    take_in_charge(world.cartelle["A1"])
    return eservice
