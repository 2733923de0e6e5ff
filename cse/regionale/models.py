"""The regional store: pseudonymised atomic events only (lives on the `regionale` database alias)."""

from django.db import models


class EventoRegionale(models.Model):
    """One ingested event; idempotent on event_id, ordered per pseudonymous case by sequence."""

    event_id = models.UUIDField(unique=True)
    event_type = models.CharField(max_length=80, db_index=True)
    schema_version = models.PositiveSmallIntegerField()
    case_key = models.CharField(max_length=64, help_text="riferimento pseudonimo della cartella")
    sequence = models.PositiveIntegerField()
    ente = models.CharField(max_length=12, db_index=True)
    soggetto = models.CharField(max_length=64, db_index=True, help_text="pseudonimo della persona")
    evento_del = models.DateField(db_index=True)
    payload = models.JSONField()
    ricevuto_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "eventi regionali"
        constraints = [models.UniqueConstraint(fields=["case_key", "sequence"], name="evento_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class LacunaSequenza(models.Model):
    """Events of a case arrived out of order: sequences [da, a] are missing until they arrive (then colmata)."""

    case_key = models.CharField(max_length=64)
    da_sequenza = models.PositiveIntegerField()
    a_sequenza = models.PositiveIntegerField()
    colmata = models.BooleanField(default=False)
    rilevata_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "lacune di sequenza"
        constraints = [models.UniqueConstraint(fields=["case_key", "da_sequenza"], name="lacuna_unica")]

    def __str__(self) -> str:
        return f"{self.case_key[:8]} {self.da_sequenza}-{self.a_sequenza}"


class PrestazioneSiuss(models.Model):
    """Derived, de-identified: one row per prestazione and year (rebuilt by derive_siuss_prestazioni)."""

    anno = models.PositiveSmallIntegerField()
    ente = models.CharField(max_length=12)
    prestazione_key = models.CharField(max_length=64)
    soggetto = models.CharField(max_length=64)
    sesso = models.CharField(max_length=1)
    fascia_eta = models.CharField(max_length=8)
    comune_istat = models.CharField(max_length=6, blank=True)
    ambito = models.CharField(max_length=12, blank=True)
    codice = models.CharField(max_length=12)
    carattere = models.PositiveSmallIntegerField()
    area_utenza = models.PositiveSmallIntegerField(null=True)
    presa_in_carico = models.PositiveSmallIntegerField()
    data_inizio = models.DateField()
    data_fine = models.DateField(null=True)
    quantita = models.DecimalField(max_digits=12, decimal_places=2)
    unita = models.CharField(max_length=10)
    importo = models.DecimalField(max_digits=12, decimal_places=2)
    fonte = models.CharField(max_length=20)

    class Meta:
        verbose_name_plural = "prestazioni SIUSS (derivate)"
        constraints = [models.UniqueConstraint(fields=["anno", "prestazione_key"], name="siuss_prestazione_anno")]
        indexes = [models.Index(fields=["anno", "ente", "codice"])]

    def __str__(self) -> str:
        return f"{self.anno} {self.ente} {self.codice}"
