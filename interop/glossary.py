"""Code lists of interop/: call outcomes, ANPR codiceLegame, ISEE types, SINBA ISEE bands.

Sources: ANPR e-services C021 (codiceLegame table, ANPR "tabella 29 — rapporti di parentela"); INPS
ConsultazioneISEE (TipoIndicatore, Esito); SINBA.xsd (fascia ISEE) in shared/specs/inps-waas-siuss.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from cse.cartella.glossary import TipoIsee, TipoRelazione


class EsitoChiamata(models.TextChoices):
    OK = "ok", "Riuscita"
    NON_TROVATO = "non_trovato", "Dati non trovati"
    RICHIESTA_INVALIDA = "richiesta_invalida", "Richiesta non valida"
    NON_DISPONIBILE = "non_disponibile", "Sistema non disponibile"
    RISPOSTA_NON_VALIDA = "risposta_non_valida", "Risposta non valida"
    ERRORE = "errore", "Errore"


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
