"""The event-type registry (cse/core/events.py) lists exactly what the product emits, with allow-listed fields."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps

from cse.cartella.models import Assistito, Cartella
from cse.cartella.regional_events import ID_FIELDS
from cse.core.event_schema import DATA_FIELDS
from cse.core.events import EVENTS, LOCAL_IDS, REGIONAL_AGGREGATES, markdown_table
from cse.core.outbox import outbox_append

ROOT = Path(__file__).resolve().parents[2]
AGGREGATES = (
    "cartella|assistito|siuss|bando|domanda|graduatoria|provvedimento|notifica|liquidazione|rata|lineabudget"
    "|tariffa|compartecipazione|informativa|consenso|approvazione|scadenza"
)
EVENT_NAME = re.compile(rf"^({AGGREGATES})\.[a-z_]+$")


def _product_trees():
    registry = ROOT / "cse" / "core" / "events.py"  # the registry's own names prove nothing
    for package in ("cse", "interop"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts and path != registry:
                yield path, ast.parse(path.read_text(encoding="utf-8"))


def _pattern(node: ast.JoinedStr) -> str:
    """f"cartella.{record}_aggiornata" → ^cartella\\.[a-z_]+_aggiornata$ (each placeholder stands for a code)."""
    parts = [re.escape(v.value) if isinstance(v, ast.Constant) else "[a-z_]+" for v in node.values]
    return "^" + "".join(parts) + "$"


def _not_events() -> set[str]:
    """Dotted names that look like events but are models ("cartella.cartella") or permissions."""
    names = set()
    for model in apps.get_models():
        meta = model._meta
        names.add(meta.label_lower)
        names.update(f"{meta.app_label}.{action}_{meta.model_name}" for action in meta.default_permissions)
        names.update(f"{meta.app_label}.{codename}" for codename, _ in meta.permissions)
    return names


def _looks_like_event(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(EVENT_NAME.match(node.value))


def _event_argument(node: ast.AST) -> ast.JoinedStr | None:
    """An f-string given as the event of an emission: `event_type=`/`event=`, or the first argument of `.event(…)`."""
    if isinstance(node, ast.keyword) and node.arg in ("event_type", "event"):
        value = node.value
    elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "event" and node.args:
        value = node.args[0]
    else:
        return None
    return value if isinstance(value, ast.JoinedStr) else None


def _emitted() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Literal event names and name prefixes (ending in "_") anywhere in product code, and the f-string patterns given
    as the event of an emission, each with the place it was found."""
    not_events = _not_events()
    literals, prefixes, patterns = {}, {}, {}
    for path, tree in _product_trees():
        for node in ast.walk(tree):
            if (fstring := _event_argument(node)) is not None:
                patterns[_pattern(fstring)] = f"{path.relative_to(ROOT)}:{fstring.lineno}"
            elif _looks_like_event(node) and node.value not in not_events:
                bucket = prefixes if node.value.endswith("_") else literals
                bucket[node.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return literals, prefixes, patterns


def test_every_event_type_named_in_product_code_is_registered():
    literals, prefixes, patterns = _emitted()
    assert "cartella.fase_cambiata" in literals and patterns  # the walk does see the code
    missing = {name: where for name, where in literals.items() if name not in EVENTS}
    assert not missing, f"eventi non registrati in cse/core/events.py: {missing}"
    for prefix, where in prefixes.items():
        assert any(name.startswith(prefix) for name in EVENTS), f"{where}: nessun evento registrato inizia con {prefix}"
    for pattern, where in patterns.items():
        assert any(re.match(pattern, name) for name in EVENTS), f"{where}: nessun evento registrato per {pattern}"


def test_every_registered_event_type_is_emitted_somewhere():
    literals, _, patterns = _emitted()
    unused = [n for n in EVENTS if n not in literals and not any(re.match(p, n) for p in patterns)]
    assert not unused, f"registrati ma mai emessi: {unused}"


def test_the_fields_sent_to_the_region_are_allow_listed_and_local_fields_never_leave():
    assert LOCAL_IDS == ID_FIELDS  # the relay pseudonymises exactly the ids the registry calls local
    assert set(LOCAL_IDS.values()) <= set(DATA_FIELDS)
    for event in EVENTS.values():
        assert event.description
        if event.aggregate not in REGIONAL_AGGREGATES:  # local (bandi): the relay never reads it, nothing leaves
            assert event.fields == (), f"{event.name}: un evento locale non ha campi verso la regione"
            continue
        outside = [f for f in event.fields if f not in DATA_FIELDS and f not in LOCAL_IDS]
        assert not outside, f"{event.name}: campi fuori dalla allow-list di event_schema.DATA_FIELDS: {outside}"
        leaking = [f for f in event.local if f in DATA_FIELDS or f in LOCAL_IDS]
        assert not leaking, f"{event.name}: campi dichiarati locali ma inviati alla regione: {leaking}"
        assert event.aggregate in REGIONAL_AGGREGATES


def test_an_unregistered_event_type_is_refused_naming_the_registry():
    with pytest.raises(ValueError, match=r"cartella\.inventato.*cse\.core\.events\.EVENTS"):
        outbox_append(aggregate=Cartella(), event_type="cartella.inventato", payload={})


def test_an_event_on_another_aggregate_than_the_registered_one_is_refused():
    with pytest.raises(ValueError, match="aggregato assistito"):
        outbox_append(aggregate=Cartella(), event_type="assistito.unificato", payload={})
    with pytest.raises(ValueError, match="aggregato cartella"):
        outbox_append(aggregate=Assistito(), event_type="cartella.fase_cambiata", payload={})


def test_the_events_page_lists_exactly_the_registry():
    page = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    begin, end = "<!-- registry:begin -->\n", "<!-- registry:end -->"
    assert page.split(begin, 1)[1].split(end, 1)[0] == markdown_table()
    assert "(events.md)" in (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
