"""Code lists of interop/ itself: outcome of a call to an external service.

The code lists of the external standards (ANPR codiceLegame, INPS TipoIndicatore and Esito, SINBA ISEE bands) are in
cse.core.codelists (parentela, isee).
"""

from __future__ import annotations

from django.db import models


class EsitoChiamata(models.TextChoices):
    OK = "ok", "Riuscita"
    NON_TROVATO = "non_trovato", "Dati non trovati"
    RICHIESTA_INVALIDA = "richiesta_invalida", "Richiesta non valida"
    NON_DISPONIBILE = "non_disponibile", "Sistema non disponibile"
    RISPOSTA_NON_VALIDA = "risposta_non_valida", "Risposta non valida"
    ERRORE = "errore", "Errore"
