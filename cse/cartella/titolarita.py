"""Requests to move a case between a comune and its ambito. Written only by cse/cartella/actions/trasferimento.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cse.core.models import Ente

from .glossary import StatoTrasferimento

__all__ = ["RichiestaTrasferimento"]


class RichiestaTrasferimento(models.Model):
    """One transfer of ownership of a case from a comune to its ambito, from request to hand-back."""

    cartella = models.ForeignKey("cartella.Cartella", on_delete=models.PROTECT, related_name="trasferimenti")
    comune = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="+")
    ambito = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="trasferimenti_ricevuti")
    stato = models.CharField(max_length=20, choices=StatoTrasferimento.choices, default=StatoTrasferimento.RICHIESTO)
    motivo = models.TextField("motivo della richiesta")
    richiesto_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    richiesto_il = models.DateTimeField(auto_now_add=True)
    deciso_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deciso_il = models.DateTimeField(null=True, blank=True)
    motivo_decisione = models.TextField("motivazione dell'Ufficio di Piano", blank=True)
    riconsegnato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    riconsegnato_il = models.DateTimeField(null=True, blank=True)
    motivo_riconsegna = models.TextField("motivo della riconsegna al comune", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "richiesta di trasferimento"
        verbose_name_plural = "richieste di trasferimento"
        ordering = ["-richiesto_il", "-id"]
        constraints = [
            # at most one open transfer per case: requested or in progress at the ambito
            models.UniqueConstraint(
                fields=["cartella"],
                condition=Q(stato__in=[StatoTrasferimento.RICHIESTO, StatoTrasferimento.ACCETTATO]),
                name="trasferimento_uno_aperto_per_cartella",
            )
        ]

    def __str__(self) -> str:
        return f"Trasferimento {self.cartella} → {self.ambito} ({self.get_stato_display()})"
