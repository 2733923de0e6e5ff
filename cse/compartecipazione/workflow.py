"""The states of a charge and of its pagoPA notice on the one state machine primitive (cse/core/fsm.py), and who may
act: operators holding manage_compartecipazione in the charge's ente. The events go on the charge's outbox sequence."""

from __future__ import annotations

from cse.core.fsm import StateMachine, Transition
from cse.core.permissions import has_capability
from cse.core.roles import Capability

from .glossary import StatoCompartecipazione as SC
from .glossary import StatoInvio as SI

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
            "annulla",
            (SC.CALCOLATA, SC.AVVISO_EMESSO),
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

AVVISO = StateMachine(
    "l'avviso pagoPA",
    "stato",
    (
        Transition("emetti", SI.IN_CODA, SI.EMESSO, "Emesso da pagoPA"),
        Transition("rifiuta", SI.IN_CODA, SI.ERRORE, "Rifiutato da pagoPA"),
        Transition("riaccoda", SI.ERRORE, SI.IN_CODA, "Rimetti in coda", capability=_MANAGE),
        Transition("paga", SI.EMESSO, SI.PAGATO, "Pagato"),
        Transition("annulla", (SI.IN_CODA, SI.EMESSO, SI.ERRORE), SI.ANNULLATO, "Annulla", capability=_MANAGE),
    ),
    states=SI,
    may=lambda avviso, by, cap: has_capability(by, cap, avviso.ente_id),
    refuse_actor=REFUSE_FOREIGN,
)
