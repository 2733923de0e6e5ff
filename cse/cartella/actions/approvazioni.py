"""Actions of the approvals (four eyes): hold a gated action as a request, approve it (the action runs in the
approval's transaction), reject it with a reason, withdraw it; and the ente's rules. The rules, the state machine
and what the pages read are in cse/cartella/approvazioni.py.

The gated actions keep their own functions: `richiedi_o_esegui` either calls them at once (no active rule for the
ente, or an amount under the threshold) or records what they would be called with, and `approvazione_approve` calls
them later, as the requester, with exactly those arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cse.core.models import Ente
from cse.core.permissions import has_capability
from cse.core.roles import Capability
from cse.core.tasks import enqueue_with

from ..approvazioni import (
    APPROVAZIONE,
    DEFAULTS,
    SELF_APPROVAL,
    STALE,
    WITH_THRESHOLD,
    active_rule,
    applicable_actions,
    approver_roles,
    project_amount,
    rule_applies,
)
from ..approvazioni_models import RegolaApprovazione, RichiestaApprovazione
from ..glossary import AzioneApprovabile, StatoApprovazione, StatoCartella
from ..models import Assistito, Cartella
from ..tasks import send_approval_email
from ..workflow import STALE_MESSAGE
from .assistito import assistito_merge
from .cartella import cartella_transition
from .ritual import Change, lock_cartella, writing
from .trasferimento import trasferimento_request

A = StatoApprovazione
AZ = AzioneApprovabile
ALREADY_PENDING = "Per questa {oggetto} c'è già una richiesta in attesa di approvazione: «{azione}»."


@dataclass
class Esito:
    """What `richiedi_o_esegui` did: the action's result when it ran, or the request that now waits."""

    richiesta: RichiestaApprovazione | None = None
    risultato: Any = None

    @property
    def in_attesa(self) -> bool:
        return self.richiesta is not None


# --- the gated actions, called with the arguments a request keeps ---------------------------------------------------


def _run_transition(richiesta: RichiestaApprovazione, by, version: int | None = None) -> Any:
    target = richiesta.payload["target"]
    return cartella_transition(cartella=richiesta.cartella, target=target, by=by, version=version)


def _run_transfer(richiesta: RichiestaApprovazione, by, version: int | None = None) -> Any:
    return trasferimento_request(cartella=richiesta.cartella, motivo=richiesta.payload["motivo"], by=by)


def _run_merge(richiesta: RichiestaApprovazione, by, version: int | None = None) -> Any:
    duplicate = Assistito.objects.get(pk=richiesta.payload["duplicato"])
    return assistito_merge(
        keep=richiesta.assistito,
        duplicate=duplicate,
        by=by,
        reason=richiesta.payload["reason"],
        scelte=richiesta.payload.get("scelte") or None,
    )


RUN: dict[str, Callable[..., Any]] = {
    AZ.CHIUSURA: _run_transition,
    AZ.AVVIO_PROGETTO: _run_transition,
    AZ.TRASFERIMENTO: _run_transfer,
    AZ.UNIONE: _run_merge,
}
TRANSITION_ACTIONS = {StatoCartella.CHIUSA: AZ.CHIUSURA, StatoCartella.EROGAZIONE: AZ.AVVIO_PROGETTO}


class _DryRun(Exception):
    """Raised to roll back the savepoint of a trial run."""


def _try(richiesta: RichiestaApprovazione, by) -> None:
    """Run the action now and undo it: whatever it would refuse (a missing guard, who acts, a closed case) is refused
    at request time, with the action's own messages, instead of reaching the approver."""
    try:
        with transaction.atomic():
            RUN[richiesta.azione](richiesta, by)
            raise _DryRun
    except _DryRun:
        pass


# --- asking ----------------------------------------------------------------------------------------------------


def _lock_target(richiesta: RichiestaApprovazione, version: int | None) -> int:
    """Lock the case (or the person's record) the action changes; refuse a stale form; its current version."""
    if richiesta.cartella_id:
        locked = lock_cartella(richiesta.cartella_id)
    else:
        locked = Assistito.objects.select_for_update().get(pk=richiesta.assistito_id)
    if version is not None and locked.version != version:
        raise ValidationError(STALE_MESSAGE)
    return locked.version


def _refuse_twice(richiesta: RichiestaApprovazione) -> None:
    same = RichiestaApprovazione.objects.filter(azione=richiesta.azione, stato=A.IN_ATTESA)
    if richiesta.cartella_id:
        pending, oggetto = same.filter(cartella_id=richiesta.cartella_id).exists(), "cartella"
    else:
        pending, oggetto = same.filter(assistito_id=richiesta.assistito_id, cartella__isnull=True).exists(), "scheda"
    if pending:
        raise ValidationError(ALREADY_PENDING.format(oggetto=oggetto, azione=AZ(richiesta.azione).label))


def _record(richiesta: RichiestaApprovazione, change: Change, ruolo: str) -> None:
    richiesta.ruolo_approvatore = ruolo
    richiesta._history_user = change.by  # who asked, also from a worker or a shell (no request to read it from)
    richiesta.full_clean()
    try:
        with transaction.atomic():
            change.save(richiesta, reason=f"richiesta: {AZ(richiesta.azione).label}")
    except IntegrityError:  # a concurrent request for the same action won the race
        _refuse_twice(richiesta)
        raise
    change.event("approvazione.richiesta", {"azione": richiesta.azione}, aggregate=richiesta)
    if richiesta.cartella_id:
        change.diary_on(richiesta.cartella, f"Chiesta l'approvazione: {AZ(richiesta.azione).label}.")
    enqueue_with(send_approval_email, richiesta.pk, 1)


def _new_request(azione: str, *, by, motivo: str, ente_id: int, cartella=None, assistito=None, payload=None):
    return RichiestaApprovazione(
        ente_id=ente_id,
        azione=azione,
        cartella=cartella,
        assistito=assistito,
        payload=payload or {},
        motivo=(motivo or "").strip(),
        richiesta_da=by,
    )


def richiedi_o_esegui(richiesta: RichiestaApprovazione, *, by, version: int | None = None) -> Esito:
    """Run the action described by the (unsaved) request at once, or, when a rule of the ente gates it, record the
    request instead: validated by a trial run, one per action and case, the approvers notified."""
    importo = project_amount(richiesta.cartella) if richiesta.azione == AZ.AVVIO_PROGETTO else None
    rule = active_rule(richiesta.ente_id, richiesta.azione)
    if not rule_applies(rule, importo):
        return Esito(risultato=RUN[richiesta.azione](richiesta, by, version))
    with writing(by) as change:
        richiesta.versione_oggetto = _lock_target(richiesta, version)
        richiesta.importo = importo
        _refuse_twice(richiesta)
        _try(richiesta, by)
        _record(richiesta, change, rule.ruolo_approvatore)
    return Esito(richiesta=richiesta)


def transizione_o_richiesta(*, cartella: Cartella, target: str, by, version: int | None = None) -> Esito:
    """A workflow step of the case: closing and starting a project may need approval, the other steps never."""
    azione = TRANSITION_ACTIONS.get(target)
    if azione is None:
        return Esito(risultato=cartella_transition(cartella=cartella, target=target, by=by, version=version))
    richiesta = _new_request(
        azione, by=by, motivo="", ente_id=cartella.owner_ente_id, cartella=cartella, payload={"target": target}
    )
    return richiedi_o_esegui(richiesta, by=by, version=version)


def trasferimento_o_richiesta(*, cartella: Cartella, motivo: str, by) -> Esito:
    richiesta = _new_request(
        AZ.TRASFERIMENTO,
        by=by,
        motivo=motivo,
        ente_id=cartella.owner_ente_id,
        cartella=cartella,
        payload={"motivo": motivo},
    )
    return richiedi_o_esegui(richiesta, by=by)


def unione_o_richiesta(
    *, keep: Assistito, duplicate: Assistito, by, reason: str, scelte: dict[str, str] | None = None
) -> Esito:
    """A merge (with the values chosen from the duplicate, on the side-by-side page) at once, or held for approval."""
    payload = {"duplicato": duplicate.pk, "reason": reason, "versione_duplicato": duplicate.version}
    richiesta = _new_request(
        AZ.UNIONE,
        by=by,
        motivo=reason,
        ente_id=keep.owner_ente_id,
        assistito=keep,
        payload=payload | ({"scelte": scelte} if scelte else {}),
    )
    return richiedi_o_esegui(richiesta, by=by)


# --- deciding ----------------------------------------------------------------------------------------------------


def _lock_request(richiesta: RichiestaApprovazione, step: str, by) -> RichiestaApprovazione:
    locked = (
        RichiestaApprovazione.objects.select_for_update(of=("self",)).select_related("cartella").get(pk=richiesta.pk)
    )
    if step != "ritira" and locked.richiesta_da_id == by.pk:
        raise ValidationError(SELF_APPROVAL)
    APPROVAZIONE.check_actor(locked, step, by)
    return locked


def _check_unchanged(locked: RichiestaApprovazione) -> None:
    """The case or record is as the requester saw it (its version), and so is the duplicate of a merge."""
    if _lock_target(locked, None) != locked.versione_oggetto:
        raise ValidationError(STALE)
    duplicate_version = locked.payload.get("versione_duplicato")
    if duplicate_version is not None:
        duplicate = Assistito.objects.select_for_update().get(pk=locked.payload["duplicato"])
        if duplicate.version != duplicate_version:
            raise ValidationError(STALE)


def _decide(locked: RichiestaApprovazione, step: str, by, change: Change, motivo: str = "") -> None:
    locked.motivo_decisione = motivo
    APPROVAZIONE.apply(locked, step, by=by, payload={"azione": locked.azione})
    if step != "ritira":
        locked.decisa_da, locked.decisa_il = by, timezone.now()
    transition = APPROVAZIONE.get(step)
    locked._history_user = by
    change.save(locked, reason=f"{transition.label}: {AZ(locked.azione).label}")


def approvazione_approve(*, richiesta: RichiestaApprovazione, by) -> RichiestaApprovazione:
    """Approve and run the action, as the requester asked it, in this transaction: exactly once (the request is
    locked and leaves «in attesa»), refused if the case or record changed since the request."""
    with writing(by) as change:
        locked = _lock_request(richiesta, "approva", by)
        problems = APPROVAZIONE.refusal(locked, "approva")
        if problems:
            raise ValidationError(problems)
        _check_unchanged(locked)
        _decide(locked, "approva", by, change)
        RUN[locked.azione](locked, locked.richiesta_da)
        if locked.cartella_id:
            change.diary_on(locked.cartella, f"Approvato: {AZ(locked.azione).label}.")
    return locked


def approvazione_reject(*, richiesta: RichiestaApprovazione, by, motivo: str) -> RichiestaApprovazione:
    """Reject with a reason: the action never runs; the requester sees why."""
    with writing(by) as change:
        locked = _lock_request(richiesta, "respingi", by)
        _decide(locked, "respingi", by, change, (motivo or "").strip())
        if locked.cartella_id:
            change.diary_on(locked.cartella, f"Respinta la richiesta: {AZ(locked.azione).label}. Motivo: {motivo}")
    return locked


def approvazione_withdraw(*, richiesta: RichiestaApprovazione, by) -> RichiestaApprovazione:
    with writing(by) as change:
        locked = _lock_request(richiesta, "ritira", by)
        _decide(locked, "ritira", by, change)
        if locked.cartella_id:
            change.diary_on(locked.cartella, f"Ritirata la richiesta: {AZ(locked.azione).label}.")
    return locked


# --- the ente's rules ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regola:
    azione: str
    attiva: bool
    ruolo_approvatore: str
    soglia: Decimal | None = None


def _check_rule(ente: Ente, regola: Regola) -> None:
    if regola.azione not in dict(applicable_actions(ente)):
        raise ValidationError(f"L'azione «{regola.azione}» non si applica a questo ente.")
    if regola.ruolo_approvatore not in dict(approver_roles(ente)):
        raise ValidationError(
            {f"{regola.azione}-ruolo_approvatore": ["Scegliere un ruolo dell'ente che consulta le cartelle."]}
        )
    if regola.soglia is not None and regola.azione not in WITH_THRESHOLD:
        raise ValidationError({f"{regola.azione}-soglia": ["La soglia vale solo per l'avvio di un progetto."]})


def _save_rule(ente: Ente, regola: Regola, change: Change) -> None:
    row = RegolaApprovazione.objects.select_for_update().filter(ente=ente, azione=regola.azione).first()
    row = row or RegolaApprovazione(ente=ente, azione=regola.azione)
    before = (row.pk, row.attiva, row.ruolo_approvatore, row.soglia)
    row.attiva, row.ruolo_approvatore, row.soglia = regola.attiva, regola.ruolo_approvatore, regola.soglia
    if before == (row.pk, row.attiva, row.ruolo_approvatore, row.soglia) or (row.pk is None and not row.attiva):
        return  # unchanged, or a rule switched off that never existed: nothing to record
    row.full_clean()
    row._history_user = change.by
    change.save(row, reason=f"regola {'attiva' if row.attiva else 'disattivata'}: {row.get_azione_display()}")
    payload = {"azione": row.azione, "ruolo": row.ruolo_approvatore, "attiva": row.attiva}
    change.event("approvazione.regola_aggiornata", {**payload, "soglia": str(row.soglia or "")}, aggregate=row)


def regole_save(*, ente: Ente, regole: list[Regola], by) -> None:
    """The ente's administrator (manage_operators) sets which actions need approval and by which role. Pending
    requests keep the role they were asked with."""
    if not has_capability(by, Capability.MANAGE_OPERATORS, ente):
        raise ValidationError("Solo l'amministratore dell'ente configura le approvazioni.")
    for regola in regole:
        _check_rule(ente, regola)
    with writing(by) as change:
        for regola in regole:
            _save_rule(ente, regola, change)


def regole_default(*, ente: Ente, by) -> None:
    """Apply the recommended configuration (DEFAULTS) to the actions that apply to this ente."""
    applicable = dict(applicable_actions(ente))
    regole_save(
        ente=ente,
        regole=[
            Regola(azione, True, ruolo, soglia) for azione, (ruolo, soglia) in DEFAULTS.items() if azione in applicable
        ],
        by=by,
    )
