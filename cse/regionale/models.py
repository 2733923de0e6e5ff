"""The regional store: pseudonymised atomic events only (lives on the `regionale` database alias)."""

from django.db import models


class EventoRegionale(models.Model):
    """One ingested event; idempotent on event_id, ordered per pseudonymous case by sequence."""

    event_id = models.UUIDField(unique=True)
    event_type = models.CharField(max_length=80)
    schema_version = models.PositiveSmallIntegerField()
    case_key = models.CharField(max_length=80, help_text="riferimento pseudonimo della cartella")
    sequence = models.PositiveIntegerField()
    payload = models.JSONField()
    ricevuto_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "eventi regionali"
        constraints = [models.UniqueConstraint(fields=["case_key", "sequence"], name="evento_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
