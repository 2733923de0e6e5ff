"""The compartecipazione objects of the isolation matrix: per ente A1, B1 and AMB_A a tariff, November's charge of the
person of its case and the charge's pagoPA notice, issued and paid one euro more than due (a refund to dispose). Built
once per territory, through the actions (pagoPA is the in-memory double of tests/support/compartecipazione.py)."""

from __future__ import annotations

from cse.compartecipazione import actions
from cse.compartecipazione.models import Avviso, Compartecipazione, Rimborso, Tariffa
from tests.support.compartecipazione import NOVEMBRE, hours, paga, pagopa_double, tariff

MANAGER = {"A1": "responsabile", "B1": "responsabile", "AMB_A": "ufficio_di_piano"}


def _ensure(territory) -> None:
    if Tariffa.objects.filter(atto="matrice").exists():
        return
    with pagopa_double():
        for key, ruolo in MANAGER.items():
            ente, manager = territory.enti[key], territory.user(key, ruolo)
            tariff(ente, manager, atto="matrice")
            hours(territory.cartelle[key], "6", ente=ente)
            actions.calcola_compartecipazioni(ente=ente, mese=NOVEMBRE, by=manager)
            actions.emetti_avvisi(ente=ente, mese=NOVEMBRE, by=manager)
        actions.avvisi_invia_in_coda()
        for avviso in Avviso.objects.all():
            paga(avviso.iuv, str(avviso.importo + 1))
        for key in MANAGER:
            actions.riconcilia_pagamenti(ente=territory.enti[key], dal=NOVEMBRE)


def foreign_compartecipazione(territory, ente_key: str) -> dict[str, list[int]]:
    _ensure(territory)
    ente = territory.enti[ente_key]
    return {
        "compartecipazione": list(Compartecipazione.objects.exclude(ente=ente).values_list("pk", flat=True)),
        "avviso_pagopa": list(Avviso.objects.exclude(ente=ente).values_list("pk", flat=True)),
        "rimborso": list(Rimborso.objects.exclude(ente=ente).values_list("pk", flat=True)),
        # operators are nobody's citizen: every notice is foreign to them
        "avviso_cittadino": list(Avviso.objects.values_list("pk", flat=True)),
    }
