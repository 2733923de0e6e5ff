"""The case workflow: one explicit state machine (architecture promise 3).

accesso → valutazione → progetto → erogazione → chiusa, plus accesso → chiusa when the access ends with information
only or a referral. Each transition has a guard that names what is missing, in Italian; backward steps and skips are
refused with a message saying which step comes next. Re-opening a closed case creates a new linked episode
(actions.cartella.cartella_reopen), it never moves a case backwards.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

from cse.core.fsm import StateMachine, Transition
from cse.core.roles import Capability

from .glossary import Dimensione, EsitoAccesso, StatoCartella
from .models import Cartella

S = StatoCartella
ORDER = [S.ACCESSO, S.VALUTAZIONE, S.PROGETTO, S.EROGAZIONE, S.CHIUSA]


def _record(cartella: Cartella, name: str):
    try:
        return getattr(cartella, name)
    except ObjectDoesNotExist:
        return None


def _missing_fields(record, labels: dict[str, str]) -> list[str]:
    return [f"manca {label}" for field, label in labels.items() if getattr(record, field) in (None, "")]


def _scheda_basics(cartella: Cartella) -> tuple[object, list[str]]:
    scheda = _record(cartella, "scheda_accesso")
    if scheda is None:
        return None, ["manca la scheda di accesso"]
    missing = _missing_fields(
        scheda,
        {"canale": "il canale di accesso", "richiesta": "la richiesta della persona", "area": "l'area del bisogno"},
    )
    if scheda.canale and scheda.canale != "spontaneo" and not scheda.inviante:
        missing.append("manca chi ha inviato o segnalato la persona")
    if not scheda.esito:
        missing.append("manca l'esito dell'accesso")
    return scheda, missing


def guard_take_into_care(cartella: Cartella) -> list[str]:
    scheda, missing = _scheda_basics(cartella)
    if scheda is not None and scheda.esito and scheda.esito != EsitoAccesso.PRESA_IN_CARICO:
        missing.append("l'esito dell'accesso non è «presa in carico»")
    return missing


def guard_close_after_access(cartella: Cartella) -> list[str]:
    scheda, missing = _scheda_basics(cartella)
    if scheda is not None and scheda.esito == EsitoAccesso.PRESA_IN_CARICO:
        missing.append("con esito «presa in carico» la cartella prosegue con la valutazione del bisogno")
    chiusura = _record(cartella, "chiusura")
    if chiusura is None or not chiusura.motivo:
        missing.append("manca il motivo della chiusura")
    return missing


def guard_assessment_complete(cartella: Cartella) -> list[str]:
    valutazione = _record(cartella, "valutazione")
    if valutazione is None:
        return ["manca la valutazione del bisogno"]
    missing = [
        f"manca il livello di bisogno per «{d.label}»" for d in Dimensione if getattr(valutazione, d.value) is None
    ]
    return missing + _missing_fields(
        valutazione,
        {"gravita": "la gravità complessiva", "urgenza": "l'urgenza", "giudizio": "il giudizio professionale"},
    )


def guard_project_agreed(cartella: Cartella) -> list[str]:
    progetto = _record(cartella, "progetto")
    if progetto is None:
        return ["manca il progetto individuale"]
    missing = _missing_fields(
        progetto,
        {
            "obiettivi": "l'indicazione degli obiettivi",
            "azioni": "l'indicazione delle azioni",
            "impegni_persona": "l'indicazione degli impegni della persona",
            "data_revisione": "la data di revisione",
            "sottoscritto_il": "la sottoscrizione del progetto da parte della persona",
        },
    )
    if cartella.case_manager_id is None:
        missing.append("manca il case manager")
    if not cartella.interventi_pianificati.exists():
        missing.append("manca almeno un intervento pianificato")
    return missing


def guard_final_assessment(cartella: Cartella) -> list[str]:
    missing = []
    if not cartella.prestazioni.exists():
        missing.append("manca almeno una prestazione erogata")
    for prestazione in cartella.prestazioni.filter(data_fine__isnull=True).select_related("voce"):
        missing.append(
            f"la prestazione {prestazione.voce.codice} iniziata il {prestazione.data_inizio:%d/%m/%Y} non è conclusa"
        )
    chiusura = _record(cartella, "chiusura")
    if chiusura is None:
        return [*missing, "manca la valutazione finale"]
    return missing + _missing_fields(
        chiusura,
        {
            "esito_obiettivi": "l'esito degli obiettivi",
            "motivo": "il motivo della chiusura",
            "valutazione_finale": "la valutazione finale",
        },
    )


def _illegal_target(cartella: Cartella, target: str) -> list[str]:
    current = cartella.stato
    if current == S.CHIUSA:
        return ["La cartella è chiusa: per riprendere il caso va riaperta come nuovo episodio."]
    if target == current:
        return [f"La cartella è già nella fase «{S(current).label}»."]
    nexts = " o ".join(f"«{S(t.target).label}»" for t in transitions_from(current))
    if ORDER.index(target) < ORDER.index(current):
        return [f"Non si torna indietro: dalla fase «{S(current).label}» si passa solo a {nexts}."]
    return [f"Non si possono saltare fasi: dalla fase «{S(current).label}» si passa solo a {nexts}."]


MANAGE = Capability.MANAGE_CARTELLE
EVENT = "cartella.fase_cambiata"
CASE = StateMachine(
    "la cartella",
    "stato",
    (
        Transition(
            "prendi_in_carico",
            S.ACCESSO,
            S.VALUTAZIONE,
            "Prendi in carico: passa alla valutazione",
            guard_take_into_care,
            MANAGE,
            EVENT,
        ),
        # the front desk may close an information-only access
        Transition(
            "chiudi_dopo_accesso",
            S.ACCESSO,
            S.CHIUSA,
            "Chiudi dopo l'accesso (informazione o invio)",
            guard_close_after_access,
            (Capability.REGISTER_PERSONE, MANAGE),
            EVENT,
        ),
        Transition(
            "passa_al_progetto",
            S.VALUTAZIONE,
            S.PROGETTO,
            "Passa al progetto individuale",
            guard_assessment_complete,
            MANAGE,
            EVENT,
        ),
        Transition(
            "avvia_erogazione", S.PROGETTO, S.EROGAZIONE, "Avvia l'erogazione", guard_project_agreed, MANAGE, EVENT
        ),
        Transition("chiudi", S.EROGAZIONE, S.CHIUSA, "Chiudi la cartella", guard_final_assessment, MANAGE, EVENT),
    ),
    states=S,
    illegal=lambda cartella, t: _illegal_target(cartella, t.target),
)
TRANSITIONS: dict[tuple[str, str], Transition] = {(t.source, t.target): t for t in CASE.transitions}


def transitions_from(stato: str) -> list[Transition]:
    return CASE.from_state(stato)


def refusal(cartella: Cartella, target: str) -> list[str]:
    """Everything that stands between the case and `target`; empty when the transition is allowed."""
    if target not in S.values:
        return ["Fase sconosciuta."]
    step = CASE.find(cartella.stato, target)
    return CASE.refusal(cartella, step.name) if step else _illegal_target(cartella, target)


REFUSE_ACTOR = (
    "Non si può cambiare la fase di questa cartella: il passo spetta agli operatori dell'ente titolare abilitati "
    "(o all'équipe con accesso in modifica)."
)


def step_capability(cartella: Cartella, target: str) -> str | tuple[str, ...]:
    """Who may take the step from the case's current phase: the capability the transition action checks through the
    permission layer, exactly what the transition view asks of the user (get_cartella_for + ensure_capability)."""
    step = CASE.find(cartella.stato, target)
    return step.capability if step else Capability.MANAGE_CARTELLE


STALE_MESSAGE = "La cartella è stata modificata da un altro operatore nel frattempo: ricaricare la pagina e riprovare."
