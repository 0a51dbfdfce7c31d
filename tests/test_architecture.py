"""The dependency direction of docs/architecture.md, checked on every module's imports.

An app may import only apps on the floors below it (and, on the tenancy floor, its neighbour:
audit events name a practice and settings changes are audited). An import inside a function is
how an upward arrow hides, so none is allowed outside ``AppConfig.ready``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "reactivate"

# Lower number = lower floor. Apps on one floor may not import each other, except where a
# floor is ordered from left to right in the docs (imports ← segments ← messaging, and
# followups ← campaigns ← replies ← workspace).
FLOORS = {
    "core": 0,
    "tenancy": 1,
    "audit": 1,
    "leads": 2,
    "imports": 3.0,
    "segments": 3.1,
    "messaging": 3.2,
    "channels": 4,
    "followups": 5.0,
    "campaigns": 5.1,
    "replies": 5.2,
    "workspace": 5.3,
    "metrics": 6,
    "api": 7,
    "demo": 8,
}
NEIGHBOURS = {frozenset({"tenancy", "audit"})}


def _app(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "reactivate" and len(parts) > 1 else None


def _modules() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and path.relative_to(ROOT).parts[0] in FLOORS
    ]


def _imports(tree: ast.AST):
    """(line, module, inside a function) for every import of a reactivate module."""
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    nested = {id(inner) for f in functions for inner in ast.walk(f) if inner is not f}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name.startswith("reactivate."):
                yield node.lineno, name, id(node) in nested


def test_the_checker_sees_every_app():
    found = {path.relative_to(ROOT).parts[0] for path in _modules()}
    assert {"core", "tenancy", "leads", "imports", "segments", "messaging", "campaigns"} <= found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_import_runs_down(path: Path):
    me = path.relative_to(ROOT).parts[0]
    wrong = []
    for line, name, local in _imports(ast.parse(path.read_text())):
        other = _app(name)
        if local and path.name != "apps.py":
            wrong.append(f"line {line}: {name} imported inside a function")
        if other is None or other == me or other not in FLOORS:
            continue
        if frozenset({me, other}) in NEIGHBOURS:
            continue
        if FLOORS[other] >= FLOORS[me]:
            wrong.append(f"line {line}: {me} imports {other}, which is not below it")
    assert not wrong, "\n".join(wrong)
