"""The only writers of the case tables. Each service is one transaction with its history and its outbox event."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from guardian.shortcuts import assign_perm

from cse.core.models import Comune, Ente
from cse.core.outbox import outbox_append
from cse.core.roles import TipoEnte

from .identity import codice_fiscale_problems, normalise_cf, search_key
from .models import Assistito, Cartella, CartellaUserObjectPermission


@transaction.atomic
def assistito_register(
    *,
    ente: Ente,
    cognome: str,
    nome: str,
    sesso: str,
    data_nascita: date,
    luogo_nascita: str,
    codice_fiscale: str = "",
    identificativo_temporaneo: str = "",
    comune_residenza: Comune | None = None,
    confirm_not_duplicate: bool = False,
    **anagrafica,
) -> Assistito:
    """Register a person in a comune. The CF must match the declared identity; without CF a temporary id is used.
    Someone with the same name and birth date already in the comune stops the registration until the operator
    confirms it is another person (or opens the existing record)."""
    if ente.tipo != TipoEnte.COMUNE:
        raise ValidationError("Gli assistiti si registrano presso un comune.")
    cf = normalise_cf(codice_fiscale)
    errors: dict[str, list[str]] = {}
    if cf:
        problems = codice_fiscale_problems(
            cf, cognome=cognome, nome=nome, sesso=sesso, data_nascita=data_nascita, luogo_nascita=luogo_nascita
        )
        if problems:
            errors["codice_fiscale"] = problems
        elif Assistito.objects.filter(owner_ente=ente, codice_fiscale=cf).exists():
            errors["codice_fiscale"] = ["Questa persona è già registrata presso il comune (stesso codice fiscale)."]
    elif not identificativo_temporaneo.strip():
        errors["codice_fiscale"] = [
            "Indicare il codice fiscale o, se la persona non lo ha, un identificativo temporaneo."
        ]
    if not errors and not confirm_not_duplicate:
        twins = possible_duplicates(ente=ente, cognome=cognome, nome=nome, data_nascita=data_nascita)
        if twins:
            names = "; ".join(f"{t.cognome} {t.nome}, {t.identificativo}" for t in twins[:3])
            errors["confirm_not_duplicate"] = [
                f"Possibile duplicato: nel comune è già registrata una persona con stesso nome e data di nascita "
                f"({names}). Se si tratta di un'altra persona, confermarlo e registrare di nuovo."
            ]
    if errors:
        raise ValidationError(errors)
    assistito = Assistito(
        owner_ente=ente,
        codice_fiscale=cf,
        identificativo_temporaneo=identificativo_temporaneo.strip(),
        cognome=cognome.strip(),
        nome=nome.strip(),
        sesso=sesso,
        data_nascita=data_nascita,
        luogo_nascita=luogo_nascita.upper(),
        comune_residenza=comune_residenza,
        **anagrafica,
    )
    assistito.full_clean()
    assistito.save()
    return assistito


def possible_duplicates(*, ente: Ente, cognome: str, nome: str, data_nascita: date, exclude_pk: int | None = None):
    """People of the same comune with the same normalised name and birth date (CF duplicates are refused outright)."""
    qs = Assistito.objects.filter(
        owner_ente=ente,
        cognome_ricerca=search_key(cognome),
        nome_ricerca=search_key(nome),
        data_nascita=data_nascita,
        unito_a__isnull=True,
    )
    return list(qs.exclude(pk=exclude_pk)) if exclude_pk else list(qs)


def _next_numero(ente: Ente, year: int) -> str:
    prefix = f"{year}/"
    # numbered by the ente that opened the case, wherever the case is now (a transferred case keeps its number)
    last = Cartella.objects.filter(numerata_da=ente, numero__startswith=prefix).aggregate(m=Max("numero"))["m"]
    seq = int(last.split("/")[1]) + 1 if last else 1
    return f"{prefix}{seq:06d}"


@transaction.atomic
def cartella_open(*, assistito: Assistito, by, area: str = "") -> Cartella:
    """Open a case at the first phase (accesso e orientamento), owned by the person's comune."""
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
    outbox_append(
        aggregate=cartella,
        event_type="cartella.aperta",
        payload={"owner_ente": cartella.owner_ente.codice, "area": area, "aperta_il": cartella.aperta_il.isoformat()},
    )
    return cartella


@transaction.atomic
def cartella_grant_access(
    *, cartella: Cartella, user, write: bool = False, expires_at: datetime | None = None, reason: str = ""
) -> None:
    """Explicit per-object grant (a named équipe member); the exception, never the rule."""
    for codename in ("view_cartella", "change_cartella") if write else ("view_cartella",):
        assign_perm(f"cartella.{codename}", user, cartella)
        CartellaUserObjectPermission.objects.filter(
            content_object=cartella, user=user, permission__codename=codename
        ).update(expires_at=expires_at, reason=reason[:300])


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


@transaction.atomic
def cartella_move_ownership(*, cartella: Cartella, to_ente: Ente, by, reason: str, keep_access_for=()) -> Cartella:
    """Move a case to another ente and re-grant in one transaction: all of it happens, or none of it.

    Visibility follows owner_ente (group grants live on the tenant), so moving the FK moves every group's access;
    named people of the old owner (e.g. the comune's case manager) keep an explicit équipe grant.
    """
    if not reason.strip():
        raise ValidationError({"reason": ["Indicare il motivo del cambio di titolarità."]})
    locked = (
        Cartella.objects.select_for_update(of=("self",))
        .select_related("assistito__owner_ente__comune", "assistito__comune_residenza")
        .get(pk=cartella.pk)
    )
    if locked.owner_ente_id == to_ente.pk:
        raise ValidationError("La cartella appartiene già a questo ente.")
    _check_ownership_target(locked, to_ente)
    previous = locked.owner_ente
    locked.owner_ente = to_ente
    locked._change_reason = reason.strip()[:100]
    locked.save()
    for user in keep_access_for:
        cartella_grant_access(cartella=locked, user=user, reason=f"membro dell'équipe ({previous.nome})")
    outbox_append(
        aggregate=locked,
        event_type="cartella.titolarita_trasferita",
        payload={"da_ente": previous.codice, "a_ente": to_ente.codice},
    )
    return locked
