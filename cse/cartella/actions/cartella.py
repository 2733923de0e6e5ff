"""Actions on the case itself: open (also together with the person, from a booking), workflow transitions, re-open,
case manager, explicit grants and ownership moves."""

from __future__ import annotations

from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from guardian.shortcuts import assign_perm

from cse.core.codelists.privacy import BASI, BaseGiuridica, TipoDestinatario
from cse.core.models import Ente
from cse.core.permissions import forget_cached_capabilities
from cse.core.roles import Capability, TipoEnte

from ..fasi import Transizione
from ..glossary import StatoCartella, TipoVoceDiario
from ..models import Assistito, Cartella, CartellaUserObjectPermission
from ..records import iso
from ..workflow import CASE, REFUSE_ACTOR, refusal, step_capability
from . import scadenze
from .assistito import assistito_register
from .consensi import share_basis
from .ritual import case_change, writing

S = StatoCartella


def _next_numero(ente: Ente, year: int) -> str:
    prefix = f"{year}/"
    # numbered by the ente that opened the case, wherever the case is now (a transferred case keeps its number)
    last = Cartella.objects.filter(numerata_da=ente, numero__startswith=prefix).aggregate(m=Max("numero"))["m"]
    seq = int(last.split("/")[1]) + 1 if last else 1
    return f"{prefix}{seq:06d}"


def cartella_open(*, assistito: Assistito, by, area: str = "") -> Cartella:
    """Open a case at the first phase (accesso e orientamento), owned by the person's comune."""
    with writing(by) as change:
        Ente.objects.select_for_update().get(pk=assistito.owner_ente_id)  # serialises numbering per ente
        cartella = Cartella(
            assistito=assistito,
            owner_ente_id=assistito.owner_ente_id,
            numerata_da_id=assistito.owner_ente_id,
            numero=_next_numero(assistito.owner_ente, timezone.localdate().year),
            area=area,
            case_manager=by,
        )
        cartella.full_clean()
        cartella.save()
        change.event(
            "cartella.aperta",
            {"owner_ente": cartella.owner_ente.codice, "area": area, "aperta_il": cartella.aperta_il.isoformat()},
            aggregate=cartella,
        )
    return cartella


def assistito_register_and_open(*, by, **registration) -> tuple[Assistito, Cartella]:
    """The person and the case together, or neither (a booking at the front desk with a verified CF)."""
    with writing(by):
        assistito = assistito_register(**registration)
        cartella = cartella_open(assistito=assistito, by=by)
    return assistito, cartella


def cartella_transition(*, cartella: Cartella, target: str, by, version: int | None = None) -> Cartella:
    """Move the case to `target` if the guard allows it; records the transition, diario, history and outbox event.
    Who acts is checked here too, not only by the view (a worker, a shell, a future API call it too)."""
    with case_change(
        cartella,
        by=by,
        version=version,
        capability=lambda locked: step_capability(locked, target),
        refuse_actor=REFUSE_ACTOR,
        allow_closed=True,  # the refusal names the closed case itself
    ) as change:
        locked = change.cartella
        problems = refusal(locked, target)  # unknown phase, backwards, skipped, closed, or what the guard misses
        if problems:
            raise ValidationError(problems)
        source, step = locked.stato, CASE.find(locked.stato, target)
        if source == S.ACCESSO and not locked.area:
            locked.area = locked.scheda_accesso.area
        payload = {"da": source, "a": target, "area": locked.area, "data": timezone.localdate().isoformat()}
        CASE.apply(locked, step.name, by=by, payload=payload)  # the machine sets the phase and records the event
        if target == S.CHIUSA:
            locked.chiusa_il = timezone.localdate()
            scadenze.cancel_all_in(change, locked, note="cartella chiusa")
        change.save(locked, reason=f"{S(source).label} → {S(target).label}")
        Transizione.objects.create(cartella=locked, da_stato=source, a_stato=target, by=by)
        change.diary(f"{S(source).label} → {S(target).label}", TipoVoceDiario.FASE)
    return locked


def cartella_reopen(*, cartella: Cartella, by) -> Cartella:
    """A closed case is never moved back: re-opening starts a new episode linked to the old one."""
    with case_change(cartella, by=by, allow_closed=True, bump=False) as change:
        old = change.cartella
        if old.stato != S.CHIUSA:
            raise ValidationError("Si riapre solo una cartella chiusa.")
        if old.riaperture.exists():
            raise ValidationError("Questa cartella è già stata riaperta: proseguire sul nuovo episodio.")
        Ente.objects.select_for_update().get(pk=old.owner_ente_id)
        new = Cartella.objects.create(
            assistito=old.assistito,
            owner_ente=old.owner_ente,
            numerata_da=old.owner_ente,
            numero=_next_numero(old.owner_ente, timezone.localdate().year),
            area=old.area,
            case_manager=old.case_manager,
            riaperta_da=old,
        )
        change.diary_on(new, f"Riapertura del caso (episodio precedente: cartella {old.numero}).", TipoVoceDiario.FASE)
        change.diary_on(old, f"Caso riaperto con la cartella {new.numero}.", TipoVoceDiario.FASE)
        change.event("cartella.riaperta", {"area": new.area, "data": iso(new.aperta_il)}, aggregate=new)
    return new


def case_manager_assign(*, cartella: Cartella, user, by, version: int | None) -> Cartella:
    with case_change(cartella, by=by, version=version) as change:
        locked = change.cartella
        locked.case_manager = user
        change.save(locked, reason="nuovo case manager")
        change.diary(f"Case manager: {user.get_full_name() or user.get_username()}.")
    return locked


def cartella_grant_access(
    *,
    cartella: Cartella,
    user,
    base_giuridica: str | None,
    destinatario: str = TipoDestinatario.EQUIPE,
    write: bool = False,
    expires_at: datetime | None = None,
    reason: str = "",
    by=None,
) -> None:
    """Explicit per-object grant (a named équipe member, a UVM professional, a third-sector body); the exception,
    never the rule. Refused unless a legal basis covers this kind of recipient (GDPR art. 6/9: the message names
    it); a share resting on consent records the consent, whose revocation ends it (actions.consensi)."""
    consenso = share_basis(cartella, destinatario=destinatario, base_giuridica=base_giuridica)
    with writing(by):
        for codename in ("view_cartella", "change_cartella") if write else ("view_cartella",):
            assign_perm(f"cartella.{codename}", user, cartella)
            for grant in CartellaUserObjectPermission.objects.filter(
                content_object=cartella, user=user, permission__codename=codename
            ):
                grant.expires_at, grant.reason = expires_at, reason[:300]
                grant.destinatario, grant.base_giuridica, grant.consenso = destinatario, base_giuridica, consenso
                grant._change_reason = f"condivisione: {base_giuridica}"[:100]
                grant.save()
    # the grantee's identity may be memoised on this very object (an action granting and reading in one request)
    forget_cached_capabilities(user)


def _check_ownership_target(cartella: Cartella, to_ente: Ente) -> None:
    """A case may belong only to the person's comune or to that comune's ambito (no comune-to-comune moves)."""
    comune_ente = cartella.assistito.owner_ente
    if to_ente.tipo == TipoEnte.COMUNE and to_ente.pk != comune_ente.pk:
        raise ValidationError("La cartella può tornare solo al comune che ha in carico la persona.")
    if to_ente.tipo == TipoEnte.AMBITO and comune_ente.comune.ambito_id != to_ente.ambito_id:
        raise ValidationError("La cartella può passare solo all'ambito di cui fa parte il comune della persona.")
    residenza = cartella.assistito.comune_residenza
    if to_ente.tipo == TipoEnte.AMBITO and (residenza is None or residenza.ambito_id != to_ente.ambito_id):
        raise ValidationError(
            "Solo le cartelle di persone residenti nei comuni dell'ambito possono passare all'ambito."
        )
    if to_ente.tipo == TipoEnte.REGIONE:
        raise ValidationError("La titolarità di una cartella non può passare alla regione.")


def cartella_move_ownership(*, cartella: Cartella, to_ente: Ente, by, reason: str, keep_access_for=()) -> Cartella:
    """Move a case to another ente and re-grant in one transaction: all of it happens, or none of it.

    Visibility follows owner_ente (group grants live on the tenant), so moving the FK moves every group's access;
    named people of the old owner (e.g. the comune's case manager) keep an explicit équipe grant.
    """
    if not reason.strip():
        raise ValidationError({"reason": ["Indicare il motivo del cambio di titolarità."]})
    related = ("assistito__owner_ente__comune", "assistito__comune_residenza")
    with case_change(cartella, by=by, allow_closed=True, bump=False, related=related) as change:
        locked = change.cartella
        if locked.owner_ente_id == to_ente.pk:
            raise ValidationError("La cartella appartiene già a questo ente.")
        _check_ownership_target(locked, to_ente)
        previous = locked.owner_ente
        locked.owner_ente = to_ente
        change.save(locked, reason=reason.strip())
        for user in keep_access_for:
            cartella_grant_access(
                cartella=locked,
                user=user,
                base_giuridica=BaseGiuridica.COMPITO_PUBBLICO,
                destinatario=TipoDestinatario.ENTE_PUBBLICO,
                reason=f"membro dell'équipe ({previous.nome})",
            )
        change.event("cartella.titolarita_trasferita", {"da_ente": previous.codice, "a_ente": to_ente.codice})
    return locked


def cartella_share(
    *, cartella: Cartella, username: str, destinatario: str, base_giuridica: str, scade_il: date | None, by
) -> None:
    """Share a case (read only) with a named person of another organisation, a UVM professional or a third-sector
    body, by a professional of the owner ente; refused without a legal basis covering that recipient (the grant keeps
    the basis, and the consent it rests on if any), recorded in the diary with the basis shown."""
    user = get_user_model().objects.filter(username=username.strip(), is_active=True).first()
    if user is None:
        raise ValidationError({"utente": ["Nessun utente attivo con questo nome utente."]})
    if scade_il is not None and scade_il <= timezone.localdate():
        raise ValidationError({"scade_il": ["La scadenza dell'accesso deve essere futura."]})
    expires_at = datetime.combine(scade_il, time.max, tzinfo=timezone.get_current_timezone()) if scade_il else None
    with case_change(cartella, by=by, capability=Capability.MANAGE_CARTELLE, bump=False) as change:
        cartella_grant_access(
            cartella=change.cartella,
            user=user,
            base_giuridica=base_giuridica,
            destinatario=destinatario,
            expires_at=expires_at,
            reason=f"condivisione ({destinatario})",
            by=by,
        )
        base = BASI[base_giuridica]
        change.diary(
            f"Cartella condivisa con {user.get_full_name() or user.get_username()} "
            f"({TipoDestinatario(destinatario).label}). Base giuridica: {base.etichetta}."
        )
