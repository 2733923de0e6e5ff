"""What the liquidazione pages and the budget read: the ranking line a payment rests on, the beneficiaries of a
bando, and a bando's committed / liquidated figures (the comune's page shows them beside its voce di bilancio, the
ambito tier adds them to the piano di zona line the bando is linked to)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from ..glossary import StatoGraduatoria, StatoRata
from ..models import Bando, Domanda, PosizioneGraduatoria, Rata, Revoca
from ..rules import parse_schema

ZERO = Decimal("0.00")


def posizione_definitiva(domanda: Domanda) -> PosizioneGraduatoria | None:
    """The domanda's line in the final ranking of its bando (any version), or None."""
    return (
        PosizioneGraduatoria.objects.filter(domanda_id=domanda.pk, graduatoria__stato=StatoGraduatoria.DEFINITIVA)
        .select_related("graduatoria", "domanda")
        .first()
    )


def beneficiari(bando: Bando):
    """The funded lines of the bando's final ranking, in ranking order, with their payment plan if any."""
    return (
        PosizioneGraduatoria.objects.filter(
            graduatoria__bando__ente_id=bando.ente_id,
            graduatoria__bando__codice=bando.codice,
            graduatoria__stato=StatoGraduatoria.DEFINITIVA,
            importo_assegnato__gt=0,
        )
        .select_related("domanda__liquidazione__revoca", "graduatoria")
        .prefetch_related("domanda__liquidazione__rate")
        .order_by("posizione")
    )


def rate_of(domanda: Domanda) -> list[Rata]:
    liquidazione = getattr(domanda, "liquidazione", None)
    return list(liquidazione.rate.all()) if liquidazione else []


@dataclass(frozen=True)
class Figures:
    """A bando's money: what it reserves, commits (the awards once final, less what a revocation cancelled), has
    paid, has to recover; `da_liquidare` is committed and not yet paid, `disponibile` is reserved and not committed."""

    stanziamento: Decimal
    impegnato: Decimal
    liquidato: Decimal
    da_recuperare: Decimal

    @property
    def da_liquidare(self) -> Decimal:
        return self.impegnato - self.liquidato

    @property
    def disponibile(self) -> Decimal:
        return self.stanziamento - self.impegnato


def _sum(qs, field: str) -> Decimal:
    return qs.aggregate(t=Coalesce(Sum(field), ZERO))["t"]


def bando_figures(bando: Bando) -> Figures:
    """Until the ranking is final the whole stanziamento is committed; then the awarded amounts are, less the
    instalments a revocation cancelled. Every version of the bando counts (a correction keeps its money)."""
    same = Q(ente_id=bando.ente_id, codice=bando.codice)
    stanziamento = Bando.objects.filter(same).order_by("-versione").values_list("stanziamento", flat=True).first()
    posizioni = PosizioneGraduatoria.objects.filter(
        graduatoria__bando__ente_id=bando.ente_id,
        graduatoria__bando__codice=bando.codice,
        graduatoria__stato=StatoGraduatoria.DEFINITIVA,
    )
    rate = Rata.objects.filter(
        liquidazione__domanda__ente_id=bando.ente_id, liquidazione__domanda__bando_codice=bando.codice
    )
    if posizioni.exists():
        impegnato = _sum(posizioni, "importo_assegnato") - _sum(rate.filter(stato=StatoRata.ANNULLATA), "importo")
    else:
        impegnato = stanziamento or ZERO
    recuperi = _sum(
        Revoca.objects.filter(
            liquidazione__domanda__ente_id=bando.ente_id, liquidazione__domanda__bando_codice=bando.codice
        ),
        "importo_da_recuperare",
    )
    return Figures(
        stanziamento=stanziamento or ZERO,
        impegnato=impegnato,
        liquidato=_sum(rate.filter(stato=StatoRata.LIQUIDATA), "importo"),
        da_recuperare=recuperi,
    )


@dataclass(frozen=True)
class ContributoSiuss:
    """What SIUSS asks of a paid contributo that the prestazione itself does not say, read from its domanda and bando:
    the application's protocol number, whether the benefit is means-tested with the ISEE (the bando's rules read
    `isee.valore`), and the instalment's amount (all of it at the ente's charge: a contributo has no user share)."""

    protocollo_domanda: str
    soggetto_a_isee: bool
    importo: Decimal
    mesi: int
    liquidata_da: object  # the operator who paid it: the author of the data on the case diary


def contributi_siuss(prestazione_ids) -> dict[int, ContributoSiuss]:
    """By prestazione id, for the prestazioni that are paid instalments of a bando (the others are absent)."""
    rate = Rata.objects.filter(prestazione_id__in=prestazione_ids).select_related(
        "liquidazione__domanda__bando", "liquidata_da"
    )
    found = {}
    for rata in rate:
        domanda = rata.liquidazione.domanda
        mesi = (rata.periodo_al.year - rata.periodo_dal.year) * 12 + rata.periodo_al.month - rata.periodo_dal.month + 1
        found[rata.prestazione_id] = ContributoSiuss(
            protocollo_domanda=domanda.protocollo_numero,
            soggetto_a_isee="isee.valore" in parse_schema(domanda.bando.schema).fatti,
            importo=rata.importo,
            mesi=max(mesi, 1),
            liquidata_da=rata.liquidata_da,
        )
    return found
