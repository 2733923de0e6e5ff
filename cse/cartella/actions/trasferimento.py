"""Actions of the transfer of a case's ownership between a comune and its ambito (the state machine, its steps and
who takes each are in cse/cartella/trasferimento.py). Each step is one case change with the request's history row,
a diario entry and an outbox event on the case."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from cse.core.permissions import has_capability
from cse.core.roles import TipoEnte

from ..glossary import StatoCartella, StatoTrasferimento
from ..models import Cartella, RichiestaTrasferimento
from ..trasferimento import (
    REFUSE_ACTOR,
    REQUEST_CAPABILITY,
    TRASFERIMENTO,
    episodes_from,
    open_transfer,
    residence_problem,
)
from .cartella import cartella_move_ownership
from .ritual import case_change, writing

T = StatoTrasferimento


def _reason(text: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: ["Indicare la motivazione."]})
    return text


def _refuse_request(locked: Cartella) -> None:
    if locked.stato == StatoCartella.CHIUSA:
        raise ValidationError("La cartella è chiusa: non può essere trasferita.")
    if open_transfer(locked):
        raise ValidationError("Per questa cartella c'è già una richiesta di trasferimento in corso.")
    problem = residence_problem(locked)
    if problem:
        raise ValidationError(problem)


def trasferimento_request(*, cartella: Cartella, motivo: str, by) -> RichiestaTrasferimento:
    """The comune asks its ambito to take the case over (complex phase)."""
    related = ("owner_ente__comune", "assistito__owner_ente__comune", "assistito__comune_residenza")
    with case_change(cartella, by=by, allow_closed=True, bump=False, related=related) as change:
        locked = change.cartella
        if locked.owner_ente.tipo != TipoEnte.COMUNE:
            raise ValidationError("La cartella è già in titolarità dell'ambito.")
        if not has_capability(by, REQUEST_CAPABILITY, locked.owner_ente_id):  # the comune that owns the case
            raise ValidationError(REFUSE_ACTOR[T.RICHIESTO])
        motivo = _reason(motivo, "motivo")
        _refuse_request(locked)
        ambito = locked.owner_ente.comune.ambito.ente
        richiesta = RichiestaTrasferimento(
            cartella=locked, comune=locked.owner_ente, ambito=ambito, motivo=motivo, richiesto_da=by
        )
        richiesta.full_clean()
        richiesta.save()
        change.diary(f"Chiesto il trasferimento della titolarità a {ambito.nome}. Motivo: {motivo}")
        change.event("cartella.trasferimento_richiesto", {"da_ente": locked.owner_ente.codice, "a_ente": ambito.codice})
    return richiesta


def _lock_request(richiesta: RichiestaTrasferimento, step: str, by) -> RichiestaTrasferimento:
    """Lock the request, refuse a step the state machine does not allow from its state, then check who acts."""
    locked = RichiestaTrasferimento.objects.select_for_update().select_related("ambito", "comune").get(pk=richiesta.pk)
    problems = TRASFERIMENTO.refusal(locked, step)
    if problems:
        raise ValidationError(problems)
    TRASFERIMENTO.check_actor(locked, step, by)
    return locked


ACCEPT_CLOSED = (
    "La cartella è stata chiusa dopo la richiesta: il trasferimento non può essere accettato. "
    "Restituire la richiesta al comune con la motivazione; se il caso viene riaperto, il comune può chiedere "
    "di nuovo il trasferimento del nuovo episodio."
)


def trasferimento_accept(*, richiesta: RichiestaTrasferimento, by, nota: str = "") -> RichiestaTrasferimento:
    """The Ufficio di Piano accepts: ownership moves to the ambito; the requesting case manager keeps équipe access."""
    with writing(by):
        locked = _lock_request(richiesta, "accetta", by)
        with case_change(locked.cartella_id, by=by, allow_closed=True, bump=False) as change:
            cartella = change.cartella
            if cartella.stato == StatoCartella.CHIUSA:  # closed by the comune after it asked
                raise ValidationError(ACCEPT_CLOSED)
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
            TRASFERIMENTO.apply(locked, "accetta", by=by)
            locked.deciso_da, locked.deciso_il = by, timezone.now()
            locked.motivo_decisione = (nota or "").strip()
            locked.save()
            change.diary(f"L'Ufficio di Piano di {locked.ambito.nome} ha accettato il trasferimento della titolarità.")
    return locked


def trasferimento_reject(*, richiesta: RichiestaTrasferimento, by, motivo: str) -> RichiestaTrasferimento:
    """The Ufficio di Piano returns the request to the comune, saying why; the case stays with the comune."""
    with writing(by):
        locked = _lock_request(richiesta, "respingi", by)
        motivo = _reason(motivo, "motivo")
        with case_change(locked.cartella_id, by=by, allow_closed=True, bump=False) as change:
            enti = {"da_ente": locked.comune.codice, "a_ente": locked.ambito.codice}
            TRASFERIMENTO.apply(locked, "respingi", by=by, payload=enti, aggregate=change.cartella)
            locked.deciso_da, locked.deciso_il = by, timezone.now()
            locked.motivo_decisione = motivo
            locked.save()
            change.diary(f"Trasferimento non accettato dall'Ufficio di Piano di {locked.ambito.nome}. Motivo: {motivo}")
    return locked


def trasferimento_hand_back(*, richiesta: RichiestaTrasferimento, by, motivo: str) -> RichiestaTrasferimento:
    """The complex phase is over: the ambito gives the case back to the person's comune — with every episode re-opened
    from it while the ambito held it (trasferimento.inherited_transfer), so that no episode is left at the ambito
    without a way back."""
    with writing(by):
        locked = _lock_request(richiesta, "riconsegna", by)
        motivo = _reason(motivo, "motivo")
        for episode in episodes_from(locked.cartella):
            if episode.owner_ente_id != locked.ambito_id:
                continue
            with case_change(episode, by=by, allow_closed=True, bump=False) as change:
                cartella_move_ownership(cartella=episode, to_ente=locked.comune, by=by, reason=motivo)
                change.diary(f"Titolarità riconsegnata a {locked.comune.nome}. Motivo: {motivo}")
        TRASFERIMENTO.apply(locked, "riconsegna", by=by)
        locked.riconsegnato_da, locked.riconsegnato_il = by, timezone.now()
        locked.motivo_riconsegna = motivo
        locked.save()
    return locked
