"""The rules engine on its own: a schema read from JSON, criteria decided on facts with provenance, a missing fact
"da verificare", bands, tie-breakers and the budget — all in Decimal, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cse.bandi.rules import Entry, Fatto, Spareggio, award, eligible, evaluate, parse_schema, rank, score
from tests.support.bandi import SCHEMA

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _facts(**values) -> dict[str, Fatto]:
    codes = {"isee": "isee.valore", "residenza": "residenza.comune_istat", "minori": "nucleo.minori"}
    return {codes[k]: Fatto(v, "operatore", T0) for k, v in values.items()}


def _by_code(outcomes):
    return {o.criterio: o for o in outcomes}


def test_a_family_under_the_isee_ceiling_with_a_child_is_eligible_and_scores_band_plus_points():
    outcomes = evaluate(parse_schema(SCHEMA), _facts(isee="5400.50", residenza="072029", minori=2))
    assert eligible(outcomes) is True
    assert score(outcomes) == Decimal("40")  # 30 for the first ISEE band, 10 for minors
    assert (
        _by_code(outcomes)["isee_soglia"].fonte == "operatore" and _by_code(outcomes)["isee_soglia"].rilevato_il == T0
    )


def test_an_isee_over_the_ceiling_fails_the_requisito():
    outcomes = evaluate(parse_schema(SCHEMA), _facts(isee="20000.01", residenza="072029", minori=0))
    assert eligible(outcomes) is False
    assert _by_code(outcomes)["isee_soglia"].esito == "non_soddisfatto"


def test_the_ceiling_itself_is_inside_and_the_band_edges_are_inclusive():
    outcomes = _by_code(evaluate(parse_schema(SCHEMA), _facts(isee=Decimal("6000.00"), residenza="072029", minori=0)))
    assert outcomes["isee_fasce"].punti == Decimal("30")
    outcomes = _by_code(evaluate(parse_schema(SCHEMA), _facts(isee="6000.01", residenza="072029", minori=0)))
    assert outcomes["isee_fasce"].punti == Decimal("15")
    outcomes = _by_code(evaluate(parse_schema(SCHEMA), _facts(isee=20000, residenza="072029", minori=0)))
    assert outcomes["isee_soglia"].esito == "soddisfatto" and outcomes["isee_fasce"].esito == "non_soddisfatto"


def test_a_missing_fact_is_da_verificare_never_a_silent_pass_or_fail():
    outcomes = evaluate(parse_schema(SCHEMA), _facts(residenza="072029", minori=1))
    isee = _by_code(outcomes)["isee_soglia"]
    assert isee.esito == "da_verificare" and "Valore ISEE" in isee.nota
    assert _by_code(outcomes)["isee_fasce"].esito == "da_verificare"
    assert eligible(outcomes) is None


def test_a_failed_requisito_decides_even_when_another_is_still_to_verify():
    outcomes = evaluate(parse_schema(SCHEMA), _facts(residenza="072004"))
    assert eligible(outcomes) is False


def test_a_flagged_fact_is_shown_but_not_trusted():
    facts = _facts(residenza="072029", minori=0) | {
        "isee.valore": Fatto("5000", "isee", T0, segnalazione="Attestazione ISEE scaduta")
    }
    isee = _by_code(evaluate(parse_schema(SCHEMA), facts))["isee_soglia"]
    assert isee.esito == "da_verificare" and isee.valore == "5000" and isee.nota == "Attestazione ISEE scaduta"


def test_a_value_that_is_not_a_number_is_da_verificare():
    isee = _by_code(evaluate(parse_schema(SCHEMA), _facts(isee="non so", residenza="072029", minori=0)))["isee_soglia"]
    assert isee.esito == "da_verificare"


def test_a_self_declaration_is_a_boolean_fact():
    schema = parse_schema(
        {
            "criteri": [
                {
                    "codice": "affitto",
                    "etichetta": "Titolare di contratto di locazione",
                    "tipo": "requisito",
                    "fatto": "dichiarazione.locazione",
                    "condizione": {"operatore": "==", "valore": True},
                }
            ]
        }
    )
    assert eligible(evaluate(schema, {"dichiarazione.locazione": Fatto(True, "dichiarazione")})) is True
    assert eligible(evaluate(schema, {"dichiarazione.locazione": Fatto(False, "dichiarazione")})) is False


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ({"criteri": [{"codice": "x", "etichetta": "X", "tipo": "requisito", "fatto": "reddito"}]}, "condizione"),
        ({"criteri": [{"codice": "x", "etichetta": "X", "tipo": "bonus", "fatto": "eta"}]}, "Schema del bando"),
        (
            {
                "criteri": [
                    {"codice": "x", "etichetta": "X", "tipo": "requisito", "fatto": "patrimonio", "condizione": {}}
                ]
            },
            "Schema del bando",
        ),
        ({"criteri": [{"codice": "x", "etichetta": "X", "tipo": "punteggio", "fatto": "eta"}]}, "fasce"),
        (
            {
                "criteri": [
                    {"codice": "x", "etichetta": "X", "tipo": "punteggio", "fatto": "eta", "fasce": [{"punti": 1}]},
                    {"codice": "x", "etichetta": "Y", "tipo": "punteggio", "fatto": "eta", "fasce": [{"punti": 1}]},
                ]
            },
            "ripetuto",
        ),
        ({"criteri": [], "spareggi": [{"fatto": "altezza", "ordine": "asc"}]}, "Spareggio"),
    ],
)
def test_a_broken_schema_is_refused_with_an_italian_message(broken, message):
    with pytest.raises(ValidationError) as refused:
        parse_schema(broken)
    assert any(message in m for m in refused.value.messages), refused.value.messages


def test_an_unknown_fact_is_refused():
    with pytest.raises(ValidationError, match="dato sconosciuto"):
        parse_schema(
            {
                "criteri": [
                    {
                        "codice": "x",
                        "etichetta": "X",
                        "tipo": "requisito",
                        "fatto": "reddito",
                        "condizione": {"operatore": "<", "valore": 1},
                    }
                ]
            }
        )


# --- ranking ----------------------------------------------------------------------------------------------------------

BREAKERS = parse_schema(SCHEMA).spareggi  # lower ISEE first, then more minors


def _entry(pk, punti, isee=None, minori=None, minutes=0):
    valori = {"isee.valore": isee, "nucleo.minori": minori}
    return Entry(pk, Decimal(punti), T0 + timedelta(minutes=minutes), valori)


def test_higher_score_first():
    assert [e.id for e in rank([_entry(1, 10), _entry(2, 40), _entry(3, 25)], BREAKERS)] == [2, 3, 1]


def test_ties_are_broken_by_lower_isee_then_more_minors_then_earlier_submission_then_id():
    entries = [
        _entry(1, 30, isee="5000", minori=1, minutes=5),
        _entry(2, 30, isee="4000.99", minori=0, minutes=9),  # lowest ISEE wins the tie
        _entry(3, 30, isee="5000", minori=3, minutes=7),  # same ISEE as 1, more minors
        _entry(4, 30, isee="5000", minori=1, minutes=1),  # same as 1, submitted earlier
        _entry(5, 30, isee="5000", minori=1, minutes=1),  # same as 4 in everything: the id decides
    ]
    assert [e.id for e in rank(entries, BREAKERS)] == [2, 3, 4, 5, 1]


def test_a_missing_tie_breaker_value_goes_after_the_present_ones():
    entries = [_entry(1, 30, isee=None, minutes=0), _entry(2, 30, isee="9000", minutes=5)]
    assert [e.id for e in rank(entries, BREAKERS)] == [2, 1]


def test_descending_tie_breaker():
    entries = [_entry(1, 0, minori=1), _entry(2, 0, minori=4)]
    assert [e.id for e in rank(entries, [Spareggio("nucleo.minori", "desc")])] == [2, 1]


# --- award ------------------------------------------------------------------------------------------------------------


def test_full_amounts_until_the_budget_runs_out_without_partial_award():
    ranked = [_entry(i, 10) for i in range(4)]
    assert award(ranked, Decimal("1000.00"), Decimal("400.00"), partial_last=False) == [
        Decimal("400.00"),
        Decimal("400.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    ]


def test_the_last_one_gets_the_remainder_when_partial_award_is_allowed():
    ranked = [_entry(i, 10) for i in range(4)]
    amounts = award(ranked, Decimal("1000.00"), Decimal("400.00"), partial_last=True)
    assert amounts == [Decimal("400.00"), Decimal("400.00"), Decimal("200.00"), Decimal("0.00")]
    assert sum(amounts) == Decimal("1000.00") and all(a.as_tuple().exponent == -2 for a in amounts)


def test_an_exact_budget_leaves_nothing_for_the_next():
    amounts = award([_entry(i, 1) for i in range(3)], Decimal("800"), Decimal("400"), partial_last=True)
    assert amounts == [Decimal("400.00"), Decimal("400.00"), Decimal("0.00")]


def test_cents_are_exact():
    amounts = award([_entry(i, 1) for i in range(4)], Decimal("1000.00"), Decimal("333.33"), partial_last=True)
    assert amounts == [Decimal("333.33")] * 3 + [Decimal("0.01")]
