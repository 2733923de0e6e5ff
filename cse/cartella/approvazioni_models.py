"""Approvals (four eyes): which actions an ente subjects to a second person, and the requests waiting for one.
Written only by cse/cartella/actions/approvazioni.py; the state machine and what the pages read are in
cse/cartella/approvazioni.py."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from cse.core.models import Ente
from cse.core.roles import Ruolo

from .glossary import AzioneApprovabile, StatoApprovazione

__all__ = ["RegolaApprovazione", "RichiestaApprovazione"]

A = StatoApprovazione


class RegolaApprovazione(models.Model):
    """For one ente and one action: whether it needs approval, by whom, and (for a project) above which amount."""

    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="regole_approvazione")
    azione = models.CharField(max_length=30, choices=AzioneApprovabile.choices)
    ruolo_approvatore = models.CharField("chi approva", max_length=30, choices=Ruolo.choices)
    soglia = models.DecimalField(
        "soglia (€)",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message="La soglia non può essere negativa.")],
        help_text="solo per l'avvio di un progetto: serve l'approvazione se la spesa prevista la supera",
    )
    attiva = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "regola di approvazione"
        verbose_name_plural = "regole di approvazione"
        ordering = ["ente", "azione"]
        constraints = [models.UniqueConstraint(fields=["ente", "azione"], name="regola_approvazione_unica")]

    def __str__(self) -> str:
        return f"{self.get_azione_display()} — {self.get_ruolo_approvatore_display()} ({self.ente})"


class RichiestaApprovazione(models.Model):
    """An action asked by one operator and held until a second one, with the configured role in the ente, approves
    it (the action then runs in the approval's transaction) or rejects it with a reason."""

    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="+")
    azione = models.CharField(max_length=30, choices=AzioneApprovabile.choices)
    cartella = models.ForeignKey(
        "cartella.Cartella", on_delete=models.PROTECT, null=True, blank=True, related_name="approvazioni"
    )
    assistito = models.ForeignKey(
        "cartella.Assistito", on_delete=models.PROTECT, null=True, blank=True, related_name="approvazioni"
    )
    payload = models.JSONField("argomenti dell'azione", default=dict, blank=True)
    versione_oggetto = models.PositiveIntegerField(help_text="versione della cartella o della scheda alla richiesta")
    importo = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    ruolo_approvatore = models.CharField(max_length=30, choices=Ruolo.choices)
    stato = models.CharField(max_length=20, choices=A.choices, default=A.IN_ATTESA)
    motivo = models.TextField("motivo della richiesta", blank=True)
    richiesta_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    richiesta_il = models.DateTimeField(auto_now_add=True)
    decisa_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decisa_il = models.DateTimeField(null=True, blank=True)
    motivo_decisione = models.TextField("motivazione della decisione", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "richiesta di approvazione"
        verbose_name_plural = "richieste di approvazione"
        ordering = ["-richiesta_il", "-id"]
        constraints = [
            # four eyes, also against a bug or a hand-written UPDATE: who asked never decides
            models.CheckConstraint(
                condition=Q(decisa_da__isnull=True) | ~Q(decisa_da=F("richiesta_da")),
                name="approvazione_quattro_occhi",
            ),
            models.CheckConstraint(
                condition=Q(cartella__isnull=False) | Q(assistito__isnull=False), name="approvazione_ha_oggetto"
            ),
            models.CheckConstraint(
                condition=~Q(stato=A.RESPINTA) | ~Q(motivo_decisione=""), name="approvazione_respinta_motivata"
            ),
            # the same action cannot wait twice on the same case or person
            models.UniqueConstraint(
                fields=["azione", "cartella"],
                condition=Q(stato=A.IN_ATTESA, cartella__isnull=False),
                name="approvazione_una_in_attesa_per_cartella",
            ),
            models.UniqueConstraint(
                fields=["azione", "assistito"],
                condition=Q(stato=A.IN_ATTESA, cartella__isnull=True),
                name="approvazione_una_in_attesa_per_scheda",
            ),
        ]
        indexes = [models.Index(fields=["ente", "stato"], name="approvazione_ente_stato")]

    def __str__(self) -> str:
        return f"{self.get_azione_display()} ({self.get_stato_display()})"
