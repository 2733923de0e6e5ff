"""Ente erogatore: the ente holding potestà concessoria over a prestazione, which transmits it to SIUSS.

Rule (domain.md "Ente erogatore"; seeds/faq-siuss-webinar-2023.txt §3): not who pays or delivers, but who formally
grants. Defaults, most specific first:
1. the planned intervention's ente erogatore, if the prestazione comes from one;
2. a PotestaConcessoria rule of the region for the nomenclatore code (regional measure with regional ranking, FAQ
   caso 3) — then the Regione;
3. a PotestaConcessoria rule of the ambito (associated service granted by determina of the Ufficio di Piano, FAQ
   caso 1, e.g. SAD) — then the Ambito;
4. a case owned by the ambito (transferred to the Ufficio di Piano) — the Ambito;
5. otherwise the comune that owns the case.
The operator may change it, with a reason kept in the history (simple-history change reason) and in the diario
(actions.fasi.ente_erogatore_change).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cse.core.models import Ente
from cse.core.roles import TipoEnte

__all__ = ["PotestaConcessoria"]


class PotestaConcessoria(models.Model):
    """An ambito or a regione grants the services of a nomenclatore code (and its sub-codes) for its territory."""

    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="potesta_concessoria")
    codice_voce = models.CharField("codice del nomenclatore", max_length=12, help_text="vale anche per i sottocodici")
    atto = models.CharField("atto che la attribuisce", max_length=200, help_text="es. convenzione, DGR, regolamento")
    valido_dal = models.DateField()
    valido_al = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "potestà concessoria"
        verbose_name_plural = "potestà concessorie"
        constraints = [
            models.UniqueConstraint(fields=["ente", "codice_voce", "valido_dal"], name="potesta_unica_per_periodo")
        ]

    def __str__(self) -> str:
        return f"{self.codice_voce} → {self.ente}"

    def clean(self) -> None:
        if self.ente_id and self.ente.tipo == TipoEnte.COMUNE:
            raise ValidationError({"ente": ["La regola serve per ambiti e regioni: il comune è già il default."]})


def territorial_comune_ente(cartella) -> Ente:
    """The comune the case belongs to: its owner, or (for an ambito's case) the comune that registered the person."""
    if cartella.owner_ente.tipo == TipoEnte.COMUNE:
        return cartella.owner_ente
    return cartella.assistito.owner_ente


def allowed_enti_erogatori(cartella) -> list[Ente]:
    """Comune, its ambito and its region (and the case owner): the enti that may hold potestà concessoria."""
    comune_ente = territorial_comune_ente(cartella)
    comune = comune_ente.comune
    ids = {comune_ente.pk, cartella.owner_ente_id}
    if comune is not None:
        ids |= set(
            Ente.objects.filter(
                Q(ambito_id=comune.ambito_id, ambito__isnull=False) | Q(regione_id=comune.regione_id)
            ).values_list("pk", flat=True)
        )
    return list(Ente.objects.filter(pk__in=ids).order_by("tipo", "nome"))


def _rule_for(ente_filter: Q, codice: str, on) -> PotestaConcessoria | None:
    prefixes = [codice[:i] for i in range(len(codice), 0, -1) if i == len(codice) or codice[i] == "."]
    rules = (
        PotestaConcessoria.objects.filter(ente_filter, codice_voce__in=prefixes, valido_dal__lte=on)
        .filter(Q(valido_al__isnull=True) | Q(valido_al__gte=on))
        .select_related("ente")
    )
    return max(rules, key=lambda r: len(r.codice_voce), default=None)


def ente_erogatore_default(*, cartella, voce, on, intervento=None) -> Ente:
    """The default ente erogatore of a prestazione (rules in the module docstring)."""
    if intervento is not None and intervento.ente_erogatore_id:
        return intervento.ente_erogatore
    comune = territorial_comune_ente(cartella).comune
    if comune is not None:
        rule = _rule_for(Q(ente__regione_id=comune.regione_id), voce.codice, on)
        if rule is None and comune.ambito_id:
            rule = _rule_for(Q(ente__ambito_id=comune.ambito_id), voce.codice, on)
        if rule is not None:
            return rule.ente
    return cartella.owner_ente
