"""An instalment's life on the one state machine primitive: programmata → liquidata (with its mandato) or annullata
(by a revocation). Paying and revoking belong to who manages the ente's bandi."""

from __future__ import annotations

from cse.core.fsm import StateMachine, Transition
from cse.core.permissions import has_capability
from cse.core.roles import Capability

from ..glossary import StatoRata
from ..workflow import REFUSE_FOREIGN

RATA = StateMachine(
    "la rata",
    "stato",
    (
        Transition(
            "liquida",
            StatoRata.PROGRAMMATA,
            StatoRata.LIQUIDATA,
            "Liquida con mandato",
            capability=Capability.MANAGE_BANDI,
            event="rata.liquidata",
        ),
        Transition(
            "annulla",
            StatoRata.PROGRAMMATA,
            StatoRata.ANNULLATA,
            "Annulla",
            capability=Capability.MANAGE_BANDI,
            event="rata.annullata",
        ),
    ),
    states=StatoRata,
    may=lambda rata, by, cap: has_capability(by, cap, rata.liquidazione.domanda.ente_id),
    refuse_actor=REFUSE_FOREIGN,
)
