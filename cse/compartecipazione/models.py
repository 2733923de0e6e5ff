"""Tariffa (versioned: a change is a new version from a date), its ISEE bands, the monthly Compartecipazione of a
person, its pagoPA Avviso (the delivery queue too) and the Pagamenti read from pagoPA's receipts. Every write goes
through cse/compartecipazione/actions.py; the models refuse only what must never happen whoever writes: a tariff and
its bands are never edited once saved, and a person has one active charge per service and month."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cse.core.codelists.isee import TipoIsee
from cse.core.models import Ente

from .glossary import (
    EsitoIsee,
    EsitoRicevuta,
    MotivoRimborso,
    RegolaSenzaIsee,
    StatoCompartecipazione,
    StatoInvio,
    StatoRimborso,
    TipoFascia,
    UnitaTariffa,
)

MONEY = {"max_digits": 12, "decimal_places": 2}
DUPLICATE = (
    "Esiste già una compartecipazione attiva di questa persona per il servizio e il mese: per correggerla, annullarla "
    "con un nuovo atto motivato e ricalcolarla."
)
IMMUTABLE = "Una tariffa registrata non si modifica: pubblicare una nuova versione valida da una data."


class _AppendOnly(models.Model):
    """Rows that are acts: saved once, never edited (a correction is a new row)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and type(self).objects.filter(pk=self.pk).exists():
            raise ValidationError(IMMUTABLE)
        super().save(*args, **kwargs)


class Tariffa(_AppendOnly):
    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="tariffe")
    voce = models.ForeignKey(
        "cartella.VoceNomenclatore", on_delete=models.PROTECT, verbose_name="servizio (voce del nomenclatore)"
    )
    denominazione = models.CharField(max_length=200)
    versione = models.PositiveSmallIntegerField(default=1)
    sostituisce = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="sostituita_da"
    )
    unita = models.CharField("unità", max_length=10, choices=UnitaTariffa.choices)
    tariffa_piena = models.DecimalField("tariffa piena per unità (€)", **MONEY)
    tipo_isee = models.CharField("tipo di ISEE", max_length=20, choices=TipoIsee.choices, default=TipoIsee.ORDINARIO)
    senza_isee = models.CharField(
        "senza ISEE valido", max_length=15, choices=RegolaSenzaIsee.choices, default=RegolaSenzaIsee.TARIFFA_PIENA
    )
    giorni_pagamento = models.PositiveSmallIntegerField("giorni per pagare dall'emissione", default=30)
    valida_dal = models.DateField()
    valida_al = models.DateField(null=True, blank=True)
    atto = models.CharField("atto che la approva", max_length=200, help_text="es. delibera di giunta, regolamento")
    creata_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    creata_il = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "tariffe"
        ordering = ["denominazione", "-valida_dal"]
        constraints = [
            models.UniqueConstraint(fields=["ente", "voce", "versione"], name="tariffa_versione"),
            models.UniqueConstraint(fields=["ente", "voce", "valida_dal"], name="tariffa_una_per_data"),
            models.CheckConstraint(condition=Q(tariffa_piena__gt=0), name="tariffa_piena_positiva"),
            models.CheckConstraint(
                condition=Q(valida_al__isnull=True) | Q(valida_al__gte=models.F("valida_dal")), name="tariffa_periodo"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.denominazione} (v{self.versione}, dal {self.valida_dal:%d/%m/%Y})"


class FasciaIsee(_AppendOnly):
    """A band of ISEE values, both ends included (€ to the cent); the last band has no upper end."""

    tariffa = models.ForeignKey(Tariffa, on_delete=models.PROTECT, related_name="fasce")
    isee_da = models.DecimalField("ISEE da (€)", **MONEY)
    isee_a = models.DecimalField("ISEE fino a (€)", null=True, blank=True, **MONEY)
    tipo = models.CharField(max_length=15, choices=TipoFascia.choices)
    valore = models.DecimalField(
        max_digits=12, decimal_places=2, default=0, help_text="percentuale (0-100) o importo per unità"
    )

    class Meta:
        verbose_name = "fascia ISEE"
        verbose_name_plural = "fasce ISEE"
        ordering = ["tariffa", "isee_da"]
        constraints = [
            models.UniqueConstraint(fields=["tariffa", "isee_da"], name="fascia_inizio_unico"),
            models.CheckConstraint(condition=Q(isee_da__gte=0, valore__gte=0), name="fascia_non_negativa"),
        ]

    def __str__(self) -> str:
        fine = f"{self.isee_a} €" if self.isee_a is not None else "oltre"
        return f"{self.isee_da} € – {fine}: {self.get_tipo_display()}"


class Compartecipazione(models.Model):
    """What a person owes for one service in one month; the ISEE used is kept with its provenance."""

    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="compartecipazioni")
    tariffa = models.ForeignKey(Tariffa, on_delete=models.PROTECT, related_name="compartecipazioni")
    codice_voce = models.CharField(max_length=12, help_text="il servizio: la voce del nomenclatore della tariffa")
    assistito = models.ForeignKey("cartella.Assistito", on_delete=models.PROTECT, related_name="compartecipazioni")
    mese = models.DateField(help_text="il primo giorno del mese di erogazione")
    quantita = models.DecimalField("quantità erogata", max_digits=10, decimal_places=2)
    unita = models.CharField(max_length=10, choices=UnitaTariffa.choices)
    fascia = models.ForeignKey(FasciaIsee, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    importo_unitario = models.DecimalField("importo per unità applicato (€)", max_digits=12, decimal_places=4)
    importo = models.DecimalField("importo del mese (€)", **MONEY)
    isee_valore = models.DecimalField(null=True, blank=True, **MONEY)
    isee_protocollo_dsu = models.CharField(max_length=40, blank=True)
    isee_valida_al = models.DateField(null=True, blank=True)
    isee_esito = models.CharField(max_length=12, choices=EsitoIsee.choices)
    segnalazione = models.TextField(blank=True)
    da_verificare = models.BooleanField(default=False)
    stato = models.CharField(
        max_length=15, choices=StatoCompartecipazione.choices, default=StatoCompartecipazione.CALCOLATA
    )
    sostituisce = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="sostituita_da"
    )
    # A charge paid in part leaves its residual to a charge of its own, with its own notice (a paid pagoPA notice
    # cannot be paid again).
    residuo_di = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="residuo")
    motivo_annullamento = models.TextField(blank=True)
    annullata_il = models.DateTimeField(null=True, blank=True)
    annullata_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    calcolata_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    calcolata_il = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "compartecipazioni"
        ordering = ["-mese", "assistito__cognome_ricerca", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ente", "assistito", "codice_voce", "mese"],
                condition=~Q(stato=StatoCompartecipazione.ANNULLATA) & Q(residuo_di__isnull=True),
                name="compartecipazione_una_attiva",
                violation_error_message=DUPLICATE,
            ),
            models.CheckConstraint(condition=Q(importo__gte=0, quantita__gte=0), name="compartecipazione_importi"),
        ]
        indexes = [models.Index(fields=["ente", "mese", "stato"], name="compart_ente_mese_stato")]

    def __str__(self) -> str:
        return f"Compartecipazione {self.codice_voce} {self.mese:%m/%Y} — {self.assistito}"


class Avviso(models.Model):
    """The pagoPA notice of one charge (one at most: never two IUVs for one charge) and its delivery queue.

    `chiave` is the idempotency key sent to pagoPA (GPD's IUPD) and the IUV is built from the row's id: a retry after
    an outage or a lost answer returns the notice already created."""

    compartecipazione = models.OneToOneField(Compartecipazione, on_delete=models.PROTECT, related_name="avviso")
    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="+")
    chiave = models.CharField(max_length=60, unique=True)
    stato = models.CharField(max_length=12, choices=StatoInvio.choices, default=StatoInvio.IN_CODA)
    importo = models.DecimalField(**MONEY)
    scadenza = models.DateField()
    causale = models.CharField(max_length=140)
    ente_codice_fiscale = models.CharField(max_length=11)
    segregazione = models.CharField(max_length=2)
    iuv = models.CharField("IUV", max_length=17, blank=True)
    codice_avviso = models.CharField(max_length=18, blank=True)
    tentativi = models.PositiveIntegerField(default=0)
    prossimo_tentativo_il = models.DateTimeField()
    ultimo_errore = models.CharField(max_length=300, blank=True)
    emesso_il = models.DateTimeField(null=True, blank=True)
    pagato_il = models.DateTimeField(null=True, blank=True)
    accodato_il = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "avvisi pagoPA"
        ordering = ["-accodato_il", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ente_codice_fiscale", "iuv"], condition=~Q(iuv=""), name="avviso_iuv_unico"
            ),
            models.CheckConstraint(condition=Q(importo__gt=0), name="avviso_importo_positivo"),
        ]
        indexes = [models.Index(fields=["stato", "prossimo_tentativo_il"], name="avviso_coda")]

    def __str__(self) -> str:
        return f"Avviso {self.codice_avviso or '(in attesa)'} — {self.importo} €"


class Pagamento(models.Model):
    """A pagoPA receipt as read back, matched to our notice by IUV (or kept as unknown for the operator)."""

    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="+")
    avviso = models.ForeignKey(Avviso, on_delete=models.PROTECT, null=True, blank=True, related_name="pagamenti")
    id_ricevuta = models.CharField(max_length=60)
    iuv = models.CharField("IUV", max_length=35)
    importo = models.DecimalField(**MONEY)
    pagato_il = models.DateTimeField()
    psp = models.CharField("prestatore (PSP)", max_length=200, blank=True)
    esito = models.CharField(max_length=16, choices=EsitoRicevuta.choices)
    registrato_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "pagamenti"
        ordering = ["-pagato_il"]
        constraints = [models.UniqueConstraint(fields=["ente", "id_ricevuta"], name="pagamento_ricevuta_unica")]

    def __str__(self) -> str:
        return f"Ricevuta {self.id_ricevuta}: {self.importo} €"


class Rimborso(models.Model):
    """Money the ente owes back to a person (paid twice, paid more, paid a notice since annulled, a paid charge
    annulled): an act that arises from a receipt or an annulment, disposed with a payment order to a checked IBAN."""

    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="+")
    compartecipazione = models.ForeignKey(Compartecipazione, on_delete=models.PROTECT, related_name="rimborsi")
    pagamento = models.OneToOneField(
        Pagamento, on_delete=models.PROTECT, null=True, blank=True, related_name="rimborso"
    )
    importo = models.DecimalField(**MONEY)
    motivo = models.CharField(max_length=20, choices=MotivoRimborso.choices)
    stato = models.CharField(max_length=12, choices=StatoRimborso.choices, default=StatoRimborso.DA_DISPORRE)
    iban = models.CharField("IBAN di accredito", max_length=34, blank=True)
    intestatario = models.CharField("intestatario del conto", max_length=200, blank=True)
    mandato_numero = models.CharField("numero del mandato", max_length=40, blank=True)
    mandato_data = models.DateField("data del mandato", null=True, blank=True)
    nota = models.TextField(blank=True)
    creato_il = models.DateTimeField(auto_now_add=True)
    deciso_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deciso_il = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "rimborsi"
        ordering = ["-creato_il", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(importo__gt=0), name="rimborso_importo_positivo"),
            models.UniqueConstraint(
                fields=["compartecipazione"],
                condition=Q(motivo=MotivoRimborso.ANNULLAMENTO),
                name="rimborso_uno_per_annullamento",
            ),
            models.CheckConstraint(
                condition=~Q(stato=StatoRimborso.DISPOSTO)
                | (~Q(iban="") & ~Q(mandato_numero="") & Q(mandato_data__isnull=False)),
                name="rimborso_disposto_completo",
            ),
        ]

    def __str__(self) -> str:
        return f"Rimborso di {self.importo} € — {self.get_motivo_display().lower()}"
