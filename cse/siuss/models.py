"""SIUSS transmission: the SIUSS data of each prestazione, SINA and SINBA assessments, the flows and their esiti,
and the per-ente WaaS e-service configuration. Written only by cse/siuss/services.py."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cse.core.models import BELFIORE_RE, Ente
from cse.core.validators import validate_codice_fiscale

from .glossary import (
    CodiceEsito,
    PresenzaProvaMezzi,
    StatoFlusso,
    TipoFlusso,
    TipoOperazione,
    ps_choices,
    sinba_choices,
)

POSITIVE = [MinValueValidator(Decimal("0"), message="Il valore non può essere negativo.")]


class EserviceWaas(models.Model):
    """The ente's WaaS-SIUSS e-service published on PDND (Guida-Comuni.md §5): audience, purpose, rate limit.

    codice_siuss is the code INPS knows the ente by (api-comuni.yaml codice_ente, Belfiore pattern): the comune's
    own Belfiore code, or for an ambito/region the code agreed with INPS (e.g. the capofila's)."""

    ente = models.OneToOneField(Ente, on_delete=models.PROTECT, related_name="eservice_waas")
    codice_siuss = models.CharField(
        "codice ente SIUSS", max_length=4, validators=[RegexValidator(BELFIORE_RE, "Codice di 1 lettera e 3 cifre.")]
    )
    belfiore_sede = models.CharField(
        "codice catastale della sede legale",
        max_length=4,
        validators=[RegexValidator(BELFIORE_RE, "Codice di 1 lettera e 3 cifre.")],
    )
    cf_operatore = models.CharField(
        "codice fiscale del responsabile della trasmissione",
        max_length=16,
        blank=True,
        validators=[validate_codice_fiscale],
    )
    audience = models.CharField("audience PDND del voucher", max_length=300)
    purpose_ids = models.JSONField("finalità PDND ammesse (purposeId)", default=list)
    rate_limit_per_minute = models.PositiveIntegerField("soglia di richieste al minuto", default=600)
    ultimo_ms = models.BigIntegerField(default=0, help_text="ultimo istante di esposizione assegnato (ms)")
    attivo = models.BooleanField(default=True)
    history = HistoricalRecords(excluded_fields=["ultimo_ms"])

    class Meta:
        verbose_name = "e-service WaaS SIUSS"
        verbose_name_plural = "e-service WaaS SIUSS"

    def __str__(self) -> str:
        return f"WaaS SIUSS {self.ente}"


class DatiSiuss(models.Model):
    """What SIUSS needs about a prestazione beyond what the case records (PS_PSA_SINA201812.xsd PrestazioniSociali)."""

    prestazione = models.OneToOneField("cartella.Prestazione", on_delete=models.PROTECT, related_name="dati_siuss")
    protocollo_domanda = models.CharField("protocollo della domanda", max_length=32, blank=True)
    presenza_prova_mezzi = models.CharField(
        "prova dei mezzi", max_length=1, choices=PresenzaProvaMezzi.choices, blank=True
    )
    importo_mensile = models.DecimalField(
        "importo mensile (€, prestazioni periodiche)",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=POSITIVE,
    )
    quota_ente = models.DecimalField(max_digits=10, decimal_places=2, default=0, validators=POSITIVE)
    quota_utente = models.DecimalField(max_digits=10, decimal_places=2, default=0, validators=POSITIVE)
    quota_ssn = models.DecimalField("quota SSN", max_digits=10, decimal_places=2, default=0, validators=POSITIVE)
    ore_servizio_mensile = models.DecimalField(
        "ore di servizio al mese", max_digits=6, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "dati SIUSS delle prestazioni"

    def __str__(self) -> str:
        return f"Dati SIUSS {self.prestazione_id}"


def _ps(type_name: str):
    return ps_choices(type_name)


class ValutazioneSina(models.Model):
    """SINA grid of non-self-sufficiency (PS_PSA_SINA201812.xsd SINAType), one per case."""

    cartella = models.OneToOneField("cartella.Cartella", on_delete=models.PROTECT, related_name="valutazione_sina")
    mobilita = models.CharField(max_length=1, choices=_ps("MobilitaType"))
    attivita_vita_quotidiana = models.CharField(max_length=1, choices=_ps("AttivitaVitaQuotidianaType"))
    disturbi_area_cognitiva = models.CharField(max_length=1, choices=_ps("DisturbiAreaCognitivaType"), blank=True)
    disturbi_comportamentali = models.CharField(max_length=1, choices=_ps("DisturbiComportamentaliType"))
    necessita_cure_sanitarie = models.CharField(max_length=1, choices=_ps("NecessitaCureSanitarieType"), blank=True)
    area_reddituale = models.CharField(max_length=1, choices=_ps("AreaRedditualeType"))
    area_supporto = models.CharField(max_length=1, choices=_ps("AreaSupportoType"))
    fonte_valutazione = models.CharField(max_length=1, choices=_ps("FonteDerivazioneValutazioneType"))
    strumento_valutazione = models.CharField(max_length=1, choices=_ps("StrumentoValutazioneType"))
    fonte_invalidita = models.CharField(max_length=1, choices=_ps("FonteDerivazioneInvaliditaType"), blank=True)
    invalidita_civile = models.JSONField("certificazioni di invalidità (codici InvCiv)", default=list, blank=True)
    necessita_interventi = models.JSONField("interventi sociali necessari (codici)", default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "valutazioni SINA"

    def __str__(self) -> str:
        return f"SINA {self.cartella_id}"


def _sb(type_name: str):
    return sinba_choices(type_name)


class SchedaSinba(models.Model):
    """SINBA record of a minor's case (SINBA.xsd SinbaType): the required attributes and the common optional ones."""

    cartella = models.OneToOneField("cartella.Cartella", on_delete=models.PROTECT, related_name="scheda_sinba")
    minore_straniero_non_accompagnato = models.CharField(max_length=1, choices=_sb("MinoreStranieroNoAccType"))
    condizione_minore = models.CharField(max_length=1, choices=_sb("CondizioneMinoreType"))
    luogo_vita = models.CharField(max_length=1, choices=_sb("LuogoVitaType"))
    scuola_frequentata = models.CharField(max_length=1, choices=_sb("ScuolaFrequentataType"))
    condizione_lavoro = models.CharField(max_length=1, choices=_sb("CondizioneLavoroType"))
    disabilita = models.CharField(max_length=1, choices=_sb("DisabilitaType"))
    data_prima_segnalazione = models.DateField()
    fonte_segnalazione = models.CharField(max_length=2, choices=_sb("FonteSegnalazioneType"))
    valutazione_minore = models.CharField(max_length=2, choices=_sb("ValutazioneMinoreType"))
    valutazione_famiglia = models.CharField(max_length=2, choices=_sb("ValutazioneFamigliaMinoreType"))
    segnalazione_autorita_giudiziaria = models.BooleanField(default=False)
    data_segnalazione = models.DateField(null=True, blank=True)
    provvedimento_giudiziario = models.BooleanField(default=False)
    data_provvedimento = models.DateField(null=True, blank=True)
    composizione_famiglia = models.JSONField("composizione della famiglia (codici)", default=list)
    numero_componenti_isee = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(9, "Al massimo 9 componenti.")]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "schede SINBA"

    def __str__(self) -> str:
        return f"SINBA {self.cartella_id}"


class VerificaSiuss(models.Model):
    """Latest pre-flight check of a prestazione: the missing or inconsistent fields, in Italian (never dropped)."""

    prestazione = models.OneToOneField("cartella.Prestazione", on_delete=models.CASCADE, related_name="verifica_siuss")
    cartella = models.ForeignKey("cartella.Cartella", on_delete=models.CASCADE, related_name="+")
    ente_erogatore = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="+")
    problemi = models.JSONField(default=list)
    ha_problemi = models.BooleanField(default=False, db_index=True)
    verificata_il = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "verifiche SIUSS"
        indexes = [models.Index(fields=["ente_erogatore", "cartella"])]

    def __str__(self) -> str:
        return f"Verifica SIUSS {self.prestazione_id}"


class ContatoreFlussi(models.Model):
    """Daily progressive of id_flusso (api-comuni.yaml: EEEE.TIPO.AAAAMMGG.NNNNNNN), per ente."""

    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="+")
    giorno = models.DateField()
    ultimo = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ente", "giorno"], name="contatore_flussi_unico")]

    def __str__(self) -> str:
        return f"{self.ente_id} {self.giorno}: {self.ultimo}"


class Flusso(models.Model):
    """One XML flow: one beneficiary and one prestazione (cooperation mode, DM 206/2014 and the XSD notes).

    esposto_ms is the exposure instant, strictly increasing per ente and allocated under a lock held until commit,
    so `since` paging returns every flow exactly once (services.flussi_expose)."""

    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="flussi_siuss")
    tipo = models.CharField(max_length=12, choices=TipoFlusso.choices)
    tipo_operazione = models.CharField(max_length=1, choices=TipoOperazione.choices, default=TipoOperazione.INSERIMENTO)
    cartella = models.ForeignKey("cartella.Cartella", on_delete=models.PROTECT, related_name="flussi_siuss")
    prestazione = models.ForeignKey("cartella.Prestazione", on_delete=models.PROTECT, related_name="flussi_siuss")
    periodo = models.CharField(max_length=8, blank=True, help_text="trimestre (AAAAQn) per le prestazioni periodiche")
    id_flusso = models.CharField(max_length=64, unique=True)
    xml = models.BinaryField()
    stato = models.CharField(max_length=20, choices=StatoFlusso.choices, default=StatoFlusso.PRONTO)
    annulla = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cancellazioni",
        help_text="flusso annullato",
    )
    creato_il = models.DateTimeField(auto_now_add=True)
    esposto_ms = models.BigIntegerField(null=True, blank=True)
    codice_esito = models.CharField(max_length=20, choices=CodiceEsito.choices, blank=True)
    descrizione_esito = models.TextField(blank=True)
    id_acquisizione_siuss = models.CharField(max_length=64, blank=True)
    esito_il = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["xml"])

    class Meta:
        verbose_name_plural = "flussi SIUSS"
        ordering = ["-creato_il", "-id"]
        indexes = [models.Index(fields=["ente", "stato"]), models.Index(fields=["prestazione", "tipo", "periodo"])]
        constraints = [
            models.UniqueConstraint(
                fields=["ente", "esposto_ms"], condition=Q(esposto_ms__isnull=False), name="flusso_esposizione_unica"
            ),
            # one live insert per prestazione, flow type and period: a correction first cancels the old one
            models.UniqueConstraint(
                fields=["prestazione", "tipo", "periodo"],
                condition=Q(tipo_operazione="I") & ~Q(stato__in=["annullato"]),
                name="flusso_inserimento_vivo_unico",
            ),
        ]

    def __str__(self) -> str:
        return self.id_flusso


class EsitoRicevuto(models.Model):
    """Every esito INPS posted, as received (append-only), matched to its flusso when the id is known."""

    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="+")
    flusso = models.ForeignKey(Flusso, on_delete=models.PROTECT, null=True, blank=True, related_name="esiti")
    id_flusso = models.CharField(max_length=64)
    codice_esito = models.CharField(max_length=20, choices=CodiceEsito.choices)
    payload = models.JSONField()
    ricevuto_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "esiti ricevuti"
        ordering = ["-ricevuto_il"]

    def __str__(self) -> str:
        return f"{self.id_flusso}: {self.codice_esito}"
