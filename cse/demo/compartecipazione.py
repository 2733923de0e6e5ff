"""Demo: the home comune's home-care tariff (assistenza domiciliare, 20 €/hour) with ISEE bands, two months computed
through the actions, their pagoPA notices issued (one paid and reconciled, one in arrears, the SPID/CIE demo citizen's
open in «I miei pagamenti»), exempt and flagged charges; synthetic people only.

The seed runs before the simulators start (dev.py), so it issues the notices through an in-process stand-in of the
pagoPA port (`PagoPaSeed`, IUVs by the same SACI rule); later months go to the configured adapter (the simulator)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone

from cse.cartella.actions.cartella import cartella_open
from cse.cartella.fasi import Prestazione, VoceNomenclatore
from cse.cartella.models import Assistito, Cartella
from cse.cartella.rete import Isee
from cse.compartecipazione import actions
from cse.compartecipazione.models import Avviso, Tariffa
from cse.core.models import Ente
from cse.core.pagamenti import Avviso as AvvisoPagoPA
from cse.core.pagamenti import Ricevuta, codice_avviso, componi_iuv
from cse.core.roles import Ruolo

ATTO = "Regolamento comunale SAD (dimostrativo)"
BANDS = [
    {"isee_da": Decimal("0.00"), "isee_a": Decimal("6000.00"), "tipo": "esenzione", "valore": Decimal("0")},
    {"isee_da": Decimal("6000.01"), "isee_a": Decimal("15000.00"), "tipo": "percentuale", "valore": Decimal("30")},
    {"isee_da": Decimal("15000.01"), "isee_a": Decimal("25000.00"), "tipo": "importo_fisso", "valore": Decimal("8")},
    {"isee_da": Decimal("25000.01"), "isee_a": None, "tipo": "percentuale", "valore": Decimal("100")},
]


class PagoPaSeed:
    """The pagoPA port in memory, for the seed only: idempotent on the key, receipts handed by `paga`."""

    ricevute_seed: ClassVar[list[Ricevuta]] = []

    def crea_posizione(self, debito, ctx) -> AvvisoPagoPA:
        iuv = componi_iuv(debito.segregazione, debito.progressivo)
        return AvvisoPagoPA(
            iuv, codice_avviso(iuv), debito.importo, debito.scadenza, debito.ente_codice_fiscale, debito.chiave
        )

    def stato(self, ente_codice_fiscale, iuv, ctx) -> str:
        return "da_pagare"

    def ricevute(self, ente_codice_fiscale, dal, ctx) -> list[Ricevuta]:
        return list(self.ricevute_seed)

    def annulla_posizione(self, ente_codice_fiscale, chiave, ctx) -> str:
        return "annullato"


def _operator(ente: Ente, ruolo: str):
    return get_user_model().objects.filter(operatore__incarichi__ente=ente, operatore__incarichi__ruolo=ruolo).first()


def _month(months_back: int):
    day = timezone.localdate().replace(day=1)
    for _ in range(months_back):
        day = (day - timedelta(days=1)).replace(day=1)
    return day


def _serve(cartella: Cartella, ente: Ente, voce, month, ore: str) -> None:
    Prestazione.objects.create(
        cartella=cartella,
        voce=voce,
        carattere=1,
        data_inizio=month + timedelta(days=4),
        quantita=Decimal(ore),
        unita="ore",
        importo=Decimal("0.00"),
        fonte="comunale",
        erogatore="Cooperativa sociale (demo)",
        ente_erogatore=ente,
    )


def _isee(person: Assistito, valore: str, *, expired: bool = False) -> None:
    year = timezone.localdate().year - (1 if expired else 0)
    Isee.objects.create(
        assistito=person,
        valore=Decimal(valore),
        protocollo_dsu=f"INPS-ISEE-{year}-DEMO{person.pk:06d}-00",
        valida_dal=_month(14) if expired else _month(3),
        valida_al=_month(3) - timedelta(days=1) if expired else timezone.localdate().replace(month=12, day=31),
    )


def _people(ente: Ente, worker, citizen_cf: str) -> list[tuple[Cartella, str | None]]:
    """Four cases of the comune (ISEE 20,000; none; 4,000; expired) and the demo citizen's (ISEE 10,000)."""
    cases = list(Cartella.objects.filter(owner_ente=ente, assistito__owner_ente=ente).order_by("pk")[:4])
    rows = list(zip(cases, ("20000", None, "4000", "expired"), strict=False))
    citizen = Assistito.objects.filter(owner_ente=ente, codice_fiscale=citizen_cf).first() if citizen_cf else None
    if citizen is not None:
        rows.append((citizen.cartelle.first() or cartella_open(assistito=citizen, by=worker), "10000"))
    return rows


def seed_compartecipazione(ente: Ente, citizen_cf: str = "") -> str:
    """Idempotent: nothing is added when the demo tariff exists. Returns a line for the seed's output."""
    if Tariffa.objects.filter(ente=ente, atto=ATTO).exists():
        return "Compartecipazione dimostrativa già presente."
    manager, worker = _operator(ente, Ruolo.RESPONSABILE), _operator(ente, Ruolo.ASSISTENTE_SOCIALE)
    voce = VoceNomenclatore.objects.filter(codice="A2.07").first()
    if manager is None or worker is None or voce is None:
        return "Compartecipazione dimostrativa non creata: mancano operatori o nomenclatore."
    before, last = _month(2), _month(1)
    actions.tariffa_crea(
        ente=ente,
        voce=voce,
        fasce=BANDS,
        by=manager,
        denominazione="Assistenza domiciliare (SAD)",
        unita="ora",
        tariffa_piena=Decimal("20.00"),
        valida_dal=before.replace(month=1),
        atto=ATTO,
    )
    people = _people(ente, worker, citizen_cf)
    for n, (cartella, isee) in enumerate(people):
        if isee:
            _isee(cartella.assistito, "31000" if isee == "expired" else isee, expired=isee == "expired")
        if n < 2:
            _serve(cartella, ente, voce, before, "12")
        _serve(cartella, ente, voce, last, "10")
    adapters = {**settings.CSE_ADAPTERS, "pagopa": "cse.demo.compartecipazione.PagoPaSeed"}
    with override_settings(CSE_ADAPTERS=adapters, CSE_PAGOPA_INLINE=False):
        _issue_and_pay(ente, manager, before, last)
    return (
        "Compartecipazione dimostrativa: tariffa SAD, due mesi calcolati, avvisi emessi (pagati, un rimborso da "
        "disporre, un arretrato)."
    )


def _issue_and_pay(ente: Ente, manager, before, last) -> None:
    long_ago = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=45), time(10)))
    actions.calcola_compartecipazioni(ente=ente, mese=before, by=manager)
    actions.emetti_avvisi(ente=ente, mese=before, by=manager, now=long_ago)
    actions.avvisi_invia_in_coda(now=timezone.now())
    # the first person paid at a PSP five euro more than due (a refund to dispose); the second is in arrears
    first = Avviso.objects.filter(ente=ente, compartecipazione__mese=before).order_by("pk").first()
    PagoPaSeed.ricevute_seed = [
        Ricevuta(
            iuv=first.iuv,
            importo=first.importo + Decimal("5.00"),
            pagato_il=long_ago + timedelta(days=10),
            id_ricevuta=f"DEMO-RIC-{first.pk}",
            psp="Banca dimostrativa",
        )
    ]
    actions.riconcilia_pagamenti(ente=ente, dal=before, by=manager)
    PagoPaSeed.ricevute_seed = []
    actions.calcola_compartecipazioni(ente=ente, mese=last, by=manager)
    actions.emetti_avvisi(ente=ente, mese=last, by=manager)
    actions.avvisi_invia_in_coda()
