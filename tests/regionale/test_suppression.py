"""Suppressed cells cannot be rebuilt from the published margins."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from cse.regionale.suppression import suppress

ROWS, COLS = ["F284", "E047", "A225"], ["A1.04", "A2.07", "A3.02"]


def candidate_values(table):
    """Every assignment of the hidden cells consistent with what is published (shown cells and shown totals)."""
    hidden = sorted(table.hidden)
    top = max(table.cells.values())
    solutions = []
    for values in itertools.product(range(1, top + 4), repeat=len(hidden)):  # no upper bound is published
        guess = dict(zip(hidden, values, strict=True))
        full = {**{k: v for k, v in table.cells.items() if k not in table.hidden}, **guess}
        ok = all(
            sum(full.get((r, c), 0) for c in table.cols) == table.row_total(r)
            for r in table.rows
            if table.row_total(r) is not None
        ) and all(
            sum(full.get((r, c), 0) for r in table.rows) == table.col_total(c)
            for c in table.cols
            if table.col_total(c) is not None
        )
        if ok:
            solutions.append(guess)
    return solutions


def assert_not_rebuildable(cells):
    table = suppress(ROWS, COLS, cells)
    primary = {k for k, v in cells.items() if 0 < v < 3}
    assert primary <= table.hidden
    if not primary:
        return
    solutions = candidate_values(table)
    assert solutions  # the truth is one of them
    for cell in primary:
        assert len({s[cell] for s in solutions}) > 1, f"la cella {cell} si ricostruisce dai margini"


def test_a_small_cell_hides_itself_and_the_totals_that_would_give_it_back():
    cells = {
        ("F284", "A1.04"): 1,
        ("F284", "A2.07"): 7,
        ("E047", "A1.04"): 9,
        ("E047", "A2.07"): 12,
        ("A225", "A3.02"): 4,
    }
    table = suppress(ROWS, COLS, cells)
    assert table.value("F284", "A1.04") is None and table.value("F284", "A2.07") == 7
    assert table.row_total("F284") is None and table.col_total("A1.04") is None and table.grand_total is None
    assert table.row_total("E047") == 21 and table.col_total("A3.02") == 4
    assert_not_rebuildable(cells)


def test_without_small_cells_everything_is_published():
    table = suppress(ROWS, COLS, {("F284", "A1.04"): 3, ("E047", "A2.07"): 6})
    assert not table.hidden and table.grand_total == 9


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(st.tuples(st.sampled_from(ROWS), st.sampled_from(COLS)), st.integers(1, 6), min_size=1, max_size=6)
)
def test_no_random_small_table_leaks_a_suppressed_cell(cells):
    assert_not_rebuildable(cells)
