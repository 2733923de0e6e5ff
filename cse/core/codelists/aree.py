"""Aree di bisogno and their SIUSS AreaUtenza.

Source: Piano nazionale degli interventi e dei servizi sociali 2024-2026 (seeds/piano-nazionale-…), areas of
beneficiaries; mapped to SIUSS AreaUtenza (1 famiglia e minori, 2 disabilità e non autosufficienza, 3 povertà ed
esclusione sociale) per the INPS PS/PSA/SINA specification (specs/inps-waas-siuss/).
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

# Published tables hide cells under 5 instead of 3 where these areas are involved (Sistan code of conduct, sensitive
# categories; GDPR art. 9: health data — addiction and mental health).
AREE_SENSIBILI: frozenset[str] = frozenset({AreaBisogno.DIPENDENZE_SALUTE_MENTALE})
