"""Possible duplicates: a pair marked as two different people, and the undoing of a merge (the merge itself is
assistito_merge in assistito.py, which records the snapshot through `record_merge` below)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from ..models import Assistito, NonDoppione, Unione
from ..unione import MOVED, UNIONE, changed_fields, set_field_value
from .ritual import bump_version, writing

REASON_REQUIRED = "Indicare il motivo."


def record_merge(
    *, keep: Assistito, dup: Assistito, by, reason: str, before: dict, spostati: dict[str, list[int]]
) -> Unione:
    """The merge as a row: what it moved and the fields it changed on both records (before and after)."""
    return Unione.objects.create(
        ente_id=keep.owner_ente_id,
        principale=keep,
        duplicato=dup,
        motivo=reason,
        fatta_da=by,
        snapshot={
            "spostati": spostati,
            "principale": changed_fields(before["principale"], keep),
            "duplicato": changed_fields(before["duplicato"], dup),
        },
    )


def _move_back(unione: Unione, duplicato: Assistito, reason: str) -> None:
    for name, ids in unione.snapshot.get("spostati", {}).items():
        model, field, _label = MOVED[name]
        rows = (
            model.objects.select_for_update().filter(pk__in=ids)
            if name == "cartelle"
            else model.objects.filter(pk__in=ids)
        )
        for row in rows:
            setattr(row, field, duplicato)
            row._change_reason = f"annullata unione schede: {reason}"[:100]
            row.save()


def _restore_fields(obj: Assistito, changes: dict) -> None:
    for name, change in changes.items():
        set_field_value(obj, name, change["prima"])


def assistito_unmerge(*, unione: Unione, by, reason: str) -> Unione:
    """Undo a merge: the moved rows go back to the duplicate, both records get back the values they had, the
    duplicate is listed again. Refused (in Italian, nothing written) when the records changed since in a way that
    conflicts (UNIONE's guard, cse/cartella/unione.py)."""
    if not reason.strip():
        raise ValidationError({"reason": [REASON_REQUIRED]})
    with writing(by) as change:
        locked = Unione.objects.select_for_update().get(pk=unione.pk)
        principale = Assistito.objects.select_for_update().get(pk=locked.principale_id)
        duplicato = Assistito.objects.select_for_update().get(pk=locked.duplicato_id)
        UNIONE.apply(
            locked, "annulla", by=by, payload={"unione": locked.pk, "ripristinata": duplicato.pk}, aggregate=principale
        )
        _move_back(locked, duplicato, reason.strip())
        _restore_fields(principale, locked.snapshot.get("principale", {}))
        _restore_fields(duplicato, locked.snapshot.get("duplicato", {}))
        duplicato.unito_a = None
        for obj in (principale, duplicato):
            bump_version(obj)
        # the record kept first: it gives back the codice fiscale the duplicate had, before the duplicate takes it
        change.save(principale, reason=f"annullata l'unione con la scheda {duplicato.pk}: {reason.strip()}")
        change.save(duplicato, reason=f"annullata l'unione alla scheda {principale.pk}: {reason.strip()}")
        locked.annullata_da, locked.annullata_il, locked.motivo_annullamento = by, timezone.now(), reason.strip()
        change.save(locked, reason="unione annullata")
    return locked


def doppione_escludi(*, a: Assistito, b: Assistito, by, motivo: str = "") -> NonDoppione:
    """Two records of one comune are two people: the pair is not proposed again (idempotent)."""
    if a.owner_ente_id != b.owner_ente_id or a.pk == b.pk:
        raise ValidationError("Si confrontano solo due schede diverse dello stesso comune.")
    low, high = sorted((a.pk, b.pk))
    with writing(by):
        row, _ = NonDoppione.objects.get_or_create(
            a_id=low, b_id=high, defaults={"ente_id": a.owner_ente_id, "motivo": motivo.strip()[:300], "deciso_da": by}
        )
    return row
