"""The states and outcomes of bandi, domande and graduatorie, with their Italian labels."""

from __future__ import annotations

from django.db import models


class StatoBando(models.TextChoices):
    BOZZA = "bozza", "In preparazione"
    PUBBLICATO = "pubblicato", "Pubblicato"
    CHIUSO = "chiuso", "Chiuso"
    SOSTITUITO = "sostituito", "Sostituito da una rettifica"
    REVOCATO = "revocato", "Revocato"


class StatoDomanda(models.TextChoices):
    BOZZA = "bozza", "Bozza"
    PRESENTATA = "presentata", "Presentata"
    IN_ISTRUTTORIA = "in_istruttoria", "In istruttoria"
    SOSPESA = "sospesa", "Sospesa per integrazione"
    ISTRUITA = "istruita", "Istruita"
    RITIRATA = "ritirata", "Ritirata"
    ESCLUSA = "esclusa", "Esclusa"
    REVOCATA = "revocata", "Beneficio revocato"
    # the outcome a provvedimento gives (cse/bandi/provvedimento); a riesame reopens the istruttoria from the last two
    FINANZIATA = "finanziata", "Ammessa e finanziata"
    NON_FINANZIATA = "non_finanziata", "Ammessa, non finanziata"
    NON_AMMESSA = "non_ammessa", "Non ammessa"


# A person may hold one domanda per bando in these states (the database constraint says the same).
STATI_NON_ATTIVI = (StatoDomanda.RITIRATA, StatoDomanda.ESCLUSA)
# The steps still open: a graduatoria waits for them to end.
STATI_IN_CORSO = (StatoDomanda.PRESENTATA, StatoDomanda.IN_ISTRUTTORIA, StatoDomanda.SOSPESA)


class EsitoIstruttoria(models.TextChoices):
    AMMESSA = "ammessa", "Ammessa"
    NON_AMMESSA = "non_ammessa", "Non ammessa"


class Canale(models.TextChoices):
    ONLINE = "online", "Online (SPID/CIE)"
    SPORTELLO = "sportello", "Allo sportello"


class Esito(models.TextChoices):
    """The outcome of one criterion: a missing or doubtful fact is never a silent pass or fail."""

    SODDISFATTO = "soddisfatto", "Soddisfatto"
    NON_SODDISFATTO = "non_soddisfatto", "Non soddisfatto"
    DA_VERIFICARE = "da_verificare", "Da verificare"


class Fonte(models.TextChoices):
    """Where a fact of a domanda came from, shown beside the value."""

    ANPR = "anpr", "ANPR"
    ISEE = "isee", "INPS (ISEE)"
    DICHIARAZIONE = "dichiarazione", "Dichiarazione del richiedente (DPR 445/2000)"
    OPERATORE = "operatore", "Operatore"


class StatoGraduatoria(models.TextChoices):
    PROVVISORIA = "provvisoria", "Provvisoria"
    DEFINITIVA = "definitiva", "Definitiva"
    SUPERATA = "superata", "Superata da un nuovo calcolo"


class Intestatario(models.TextChoices):
    """Who holds the account the contributo is paid into: the beneficiary, or a delegate they declared."""

    BENEFICIARIO = "beneficiario", "Il beneficiario"
    DELEGATO = "delegato", "Un delegato dichiarato"


class StatoRata(models.TextChoices):
    """An instalment of a contributo: programmed, then paid (with the mandato) or cancelled (by a revocation)."""

    PROGRAMMATA = "programmata", "Programmata"
    LIQUIDATA = "liquidata", "Liquidata"
    ANNULLATA = "annullata", "Annullata"


# The outcomes a provvedimento gives, and those a riesame may be asked against.
STATI_ESITO = (StatoDomanda.FINANZIATA, StatoDomanda.NON_FINANZIATA, StatoDomanda.NON_AMMESSA)
STATI_RIESAMINABILI = (StatoDomanda.NON_FINANZIATA, StatoDomanda.NON_AMMESSA)


class TipoProvvedimento(models.TextChoices):
    GRADUATORIA = "graduatoria", "Approvazione della graduatoria definitiva"
    RIESAME = "riesame", "Esito del riesame"
    REVOCA = "revoca", "Revoca del beneficio"


class StatoProvvedimento(models.TextChoices):
    BOZZA = "bozza", "In redazione"
    IN_APPROVAZIONE = "in_approvazione", "In approvazione"
    APPROVATO = "approvato", "Approvato"


class CanaleNotifica(models.TextChoices):
    """How an applicant learns the decision: IO where they consented and use it, else e-mail, else a letter."""

    APP_IO = "app_io", "App IO"
    EMAIL = "email", "E-mail"
    LETTERA = "lettera", "Lettera"


class StatoNotifica(models.TextChoices):
    DA_INVIARE = "da_inviare", "Da inviare"
    INVIATA = "inviata", "Inviata"
    ERRORE = "errore", "Non inviata: da verificare"
    DA_STAMPARE = "da_stampare", "Lettera da stampare"
    STAMPATA = "stampata", "Lettera stampata e spedita"
