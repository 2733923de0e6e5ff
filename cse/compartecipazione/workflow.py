"""The states of a charge and of its pagoPA notice on the one state machine primitive (cse/core/fsm.py), and who may
act: operators holding manage_compartecipazione in the charge's ente. The events go on the charge's outbox sequence."""

from __future__ import annotations

from cse.core.fsm import StateMachine, Transition
from cse.core.permissions import has_capability
from cse.core.roles import Capability

from .glossary import StatoCompartecipazione as SC
from .glossary import StatoInvio as SI
from .glossary import StatoRimborso as SR

REFUSE_FOREIGN = "Non si è abilitati a gestire la compartecipazione di questo ente."
_MANAGE = Capability.MANAGE_COMPARTECIPAZIONE


def _emettibile(comp) -> list[str]:
    problems = []
    if comp.da_verificare:
        problems.append(
            "La compartecipazione è da verificare (ISEE o fascia): correggere il dato e ricalcolarla prima "
            "di emettere l'avviso."
        )
    if comp.importo <= 0:
        problems.append("Importo zero (esenzione o nessuna prestazione): nessun avviso da emettere.")
    return problems


COMPARTECIPAZIONE = StateMachine(
    "la compartecipazione",
    "stato",
    (
        Transition(
            "emetti",
            SC.CALCOLATA,
            SC.AVVISO_EMESSO,
            "Registra l'avviso emesso",
            guard=_emettibile,
            event="compartecipazione.avviso_emesso",
        ),
        Transition("paga", SC.AVVISO_EMESSO, SC.PAGATA, "Registra il pagamento", event="compartecipazione.pagata"),
        Transition(
            "paga_in_parte",
            SC.AVVISO_EMESSO,
            SC.PAGATA_IN_PARTE,
            "Registra un pagamento inferiore all'avviso",
            event="compartecipazione.pagata_in_parte",
        ),
        Transition(
            "annulla",
            (SC.CALCOLATA, SC.AVVISO_EMESSO, SC.PAGATA, SC.PAGATA_IN_PARTE),
            SC.ANNULLATA,
            "Annulla con atto motivato",
            capability=_MANAGE,
            event="compartecipazione.annullata",
        ),
    ),
    states=SC,
    may=lambda comp, by, cap: has_capability(by, cap, comp.ente_id),
    refuse_actor=REFUSE_FOREIGN,
)


def _mai_inviato(avviso) -> list[str]:
    """A notice tried once may exist on pagoPA even if the answer was lost: only pagoPA can annul it then."""
    if avviso.stato == SI.IN_CODA and avviso.tentativi:
        return ["L'avviso potrebbe essere già su pagoPA: va annullato anche lì."]
    return []


RIMBORSO = StateMachine(
    "il rimborso",
    "stato",
    (
        Transition(
            "disponi",
            SR.DA_DISPORRE,
            SR.DISPOSTO,
            "Disponi con mandato",
            capability=_MANAGE,
            event="compartecipazione.rimborso_disposto",
        ),
        Transition(
            "non_dovuto",
            SR.DA_DISPORRE,
            SR.NON_DOVUTO,
            "Non dovuto",
            capability=_MANAGE,
            event="compartecipazione.rimborso_non_dovuto",
        ),
    ),
    states=SR,
    may=lambda rimborso, by, cap: has_capability(by, cap, rimborso.ente_id),
    refuse_actor=REFUSE_FOREIGN,
)


AVVISO = StateMachine(
    "l'avviso pagoPA",
    "stato",
    (
        Transition("emetti", SI.IN_CODA, SI.EMESSO, "Emesso da pagoPA"),
        Transition("rifiuta", SI.IN_CODA, SI.ERRORE, "Rifiutato da pagoPA"),
        Transition("riaccoda", SI.ERRORE, SI.IN_CODA, "Rimetti in coda", capability=_MANAGE),
        Transition("paga", SI.EMESSO, SI.PAGATO, "Pagato"),
        # never reached pagoPA (refused, or queued and never tried): annulled here alone
        Transition("annulla", (SI.IN_CODA, SI.ERRORE), SI.ANNULLATO, "Annulla", guard=_mai_inviato, capability=_MANAGE),
        # may exist on pagoPA: the worker invalidates the position there, then confirms
        Transition(
            "chiedi_annullamento", (SI.IN_CODA, SI.EMESSO), SI.DA_ANNULLARE, "Annulla su pagoPA", capability=_MANAGE
        ),
        Transition("conferma_annullamento", SI.DA_ANNULLARE, SI.ANNULLATO, "Annullato da pagoPA"),
        Transition("pagato_prima", SI.DA_ANNULLARE, SI.PAGATO, "Pagato prima dell'annullamento"),
    ),
    states=SI,
    may=lambda avviso, by, cap: has_capability(by, cap, avviso.ente_id),
    refuse_actor=REFUSE_FOREIGN,
)
