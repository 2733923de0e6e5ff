#!/usr/bin/env python3
"""Benchmark: rank the instructed domande of one bando with 8 criteria (issue 21: 10,000 in < 5 s on PostgreSQL).

    .venv/bin/python bench/rank_bandi.py --domande 10000                                     # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_bench_bandi \\
    REGIONALE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_bench_bandi_reg \\
    .venv/bin/python bench/rank_bandi.py --domande 10000

Uses throw-away test databases (created and dropped). Times (1) the evaluation of the 8 criteria on every domanda's
stored facts (rules.evaluate + score, pure) and (2) graduatoria_compute: read, rank, award and persist the ranking with
its outbox event. Prints the figures; asserts nothing (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_PASSWORD = "Prova-Sicura-2026!"  # noqa: S105 — a throw-away test database's operator
sys.path.insert(0, str(ROOT))

SCHEMA = {
    "criteri": [
        {"codice": "isee", "etichetta": "ISEE", "tipo": "requisito", "fatto": "isee.valore",
         "condizione": {"operatore": "<=", "valore": 25000}},
        {"codice": "residenza", "etichetta": "Residenza", "tipo": "requisito", "fatto": "residenza.comune_istat",
         "condizione": {"operatore": "in", "valore": ["072029"]}},
        {"codice": "maggiorenne", "etichetta": "Maggiorenne", "tipo": "requisito", "fatto": "eta",
         "condizione": {"operatore": ">=", "valore": 18}},
        {"codice": "dichiarazione", "etichetta": "Dichiarazione", "tipo": "requisito",
         "fatto": "dichiarazione.veritiera", "condizione": {"operatore": "==", "valore": True}},
        {"codice": "fasce_isee", "etichetta": "Fasce ISEE", "tipo": "punteggio", "fatto": "isee.valore",
         "fasce": [{"da": 0, "a": 6000, "punti": 30}, {"da": "6000.01", "a": 12000, "punti": 20},
                   {"da": "12000.01", "a": 25000, "punti": 5}]},
        {"codice": "minori", "etichetta": "Minori", "tipo": "punteggio", "fatto": "nucleo.minori",
         "fasce": [{"da": 1, "a": 1, "punti": 5}, {"da": 2, "punti": 10}]},
        {"codice": "disabili", "etichetta": "Disabili", "tipo": "punteggio", "fatto": "nucleo.disabili",
         "condizione": {"operatore": ">=", "valore": 1}, "punti": 15},
        {"codice": "anziani", "etichetta": "Over 65", "tipo": "punteggio", "fatto": "nucleo.over65",
         "condizione": {"operatore": ">=", "valore": 1}, "punti": 5},
    ],
    "spareggi": [{"fatto": "isee.valore", "ordine": "asc"}, {"fatto": "nucleo.minori", "ordine": "desc"}],
}  # fmt: skip


def _facts(rng: random.Random, at: str) -> dict:
    values = {
        "isee.valore": f"{rng.uniform(0, 30000):.2f}",
        "residenza.comune_istat": "072029" if rng.random() < 0.97 else "072004",
        "eta": rng.randint(18, 90),
        "dichiarazione.veritiera": True,
        "nucleo.minori": rng.randint(0, 4),
        "nucleo.disabili": int(rng.random() < 0.1),
        "nucleo.over65": int(rng.random() < 0.2),
        "nucleo.componenti": rng.randint(1, 6),
    }
    return {"fatti": {k: {"valore": v, "fonte": "operatore", "rilevato_il": at} for k, v in values.items()}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--domande", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse.settings.test")

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases
    from django.utils import timezone

    from cse.bandi import actions, rules
    from cse.bandi.models import Domanda
    from cse.bandi.prefill import facts_of
    from cse.cartella.fasi import VoceNomenclatore
    from cse.core.models import Ambito, Comune, Regione
    from cse.core.services import ente_for_comune, operatore_create
    from cse.demo.synthetic import generate_people

    old = setup_databases(verbosity=0, interactive=False, aliases={"default", "regionale"})
    try:
        regione = Regione.objects.create(codice_istat="16", nome="Puglia")
        ambito = Ambito.objects.create(codice="BA01", nome="Molfetta", regione=regione)
        comune = Comune.objects.create(
            codice_istat="072029", codice_catastale="F284", nome="Molfetta", regione=regione, ambito=ambito
        )
        ente = ente_for_comune(comune)
        persona = next(iter(generate_people(1, birthplaces=["F284"], seed=2121)))
        user = operatore_create(
            username="bench.op", password=BENCH_PASSWORD, first_name=persona.nome, last_name=persona.cognome,
            email="bench@example.invalid", codice_fiscale=persona.codice_fiscale, ente=ente, ruolo="responsabile",
        ).user  # fmt: skip
        now = timezone.now()
        bando = actions.bando_create(
            ente=ente, by=user, codice="BENCH", titolo="Bench", stanziamento=Decimal("1500000.00"),
            importo_massimo=Decimal("300.00"), assegnazione_parziale=True, apertura=now - timedelta(days=30),
            chiusura=now - timedelta(days=1), schema=SCHEMA,
            dichiarazioni=[{"codice": "veritiera", "testo": "Dichiaro il vero"}],
            codice_prestazione=VoceNomenclatore.objects.filter(codice="A1.05").first(),
        )  # fmt: skip
        bando = actions.bando_close(bando=actions.bando_publish(bando=bando, by=user), by=user)
        rng = random.Random(21)
        at = now.isoformat()
        rows = [
            Domanda(
                bando=bando,
                ente=ente,
                bando_codice=bando.codice,
                codice_fiscale=f"BNC{n:013d}",
                cognome="Bench",
                nome="Domanda",
                stato="istruita",
                dati=_facts(rng, at),
                creata_da=user,
                presentata_il=now - timedelta(days=10, seconds=n),
                protocollo_numero=f"2027/{n:06d}",
            )  # fmt: skip
            for n in range(args.domande)
        ]
        Domanda.objects.bulk_create(rows, batch_size=2000)

        schema = rules.parse_schema(bando.schema)
        start = time.perf_counter()
        updates = []
        for domanda in Domanda.objects.filter(bando=bando).only("pk", "dati"):
            outcomes = rules.evaluate(schema, facts_of(domanda.dati))
            domanda.punteggio = rules.score(outcomes)
            domanda.esito = "ammessa" if rules.eligible(outcomes) else "non_ammessa"
            updates.append(domanda)
        evaluate_s = time.perf_counter() - start
        Domanda.objects.bulk_update(updates, ["punteggio", "esito"], batch_size=2000)

        start = time.perf_counter()
        graduatoria = actions.graduatoria_compute(bando=bando, by=user)
        compute_s = time.perf_counter() - start
        finanziate = graduatoria.posizioni.filter(importo_assegnato__gt=0).count()
        print(f"### Graduatoria bandi ({connection.vendor}, {platform.python_version()}, {os.cpu_count()} CPU)")
        print(f"- domande: {args.domande}, criteri: 8, spareggi: 2")
        print(f"- valutazione dei criteri (rules.evaluate + score): {evaluate_s:.2f} s")
        print(f"- graduatoria_compute (lettura, ordinamento, assegnazione, scrittura): {compute_s:.2f} s")
        print(f"- totale: {evaluate_s + compute_s:.2f} s (obiettivo < 5 s su PostgreSQL); finanziate: {finanziate}")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
