"""Citizens, front-office agendas, slots and bookings.

A front office (Sportello) of a comune publishes weekly opening rules, closures and one-off extra openings; the
slot generator (slots.py) materialises them as Slot rows within the office's horizon. A booking (Prenotazione)
holds one slot: the partial unique constraint `prenotazione_slot_una_attiva` guarantees at most one active booking
per slot, whatever the number of concurrent requests.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cse.core.models import Comune, Ente
from cse.core.validators import validate_codice_fiscale
from cse.core.validators_dates import validate_period

from .glossary import STATI_ATTIVI, Argomento, StatoPrenotazione, TipoSportello


class Cittadino(models.Model):
    """A citizen account, identified by codice fiscale (from SPID/CIE, or the demo's test identity provider)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cittadino")
    codice_fiscale = models.CharField(max_length=16, unique=True, validators=[validate_codice_fiscale])
    nome = models.CharField(max_length=100)
    cognome = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    telefono = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "cittadini"

    def __str__(self) -> str:
        return f"{self.cognome} {self.nome}"


class Sportello(models.Model):
    """A front office of a comune (segretariato sociale, PUA) that citizens can book."""

    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="sportelli")
    tipo = models.CharField(max_length=20, choices=TipoSportello.choices)
    nome = models.CharField(max_length=150)
    indirizzo = models.CharField(max_length=200)
    telefono = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    durata_slot_minuti = models.PositiveSmallIntegerField("durata di un appuntamento (minuti)", default=30)
    orizzonte_giorni = models.PositiveSmallIntegerField("prenotabile fino a (giorni)", default=30)
    operatori = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="sportelli")
    attivo = models.BooleanField(default=True)
    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        verbose_name_plural = "sportelli"
        ordering = ["ente__nome", "nome"]

    def __str__(self) -> str:
        return f"{self.nome} — {self.ente.nome}"

    def clean(self) -> None:
        if self.ente_id and self.ente.tipo != "comune":
            raise ValidationError("Gli sportelli prenotabili appartengono a un comune.")
        if not 5 <= self.durata_slot_minuti <= 240:
            raise ValidationError({"durata_slot_minuti": "La durata va da 5 a 240 minuti."})


class RegolaOrario(models.Model):
    """Weekly opening: on `giorno` from `ora_inizio` to `ora_fine`, `posti` people can be received in parallel."""

    class Giorno(models.IntegerChoices):
        LUNEDI = 0, "lunedì"
        MARTEDI = 1, "martedì"
        MERCOLEDI = 2, "mercoledì"
        GIOVEDI = 3, "giovedì"
        VENERDI = 4, "venerdì"
        SABATO = 5, "sabato"
        DOMENICA = 6, "domenica"

    sportello = models.ForeignKey(Sportello, on_delete=models.CASCADE, related_name="regole")
    giorno = models.PositiveSmallIntegerField(choices=Giorno.choices)
    ora_inizio = models.TimeField()
    ora_fine = models.TimeField()
    posti = models.PositiveSmallIntegerField("operatori in parallelo", default=1)
    valida_dal = models.DateField(null=True, blank=True)
    valida_al = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "orario di apertura"
        verbose_name_plural = "orari di apertura"
        ordering = ["giorno", "ora_inizio"]
        constraints = [
            models.CheckConstraint(
                name="regola_orario_fine_dopo_inizio", condition=Q(ora_fine__gt=models.F("ora_inizio"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_giorno_display()} {self.ora_inizio:%H:%M}-{self.ora_fine:%H:%M}"

    def clean(self) -> None:
        message = "La fine della validità non può precedere l'inizio."
        validate_period(self.valida_dal, self.valida_al, end_field="valida_al", message=message)


class Chiusura(models.Model):
    """Holidays and closures: no slot is offered from `dal` to `al` (both included)."""

    sportello = models.ForeignKey(Sportello, on_delete=models.CASCADE, related_name="chiusure")
    dal = models.DateField()
    al = models.DateField()
    motivo = models.CharField(max_length=200)

    class Meta:
        verbose_name_plural = "chiusure"
        constraints = [models.CheckConstraint(name="chiusura_al_dopo_dal", condition=Q(al__gte=models.F("dal")))]

    def __str__(self) -> str:
        return f"Chiusura {self.dal:%d/%m/%Y}-{self.al:%d/%m/%Y}: {self.motivo}"

    def clean(self) -> None:
        message = "La data di fine della chiusura non può precedere quella di inizio."
        validate_period(self.dal, self.al, end_field="al", message=message)


class FestaPatronale(models.Model):
    """The comune's patron saint day: every office of the ente is closed on it each year, like on the national
    holidays (cse/core/codelists/festivita.py), which need no configuration."""

    ente = models.OneToOneField(Ente, on_delete=models.CASCADE, related_name="festa_patronale")
    santo = models.CharField("santo patrono", max_length=100)
    giorno = models.PositiveSmallIntegerField()
    mese = models.PositiveSmallIntegerField()
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "feste patronali"

    def __str__(self) -> str:
        return f"{self.santo} ({self.giorno}/{self.mese})"

    def clean(self) -> None:
        try:
            date(2024, self.mese, self.giorno)  # a leap year: 29 February is a valid patron day
        except (TypeError, ValueError):
            raise ValidationError({"giorno": "Il giorno non esiste nel mese indicato."}) from None

    def in_year(self, year: int) -> date | None:
        """The day in `year`; None for 29 February in a common year."""
        try:
            return date(year, self.mese, self.giorno)
        except ValueError:
            return None


class AperturaStraordinaria(models.Model):
    """One-off extra opening (e.g. a Saturday morning for a deadline)."""

    sportello = models.ForeignKey(Sportello, on_delete=models.CASCADE, related_name="aperture_straordinarie")
    data = models.DateField()
    ora_inizio = models.TimeField()
    ora_fine = models.TimeField()
    posti = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name_plural = "aperture straordinarie"
        constraints = [
            models.CheckConstraint(name="apertura_fine_dopo_inizio", condition=Q(ora_fine__gt=models.F("ora_inizio")))
        ]

    def __str__(self) -> str:
        return f"Apertura straordinaria {self.data:%d/%m/%Y} {self.ora_inizio:%H:%M}-{self.ora_fine:%H:%M}"


class Slot(models.Model):
    """One bookable appointment: a time at an office, for one of its parallel places. Generated, never typed."""

    sportello = models.ForeignKey(Sportello, on_delete=models.PROTECT, related_name="slots")
    inizio = models.DateTimeField()
    fine = models.DateTimeField()
    posto = models.PositiveSmallIntegerField(default=1)
    attivo = models.BooleanField(default=True, help_text="falso se un orario o una chiusura successivi lo escludono")

    class Meta:
        ordering = ["inizio", "posto"]
        indexes = [models.Index(fields=["sportello", "inizio"])]
        constraints = [models.UniqueConstraint(fields=["sportello", "inizio", "posto"], name="slot_unico_per_posto")]

    def __str__(self) -> str:
        return f"{self.sportello.nome}, {self.inizio:%d/%m/%Y %H:%M}"

    def clean(self) -> None:
        message = "L'appuntamento non può finire prima di iniziare."
        validate_period(self.inizio, self.fine, end_field="fine", message=message)


class Prenotazione(models.Model):
    """A booking of one slot. Without login it waits for the e-mail confirmation, holding the slot meanwhile."""

    codice = models.CharField(max_length=12, unique=True)
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="prenotazioni")
    cittadino = models.ForeignKey(
        Cittadino, on_delete=models.PROTECT, null=True, blank=True, related_name="prenotazioni"
    )
    codice_fiscale = models.CharField(max_length=16, blank=True, validators=[validate_codice_fiscale])
    nome = models.CharField(max_length=100)
    cognome = models.CharField(max_length=100)
    email = models.EmailField()
    telefono = models.CharField(max_length=30, blank=True)
    comune_residenza = models.ForeignKey(Comune, on_delete=models.PROTECT, related_name="+")
    argomento = models.CharField(max_length=30, choices=Argomento.choices)
    motivo = models.CharField("motivo, in breve", max_length=500)
    servizio_id = models.PositiveIntegerField(null=True, blank=True, help_text="pagina di servizio da cui si è partiti")
    stato = models.CharField(max_length=20, choices=StatoPrenotazione.choices)
    trattenuta_fino = models.DateTimeField(null=True, blank=True, help_text="fine della riserva in attesa di conferma")
    created_at = models.DateTimeField(auto_now_add=True)
    confermata_at = models.DateTimeField(null=True, blank=True)
    annullata_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "prenotazioni"
        ordering = ["slot__inizio"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"], condition=Q(stato__in=STATI_ATTIVI), name="prenotazione_slot_una_attiva"
            )
        ]

    def __str__(self) -> str:
        return f"Prenotazione {self.codice}"

    @property
    def sportello(self) -> Sportello:
        return self.slot.sportello

    @property
    def attiva(self) -> bool:
        return self.stato in (StatoPrenotazione.IN_ATTESA, StatoPrenotazione.CONFERMATA)
