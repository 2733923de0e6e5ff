"""Demo: a few dozen synthetic cases taken to delivery through the real services, so the regional tier has events,
SIUSS rows and SIOSS schede to show (the relay delivers them as in production, then the year is derived)."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from cse.cartella.actions.cartella import cartella_transition, case_manager_assign
from cse.cartella.actions.fasi import intervento_plan, phase_record_save, prestazione_register
from cse.cartella.fasi import Prestazione, VoceNomenclatore
from cse.cartella.models import Cartella
from cse.cartella.relay import relay_outbox
from cse.core.roles import Capability

DEMO_EROGATORE = "Cooperativa sociale (demo)"
# (nomenclatore code, LEPS it realises, funding source, carattere)
DELIVERIES = [
    ("A2.07", "A3.1", "fna", 1),
    ("A2.08", "A3.1", "fna", 1),
    ("A3.02", "A3.2", "fna", 1),
    ("A1.04", "A1", "poverta", 2),
    ("A1.05", "A5", "comunale", 2),
    ("A9.02.01", "A6", "dopo_di_noi", 1),
    ("A1.11", "A7", "fnps", 1),
    ("A2.02", "A4", "fnps", 1),
    ("A1.06", "", "comunale", 2),
]


def deliver_demo_cases(*, username: str, per_comune: int = 30, seed: int = 7) -> int:
    """Take up to `per_comune` open cases of the operator's comune to erogazione with one or two prestazioni."""
    if Prestazione.objects.filter(erogatore=DEMO_EROGATORE).exists():
        return 0
    worker = get_user_model().objects.get(username=username)
    rng = random.Random(seed)
    today = timezone.localdate()
    # cases the worker may work: their comune's own, not one they only follow in the équipe after a transfer
    cases = Cartella.objects.visible_to(worker, Capability.MANAGE_CARTELLE).filter(stato="accesso").order_by("pk")
    cases = cases[:per_comune]
    delivered = 0
    for case in cases:
        case = case_manager_assign(cartella=case, user=worker, by=worker, version=None)
        phase_record_save(
            cartella=case,
            record="scheda_accesso",
            by=worker,
            version=None,
            data={
                "canale": "spontaneo",
                "richiesta": "Richiesta di sostegno",
                "area": case.area,
                "esito": "presa_in_carico",
            },
        )
        case = cartella_transition(cartella=case, target="valutazione", by=worker)
        levels = {k: rng.randint(0, 3) for k in ("economica", "abitativa", "salute", "familiare", "lavoro", "gravita")}
        phase_record_save(
            cartella=case,
            record="valutazione",
            by=worker,
            version=None,
            data={**levels, "urgenza": "ordinaria", "giudizio": "Valutazione sintetica dimostrativa"},
        )
        case = cartella_transition(cartella=case, target="progetto", by=worker)
        codice, leps, fonte, carattere = rng.choice(DELIVERIES)
        voce = VoceNomenclatore.objects.filter(codice=codice).first()
        if voce is None:
            continue
        intervento = intervento_plan(
            cartella=case,
            by=worker,
            version=None,
            data={
                "voce": voce,
                "importo_previsto": Decimal(rng.randint(100, 2000)),
                "fonte": fonte,
                "modulo_leps": leps,
            },
        )
        phase_record_save(
            cartella=case,
            record="progetto",
            by=worker,
            version=None,
            data={
                "obiettivi": "Obiettivi dimostrativi",
                "azioni": "Azioni",
                "impegni_persona": "Impegni",
                "data_revisione": today + timedelta(days=180),
                "sottoscritto_il": today,
            },
        )
        case = cartella_transition(cartella=case, target="erogazione", by=worker)
        for _ in range(rng.randint(1, 2)):
            prestazione_register(
                cartella=case,
                by=worker,
                version=None,
                data={
                    "voce": voce,
                    "intervento": intervento,
                    "carattere": carattere,
                    "data_inizio": max(today - timedelta(days=rng.randint(0, 200)), today.replace(month=1, day=1)),
                    "quantita": Decimal(rng.randint(1, 40)),
                    "unita": "ore" if carattere == 1 else "euro",
                    "importo": Decimal(rng.randint(50, 900)),
                    "fonte": fonte,
                    "erogatore": DEMO_EROGATORE,
                },
            )
            delivered += 1
    relay_outbox(batch_size=100_000)
    return delivered
