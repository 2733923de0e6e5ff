#!/usr/bin/env python3
"""Benchmark: cost of the regional disclosure control (primary + secondary suppression over every linked table,
then the exact audit) for a year of N derived SIUSS prestazioni.

    .venv/bin/python bench/disclosure.py --sizes 300 3000 30000 [--write]

The microdata are synthetic counts per combination of the published dimensions, drawn with a fixed seed from a
region-like shape: `--enti` comuni in ambiti of about eight, most people resident in the comune that serves them,
skewed use of the service codes and areas, four quarters, a few financing sources and flow states. No database is
needed: the timed function is `protect_linked_tables`, which is what a cache miss of `protected_pattern` pays.
Prints a Markdown block; --write appends it to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CODES = [f"S{n:02d}" for n in range(1, 41)]  # stand-ins for nomenclatore codes: only their number matters here
SOURCES = ["FNPS", "FNA", "comunale", "regionale", "PNRR"]
STATES = ["inviato", "accolto", "scartato", "da inviare"]


def synthetic_year(prestazioni: int, enti: int, seed: int = 7) -> dict[tuple[str, ...], int]:
    """Count per combination of the published dimensions, in the order of `disclosure.DIMS`."""
    from cse.core.codelists.aree import AreaBisogno
    from cse.regionale.disclosure import DIMS

    rng = random.Random(seed)
    areas = [a.value for a in AreaBisogno]
    ente_codes = [f"E{n:03d}" for n in range(enti)]
    code_weights = [1 / (i + 1) for i in range(len(CODES))]  # a few services carry most of the volume
    micro: dict[tuple[str, ...], int] = {}
    for _ in range(prestazioni):
        ente = rng.choice(ente_codes)
        resident = ente if rng.random() < 0.9 else rng.choice(ente_codes)
        row = {
            "ente": ente,
            "ambito": f"AMB{int(ente[1:]) // 8:02d}",
            "comune_istat": resident,
            "area": rng.choice(areas),
            "codice": rng.choices(CODES, weights=code_weights)[0],
            "trimestre": f"T{rng.randint(1, 4)}",
            "fonte": rng.choice(SOURCES),
            "stato": rng.choices(STATES, weights=[6, 3, 1, 1])[0],
        }
        key = tuple(row[d] for d in DIMS)
        micro[key] = micro.get(key, 0) + 1
    return micro


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 3000, 30000], help="prestazioni per year")
    parser.add_argument("--enti", type=int, default=40, help="comuni erogatori in the region")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse.settings.test")
    import django

    django.setup()
    from cse.regionale.disclosure import primary, protect_linked_tables, published_cells

    lines = [
        f"### regional disclosure control — {args.enti} enti, synthetic year ({date.today().isoformat()})",
        "",
        f"`python bench/disclosure.py --sizes {' '.join(map(str, args.sizes))} --enti {args.enti}` "
        f"on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "",
        "| prestazioni | distinct combinations | published cells | primary | hidden in all | seconds |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in args.sizes:
        micro = synthetic_year(size, args.enti)
        cells = published_cells(micro)
        started = time.perf_counter()
        hidden = protect_linked_tables(micro)
        elapsed = time.perf_counter() - started
        lines.append(
            f"| {size:,} | {len(micro):,} | {len(cells):,} | {len(primary(cells)):,} | {len(hidden):,} "
            f"| {elapsed:.2f} |"
        )
        print(lines[-1], flush=True)
    block = "\n".join(lines) + "\n"
    print(block)
    if args.write:
        with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as fh:
            fh.write("\n" + block)


if __name__ == "__main__":
    main()
