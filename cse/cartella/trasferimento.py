"""Transfer of a case's ownership between a comune and its ambito: one explicit state machine.

(nessuna) → richiesto → accettato → riconsegnato, or richiesto → respinto. The comune's case manager asks with a
reason; the Ufficio di Piano of the person's ambito accepts (ownership moves, the case manager keeps équipe access)
or returns it with a reason; later the ambito hands the case back. Each step is one transaction with the request's
history row, a diario entry and an outbox event on the case. Only people resident in a comune of the ambito can
reach it (checked by the request and again by the ownership move itself). The steps are written by
cse/cartella/actions/trasferimento.py; this module holds the state machine and what the pages read.
"""

from __future__ import annotations

from cse.core.fsm import StateMachine, Transition
from cse.core.permissions import has_capability
from cse.core.roles import Capability, TipoEnte

from .glossary import StatoTrasferimento
from .models import Cartella, RichiestaTrasferimento

T = StatoTrasferimento


REFUSE_ACTOR = {
    T.RICHIESTO: "Solo il servizio sociale del comune titolare della cartella può chiederne il trasferimento.",
    T.ACCETTATO: "Solo l'Ufficio di Piano dell'ambito può accettare il trasferimento.",
    T.RESPINTO: "Solo l'Ufficio di Piano dell'ambito può restituire la richiesta al comune.",
    T.RICONSEGNATO: "Solo l'Ufficio di Piano dell'ambito può riconsegnare la titolarità al comune.",
}


# The request itself (none → richiesto) is a creation by the comune, which holds this capability on the case.
REQUEST_CAPABILITY = Capability.TRANSFER_CARTELLE


def _illegal(richiesta: RichiestaTrasferimento, step: Transition) -> list[str]:
    stato, passo = T(richiesta.stato).label, T(step.target).label
    return [f"La richiesta è nello stato «{stato}»: il passo «{passo}» non è possibile."]


# What the ambito does with a request; the capability is held in the ambito.
TRASFERIMENTO = StateMachine(
    "la richiesta di trasferimento",
    "stato",
    (
        Transition(
            "accetta", T.RICHIESTO, T.ACCETTATO, "Accetta il trasferimento", capability=Capability.ACCEPT_TRANSFERS
        ),
        Transition(
            "respingi",
            T.RICHIESTO,
            T.RESPINTO,
            "Restituisci al comune con motivazione",
            capability=Capability.ACCEPT_TRANSFERS,
            event="cartella.trasferimento_respinto",
        ),
        Transition(
            "riconsegna",
            T.ACCETTATO,
            T.RICONSEGNATO,
            "Riconsegna la titolarità al comune",
            capability=Capability.TRANSFER_CARTELLE,
        ),
    ),
    states=T,
    may=lambda richiesta, by, capability: has_capability(by, capability, richiesta.ambito_id),
    refuse_actor=lambda step: REFUSE_ACTOR[step.target],
    illegal=_illegal,
)


def residence_problem(cartella: Cartella) -> str | None:
    """Why this person's case may not reach the ambito of its comune (None when it may)."""
    comune_ente = cartella.assistito.owner_ente
    residenza = cartella.assistito.comune_residenza
    ambito_id = comune_ente.comune.ambito_id if comune_ente.tipo == TipoEnte.COMUNE else None
    if residenza is None:
        return "Manca il comune di residenza della persona: senza residenza nell'ambito la cartella non può passare."
    if ambito_id is None or residenza.ambito_id != ambito_id:
        return (
            f"La persona risiede a {residenza.nome}, fuori dai comuni dell'ambito: "
            "la cartella non può essere trasferita all'ambito."
        )
    return None


def open_transfer(cartella: Cartella) -> RichiestaTrasferimento | None:
    """The case's own open request, or the accepted transfer it inherited from an earlier episode."""
    own = cartella.trasferimenti.filter(stato__in=[T.RICHIESTO, T.ACCETTATO]).select_related("ambito").first()
    return own or inherited_transfer(cartella)


def inherited_transfer(cartella: Cartella) -> RichiestaTrasferimento | None:
    """A case the ambito holds, closed and re-opened (actions.cartella.cartella_reopen), goes on as a new episode
    owned by the ambito: the accepted transfer of the earlier episode still governs it, so its hand-back returns every
    episode to the comune (actions.trasferimento.trasferimento_hand_back). None for a comune's episode or one with no
    accepted transfer behind it."""
    previous = cartella.riaperta_da
    while previous is not None:
        richiesta = (
            previous.trasferimenti.filter(stato=T.ACCETTATO, ambito_id=cartella.owner_ente_id)
            .select_related("ambito")
            .first()
        )
        if richiesta is not None:
            return richiesta
        previous = previous.riaperta_da
    return None


def episodes_from(cartella: Cartella) -> list[Cartella]:
    """The case and the episodes re-opened from it, oldest first (each case is re-opened at most once)."""
    chain = [cartella]
    while (following := Cartella.objects.filter(riaperta_da=chain[-1]).first()) is not None:
        chain.append(following)
    return chain


def ambito_steps(richiesta: RichiestaTrasferimento | None, user) -> list[Transition]:
    """The ambito's next steps on an open request that this user may take (the actions check again)."""
    if richiesta is None:
        return []
    steps = TRASFERIMENTO.from_state(richiesta.stato)
    return [step for step in steps if has_capability(user, step.capability, richiesta.ambito_id)]
