#!/usr/bin/env python3
"""Benchmark: approve a provvedimento for 10,000 domande, then drain its 10,000 notifications off the request path.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_bench_notifiche \\
    REGIONALE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_bench_notifiche_reg \\
    .venv/bin/python bench/notifiche_provvedimento.py --domande 10000

Uses throw-away test databases (created and dropped). Seeds instructed domande with bulk_create (half consenting to
App IO, a quarter with an e-mail, the rest neither), computes and finalises the graduatoria, drafts and submits the
provvedimento (the PDF with one line per domanda is rendered there), then times:
1. the approval (provvedimento_approve: outcomes on every domanda with history and events, one Notifica per domanda,
   the protocol queued) — it sends nothing;
2. the worker (notifiche_invia_in_coda, in process) draining every notification through the App IO simulator (an
   in-process HTTP server: profile + message per IO row), Django's in-memory e-mail backend, and the letters queue.
Prints the figures; asserts nothing (the machine is shared).
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
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
BENCH_PASSWORD = "Prova-Sicura-2026!"  # noqa: S105 — a throw-away test database's operator
sys.path.insert(0, str(ROOT))

SCHEMA = {
    "criteri": [
        {"codice": "isee", "etichetta": "ISEE", "tipo": "requisito", "fatto": "isee.valore",
         "condizione": {"operatore": "<=", "valore": 25000}},
        {"codice": "fasce", "etichetta": "Fasce ISEE", "tipo": "punteggio", "fatto": "isee.valore",
         "fasce": [{"da": 0, "a": 6000, "punti": 30}, {"da": "6000.01", "a": 25000, "punti": 10}]},
    ],
    "spareggi": [{"fatto": "isee.valore", "ordine": "asc"}],
}  # fmt: skip


class _Suite:
    """What the App IO simulator needs of the simulator suite: the service's key."""

    timeout_sleep = 1.0

    def api_key(self, name: str) -> str:
        return "chiave-simulatore"


def _seed(n: int):
    from django.utils import timezone

    from cse.bandi import actions
    from cse.bandi.models import Domanda
    from cse.cartella.fasi import VoceNomenclatore
    from cse.core.models import Ambito, Comune, Regione
    from cse.core.services import ente_for_comune, operatore_create
    from cse.demo.synthetic import generate_people

    regione = Regione.objects.create(codice_istat="16", nome="Puglia")
    ambito = Ambito.objects.create(codice="BA01", nome="Molfetta", regione=regione)
    comune = Comune.objects.create(
        codice_istat="072029", codice_catastale="F284", nome="Molfetta", regione=regione, ambito=ambito
    )
    ente = ente_for_comune(comune)
    staff = list(generate_people(2, birthplaces=["F284"], seed=3131))
    redattore, approvatore = (
        operatore_create(
            username=f"bench.{i}", password=BENCH_PASSWORD, first_name=p.nome, last_name=p.cognome,
            email=f"bench{i}@example.invalid", codice_fiscale=p.codice_fiscale, ente=ente, ruolo="responsabile",
        ).user
        for i, p in enumerate(staff)
    )  # fmt: skip
    now = timezone.now()
    bando = actions.bando_create(
        ente=ente, by=redattore, codice="BENCH", titolo="Contributo affitto (bench)",
        stanziamento=Decimal("1500000.00"), importo_massimo=Decimal("300.00"), apertura=now - timedelta(days=30),
        chiusura=now - timedelta(days=1), schema=SCHEMA,
        codice_prestazione=VoceNomenclatore.objects.filter(codice="A1.05").first(),
    )  # fmt: skip
    bando = actions.bando_close(bando=actions.bando_publish(bando=bando, by=redattore), by=redattore)
    rng = random.Random(31)
    people = generate_people(n, birthplaces=["F284"], seed=4141)
    rows = []
    for i, p in enumerate(people):
        isee = rng.uniform(0, 30000)
        canale = rng.random()
        rows.append(
            Domanda(
                bando=bando, ente=ente, bando_codice=bando.codice, codice_fiscale=p.codice_fiscale,
                cognome=p.cognome, nome=p.nome, stato="istruita", esito="ammessa" if isee <= 25000 else "non_ammessa",
                punteggio=Decimal(30 if isee <= 6000 else 10), creata_da=redattore,
                presentata_il=now - timedelta(days=10, seconds=i), protocollo_numero=f"2027/{i:06d}",
                dati={"fatti": {"isee.valore": {"valore": f"{isee:.2f}", "fonte": "operatore"}}},
                consenso_app_io=canale < 0.5, email=f"richiedente{i}@example.invalid" if canale >= 0.75 else "",
            )
        )  # fmt: skip
    Domanda.objects.bulk_create(rows, batch_size=2000)
    graduatoria = actions.graduatoria_compute(bando=bando, by=redattore)
    later = timezone.now() + timedelta(days=bando.giorni_opposizione + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        graduatoria = actions.graduatoria_finalise(graduatoria=graduatoria, by=redattore)
    return bando, graduatoria, redattore, approvatore


def _drain(limite: int) -> tuple[float, dict]:
    from cse.bandi.notifiche.actions import notifiche_invia_in_coda

    totals = {"inviate": 0, "da_stampare": 0, "rinviate": 0, "in_errore": 0}
    start = time.perf_counter()
    while True:
        esito = notifiche_invia_in_coda(limite=limite)
        for key in totals:
            totals[key] += getattr(esito, key)
        if esito.inviate + esito.da_stampare + esito.in_errore == 0:
            return time.perf_counter() - start, totals


def main() -> None:  # noqa: PLR0915 — a linear script
    parser = argparse.ArgumentParser()
    parser.add_argument("--domande", type=int, default=10_000)
    parser.add_argument("--limite", type=int, default=500, help="rows per worker pass")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse.settings.test")

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings, setup_databases, teardown_databases

    from cse.bandi.models import Notifica
    from cse.bandi.provvedimento import actions as provv
    from cse.core.protocollo import protocollo_registra_in_coda
    from interop.simulators.appio import AppIoSimulator
    from interop.simulators.base import serve

    old = setup_databases(verbosity=0, interactive=False, aliases={"default", "regionale"})
    server = serve(AppIoSimulator(_Suite()), "127.0.0.1", 0)
    services = {**settings.CSE_INTEROP_SERVICES}
    services["appio"] = {**services["appio"], "url": f"http://127.0.0.1:{server.server_port}"}
    adapters = {**settings.CSE_ADAPTERS, "protocollo": "tests.support.bandi.ProtocolloInMemoria"}
    try:
        with override_settings(CSE_INTEROP_SERVICES=services, CSE_ADAPTERS=adapters):
            start = time.perf_counter()
            bando, graduatoria, redattore, approvatore = _seed(args.domande)
            seed_s = time.perf_counter() - start
            p = provv.provvedimento_draft(
                bando=bando, tipo="graduatoria", graduatoria=graduatoria, by=redattore,
                oggetto="Approvazione della graduatoria definitiva", testo="Visti gli esiti dell'istruttoria.",
            )  # fmt: skip
            start = time.perf_counter()  # as in production: the request only queues the PDF for the task worker
            with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
                p = provv.provvedimento_submit(provvedimento=p, by=redattore)
            submit_s = time.perf_counter() - start
            start = time.perf_counter()  # what the task worker does after the submission, off the request path
            provv.provvedimento_document_render(provvedimento_id=p.pk, richiesta=p.documento_richiesta)
            render_s = time.perf_counter() - start
            p.refresh_from_db()
            start = time.perf_counter()
            provv.provvedimento_approve(provvedimento=p, by=approvatore)
            approve_s = time.perf_counter() - start
            sent_during_approval = Notifica.objects.exclude(stato__in=("da_inviare", "da_stampare")).count()
            protocollo_registra_in_coda()
            per_canale = dict(Notifica.objects.values_list("canale").annotate(n=django.db.models.Count("pk")))
            drain_s, totals = _drain(args.limite)
        processed = totals["inviate"] + totals["da_stampare"]
        worked = Notifica.objects.exclude(canale="lettera", tentativi=0).count()
        print(f"### Provvedimento e notifiche ({connection.vendor}, {platform.python_version()}, {os.cpu_count()} CPU)")
        print(f"- domande: {args.domande} (seed con bulk_create e graduatoria definitiva: {seed_s:.1f} s)")
        print(f"- sottoposizione ad approvazione (richiesta dell'operatore): {submit_s * 1000:.0f} ms")
        print(f"- PDF di {args.domande} righe (WeasyPrint, SHA-256) nel worker, fuori richiesta: {render_s:.1f} s")
        print(f"- approvazione (esiti con storico ed eventi, {args.domande} notifiche in coda, protocollo in coda): "
              f"{approve_s:.2f} s; inviate durante l'approvazione: {sent_during_approval}")  # fmt: skip
        print(f"- notifiche per canale iniziale: {per_canale}")
        per_row = drain_s * 1000 / max(worked, 1)
        print(f"- worker (in processo, simulatore IO via HTTP locale): {drain_s:.1f} s per {processed} notifiche "
              f"({totals['inviate']} inviate, {totals['da_stampare']} lettere), "
              f"{per_row:.1f} ms per riga lavorata dal worker ({worked} righe IO/e-mail)")  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
