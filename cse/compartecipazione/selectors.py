"""What each reader may see of the compartecipazione: operators the tariffs, charges and notices of the enti where
they hold manage_compartecipazione; a citizen only the issued notices of charges to their own codice fiscale.
A foreign or unknown object is a 404 (no hint that it exists)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Case, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from cse.core.models import Ente
from cse.core.permissions import ente_ids_for
from cse.core.roles import Capability

from .glossary import StatoCompartecipazione, StatoInvio
from .models import Avviso, Compartecipazione, Pagamento, Rimborso, Tariffa

MANAGE = Capability.MANAGE_COMPARTECIPAZIONE
ZERO = Decimal("0.00")


def enti_for_operator(user) -> QuerySet[Ente]:
    return Ente.objects.filter(pk__in=ente_ids_for(user, MANAGE)).order_by("nome")


def get_ente_for_operator(user, pk: int) -> Ente:
    ente = enti_for_operator(user).filter(pk=pk).first()
    if ente is None:
        raise Http404
    return ente


def tariffe_of(ente: Ente) -> QuerySet[Tariffa]:
    return Tariffa.objects.filter(ente=ente).select_related("voce").prefetch_related("fasce")


def compartecipazioni_of(ente: Ente, mese: date) -> QuerySet[Compartecipazione]:
    return (
        Compartecipazione.objects.filter(ente=ente, mese=mese)
        .select_related("assistito", "tariffa", "fascia", "avviso")
        .order_by("assistito__cognome_ricerca", "assistito__nome_ricerca", "pk")
    )


def get_compartecipazione_for_operator(user, pk: int) -> Compartecipazione:
    comp = (
        Compartecipazione.objects.filter(pk=pk, ente_id__in=ente_ids_for(user, MANAGE))
        .select_related("ente", "assistito", "tariffa", "fascia", "sostituisce")
        .first()
    )
    if comp is None:
        raise Http404
    return comp


def get_rimborso_for_operator(user, pk: int) -> Rimborso:
    rimborso = (
        Rimborso.objects.filter(pk=pk, ente_id__in=ente_ids_for(user, MANAGE))
        .select_related("compartecipazione__assistito", "pagamento")
        .first()
    )
    if rimborso is None:
        raise Http404
    return rimborso


def rimborsi_of(ente: Ente) -> QuerySet[Rimborso]:
    """The ente's refunds, those to dispose first."""
    return (
        Rimborso.objects.filter(ente=ente)
        .select_related("compartecipazione__assistito", "pagamento")
        .order_by(Case(When(stato="da_disporre", then=0), default=1), "-creato_il", "-pk")
    )


def get_avviso_for_operator(user, pk: int) -> Avviso:
    avviso = _avvisi().filter(pk=pk, ente_id__in=ente_ids_for(user, MANAGE)).first()
    if avviso is None:
        raise Http404
    return avviso


def _avvisi() -> QuerySet[Avviso]:
    return Avviso.objects.select_related("ente", "compartecipazione__assistito", "compartecipazione__tariffa")


def pagamenti_da_verificare(ente: Ente) -> QuerySet[Pagamento]:
    """Receipts the reconciliation could not close: a different amount, a second payment, a notice not ours."""
    return Pagamento.objects.filter(ente=ente).exclude(esito="pagato").select_related("avviso")


# --- arrears ----------------------------------------------------------------------------------------------------------


@dataclass
class Arretrato:
    assistito: object
    avvisi: list[Avviso] = field(default_factory=list)
    dovuto: Decimal = ZERO
    versato: Decimal = ZERO

    @property
    def residuo(self) -> Decimal:
        return self.dovuto - self.versato


def _versato():
    paid = Pagamento.objects.filter(avviso=OuterRef("pk")).values("avviso").annotate(t=Sum("importo")).values("t")
    return Coalesce(Subquery(paid), Value(ZERO), output_field=DecimalField(max_digits=12, decimal_places=2))


def avvisi_scaduti(ente: Ente, oggi: date | None = None) -> QuerySet[Avviso]:
    """Issued, unpaid notices past their due date, and notices paid in part whose residual has no notice of its own
    yet, with what was paid on them as `versato`."""
    oggi = oggi or timezone.localdate()
    in_parte = Q(
        compartecipazione__stato=StatoCompartecipazione.PAGATA_IN_PARTE, compartecipazione__residuo__isnull=True
    )
    return (
        _avvisi()
        .filter(Q(stato=StatoInvio.EMESSO, scadenza__lt=oggi) | in_parte, ente=ente)
        .annotate(versato=_versato())
        .order_by("compartecipazione__assistito__cognome_ricerca", "scadenza", "pk")
    )


def arretrati(ente: Ente, oggi: date | None = None) -> tuple[list[Arretrato], Decimal]:
    """The arrears per person (due, paid, remaining) and the ente's total remaining."""
    per_persona: dict[int, Arretrato] = defaultdict(lambda: Arretrato(assistito=None))
    for avviso in avvisi_scaduti(ente, oggi):
        persona = avviso.compartecipazione.assistito
        riga = per_persona[persona.pk]
        riga.assistito = persona
        riga.avvisi.append(avviso)
        riga.dovuto += avviso.importo
        riga.versato += avviso.versato
    righe = list(per_persona.values())
    return righe, sum((r.residuo for r in righe), ZERO)


# --- citizen ----------------------------------------------------------------------------------------------------------


def citizen_cf(user) -> str:
    return getattr(getattr(user, "cittadino", None), "codice_fiscale", "") or ""


def avvisi_for_citizen(user) -> QuerySet[Avviso]:
    """The notices pagoPA issued for charges to the citizen's own codice fiscale (any comune or ambito)."""
    cf = citizen_cf(user)
    if not cf:
        return Avviso.objects.none()
    return (
        _avvisi()
        .filter(compartecipazione__assistito__codice_fiscale=cf, stato__in=(StatoInvio.EMESSO, StatoInvio.PAGATO))
        .order_by("-compartecipazione__mese", "-pk")
    )


def get_avviso_for_citizen(user, pk: int) -> Avviso:
    avviso = avvisi_for_citizen(user).filter(pk=pk).first()
    if avviso is None:
        raise Http404
    return avviso
