"""Code lists of the citizen portal and the front-office booking.

Sources: `seeds/puglia-piano-regionale-sistemi-informativi.txt` §4.2.2 (front offices: segretariato sociale and
PUA; the citizen books with the front office of their comune of residence) and the Designers Italia comuni model
for the booking steps (office → date and time → topic and reason → name and contacts).
"""

from __future__ import annotations

from django.db import models


class TipoSportello(models.TextChoices):
    SEGRETARIATO = "segretariato", "Segretariato sociale"
    PUA = "pua", "Porta unica di accesso (PUA)"


class Argomento(models.TextChoices):
    """Topics a citizen can book for (the areas of the catalogue of social services, PT.9 of the Piano nazionale)."""

    INFORMAZIONI = "informazioni", "Informazioni e orientamento sui servizi"
    SOSTEGNO_REDDITO = "sostegno_reddito", "Sostegno al reddito e contributi economici"
    NON_AUTOSUFFICIENZA = "non_autosufficienza", "Anziani e non autosufficienza"
    DISABILITA = "disabilita", "Disabilità"
    FAMIGLIA_MINORI = "famiglia_minori", "Famiglie e minori"
    CASA = "casa", "Disagio abitativo"
    ALTRO = "altro", "Altro"


class StatoPrenotazione(models.TextChoices):
    IN_ATTESA = "in_attesa", "In attesa di conferma via e-mail"
    CONFERMATA = "confermata", "Confermata"
    ANNULLATA = "annullata", "Annullata"
    SCADUTA = "scaduta", "Scaduta (non confermata in tempo)"
    ASSENTE = "assente", "Il cittadino non si è presentato"


# States that hold the slot: the partial unique constraint on Prenotazione.slot covers exactly these.
STATI_ATTIVI = (StatoPrenotazione.IN_ATTESA, StatoPrenotazione.CONFERMATA, StatoPrenotazione.ASSENTE)
