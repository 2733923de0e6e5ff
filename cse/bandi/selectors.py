"""What each reader may see of the bandi: operators their enti's bandi and domande, the portal the published bandi of
a comune (its own and its ambito's) with their window, a citizen only their own domande."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cse.core.models import Comune
from cse.core.permissions import ente_ids_for
from cse.core.roles import Capability

from .glossary import StatoBando
from .models import Bando, Domanda, Provvedimento
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


# --- access helpers for the pages: a foreign or unknown object is a 404 (no hint that it exists) ----------------------


def get_bando_for_operator(user, pk: int) -> Bando:
    bando = bandi_for_operator(user).filter(pk=pk).first()
    if bando is None:
        raise Http404
    return bando


def get_provvedimento_for_operator(user, pk: int) -> Provvedimento:
    """A provvedimento of a bando of one of the operator's enti; any other id is 404, with no hint."""
    provvedimento = (
        Provvedimento.objects.filter(pk=pk, bando__ente_id__in=ente_ids_for(user, OPERATOR_CAPABILITIES))
        .select_related("bando__ente", "graduatoria", "redatto_da", "approvato_da")
        .first()
    )
    if provvedimento is None:
        raise Http404
    return provvedimento


def get_domanda_for_operator(user, pk: int) -> Domanda:
    """A submitted domanda of a bando of one of the operator's enti (drafts are the applicant's own business)."""
    domanda = (
        Domanda.objects.filter(pk=pk, ente_id__in=ente_ids_for(user, OPERATOR_CAPABILITIES))
        .exclude(stato="bozza")
        .select_related("bando", "istruttore", "comune_residenza")
        .first()
    )
    if domanda is None:
        raise Http404
    return domanda


def get_domanda_for_citizen(user, pk: int) -> Domanda:
    domanda = citizen_domande(user).filter(pk=pk).first()
    if domanda is None:
        raise Http404
    return domanda


def get_published_bando(pk: int) -> Bando:
    """A bando the portal may show: published or closed (a draft, replaced or revoked one is not there)."""
    bando = Bando.objects.filter(pk=pk, stato__in=(StatoBando.PUBBLICATO, StatoBando.CHIUSO)).first()
    if bando is None:
        raise Http404
    return bando


def graduatoria_corrente(bando: Bando):
    """The latest ranking of the bando (any version) that is not superseded, or None."""
    from .models import Graduatoria

    return (
        Graduatoria.objects.filter(bando__ente_id=bando.ente_id, bando__codice=bando.codice)
        .exclude(stato="superata")
        .order_by("-calcolata_il")
        .first()
    )


OPERATORI_TESTO = {
    "<=": "non superiore a",
    "<": "inferiore a",
    ">=": "almeno",
    ">": "superiore a",
    "==": "uguale a",
    "!=": "diverso da",
    "in": "tra",
    "not_in": "non tra",
}


def criteri_leggibili(bando: Bando) -> tuple[list[dict], list[str]]:
    """The schema in words for the pages (operator and portal): each criterion with its condition or bands, and the
    tie-breakers in order. A schema that no longer parses shows nothing rather than failing the page."""
    from django.core.exceptions import ValidationError

    from .fatti import fact_label
    from .rules import parse_schema

    try:
        schema = parse_schema(bando.schema)
    except ValidationError:
        return [], []
    criteri = []
    for c in schema.criteri:
        soglia = ", ".join(str(s) for s in c.soglia) if isinstance(c.soglia, list) else c.soglia
        condizione = f"{OPERATORI_TESTO.get(c.operatore or '', c.operatore)} {soglia}" if c.operatore else ""
        criteri.append({"c": c, "dato": fact_label(c.fatto), "condizione": condizione, "fasce": c.fasce})
    ordine = {"asc": "più basso", "desc": "più alto"}
    spareggi = [f"{fact_label(s.fatto)} ({ordine[s.ordine]} prima)" for s in schema.spareggi]
    return criteri, spareggi


# --- beneficiaries ----------------------------------------------------------------------------------------------------


def _funded_lines(bando: Bando):
    """Lines of a final ranking of the bando (any version) with an amount, covered by an approved provvedimento."""
    from .models import PosizioneGraduatoria

    return PosizioneGraduatoria.objects.filter(
        graduatoria__bando__ente_id=bando.ente_id,
        graduatoria__bando__codice=bando.codice,
        graduatoria__stato="definitiva",
        graduatoria__provvedimenti__stato="approvato",
        importo_assegnato__gt=0,
    )


def beneficiari(bando: Bando) -> QuerySet[Domanda]:
    """The beneficiaries of a bando: a domanda whose line in the final graduatoria has an amount and whose graduatoria
    is covered by an approved provvedimento (what liquidation pays)."""
    return Domanda.objects.filter(pk__in=_funded_lines(bando).values("domanda_id")).order_by("pk")


def is_beneficiario(domanda: Domanda) -> bool:
    return _funded_lines(domanda.bando).filter(domanda_id=domanda.pk).exists()


def is_funded_line(posizione) -> bool:
    """This line of a ranking is a beneficiary's: what a payment step asks (liquidazione/rules.liquidabile)."""
    return _funded_lines(posizione.graduatoria.bando).filter(pk=posizione.pk).exists()
