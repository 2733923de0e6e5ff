"""The workflows of a bando and of a domanda on the one state machine primitive (cse/core/fsm.py), and who may act.

Operators act through their capabilities in the bando's ente (an ambito's bando: the Ufficio di Piano; its comuni's
front desks take applications for it); a citizen acts only on the domande that carry their own codice fiscale.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import formats, timezone

from cse.core.fsm import StateMachine, Transition
from cse.core.models import Ente
from cse.core.permissions import has_capability
from cse.core.roles import Capability

from .glossary import (
    STATI_IN_CORSO,
    STATI_RIESAMINABILI,
    StatoBando,
    StatoDomanda,
    StatoGraduatoria,
    StatoProvvedimento,
)

ROME = ZoneInfo("Europe/Rome")
# Not an Ente capability: "the applicant, or a front desk acting for them" (checked by may_on_domanda).
RICHIEDENTE = "richiedente"
REFUSE_FOREIGN = "Non si è abilitati a operare sui bandi di questo ente."


def citizen_cf(user) -> str:
    """The codice fiscale of a logged-in citizen (the portal's Cittadino, by its related name), '' for anyone else."""
    return getattr(getattr(user, "cittadino", None), "codice_fiscale", "") or ""


def front_desk_ente_ids(ente_id: int) -> set[int]:
    """The enti whose front desks take applications for a bando of `ente_id`: the ente itself and, for an ambito's
    bando, the comuni of the ambito."""
    ente = Ente.objects.select_related("ambito").get(pk=ente_id)
    ids = {ente.pk}
    if ente.ambito_id:
        ids |= set(Ente.objects.filter(comune__ambito_id=ente.ambito_id).values_list("pk", flat=True))
    return ids


def may_take_at_desk(user, ente_id: int) -> bool:
    """A front-desk or istruttoria operator of the bando's ente (or of a comune of its ambito)."""
    return any(
        has_capability(user, cap, pk)
        for pk in front_desk_ente_ids(ente_id)
        for cap in (Capability.REGISTER_PERSONE, Capability.ISTRUTTORIA_BANDI)
    )


def is_own(user, codice_fiscale: str) -> bool:
    cf = citizen_cf(user)
    return bool(cf) and cf == codice_fiscale


def may_on_domanda(domanda, user, capability) -> bool:
    if capability == RICHIEDENTE:
        return is_own(user, domanda.codice_fiscale) or may_take_at_desk(user, domanda.ente_id)
    return has_capability(user, capability, domanda.ente_id)


def local_label(moment) -> str:
    """A date-time as the citizen reads it: Europe/Rome, «31/03/2027 ore 12:00»."""
    local = timezone.localtime(moment, ROME)
    return f"{formats.date_format(local, 'd/m/Y')} ore {local:%H:%M}"


# --- bando ------------------------------------------------------------------------------------------------------------


def _closable(bando) -> list[str]:
    if timezone.now() < bando.chiusura:
        return [f"Il bando si può chiudere dopo la scadenza delle domande ({local_label(bando.chiusura)})."]
    return []


BANDO = StateMachine(
    "il bando",
    "stato",
    (
        Transition(
            "pubblica",
            StatoBando.BOZZA,
            StatoBando.PUBBLICATO,
            "Pubblica",
            capability=Capability.MANAGE_BANDI,
            event="bando.pubblicato",
        ),
        Transition(
            "sostituisci",
            (StatoBando.PUBBLICATO, StatoBando.CHIUSO),
            StatoBando.SOSTITUITO,
            "Rettifica con una nuova versione",
            capability=Capability.MANAGE_BANDI,
            event="bando.rettificato",
        ),
        Transition(
            "chiudi",
            StatoBando.PUBBLICATO,
            StatoBando.CHIUSO,
            "Chiudi",
            guard=_closable,
            capability=Capability.MANAGE_BANDI,
            event="bando.chiuso",
        ),
        Transition(
            "revoca",
            (StatoBando.BOZZA, StatoBando.PUBBLICATO, StatoBando.CHIUSO),
            StatoBando.REVOCATO,
            "Revoca",
            capability=Capability.MANAGE_BANDI,
            event="bando.revocato",
        ),
    ),
    states=StatoBando,
    may=lambda bando, by, cap: has_capability(by, cap, bando.ente_id),
    refuse_actor=REFUSE_FOREIGN,
)


# --- domanda ----------------------------------------------------------------------------------------------------------

_ISTRUTTORIA = Capability.ISTRUTTORIA_BANDI
_APPROVA = Capability.APPROVE_PROVVEDIMENTI


def riesame_deadline(domanda):
    """The last moment to ask a riesame: giorni_riesame from the notification of the decision; None while the
    decision has not reached the applicant yet (the term has not started)."""
    notifica = domanda.notifiche.filter(provvedimento__stato=StatoProvvedimento.APPROVATO).order_by("-pk").first()
    if notifica is None or notifica.inviata_il is None:
        return None
    return notifica.inviata_il + timedelta(days=domanda.bando.giorni_riesame)


def riesame_refusal(domanda) -> list[str]:
    if domanda.riesame_chiesto_il:
        return [
            "Il riesame di questa domanda è già stato chiesto e deciso: contro il suo esito si può ricorrere al "
            "TAR o con ricorso straordinario al Presidente della Repubblica."
        ]
    deadline = riesame_deadline(domanda)
    if deadline is not None and timezone.now() > deadline:
        return [
            f"Il termine per chiedere il riesame è scaduto il {local_label(deadline)} "
            f"({domanda.bando.giorni_riesame} giorni dalla comunicazione dell'esito)."
        ]
    return []


DOMANDA = StateMachine(
    "la domanda",
    "stato",
    (
        Transition(
            "presenta",
            StatoDomanda.BOZZA,
            StatoDomanda.PRESENTATA,
            "Presenta",
            capability=RICHIEDENTE,
            event="domanda.presentata",
        ),
        Transition(
            "ritira",
            (StatoDomanda.BOZZA, *STATI_IN_CORSO),
            StatoDomanda.RITIRATA,
            "Ritira",
            capability=RICHIEDENTE,
            event="domanda.ritirata",
        ),
        Transition(
            "assegna",
            (StatoDomanda.PRESENTATA, StatoDomanda.IN_ISTRUTTORIA),
            StatoDomanda.IN_ISTRUTTORIA,
            "Assegna l'istruttoria",
            capability=_ISTRUTTORIA,
            event="domanda.assegnata",
        ),
        Transition(
            "sospendi",
            StatoDomanda.IN_ISTRUTTORIA,
            StatoDomanda.SOSPESA,
            "Chiedi un'integrazione",
            capability=_ISTRUTTORIA,
            event="domanda.integrazione_richiesta",
        ),
        Transition(
            "riprendi",
            StatoDomanda.SOSPESA,
            StatoDomanda.IN_ISTRUTTORIA,
            "Registra l'integrazione",
            capability=RICHIEDENTE,
            event="domanda.integrazione_ricevuta",
        ),
        Transition(
            "istruisci",
            StatoDomanda.IN_ISTRUTTORIA,
            StatoDomanda.ISTRUITA,
            "Concludi l'istruttoria",
            capability=_ISTRUTTORIA,
            event="domanda.istruita",
        ),
        Transition(
            "escludi",
            STATI_IN_CORSO,
            StatoDomanda.ESCLUSA,
            "Escludi per inammissibilità",
            capability=_ISTRUTTORIA,
            event="domanda.esclusa",
        ),
        # the outcome is set only by an approved provvedimento (cse/bandi/provvedimento/actions.py), in bulk
        *(
            Transition(name, StatoDomanda.ISTRUITA, target, label, capability=_APPROVA, event="domanda.decisa")
            for name, target, label in (
                ("finanzia", StatoDomanda.FINANZIATA, "Ammetti e finanzia"),
                ("non_finanzia", StatoDomanda.NON_FINANZIATA, "Ammetti senza finanziamento"),
                ("non_ammetti", StatoDomanda.NON_AMMESSA, "Non ammettere"),
            )
        ),
        Transition(
            "riesame",
            STATI_RIESAMINABILI,
            StatoDomanda.IN_ISTRUTTORIA,
            "Chiedi il riesame",
            guard=lambda domanda: riesame_refusal(domanda),
            capability=RICHIEDENTE,
            event="domanda.riesame_chiesto",
        ),
        # a benefit granted and then revoked by a new act (cse/bandi/liquidazione/actions.py revoca_register)
        Transition(
            "revoca",
            StatoDomanda.FINANZIATA,
            StatoDomanda.REVOCATA,
            "Revoca il beneficio",
            capability=Capability.MANAGE_BANDI,
            event="domanda.revocata",
        ),
    ),
    states=StatoDomanda,
    may=may_on_domanda,
    refuse_actor="Non si è abilitati a operare su questa domanda.",
)


# --- graduatoria ------------------------------------------------------------------------------------------------------


def _objections_over(graduatoria) -> list[str]:
    fine = graduatoria.pubblicata_il + timedelta(days=graduatoria.bando.giorni_opposizione)
    if timezone.now() < fine:
        return [f"Il termine per le opposizioni scade il {local_label(fine)}: la graduatoria resta provvisoria."]
    return []


GRADUATORIA = StateMachine(
    "la graduatoria",
    "stato",
    (
        Transition(
            "rendi_definitiva",
            StatoGraduatoria.PROVVISORIA,
            StatoGraduatoria.DEFINITIVA,
            "Rendi definitiva",
            guard=_objections_over,
            capability=_ISTRUTTORIA,
            event="graduatoria.definitiva",
        ),
        Transition(
            "supera", StatoGraduatoria.PROVVISORIA, StatoGraduatoria.SUPERATA, "Ricalcola", capability=_ISTRUTTORIA
        ),
    ),
    states=StatoGraduatoria,
    may=lambda graduatoria, by, cap: has_capability(by, cap, graduatoria.bando.ente_id),
    refuse_actor=REFUSE_FOREIGN,
)


# --- provvedimento ----------------------------------------------------------------------------------------------------


def _second_pair_of_eyes(provvedimento) -> list[str]:
    """Four eyes: who decides on a submitted provvedimento (the action sets `_decisore_id`) is not who drafted it."""
    decisore = getattr(provvedimento, "_decisore_id", None)
    if decisore is None or decisore == provvedimento.redatto_da_id:
        return ["Chi ha redatto il provvedimento non può approvarlo né restituirlo: serve un secondo operatore."]
    return []


def _second_eyes_on_the_document(provvedimento) -> list[str]:
    """Approval approves the rendered PDF and its hash, which the worker produces after submission."""
    problems = _second_pair_of_eyes(provvedimento)
    if not provvedimento.sha256:
        problems.append("Il PDF del provvedimento è in preparazione: si approva appena è pronto (pochi istanti).")
    return problems


PROVVEDIMENTO = StateMachine(
    "il provvedimento",
    "stato",
    (
        Transition(
            "sottoponi",
            StatoProvvedimento.BOZZA,
            StatoProvvedimento.IN_APPROVAZIONE,
            "Sottoponi ad approvazione",
            capability=_ISTRUTTORIA,
            event="provvedimento.sottoposto",
        ),
        Transition(
            "restituisci",
            StatoProvvedimento.IN_APPROVAZIONE,
            StatoProvvedimento.BOZZA,
            "Restituisci al redattore",
            guard=_second_pair_of_eyes,
            capability=_APPROVA,
            event="provvedimento.restituito",
        ),
        Transition(
            "approva",
            StatoProvvedimento.IN_APPROVAZIONE,
            StatoProvvedimento.APPROVATO,
            "Approva",
            guard=_second_eyes_on_the_document,
            capability=_APPROVA,
            event="provvedimento.approvato",
        ),
    ),
    states=StatoProvvedimento,
    may=lambda provvedimento, by, cap: has_capability(by, cap, provvedimento.bando.ente_id),
    refuse_actor="Non si è abilitati a questo passaggio sui provvedimenti di questo ente.",
)
