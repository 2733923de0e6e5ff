"""Statistical disclosure control of every count the regional tier publishes, over all linked tables at once.

The analyst may ask for the SIUSS prestazioni of a year by any two of seven dimensions (with row, column and grand
totals), and for the completeness table (ente × state of the SIUSS flow). All of them are margins of one cube of
prestazioni, so differencing two tables (a total from one, its parts from another; an ambito against its comuni) can
give back a cell that one table alone hides. Suppression is therefore decided once per year over the whole cube
(Sistan code of conduct: no cell under 3, 5 for sensitive areas), and every page and export reads the same pattern:

1. primary: a published cell with 0 < n < threshold (zero stays published: "no prestazioni" names nobody);
2. secondary, hypercube-like: in every additive relation (a total and its parts) holding a hidden cell, at least two
   cells are hidden, and the hidden parts are not all ones (all hidden cells are known to be >= 1, since zeros are
   published: a hidden sum equal to the number of hidden parts would give each back); the smallest visible cell is
   added, until nothing changes;
3. exact audit: with the relations split into hidden and published columns (R_h x_h = -R_p x_p, the right side
   known), a hidden cell is recoverable iff its unit vector lies in the row space of R_h (integer Gaussian
   elimination, no rounding). Every exposed cell gets one more complement from the combination that exposed it,
   then 2-3 run again.

The pattern is cached per year and per content of the cube, so a new derivation invalidates it by itself.
docs/regionale-disclosure.md explains the method, its cost and its limits.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from math import gcd

from django.core.cache import cache
from django.db.models import Count, Subquery
from django.db.models.functions import ExtractMonth

from cse.core.codelists.aree import AREE_SENSIBILI

from .derivations import COMPLETENESS_COLUMNS, TABLE_DIMENSIONS, column_of_state, latest_flow_state
from .models import PrestazioneSiuss

THRESHOLD = 3
SENSITIVE_THRESHOLD = 5
MISSING = "n.d."  # label of an empty dimension value, as the tables always showed it

CUBE_DIMS: tuple[str, ...] = tuple(TABLE_DIMENSIONS)
DIMS: tuple[str, ...] = (*CUBE_DIMS, "stato")
# every table a user can request, as the dimension sets of its cells (margins and grand total included)
PUBLISHED_SETS: tuple[tuple[str, ...], ...] = (
    (),
    *((d,) for d in DIMS),
    *itertools.combinations(CUBE_DIMS, 2),
    ("ente", "stato"),
)
CACHE_SECONDS = 24 * 3600

Key = tuple[tuple[str, str], ...]  # ((dimension, value), ...) in DIMS order; () is the grand total
Micro = dict[tuple[str, ...], int]  # one value per DIMS → number of prestazioni


@dataclass
class Cell:
    key: Key
    n: int = 0
    sensitive: bool = False


def cell_key(**values: str) -> Key:
    """The canonical key of a published cell, whatever order its dimensions are given in."""
    return tuple((d, values[d]) for d in DIMS if d in values)


def published_cells(micro: Micro) -> dict[Key, Cell]:
    """Every non-zero cell of every requestable table (a cell absent here is a published zero)."""
    cells: dict[Key, Cell] = {}
    for values, n in sorted(micro.items()):
        row = dict(zip(DIMS, values, strict=True))
        sensitive = row["area"] in AREE_SENSIBILI
        for dims in PUBLISHED_SETS:
            key = tuple((d, row[d]) for d in dims)
            cell = cells.setdefault(key, Cell(key))
            cell.n += n
            cell.sensitive = cell.sensitive or sensitive
    return cells


def relations(cells: dict[Key, Cell]) -> list[tuple[Key, list[Key]]]:
    """(total, parts) of every additive relation between published cells: each margin is the sum of its row or
    column, the grand total the sum of each one-dimensional margin, and a parent is the sum of its children wherever
    a dimension nests in another (each comune in one ambito: the published zeros show it to anyone)."""
    groups: dict[tuple[Key, str], list[Key]] = {}
    for key in cells:
        for i, (dim, _value) in enumerate(key):
            total = key[:i] + key[i + 1 :]
            groups.setdefault((total, dim), []).append(key)
    found = [(total, sorted(parts)) for (total, _dim), parts in sorted(groups.items())]
    return found + _hierarchy_relations(cells)


def _parents(cells: dict[Key, Cell], child: str, parent: str) -> dict[str, str] | None:
    """child value → parent value when every child value sits under exactly one parent value, else None."""
    seen: dict[str, set[str]] = {}
    for key in cells:
        values = dict(key)
        if len(key) == 2 and child in values and parent in values:
            seen.setdefault(values[child], set()).add(values[parent])
    if not seen or any(len(p) > 1 for p in seen.values()):
        return None
    return {c: next(iter(p)) for c, p in seen.items()}


def _hierarchy_relations(cells: dict[Key, Cell]) -> list[tuple[Key, list[Key]]]:
    found: list[tuple[Key, list[Key]]] = []
    for child, parent in itertools.permutations(CUBE_DIMS, 2):
        parents = _parents(cells, child, parent)
        if parents is None or len(set(parents.values())) == len(parents):
            continue  # not nested, or one child per parent (then child and parent cells are the same cells)
        groups: dict[Key, list[Key]] = {}
        for key in cells:
            values = dict(key)
            if child in values and (len(key) == 1 or parent not in values):
                context = {d: v for d, v in values.items() if d != child}
                groups.setdefault(cell_key(**context, **{parent: parents[values[child]]}), []).append(key)
        found += [(total, sorted(parts)) for total, parts in sorted(groups.items()) if total in cells]
    return found


def primary(cells: dict[Key, Cell]) -> set[Key]:
    """0 < n < threshold; the stricter threshold for a cell holding a sensitive area."""
    return {k for k, c in cells.items() if c.n < (SENSITIVE_THRESHOLD if c.sensitive else THRESHOLD)}


def _cheapest(candidates: list[Key], cells: dict[Key, Cell]) -> Key:
    """The complement that costs least information: the smallest count, then the most detailed cell."""
    return min(candidates, key=lambda k: (cells[k].n, -len(k), k))


def _group_needs(total: Key, parts: list[Key], hidden: set[Key], ones: set[Key]) -> bool:
    """One hidden cell alone is the difference of the others; hidden parts all equal to 1 are their known sum."""
    hidden_parts = [p for p in parts if p in hidden]
    n_hidden = len(hidden_parts) + (total in hidden)
    return n_hidden == 1 or (total not in hidden and bool(hidden_parts) and all(p in ones for p in hidden_parts))


def secondary(cells: dict[Key, Cell], groups: list[tuple[Key, list[Key]]], hidden: set[Key]) -> set[Key]:
    """Add complements until every relation holding a hidden cell hides at least two, not all of them ones."""
    hidden = set(hidden)
    ones = {k for k, c in cells.items() if c.n == 1}
    changed = True
    while changed:
        changed = False
        for total, parts in groups:
            if not _group_needs(total, parts, hidden, ones):
                continue
            visible = [p for p in parts if p not in hidden] or ([total] if total not in hidden else [])
            if visible:
                hidden.add(_cheapest(visible, cells))
                changed = True
    return hidden


class _Span:
    """A row space kept in echelon form with integer rows (exact, no fractions needed: each step multiplies by the
    pivot and divides by the gcd). Each row remembers, as a bit mask, which relations went into it, so a recovered
    cell comes with the published cells whose suppression would break that recovery."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, dict[int, int], int]] = []  # (pivot, row, provenance mask)

    def reduce(self, row: dict[int, int], mask: int) -> tuple[dict[int, int], int]:
        for pivot, base, base_mask in self.rows:
            a = row.get(pivot)
            if not a:
                continue
            b = base[pivot]
            merged = {c: b * v for c, v in row.items()}
            for c, v in base.items():
                merged[c] = merged.get(c, 0) - a * v
            row = _normalise({c: v for c, v in merged.items() if v})
            mask |= base_mask
        return row, mask

    def add(self, row: dict[int, int], mask: int) -> None:
        row, mask = self.reduce(row, mask)
        if row:
            self.rows.append((min(row), row, mask))


def _normalise(row: dict[int, int]) -> dict[int, int]:
    divisor = 0
    for v in row.values():
        divisor = gcd(divisor, v)
        if divisor == 1:
            return row
    return {c: v // divisor for c, v in row.items()} if divisor else row


def exposed(groups: list[tuple[Key, list[Key]]], hidden: set[Key]) -> dict[Key, list[Key]]:
    """Hidden cells that a linear combination of the relations gives back exactly, each with the published cells
    of that combination: with x_h the hidden cells and x_p the published ones, every relation reads
    R_h x_h = -R_p x_p (known), so a hidden cell s is determined iff e_s lies in the row space of R_h."""
    span = _Span()
    rows = [(total, parts) for total, parts in groups if total in hidden or any(p in hidden for p in parts)]
    index = {k: i for i, k in enumerate(sorted(hidden))}
    for bit, (total, parts) in enumerate(rows):
        row = {index[p]: 1 for p in parts if p in hidden}
        if total in hidden:
            row[index[total]] = -1
        span.add(row, 1 << bit)
    found: dict[Key, list[Key]] = {}
    for key, column in index.items():
        rest, mask = span.reduce({column: 1}, 0)
        if not rest:
            used = [rows[bit] for bit in range(len(rows)) if mask >> bit & 1]
            found[key] = sorted({k for total, parts in used for k in (total, *parts) if k not in hidden})
    return found


def _complement(key: Key, witnesses: list[Key], cells: dict[Key, Cell]) -> Key:
    """Prefer a witness in a relation with the exposed cell (its total, a part, a sibling); any witness of the
    combination breaks it, so the loop ends even when the preference does not hold."""
    near = [w for w in witnesses if _related(set(key), set(w))]
    return _cheapest(near or witnesses, cells)


def _related(a: set, b: set) -> bool:
    return a <= b or b <= a or (len(a) == len(b) and len(a - b) == 1)


def protect_linked_tables(micro: Micro) -> set[Key]:
    """The hidden cells of every requestable table, decided jointly: primary, secondary to a fixed point, then the
    exact audit, repeated until it finds no recoverable cell."""
    cells = published_cells(micro)
    groups = relations(cells)
    hidden = secondary(cells, groups, primary(cells))
    while found := exposed(groups, hidden):
        hidden |= {_complement(k, w, cells) for k, w in found.items()}
        hidden = secondary(cells, groups, hidden)
    return hidden


def load_microdata(anno: int) -> Micro:
    """The year's derived SIUSS prestazioni counted per value of every published dimension (no person data)."""
    rows = (
        PrestazioneSiuss.objects.filter(anno=anno)
        .annotate(mese=ExtractMonth("data_inizio"), stato=Subquery(latest_flow_state()))
        .values("ente", "ambito", "comune_istat", "area", "codice", "mese", "fonte", "stato")
        .annotate(n=Count("id"))
    )
    micro: Micro = {}
    for r in rows:
        r["trimestre"] = f"T{(r['mese'] + 2) // 3}"
        r["stato"] = column_of_state(r["stato"])
        values = tuple(str(r[d] or MISSING) for d in DIMS)
        micro[values] = micro.get(values, 0) + r["n"]
    return micro


@dataclass(frozen=True)
class ProtectedTable:
    """One requested table read from the pattern (same interface the exports always used)."""

    pattern: ProtectedPattern
    righe: str
    colonne: str
    rows: list[str]
    cols: list[str]

    def value(self, row: str, col: str) -> int | None:
        """None = suppressed; 0 = no prestazioni."""
        return self.pattern.value(cell_key(**{self.righe: row, self.colonne: col}))

    def row_total(self, row: str) -> int | None:
        return self.pattern.value(cell_key(**{self.righe: row}))

    def col_total(self, col: str) -> int | None:
        return self.pattern.value(cell_key(**{self.colonne: col}))

    @property
    def grand_total(self) -> int | None:
        return self.pattern.value(())


@dataclass(frozen=True)
class ProtectedPattern:
    """The year's published counts and the cells hidden among them: the only source of regional figures."""

    anno: int
    counts: dict[Key, int]
    hidden: frozenset[Key]

    def value(self, key: Key) -> int | None:
        return None if key in self.hidden else self.counts.get(key, 0)

    def labels(self, dim: str) -> list[str]:
        return sorted(dict(k)[dim] for k in self.counts if len(k) == 1 and k[0][0] == dim)

    def table(self, righe: str, colonne: str) -> ProtectedTable:
        return ProtectedTable(self, righe, colonne, self.labels(righe), self.labels(colonne))

    def completeness(self) -> list[dict]:
        """Per ente erogatore: erogated and per flow state, with the share acquired only when both are shown."""
        rows = []
        for ente in self.labels("ente"):
            row = {"ente": ente, "erogate": self.value(cell_key(ente=ente))}
            for col in list(COMPLETENESS_COLUMNS)[1:]:
                row[col] = self.value(cell_key(ente=ente, stato=col))
            row["quota_acquisite"] = _share(row["acquisite"], row["erogate"])
            rows.append(row)
        return rows

    def completeness_totals(self) -> dict[str, int | None]:
        return {"erogate": self.value(()), **{c: self.value(cell_key(stato=c)) for c in list(COMPLETENESS_COLUMNS)[1:]}}


def _share(part: int | None, whole: int | None) -> float | None:
    return None if part is None or not whole else round(100 * part / whole, 1)


def _fingerprint(micro: Micro) -> str:
    return hashlib.sha256(repr(sorted(micro.items())).encode()).hexdigest()


def protected_pattern(anno: int) -> ProtectedPattern:
    """The year's pattern, from the cache when the cube has not changed since it was computed (the key carries a
    digest of the cube, so a new derivation makes a new key and the old entry simply expires)."""
    micro = load_microdata(anno)
    cache_key = f"regionale:disclosure:{anno}:{_fingerprint(micro)}"
    hidden = cache.get(cache_key)
    if hidden is None:
        hidden = sorted(protect_linked_tables(micro))
        cache.set(cache_key, hidden, CACHE_SECONDS)
    counts = {k: c.n for k, c in published_cells(micro).items()}
    return ProtectedPattern(anno, counts, frozenset(tuple(tuple(p) for p in k) for k in hidden))
