"""Code lists of the case domain, each with its source.

- Aree di bisogno: Piano nazionale degli interventi e dei servizi sociali 2024-2026 (seeds/piano-nazionale-…),
  areas of beneficiaries; mapped to SIUSS AreaUtenza (1 famiglia e minori, 2 disabilità e non autosufficienza,
  3 povertà ed esclusione sociale) per the INPS PS/PSA/SINA specification (specs/inps-waas-siuss/).
- Stati della cartella: the five phases of seeds/puglia-piano-regionale-sistemi-informativi.txt §4.2.2.
- Moduli LEPS: DM 44/2025 (SIOSS, schede LEPS A1-A7; shared/domain.md "SIOSS and the LEPS modules").
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


# --- Valutazione del bisogno: dimensions of the multidimensional assessment (issue #3; Piano nazionale 2024-2026).
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


# --- Erogazione: funding sources of the piano di zona (issue #4) and SIUSS CaratterePrestazione (1 periodic,
# 2 occasional; PS_PSA_SINA201812.xsd).
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


class Carattere(models.IntegerChoices):
    PERIODICA = 1, "Periodica"
    OCCASIONALE = 2, "Occasionale"


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


# --- Anagrafica (SISO/SIGeSS anagrafica; SIUSS CodiceCittadinanza uses ISTAT 3-digit state codes, 100 = Italia).
class CondizioneOccupazionale(models.TextChoices):
    OCCUPATO = "occupato", "Occupato"
    DISOCCUPATO = "disoccupato", "Disoccupato"
    IN_CERCA_PRIMA = "in_cerca_prima", "In cerca di prima occupazione"
    STUDENTE = "studente", "Studente"
    CASALINGA = "casalinga", "Casalinga/o"
    PENSIONATO = "pensionato", "Pensionato"
    INABILE = "inabile", "Inabile al lavoro"
    ALTRO = "altro", "Altro"


class Disabilita(models.TextChoices):
    NESSUNA = "nessuna", "Nessuna"
    L104_C1 = "l104_c1", "L. 104/1992 art. 3 c. 1"
    L104_C3 = "l104_c3", "L. 104/1992 art. 3 c. 3 (gravità)"


class Protezione(models.TextChoices):
    NESSUNA = "nessuna", "Nessuna"
    TUTORE = "tutore", "Tutore"
    CURATORE = "curatore", "Curatore"
    AMMINISTRATORE_SOSTEGNO = "ads", "Amministratore di sostegno"


class TipoIsee(models.TextChoices):
    """TipoIndicatore of the INPS ConsultazioneISEE e-service (domain.md)."""

    ORDINARIO = "ordinario", "Ordinario"
    MINORENNE = "minorenne", "Minorenni"
    SOCIOSANITARIO = "sociosanitario", "Socio-sanitario"
    RESIDENZIALE = "residenziale", "Socio-sanitario residenziale"
    UNIVERSITARIO = "universitario", "Universitario"
    CORRENTE = "corrente", "Corrente"


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


class TipoContattoEsterno(models.TextChoices):
    SCUOLA = "scuola", "Scuola"
    MMG = "mmg", "Medico di medicina generale / pediatra"
    ASL = "asl", "Servizio ASL"
    TERZO_SETTORE = "terzo_settore", "Ente del terzo settore"
    TRIBUNALE = "tribunale", "Autorità giudiziaria"
    ALTRO = "altro", "Altro"


# --- Trasferimento di titolarità comune ↔ ambito (issue #4; seeds/puglia-piano-regionale-sistemi-informativi.txt
# §4.2.2: the CSE ambito takes in charge the complex cases the comuni transfer to the Ufficio di Piano).
class StatoTrasferimento(models.TextChoices):
    RICHIESTO = "richiesto", "Richiesto dal comune, in attesa dell'Ufficio di Piano"
    ACCETTATO = "accettato", "Accettato: la cartella è in titolarità dell'ambito"
    RESPINTO = "respinto", "Restituito al comune con motivazione (non accettato)"
    RICONSEGNATO = "riconsegnato", "Titolarità riconsegnata al comune al termine della fase complessa"
