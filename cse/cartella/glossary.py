"""Code lists of the case process (phases, access, assessment, closure, diary, contacts, transfer), with sources.

The lists from the law and the national standards that other layers read too (aree di bisogno, moduli LEPS,
nomenclatore and carattere, ISEE, parentela, anagrafica, fonti di finanziamento) are in cse.core.codelists.

- Stati della cartella: the five phases of seeds/puglia-piano-regionale-sistemi-informativi.txt §4.2.2.
"""

from django.db import models


class StatoCartella(models.TextChoices):
    ACCESSO = "accesso", "Accesso e orientamento"
    VALUTAZIONE = "valutazione", "Valutazione del bisogno"
    PROGETTO = "progetto", "Progetto individuale"
    EROGAZIONE = "erogazione", "Erogazione"
    CHIUSA = "chiusa", "Valutazione finale e chiusura"


# --- Accesso e orientamento (scheda di prima accoglienza / PUA): DGR Lazio 527/2021 (SIGeSS, scheda PUA) and the
# segretariato sociale form of SISO described in domain.md ("What the incumbent covers").
class CanaleAccesso(models.TextChoices):
    SPONTANEO = "spontaneo", "Accesso spontaneo"
    FAMILIARE = "familiare", "Segnalazione di familiari o conoscenti"
    SANITARIO = "sanitario", "Invio da servizio sanitario (MMG, ASL, ospedale)"
    SCUOLA = "scuola", "Segnalazione della scuola"
    AUTORITA_GIUDIZIARIA = "autorita_giudiziaria", "Autorità giudiziaria"
    FORZE_ORDINE = "forze_ordine", "Forze dell'ordine"
    TERZO_SETTORE = "terzo_settore", "Ente del terzo settore"
    ALTRO_SERVIZIO = "altro_servizio", "Altro servizio sociale"


class Interlocutore(models.TextChoices):
    PERSONA = "persona", "La persona interessata"
    FAMILIARE = "familiare", "Un familiare"
    TUTORE = "tutore", "Tutore o amministratore di sostegno"
    OPERATORE = "operatore", "Un operatore di altro servizio"


class EsitoAccesso(models.TextChoices):
    INFORMAZIONE = "informazione", "Solo informazione e orientamento"
    PRESA_IN_CARICO = "presa_in_carico", "Presa in carico"
    INVIO = "invio", "Invio ad altro servizio"


# --- Valutazione del bisogno: dimensions of the multidimensional assessment (Piano nazionale 2024-2026).
class Dimensione(models.TextChoices):
    ECONOMICA = "economica", "Situazione economica"
    ABITATIVA = "abitativa", "Situazione abitativa"
    SALUTE = "salute", "Salute e autonomia"
    FAMILIARE = "familiare", "Famiglia e relazioni"
    LAVORO = "lavoro", "Lavoro e formazione"


class LivelloBisogno(models.IntegerChoices):
    NESSUNO = 0, "Nessun bisogno"
    LIEVE = 1, "Bisogno lieve"
    MODERATO = 2, "Bisogno moderato"
    GRAVE = 3, "Bisogno grave"


class Urgenza(models.TextChoices):
    ORDINARIA = "ordinaria", "Ordinaria"
    PRIORITARIA = "prioritaria", "Prioritaria"
    URGENTE = "urgente", "Urgente"


# --- Erogazione (funding sources, carattere and LEPS modules are in cse.core.codelists).
class UnitaMisura(models.TextChoices):
    ORE = "ore", "Ore"
    GIORNI = "giorni", "Giorni"
    ACCESSI = "accessi", "Accessi"
    EURO = "euro", "Euro (contributo)"


# --- Chiusura
class EsitoObiettivi(models.TextChoices):
    RAGGIUNTI = "raggiunti", "Obiettivi raggiunti"
    PARZIALI = "parziali", "Obiettivi raggiunti in parte"
    NON_RAGGIUNTI = "non_raggiunti", "Obiettivi non raggiunti"
    NON_APPLICABILE = "non_applicabile", "Nessun progetto (solo accesso)"


class MotivoChiusura(models.TextChoices):
    OBIETTIVI = "obiettivi", "Conclusione del progetto"
    INFORMAZIONE = "informazione", "Solo informazione/orientamento"
    INVIO = "invio", "Invio ad altro servizio"
    TRASFERIMENTO = "trasferimento", "Trasferimento di residenza"
    RINUNCIA = "rinuncia", "Rinuncia della persona"
    DECESSO = "decesso", "Decesso"
    ALTRO = "altro", "Altro"


# --- Diario sociale
class TipoVoceDiario(models.TextChoices):
    NOTA = "nota", "Nota"
    COLLOQUIO = "colloquio", "Colloquio"
    VISITA = "visita", "Visita domiciliare"
    CONTATTO = "contatto", "Contatto telefonico o e-mail"
    MONITORAGGIO = "monitoraggio", "Monitoraggio"
    DOCUMENTO = "documento", "Documento"
    FASE = "fase", "Cambio di fase"
    REGISTRAZIONE = "registrazione", "Registrazione dati"


class TipoDocumento(models.TextChoices):
    IDENTITA = "identita", "Documento di identità"
    ISEE = "isee", "Attestazione ISEE"
    SANITARIO = "sanitario", "Certificazione sanitaria"
    RELAZIONE = "relazione", "Relazione sociale"
    PROGETTO_FIRMATO = "progetto_firmato", "Progetto firmato"
    PROVVEDIMENTO = "provvedimento", "Provvedimento dell'autorità giudiziaria"
    ALTRO = "altro", "Altro"


class TipoContattoEsterno(models.TextChoices):
    SCUOLA = "scuola", "Scuola"
    MMG = "mmg", "Medico di medicina generale / pediatra"
    ASL = "asl", "Servizio ASL"
    TERZO_SETTORE = "terzo_settore", "Ente del terzo settore"
    TRIBUNALE = "tribunale", "Autorità giudiziaria"
    ALTRO = "altro", "Altro"


# --- Trasferimento di titolarità comune ↔ ambito (Puglia, piano regionale dei sistemi informativi sociali,
# §4.2.2: the CSE ambito takes in charge the complex cases the comuni transfer to the Ufficio di Piano).
class StatoTrasferimento(models.TextChoices):
    RICHIESTO = "richiesto", "Richiesto dal comune, in attesa dell'Ufficio di Piano"
    ACCETTATO = "accettato", "Accettato: la cartella è in titolarità dell'ambito"
    RESPINTO = "respinto", "Restituito al comune con motivazione (non accettato)"
    RICONSEGNATO = "riconsegnato", "Titolarità riconsegnata al comune al termine della fase complessa"


# --- Approvazioni (four eyes): the actions an ente may subject to a second person's approval, and the states of a
# request. The list is the product's own (which case-domain actions are gated), not a legal code list.
class AzioneApprovabile(models.TextChoices):
    CHIUSURA = "chiusura", "Chiusura della cartella"
    AVVIO_PROGETTO = "avvio_progetto", "Avvio dell'erogazione di un progetto sopra una soglia di spesa"
    TRASFERIMENTO = "trasferimento", "Richiesta di trasferimento della titolarità all'ambito"
    UNIONE = "unione", "Unione di due schede della stessa persona"


class StatoApprovazione(models.TextChoices):
    IN_ATTESA = "in_attesa", "In attesa di approvazione"
    APPROVATA = "approvata", "Approvata ed eseguita"
    RESPINTA = "respinta", "Respinta"
    RITIRATA = "ritirata", "Ritirata dal richiedente"
