"""The engine imports nothing from Django or the applications, whatever apps exist."""

from __future__ import annotations

import ast
from pathlib import Path

import lianbing.engine

ENGINE_DIR = Path(lianbing.engine.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _forbidden(name: str) -> bool:
    top = name.split(".")[0]
    if top == "django":
        return True
    return top == "lianbing" and not (
        name == "lianbing.engine" or name.startswith("lianbing.engine.")
    )


def test_no_engine_module_imports_django_or_an_application() -> None:
    offenders = {
        f"{path.relative_to(ENGINE_DIR)}: {name}"
        for path in ENGINE_DIR.rglob("*.py")
        for name in _imported_modules(path)
        if _forbidden(name)
    }

    assert not offenders
