"""Actions of the vigilance over access: break-the-glass access and its review, unusual-access alerts and their
closing (the only writers of AccessoEmergenza and Segnalazione; the rules and what the pages read are in
cse/cartella/vigilanza.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from cse.core.audit import log_access
from cse.core.codelists.privacy import BaseGiuridica, TipoDestinatario
from cse.core.models import AccessLog, Ente
from cse.core.tasks import enqueue_with

from ..glossary import StatoCartella
from ..models import Assistito, Cartella, CartellaUserObjectPermission
from ..tasks import send_alert_email
from ..vigilanza import (
    GRANT_REASON,
    NESSUNA_CARTELLA,
    break_glass_enti,
    outside_office_hours,
    reviewer_check,
    validate_request,
)
from ..vigilanza_models import AccessoEmergenza, EsitoEmergenza, EsitoRevisione, Segnalazione, TipoSegnalazione
from .cartella import cartella_grant_access
from .ritual import writing

__all__ = ["NESSUNA_CARTELLA", "accesso_emergenza_open", "accesso_emergenza_review", "segnalazione_close"]


def accesso_emergenza_open(*, user, codice_fiscale: str, motivo: str, password: str, request=None):
    """Grant time-limited read access to the open cases of the person with this exact codice fiscale.

    Returns the AccessoEmergenza rows written (esito CONCESSO with a case each, or one NESSUNA_CARTELLA row).
    Invalid input raises ValidationError and writes nothing. Cases the user already sees are left alone.
    """
    enti = break_glass_enti(user)
    if not enti:
        raise ValidationError("L'accesso di emergenza è riservato agli operatori dei servizi sociali.")
    cf = validate_request(user=user, codice_fiscale=codice_fiscale, motivo=motivo, password=password, request=request)
    motivo = motivo.strip()
    now = timezone.now()
    until = now + timedelta(minutes=settings.CSE_BREAK_GLASS_MINUTES)
    origine = Ente.objects.get(pk=enti[0])
    with writing(user):
        people = list(Assistito.objects.filter(codice_fiscale=cf, unito_a__isnull=True).select_related("owner_ente"))
        cartelle = list(
            Cartella.objects.filter(assistito__in=people, chiusa_il__isnull=True)
            .exclude(stato=StatoCartella.CHIUSA)
            .exclude(pk__in=Cartella.objects.visible_to(user).filter(assistito__in=people).values("pk"))
            .select_related("owner_ente", "assistito")
            .order_by("pk")
        )
        if not cartelle:
            return [_record_nothing_found(user=user, origine=origine, cf=cf, motivo=motivo, people=people, now=now)]
        written = []
        for cartella in cartelle:
            cartella_grant_access(
                cartella=cartella,
                user=user,
                base_giuridica=BaseGiuridica.COMPITO_PUBBLICO,
                destinatario=TipoDestinatario.ENTE_PUBBLICO,
                expires_at=until,
                reason=GRANT_REASON,
            )
            accesso = AccessoEmergenza.objects.create(
                operatore=user,
                ente_origine=origine,
                ente_titolare=cartella.owner_ente,
                codice_fiscale=cf,
                assistito=cartella.assistito,
                cartella=cartella,
                motivo=motivo,
                esito=EsitoEmergenza.CONCESSO,
                dal=now,
                al=until,
            )
            log_access(
                user=user,
                assistito_id=cartella.assistito_id,
                oggetto_tipo="cartella",
                oggetto_id=cartella.pk,
                ente_id=cartella.owner_ente_id,
                finalita=f"accesso di emergenza: {motivo}",
                request=request,
            )
            _alert(
                ente=cartella.owner_ente,
                tipo=TipoSegnalazione.ACCESSO_EMERGENZA,
                operatore=user,
                accesso=accesso,
                descrizione=f"Accesso di emergenza aperto da un operatore di {origine} fino alle "
                f"{timezone.localtime(until):%H:%M} del {timezone.localtime(until):%d/%m/%Y}.",
            )
            written.append(accesso)
        return written


def _record_nothing_found(*, user, origine: Ente, cf: str, motivo: str, people: list[Assistito], now: datetime):
    """Probing stays visible: the person's comune sees the attempt in its review list; an unknown codice fiscale
    is reported to the operator's own responsabile (there is no other ente to tell)."""
    person = people[0] if people else None
    accesso = AccessoEmergenza.objects.create(
        operatore=user,
        ente_origine=origine,
        ente_titolare=person.owner_ente if person else None,
        codice_fiscale=cf,
        assistito=person,
        motivo=motivo,
        esito=EsitoEmergenza.NESSUNA_CARTELLA,
        dal=now,
    )
    _alert(
        ente=person.owner_ente if person else origine,
        tipo=TipoSegnalazione.EMERGENZA_SENZA_ESITO,
        operatore=user,
        accesso=accesso,
        descrizione=f"Richiesta di accesso di emergenza senza cartelle aperte, da un operatore di {origine}.",
    )
    return accesso


def _alert(*, ente: Ente, tipo: str, operatore, descrizione: str, accesso: AccessoEmergenza | None = None):
    """A Segnalazione for the ente's responsabili, and an e-mail to them after commit (no personal data)."""
    segnalazione = Segnalazione.objects.create(
        ente=ente, tipo=tipo, operatore=operatore, accesso=accesso, descrizione=descrizione[:300]
    )
    enqueue_with(send_alert_email, segnalazione.pk)
    return segnalazione


def accesso_emergenza_review(*, accesso: AccessoEmergenza, by, esito: str, nota: str = "") -> AccessoEmergenza:
    """The owner's responsabile judges an emergency access; "da approfondire" needs a note saying what to check."""
    with writing(by):
        errors: dict[str, list[str]] = {}
        if esito not in EsitoRevisione.values:
            errors["esito"] = ["Scegliere «Giustificato» o «Da approfondire»."]
        if esito == EsitoRevisione.DA_APPROFONDIRE and not nota.strip():
            errors["nota"] = ["Indicare che cosa va approfondito."]
        if errors:
            raise ValidationError(errors)
        locked = AccessoEmergenza.objects.select_for_update().get(pk=accesso.pk)
        reviewer_check(by=by, operatore_id=locked.operatore_id, ente_id=locked.ente_titolare_id)
        locked.revisione, locked.nota_revisione = esito, nota.strip()
        locked.revisionato_da, locked.revisionato_il = by, timezone.now()
        locked.full_clean()
        locked.save()
        return locked


def segnalazione_close(*, segnalazione: Segnalazione, by, nota: str) -> Segnalazione:
    with writing(by):
        if not nota.strip():
            raise ValidationError({"nota": ["Indicare l'esito della verifica prima di chiudere la segnalazione."]})
        locked = Segnalazione.objects.select_for_update().get(pk=segnalazione.pk)
        if locked.chiusa_il is not None:
            raise ValidationError("La segnalazione è già chiusa.")
        reviewer_check(by=by, operatore_id=locked.operatore_id, ente_id=locked.ente_id)
        locked.chiusa_il, locked.chiusa_da, locked.nota_chiusura = timezone.now(), by, nota.strip()
        locked.full_clean()
        locked.save()
        return locked


def watch_access(sender, *, row: AccessLog, **kwargs) -> None:
    """Receiver of core's `access_logged` signal (connected in apps.py): every logged read passes the watcher."""
    detect_unusual_access(row)


def detect_unusual_access(log: AccessLog) -> Segnalazione | None:
    """Called by log_access for every read: alert the operator's responsabile when they open more than
    CSE_ALERT_DISTINCT_CARTELLE distinct cases not assigned to them (not case manager, no équipe grant) within
    CSE_ALERT_WINDOW_MINUTES, or read cases outside office hours — at most once per window per operator.

    Cost on the hot path: one count query (AccessLog by user and time, both indexed) per case read."""
    if log.oggetto_tipo != "cartella":
        return None
    window = timedelta(minutes=settings.CSE_ALERT_WINDOW_MINUTES)
    since = log.at - window
    user = log.user
    if outside_office_hours(log.at):
        alert = _alert_once(
            user=user,
            tipo=TipoSegnalazione.FUORI_ORARIO,
            since=since,
            descrizione=(
                f"Consultazione di cartelle alle {timezone.localtime(log.at):%H:%M}, fuori dall'orario di servizio."
            ),
        )
        if alert is not None:
            return alert
    assigned = Cartella.objects.filter(case_manager=user).values("pk")
    equipe = (
        CartellaUserObjectPermission.objects.filter(user=user).exclude(reason=GRANT_REASON).values("content_object_id")
    )
    distinct_unassigned = (
        AccessLog.objects.filter(user=user, oggetto_tipo="cartella", at__gt=since)
        .exclude(oggetto_id__in=assigned)
        .exclude(oggetto_id__in=equipe)
        .values("oggetto_id")
        .distinct()
        .count()
    )
    if distinct_unassigned <= settings.CSE_ALERT_DISTINCT_CARTELLE:
        return None
    return _alert_once(
        user=user,
        tipo=TipoSegnalazione.ACCESSI_INSOLITI,
        since=since,
        descrizione=(
            f"Aperte {distinct_unassigned} cartelle non assegnate all'operatore in "
            f"{settings.CSE_ALERT_WINDOW_MINUTES} minuti."
        ),
    )


def _alert_once(*, user, tipo: str, since: datetime, descrizione: str) -> Segnalazione | None:
    """One alert per operator, kind and window; sent to the operator's own ente (their responsabile)."""
    if Segnalazione.objects.filter(operatore=user, tipo=tipo, creata_il__gt=since).exists():
        return None
    enti = break_glass_enti(user)
    if not enti:
        return None
    with writing(user):
        return _alert(ente=Ente.objects.get(pk=enti[0]), tipo=tipo, operatore=user, descrizione=descrizione)
