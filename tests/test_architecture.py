"""The package's shape, read from its source: folders by role, imports pointing one way.

The import graph counts every import (module level and inside functions), but not those
under ``if TYPE_CHECKING:``, which never run. An edge goes to the module imported, or to the
submodule when ``from package import submodule``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "artopic_nb"

#: The layers, lowest first: a module may import its own layer or a lower one, never a higher.
LAYERS = {
    "data": 0, "_lazy": 0, "_progress": 0, "_version": 0,
    "models": 1, "text": 1, "genre": 1, "sources": 1, "datasets": 1, "charts": 1,
    "steps": 2, "query": 2,
    "pipeline": 3, "scale": 3, "report": 3,
    "widgets": 4,
    "cli": 5, "_compat": 5,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imports(name: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "artopic_nb"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "artopic_nb":
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in MODULES else target)
    found.discard(name)
    return {m for m in found if m in MODULES}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def test_every_module_has_a_layer():
    assert not [m for m in MODULES if m != "artopic_nb" and _layer(m) is None]


def test_at_most_ten_top_level_modules_and_none_over_400_lines():
    top = [p.name for p in PACKAGE.glob("*.py")]
    assert len(top) <= 10, top
    long = {m: n for m, p in MODULES.items()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert not long, long


def test_no_import_cycles():
    # the package's own __init__ is the public facade: it imports everything, nothing imports it
    graph = {m: deps - {"artopic_nb"} for m, deps in GRAPH.items() if m != "artopic_nb"}
    assert not [m for m, deps in GRAPH.items() if "artopic_nb" in deps and m != "artopic_nb"], \
        "a module imports the package facade (artopic_nb/__init__.py)"
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                cycles.append(stack[stack.index(dep):] + [dep] if dep in stack else [node, dep])
            elif dep not in state:
                visit(dep, stack + [dep])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, cycles


def test_imports_point_down_the_layers():
    upward = [(m, d) for m, deps in GRAPH.items() if m != "artopic_nb"
              for d in deps if d != "artopic_nb" and _layer(d) > _layer(m)]
    assert not upward, upward


@pytest.mark.parametrize("rule, allowed", [("widgets", "widgets"), ("_compat", None)])
def test_nothing_outside_its_room_imports(rule, allowed):
    offenders = [m for m, deps in GRAPH.items() if m != "artopic_nb"
                 and any(d.split(".")[1:2] == [rule] for d in deps)
                 and (allowed is None or m.split(".")[1] != allowed)]
    assert not offenders, offenders


def test_the_graph_sees_function_level_imports():
    # a guard on the test itself: study.py imports its steps inside methods
    assert "artopic_nb.pipeline.graph" in GRAPH["artopic_nb.pipeline.runner"]
    assert any(d.startswith("artopic_nb.steps.") for d in GRAPH["artopic_nb.pipeline.study"])
