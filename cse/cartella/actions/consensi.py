"""Informativa and consents: record that the privacy notice was given, give and revoke a consent (from the desk or the
citizen portal), and check the legal basis of a share of a case. A revocation ends at once, in its transaction, every
share of a case that rested on that consent (GDPR art. 7(3)), with history, a diary line and an event.

Events stay local (aggregates `informativa` and `consenso`, never relayed to the region): they carry codes only.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from cse.core.codelists.privacy import (
    BASI,
    CanalePrivacy,
    FinalitaConsenso,
    TipoDestinatario,
    TramiteRevoca,
    VersioneInformativa,
    basi_per,
)
from cse.core.permissions import forget_cached_capabilities

from ..consensi import Consenso, Informativa
from ..models import Assistito, Cartella, CartellaUserObjectPermission
from .ritual import writing

ALREADY_GIVEN = "Il consenso per questa finalità risulta già dato: per cambiarlo, revocarlo prima."


def _lock_person(assistito: Assistito) -> Assistito:
    """Serialise the consents of one person (the unique active consent per purpose is also a constraint)."""
    locked = Assistito.objects.select_for_update().get(pk=assistito.pk)
    if locked.unito_a_id:
        raise ValidationError("Questa scheda è stata unita a un'altra: registrare sulla scheda principale.")
    return locked


def _check_choice(value: str, choices, field: str, message: str) -> None:
    if value not in choices.values:
        raise ValidationError({field: [message]})


def informativa_record(*, assistito: Assistito, versione: str, data: date, canale: str, by) -> Informativa:
    """The informativa (art. 13) was given: which text, on which day (not in the future), through which channel."""
    _check_choice(versione, VersioneInformativa, "versione", "Scegliere la versione dell'informativa consegnata.")
    _check_choice(canale, CanalePrivacy, "canale", "Scegliere come è stata consegnata l'informativa.")
    if data is None or data > timezone.localdate():
        raise ValidationError({"data": ["La data di consegna dell'informativa non può essere futura."]})
    if assistito.data_nascita and data < assistito.data_nascita:
        raise ValidationError({"data": ["La data di consegna è precedente alla nascita della persona."]})
    with writing(by) as change:
        locked = _lock_person(assistito)
        informativa = Informativa(assistito=locked, versione=versione, data=data, canale=canale, consegnata_da=by)
        change.save(informativa, reason="informativa consegnata")
        change.event("informativa.registrata", {"versione": versione, "canale": canale}, aggregate=informativa)
    return informativa


def consenso_give(*, assistito: Assistito, finalita: str, canale: str, by, dato_il: datetime | None = None) -> Consenso:
    """A consent to one purpose (art. 7): refused if one is already active for it, so the proof stays unambiguous."""
    _check_choice(finalita, FinalitaConsenso, "finalita", "Scegliere la finalità del consenso.")
    _check_choice(canale, CanalePrivacy, "canale", "Indicare come è stato espresso il consenso.")
    when = dato_il or timezone.now()
    if when > timezone.now():
        raise ValidationError({"dato_il": ["La data del consenso non può essere futura."]})
    with writing(by) as change:
        locked = _lock_person(assistito)
        if Consenso.objects.filter(assistito=locked, finalita=finalita, revocato_il__isnull=True).exists():
            raise ValidationError({"finalita": [ALREADY_GIVEN]})
        consenso = Consenso(assistito=locked, finalita=finalita, dato_il=when, canale=canale, registrato_da=by)
        change.save(consenso, reason=f"consenso dato ({canale})")
        change.event("consenso.dato", {"finalita": finalita, "canale": canale}, aggregate=consenso)
    return consenso


def consenso_revoke(*, consenso: Consenso, by, tramite: str = TramiteRevoca.OPERATORE) -> Consenso:
    """Withdraw a consent (art. 7(3)): effective at once, and the shares resting on it end in the same transaction.
    Revoking an already revoked consent changes nothing and emits nothing (a double click, a second tab)."""
    _check_choice(tramite, TramiteRevoca, "tramite", "Canale di revoca non valido.")
    with writing(by) as change:
        _lock_person(consenso.assistito)
        locked = Consenso.objects.select_for_update().get(pk=consenso.pk)
        if locked.revocato_il is not None:
            return locked
        locked.revocato_il, locked.revocato_da, locked.revocato_tramite = timezone.now(), by, tramite
        change.save(locked, reason=f"consenso revocato ({tramite})")
        change.event("consenso.revocato", {"finalita": locked.finalita, "tramite": tramite}, aggregate=locked)
        _end_shares_of(locked, change)
    return locked


def _end_shares_of(consenso: Consenso, change) -> None:
    """Every open share that rested on this consent expires now; the case diary says so, an event records it."""
    now = consenso.revocato_il
    grants = CartellaUserObjectPermission.objects.select_for_update().filter(consenso=consenso)
    ended_users: dict = {}
    for grant in grants.exclude(expires_at__lte=now).select_related("user", "content_object"):
        grant.expires_at = now
        change.save(grant, reason="consenso revocato: condivisione terminata")
        if grant.user_id not in ended_users:
            change.diary_on(
                grant.content_object,
                f"Condivisione con {grant.user.get_full_name() or grant.user.get_username()} terminata: "
                "l'interessato ha revocato il consenso.",
            )
            change.event(
                "consenso.condivisione_terminata",
                {"cartella": grant.content_object_id, "base_giuridica": grant.base_giuridica},
                aggregate=consenso,
            )
        ended_users[grant.user_id] = grant.user
    for user in ended_users.values():
        forget_cached_capabilities(user)


def active_consent(assistito: Assistito, finalita: str) -> Consenso | None:
    return Consenso.objects.filter(assistito=assistito, finalita=finalita, revocato_il__isnull=True).first()


def share_basis(cartella: Cartella, *, destinatario: str, base_giuridica: str | None) -> Consenso | None:
    """Refuse a share that no legal basis covers, naming what is missing in Italian with the GDPR reference; return
    the consent the share rests on (None for a basis in law)."""
    if destinatario not in TipoDestinatario.values:
        raise ValidationError({"destinatario": ["Indicare a chi si condivide la cartella."]})
    possibili = basi_per(destinatario)
    elenco = "; ".join(b.etichetta for b in possibili)
    base = BASI.get(base_giuridica or "")
    if base is None:
        raise ValidationError(
            {"base_giuridica": [f"Condivisione rifiutata: manca la base giuridica. Per questo destinatario: {elenco}."]}
        )
    if destinatario not in base.destinatari:
        raise ValidationError(
            {
                "base_giuridica": [
                    f"Condivisione rifiutata: «{base.etichetta}» non copre la condivisione con "
                    f"«{TipoDestinatario(destinatario).label}». Basi possibili: {elenco}."
                ]
            }
        )
    if not base.consenso:
        return None
    consenso = active_consent(cartella.assistito, base.consenso)
    if consenso is None:
        finalita = FinalitaConsenso(base.consenso).label
        raise ValidationError(
            {
                "base_giuridica": [
                    f"Condivisione rifiutata: manca il consenso dell'interessato «{finalita}» ({base.riferimento}). "
                    "Registrarlo nella scheda della persona prima di condividere."
                ]
            }
        )
    return consenso
