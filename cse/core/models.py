"""Territory, tenants (Ente), operators, the append-only access log and the transactional outbox."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from .roles import Capability, Ruolo, TipoEnte
from .validators import validate_codice_fiscale

ISTAT_COMUNE_RE = r"^\d{6}$"
BELFIORE_RE = r"^[A-Z]\d{3}$"


class Regione(models.Model):
    codice_istat = models.CharField("codice ISTAT", max_length=2, unique=True)
    nome = models.CharField(max_length=100)

    class Meta:
        verbose_name_plural = "regioni"
        ordering = ["codice_istat"]

    def __str__(self) -> str:
        return self.nome


class Ambito(models.Model):
    """Ambito Territoriale Sociale: association of comuni run by an Ufficio di Piano."""

    codice = models.CharField(max_length=12, unique=True, help_text="codice regionale dell'ambito, es. BA01")
    nome = models.CharField(max_length=150)
    regione = models.ForeignKey(Regione, on_delete=models.PROTECT, related_name="ambiti")

    class Meta:
        verbose_name_plural = "ambiti"
        ordering = ["codice"]

    def __str__(self) -> str:
        return f"Ambito {self.nome}"


class Comune(models.Model):
    """A comune from the ISTAT list; ceased comuni are kept (a birth place can be one)."""

    codice_istat = models.CharField("codice ISTAT", max_length=6, unique=True)
    codice_catastale = models.CharField("codice catastale (Belfiore)", max_length=4, db_index=True)
    nome = models.CharField(max_length=150)
    sigla_provincia = models.CharField(max_length=2, blank=True)
    regione = models.ForeignKey(Regione, on_delete=models.PROTECT, related_name="comuni")
    ambito = models.ForeignKey(Ambito, on_delete=models.SET_NULL, null=True, blank=True, related_name="comuni")
    popolazione = models.PositiveIntegerField(null=True, blank=True)
    soppresso = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "comuni"
        ordering = ["nome"]

    def __str__(self) -> str:
        return f"{self.nome} ({self.sigla_provincia})" if self.sigla_provincia else self.nome


class Ente(models.Model):
    """The tenant: one per comune, ambito or regione that uses the system. Permissions are granted on it."""

    tipo = models.CharField(max_length=10, choices=TipoEnte.choices)
    nome = models.CharField(max_length=200)
    codice = models.CharField(
        max_length=12, unique=True, help_text="Belfiore per un comune, codice proprio per ambito o regione"
    )
    comune = models.OneToOneField(Comune, on_delete=models.PROTECT, null=True, blank=True, related_name="ente")
    ambito = models.OneToOneField(Ambito, on_delete=models.PROTECT, null=True, blank=True, related_name="ente")
    regione = models.OneToOneField(Regione, on_delete=models.PROTECT, null=True, blank=True, related_name="ente")

    class Meta:
        verbose_name_plural = "enti"
        ordering = ["tipo", "nome"]
        permissions = [(c.value, c.label) for c in Capability]
        constraints = [
            models.CheckConstraint(
                name="ente_exactly_one_territory",
                condition=(
                    models.Q(tipo=TipoEnte.COMUNE, comune__isnull=False, ambito__isnull=True, regione__isnull=True)
                    | models.Q(tipo=TipoEnte.AMBITO, comune__isnull=True, ambito__isnull=False, regione__isnull=True)
                    | models.Q(tipo=TipoEnte.REGIONE, comune__isnull=True, ambito__isnull=True, regione__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return self.nome


class EnteUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Ente, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "permission"])]


class EnteGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Ente, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["group", "permission"])]


class Operatore(models.Model):
    """Profile of a staff user; the roles are Incarichi, one per ente."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="operatore")
    codice_fiscale = models.CharField(max_length=16, unique=True, validators=[validate_codice_fiscale])
    qualifica = models.CharField(max_length=120, blank=True)
    telefono = models.CharField(max_length=30, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "operatori"

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class CodiceAttivazione(models.Model):
    """One-time code the ente's administrator hands an operator for the first TOTP enrolment, so that a stolen
    password alone cannot enrol the attacker's authenticator. Only the SHA-256 of the (random, 60-bit) code is kept;
    it expires after CSE_OTP_ACTIVATION_HOURS and is spent by its first use."""

    operatore = models.ForeignKey(Operatore, on_delete=models.CASCADE, related_name="codici_attivazione")
    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="+")
    codice_hash = models.CharField(max_length=64, unique=True)
    emesso_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    emesso_il = models.DateTimeField(default=timezone.now)
    scade_il = models.DateTimeField()
    usato_il = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "codice di attivazione del secondo fattore"
        verbose_name_plural = "codici di attivazione del secondo fattore"

    def __str__(self) -> str:
        return f"Codice di attivazione di {self.operatore} (emesso il {self.emesso_il:%d/%m/%Y %H:%M})"


class Incarico(models.Model):
    """An operator's role within one ente; active incarichi put the user into the ente's role group."""

    operatore = models.ForeignKey(Operatore, on_delete=models.PROTECT, related_name="incarichi")
    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="incarichi")
    ruolo = models.CharField(max_length=30, choices=Ruolo.choices)
    attivo = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "incarichi"
        constraints = [models.UniqueConstraint(fields=["operatore", "ente", "ruolo"], name="incarico_unique")]

    def __str__(self) -> str:
        return f"{self.operatore} — {self.get_ruolo_display()} presso {self.ente}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("Il registro è in sola aggiunta: le righe non si modificano.")

    def delete(self):
        raise PermissionDenied("Il registro è in sola aggiunta: le righe non si cancellano.")


class AccessLog(models.Model):
    """Every read of a person or a case: who, when, from which ente, what, why (Garante 2015: ≥ 24 months)."""

    class Azione(models.TextChoices):
        CONSULTAZIONE = "consultazione", "Consultazione"
        PDF = "pdf", "Stampa PDF"
        EXPORT = "export", "Esportazione"

    # Set by log_access before the row is hashed (an auto_now_add value would only exist after the hash).
    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, null=True, related_name="+")
    azione = models.CharField(max_length=20, choices=Azione.choices)
    oggetto_tipo = models.CharField(max_length=40)
    oggetto_id = models.BigIntegerField()
    assistito_id = models.BigIntegerField(db_index=True)
    finalita = models.CharField(max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # Hash chain (cse/core/audit_chain.py): sha256 of this row's fields and the previous row's hash.
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        # (user, -at): the unusual-access watcher counts one operator's recent reads on every read
        indexes = [models.Index(fields=["ente", "-at"]), models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.azione} {self.oggetto_tipo} {self.oggetto_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Il registro degli accessi è in sola aggiunta: le righe non si modificano.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Il registro degli accessi è in sola aggiunta: le righe non si cancellano.")


class AuditAnchor(models.Model):
    """Where the access-log chain starts after a purge: the hash of the last purged row (one new row per purge)."""

    at = models.DateTimeField(default=timezone.now, editable=False)
    cutoff = models.DateTimeField()
    last_id = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    righe_eliminate = models.PositiveIntegerField(default=0)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"ancora {self.last_id} ({self.at:%d/%m/%Y})"


class AuditCheck(models.Model):
    """Outcome of each verify_audit run: shown to ente admins, and the tail it saw must still be there next time."""

    at = models.DateTimeField(default=timezone.now, editable=False)
    ok = models.BooleanField()
    righe = models.PositiveBigIntegerField(default=0)
    last_id = models.BigIntegerField(null=True)
    last_hash = models.CharField(max_length=64, blank=True)
    esito = models.CharField(max_length=300)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.esito}"


class OutboxEvent(models.Model):
    """Domain events written in the same transaction as the change they describe (transactional outbox)."""

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    aggregate_type = models.CharField(max_length=40)
    aggregate_id = models.BigIntegerField()
    sequence = models.PositiveIntegerField()
    event_type = models.CharField(max_length=80)
    schema_version = models.PositiveSmallIntegerField(default=1)
    payload = models.JSONField()
    occurred_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["aggregate_type", "aggregate_id", "sequence"], name="outbox_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.sequence} ({self.aggregate_type} {self.aggregate_id})"


class SubmissionToken(models.Model):
    """A create form's one-time token once claimed: the second post of the same form (a double click, a resent
    request) finds the row and goes to what the first one created instead of creating it again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=120, unique=True)  # random and signed: no one else can know it
    result_url = models.CharField(max_length=500)
    claimed_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.token[:8]


class UsedTokenId(models.Model):
    """A token id (JWT `jti`) already used, kept until its token expires: the embedded store of core/replay.py.

    The unique constraint is the atomic claim: of two parallel uses of one token, one insert wins."""

    namespace = models.CharField(max_length=40)
    token_hash = models.CharField(max_length=64)  # sha256 of the jti: fixed size whatever the issuer sends
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["namespace", "token_hash"], name="used_token_id_unique")]

    def __str__(self) -> str:
        return f"{self.namespace}:{self.token_hash[:12]}… fino a {self.expires_at:%d/%m/%Y %H:%M:%S}"


class StatoProtocollazione(models.TextChoices):
    IN_CODA = "in_coda", "In coda (protocollazione in corso)"
    REGISTRATA = "registrata", "Protocollata"
    ERRORE = "errore", "Non protocollata: da verificare"


class VersoProtocollo(models.TextChoices):
    ENTRATA = "entrata", "In entrata"
    USCITA = "uscita", "In uscita"


class RichiestaProtocollo(models.Model):
    """A document waiting for, or given, its protocol number (cse/core/protocollo.py): the durable queue between a
    domain that must register a document and the protocol system, written in the caller's transaction.

    Holds what the protocol register needs and no more: the correspondent is a description (the applicant's name
    for an incoming application, the office for an outgoing letter), the document itself stays with its owner and is
    bound here by its SHA-256 and `riferimento`."""

    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="+")
    chiave = models.CharField(max_length=120, unique=True, help_text="chiave di idempotenza data dal chiamante")
    verso = models.CharField(max_length=8, choices=VersoProtocollo.choices)
    oggetto = models.CharField(max_length=500)
    corrispondente = models.CharField("mittente o destinatario", max_length=300)
    nome_file = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    riferimento = models.CharField(max_length=120, blank=True, help_text="dove il chiamante conserva il documento")
    callback = models.CharField(max_length=80, blank=True)
    stato = models.CharField(max_length=12, choices=StatoProtocollazione.choices, default=StatoProtocollazione.IN_CODA)
    tentativi = models.PositiveIntegerField(default=0)
    prossimo_tentativo_il = models.DateTimeField(default=timezone.now)
    ultimo_errore = models.CharField(max_length=300, blank=True)
    codice_amministrazione = models.CharField(max_length=16, blank=True)
    codice_aoo = models.CharField(max_length=16, blank=True)
    registro = models.CharField(max_length=16, blank=True)
    numero = models.PositiveIntegerField(null=True, blank=True)
    data = models.DateField(null=True, blank=True)
    segnatura = models.TextField(blank=True)
    creata_il = models.DateTimeField(default=timezone.now, editable=False)
    registrata_il = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "richiesta di protocollazione"
        verbose_name_plural = "richieste di protocollazione"
        ordering = ["id"]
        indexes = [models.Index(fields=["stato", "prossimo_tentativo_il"], name="protocollo_coda_idx")]
        constraints = [
            models.CheckConstraint(
                name="protocollo_registrata_ha_numero",
                condition=~models.Q(stato="registrata") | models.Q(numero__isnull=False, data__isnull=False),
            )
        ]

    def __str__(self) -> str:
        if self.numero is None:
            return f"{self.chiave} ({self.get_stato_display()})"
        return f"{self.codice_aoo}-{self.registro} n. {self.numero:07d} del {self.data:%d/%m/%Y}"
