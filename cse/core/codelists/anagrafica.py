"""Code lists of the anagrafica sociale: occupational condition, disability under L. 104/1992, legal protection.

Source: SISO/SIGeSS anagrafica (shared/domain.md, "What the incumbent covers"); L. 104/1992 art. 3 cc. 1 and 3;
codice civile (tutela, curatela, amministrazione di sostegno). SIUSS CodiceCittadinanza uses ISTAT 3-digit state
codes, 100 = Italia.
"""

from django.db import models


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
