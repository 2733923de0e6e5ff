"""ISEE code lists: types of indicator, INPS TipoIndicatore and Esito, SINBA ISEE bands.

Source: INPS ConsultazioneISEE e-service (TipoIndicatore, Esito; shared/domain.md); SINBA.xsd (FasciaISEEBeneficiario)
in shared/specs/inps-waas-siuss.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models


class TipoIsee(models.TextChoices):
    """TipoIndicatore of the INPS ConsultazioneISEE e-service (domain.md)."""

    ORDINARIO = "ordinario", "Ordinario"
    MINORENNE = "minorenne", "Minorenni"
    SOCIOSANITARIO = "sociosanitario", "Socio-sanitario"
    RESIDENZIALE = "residenziale", "Socio-sanitario residenziale"
    UNIVERSITARIO = "universitario", "Universitario"
    CORRENTE = "corrente", "Corrente"


# INPS TipoIndicatore ↔ TipoIsee of the cartella.
TIPO_INDICATORE_INPS = {
    "Ordinario": TipoIsee.ORDINARIO,
    "Minorenne": TipoIsee.MINORENNE,
    "SocioSanitario": TipoIsee.SOCIOSANITARIO,
    "Residenziale": TipoIsee.RESIDENZIALE,
    "Universitario": TipoIsee.UNIVERSITARIO,
}
INPS_TIPO_INDICATORE = {v: k for k, v in TIPO_INDICATORE_INPS.items()}

# Esito of ConsultazioneISEE.
ESITI_ISEE = (
    "OK",
    "RICHIESTA_INVALIDA",
    "DATI_NON_TROVATI",
    "DATABASE_OFFLINE",
    "ERRORE_INTERNO",
    "RISCONTRO_NON_VALIDO",
)

# SINBA FasciaISEEBeneficiarioType (SINBA.xsd): 1 = ISEE zero, 2..7 up to the bound in euro, 8 over 20,000.
FASCE_ISEE_SINBA = [
    ("1", Decimal("0")),
    ("2", Decimal("3000")),
    ("3", Decimal("6000")),
    ("4", Decimal("9000")),
    ("5", Decimal("12000")),
    ("6", Decimal("15000")),
    ("7", Decimal("20000")),
    ("8", None),
]


def fascia_isee(valore: Decimal) -> str:
    """The ISEE band SINBA asks for (FasciaISEEBeneficiario), from the attested value."""
    for code, upper in FASCE_ISEE_SINBA:
        if upper is None or valore <= upper:
            return code
    return FASCE_ISEE_SINBA[-1][0]
