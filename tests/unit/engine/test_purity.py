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


def _engine_imports(path: Path) -> tuple[set[str], list[str]]:
    """Engine modules imported at module level, and the imports made inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "lianbing.engine":
                top_level.update(f"lianbing.engine.{alias.name}" for alias in node.names)
            elif node.module.startswith("lianbing.engine."):
                top_level.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            top_level.add("." * node.level + (node.module or ""))
    nested = [
        f"{path.relative_to(ENGINE_DIR)}:{node.lineno}"
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.If)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    return top_level, nested


def test_no_engine_module_imports_inside_a_function_or_a_condition() -> None:
    nested = [line for path in ENGINE_DIR.rglob("*.py") for line in _engine_imports(path)[1]]

    assert nested == []


def _module_name(path: Path) -> str:
    parts = path.relative_to(ENGINE_DIR.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_engine_modules_import_each_other_without_a_cycle() -> None:
    graph: dict[str, set[str]] = {}
    for path in ENGINE_DIR.rglob("*.py"):
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for target in _engine_imports(path)[0]:
            if target.startswith("."):
                base = package
                for _ in range(len(target) - len(target.lstrip(".")) - 1):
                    base = base.rpartition(".")[0]
                rest = target.lstrip(".")
                target = f"{base}.{rest}" if rest else base
            targets.add(target)
        graph[name] = {t for t in targets if t != name}
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, trail: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle.extend([*trail, node, nxt])
                return True
            if nxt in graph and nxt not in state and visit(nxt, [*trail, node]):
                return True
        state[node] = 2
        return False

    for node in sorted(graph):
        if node not in state and visit(node, []):
            break

    assert cycle == []


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
