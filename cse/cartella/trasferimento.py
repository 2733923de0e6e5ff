"""Transfer of a case's ownership between a comune and its ambito: one explicit state machine.

(nessuna) → richiesto → accettato → riconsegnato, or richiesto → respinto. The comune's case manager asks with a
reason; the Ufficio di Piano of the person's ambito accepts (ownership moves, the case manager keeps équipe access)
or returns it with a reason; later the ambito hands the case back. Each step is one transaction with the request's
history row, a diario entry and an outbox event on the case. Only people resident in a comune of the ambito can
reach it (checked here and again by the ownership move itself).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cse.core.outbox import outbox_append
from cse.core.permissions import has_capability
from cse.core.roles import Capability, TipoEnte

from .glossary import StatoCartella, StatoTrasferimento, TipoVoceDiario
from .models import Cartella, RichiestaTrasferimento
from .services import cartella_move_ownership

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


def _check_actor(step: Step, by, ente_id: int) -> None:
    if not has_capability(by, step.capability, ente_id):
        raise ValidationError(REFUSE_ACTOR[step.target])


def _reason(text: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: ["Indicare la motivazione."]})
    return text


def _diary(cartella: Cartella, by, testo: str) -> None:
    from .fasi import VoceDiario

    VoceDiario.objects.create(cartella=cartella, tipo=TipoVoceDiario.REGISTRAZIONE, autore=by, testo=testo)


def open_transfer(cartella: Cartella) -> RichiestaTrasferimento | None:
    """The case's own open request, or the accepted transfer it inherited from an earlier episode."""
    own = cartella.trasferimenti.filter(stato__in=[T.RICHIESTO, T.ACCETTATO]).select_related("ambito").first()
    return own or inherited_transfer(cartella)


def inherited_transfer(cartella: Cartella) -> RichiestaTrasferimento | None:
    """A case the ambito holds, closed and re-opened (records.cartella_reopen), goes on as a new episode owned by the
    ambito: the accepted transfer of the earlier episode still governs it, so its hand-back returns every episode to
    the comune (trasferimento_hand_back). None for a comune's episode or one with no accepted transfer behind it."""
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


def _episodes_from(cartella: Cartella) -> list[Cartella]:
    """The case and the episodes re-opened from it, oldest first (each case is re-opened at most once)."""
    chain = [cartella]
    while (following := Cartella.objects.filter(riaperta_da=chain[-1]).first()) is not None:
        chain.append(following)
    return chain


@transaction.atomic
def trasferimento_request(*, cartella: Cartella, motivo: str, by) -> RichiestaTrasferimento:
    """The comune asks its ambito to take the case over (complex phase)."""
    step = STEPS[(None, T.RICHIESTO)]
    locked = (
        Cartella.objects.select_for_update(of=("self",))
        .select_related("owner_ente__comune", "assistito__owner_ente__comune", "assistito__comune_residenza")
        .get(pk=cartella.pk)
    )
    if locked.owner_ente.tipo != TipoEnte.COMUNE:
        raise ValidationError("La cartella è già in titolarità dell'ambito.")
    _check_actor(step, by, locked.owner_ente_id)
    motivo = _reason(motivo, "motivo")
    if locked.stato == StatoCartella.CHIUSA:
        raise ValidationError("La cartella è chiusa: non può essere trasferita.")
    if open_transfer(locked):
        raise ValidationError("Per questa cartella c'è già una richiesta di trasferimento in corso.")
    problem = residence_problem(locked)
    if problem:
        raise ValidationError(problem)
    ambito = locked.owner_ente.comune.ambito.ente
    richiesta = RichiestaTrasferimento(
        cartella=locked, comune=locked.owner_ente, ambito=ambito, motivo=motivo, richiesto_da=by
    )
    richiesta.full_clean()
    richiesta.save()
    _diary(locked, by, f"Chiesto il trasferimento della titolarità a {ambito.nome}. Motivo: {motivo}")
    outbox_append(
        aggregate=locked,
        event_type="cartella.trasferimento_richiesto",
        payload={"da_ente": locked.owner_ente.codice, "a_ente": ambito.codice},
    )
    return richiesta


def _lock_request(richiesta: RichiestaTrasferimento, target: str) -> tuple[RichiestaTrasferimento, Step]:
    locked = RichiestaTrasferimento.objects.select_for_update().select_related("ambito", "comune").get(pk=richiesta.pk)
    step = STEPS.get((locked.stato, target))
    if step is None:
        raise ValidationError(
            f"La richiesta è nello stato «{T(locked.stato).label}»: il passo «{T(target).label}» non è possibile."
        )
    return locked, step


@transaction.atomic
def trasferimento_accept(*, richiesta: RichiestaTrasferimento, by, nota: str = "") -> RichiestaTrasferimento:
    """The Ufficio di Piano accepts: ownership moves to the ambito; the requesting case manager keeps équipe access."""
    locked, step = _lock_request(richiesta, T.ACCETTATO)
    _check_actor(step, by, locked.ambito_id)
    cartella = Cartella.objects.select_for_update(of=("self",)).get(pk=locked.cartella_id)
    if cartella.stato == StatoCartella.CHIUSA:  # closed by the comune after it asked
        raise ValidationError(
            "La cartella è stata chiusa dopo la richiesta: il trasferimento non può essere accettato. "
            "Restituire la richiesta al comune con la motivazione; se il caso viene riaperto, il comune può chiedere "
            "di nuovo il trasferimento del nuovo episodio."
        )
    problem = residence_problem(cartella)  # the person may have moved since the request
    if problem:
        raise ValidationError(problem)
    equipe = {u for u in (cartella.case_manager, locked.richiesto_da) if u is not None}
    cartella_move_ownership(
        cartella=cartella,
        to_ente=locked.ambito,
        by=by,
        reason="trasferimento accettato dall'Ufficio di Piano",
        keep_access_for=sorted(equipe, key=lambda u: u.pk),
    )
    locked.stato, locked.deciso_da, locked.deciso_il = T.ACCETTATO, by, timezone.now()
    locked.motivo_decisione = (nota or "").strip()
    locked.save()
    _diary(cartella, by, f"L'Ufficio di Piano di {locked.ambito.nome} ha accettato il trasferimento della titolarità.")
    return locked


@transaction.atomic
def trasferimento_reject(*, richiesta: RichiestaTrasferimento, by, motivo: str) -> RichiestaTrasferimento:
    """The Ufficio di Piano returns the request to the comune, saying why; the case stays with the comune."""
    locked, step = _lock_request(richiesta, T.RESPINTO)
    _check_actor(step, by, locked.ambito_id)
    motivo = _reason(motivo, "motivo")
    cartella = Cartella.objects.select_for_update(of=("self",)).get(pk=locked.cartella_id)
    locked.stato, locked.deciso_da, locked.deciso_il, locked.motivo_decisione = T.RESPINTO, by, timezone.now(), motivo
    locked.save()
    _diary(cartella, by, f"Trasferimento non accettato dall'Ufficio di Piano di {locked.ambito.nome}. Motivo: {motivo}")
    outbox_append(
        aggregate=cartella,
        event_type="cartella.trasferimento_respinto",
        payload={"da_ente": locked.comune.codice, "a_ente": locked.ambito.codice},
    )
    return locked


@transaction.atomic
def trasferimento_hand_back(*, richiesta: RichiestaTrasferimento, by, motivo: str) -> RichiestaTrasferimento:
    """The complex phase is over: the ambito gives the case back to the person's comune — with every episode re-opened
    from it while the ambito held it (inherited_transfer), so that no episode is left at the ambito without a way
    back."""
    locked, step = _lock_request(richiesta, T.RICONSEGNATO)
    _check_actor(step, by, locked.ambito_id)
    motivo = _reason(motivo, "motivo")
    for episode in _episodes_from(locked.cartella):
        if episode.owner_ente_id != locked.ambito_id:
            continue
        cartella = cartella_move_ownership(cartella=episode, to_ente=locked.comune, by=by, reason=motivo)
        _diary(cartella, by, f"Titolarità riconsegnata a {locked.comune.nome}. Motivo: {motivo}")
    locked.stato, locked.riconsegnato_da, locked.riconsegnato_il = T.RICONSEGNATO, by, timezone.now()
    locked.motivo_riconsegna = motivo
    locked.save()
    return locked


def ambito_steps(richiesta: RichiestaTrasferimento | None, user) -> list[Step]:
    """The ambito's next steps on an open request that this user may take (the services check again)."""
    if richiesta is None:
        return []
    return [
        step
        for (source, _), step in STEPS.items()
        if source == richiesta.stato and has_capability(user, step.capability, richiesta.ambito_id)
    ]
