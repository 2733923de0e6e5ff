"""An attacker with the analyst's login downloads every table the regional pages offer for a year and tries to give
back the cells shown as "n.d.": by differencing (a total minus its known parts, iterated across all tables, ambiti
against their comuni included) and by exact linear algebra over every relation between the published figures."""

import itertools
import re
from datetime import date
from fractions import Fraction

import pytest
from django.urls import reverse

from cse.cartella.relay import relay_outbox
from cse.regionale.derivations import COMPLETENESS_COLUMNS, TABLE_DIMENSIONS, derive_siuss_prestazioni
from cse.regionale.ingest import ingest_event
from tests.support.factories import CartellaFactory, OperatoreFactory
from tests.support.places import foreign_comune, home_comune, neighbour_comune, regione, resident
from tests.support.regionale import prestazione, to_erogazione

pytestmark = pytest.mark.django_db(databases=["default", "regionale"])

ND = "n.d."
DIMS = list(TABLE_DIMENSIONS)


def deliver(comune, area, prestazioni, sesso="M"):
    """One case of a resident of `comune` in `area` with the given (code, month) prestazioni."""
    worker = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    person = resident(comune, sesso=sesso)
    case = to_erogazione(CartellaFactory(assistito=person, by=worker), worker, area=area)
    for codice, month in prestazioni:
        prestazione(case, worker, codice, date(2026, month, 1), "10.00")


class Published:
    """What the attacker holds: known values, hidden cells, and the additive relations (total, parts)."""

    def __init__(self):
        self.known: dict[frozenset, int] = {}
        self.hidden: set[frozenset] = set()
        self.relations: list[tuple[frozenset, list[frozenset]]] = []
        self.labels: dict[str, set[str]] = {}

    def put(self, key: frozenset, text: str):
        if text == ND:
            self.hidden.add(key)
        else:
            self.known[key] = int(text)

    def table(self, righe: str, colonne: str, lines: list[list[str]]):
        cols = lines[0][1:-1]
        body, footer = lines[1:-1], lines[-1]
        self.labels.setdefault(righe, set()).update(r[0] for r in body)
        self.labels.setdefault(colonne, set()).update(cols)
        cell = {(r[0], c): frozenset({(righe, r[0]), (colonne, c)}) for r in body for c in cols}
        for r in body:
            for c, text in zip(cols, r[1:-1], strict=True):
                self.put(cell[r[0], c], text)
            self.put(frozenset({(righe, r[0])}), r[-1])
            self.relations.append((frozenset({(righe, r[0])}), [cell[r[0], c] for c in cols]))
        for c, text in zip(cols, footer[1:-1], strict=True):
            self.put(frozenset({(colonne, c)}), text)
            self.relations.append((frozenset({(colonne, c)}), [cell[r[0], c] for r in body]))
        self.put(frozenset(), footer[-1])
        self.relations.append((frozenset(), [frozenset({(righe, r[0])}) for r in body]))
        self.relations.append((frozenset(), [frozenset({(colonne, c)}) for c in cols]))

    def value(self, key: frozenset) -> int | None:
        return self.known.get(key, None if key in self.hidden else 0)

    def nesting(self, child: str, parent: str) -> dict[str, list[str]] | None:
        """parent value → its child values, when the published non-zero cells show each child under one parent."""
        under: dict[str, list[str]] = {}
        for cv in sorted(self.labels[child]):
            parents = [pv for pv in self.labels[parent] if self.value(frozenset({(child, cv), (parent, pv)})) != 0]
            if len(parents) != 1:
                return None
            under.setdefault(parents[0], []).append(cv)
        return under if any(len(v) > 1 for v in under.values()) else None

    def add_hierarchies(self):
        for child, parent in itertools.permutations(DIMS, 2):
            under = self.nesting(child, parent)
            for pv, children in (under or {}).items():
                self.relations.append((frozenset({(parent, pv)}), [frozenset({(child, c)}) for c in children]))
                for other in set(DIMS) - {child, parent}:
                    for ov in self.labels[other]:
                        total = frozenset({(parent, pv), (other, ov)})
                        self.relations.append((total, [frozenset({(child, c), (other, ov)}) for c in children]))


def download_everything(client) -> Published:
    seen = Published()
    url = reverse("regionale:cruscotto")
    for righe, colonne in itertools.combinations(DIMS, 2):
        params = {"anno": 2026, "righe": righe, "colonne": colonne, "formato": "csv"}
        text = client.get(url, params).content.decode()
        seen.table(righe, colonne, [line.split(";") for line in text.splitlines()])
    url = reverse("regionale:completezza")
    csv_lines = client.get(url, {"anno": 2026, "formato": "csv"}).content.decode().splitlines()[1:]
    states = list(COMPLETENESS_COLUMNS)[1:]
    for line in csv_lines:
        ente, erogate, *values, quota = line.split(";")
        seen.put(frozenset({("ente", ente)}), erogate)
        for state, text in zip(states, values, strict=True):
            seen.put(frozenset({("ente", ente), ("stato", state)}), text)
        seen.relations.append(
            (frozenset({("ente", ente)}), [frozenset({("ente", ente), ("stato", s)}) for s in states])
        )
        if quota != ND and erogate != ND and values[states.index("acquisite")] == ND:
            seen.known[frozenset({("ente", ente), ("stato", "acquisite")})] = round(float(quota) * int(erogate) / 100)
    page = client.get(url, {"anno": 2026}).content.decode()
    footer = re.search(r"<tfoot><tr><th scope=\"row\">Totale</th>(.*?)</tr>", page, re.S)
    if footer:
        grand, *totals = re.findall(r"<td>([^<]*)</td>", footer.group(1))[: len(COMPLETENESS_COLUMNS)]
        seen.put(frozenset(), grand)
        for state, text in zip(states, totals, strict=True):
            seen.put(frozenset({("stato", state)}), text)
        seen.relations.append((frozenset(), [frozenset({("stato", s)}) for s in states]))
    seen.add_hierarchies()
    return seen


def differencing(seen: Published) -> dict[frozenset, int]:
    """A total minus its known parts, or a part from its total, until nothing new comes out."""
    known = dict(seen.known)
    value = lambda k: known.get(k, None if k in seen.hidden else 0)  # noqa: E731
    changed = True
    while changed:
        changed = False
        for total, parts in seen.relations:
            unknown = [k for k in (total, *parts) if value(k) is None]
            if len(unknown) != 1:
                continue
            rest = sum(value(p) or 0 for p in parts)  # the unknown part, if any, counts 0 here
            known[unknown[0]] = rest if unknown[0] == total else value(total) - rest
            changed = True
    return {k: v for k, v in known.items() if k in seen.hidden}


def linear_algebra(seen: Published) -> set[frozenset]:
    """Hidden cells whose unit vector lies in the row space of the relations restricted to the hidden cells."""
    unknown = sorted(seen.hidden, key=sorted)
    column = {k: i for i, k in enumerate(unknown)}
    rows = []
    for total, parts in seen.relations:
        row = [Fraction(0)] * len(unknown)
        for k, sign in [(total, -1), *((p, 1) for p in parts)]:
            if k in column:
                row[column[k]] += sign
        if any(row):
            rows.append(row)
    pivots = []
    for col in range(len(unknown)):
        pick = next((r for r in range(len(pivots), len(rows)) if rows[r][col]), None)
        if pick is None:
            continue
        rows[len(pivots)], rows[pick] = rows[pick], rows[len(pivots)]
        head = rows[len(pivots)]
        head[:] = [v / head[col] for v in head]
        for r, row in enumerate(rows):
            if r != len(pivots) and row[col]:
                factor = row[col]
                row[:] = [a - factor * b for a, b in zip(row, head, strict=True)]
        pivots.append(col)
    return {unknown[col] for i, col in enumerate(pivots) if sum(1 for v in rows[i] if v) == 1}


def test_no_suppressed_cell_comes_back_from_any_combination_of_the_published_tables(db, client):
    deliver(home_comune(), "anziani", [("A2.07", 1), ("A2.07", 1), ("A2.07", 2), ("A1.04", 5), ("A2.07", 8)])
    deliver(
        neighbour_comune(), "poverta", [("A2.07", m) for m in (1, 4, 4, 10)] + [("A1.04", m) for m in (2, 3, 6)], "F"
    )
    deliver(foreign_comune(), "dipendenze_salute_mentale", [("A2.07", m) for m in (1, 2, 3, 4, 5)] + [("A1.04", 11)])
    relay_outbox(sender=ingest_event)
    derive_siuss_prestazioni(2026)
    client.force_login(OperatoreFactory(ente=regione(), ruolo="analista_regionale"))

    seen = download_everything(client)
    assert seen.hidden and len(seen.relations) > 100  # small cells exist and the tables are linked

    assert differencing(seen) == {}
    assert linear_algebra(seen) == set()
