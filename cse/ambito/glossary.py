"""Code lists of the ambito tier, each with its source.

- Servizi d'ambito: services the piano di zona manages at ambito level (Piano nazionale degli interventi e
  dei servizi sociali 2024-2026 — LEPS SAD, dimissioni protette, pronto intervento sociale, residenza fittizia,
  Dopo di Noi, vita indipendente — and seeds/puglia-piano-regionale-sistemi-informativi.txt §4.2.2). Each maps to
  the nomenclatore code used for the interventions it creates in the cartella (cse/core/codelists/nomenclatore.py).
- Membri UVM: composition of the unità di valutazione multidimensionale (social workers of ambito and comune,
  ASL professionals, the person and the family), Piano nazionale 2024-2026, équipe multiprofessionali / PUA.
"""

from django.db import models

from cse.core.codelists.leps import ModuloLeps


class TipoServizio(models.TextChoices):
    SAD = "sad", "Servizio di assistenza domiciliare (SAD)"
    ADI_SOCIALE = "adi_sociale", "Assistenza domiciliare integrata, componente sociale (ADI)"
    CENTRO_DIURNO = "centro_diurno", "Centro diurno"
    PRONTO_INTERVENTO = "pronto_intervento", "Pronto intervento sociale"
    RESIDENZA_FITTIZIA = "residenza_fittizia", "Residenza fittizia"
    DOPO_DI_NOI = "dopo_di_noi", "Dopo di Noi (L. 112/2016)"
    VITA_INDIPENDENTE = "vita_indipendente", "Vita indipendente"


# default nomenclatore code of the interventions created in the case when a person is assigned to the service
# (codes of cse/core/codelists/nomenclatore.py; an administrator may set another code on the service)
VOCE_DEL_SERVIZIO: dict[str, str] = {
    TipoServizio.SAD: "A2.07",  # assistenza domiciliare socio-assistenziale
    TipoServizio.ADI_SOCIALE: "A2.08",  # assistenza domiciliare integrata con servizi sanitari
    TipoServizio.CENTRO_DIURNO: "A3.01",  # strutture semiresidenziali
    TipoServizio.PRONTO_INTERVENTO: "Z9.99",  # no specific code in the seeded list
    TipoServizio.RESIDENZA_FITTIZIA: "Z9.99",
    TipoServizio.DOPO_DI_NOI: "A9.02.01",
    TipoServizio.VITA_INDIPENDENTE: "A1.11",  # assegnazioni economiche per domiciliarità e autonomia personale
}

# the LEPS an assignment to the service realises (DM 44/2025 modules), carried by the intervention to the region
LEPS_DEL_SERVIZIO: dict[str, str] = {
    TipoServizio.PRONTO_INTERVENTO: ModuloLeps.A1,
    TipoServizio.RESIDENZA_FITTIZIA: ModuloLeps.A5,
    TipoServizio.DOPO_DI_NOI: ModuloLeps.A6,
    TipoServizio.VITA_INDIPENDENTE: ModuloLeps.A7,
}


class Priorita(models.IntegerChoices):
    URGENTE = 1, "Urgente"
    ALTA = 2, "Alta"
    ORDINARIA = 3, "Ordinaria"


class StatoDomanda(models.TextChoices):
    IN_ATTESA = "in_attesa", "In lista d'attesa"
    ASSEGNATA = "assegnata", "Assegnata al servizio"
    RITIRATA = "ritirata", "Ritirata"


class TipoMembro(models.TextChoices):
    OPERATORE_AMBITO = "operatore_ambito", "Assistente sociale o operatore dell'ambito"
    OPERATORE_COMUNE = "operatore_comune", "Assistente sociale del comune"
    ASL = "asl", "Professionista ASL (membro esterno)"
    PERSONA = "persona", "La persona"
    FAMILIARE = "familiare", "Familiare o caregiver"


class StatoSessione(models.TextChoices):
    CONVOCATA = "convocata", "Convocata"
    CONCLUSA = "conclusa", "Conclusa (verbale chiuso)"
