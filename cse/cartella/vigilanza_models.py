"""Break-the-glass accesses and alerts to an ente's responsabile. Written only by cse/cartella/actions/vigilanza.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cse.core.models import Ente
from cse.core.validators import validate_codice_fiscale

__all__ = ["AccessoEmergenza", "EsitoEmergenza", "EsitoRevisione", "Segnalazione", "TipoSegnalazione"]


class EsitoEmergenza(models.TextChoices):
    CONCESSO = "concesso", "Accesso concesso"
    NESSUNA_CARTELLA = "nessuna_cartella", "Nessuna cartella aperta trovata"


class EsitoRevisione(models.TextChoices):
    GIUSTIFICATO = "giustificato", "Giustificato"
    DA_APPROFONDIRE = "da_approfondire", "Da approfondire"


class AccessoEmergenza(models.Model):
    """One break-the-glass request: who, for which person/case, why, for how long, and the owner's review.

    A granted request has one row per case opened (the owning ente reviews its own cases); a request that found
    nothing has one row without a case, so probing stays visible."""

    operatore = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ente_origine = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="+")
    ente_titolare = models.ForeignKey(
        Ente,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accessi_emergenza",
        help_text="ente titolare della cartella (o comune della persona); vuoto se il codice fiscale non è noto",
    )
    codice_fiscale = models.CharField(max_length=16, validators=[validate_codice_fiscale])
    assistito = models.ForeignKey("cartella.Assistito", on_delete=models.PROTECT, null=True, blank=True)
    cartella = models.ForeignKey("cartella.Cartella", on_delete=models.PROTECT, null=True, blank=True)
    motivo = models.TextField()
    esito = models.CharField(max_length=20, choices=EsitoEmergenza.choices)
    dal = models.DateTimeField(default=timezone.now)
    al = models.DateTimeField(null=True, blank=True)
    revisione = models.CharField(max_length=20, choices=EsitoRevisione.choices, blank=True)
    nota_revisione = models.TextField(blank=True)
    revisionato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revisionato_il = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "accesso di emergenza"
        verbose_name_plural = "accessi di emergenza"
        ordering = ["-dal", "-id"]
        indexes = [models.Index(fields=["ente_titolare", "-dal"]), models.Index(fields=["operatore", "-dal"])]

    def __str__(self) -> str:
        return f"Accesso di emergenza del {self.dal:%d/%m/%Y %H:%M}"


class TipoSegnalazione(models.TextChoices):
    ACCESSO_EMERGENZA = "accesso_emergenza", "Accesso di emergenza a una cartella dell'ente"
    EMERGENZA_SENZA_ESITO = "emergenza_senza_esito", "Richiesta di accesso di emergenza senza esito"
    ACCESSI_INSOLITI = "accessi_insoliti", "Molte cartelle non assegnate aperte in poco tempo"
    FUORI_ORARIO = "fuori_orario", "Consultazione di cartelle fuori dall'orario di servizio"


class Segnalazione(models.Model):
    """An alert for the responsabile of an ente; holds no personal data (the linked records do, behind permissions)."""

    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="segnalazioni")
    tipo = models.CharField(max_length=30, choices=TipoSegnalazione.choices)
    operatore = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accesso = models.ForeignKey(AccessoEmergenza, on_delete=models.PROTECT, null=True, blank=True)
    descrizione = models.CharField(max_length=300)
    creata_il = models.DateTimeField(default=timezone.now)
    chiusa_il = models.DateTimeField(null=True, blank=True)
    chiusa_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    nota_chiusura = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "segnalazioni"
        ordering = ["-creata_il", "-id"]
        indexes = [
            models.Index(fields=["ente", "-creata_il"]),
            # "at most one alert per window per operator": one index probe
            models.Index(fields=["operatore", "tipo", "-creata_il"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} ({self.creata_il:%d/%m/%Y %H:%M})"
