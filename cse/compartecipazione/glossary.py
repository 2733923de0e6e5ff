"""The code lists of the compartecipazione: units of a tariff, kinds of ISEE band, what the ISEE used says, the rule
for a missing ISEE, and the states of a charge and of its pagoPA notice.

Source: DPCM 5 dicembre 2013 n. 159 (ISEE), art. 2 c. 1 — the ISEE is the instrument for access to social services
with a tariff and for the share of their cost; art. 2 c. 2 — the ente may set its own bands and thresholds; art. 10 —
the DSU and its validity (the attestation expires on 31 December of the year of presentation). Without an ISEE the
service is charged at the full tariff (the common rule of the comuni's regulations; the tariff chooses it or "da
verificare")."""

from __future__ import annotations

from django.db import models


class UnitaTariffa(models.TextChoices):
    """What the tariff prices: an hour or a day delivered (the Prestazione's quantity), or the month of service."""

    ORA = "ora", "Ora"
    GIORNO = "giorno", "Giorno"
    MESE = "mese", "Mese"


# The unit of the delivered Prestazione (cse/cartella/glossary.py UnitaMisura) each tariff unit counts.
UNITA_PRESTAZIONE = {UnitaTariffa.ORA: "ore", UnitaTariffa.GIORNO: "giorni"}


class TipoFascia(models.TextChoices):
    """How a band charges: a percentage of the full tariff, a fixed amount per unit, or nothing (exemption)."""

    PERCENTUALE = "percentuale", "Percentuale della tariffa piena"
    IMPORTO_FISSO = "importo_fisso", "Importo fisso per unità"
    ESENZIONE = "esenzione", "Esenzione"


class EsitoIsee(models.TextChoices):
    """What the ISEE found for the month says: used as is, or flagged for the operator (never a crash)."""

    VALIDA = "valida", "Valida"
    SCADUTA = "scaduta", "Scaduta"
    DISCORDANTE = "discordante", "Discordante"
    MANCANTE = "mancante", "Mancante"


class RegolaSenzaIsee(models.TextChoices):
    """What the tariff says when the ISEE is missing or expired (a discordant ISEE is always «da verificare»)."""

    TARIFFA_PIENA = "tariffa_piena", "Si applica la tariffa piena"
    DA_VERIFICARE = "da_verificare", "Da verificare dall'operatore"


class StatoCompartecipazione(models.TextChoices):
    CALCOLATA = "calcolata", "Calcolata"
    AVVISO_EMESSO = "avviso_emesso", "Avviso emesso"
    PAGATA = "pagata", "Pagata"
    PAGATA_IN_PARTE = "pagata_in_parte", "Pagata in parte: residuo da riscuotere"
    ANNULLATA = "annullata", "Annullata"


class StatoInvio(models.TextChoices):
    """The notice's delivery to pagoPA, as a queue: waiting (retried after an outage), issued, refused, paid."""

    IN_CODA = "in_coda", "In attesa di pagoPA"
    EMESSO = "emesso", "Emesso"
    ERRORE = "errore", "Rifiutato da pagoPA"
    PAGATO = "pagato", "Pagato"
    DA_ANNULLARE = "da_annullare", "Annullamento in corso su pagoPA"
    ANNULLATO = "annullato", "Annullato"


class EsitoRicevuta(models.TextChoices):
    PAGATO = "pagato", "Pagamento riconciliato"
    IMPORTO_DIVERSO = "importo_diverso", "Importo diverso dall'avviso"
    RIPETUTA = "ripetuta", "Altra ricevuta di un avviso già pagato: da rimborsare o verificare"
    SCONOSCIUTA = "sconosciuta", "Ricevuta di un avviso non nostro"
    SU_ANNULLATO = "su_annullato", "Pagato un avviso annullato: da rimborsare"


class MotivoRimborso(models.TextChoices):
    """Why the ente owes money back: every case arises from a receipt or from an annulment, never typed by hand."""

    ECCEDENZA = "eccedenza", "Versato più dell'importo dell'avviso"
    AVVISO_ANNULLATO = "avviso_annullato", "Pagato un avviso annullato"
    DOPPIO = "doppio", "Secondo pagamento dello stesso avviso"
    ANNULLAMENTO = "annullamento", "Compartecipazione già pagata, poi annullata"


class StatoRimborso(models.TextChoices):
    DA_DISPORRE = "da_disporre", "Da disporre"
    DISPOSTO = "disposto", "Disposto con mandato"
    NON_DOVUTO = "non_dovuto", "Non dovuto (con motivo)"
