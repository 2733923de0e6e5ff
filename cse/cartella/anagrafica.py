"""Writers of the assistito's record beyond registration: updates and CF reconciliation, ISEE, relations network,
external contacts, and the merge of a duplicate record (history kept on both)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from cse.core.outbox import outbox_append

from .identity import codice_fiscale_problems, normalise_cf
from .models import Assistito, Cartella
from .rete import ContattoEsterno, Isee, Relazione
from .workflow import STALE_MESSAGE

ANAGRAFICA_FIELDS = [
    "codice_fiscale",
    "cognome",
    "nome",
    "sesso",
    "data_nascita",
    "luogo_nascita",
    "comune_residenza",
    "indirizzo_residenza",
    "domicilio",
    "cittadinanza",
    "telefono",
    "email",
    "condizione_occupazionale",
    "disabilita",
    "invalidita_percentuale",
    "protezione_giuridica",
    "protezione_referente",
]


def _lock(assistito: Assistito, version: int | None) -> Assistito:
    locked = Assistito.objects.select_for_update().get(pk=assistito.pk)
    if version is not None and locked.version != version:
        raise ValidationError(STALE_MESSAGE.replace("La cartella è stata modificata", "La scheda è stata modificata"))
    if locked.unito_a_id:
        raise ValidationError("Questa scheda è stata unita a un'altra: modificare la scheda principale.")
    Assistito.objects.filter(pk=locked.pk).update(version=F("version") + 1)
    locked.version += 1
    return locked


def _event(assistito: Assistito, event_type: str, payload: dict) -> None:
    outbox_append(aggregate=assistito, event_type=event_type, payload=payload)


@transaction.atomic
def assistito_update(*, assistito: Assistito, data: dict, by, version: int | None, reason: str = "") -> Assistito:
    """Update the record; a CF given later (reconciling a temporary identifier) is checked like at registration."""
    locked = _lock(assistito, version)
    for field in ANAGRAFICA_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    locked.codice_fiscale = normalise_cf(locked.codice_fiscale)
    if locked.codice_fiscale:
        problems = codice_fiscale_problems(
            locked.codice_fiscale,
            cognome=locked.cognome,
            nome=locked.nome,
            sesso=locked.sesso,
            data_nascita=locked.data_nascita,
            luogo_nascita=locked.luogo_nascita,
        )
        if problems:
            raise ValidationError({"codice_fiscale": problems})
        clash = Assistito.objects.filter(owner_ente_id=locked.owner_ente_id, codice_fiscale=locked.codice_fiscale)
        if clash.exclude(pk=locked.pk).exists():
            raise ValidationError(
                {
                    "codice_fiscale": [
                        "Un'altra scheda del comune ha già questo codice fiscale: usare l'unione dei duplicati."
                    ]
                }
            )
    locked.full_clean()
    locked._change_reason = (reason or "aggiornamento anagrafica")[:100]
    locked.save()
    _event(
        locked,
        "assistito.aggiornato",
        {
            "comune_residenza": locked.comune_residenza.codice_istat if locked.comune_residenza_id else None,
            "cittadinanza": locked.cittadinanza,
            "condizione_occupazionale": locked.condizione_occupazionale,
            "disabilita": locked.disabilita,
        },
    )
    return locked


@transaction.atomic
def isee_add(*, assistito: Assistito, data: dict, by) -> Isee:
    locked = _lock(assistito, None)
    isee = Isee(assistito=locked, **data)
    isee.full_clean()
    isee.save()
    _event(
        locked,
        "assistito.isee_registrato",
        {
            "tipo": isee.tipo,
            "valore": str(isee.valore),
            "valida_dal": isee.valida_dal.isoformat(),
            "valida_al": isee.valida_al.isoformat(),
        },
    )
    return isee


@transaction.atomic
def relazione_add(*, assistito: Assistito, data: dict, by) -> Relazione:
    locked = _lock(assistito, None)
    persona = data.get("persona")
    if persona is not None and (persona.owner_ente_id != locked.owner_ente_id or persona.pk == locked.pk):
        raise ValidationError({"persona": ["Si può collegare solo un'altra persona registrata nello stesso comune."]})
    relazione = Relazione(assistito=locked, **data)
    relazione.full_clean()
    relazione.save()
    _event(locked, "assistito.relazione_aggiunta", {"tipo": relazione.tipo, "convivente": relazione.convivente})
    return relazione


@transaction.atomic
def contatto_add(*, assistito: Assistito, data: dict, by) -> ContattoEsterno:
    locked = _lock(assistito, None)
    contatto = ContattoEsterno(assistito=locked, **data)
    contatto.full_clean()
    contatto.save()
    _event(locked, "assistito.contatto_aggiunto", {"tipo": contatto.tipo})
    return contatto


@transaction.atomic
def assistito_merge(*, keep: Assistito, duplicate: Assistito, by, reason: str) -> Assistito:
    """Move cases, ISEE, relations and contacts of `duplicate` onto `keep`; the duplicate stays, linked, for history."""
    if not reason.strip():
        raise ValidationError({"reason": ["Indicare il motivo dell'unione."]})
    keep_locked, dup_locked = _lock(keep, None), _lock(duplicate, None)
    if keep_locked.owner_ente_id != dup_locked.owner_ente_id or keep_locked.pk == dup_locked.pk:
        raise ValidationError("Si uniscono solo due schede diverse dello stesso comune.")
    if (
        dup_locked.codice_fiscale
        and keep_locked.codice_fiscale
        and dup_locked.codice_fiscale != keep_locked.codice_fiscale
    ):
        raise ValidationError("Le due schede hanno codici fiscali diversi: non sono la stessa persona.")
    for cartella in Cartella.objects.select_for_update(of=("self",)).filter(assistito=dup_locked):
        cartella.assistito = keep_locked
        cartella._change_reason = f"unione schede: {reason.strip()}"[:100]
        cartella.save()
    for model in (Isee, Relazione, ContattoEsterno):
        for row in model.objects.filter(assistito=dup_locked):
            row.assistito = keep_locked
            row._change_reason = "unione schede"
            row.save()
    Relazione.objects.filter(persona=dup_locked).update(persona=keep_locked)
    if not keep_locked.codice_fiscale and dup_locked.codice_fiscale:
        keep_locked.codice_fiscale, dup_locked.codice_fiscale = dup_locked.codice_fiscale, ""
        dup_locked.identificativo_temporaneo = dup_locked.identificativo_temporaneo or f"UNITO-{dup_locked.pk}"
    dup_locked.unito_a = keep_locked
    dup_locked._change_reason = f"unita alla scheda {keep_locked.pk}: {reason.strip()}"[:100]
    dup_locked.save()
    keep_locked._change_reason = f"unita la scheda {dup_locked.pk}"[:100]
    keep_locked.save()
    _event(keep_locked, "assistito.unificato", {"unito": dup_locked.pk})
    return keep_locked
