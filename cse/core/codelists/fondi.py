"""Fonti di finanziamento of the piano di zona: the national, regional and local funds an intervention draws on.

Source: the funding sources a piano di zona draws on (FNPS, Fondo povertà, FNA, Dopo di Noi, PN Inclusione, PNRR).
"""

from django.db import models


class FonteFinanziamento(models.TextChoices):
    FNPS = "fnps", "Fondo nazionale politiche sociali (FNPS)"
    POVERTA = "poverta", "Fondo povertà"
    FNA = "fna", "Fondo non autosufficienze (FNA)"
    DOPO_DI_NOI = "dopo_di_noi", "Fondo Dopo di Noi"
    PN_INCLUSIONE = "pn_inclusione", "PN Inclusione"
    PNRR = "pnrr", "PNRR"
    REGIONALE = "regionale", "Fondi regionali"
    COMUNALE = "comunale", "Fondi comunali"
    UTENTE = "utente", "Compartecipazione dell'utente"
