"""Approvals (four eyes): the state machine of a request, the ente's rules, who may decide, and what the pages read.

An ente decides which case-domain actions need a second person with a given role before they take effect (closing
a case, starting a project above an amount, asking the ambito to take a case over, merging two records of a person).
A gated action is not performed: cse/cartella/actions/approvazioni.py records a request (in_attesa); approving it
runs the original action in the approval's own transaction, refused if the case or record changed since the request
(its version); rejecting it needs a reason; the requester may withdraw it. The requester never decides (the machine's
actor check and a database CheckConstraint).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.mail import send_mail
from django.db.models import Q, QuerySet, Sum
from django.http import Http404, HttpRequest
from django.urls import reverse

from cse.core.audit import log_access
from cse.core.fsm import StateMachine, Transition
from cse.core.models import AccessLog, Ente
from cse.core.permissions import identity
from cse.core.roles import ROLES_BY_TIPO_ENTE, Capability, Ruolo, TipoEnte, capabilities_of

from .approvazioni_models import RegolaApprovazione, RichiestaApprovazione
from .glossary import AzioneApprovabile, StatoApprovazione
from .models import Cartella

A = StatoApprovazione
AZ = AzioneApprovabile

# The two kinds of actor of the machine (its `may` reads them instead of a capability).
APPROVATORE = "approvatore"  # holds the request's role in its ente, and did not ask
RICHIEDENTE = "richiedente"  # the operator who asked

SELF_APPROVAL = "Chi ha chiesto l'approvazione non può deciderla: serve una seconda persona."
REFUSE_ACTOR = {
    A.APPROVATA: "Per approvare serve il ruolo indicato dalla regola dell'ente titolare.",
    A.RESPINTA: "Per respingere serve il ruolo indicato dalla regola dell'ente titolare.",
    A.RITIRATA: "Solo chi ha chiesto l'approvazione può ritirare la richiesta.",
}
STALE = (
    "La cartella o la scheda è stata modificata dopo la richiesta: l'approvazione non vale per la nuova versione. "
    "Respingere la richiesta, oppure il richiedente la ritiri e la ripresenti."
)


def holds_role(user, ente_id: int, ruolo: str) -> bool:
    """The user has an active incarico with this role in this ente (the request's approver)."""
    return any(i.ente_id == ente_id and i.ruolo == ruolo for i in identity(user).incarichi)


def _may(richiesta: RichiestaApprovazione, by, who: str) -> bool:
    if who == RICHIEDENTE:
        return by.pk == richiesta.richiesta_da_id
    return by.pk != richiesta.richiesta_da_id and holds_role(by, richiesta.ente_id, richiesta.ruolo_approvatore)


def _motivo_missing(richiesta: RichiestaApprovazione) -> list[str]:
    return [] if richiesta.motivo_decisione.strip() else ["Indicare il motivo per cui la richiesta è respinta."]


def _illegal(richiesta: RichiestaApprovazione, step: Transition) -> list[str]:
    return [f"La richiesta è già «{A(richiesta.stato).label}»: non si può più {step.label.lower()}."]


APPROVAZIONE = StateMachine(
    "la richiesta di approvazione",
    "stato",
    (
        Transition("approva", A.IN_ATTESA, A.APPROVATA, "Approva", None, APPROVATORE, "approvazione.approvata"),
        Transition(
            "respingi", A.IN_ATTESA, A.RESPINTA, "Respingi", _motivo_missing, APPROVATORE, "approvazione.respinta"
        ),
        Transition("ritira", A.IN_ATTESA, A.RITIRATA, "Ritira", None, RICHIEDENTE, "approvazione.ritirata"),
    ),
    states=A,
    may=_may,
    refuse_actor=lambda step: REFUSE_ACTOR[step.target],
    illegal=_illegal,
)


# --- the rules ---------------------------------------------------------------------------------------------------

# The configuration this product recommends (docs/approvazioni.md explains each line); the ente's administrator
# applies and changes it from the rules page, the demo seeds it.
DEFAULTS: dict[str, tuple[str, Decimal | None]] = {
    AZ.CHIUSURA: (Ruolo.RESPONSABILE, None),
    AZ.AVVIO_PROGETTO: (Ruolo.RESPONSABILE, Decimal("5000.00")),
    AZ.TRASFERIMENTO: (Ruolo.RESPONSABILE, None),
    AZ.UNIONE: (Ruolo.RESPONSABILE, None),
}
WITH_THRESHOLD = frozenset({AZ.AVVIO_PROGETTO})


def approver_roles(ente: Ente) -> list[tuple[str, str]]:
    """The roles that may approve in this kind of ente: those who see the ente's cases (they must judge them)."""
    return [
        (ruolo, Ruolo(ruolo).label)
        for ruolo in ROLES_BY_TIPO_ENTE[ente.tipo]
        if Capability.VIEW_PERSONE in capabilities_of(ruolo, ente.tipo)
    ]


def applicable_actions(ente: Ente) -> list[tuple[str, str]]:
    """People are registered (and merged) only by comuni; an ambito never asks itself for a transfer."""
    if ente.tipo == TipoEnte.COMUNE:
        return list(AZ.choices)
    return [(code, label) for code, label in AZ.choices if code not in (AZ.TRASFERIMENTO, AZ.UNIONE)]


def active_rule(ente_id: int, azione: str) -> RegolaApprovazione | None:
    return RegolaApprovazione.objects.filter(ente_id=ente_id, azione=azione, attiva=True).first()


def project_amount(cartella: Cartella) -> Decimal:
    """The project's planned spending: the sum of the expected amounts of its planned interventions (the progetto
    record itself has no amount)."""
    total = cartella.interventi_pianificati.aggregate(t=Sum("importo_previsto"))["t"]
    return (total or Decimal("0")).quantize(Decimal("0.01"))


def rule_applies(rule: RegolaApprovazione | None, importo: Decimal | None) -> bool:
    """A rule with a threshold gates only amounts above it; one without gates every time."""
    if rule is None:
        return False
    return rule.soglia is None or importo is None or importo > rule.soglia


# --- what the pages read -----------------------------------------------------------------------------------------


def _approver_filter(user) -> Q | None:
    pairs = [(i.ente_id, i.ruolo) for i in identity(user).incarichi]
    if not pairs:
        return None
    q = Q()
    for ente_id, ruolo in pairs:
        q |= Q(ente_id=ente_id, ruolo_approvatore=ruolo)
    return q


def approvals_waiting_for(user) -> tuple[int, QuerySet[RichiestaApprovazione]]:
    """The requests this user may decide now (their role in the request's ente, asked by someone else): the count
    and the queryset, for the «Da approvare» page and for a home page's counter."""
    q = _approver_filter(user)
    if q is None or not user.is_authenticated:
        return 0, RichiestaApprovazione.objects.none()
    qs = (
        RichiestaApprovazione.objects.filter(q, stato=A.IN_ATTESA)
        .exclude(richiesta_da=user)
        .select_related("ente", "cartella", "richiesta_da")
        .order_by("richiesta_il", "id")
    )
    return qs.count(), qs


def requested_by(user) -> QuerySet[RichiestaApprovazione]:
    """The user's own requests, newest first (to follow them or withdraw one)."""
    return RichiestaApprovazione.objects.filter(richiesta_da=user).select_related("ente", "cartella", "decisa_da")


def pending_on_case(cartella: Cartella) -> QuerySet[RichiestaApprovazione]:
    return cartella.approvazioni.filter(stato=A.IN_ATTESA).select_related("richiesta_da")


def get_richiesta_for(request: HttpRequest, pk: int) -> RichiestaApprovazione:
    """A request its approvers (the role in its ente) or its requester may open; any other id is 404. The read
    concerns a person's case or record: it is access-logged like the case itself."""
    user = request.user
    q = _approver_filter(user) or Q(pk__in=[])
    qs = RichiestaApprovazione.objects.filter(q | Q(richiesta_da=user)).select_related(
        "ente", "cartella", "assistito", "richiesta_da", "decisa_da"
    )
    richiesta = qs.filter(pk=pk).first() if user.is_authenticated else None
    if richiesta is None:
        raise Http404("Richiesta non trovata")
    log_access(
        user=user,
        assistito_id=richiesta.cartella.assistito_id if richiesta.cartella_id else richiesta.assistito_id,
        oggetto_tipo="richiestaapprovazione",
        oggetto_id=richiesta.pk,
        ente_id=richiesta.ente_id,
        azione=AccessLog.Azione.CONSULTAZIONE,
        finalita="approvazione",
        request=request,
    )
    return richiesta


def steps_for(richiesta: RichiestaApprovazione, user) -> list[Transition]:
    """The steps this user may take on the request now (the action checks again)."""
    return [t for t in APPROVAZIONE.from_state(richiesta.stato) if _may(richiesta, user, t.capability)]


# --- notification --------------------------------------------------------------------------------------------------


def approver_emails(richiesta: RichiestaApprovazione) -> list[str]:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(
        is_active=True,
        operatore__incarichi__ente_id=richiesta.ente_id,
        operatore__incarichi__ruolo=richiesta.ruolo_approvatore,
        operatore__incarichi__attivo=True,
    )
    return sorted({u.email for u in users.exclude(pk=richiesta.richiesta_da_id) if u.email})


def email_approvatori(richiesta: RichiestaApprovazione) -> None:
    """The e-mail to the operators who may approve: the kind of action and where to decide, never the person."""
    recipients = approver_emails(richiesta)
    if not recipients:
        return
    body = (
        f"Una richiesta attende la sua approvazione: {richiesta.get_azione_display()} ({richiesta.ente}).\n\n"
        f"Consultare l'elenco «Da approvare» della Cartella Sociale Elettronica ({reverse('approvazioni')}).\n"
    )
    send_mail("CSE: una richiesta attende la sua approvazione", body, None, recipients)
