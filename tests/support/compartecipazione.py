"""Compartecipazione for tests: the assistenza domiciliare tariff with its ISEE bands, hours delivered to a person in a
month, ISEE attestations, and a pagoPA test double (swapped in with `pagopa_double()`, as settings.CSE_ADAPTERS would
be in a deployment) that can go offline and hands out receipts."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.test import override_settings

from cse.cartella.fasi import Prestazione, VoceNomenclatore
from cse.cartella.models import Cartella
from cse.cartella.rete import Isee
from cse.compartecipazione import actions
from cse.core.external import ServiceUnavailable
from cse.core.pagamenti import Avviso, Ricevuta, codice_avviso, componi_iuv
from tests.support.factories import CartellaFactory, ensure_reference_data

ROME = ZoneInfo("Europe/Rome")
NOVEMBRE = date(2026, 11, 1)
_receipt = itertools.count(1)

# 20 €/hour; up to 6,000 € exempt, up to 15,000 € 30 %, up to 25,000 € 8 €/hour, above: the full tariff
BANDS = [
    {"isee_da": Decimal("0.00"), "isee_a": Decimal("6000.00"), "tipo": "esenzione", "valore": Decimal("0")},
    {"isee_da": Decimal("6000.01"), "isee_a": Decimal("15000.00"), "tipo": "percentuale", "valore": Decimal("30")},
    {"isee_da": Decimal("15000.01"), "isee_a": Decimal("25000.00"), "tipo": "importo_fisso", "valore": Decimal("8")},
    {"isee_da": Decimal("25000.01"), "isee_a": None, "tipo": "percentuale", "valore": Decimal("100")},
]


def sad() -> VoceNomenclatore:
    ensure_reference_data()
    return VoceNomenclatore.objects.get(codice="A2.07")


def tariff(ente, by, *, fasce=None, **fields):
    """Assistenza domiciliare at 20 €/hour from 1 January 2026, with BANDS."""
    values = {
        "denominazione": "Assistenza domiciliare",
        "unita": "ora",
        "tariffa_piena": Decimal("20.00"),
        "valida_dal": date(2026, 1, 1),
        "atto": "Delibera di giunta n. 1/2026",
    } | fields
    return actions.tariffa_crea(ente=ente, voce=sad(), fasce=BANDS if fasce is None else fasce, by=by, **values)


def hours(case: Cartella, ore: str, *, on: date = date(2026, 11, 10), ente=None, unita: str = "ore") -> Prestazione:
    """Hours of home care delivered to the case's person on a day, granted by `ente` (default: the case's owner)."""
    return Prestazione.objects.create(
        cartella=case,
        voce=sad(),
        carattere=1,
        data_inizio=on,
        quantita=Decimal(ore),
        unita=unita,
        importo=Decimal("0.00"),
        fonte="comunale",
        erogatore="Cooperativa di prova",
        ente_erogatore=ente or case.owner_ente,
    )


def served(person, ore: str = "10", **kwargs) -> Cartella:
    case = CartellaFactory(assistito=person)
    hours(case, ore, **kwargs)
    return case


def isee(person, valore: str, *, dal: date = date(2026, 1, 15), al: date = date(2026, 12, 31), dsu: str = "") -> Isee:
    return Isee.objects.create(
        assistito=person,
        valore=Decimal(valore),
        protocollo_dsu=dsu or f"INPS-ISEE-2026-{person.pk:08d}-00",
        valida_dal=dal,
        valida_al=al,
    )


class PagoPaDouble:
    """The pagoPA port, in memory: `crea_posizione` idempotent on the key (like GPD), `offline` answers 503."""

    posizioni: dict[str, Avviso] = {}
    ricevute_emesse: list[Ricevuta] = []
    chiamate = 0
    offline = False
    annullate: set[str] = set()

    def crea_posizione(self, debito, ctx) -> Avviso:
        type(self).chiamate += 1
        if type(self).offline:
            raise ServiceUnavailable("La piattaforma pagoPA non risponde.", code="http_503")
        if debito.chiave not in self.posizioni:
            iuv = componi_iuv(debito.segregazione, debito.progressivo)
            self.posizioni[debito.chiave] = Avviso(
                iuv=iuv,
                codice_avviso=codice_avviso(iuv),
                importo=debito.importo,
                scadenza=debito.scadenza,
                ente_codice_fiscale=debito.ente_codice_fiscale,
                chiave=debito.chiave,
            )
        return self.posizioni[debito.chiave]

    def stato(self, ente_codice_fiscale, iuv, ctx) -> str:
        return "da_pagare"

    def ricevute(self, ente_codice_fiscale, dal, ctx) -> list[Ricevuta]:
        if type(self).offline:
            raise ServiceUnavailable("La piattaforma pagoPA non risponde.", code="http_503")
        return list(self.ricevute_emesse)

    def annulla_posizione(self, ente_codice_fiscale, chiave, ctx) -> str:
        """Like GPD's invalidate: a paid position stays paid; an unknown one has nothing to annul."""
        type(self).chiamate += 1
        if type(self).offline:
            raise ServiceUnavailable("La piattaforma pagoPA non risponde.", code="http_503")
        avviso = self.posizioni.get(chiave)
        if avviso is not None and any(r.iuv == avviso.iuv for r in self.ricevute_emesse):
            return "pagato"
        type(self).annullate.add(chiave)
        return "annullato"

    @classmethod
    def reset(cls) -> None:
        cls.posizioni, cls.ricevute_emesse, cls.chiamate, cls.offline, cls.annullate = {}, [], 0, False, set()


def paga(iuv: str, importo: str, *, psp: str = "Banca di prova") -> Ricevuta:
    """A citizen pays a notice at a PSP: pagoPA will hand the receipt to the next reconciliation."""
    ricevuta = Ricevuta(
        iuv=iuv,
        importo=Decimal(importo),
        pagato_il=datetime(2026, 12, 3, 10, 0, tzinfo=ROME),
        id_ricevuta=f"RIC-{next(_receipt):06d}",
        psp=psp,
    )
    PagoPaDouble.ricevute_emesse.append(ricevuta)
    return ricevuta


@contextmanager
def pagopa_double():
    PagoPaDouble.reset()
    adapters = {**settings.CSE_ADAPTERS, "pagopa": "tests.support.compartecipazione.PagoPaDouble"}
    with override_settings(CSE_ADAPTERS=adapters, CSE_PAGOPA_INLINE=False):
        yield PagoPaDouble
    PagoPaDouble.reset()
