"""Records of the five phases, the diario sociale and documents. Written only by cse/cartella/actions/."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cse.core.codelists.aree import AreaBisogno
from cse.core.codelists.fondi import FonteFinanziamento
from cse.core.codelists.leps import ModuloLeps
from cse.core.codelists.nomenclatore import Carattere
from cse.core.validators_dates import validate_period

from .categorie_protette import CategoriaProtetta
from .glossary import (
    CanaleAccesso,
    EsitoAccesso,
    EsitoObiettivi,
    Interlocutore,
    LivelloBisogno,
    MotivoChiusura,
    StatoCartella,
    TipoDocumento,
    TipoVoceDiario,
    UnitaMisura,
    Urgenza,
)

POSITIVE = [MinValueValidator(Decimal("0"), message="Il valore non può essere negativo.")]


class VoceNomenclatore(models.Model):
    """One code of the nomenclatore (versioned: valid from/to), seeded from cse/core/codelists/nomenclatore.py."""

    codice = models.CharField(max_length=12)
    denominazione = models.CharField(max_length=200)
    livello = models.PositiveSmallIntegerField()
    padre = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="figli")
    carattere = models.PositiveSmallIntegerField(choices=Carattere.choices, default=Carattere.PERIODICA)
    valido_dal = models.DateField(default="2014-01-01")
    valido_al = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "voci del nomenclatore"
        ordering = ["codice"]
        constraints = [models.UniqueConstraint(fields=["codice", "valido_dal"], name="nomenclatore_codice_versione")]

    def __str__(self) -> str:
        return f"{self.codice} — {self.denominazione}"

    def clean(self) -> None:
        validate_period(self.valido_dal, self.valido_al, end_field="valido_al")


class SchedaAccesso(models.Model):
    """Phase 1: scheda di prima accoglienza / PUA."""

    cartella = models.OneToOneField("cartella.Cartella", on_delete=models.PROTECT, related_name="scheda_accesso")
    data_accesso = models.DateField(default=timezone.localdate)
    canale = models.CharField("canale di accesso", max_length=30, choices=CanaleAccesso.choices, blank=True)
    inviante = models.CharField("inviato da", max_length=200, blank=True, help_text="chi ha segnalato o inviato")
    interlocutore = models.CharField(
        "chi si presenta", max_length=20, choices=Interlocutore.choices, default=Interlocutore.PERSONA
    )
    richiesta = models.TextField("richiesta nelle parole della persona", blank=True)
    area = models.CharField("prima lettura del bisogno (area)", max_length=30, choices=AreaBisogno.choices, blank=True)
    orientamento = models.TextField("orientamento fornito", blank=True)
    esito = models.CharField(max_length=20, choices=EsitoAccesso.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "schede di accesso"

    def __str__(self) -> str:
        return f"Scheda di accesso {self.cartella}"


class Valutazione(models.Model):
    """Phase 2: structured assessment per dimension, severity and urgency, professional judgement."""

    cartella = models.OneToOneField("cartella.Cartella", on_delete=models.PROTECT, related_name="valutazione")
    data_valutazione = models.DateField(default=timezone.localdate)
    economica = models.PositiveSmallIntegerField(choices=LivelloBisogno.choices, null=True, blank=True)
    economica_note = models.TextField(blank=True)
    abitativa = models.PositiveSmallIntegerField(choices=LivelloBisogno.choices, null=True, blank=True)
    abitativa_note = models.TextField(blank=True)
    salute = models.PositiveSmallIntegerField(choices=LivelloBisogno.choices, null=True, blank=True)
    salute_note = models.TextField(blank=True)
    familiare = models.PositiveSmallIntegerField(choices=LivelloBisogno.choices, null=True, blank=True)
    familiare_note = models.TextField(blank=True)
    lavoro = models.PositiveSmallIntegerField(choices=LivelloBisogno.choices, null=True, blank=True)
    lavoro_note = models.TextField(blank=True)
    gravita = models.PositiveSmallIntegerField(
        "gravità complessiva", choices=LivelloBisogno.choices, null=True, blank=True
    )
    urgenza = models.CharField(max_length=20, choices=Urgenza.choices, blank=True)
    giudizio = models.TextField("giudizio professionale", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "valutazioni"

    def __str__(self) -> str:
        return f"Valutazione {self.cartella}"


class Progetto(models.Model):
    """Phase 3: progetto individuale, agreed and signed by the person."""

    cartella = models.OneToOneField("cartella.Cartella", on_delete=models.PROTECT, related_name="progetto")
    obiettivi = models.TextField(blank=True)
    azioni = models.TextField("azioni (chi fa cosa, entro quando)", blank=True)
    impegni_persona = models.TextField("impegni della persona", blank=True)
    data_revisione = models.DateField("prossima revisione", null=True, blank=True)
    sottoscritto_il = models.DateField("sottoscritto dalla persona il", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "progetti"

    def __str__(self) -> str:
        return f"Progetto {self.cartella}"


class InterventoPianificato(models.Model):
    """An intervention planned in the project (nomenclatore code, expected hours/amount)."""

    cartella = models.ForeignKey("cartella.Cartella", on_delete=models.PROTECT, related_name="interventi_pianificati")
    voce = models.ForeignKey(VoceNomenclatore, on_delete=models.PROTECT, verbose_name="intervento (nomenclatore)")
    responsabile = models.CharField("chi lo realizza", max_length=200, blank=True)
    entro_il = models.DateField(null=True, blank=True)
    ore_previste = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True, validators=POSITIVE)
    importo_previsto = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True, validators=POSITIVE)
    fonte = models.CharField("fonte di finanziamento", max_length=20, choices=FonteFinanziamento.choices, blank=True)
    modulo_leps = models.CharField("LEPS realizzato", max_length=5, choices=ModuloLeps.choices, blank=True)
    ente_erogatore = models.ForeignKey(
        "core.Ente",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventi_concessi",
        verbose_name="ente erogatore (potestà concessoria)",
        help_text="l'ente che concede l'intervento e lo trasmette al SIUSS (cartella/erogatore.py)",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "interventi pianificati"

    def __str__(self) -> str:
        return str(self.voce)


class Prestazione(models.Model):
    """Phase 4: an intervention actually delivered — a prestazione with its nomenclatore code (SIUSS unit)."""

    cartella = models.ForeignKey("cartella.Cartella", on_delete=models.PROTECT, related_name="prestazioni")
    intervento = models.ForeignKey(InterventoPianificato, on_delete=models.PROTECT, null=True, blank=True)
    voce = models.ForeignKey(VoceNomenclatore, on_delete=models.PROTECT, verbose_name="prestazione (nomenclatore)")
    carattere = models.PositiveSmallIntegerField(choices=Carattere.choices)
    data_inizio = models.DateField()
    data_fine = models.DateField(null=True, blank=True)
    quantita = models.DecimalField(max_digits=10, decimal_places=2, validators=POSITIVE)
    unita = models.CharField("unità di misura", max_length=10, choices=UnitaMisura.choices)
    importo = models.DecimalField("importo (€)", max_digits=10, decimal_places=2, validators=POSITIVE)
    fonte = models.CharField("fonte di finanziamento", max_length=20, choices=FonteFinanziamento.choices)
    erogatore = models.CharField("soggetto che eroga", max_length=200)
    modulo_leps = models.CharField(
        "LEPS realizzato",
        max_length=5,
        choices=ModuloLeps.choices,
        blank=True,
        help_text="vuoto: quello dell'intervento",
    )
    ente_erogatore = models.ForeignKey(
        "core.Ente",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="prestazioni_concesse",
        verbose_name="ente erogatore (potestà concessoria)",
        help_text="l'ente che concede la prestazione e la trasmette al SIUSS (cartella/erogatore.py)",
    )
    # a benefit revoked by an act (e.g. a contributo of a bando): SIUSS cancels what it received, nothing new is sent
    revocata_il = models.DateField("revocata con atto del", null=True, blank=True)
    motivo_revoca = models.CharField("motivo della revoca", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "prestazioni"
        ordering = ["-data_inizio", "-id"]
        constraints = [
            models.CheckConstraint(
                name="prestazione_fine_dopo_inizio",
                violation_error_message="La data di fine non può precedere la data di inizio.",
                condition=Q(data_fine__isnull=True) | Q(data_fine__gte=models.F("data_inizio")),
            ),
            models.CheckConstraint(
                violation_error_message="Importo e quantità non possono essere negativi.",
                name="prestazione_importo_non_negativo",
                condition=Q(importo__gte=0) & Q(quantita__gte=0),
            ),
        ]
        indexes = [models.Index(fields=["data_fine"])]

    def __str__(self) -> str:
        return f"{self.voce.codice} dal {self.data_inizio:%d/%m/%Y}"

    def clean(self) -> None:
        validate_period(self.data_inizio, self.data_fine, end_field="data_fine")


class Chiusura(models.Model):
    """Phase 5: valutazione finale e chiusura."""

    cartella = models.OneToOneField("cartella.Cartella", on_delete=models.PROTECT, related_name="chiusura")
    esito_obiettivi = models.CharField(max_length=20, choices=EsitoObiettivi.choices, blank=True)
    motivo = models.CharField("motivo della chiusura", max_length=20, choices=MotivoChiusura.choices, blank=True)
    valutazione_finale = models.TextField(blank=True)
    follow_up = models.TextField("follow-up previsto", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "chiusure"

    def __str__(self) -> str:
        return f"Chiusura {self.cartella}"


class Transizione(models.Model):
    """A recorded step of the case workflow (architecture promise 3)."""

    cartella = models.ForeignKey("cartella.Cartella", on_delete=models.PROTECT, related_name="transizioni")
    da_stato = models.CharField(max_length=20, choices=StatoCartella.choices)
    a_stato = models.CharField(max_length=20, choices=StatoCartella.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "transizioni"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_da_stato_display()} → {self.get_a_stato_display()}"


class DiarioQuerySet(models.QuerySet):
    def readable_by(self, user, *, professional: bool, protette: bool = False) -> DiarioQuerySet:
        """Obscured entries vanish for everyone; confidential ones are for the professional level and the author;
        entries in a protected category (categorie_protette.py) only for holders of view_categorie_protette — not
        even their author once the role is lost, so they are neither listed nor counted for anyone else."""
        qs = self.filter(oscurata=False)
        if not professional:
            qs = qs.filter(Q(riservata=False) | Q(autore=user))
        if not protette:
            qs = qs.filter(categoria="")
        return qs


class VoceDiario(models.Model):
    """One entry of the diario sociale: a note, contact, visit, phase change, document..."""

    cartella = models.ForeignKey("cartella.Cartella", on_delete=models.PROTECT, related_name="diario")
    tipo = models.CharField(max_length=20, choices=TipoVoceDiario.choices, default=TipoVoceDiario.NOTA)
    data_evento = models.DateField(default=timezone.localdate)
    testo = models.TextField()
    riservata = models.BooleanField(
        default=False, help_text="visibile solo al livello professionale (assistenti sociali, responsabile)"
    )
    oscurata = models.BooleanField(default=False)
    categoria = models.CharField(
        "categoria a maggiore tutela",
        max_length=20,
        blank=True,
        choices=CategoriaProtetta.choices,
        help_text="violenza, dipendenze, salute mentale…: visibile solo a chi ne ha l'abilitazione",
    )
    autore = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    documento = models.ForeignKey(
        "cartella.Documento",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="voci_diario",
        help_text="il documento di cui la voce registra il caricamento: si oscurano insieme",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = DiarioQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "voci del diario"
        ordering = ["-data_evento", "-id"]
        indexes = [models.Index(fields=["cartella", "-data_evento"])]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} del {self.data_evento:%d/%m/%Y}"


def documento_path(instance: Documento, filename: str) -> str:
    # never the user's file name on disk: no path tricks, no executable extensions
    return f"documenti/{instance.cartella_id}/{instance.sha256}"


class DocumentoManager(models.Manager):
    """The default manager hides obscured documents from every read — lists, counts, downloads, the related
    manager `cartella.documenti`, any future surface: an obscured document looks like one that never existed
    (DPCM 178/2015 art. 8; Garante: the fact of hiding must not be inferable). Row and file stay for legal
    retention, reachable only through `Documento.con_oscurati` (records.documento_obscure)."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(oscurato=False)


class Documento(models.Model):
    cartella = models.ForeignKey("cartella.Cartella", on_delete=models.PROTECT, related_name="documenti")
    tipo = models.CharField(max_length=20, choices=TipoDocumento.choices)
    nome = models.CharField("nome del file", max_length=200)
    content_type = models.CharField(max_length=100)
    dimensione = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=documento_path)
    caricato_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    caricato_il = models.DateTimeField(auto_now_add=True)
    oscurato = models.BooleanField(default=False)
    history = HistoricalRecords()

    objects = DocumentoManager()
    con_oscurati = models.Manager()  # noqa: DJ012 — `objects` first: it stays the default manager

    class Meta:
        verbose_name_plural = "documenti"
        ordering = ["-caricato_il"]

    def __str__(self) -> str:
        return self.nome
