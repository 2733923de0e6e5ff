"""Prefill of a domanda from ANPR (household) and the INPS ISEE e-service through the case domain's ports: every fact
with its source and time; a service down leaves the fact "da verificare" with a message, never an exception; an
expired or discordant ISEE is flagged."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cse.bandi import actions
from cse.bandi.prefill import isee_flag
from tests.support.bandi import citizen, draft, in_istruttoria, make_bando, ports
from tests.support.factories import OperatoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bando(comune, responsabile):
    return make_bando(comune, responsabile)


def test_household_and_isee_facts_carry_their_source(bando):
    person = citizen()
    with ports(anagrafe="AnagrafeTre", isee="IseeValido"):
        domanda = actions.domanda_prefill(domanda=draft(bando, person), by=person)
    fatti = domanda.dati["fatti"]
    assert {k: (v["valore"], v["fonte"]) for k, v in fatti.items() if v["fonte"] != "dichiarazione"} == {
        "residenza.comune_istat": ("072029", "anpr"),
        "eta": (fatti["eta"]["valore"], "anpr"),
        "nucleo.componenti": (3, "anpr"),
        "nucleo.minori": (1, "anpr"),
        "nucleo.over65": (1, "anpr"),
        "isee.valore": ("5400.50", "isee"),
    }
    assert all(v["rilevato_il"] for v in fatti.values())
    assert domanda.dati["isee"]["protocollo_dsu"].startswith("INPS-ISEE") and domanda.dati["errori"] == []


def test_age_is_taken_at_the_closing_day(bando):
    person = citizen()
    with ports(anagrafe="AnagrafeTre", isee="IseeValido"):
        domanda = actions.domanda_prefill(domanda=draft(bando, person), by=person)
    chiusura = bando.chiusura.date()
    assert domanda.dati["fatti"]["eta"]["valore"] == chiusura.year - 1985 - ((chiusura.month, chiusura.day) < (5, 1))


def test_the_isee_service_down_leaves_the_fact_to_verify_and_a_message(bando, responsabile):
    person = citizen()
    with ports(anagrafe="AnagrafeTre", isee="IseeGiu"):
        domanda = actions.domanda_prefill(domanda=draft(bando, person), by=person)
    assert "isee.valore" not in domanda.dati["fatti"]
    assert domanda.dati["errori"] == ["INPS non risponde in questo momento."]
    actions.domanda_submit(domanda=domanda, by=person)  # the citizen goes on
    istruttore = OperatoreFactory(ente=bando.ente, ruolo="assistente_sociale")
    domanda = actions.istruttoria_assign(domanda=domanda, istruttore=istruttore, by=responsabile)
    outcomes = {o.criterio: o.esito for o in actions.istruttoria_evaluate(domanda=domanda, by=istruttore)}
    assert outcomes["isee_soglia"] == "da_verificare" and outcomes["residenza"] == "soddisfatto"


def test_anpr_down_is_a_message_and_the_isee_still_comes(bando):
    person = citizen()
    with ports(anagrafe="AnagrafeGiu", isee="IseeValido"):
        domanda = actions.domanda_prefill(domanda=draft(bando, person), by=person)
    assert domanda.dati["errori"] == ["ANPR non risponde in questo momento."]
    assert set(domanda.dati["fatti"]) - {"dichiarazione.no_altri_contributi"} == {"isee.valore"}


def test_no_attestation_is_a_notice_not_an_error(bando):
    person = citizen()
    with ports(anagrafe="AnagrafeTre", isee="IseeAssente"):
        domanda = actions.domanda_prefill(domanda=draft(bando, person), by=person)
    assert domanda.dati["errori"] == [] and "Nessuna attestazione ISEE" in domanda.dati["avvisi"][0]


def test_an_expired_isee_is_stored_with_a_flag_and_counts_as_to_verify(bando):
    person = citizen()
    with ports(anagrafe="AnagrafeTre", isee="IseeScaduto"):
        domanda = actions.domanda_prefill(domanda=draft(bando, person), by=person)
    assert "scaduta" in domanda.dati["fatti"]["isee.valore"]["segnalazione"]


def test_a_declared_isee_different_from_the_inps_one_is_flagged(bando):
    person = citizen()
    domanda = draft(bando, person, dichiarati={"isee.valore": "3000"})
    with ports(anagrafe="AnagrafeTre", isee="IseeValido"):
        domanda = actions.domanda_prefill(domanda=domanda, by=person)
    isee = domanda.dati["fatti"]["isee.valore"]
    assert isee["fonte"] == "isee" and "diverso" in isee["segnalazione"]


def test_isee_flag_expiry_day_is_still_valid_and_equal_values_are_not_discordant():
    today = date(2027, 3, 1)
    assert "scaduta il 28/02/2027" in isee_flag(Decimal("10"), date(2027, 2, 28), today, None)
    assert isee_flag(Decimal("10.00"), date(2027, 3, 1), today, {"valore": "10"}) == ""
    assert "diverso" in isee_flag(Decimal("10.00"), date(2027, 3, 1), today, {"valore": "10.01"})


def test_an_operator_fact_survives_a_later_automatic_read(bando, responsabile):
    domanda = in_istruttoria(bando, citizen(), responsabile, facts={"isee.valore": "7000"})
    with ports(anagrafe="AnagrafeTre", isee="IseeValido"):
        domanda = actions.domanda_prefill(domanda=domanda, by=responsabile)
    isee = domanda.dati["fatti"]["isee.valore"]
    assert (isee["valore"], isee["fonte"], isee["rilevato_da"]) == ("7000", "operatore", responsabile.pk)
