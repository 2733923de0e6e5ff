"""The joint protection on small hand-made cubes, where the right answer follows by reasoning."""

from cse.regionale.disclosure import (
    DIMS,
    cell_key,
    exposed,
    primary,
    protect_linked_tables,
    published_cells,
    relations,
    secondary,
)


def cube(*rows: tuple[dict, int]) -> dict[tuple[str, ...], int]:
    """Micro cells from partial rows; the dimensions not named hold one value, so they split nothing."""
    micro: dict[tuple[str, ...], int] = {}
    for values, n in rows:
        key = tuple(values.get(d, "x") for d in DIMS)
        micro[key] = micro.get(key, 0) + n
    return micro


def two_by_two(a: int) -> dict[tuple[str, ...], int]:
    return cube(
        ({"ente": "E1", "codice": "A"}, a),
        ({"ente": "E1", "codice": "B"}, 5),
        ({"ente": "E2", "codice": "A"}, 6),
        ({"ente": "E2", "codice": "B"}, 7),
    )


def test_one_small_cell_forces_a_second_in_its_row_and_column_and_a_fourth_to_close_the_square():
    hidden = protect_linked_tables(two_by_two(1))
    inner = {cell_key(ente=e, codice=c) for e in ("E1", "E2") for c in ("A", "B")}
    margins = {cell_key(ente="E1"), cell_key(ente="E2"), cell_key(codice="A"), cell_key(codice="B"), ()}
    assert inner <= hidden  # 1 → its row partner 5 and column partner 6 → then 7, alone in its row and column
    assert not hidden & margins  # the cheapest complements are the inner cells: every total stays published


def test_hidden_parts_that_are_all_ones_get_a_third_complement():
    micro = cube(
        ({"ente": "E1", "codice": "A"}, 1),
        ({"ente": "E1", "codice": "B"}, 1),
        ({"ente": "E1", "codice": "C"}, 5),
        *(({"ente": "E2", "codice": c}, 6) for c in "ABC"),
    )
    hidden = protect_linked_tables(micro)
    # E1 = 7 and C = 5 published would give A + B = 2, and a hidden cell is never 0: both would be 1
    assert cell_key(ente="E1", codice="C") in hidden or cell_key(ente="E1") in hidden


def test_a_hidden_total_with_every_part_published_hides_a_part_too():
    micro = two_by_two(4)
    cells = published_cells(micro)
    groups = relations(cells)
    assert not primary(cells)
    assert set(exposed(groups, {cell_key(ente="E1")})) == {cell_key(ente="E1")}  # 4 + 5 = 9
    hidden = secondary(cells, groups, {cell_key(ente="E1")})
    assert hidden & {cell_key(ente="E1", codice="A"), cell_key(ente="E1", codice="B")}


def test_an_ambito_against_its_comuni_is_a_relation_too():
    micro = cube(
        ({"ambito": "AM1", "comune_istat": "C1", "codice": "A"}, 1),
        ({"ambito": "AM1", "comune_istat": "C1", "codice": "B"}, 9),
        ({"ambito": "AM1", "comune_istat": "C2", "codice": "A"}, 4),
        ({"ambito": "AM1", "comune_istat": "C2", "codice": "B"}, 8),
        ({"ambito": "AM2", "comune_istat": "C3", "codice": "A"}, 7),
        ({"ambito": "AM2", "comune_istat": "C3", "codice": "B"}, 6),
    )
    cells = published_cells(micro)
    groups = relations(cells)
    small = cell_key(comune_istat="C1", codice="A")
    # each comune sits in one ambito (the published zeros show it): AM1/A = C1/A + C2/A, so 5 - 4 would give 1 back
    assert (cell_key(ambito="AM1", codice="A"), [small, cell_key(comune_istat="C2", codice="A")]) in groups
    hidden = protect_linked_tables(micro)
    assert small in hidden and not exposed(groups, hidden)
    trio = {small, cell_key(ambito="AM1", codice="A"), cell_key(comune_istat="C2", codice="A")}
    assert len(trio & hidden) >= 2


def test_the_protection_leaves_nothing_recoverable_in_a_mixed_cube():
    micro = cube(
        *(
            ({"ente": f"E{i % 3}", "area": a, "codice": c, "trimestre": f"T{1 + i % 4}"}, 1 + (i * 7) % 5)
            for i, (a, c) in enumerate((a, c) for a in ("anziani", "minori", "poverta") for c in "ABCD")
        )
    )
    cells = published_cells(micro)
    groups = relations(cells)
    hidden = protect_linked_tables(micro)
    assert primary(cells) <= hidden and not exposed(groups, hidden)


def test_nothing_is_hidden_when_no_cell_is_small():
    assert protect_linked_tables(two_by_two(3)) == set()


def test_a_sensitive_area_needs_five():
    micro = cube(({"area": "dipendenze_salute_mentale"}, 4), ({"area": "poverta"}, 4))
    hidden = protect_linked_tables(micro)
    assert cell_key(area="dipendenze_salute_mentale") in hidden and cell_key(area="poverta") in hidden
    assert () not in hidden  # the total 8 stays: 4 + 4 is one of many splits
