"""No module-level mutable state in steps/, data/, pipeline/: a value that carries results
between calls belongs to an object someone owns (a study's runner, an image map), where it can
be seen, bounded and dropped. Read from the source: a module-level name that a function
changes (item assignment, ``del``, a mutating method, ``global``) is state.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "artopic_nb"
MUTATORS = {"append", "extend", "insert", "pop", "popitem", "clear", "update", "setdefault",
            "add", "discard", "remove", "put", "move_to_end", "__setitem__"}


def module_state(source: str) -> list[str]:
    """``name (line)`` for each change a function makes to a module-level name."""
    tree = ast.parse(source)
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        local = {a.arg for a in func.args.args + func.args.kwonlyargs}
        for node in ast.walk(func):
            if isinstance(node, ast.Global):
                found += [f"global {n} ({node.lineno})" for n in node.names]
            base = None
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
                for t in getattr(node, "targets", None) or [node.target]:
                    if isinstance(t, (ast.Subscript, ast.Attribute)) and isinstance(t.value, ast.Name):
                        base = t.value.id
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in MUTATORS and isinstance(node.func.value, ast.Name):
                base = node.func.value.id
            if base in names and base not in local:
                found.append(f"{base} ({node.lineno})")
    return found


def test_the_check_finds_state():
    source = ("_SEEN = {}\nCACHE = []\nLIMIT = 3\n"
              "def remember(k, v):\n    _SEEN[k] = v\n    CACHE.append(v)\n    return LIMIT\n"
              "def count():\n    global LIMIT\n    LIMIT += 1\n")
    assert module_state(source) == ["_SEEN (5)", "CACHE (6)", "global LIMIT (9)"]
    assert module_state("TABLE = {}\ndef f(TABLE):\n    TABLE['a'] = 1\n") == []
    assert module_state("X = (1, 2)\ndef f():\n    y = {}\n    y['a'] = X\n") == []


@pytest.mark.parametrize("package", ["steps", "data", "pipeline"])
def test_no_module_level_mutable_state(package):
    found = {str(p.relative_to(PACKAGE)): module_state(p.read_text(encoding="utf-8"))
             for p in sorted((PACKAGE / package).rglob("*.py"))}
    assert {p: f for p, f in found.items() if f} == {}
