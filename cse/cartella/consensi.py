"""Informativa and consents of a person (GDPR art. 7, 13): when the privacy notice was given, which purposes resting on
consent the person accepted, and when they withdrew it. Written only by cse/cartella/actions/consensi.py; the code
lists and the legal bases are in cse/core/codelists/privacy.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cse.core.codelists.privacy import (
    RIFERIMENTO_FINALITA,
    CanalePrivacy,
    FinalitaConsenso,
    TramiteRevoca,
    VersioneInformativa,
)

__all__ = ["Consenso", "Informativa", "condivisioni_attive"]


class Informativa(models.Model):
    """The privacy notice was given to the person: which text, when, how, by whom (art. 13; 5(2) accountability)."""

    assistito = models.ForeignKey("cartella.Assistito", on_delete=models.PROTECT, related_name="informative")
    versione = models.CharField(max_length=20, choices=VersioneInformativa.choices)
    data = models.DateField("data di consegna")
    canale = models.CharField(max_length=20, choices=CanalePrivacy.choices)
    consegnata_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registrata_il = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "informativa privacy"
        verbose_name_plural = "informative privacy"
        ordering = ["-data", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_versione_display()} ({self.get_canale_display()})"


class Consenso(models.Model):
    """A consent to one purpose; once revoked it stays, as the proof of what was given and when it ended (art. 7)."""

    assistito = models.ForeignKey("cartella.Assistito", on_delete=models.PROTECT, related_name="consensi")
    finalita = models.CharField("finalità", max_length=20, choices=FinalitaConsenso.choices)
    dato_il = models.DateTimeField()
    canale = models.CharField(max_length=20, choices=CanalePrivacy.choices)
    registrato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocato_il = models.DateTimeField(null=True, blank=True)
    revocato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocato_tramite = models.CharField(max_length=20, choices=TramiteRevoca.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "consenso"
        verbose_name_plural = "consensi"
        ordering = ["finalita", "-dato_il"]
        constraints = [
            models.UniqueConstraint(
                fields=["assistito", "finalita"], condition=Q(revocato_il__isnull=True), name="consenso_attivo_unico"
            )
        ]

    def __str__(self) -> str:
        return self.get_finalita_display()

    @property
    def attivo(self) -> bool:
        return self.revocato_il is None

    @property
    def riferimento(self) -> str:
        return RIFERIMENTO_FINALITA.get(self.finalita, "")


def condivisioni_attive(cartella) -> list:
    """The unexpired read grants of a case with the legal basis each rests on (shown to the owner's professionals)."""
    from .models import CartellaUserObjectPermission

    now = timezone.now()
    return list(
        CartellaUserObjectPermission.objects.filter(content_object=cartella, permission__codename="view_cartella")
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("user", "consenso")
        .order_by("pk")
    )
