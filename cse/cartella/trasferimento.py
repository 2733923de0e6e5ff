"""Transfer of a case's ownership between a comune and its ambito: one explicit state machine.

(nessuna) → richiesto → accettato → riconsegnato, or richiesto → respinto. The comune's case manager asks with a
reason; the Ufficio di Piano of the person's ambito accepts (ownership moves, the case manager keeps équipe access)
or returns it with a reason; later the ambito hands the case back. Each step is one transaction with the request's
history row, a diario entry and an outbox event on the case. Only people resident in a comune of the ambito can
reach it (checked by the request and again by the ownership move itself). The steps are written by
cse/cartella/actions/trasferimento.py; this module holds the state machine and what the pages read.
"""

from __future__ import annotations

from dataclasses import dataclass

from cse.core.permissions import has_capability
from cse.core.roles import Capability, TipoEnte

from .glossary import StatoTrasferimento
from .models import Cartella, RichiestaTrasferimento

T = StatoTrasferimento


@dataclass(frozen=True)
class Step:
    source: str | None
    target: str
    label: str
    capability: str  # held in the ente that acts: the comune for the request, the ambito afterwards
    acting: str  # "comune" or "ambito"


STEPS: dict[tuple[str | None, str], Step] = {
    (s.source, s.target): s
    for s in [
        Step(None, T.RICHIESTO, "Chiedi il trasferimento all'ambito", Capability.TRANSFER_CARTELLE, "comune"),
        Step(T.RICHIESTO, T.ACCETTATO, "Accetta il trasferimento", Capability.ACCEPT_TRANSFERS, "ambito"),
        Step(T.RICHIESTO, T.RESPINTO, "Restituisci al comune con motivazione", Capability.ACCEPT_TRANSFERS, "ambito"),
        Step(T.ACCETTATO, T.RICONSEGNATO, "Riconsegna la titolarità al comune", Capability.TRANSFER_CARTELLE, "ambito"),
    ]
}

REFUSE_ACTOR = {
    T.RICHIESTO: "Solo il servizio sociale del comune titolare della cartella può chiederne il trasferimento.",
    T.ACCETTATO: "Solo l'Ufficio di Piano dell'ambito può accettare il trasferimento.",
    T.RESPINTO: "Solo l'Ufficio di Piano dell'ambito può restituire la richiesta al comune.",
    T.RICONSEGNATO: "Solo l'Ufficio di Piano dell'ambito può riconsegnare la titolarità al comune.",
}


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


def ambito_steps(richiesta: RichiestaTrasferimento | None, user) -> list[Step]:
    """The ambito's next steps on an open request that this user may take (the services check again)."""
    if richiesta is None:
        return []
    return [
        step
        for (source, _), step in STEPS.items()
        if source == richiesta.stato and has_capability(user, step.capability, richiesta.ambito_id)
    ]
