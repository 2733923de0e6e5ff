"""Relations of the rete familiare and the ANPR codiceLegame that maps onto them.

Source: ANPR e-services C021 (stato di famiglia; codiceLegame table, ANPR "tabella 29 — rapporti di parentela").
"""

from django.db import models


class TipoRelazione(models.TextChoices):
    CONIUGE = "coniuge", "Coniuge o unito civilmente"
    CONVIVENTE = "convivente", "Convivente"
    GENITORE = "genitore", "Genitore"
    FIGLIO = "figlio", "Figlio/a"
    FRATELLO = "fratello", "Fratello/sorella"
    NONNO = "nonno", "Nonno/a"
    NIPOTE = "nipote", "Nipote"
    ALTRO_PARENTE = "altro_parente", "Altro parente"
    CAREGIVER = "caregiver", "Caregiver"
    TUTORE = "tutore", "Tutore o amministratore di sostegno"
    VICINO = "vicino", "Vicino di casa"
    AMICO = "amico", "Amico/a"


# ANPR codiceLegame (stato di famiglia, C021) → relation of the cartella. 1 = intestatario scheda (the person).
LEGAME_ANPR = {
    "1": None,
    "2": TipoRelazione.CONIUGE,
    "3": TipoRelazione.FIGLIO,
    "4": TipoRelazione.FIGLIO,  # figlio del solo coniuge
    "5": TipoRelazione.ALTRO_PARENTE,  # genero/nuora
    "6": TipoRelazione.ALTRO_PARENTE,  # suocero/a
    "7": TipoRelazione.GENITORE,
    "8": TipoRelazione.NIPOTE,
    "9": TipoRelazione.ALTRO_PARENTE,  # nipote (figlio di figlio del coniuge)
    "10": TipoRelazione.FRATELLO,
    "11": TipoRelazione.ALTRO_PARENTE,  # cognato/a
    "12": TipoRelazione.NONNO,
    "23": TipoRelazione.CONVIVENTE,
    "26": TipoRelazione.TUTORE,
    "28": TipoRelazione.CONIUGE,  # unito civilmente
}
LEGAME_ANPR_LABEL = {
    "1": "Intestatario scheda",
    "2": "Coniuge",
    "3": "Figlio/a",
    "4": "Figlio/a del solo coniuge",
    "5": "Genero/nuora",
    "6": "Suocero/a",
    "7": "Padre/madre",
    "8": "Nipote",
    "9": "Nipote",
    "10": "Fratello/sorella",
    "11": "Cognato/a",
    "12": "Nonno/a",
    "23": "Convivente",
    "26": "Tutore",
    "28": "Unito civilmente",
}
