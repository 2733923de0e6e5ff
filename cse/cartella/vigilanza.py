"""Break-the-glass access and unusual-access alerts: the rules, the checks and what the review pages read (the
writers of AccessoEmergenza and Segnalazione are in cse/cartella/actions/vigilanza.py).

Break-the-glass: an operator of any ente may open, for a short time and read-only, the open cases of one person
found by exact codice fiscale, after typing a reason and re-entering their password. The grant is an ordinary
expiring per-case grant (CartellaUserObjectPermission.expires_at), so the permission layer forgets it by itself.
The owning ente's responsabile is alerted and reviews every such access.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from cse.core.permissions import ente_ids_for, operators_with
from cse.core.roles import Capability
from cse.core.validators import CF_MESSAGE, is_valid_codice_fiscale

from .identity import normalise_cf
from .vigilanza_models import AccessoEmergenza, Segnalazione, TipoSegnalazione

MIN_MOTIVO = 20
GRANT_REASON = "accesso di emergenza"  # marks break-the-glass grants: they never make a case "assigned"
NESSUNA_CARTELLA = (
    "Nessuna cartella aperta accessibile in emergenza per il codice fiscale indicato. "
    "La richiesta è stata comunque registrata."
)


def break_glass_enti(user) -> list[int]:
    """Enti where the user works with people (operator roles): analysts, portal editors and administrators have
    no case capability, hence no emergency access."""
    return sorted(ente_ids_for(user, Capability.VIEW_PERSONE))


def can_break_glass(user) -> bool:
    return bool(break_glass_enti(user))


def _password_ok(user, password: str, request) -> bool:
    """Re-authentication. Through authenticate() when there is a request, so failures count towards the login
    lock-out (django-axes): a hijacked session cannot guess the password here without limit."""
    if not password:
        return False
    if request is None:
        return user.check_password(password)
    return authenticate(request, username=user.get_username(), password=password) == user


def validate_request(*, user, codice_fiscale: str, motivo: str, password: str, request=None) -> str:
    """All input checks before any lookup: the answer cannot depend on whether the person exists."""
    cf = normalise_cf(codice_fiscale)
    errors: dict[str, list[str]] = {}
    if not is_valid_codice_fiscale(cf):
        errors["codice_fiscale"] = [CF_MESSAGE]
    if len(motivo.strip()) < MIN_MOTIVO:
        errors["motivo"] = [f"Descrivere il motivo dell'urgenza in almeno {MIN_MOTIVO} caratteri."]
    if not _password_ok(user, password, request):
        errors["password"] = ["Password non corretta: reinserire la propria password di accesso."]
    if errors:
        raise ValidationError(errors)
    return cf


def email_responsabili(segnalazione: Segnalazione) -> None:
    recipients = [u.email for u in operators_with(segnalazione.ente, Capability.VIEW_AUDIT).only("email") if u.email]
    if not recipients:
        return
    subject = {
        TipoSegnalazione.ACCESSO_EMERGENZA: "CSE: aperto un accesso di emergenza a una cartella dell'ente",
    }.get(segnalazione.tipo, "CSE: nuova segnalazione sugli accessi alle cartelle dell'ente")
    body = (
        f"{segnalazione.get_tipo_display()} ({segnalazione.ente}).\n\n"
        f"Consultare l'elenco «Accessi di emergenza e segnalazioni» della Cartella Sociale Elettronica "
        f"({reverse('vigilanza')}) per la revisione.\n"
    )
    send_mail(subject, body, None, recipients)


# --- review by the owning ente -------------------------------------------------------------------------------


def accessi_emergenza_for_review(user) -> QuerySet[AccessoEmergenza]:
    """Emergency accesses to the cases (or people) of the enti whose audit the user may consult."""
    return AccessoEmergenza.objects.filter(
        ente_titolare_id__in=ente_ids_for(user, Capability.VIEW_AUDIT)
    ).select_related("operatore", "ente_origine", "ente_titolare", "cartella", "revisionato_da")


def segnalazioni_for_review(user) -> QuerySet[Segnalazione]:
    return Segnalazione.objects.filter(ente_id__in=ente_ids_for(user, Capability.VIEW_AUDIT)).select_related(
        "operatore", "ente", "chiusa_da"
    )


NON_REVISORE = "Solo il responsabile o l'amministratore dell'ente titolare può revisionare accessi e segnalazioni."
AUTO_REVISIONE = (
    "Non si può revisionare un accesso o chiudere una segnalazione che riguarda le proprie azioni: "
    "deve farlo un altro responsabile o l'amministratore dell'ente."
)


def reviewer_check(*, by, operatore_id: int | None, ente_id: int | None) -> None:
    """Four eyes: the reviewer holds the audit capability in the ente concerned and is not the operator whose
    actions are under review (an emergency access they opened, an alert about their own reads)."""
    if ente_id is None or ente_id not in ente_ids_for(by, Capability.VIEW_AUDIT):
        raise ValidationError(NON_REVISORE)
    if operatore_id is not None and operatore_id == by.pk:
        raise ValidationError(AUTO_REVISIONE)


# --- unusual access --------------------------------------------------------------------------------------------


def outside_office_hours(at: datetime) -> bool:
    hours = settings.CSE_ALERT_OFFICE_HOURS
    if not hours:
        return False
    start, end = hours
    local = timezone.localtime(at)
    return not (start <= local.hour < end)
