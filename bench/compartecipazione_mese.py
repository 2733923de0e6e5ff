#!/usr/bin/env python3
"""Benchmark: the monthly compartecipazione of one comune — compute N charges, queue and issue N pagoPA notices (the
in-process stand-in of the port, so pagoPA's own latency is left out), reconcile N receipts.

    .venv/bin/python bench/compartecipazione_mese.py --persone 2000 [--write]                # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_bench_comp \\
    REGIONALE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_bench_comp_reg \\
    .venv/bin/python bench/compartecipazione_mese.py --persone 2000 [--write]

Uses throw-away test databases (created and dropped). Prints a Markdown block; --write appends it to
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_PASSWORD = "Bench-Compartecipazione-2026!"  # noqa: S105 - a throw-away test database
MESE = date(2026, 11, 1)


def _territory():
    from cse.core.models import Ambito, Comune, Regione
    from cse.core.services import ente_for_comune, operatore_create
    from cse.demo.synthetic import generate_people

    regione = Regione.objects.create(codice_istat="16", nome="Puglia")
    ambito = Ambito.objects.create(codice="BA01", nome="Molfetta", regione=regione)
    comune = Comune.objects.create(
        codice_istat="072029", codice_catastale="F284", nome="Molfetta", regione=regione, ambito=ambito
    )
    ente = ente_for_comune(comune)
    persona = next(iter(generate_people(1, birthplaces=["F284"], seed=3131)))
    user = operatore_create(
        username="bench.op", password=BENCH_PASSWORD, first_name=persona.nome, last_name=persona.cognome,
        email="bench@example.invalid", codice_fiscale=persona.codice_fiscale, ente=ente, ruolo="responsabile",
    ).user  # fmt: skip
    return ente, user


def _people(ente, user, n: int) -> None:
    """N people of the comune, each with a case, 4 to 20 hours of home care in November and an ISEE."""
    from cse.cartella.fasi import Prestazione, VoceNomenclatore
    from cse.cartella.models import Assistito, Cartella
    from cse.cartella.rete import Isee

    people = []
    for i in range(n):
        p = Assistito(
            owner_ente=ente, identificativo_temporaneo=f"BENCH{i:08d}", cognome="Bench", nome=f"Persona{i}",
            sesso="F", data_nascita=date(1950, 1, 1), luogo_nascita="F284",
        )  # fmt: skip
        p.fill_search_keys()
        people.append(p)
    people = Assistito.objects.bulk_create(people, batch_size=2000)
    cases = Cartella.objects.bulk_create(
        [Cartella(assistito=p, owner_ente=ente, numerata_da=ente, numero=f"B{i:08d}") for i, p in enumerate(people)],
        batch_size=2000,
    )
    voce = VoceNomenclatore.objects.get(codice="A2.07")
    Prestazione.objects.bulk_create(
        [
            Prestazione(
                cartella=c,
                voce=voce,
                carattere=1,
                data_inizio=date(2026, 11, 1 + i % 28),
                quantita=Decimal(4 + i % 17),
                unita="ore",
                importo=Decimal("0"),
                fonte="comunale",
                erogatore="Bench",
                ente_erogatore=ente,
            )  # fmt: skip
            for i, c in enumerate(cases)
        ],
        batch_size=2000,
    )
    Isee.objects.bulk_create(
        [
            Isee(
                assistito=p,
                valore=Decimal(7000 + (i * 37) % 20000),
                protocollo_dsu=f"INPS-BENCH-{i}",
                valida_dal=date(2026, 1, 15),
                valida_al=date(2026, 12, 31),
            )  # fmt: skip
            for i, p in enumerate(people)
        ],
        batch_size=2000,
    )


def _timed(label: str, fn, lines: list[str], n: int):
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    lines.append(f"| {label} | {n} | {elapsed:.2f} s | {elapsed / max(n, 1) * 1000:.1f} ms |")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persone", type=int, default=2000)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse.settings.test")

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import setup_databases, teardown_databases

    from cse.compartecipazione import actions
    from cse.compartecipazione.models import Avviso
    from cse.core.pagamenti import Ricevuta
    from cse.demo.compartecipazione import BANDS, PagoPaSeed

    old = setup_databases(verbosity=0, interactive=False, aliases={"default", "regionale"})
    n = args.persone
    lines = ["| Passo | Righe | Tempo | Per riga |", "|---|---|---|---|"]
    try:
        ente, user = _territory()
        from cse.cartella.fasi import VoceNomenclatore

        actions.tariffa_crea(
            ente=ente, voce=VoceNomenclatore.objects.get(codice="A2.07"), fasce=BANDS, by=user,
            denominazione="SAD", unita="ora", tariffa_piena=Decimal("20.00"), valida_dal=date(2026, 1, 1), atto="b",
        )  # fmt: skip
        _people(ente, user, n)
        adapters = {**settings.CSE_ADAPTERS, "pagopa": "cse.demo.compartecipazione.PagoPaSeed"}
        with override_settings(CSE_ADAPTERS=adapters, CSE_PAGOPA_INLINE=False):
            esito = _timed(
                "calcola_compartecipazioni", lambda: actions.calcola_compartecipazioni(ente=ente, mese=MESE, by=user),
                lines, n,
            )  # fmt: skip
            _timed("calcolo ripetuto (nessun doppione)", lambda: actions.calcola_compartecipazioni(
                ente=ente, mese=MESE, by=user), lines, n)  # fmt: skip
            coda = _timed("emetti_avvisi (in coda)", lambda: actions.emetti_avvisi(ente=ente, mese=MESE, by=user),
                          lines, n)  # fmt: skip
            _timed("avvisi_invia_in_coda (porta in processo)", lambda: actions.avvisi_invia_in_coda(limite=n + 1),
                   lines, coda.accodati)  # fmt: skip
            at = datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Europe/Rome"))
            PagoPaSeed.ricevute_seed = [
                Ricevuta(iuv=a.iuv, importo=a.importo, pagato_il=at, id_ricevuta=f"R{a.pk}")
                for a in Avviso.objects.filter(stato="emesso")
            ]
            paid = len(PagoPaSeed.ricevute_seed)
            _timed("riconcilia_pagamenti", lambda: actions.riconcilia_pagamenti(ente=ente, dal=MESE), lines, paid)
        lines.append("")
        lines.append(
            f"{esito.calcolate} compartecipazioni, {coda.accodati} avvisi (gli esenti non ne hanno), {paid} ricevute; "
            f"{connection.vendor}, Python {platform.python_version()}, {platform.machine()}."
        )
    finally:
        teardown_databases(old, verbosity=0)
    block = "\n".join(["", f"### Compartecipazione: il mese di un comune ({n} persone)", "", *lines, ""])
    print(block)
    if args.write:
        with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as fh:
            fh.write(block)


if __name__ == "__main__":
    main()
