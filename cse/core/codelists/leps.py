"""Moduli LEPS of SIOSS.

Source: DM 44/2025 (SIOSS, schede LEPS A1-A7; shared/domain.md "SIOSS and the LEPS modules").
"""

from django.db import models


class ModuloLeps(models.TextChoices):
    """The LEPS an intervention realises: tagging it at the source is what lets the region count SIOSS modules
    without guessing from nomenclatore codes (DM 44/2025 modules A1-A7)."""

    A1 = "A1", "A1 — Pronto intervento sociale"
    A2 = "A2", "A2 — Supervisione del personale dei servizi sociali"
    A3_1 = "A3.1", "A3.1 — Dimissioni protette a domicilio"
    A3_2 = "A3.2", "A3.2 — Dimissioni protette in residenza"
    A4 = "A4", "A4 — Prevenzione dell'allontanamento familiare (P.I.P.P.I.)"
    A5 = "A5", "A5 — Residenza fittizia"
    A6 = "A6", "A6 — Progetto Dopo di noi"
    A7 = "A7", "A7 — Vita indipendente"
