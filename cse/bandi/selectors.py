"""What each reader may see of the bandi: operators their enti's bandi and domande, the portal the published bandi of
a comune (its own and its ambito's) with their window, a citizen only their own domande."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from cse.core.models import Comune
from cse.core.permissions import ente_ids_for
from cse.core.roles import Capability

from .glossary import StatoBando
from .models import Bando, Domanda
from .workflow import citizen_cf

OPERATOR_CAPABILITIES = (Capability.MANAGE_BANDI, Capability.ISTRUTTORIA_BANDI)


def bandi_for_operator(user) -> QuerySet[Bando]:
    return Bando.objects.filter(ente_id__in=ente_ids_for(user, OPERATOR_CAPABILITIES)).select_related("ente")


@dataclass(frozen=True)
class BandoPubblico:
    bando: Bando
    aperto: bool
    da_aprire: bool

    @property
    def stato_finestra(self) -> str:
        if self.aperto:
            return "Aperto"
        return "Apre a breve" if self.da_aprire else "Chiuso"


def published_for_comune(comune: Comune, at: datetime | None = None) -> list[BandoPubblico]:
    """The bandi the portal shows for a comune: its own and its ambito's, published (or closed, for the outcome)."""
    at = at or timezone.now()
    territory = Q(ente__comune=comune)
    if comune.ambito_id:
        territory |= Q(ente__ambito_id=comune.ambito_id)
    bandi = Bando.objects.filter(territory, stato__in=(StatoBando.PUBBLICATO, StatoBando.CHIUSO)).order_by("chiusura")
    return [
        BandoPubblico(
            bando=b,
            aperto=b.stato == StatoBando.PUBBLICATO and b.apertura <= at <= b.chiusura,
            da_aprire=b.stato == StatoBando.PUBBLICATO and at < b.apertura,
        )
        for b in bandi
    ]


def domande_for_operator(user, bando: Bando) -> QuerySet[Domanda]:
    """The domande of a bando (every version) for an operator of its ente; none for anyone else."""
    if bando.ente_id not in ente_ids_for(user, OPERATOR_CAPABILITIES):
        return Domanda.objects.none()
    return Domanda.objects.filter(ente_id=bando.ente_id, bando_codice=bando.codice).exclude(stato="bozza")


def citizen_domande(user) -> QuerySet[Domanda]:
    cf = citizen_cf(user)
    if not cf:
        return Domanda.objects.none()
    return Domanda.objects.filter(codice_fiscale=cf).select_related("bando")
