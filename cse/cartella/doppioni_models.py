"""Possible duplicates: the pairs an operator said are two people, and the merges (reversible). Written only by
cse/cartella/actions/doppioni.py and the merge in actions/assistito.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cse.core.models import Ente

__all__ = ["NonDoppione", "StatoUnione", "Unione"]


class StatoUnione(models.TextChoices):
    ATTIVA = "attiva", "Attiva"
    ANNULLATA = "annullata", "Annullata"


class Unione(models.Model):
    """One merge of a duplicate record into the record kept. `snapshot` says what the merge moved and changed
    (the rows moved to the kept record, the fields it changed on both records, with their values before and after),
    so that the merge can be undone exactly, or refused if the records changed since in a way that conflicts."""

    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="+")
    principale = models.ForeignKey(
        "cartella.Assistito", on_delete=models.PROTECT, related_name="unioni", help_text="la scheda mantenuta"
    )
    duplicato = models.ForeignKey("cartella.Assistito", on_delete=models.PROTECT, related_name="unioni_subite")
    stato = models.CharField(max_length=10, choices=StatoUnione.choices, default=StatoUnione.ATTIVA)
    motivo = models.TextField()
    fatta_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    fatta_il = models.DateTimeField(default=timezone.now)
    snapshot = models.JSONField(default=dict)
    annullata_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    annullata_il = models.DateTimeField(null=True, blank=True)
    motivo_annullamento = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "unione di schede"
        verbose_name_plural = "unioni di schede"
        ordering = ["-fatta_il", "-id"]
        indexes = [models.Index(fields=["principale", "stato"], name="unione_principale_stato")]

    def __str__(self) -> str:
        return f"unione {self.duplicato_id} → {self.principale_id} ({self.stato})"


class NonDoppione(models.Model):
    """Two records of one comune that an operator checked: two different people, never proposed again.
    `a` is the record with the smaller id."""

    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="+")
    a = models.ForeignKey("cartella.Assistito", on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey("cartella.Assistito", on_delete=models.CASCADE, related_name="+")
    motivo = models.CharField(max_length=300, blank=True)
    deciso_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deciso_il = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "coppia che non è un doppione"
        verbose_name_plural = "coppie che non sono doppioni"
        constraints = [
            models.UniqueConstraint(fields=["a", "b"], name="non_doppione_unique_pair"),
            models.CheckConstraint(name="non_doppione_ordered_pair", condition=models.Q(a__lt=models.F("b"))),
        ]
        indexes = [models.Index(fields=["ente", "a", "b"], name="non_doppione_ente_pair")]

    def __str__(self) -> str:
        return f"schede {self.a_id} e {self.b_id}: persone diverse"
