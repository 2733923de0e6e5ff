"""ISEE, household and relations network, external contacts of an assistito."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from cse.core.codelists.isee import TipoIsee
from cse.core.codelists.parentela import TipoRelazione

from .glossary import TipoContattoEsterno


class Isee(models.Model):
    """An ISEE attestation (value, type, DSU protocol, validity) — typed in or taken from INPS through interop/."""

    assistito = models.ForeignKey("cartella.Assistito", on_delete=models.PROTECT, related_name="isee")
    tipo = models.CharField(max_length=20, choices=TipoIsee.choices, default=TipoIsee.ORDINARIO)
    valore = models.DecimalField(
        "valore ISEE (€)",
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"), message="Il valore ISEE non può essere negativo.")],
    )
    protocollo_dsu = models.CharField("protocollo DSU", max_length=40, blank=True)
    data_presentazione = models.DateField("data di presentazione della DSU", null=True, blank=True)
    valida_dal = models.DateField()
    valida_al = models.DateField()
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "ISEE"
        ordering = ["-valida_dal"]
        constraints = [
            models.CheckConstraint(
                name="isee_validita_coerente",
                condition=Q(valida_al__gte=F("valida_dal")),
                violation_error_message="La fine della validità non può precedere l'inizio.",
            )
        ]

    def __str__(self) -> str:
        return f"ISEE {self.get_tipo_display()} € {self.valore}"


class Relazione(models.Model):
    """A member of the household or of the relations network; may be an assistito of the same comune."""

    assistito = models.ForeignKey("cartella.Assistito", on_delete=models.PROTECT, related_name="relazioni")
    tipo = models.CharField("relazione", max_length=20, choices=TipoRelazione.choices)
    persona = models.ForeignKey(
        "cartella.Assistito",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="se la persona è anch'essa un assistito del comune",
    )
    nominativo = models.CharField(max_length=200, blank=True, help_text="se non è un assistito")
    convivente = models.BooleanField("fa parte del nucleo familiare (convivente)", default=False)
    recapito = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "relazioni"
        ordering = ["-convivente", "tipo"]
        constraints = [
            models.CheckConstraint(
                name="relazione_ha_persona",
                condition=Q(persona__isnull=False) | ~Q(nominativo=""),
                violation_error_message="Indicare la persona: un assistito oppure un nominativo.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()}: {self.nome_visibile}"

    @property
    def nome_visibile(self) -> str:
        return str(self.persona) if self.persona_id else self.nominativo


class ContattoEsterno(models.Model):
    """School, GP, ASL service, third-sector organisation... that follows the person."""

    assistito = models.ForeignKey("cartella.Assistito", on_delete=models.PROTECT, related_name="contatti_esterni")
    tipo = models.CharField(max_length=20, choices=TipoContattoEsterno.choices)
    nome = models.CharField("ente o servizio", max_length=200)
    referente = models.CharField(max_length=200, blank=True)
    recapito = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "contatti esterni"

    def __str__(self) -> str:
        return f"{self.get_tipo_display()}: {self.nome}"
