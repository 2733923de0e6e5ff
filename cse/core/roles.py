"""Operator roles and the capabilities each grants within one Ente.

Capabilities are Django permissions declared on the Ente model and granted, through guardian, to the ente's groups
on the Ente object itself: holding a role in comune A gives nothing in comune B. Source for the roles:
the services of the Puglia regional plan for social information systems §4.2.2 (segretariato sociale, PUA, servizio
sociale professionale, Ufficio di Piano, UVM).
"""

from __future__ import annotations

from django.db import models


class TipoEnte(models.TextChoices):
    COMUNE = "comune", "Comune"
    AMBITO = "ambito", "Ambito territoriale sociale"
    REGIONE = "regione", "Regione"


class Capability(models.TextChoices):
    """Codenames of the permissions on Ente (see core.Ente.Meta.permissions)."""

    VIEW_PERSONE = "view_persone", "Consultare assistiti e cartelle dell'ente"
    REGISTER_PERSONE = "register_persone", "Registrare assistiti e aprire cartelle (accesso e orientamento)"
    MANAGE_CARTELLE = "manage_cartelle", "Gestire le cartelle: valutazione, progetto, erogazione, chiusura"
    TRANSFER_CARTELLE = "transfer_cartelle", "Chiedere o restituire la titolarità di una cartella"
    ACCEPT_TRANSFERS = "accept_transfers", "Accettare o respingere i trasferimenti di titolarità"
    MANAGE_UVM = "manage_uvm", "Convocare e condurre le sessioni UVM"
    MANAGE_PIANO = "manage_piano", "Gestire servizi d'ambito, liste d'attesa e budget del piano di zona"
    VIEW_REGIONAL_DATA = "view_regional_data", "Consultare i dati regionali pseudonimizzati"
    MANAGE_OPERATORS = "manage_operators", "Gestire gli operatori dell'ente"
    VIEW_AUDIT = "view_audit", "Consultare il registro degli accessi e lo storico delle modifiche"
    TRANSMIT_SIUSS = "transmit_siuss", "Seguire la trasmissione dei flussi SIUSS dell'ente e correggerli"
    MANAGE_AGENDA = "manage_agenda", "Gestire l'agenda del front office e le prenotazioni dei cittadini"
    MANAGE_BANDI = "manage_bandi", "Definire, pubblicare, rettificare e chiudere i bandi dell'ente"
    ISTRUTTORIA_BANDI = "istruttoria_bandi", "Istruire le domande dei bandi e calcolare le graduatorie"
    # The second pair of eyes on a decision: who approves a provvedimento never drafted it (cse/bandi/provvedimento).
    APPROVE_PROVVEDIMENTI = "approve_provvedimenti", "Approvare i provvedimenti sui bandi redatti da un altro operatore"
    MANAGE_COMPARTECIPAZIONE = (
        "manage_compartecipazione",
        "Definire tariffe e fasce ISEE, calcolare la compartecipazione ed emettere gli avvisi pagoPA",
    )
    # Records in a protected category (cse/cartella/categorie_protette.py): violence, addiction, mental health, HIV…
    VIEW_CATEGORIE_PROTETTE = (
        "view_categorie_protette",
        "Registrare e consultare le voci in categorie a maggiore tutela (violenza, dipendenze, salute mentale…)",
    )


class Ruolo(models.TextChoices):
    SEGRETARIATO = "segretariato", "Segretariato sociale / PUA"
    ASSISTENTE_SOCIALE = "assistente_sociale", "Assistente sociale (case manager)"
    RESPONSABILE = "responsabile", "Responsabile del servizio"
    UFFICIO_DI_PIANO = "ufficio_di_piano", "Operatore Ufficio di Piano"
    COORDINATORE_UVM = "coordinatore_uvm", "Coordinatore UVM"
    ANALISTA_REGIONALE = "analista_regionale", "Analista regionale"
    AMMINISTRATORE_ENTE = "amministratore_ente", "Amministratore di ente"
    REDATTORE_PORTALE = "redattore_portale", "Redattore del portale del cittadino"


C = Capability
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Ruolo.SEGRETARIATO: frozenset({C.VIEW_PERSONE, C.REGISTER_PERSONE, C.MANAGE_AGENDA}),
    # Only the professional case level holds VIEW_CATEGORIE_PROTETTE: front desk, Ufficio di Piano and UVM
    # coordination do not (need-to-know, Garante 2015 on dossier; DPCM 178/2015 art. 5 for the FSE analogue).
    Ruolo.ASSISTENTE_SOCIALE: frozenset(
        {
            C.VIEW_PERSONE,
            C.REGISTER_PERSONE,
            C.MANAGE_CARTELLE,
            C.TRANSFER_CARTELLE,
            C.VIEW_CATEGORIE_PROTETTE,
            C.ISTRUTTORIA_BANDI,
        }
    ),
    Ruolo.RESPONSABILE: frozenset(
        {
            C.VIEW_CATEGORIE_PROTETTE,
            C.VIEW_PERSONE,
            C.REGISTER_PERSONE,
            C.MANAGE_CARTELLE,
            C.TRANSFER_CARTELLE,
            C.VIEW_AUDIT,
            C.TRANSMIT_SIUSS,
            C.MANAGE_AGENDA,
            C.MANAGE_BANDI,
            C.ISTRUTTORIA_BANDI,
            C.APPROVE_PROVVEDIMENTI,
            C.MANAGE_COMPARTECIPAZIONE,
        }
    ),
    Ruolo.UFFICIO_DI_PIANO: frozenset(
        {
            C.VIEW_PERSONE,
            C.MANAGE_CARTELLE,
            C.TRANSFER_CARTELLE,
            C.ACCEPT_TRANSFERS,
            C.MANAGE_PIANO,
            C.TRANSMIT_SIUSS,
            C.MANAGE_BANDI,
            C.ISTRUTTORIA_BANDI,
            C.MANAGE_COMPARTECIPAZIONE,
        }
    ),
    Ruolo.COORDINATORE_UVM: frozenset({C.VIEW_PERSONE, C.MANAGE_CARTELLE, C.MANAGE_UVM}),
    Ruolo.ANALISTA_REGIONALE: frozenset({C.VIEW_REGIONAL_DATA}),
    Ruolo.AMMINISTRATORE_ENTE: frozenset({C.MANAGE_OPERATORS, C.VIEW_AUDIT}),
    # No capability on people or cases: the role's group receives Wagtail page permissions on the ente's section
    # of the citizen portal only (cse/cittadino/cms.py).
    Ruolo.REDATTORE_PORTALE: frozenset(),
}

# Which roles make sense in which kind of ente.
ROLES_BY_TIPO_ENTE: dict[str, tuple[str, ...]] = {
    TipoEnte.COMUNE: (
        Ruolo.SEGRETARIATO,
        Ruolo.ASSISTENTE_SOCIALE,
        Ruolo.RESPONSABILE,
        Ruolo.AMMINISTRATORE_ENTE,
        Ruolo.REDATTORE_PORTALE,
    ),
    TipoEnte.AMBITO: (
        Ruolo.UFFICIO_DI_PIANO,
        Ruolo.COORDINATORE_UVM,
        Ruolo.ASSISTENTE_SOCIALE,
        Ruolo.RESPONSABILE,
        Ruolo.AMMINISTRATORE_ENTE,
        Ruolo.REDATTORE_PORTALE,
    ),
    TipoEnte.REGIONE: (Ruolo.ANALISTA_REGIONALE, Ruolo.AMMINISTRATORE_ENTE),
}


# People are registered only by comuni (the ambito receives cases by transfer, never registers anyone).
NOT_IN_TIPO: dict[str, frozenset[str]] = {
    TipoEnte.COMUNE: frozenset({C.MANAGE_PIANO}),
    TipoEnte.AMBITO: frozenset({C.REGISTER_PERSONE, C.MANAGE_AGENDA}),  # front offices belong to comuni
    TipoEnte.REGIONE: frozenset({C.REGISTER_PERSONE, C.MANAGE_PIANO, C.MANAGE_AGENDA, C.MANAGE_COMPARTECIPAZIONE}),
}


def capabilities_of(ruolo: str, tipo_ente: str | None = None) -> frozenset[str]:
    caps = ROLE_CAPABILITIES[ruolo]
    return caps - NOT_IN_TIPO[tipo_ente] if tipo_ente else caps
