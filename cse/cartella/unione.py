"""The merge of two records of one comune, made reversible: what a merge moves and changes (the snapshot kept on the
`Unione`), the state machine of a merge (active → annulled) and the guard that refuses an unmerge when the records
changed since in a way that conflicts. The writes are in cse/cartella/actions/doppioni.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from cse.core.fsm import StateMachine, Transition
from cse.core.permissions import ente_ids_for
from cse.core.roles import Capability

from .anagrafica import ANAGRAFICA_FIELDS
from .models import Assistito, Cartella, StatoUnione, Unione
from .rete import ContattoEsterno, Isee, Relazione

# the fields a merge may change on each record (the anagrafica, plus what identifies a record without CF)
SNAPSHOT_FIELDS = [*ANAGRAFICA_FIELDS, "identificativo_temporaneo"]
# the fields the operator may take from the duplicate, one by one (not the CF: the merge decides it)
CHOOSABLE_FIELDS = [f for f in ANAGRAFICA_FIELDS if f != "codice_fiscale"]

# the rows a merge moves from the duplicate to the record kept: name in the snapshot → (model, field, label)
MOVED = {
    "cartelle": (Cartella, "assistito", "la cartella"),
    "isee": (Isee, "assistito", "un ISEE"),
    "relazioni": (Relazione, "assistito", "una relazione familiare"),
    "relazioni_verso": (Relazione, "persona", "una relazione di un'altra persona"),
    "contatti": (ContattoEsterno, "assistito", "un contatto esterno"),
}


def field_value(obj: Assistito, name: str) -> Any:
    """The stored value of a field in JSON (a date in ISO, a foreign key by its id)."""
    value = Assistito._meta.get_field(name).value_from_object(obj)
    return value.isoformat() if isinstance(value, date) else value


def set_field_value(obj: Assistito, name: str, value: Any) -> None:
    field = Assistito._meta.get_field(name)
    setattr(obj, field.attname, None if value is None else field.to_python(value))


def field_label(name: str) -> str:
    return str(Assistito._meta.get_field(name).verbose_name)


def values_of(obj: Assistito) -> dict[str, Any]:
    return {name: field_value(obj, name) for name in SNAPSHOT_FIELDS}


def changed_fields(before: dict[str, Any], obj: Assistito) -> dict[str, dict[str, Any]]:
    """The fields of `obj` that differ from `before`: {name: {"prima": …, "dopo": …}}."""
    after = values_of(obj)
    return {
        name: {"prima": before[name], "dopo": after[name]} for name in SNAPSHOT_FIELDS if before[name] != after[name]
    }


def rows_to_move(dup: Assistito) -> dict[str, list[int]]:
    """Ids of every row the merge moves from `dup` (the snapshot's "spostati")."""
    return {
        name: sorted(model.objects.filter(**{field: dup}).values_list("pk", flat=True))
        for name, (model, field, _label) in MOVED.items()
    }


def _moved_conflicts(unione: Unione) -> list[str]:
    problems = []
    for name, ids in unione.snapshot.get("spostati", {}).items():
        model, field, label = MOVED[name]
        still = set(
            model.objects.filter(pk__in=ids, **{f"{field}_id": unione.principale_id}).values_list("pk", flat=True)
        )
        for pk in ids:
            if pk not in still:
                problems.append(f"Dopo l'unione {label} (n. {pk}) è stata spostata o eliminata: non si può rimettere.")
    return problems


def _field_conflicts(obj: Assistito, changes: dict[str, dict[str, Any]], whose: str) -> list[str]:
    return [
        f"Il campo «{field_label(name)}» della {whose} è stato modificato dopo l'unione."
        for name, change in changes.items()
        if field_value(obj, name) != change["dopo"]
    ]


def unmerge_conflicts(unione: Unione) -> list[str]:
    """Everything that stops an unmerge, in Italian; empty when both records can be restored as they were."""
    principale = Assistito.objects.get(pk=unione.principale_id)
    duplicato = Assistito.objects.get(pk=unione.duplicato_id)
    problems = []
    if principale.unito_a_id:
        problems.append("La scheda principale è stata a sua volta unita a un'altra: annullare prima quell'unione.")
    if duplicato.unito_a_id != principale.pk:
        problems.append("La scheda duplicata non risulta più unita alla scheda principale.")
    problems += _field_conflicts(principale, unione.snapshot.get("principale", {}), "scheda principale")
    problems += _field_conflicts(duplicato, unione.snapshot.get("duplicato", {}), "scheda duplicata")
    return problems + _moved_conflicts(unione)


def _may(unione: Unione, by, capability) -> bool:
    return unione.ente_id in ente_ids_for(by, capability)


UNIONE = StateMachine(
    name="unione di schede",
    field="stato",
    states=StatoUnione,
    may=_may,
    refuse_actor="Solo un operatore del comune che registra le persone può annullare l'unione.",
    transitions=(
        Transition(
            "annulla",
            StatoUnione.ATTIVA,
            StatoUnione.ANNULLATA,
            "Annulla l'unione",
            guard=unmerge_conflicts,
            capability=Capability.REGISTER_PERSONE,
            event="assistito.unione_annullata",
        ),
    ),
)
