"""The engine and xlsx import nothing from Django or the applications, whatever apps exist."""

from __future__ import annotations

import ast
from pathlib import Path

import lianbing.engine
import lianbing.xlsx

ENGINE_DIR = Path(lianbing.engine.__file__).parent
XLSX_DIR = Path(lianbing.xlsx.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _offenders(folder: Path, allowed: tuple[str, ...]) -> set[str]:
    """Every import in ``folder`` of Django or of a lianbing package not in ``allowed``."""
    return {
        f"{path.relative_to(folder)}: {name}"
        for path in folder.rglob("*.py")
        for name in _imported_modules(path)
        if _within(name, "django")
        or (_within(name, "lianbing") and not any(_within(name, a) for a in allowed))
    }


def test_no_engine_module_imports_django_or_an_application() -> None:
    offenders = _offenders(ENGINE_DIR, allowed=("lianbing.engine",))

    assert not offenders


def test_no_xlsx_module_imports_django_or_an_application() -> None:
    offenders = _offenders(XLSX_DIR, allowed=("lianbing.xlsx", "lianbing.engine"))

    assert not offenders


def test_the_purity_check_sees_an_import_of_django_or_an_application(tmp_path: Path) -> None:
    (tmp_path / "module.py").write_text(
        "import django.db\nfrom lianbing.people import models\nfrom lianbing.engine import text\n",
        encoding="utf-8",
    )

    offenders = _offenders(tmp_path, allowed=("lianbing.engine",))

    assert offenders == {"module.py: django.db", "module.py: lianbing.people"}
