#!/usr/bin/env python3
"""Benchmark: the cost of reading who a user is (capabilities, incarichi, grants) once per request — identity() with
its memo dropped before each call, on the data of bench/seed_and_list.py (an operator of Molfetta).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_bench REGIONALE_DATABASE_URL=…/cse_bench_reg \\
        .venv/bin/python bench/identity.py --runs 300
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--username", default="molfetta.assistente_sociale")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse.settings.dev")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from cse.core.permissions import forget_cached_capabilities, identity

    user = get_user_model().objects.get(username=args.username)
    identity(user)  # warm-up: connection, compiled query
    timings = []
    for _ in range(args.runs):
        forget_cached_capabilities(user)
        started = time.perf_counter()
        identity(user)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"identity(): median {statistics.median(timings):.2f} ms over {args.runs} calls ({args.username})")


if __name__ == "__main__":
    main()
