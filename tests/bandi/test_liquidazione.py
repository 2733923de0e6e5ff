"""Liquidazione: the beneficiary's account (IBAN checked, held by them or a declared delegate), instalments that sum
exactly to the award, the mandato that pays an instalment and becomes one SIUSS prestazione in the beneficiary's
cartella (all or nothing, never twice), and the revocation act that cancels, recovers and corrects SIUSS."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from cse.bandi.liquidazione import actions, rules
from cse.bandi.liquidazione.selectors import bando_figures, posizione_definitiva
from cse.bandi.models import Liquidazione, Rata
from cse.cartella.fasi import Prestazione
from cse.cartella.models import Assistito
from cse.core.models import OutboxEvent
from tests.support.bandi import IBAN_BAD_CHECK, IBAN_OK, funded, synthetic_person
from tests.support.factories import ComuneEnteFactory, OperatoreFactory

pytestmark = pytest.mark.django_db

TODAY = date.today()


def _paying(comune, responsabile, *, rate=3, importo=None):
    """The first beneficiary of a funded bando with an IBAN and `rate` monthly instalments from this month."""
    bando, (first, _) = funded(comune, responsabile)
    actions.iban_set(domanda=first, by=responsabile, iban=IBAN_OK)
    start = TODAY.replace(day=1) - timedelta(days=90)
    rate = actions.rate_plan(domanda=first, by=responsabile, numero_rate=rate, dal=start, mesi=1)
    return bando, first, rate


def _pay(rata, by, numero="M-1"):
    return actions.rata_liquidate(rata=rata, by=by, mandato_numero=numero, mandato_data=TODAY)


# --- who may be paid -------------------------------------------------------------------------------------------------


def test_only_a_final_ranking_with_an_award_is_payable(comune, responsabile):
    bando, (first, *_) = funded(comune, responsabile, isee=("5000", "4000", "3000"))
    posizioni = list(posizione_definitiva(first).graduatoria.posizioni.all())
    funded_line = next(p for p in posizioni if p.importo_assegnato > 0)
    assert rules.liquidabile(funded_line) == []
    unfunded = next(p for p in posizioni if p.importo_assegnato == 0)
    assert rules.liquidabile(unfunded) == ["Alla domanda non è assegnato alcun importo nella graduatoria."]


# --- the account ----------------------------------------------------------------------------------------------------


def test_an_iban_with_wrong_check_digits_is_refused_with_its_reason_and_nothing_is_written(comune, responsabile):
    _, (first, _) = funded(comune, responsabile)
    with pytest.raises(ValidationError) as exc:
        actions.iban_set(domanda=first, by=responsabile, iban=IBAN_BAD_CHECK)
    assert exc.value.message_dict["iban"] == [
        "Le cifre di controllo dell'IBAN non corrispondono: forse un errore di battitura."
    ]
    assert not Liquidazione.objects.exists()


def test_a_delegate_needs_a_valid_codice_fiscale_of_their_own(comune, responsabile):
    _, (first, _) = funded(comune, responsabile)
    with pytest.raises(ValidationError) as exc:
        actions.iban_set(
            domanda=first, by=responsabile, iban=IBAN_OK, intestatario="delegato",
            delegato_codice_fiscale="RSSMRA80A01F284Z", delegato_cognome="Rossi", delegato_nome="Mario",
        )  # fmt: skip
    assert exc.value.message_dict["delegato_codice_fiscale"] == ["Il codice fiscale del delegato non è valido."]
    with pytest.raises(ValidationError) as exc:
        actions.iban_set(
            domanda=first, by=responsabile, iban=IBAN_OK, intestatario="delegato",
            delegato_codice_fiscale=first.codice_fiscale, delegato_cognome="X", delegato_nome="Y",
        )  # fmt: skip
    assert "il beneficiario stesso" in exc.value.message_dict["delegato_codice_fiscale"][0]
    delegato = synthetic_person()
    liquidazione = actions.iban_set(
        domanda=first, by=responsabile, iban=IBAN_OK, intestatario="delegato",
        delegato_codice_fiscale=delegato.codice_fiscale.lower(), delegato_cognome=delegato.cognome,
        delegato_nome=delegato.nome,
    )  # fmt: skip
    assert (liquidazione.iban, liquidazione.delegato_codice_fiscale) == (
        "IT60X0542811101000000123456",
        delegato.codice_fiscale,
    )


def test_the_beneficiary_enters_their_own_iban_online_and_nobody_else_s(comune, responsabile):
    from tests.support.bandi import citizen

    _, (first, second) = funded(comune, responsabile)
    owner = first.creata_da
    liquidazione = actions.iban_set(domanda=first, by=owner, iban=IBAN_OK)
    assert liquidazione.iban_inserito_da == owner
    event = OutboxEvent.objects.filter(event_type="liquidazione.iban_registrato").get()
    assert event.payload == {"intestatario": "beneficiario", "canale": "online"}
    with pytest.raises(ValidationError):
        actions.iban_set(domanda=second, by=owner, iban=IBAN_OK)
    with pytest.raises(ValidationError):
        actions.iban_set(domanda=second, by=citizen(), iban=IBAN_OK)


# --- instalments ----------------------------------------------------------------------------------------------------


def test_instalments_sum_exactly_to_the_award_and_the_last_absorbs_the_cent():
    assert rules.split(Decimal("400.00"), 3) == [Decimal("133.33"), Decimal("133.33"), Decimal("133.34")]
    assert sum(rules.split(Decimal("1000.01"), 7)) == Decimal("1000.01")
    with pytest.raises(ValidationError):
        rules.split(Decimal("400.00"), 0)
    with pytest.raises(ValidationError, match="due decimali"):
        rules.money("12.345")


def test_a_plan_covers_consecutive_months_and_is_made_once(comune, responsabile):
    _, first, rate = _paying(comune, responsabile)
    assert [r.importo for r in rate] == [Decimal("133.33"), Decimal("133.33"), Decimal("133.34")]
    assert rate[1].periodo_dal == rate[0].periodo_al + timedelta(days=1)
    with pytest.raises(ValidationError, match="già pianificate"):
        actions.rate_plan(domanda=first, by=responsabile, numero_rate=2, dal=TODAY)


# --- paying ---------------------------------------------------------------------------------------------------------


def test_paying_an_instalment_records_one_prestazione_of_the_bando_s_code_in_a_new_cartella(comune, responsabile):
    bando, first, rate = _paying(comune, responsabile)
    assert not Assistito.objects.filter(codice_fiscale=first.codice_fiscale).exists()
    rata = _pay(rate[0], responsabile)
    prestazione = Prestazione.objects.get()
    assert rata.prestazione == prestazione and rata.stato == "liquidata"
    assert rata.iban_pagamento == "IT60X0542811101000000123456"
    assert (prestazione.voce, prestazione.importo, prestazione.data_inizio, prestazione.data_fine) == (
        bando.codice_prestazione,
        Decimal("133.33"),
        rata.periodo_dal,
        rata.periodo_al,
    )
    assert prestazione.cartella.assistito.codice_fiscale == first.codice_fiscale
    assert prestazione.cartella.owner_ente == comune and prestazione.ente_erogatore == comune
    first.refresh_from_db()
    assert first.assistito == prestazione.cartella.assistito
    regional = OutboxEvent.objects.get(event_type="cartella.prestazione_erogata")
    assert regional.aggregate_type == "cartella.cartella"
    assert regional.payload["codice"] == bando.codice_prestazione.codice and regional.payload["importo"] == "133.33"


def test_each_instalment_is_its_own_prestazione_in_the_same_cartella(comune, responsabile):
    _, _, rate = _paying(comune, responsabile)
    for n, rata in enumerate(rate):
        _pay(rata, responsabile, numero=f"M-{n}")
    assert Prestazione.objects.count() == 3
    assert len({p.cartella_id for p in Prestazione.objects.all()}) == 1


def test_the_same_mandato_again_pays_nothing_more_and_another_mandato_is_refused(comune, responsabile):
    _, _, rate = _paying(comune, responsabile)
    _pay(rate[0], responsabile)
    again = _pay(rate[0], responsabile)
    assert again.mandato_numero == "M-1" and Prestazione.objects.count() == 1
    assert OutboxEvent.objects.filter(event_type="rata.liquidata").count() == 1
    with pytest.raises(ValidationError, match="già liquidata con il mandato n. M-1"):
        _pay(rate[0], responsabile, numero="M-2")


def test_a_failure_while_recording_the_prestazione_leaves_nothing_written(comune, responsabile):
    _, _, rate = _paying(comune, responsabile)
    events = OutboxEvent.objects.count()
    with (
        mock.patch("cse.bandi.liquidazione.actions.prestazione_contributo_register", side_effect=RuntimeError("giù")),
        pytest.raises(RuntimeError),
    ):
        _pay(rate[0], responsabile)
    rate[0].refresh_from_db()
    assert rate[0].stato == "programmata" and rate[0].mandato_numero == ""
    assert not Assistito.objects.exists() and not Prestazione.objects.exists()
    assert OutboxEvent.objects.count() == events


def test_without_iban_or_mandato_nothing_is_paid(comune, responsabile):
    bando, (first, _) = funded(comune, responsabile)
    [rata] = actions.rate_plan(domanda=first, by=responsabile, numero_rate=1, dal=TODAY)
    with pytest.raises(ValidationError) as exc:
        actions.rata_liquidate(rata=rata, by=responsabile, mandato_numero="", mandato_data=None)
    assert exc.value.messages == [
        "Manca l'IBAN su cui pagare: lo inserisce il beneficiario online o l'operatore.",
        "Indicare il numero del mandato di pagamento.",
        "Indicare la data del mandato (non futura).",
    ]


def test_an_operator_of_another_ente_cannot_pay_or_revoke(comune, responsabile):
    _, first, rate = _paying(comune, responsabile)
    foreign = OperatoreFactory(ente=ComuneEnteFactory(), ruolo="responsabile")
    with pytest.raises(ValidationError, match="Non si è abilitati"):
        _pay(rate[0], foreign)
    with pytest.raises(ValidationError, match="Non si è abilitati"):
        actions.revoca_register(domanda=first, by=foreign, motivo="x", atto_numero="1", atto_data=TODAY)
    with pytest.raises(ValidationError, match="Non si è abilitati"):
        actions.iban_set(domanda=first, by=foreign, iban=IBAN_OK)
    assert not Prestazione.objects.exists()


def test_who_only_instructs_cannot_pay(comune, responsabile):
    _, _, rate = _paying(comune, responsabile)
    istruttore = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    with pytest.raises(ValidationError):
        _pay(rate[0], istruttore)


# --- revocation -----------------------------------------------------------------------------------------------------


def test_a_revocation_cancels_what_is_unpaid_recovers_what_was_paid_and_revokes_its_prestazione(comune, responsabile):
    bando, first, rate = _paying(comune, responsabile)
    _pay(rate[0], responsabile, "M-1")
    _pay(rate[1], responsabile, "M-2")
    revoca = actions.revoca_register(
        domanda=first, by=responsabile, motivo="requisito venuto meno", atto_numero="D-7", atto_data=TODAY,
        decorrenza=rate[1].periodo_dal,
    )  # fmt: skip
    stati = list(Rata.objects.order_by("numero").values_list("stato", flat=True))
    assert stati == ["liquidata", "liquidata", "annullata"]
    assert revoca.importo_da_recuperare == Decimal("133.33")
    kept, revoked = (Prestazione.objects.get(rata_bando=r) for r in rate[:2])
    assert kept.revocata_il is None and revoked.revocata_il == TODAY
    first.refresh_from_db()
    assert first.stato == "revocata"
    event = OutboxEvent.objects.get(event_type="cartella.prestazione_revocata")
    assert event.payload["prestazione"] == revoked.pk and event.payload["data"] == TODAY.isoformat()
    with pytest.raises(ValidationError, match="nuovo atto"):
        actions.revoca_register(domanda=first, by=responsabile, motivo="x", atto_numero="D-8", atto_data=TODAY)


def test_a_revocation_needs_its_act(comune, responsabile):
    _, first, _ = _paying(comune, responsabile)
    with pytest.raises(ValidationError) as exc:
        actions.revoca_register(domanda=first, by=responsabile, motivo=" ", atto_numero="", atto_data=None)
    assert set(exc.value.message_dict) == {"motivo", "atto_numero", "atto_data"}


# --- the bando's money ----------------------------------------------------------------------------------------------


def test_the_bando_s_figures_move_with_the_ranking_the_payments_and_the_revocation(comune, responsabile):
    bando, first, rate = _paying(comune, responsabile)
    figures = bando_figures(bando)
    assert (figures.stanziamento, figures.impegnato, figures.liquidato) == (
        Decimal("1000.00"),
        Decimal("800.00"),
        Decimal("0.00"),
    )
    _pay(rate[0], responsabile)
    assert bando_figures(bando).liquidato == Decimal("133.33")
    actions.revoca_register(
        domanda=first, by=responsabile, motivo="rinuncia", atto_numero="D-1", atto_data=TODAY,
        decorrenza=rate[1].periodo_dal,
    )  # fmt: skip
    after = bando_figures(bando)
    assert after.impegnato == Decimal("800.00") - Decimal("266.67")
    assert after.da_liquidare == Decimal("400.00")  # the second beneficiary's award
    assert after.da_recuperare == Decimal("0.00")
