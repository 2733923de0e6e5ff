"""Bando (versioned call with rules as data), Domanda (application) with its facts, attachments, criterion outcomes and
integration requests, and the Graduatoria (ranking) with its pseudonymised positions. Every write goes through
cse/bandi/actions.py; the models only refuse what must never happen whoever writes (a published bando's rules)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cse.core.codelists.fondi import FonteFinanziamento
from cse.core.models import Comune, Ente
from cse.core.validators import validate_codice_fiscale

from .glossary import (
    STATI_NON_ATTIVI,
    Canale,
    CanaleNotifica,
    Esito,
    EsitoIstruttoria,
    Fonte,
    Intestatario,
    StatoBando,
    StatoDomanda,
    StatoGraduatoria,
    StatoNotifica,
    StatoProvvedimento,
    StatoRata,
    TipoProvvedimento,
)

MONEY = {"max_digits": 12, "decimal_places": 2}
DUPLICATE = (
    "Esiste già una domanda attiva di questa persona per il bando: si può riprendere quella (o ritirarla e "
    "presentarne una nuova)."
)

# Once published, these define the call: a correction is a new version (bando_correct), never an edit.
FROZEN_FIELDS = (
    "ente_id",
    "codice",
    "versione",
    "titolo",
    "base_giuridica",
    "voce_bilancio",
    "stanziamento",
    "importo_massimo",
    "assegnazione_parziale",
    "apertura",
    "chiusura",
    "requisiti",
    "schema",
    "documenti_richiesti",
    "dichiarazioni",
    "giorni_istruttoria",
    "giorni_opposizione",
    "giorni_riesame",
    "codice_prestazione_id",
    "fonte",
)


class Bando(models.Model):
    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="bandi")
    codice = models.CharField(max_length=30, help_text="stabile tra le versioni, es. CONTR-AFFITTO-2027")
    versione = models.PositiveSmallIntegerField(default=1)
    sostituisce = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="sostituito_da"
    )
    motivo_correzione = models.TextField(blank=True)
    titolo = models.CharField(max_length=200)
    base_giuridica = models.TextField(blank=True)
    voce_bilancio = models.CharField("voce di bilancio", max_length=200, blank=True)
    stanziamento = models.DecimalField(**MONEY)
    importo_massimo = models.DecimalField("importo massimo per beneficiario", **MONEY)
    assegnazione_parziale = models.BooleanField("ammessa l'assegnazione parziale all'ultimo", default=False)
    apertura = models.DateTimeField()
    chiusura = models.DateTimeField()
    requisiti = models.TextField("chi può presentare domanda (testo)", blank=True)
    schema = models.JSONField("criteri di ammissione e punteggio", default=dict)
    documenti_richiesti = models.JSONField(default=list, blank=True)
    dichiarazioni = models.JSONField(default=list, blank=True)
    giorni_istruttoria = models.PositiveSmallIntegerField(default=30)
    giorni_opposizione = models.PositiveSmallIntegerField(default=10)
    giorni_riesame = models.PositiveSmallIntegerField(default=30)
    codice_prestazione = models.ForeignKey(
        "cartella.VoceNomenclatore", on_delete=models.PROTECT, verbose_name="prestazione (nomenclatore SIUSS)"
    )
    fonte = models.CharField(
        "fonte di finanziamento",
        max_length=20,
        choices=FonteFinanziamento.choices,
        default=FonteFinanziamento.COMUNALE,
        help_text="la fonte che le prestazioni SIUSS dei contributi liquidati dichiarano",
    )
    stato = models.CharField(max_length=12, choices=StatoBando.choices, default=StatoBando.BOZZA)
    pubblicato_il = models.DateTimeField(null=True, blank=True)
    creato_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "bandi"
        ordering = ["-apertura", "codice", "-versione"]
        constraints = [
            models.UniqueConstraint(fields=["ente", "codice", "versione"], name="bando_codice_versione"),
            models.CheckConstraint(condition=Q(chiusura__gt=models.F("apertura")), name="bando_finestra"),
            models.CheckConstraint(condition=Q(stanziamento__gte=0, importo_massimo__gt=0), name="bando_importi"),
        ]

    def __str__(self) -> str:
        return f"{self.titolo} (v{self.versione})" if self.versione > 1 else self.titolo

    def save(self, *args, **kwargs) -> None:
        """The database-side guard: the rules of a published bando never change, whatever path writes the row."""
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values(*FROZEN_FIELDS, "stato").first()
            if stored and stored["stato"] != StatoBando.BOZZA:
                changed = [f for f in FROZEN_FIELDS if stored[f] != getattr(self, f)]
                if changed:
                    raise ValidationError(
                        "Le regole di un bando pubblicato non si modificano: pubblicare una rettifica "
                        f"(nuova versione con motivazione). Campi toccati: {', '.join(changed)}."
                    )
        super().save(*args, **kwargs)


class Domanda(models.Model):
    bando = models.ForeignKey(Bando, on_delete=models.PROTECT, related_name="domande")
    # denormalised from the bando, for the one-active-domanda constraint across the bando's versions
    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="+")
    bando_codice = models.CharField(max_length=30)
    codice_fiscale = models.CharField(max_length=16, validators=[validate_codice_fiscale])
    cognome = models.CharField(max_length=100)
    nome = models.CharField(max_length=100)
    data_nascita = models.DateField(null=True, blank=True)
    comune_residenza = models.ForeignKey(Comune, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    assistito = models.ForeignKey(
        "cartella.Assistito", on_delete=models.PROTECT, null=True, blank=True, related_name="domande_bandi"
    )
    canale = models.CharField(max_length=10, choices=Canale.choices, default=Canale.ONLINE)
    stato = models.CharField(max_length=15, choices=StatoDomanda.choices, default=StatoDomanda.BOZZA)
    esito = models.CharField(max_length=12, choices=EsitoIstruttoria.choices, blank=True)
    motivazione = models.TextField(blank=True)
    dati = models.JSONField(default=dict, blank=True, help_text="fatti con provenienza: {fatti: {codice: {...}}}")
    dichiarazioni = models.JSONField(default=list, blank=True, help_text="codici delle dichiarazioni spuntate")
    presentata_il = models.DateTimeField(null=True, blank=True)
    protocollo_numero = models.CharField(max_length=40, blank=True)
    protocollo_data = models.DateField(null=True, blank=True)
    protocollo_segnatura = models.TextField(blank=True)
    istruttore = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scadenza_istruttoria = models.DateField(null=True, blank=True)
    sospesa_dal = models.DateTimeField(null=True, blank=True)
    giorni_sospensione = models.PositiveIntegerField(default=0)
    punteggio = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    consenso_app_io = models.BooleanField(
        "acconsente a ricevere le comunicazioni sulla domanda nell'app IO", default=False
    )
    email = models.EmailField("e-mail per le comunicazioni", blank=True)
    riesame_chiesto_il = models.DateTimeField(null=True, blank=True)
    riesame_motivo = models.TextField(blank=True)
    creata_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    creata_il = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "domande"
        ordering = ["presentata_il", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ente", "bando_codice", "codice_fiscale"],
                condition=~Q(stato__in=STATI_NON_ATTIVI),
                name="domanda_una_attiva_per_persona",
                violation_error_message=DUPLICATE,
            )
        ]
        indexes = [models.Index(fields=["bando", "stato"], name="domanda_bando_stato")]

    def __str__(self) -> str:
        return f"Domanda {self.protocollo_numero or self.pk} — {self.bando}"


def allegato_path(instance: Allegato, filename: str) -> str:
    return f"bandi/{instance.domanda.bando_id}/{instance.domanda_id}/{instance.sha256[:16]}"


class Allegato(models.Model):
    domanda = models.ForeignKey(Domanda, on_delete=models.PROTECT, related_name="allegati")
    codice = models.CharField(max_length=40, help_text="il codice del documento richiesto dal bando")
    file = models.FileField(upload_to=allegato_path)
    nome_originale = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    caricato_il = models.DateTimeField(auto_now_add=True)
    caricato_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "allegati"

    def __str__(self) -> str:
        return f"{self.codice}: {self.nome_originale}"


class EsitoCriterio(models.Model):
    domanda = models.ForeignKey(Domanda, on_delete=models.CASCADE, related_name="esiti")
    criterio = models.CharField(max_length=40)
    tipo = models.CharField(max_length=10)
    valore = models.JSONField(null=True, blank=True)
    esito = models.CharField(max_length=16, choices=Esito.choices)
    punti = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    fonte = models.CharField(max_length=15, choices=Fonte.choices, blank=True)
    rilevato_il = models.DateTimeField(null=True, blank=True)
    rilevato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    nota = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "esiti dei criteri"
        constraints = [models.UniqueConstraint(fields=["domanda", "criterio"], name="esito_criterio_unico")]

    def __str__(self) -> str:
        return f"{self.criterio}: {self.get_esito_display()}"


class RichiestaIntegrazione(models.Model):
    """The istruttoria clock stops from the request to the answer (L. 241/1990 art. 2 c. 7)."""

    domanda = models.ForeignKey(Domanda, on_delete=models.PROTECT, related_name="integrazioni")
    testo = models.TextField()
    richiesta_il = models.DateTimeField()
    richiesta_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scadenza = models.DateField()
    risposta = models.TextField(blank=True)
    risposta_il = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "richieste di integrazione"
        ordering = ["richiesta_il"]

    def __str__(self) -> str:
        return f"Integrazione richiesta il {self.richiesta_il:%d/%m/%Y}"


class Graduatoria(models.Model):
    bando = models.ForeignKey(Bando, on_delete=models.PROTECT, related_name="graduatorie")
    stato = models.CharField(max_length=12, choices=StatoGraduatoria.choices, default=StatoGraduatoria.PROVVISORIA)
    calcolata_il = models.DateTimeField()
    calcolata_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    pubblicata_il = models.DateTimeField(null=True, blank=True)
    definitiva_il = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "graduatorie"
        ordering = ["-calcolata_il"]

    def __str__(self) -> str:
        return f"Graduatoria {self.get_stato_display().lower()} — {self.bando}"


class PosizioneGraduatoria(models.Model):
    """One line of the published ranking: a public code (protocol number or a random code), never a name or an ISEE."""

    graduatoria = models.ForeignKey(Graduatoria, on_delete=models.CASCADE, related_name="posizioni")
    domanda = models.ForeignKey(Domanda, on_delete=models.PROTECT, related_name="posizioni")
    posizione = models.PositiveIntegerField(null=True, blank=True, help_text="vuota per le domande non ammesse")
    punteggio = models.DecimalField(max_digits=9, decimal_places=2)
    ammessa = models.BooleanField()
    importo_assegnato = models.DecimalField(**MONEY, default=0)
    codice_pubblico = models.CharField(max_length=40)

    class Meta:
        verbose_name_plural = "posizioni in graduatoria"
        ordering = ["graduatoria", "posizione"]
        constraints = [
            models.UniqueConstraint(fields=["graduatoria", "domanda"], name="posizione_domanda_unica"),
            models.UniqueConstraint(fields=["graduatoria", "posizione"], name="posizione_unica"),
        ]

    def __str__(self) -> str:
        return f"{self.posizione or '—'}. {self.codice_pubblico}"


# --- provvedimento (decision) and its notifications -------------------------------------------------------------------

PROVVEDIMENTO_FROZEN = ("bando_id", "graduatoria_id", "tipo", "oggetto", "testo", "redatto_da_id", "approvato_da_id",
                        "approvato_il", "sha256", "pdf")  # fmt: skip


def provvedimento_path(instance: Provvedimento, filename: str) -> str:
    return f"bandi/{instance.bando_id}/provvedimenti/{instance.pk}-{instance.sha256[:16]}.pdf"


class Provvedimento(models.Model):
    """A decision on a bando: drafted by one operator, approved by another (four eyes, also in the database), rendered
    to PDF with its SHA-256, registered in the protocol (outgoing). Once approved it never changes: a correction or a
    revocation is a new provvedimento."""

    bando = models.ForeignKey(Bando, on_delete=models.PROTECT, related_name="provvedimenti")
    graduatoria = models.ForeignKey(
        Graduatoria, on_delete=models.PROTECT, null=True, blank=True, related_name="provvedimenti"
    )
    tipo = models.CharField(max_length=12, choices=TipoProvvedimento.choices)
    oggetto = models.CharField(max_length=300)
    testo = models.TextField("motivazione e dispositivo")
    stato = models.CharField(max_length=16, choices=StatoProvvedimento.choices, default=StatoProvvedimento.BOZZA)
    motivo_rifiuto = models.TextField("motivo della restituzione al redattore", blank=True)
    redatto_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    redatto_il = models.DateTimeField()
    approvato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approvato_il = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to=provvedimento_path, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    # Each submission asks the worker for a new document; a render started for an earlier submission (sent back and
    # resubmitted meanwhile) is discarded instead of being approved as this one's.
    documento_richiesta = models.PositiveIntegerField("richiesta del documento", default=0)
    protocollo_numero = models.CharField(max_length=40, blank=True)
    protocollo_data = models.DateField(null=True, blank=True)
    protocollo_segnatura = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "provvedimenti"
        ordering = ["-redatto_il", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approvato_da__isnull=True) | ~Q(approvato_da=models.F("redatto_da")),
                name="provvedimento_quattro_occhi",
                violation_error_message="Chi ha redatto il provvedimento non può approvarlo.",
            ),
            models.CheckConstraint(
                condition=~Q(stato=StatoProvvedimento.APPROVATO)
                | Q(approvato_da__isnull=False, approvato_il__isnull=False, sha256__regex=r"^[0-9a-f]{64}$"),
                name="provvedimento_approvato_completo",
            ),
            models.UniqueConstraint(
                fields=["graduatoria"],
                condition=Q(tipo=TipoProvvedimento.GRADUATORIA),
                name="provvedimento_uno_per_graduatoria",
            ),
        ]

    def __str__(self) -> str:
        numero = f" n. {self.protocollo_numero}" if self.protocollo_numero else ""
        return f"Provvedimento{numero} — {self.get_tipo_display().lower()} — {self.bando}"

    def save(self, *args, **kwargs) -> None:
        """An approved provvedimento is never edited (only its protocol registration is filled in)."""
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values(*PROVVEDIMENTO_FROZEN, "stato").first()
            if stored and stored["stato"] == StatoProvvedimento.APPROVATO:
                changed = [f for f in PROVVEDIMENTO_FROZEN if stored[f] != _field_value(self, f)]
                if changed or self.stato != StatoProvvedimento.APPROVATO:
                    raise ValidationError(
                        "Un provvedimento approvato non si modifica: adottarne uno nuovo (riesame o revoca)."
                    )
        super().save(*args, **kwargs)


def _field_value(obj: models.Model, name: str):
    value = getattr(obj, name)
    return value.name if hasattr(value, "name") and name == "pdf" else value


class Notifica(models.Model):
    """One applicant told one provvedimento's outcome: the channel is chosen by the worker (IO where consented and
    accepted, else e-mail, else a letter to print); `chiave` makes every retry the same message."""

    provvedimento = models.ForeignKey(Provvedimento, on_delete=models.PROTECT, related_name="notifiche")
    domanda = models.ForeignKey(Domanda, on_delete=models.PROTECT, related_name="notifiche")
    esito = models.CharField(max_length=15, choices=StatoDomanda.choices)
    importo = models.DecimalField(**MONEY, default=0)
    canale = models.CharField(max_length=8, choices=CanaleNotifica.choices)
    stato = models.CharField(max_length=12, choices=StatoNotifica.choices, default=StatoNotifica.DA_INVIARE)
    chiave = models.CharField(max_length=120, unique=True)
    tentativi = models.PositiveSmallIntegerField(default=0)
    prossimo_tentativo_il = models.DateTimeField(null=True, blank=True)
    ultimo_errore = models.CharField(max_length=300, blank=True)
    messaggio_id = models.CharField("identificativo del messaggio IO", max_length=64, blank=True)
    inviata_il = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "notifiche"
        ordering = ["provvedimento", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["provvedimento", "domanda"], name="notifica_una_per_domanda"),
        ]
        indexes = [models.Index(fields=["stato", "prossimo_tentativo_il"], name="notifica_coda_idx")]

    def __str__(self) -> str:
        return f"Notifica {self.get_canale_display()} — {self.get_stato_display().lower()}"


# --- liquidazione (payment) -------------------------------------------------------------------------------------------


class Liquidazione(models.Model):
    """The payment plan of one beneficiary: the awarded amount, the account it goes to (the beneficiary's own, or a
    declared delegate's) and its instalments. Decisions on it are new rows (Rata steps, Revoca), never edits."""

    domanda = models.OneToOneField(Domanda, on_delete=models.PROTECT, related_name="liquidazione")
    posizione = models.ForeignKey(PosizioneGraduatoria, on_delete=models.PROTECT, related_name="+")
    importo_totale = models.DecimalField(**MONEY)
    iban = models.CharField("IBAN", max_length=34, blank=True)
    intestatario = models.CharField(
        "intestatario del conto", max_length=12, choices=Intestatario.choices, default=Intestatario.BENEFICIARIO
    )
    delegato_codice_fiscale = models.CharField(
        "codice fiscale del delegato", max_length=16, blank=True, validators=[validate_codice_fiscale]
    )
    delegato_cognome = models.CharField("cognome del delegato", max_length=100, blank=True)
    delegato_nome = models.CharField("nome del delegato", max_length=100, blank=True)
    iban_inserito_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    iban_inserito_il = models.DateTimeField(null=True, blank=True)
    creata_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    creata_il = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "liquidazioni"
        constraints = [models.CheckConstraint(condition=Q(importo_totale__gt=0), name="liquidazione_importo")]

    def __str__(self) -> str:
        return f"Liquidazione di {self.domanda}"


class Rata(models.Model):
    """One instalment: its amount, when it falls due and the period it covers (the period of its SIUSS
    prestazione); once paid, the mandato that paid it and the prestazione recorded in the beneficiary's cartella."""

    liquidazione = models.ForeignKey(Liquidazione, on_delete=models.PROTECT, related_name="rate")
    numero = models.PositiveSmallIntegerField()
    importo = models.DecimalField(**MONEY)
    scadenza = models.DateField()
    periodo_dal = models.DateField()
    periodo_al = models.DateField()
    stato = models.CharField(max_length=12, choices=StatoRata.choices, default=StatoRata.PROGRAMMATA)
    mandato_numero = models.CharField("numero del mandato di pagamento", max_length=40, blank=True)
    mandato_data = models.DateField("data del mandato", null=True, blank=True)
    iban_pagamento = models.CharField("IBAN su cui è stata pagata", max_length=34, blank=True)
    liquidata_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    liquidata_il = models.DateTimeField(null=True, blank=True)
    prestazione = models.OneToOneField(
        "cartella.Prestazione", on_delete=models.PROTECT, null=True, blank=True, related_name="rata_bando"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "rate"
        ordering = ["liquidazione", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["liquidazione", "numero"], name="rata_numero_unico"),
            models.CheckConstraint(condition=Q(importo__gt=0), name="rata_importo_positivo"),
            models.CheckConstraint(condition=Q(periodo_al__gte=models.F("periodo_dal")), name="rata_periodo"),
            models.CheckConstraint(
                condition=~Q(stato=StatoRata.LIQUIDATA) | (Q(prestazione__isnull=False) & ~Q(mandato_numero="")),
                name="rata_liquidata_con_mandato_e_prestazione",
            ),
        ]

    def __str__(self) -> str:
        return f"Rata {self.numero} — {self.importo} €"


class Revoca(models.Model):
    """The act that revokes a benefit from a date on: later instalments not yet paid are cancelled, the ones
    already paid are to be recovered and their SIUSS prestazioni cancelled. Reversed only by a new act."""

    liquidazione = models.OneToOneField(Liquidazione, on_delete=models.PROTECT, related_name="revoca")
    motivo = models.TextField()
    atto_numero = models.CharField("numero dell'atto di revoca", max_length=40)
    atto_data = models.DateField("data dell'atto")
    decorrenza = models.DateField(help_text="dal periodo che inizia in questa data il beneficio non spetta")
    importo_da_recuperare = models.DecimalField(**MONEY)
    revocata_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revocata_il = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "revoche"
        constraints = [models.CheckConstraint(condition=Q(importo_da_recuperare__gte=0), name="revoca_importo")]

    def __str__(self) -> str:
        return f"Revoca n. {self.atto_numero} del {self.atto_data:%d/%m/%Y}"
