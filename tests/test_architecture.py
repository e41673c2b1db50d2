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
#: ``text`` (prompts, keywords, claims, the sentence encoder) is below ``genre`` (which uses
#: them), and both are below ``models``, which registers genre predictors and judges as kinds
#: of model and loads them by name: models -> genre -> text -> data.
LAYERS = {
    "_lazy": 0, "_progress": 0, "_version": 0,
    "data": 1,
    "text": 2, "sources": 2, "charts": 2,
    "genre": 3,
    "models": 4, "datasets": 4,
    "steps": 5, "query": 5,
    "pipeline": 6, "scale": 6, "report": 6, "export": 6,
    "widgets": 7,
    "cli": 8, "_compat": 8,
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


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The module graph collapsed to packages (``artopic_nb.text.claims`` -> ``text``): an edge
    from one package to another when any module of the first imports one of the second."""
    packages: dict[str, set[str]] = {}
    for module, deps in graph.items():
        if module == "artopic_nb":
            continue
        here = module.split(".")[1]
        packages.setdefault(here, set()).update(
            d.split(".")[1] for d in deps if d != "artopic_nb" and d.split(".")[1] != here)
    return packages


def package_cycles(packages: dict[str, set[str]]) -> list[list[str]]:
    """Every package that can reach itself, with the loop it is on (one per strongly
    connected group of packages)."""
    def reach(start: str) -> dict[str, list[str]]:
        paths, todo = {start: [start]}, [start]
        while todo:
            node = todo.pop()
            for dep in sorted(packages.get(node, ())):
                if dep not in paths:
                    paths[dep] = paths[node] + [dep]
                    todo.append(dep)
        return paths

    loops, seen = [], set()
    for package in sorted(packages):
        paths = reach(package)
        back = [p for p in sorted(packages) if p in paths and package in reach(p)
                and p != package]
        if back and package not in seen:
            loops.append(paths[back[0]] + reach(back[0])[package][1:])
            seen.update(back + [package])
    return loops


def test_no_import_loop_between_packages():
    """Modules can be acyclic while their packages are not (text -> models -> text): the
    graph of packages has no loop either."""
    loops = package_cycles(package_graph(GRAPH))
    assert not loops, loops


def test_the_package_loop_check_can_fail():
    # a guard on the check itself: two packages importing each other through different modules
    graph = {"artopic_nb.text.summaries": {"artopic_nb.models.protocols"},
             "artopic_nb.models.judges": {"artopic_nb.text.encoder"},
             "artopic_nb.text.encoder": set(), "artopic_nb.models.protocols": set()}
    assert package_graph(graph) == {"text": {"models"}, "models": {"text"}}
    assert package_cycles(package_graph(graph)) == [["models", "text", "models"]]
    assert package_cycles({"a": {"b"}, "b": set()}) == []


def test_text_and_models_are_distinct_layers_in_the_right_order():
    assert LAYERS["data"] < LAYERS["text"] < LAYERS["genre"] < LAYERS["models"] < LAYERS["steps"]
    assert "models" not in package_graph(GRAPH)["text"]
    assert "models" not in package_graph(GRAPH)["genre"]


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
