"""Code lists of the case domain, each with its source.

- Aree di bisogno: Piano nazionale degli interventi e dei servizi sociali 2024-2026 (seeds/piano-nazionale-…),
  areas of beneficiaries; mapped to SIUSS AreaUtenza (1 famiglia e minori, 2 disabilità e non autosufficienza,
  3 povertà ed esclusione sociale) per the INPS PS/PSA/SINA specification (specs/inps-waas-siuss/).
- Stati della cartella: the five phases of seeds/puglia-piano-regionale-sistemi-informativi.txt §4.2.2.
"""

from django.db import models


class AreaBisogno(models.TextChoices):
    FAMIGLIA_MINORI = "famiglia_minori", "Famiglia e minori"
    DISABILITA = "disabilita", "Disabilità"
    ANZIANI = "anziani", "Anziani"
    POVERTA = "poverta", "Povertà e disagio adulti"
    DIPENDENZE_SALUTE_MENTALE = "dipendenze_salute_mentale", "Dipendenze e salute mentale"
    MULTIUTENZA = "multiutenza", "Multiutenza"


SIUSS_AREA_UTENZA: dict[str, int | None] = {
    AreaBisogno.FAMIGLIA_MINORI: 1,
    AreaBisogno.DISABILITA: 2,
    AreaBisogno.ANZIANI: 2,
    AreaBisogno.POVERTA: 3,
    AreaBisogno.DIPENDENZE_SALUTE_MENTALE: 3,
    AreaBisogno.MULTIUTENZA: None,
}


class StatoCartella(models.TextChoices):
    ACCESSO = "accesso", "Accesso e orientamento"
    VALUTAZIONE = "valutazione", "Valutazione del bisogno"
    PROGETTO = "progetto", "Progetto individuale"
    EROGAZIONE = "erogazione", "Erogazione"
    CHIUSA = "chiusa", "Valutazione finale e chiusura"
