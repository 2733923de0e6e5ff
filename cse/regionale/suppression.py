"""Small-cell suppression for published tables (Sistan code of conduct: no cell under 3; 5 for sensitive areas),
with secondary suppression so that row and column totals cannot give a hidden cell back."""

from __future__ import annotations

from dataclasses import dataclass, field

Cell = tuple[str, str]


@dataclass
class SuppressedTable:
    rows: list[str]
    cols: list[str]
    cells: dict[Cell, int]
    hidden: set[Cell] = field(default_factory=set)
    hidden_row_totals: set[str] = field(default_factory=set)
    hidden_col_totals: set[str] = field(default_factory=set)

    def value(self, row: str, col: str) -> int | None:
        """None = suppressed; 0 = no prestazioni."""
        key = (row, col)
        return None if key in self.hidden else self.cells.get(key, 0)

    def row_total(self, row: str) -> int | None:
        return None if row in self.hidden_row_totals else sum(v for (r, _), v in self.cells.items() if r == row)

    def col_total(self, col: str) -> int | None:
        return None if col in self.hidden_col_totals else sum(v for (_, c), v in self.cells.items() if c == col)

    @property
    def grand_total(self) -> int | None:
        return None if self.hidden_row_totals or self.hidden_col_totals else sum(self.cells.values())


def suppress(
    rows: list[str],
    cols: list[str],
    cells: dict[Cell, int],
    *,
    threshold: int = 3,
    sensitive: set[Cell] = frozenset(),
    sensitive_threshold: int = 5,
) -> SuppressedTable:
    """Primary: 0 < value < threshold (sensitive_threshold for cells holding a sensitive category). Secondary: the
    total of every row and column holding a hidden cell is hidden too (and so the grand total). Then no published
    sum contains a hidden cell, so none can be solved for — a simple rule that trades a few more hidden totals for
    a guarantee, instead of a heuristic that an audit could break."""
    hidden = {k for k, v in cells.items() if 0 < v < (sensitive_threshold if k in sensitive else threshold)}
    return SuppressedTable(
        rows,
        cols,
        cells,
        hidden=hidden,
        hidden_row_totals={r for r, _ in hidden},
        hidden_col_totals={c for _, c in hidden},
    )
