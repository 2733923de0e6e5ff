"""The test tree stays a tree: test modules share code only through tests/support/, never by importing each other
(or a conftest), so a test can be read, moved or deleted on its own."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _is_test_module(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return last.startswith("test_") or last == "conftest"


def _imported_modules(path: Path) -> set[str]:
    """Absolute names of what a file imports (relative imports resolved against its package)."""
    package = ".".join(path.relative_to(TESTS.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            found |= {module} | {f"{module}.{alias.name}" for alias in node.names}
    return found


def test_no_test_module_imports_another_test_module_or_a_conftest():
    offenders = sorted(
        f"{path.relative_to(TESTS.parent)} → {name}"
        for path in TESTS.rglob("*.py")
        for name in _imported_modules(path)
        if name.startswith("tests.") and _is_test_module(name)
    )
    assert offenders == [], "codice condiviso tra test: spostarlo in tests/support/"


def test_shared_test_code_lives_in_tests_support():
    helpers = sorted(
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("*.py")
        if path.name != "__init__.py" and not _is_test_module(path.stem) and path.parent.name != "support"
    )
    assert helpers == []


# --- where writes live (docs/architecture.md): entry points call cse/cartella/actions/, they never write ------------

ROOT = TESTS.parent
ENTRY_POINTS = ("views*.py", "consumers.py", "api.py", "admin.py")
ORM_WRITES = {"create", "bulk_create", "bulk_update", "get_or_create", "update_or_create", "select_for_update"}
QUERYSET_WRITES = {"update", "delete"}  # on a manager or a queryset chain (a dict's update on a plain name is allowed)


def _entry_point_modules() -> list[Path]:
    return sorted({p for base in ("cse", "interop") for pattern in ENTRY_POINTS for p in (ROOT / base).rglob(pattern)})


def _is_queryset_chain(node: ast.expr) -> bool:
    """`Model.objects…`, `x.related_set…`, or a call chain ending in one (`….filter(…)`)."""
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Attribute) and (node.attr == "objects" or node.attr.endswith("_set")):
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return False


def direct_writes(source: str) -> list[str]:
    """Calls that write the database from an entry-point module: ORM write methods anywhere, update/delete on a
    manager or queryset, and save()/delete() on an instance (a model or a model form: both belong in an action)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method, receiver = node.func.attr, node.func.value
        instance_write = method in {"save", "delete"} and not node.args  # qrcode's img.save(buffer) is no write
        if method in ORM_WRITES or (method in QUERYSET_WRITES and _is_queryset_chain(receiver)) or instance_write:
            found.append(f"{node.lineno}: {ast.unparse(node.func)}()")
    return found


def test_the_write_check_sees_a_direct_write():
    snippet = (
        "Assistito.objects.create(nome='x')\n"
        "Cartella.objects.filter(pk=1).update(stato='chiusa')\n"
        "voce.save()\n"
        "context.update(step=2)\n"
        "img.save(buffer)\n"
    )
    assert [w.split(": ")[1] for w in direct_writes(snippet)] == [
        "Assistito.objects.create()",
        "Cartella.objects.filter(pk=1).update()",
        "voce.save()",
    ]


def test_entry_points_never_write_directly():
    """Views, consumers, API and admin call an action of cse/cartella/actions/ (or a tier's services): the action
    holds the lock, the checks, history, diario and outbox in one transaction."""
    offenders = [
        f"{path.relative_to(ROOT)}:{write}"
        for path in _entry_point_modules()
        for write in direct_writes(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "scrittura diretta in una view: spostarla in un'azione (cse/cartella/actions/)"


def test_bandi_writes_only_in_its_actions():
    """cse/bandi writes only in actions.py (or an actions/ package) and its migrations: models refuse, rules compute,
    selectors read."""
    bandi = ROOT / "cse" / "bandi"
    offenders = [
        f"{path.relative_to(ROOT)}:{write}"
        for path in sorted(bandi.rglob("*.py"))
        if path.name != "actions.py" and not {"actions", "migrations"} & set(path.relative_to(bandi).parts)
        for write in direct_writes(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "scrittura fuori da cse/bandi/actions.py"


def test_compartecipazione_writes_only_in_its_actions():
    """cse/compartecipazione writes only in actions.py and its migrations: models refuse, calcolo computes, selectors
    read, views call the actions."""
    package = ROOT / "cse" / "compartecipazione"
    offenders = [
        f"{path.relative_to(ROOT)}:{write}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "actions.py" and "migrations" not in path.relative_to(package).parts
        for write in direct_writes(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "scrittura fuori da cse/compartecipazione/actions.py"


def test_object_permissions_are_read_only_in_core():
    """get_objects_for_user bypasses the capability layer (expiry, tenant grants): only core's selectors use it."""
    offenders = sorted(
        str(path.relative_to(ROOT))
        for base in ("cse", "interop")
        for path in (ROOT / base).rglob("*.py")
        if "get_objects_for_user" in path.read_text(encoding="utf-8") and (ROOT / "cse" / "core") not in path.parents
    )
    assert offenders == [], "get_objects_for_user solo nei selettori di cse/core"


def test_no_template_links_to_a_javascript_url():
    """The Content-Security-Policy allows no inline script, so a `javascript:` link does nothing when clicked."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if "javascript:" in path.read_text()
    ]
    assert offenders == []
