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
