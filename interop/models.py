"""Call log of the external systems and the provenance of facts taken from them.

The log records who called which e-service for which case and how it went — never the payload (personal data).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cse.core.external import FonteDato

from .glossary import EsitoChiamata


class ChiamataInterop(models.Model):
    """One logical call to an e-service (retries counted in `tentativi`)."""

    creata_il = models.DateTimeField(auto_now_add=True, db_index=True)
    operatore = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ente = models.ForeignKey("core.Ente", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    assistito_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    cartella_id = models.BigIntegerField(null=True, blank=True)
    e_service = models.CharField(max_length=40)
    operazione = models.CharField(max_length=60)
    esito = models.CharField(max_length=20, choices=EsitoChiamata.choices)
    codice_errore = models.CharField(max_length=60, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    tentativi = models.PositiveSmallIntegerField(default=1)
    durata_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "chiamata a sistema esterno"
        verbose_name_plural = "chiamate a sistemi esterni"
        ordering = ["-creata_il"]
        indexes = [models.Index(fields=["e_service", "-creata_il"])]

    def __str__(self) -> str:
        return f"{self.e_service}.{self.operazione}: {self.esito}"


class ProvenienzaDato(models.Model):
    """Where a fact of an assistito's record came from (ANPR, INPS, typed by hand) and when it was taken.

    Kept beside the record (not in it) so the case models stay untouched; `impronta` is a keyed digest of the value
    taken, so the page can tell when the operator later changed the value by hand.
    """

    assistito = models.ForeignKey("cartella.Assistito", on_delete=models.CASCADE, related_name="provenienze")
    campo = models.CharField(max_length=40)
    fonte = models.CharField(max_length=20, choices=FonteDato.choices)
    acquisito_il = models.DateTimeField()
    impronta = models.CharField(max_length=64)
    isee = models.OneToOneField(
        "cartella.Isee", on_delete=models.CASCADE, null=True, blank=True, related_name="provenienza"
    )
    relazione = models.OneToOneField(
        "cartella.Relazione", on_delete=models.CASCADE, null=True, blank=True, related_name="provenienza"
    )
    operatore = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "provenienza di un dato"
        verbose_name_plural = "provenienze dei dati"
        ordering = ["-acquisito_il"]
        indexes = [models.Index(fields=["assistito", "campo", "-acquisito_il"])]

    def __str__(self) -> str:
        return f"{self.campo}: {self.get_fonte_display()} {self.acquisito_il:%d/%m/%Y}"
