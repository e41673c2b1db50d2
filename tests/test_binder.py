"""binder/postBuild's warm-up script uses the package's current names (not the 0.1.0 ones that
the compatibility module serves with a warning) and its verbs exist."""

from __future__ import annotations

import ast
import importlib
import re
import warnings
from pathlib import Path

import artopic_nb as an

POST_BUILD = Path(__file__).resolve().parents[1] / "binder" / "postBuild"


def warm_up_script() -> str:
    text = POST_BUILD.read_text()
    match = re.search(r"<<'PY'\n(.*?)\nPY\n", text, re.S)
    assert match, "postBuild warms the demo with a python heredoc <<'PY' ... PY"
    return match.group(1)


def test_warm_up_imports_current_names_without_warnings():
    tree = ast.parse(warm_up_script())
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert imports, "the warm-up imports what it runs"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an old name warns: here it fails
        for node in imports:
            module = importlib.import_module(node.module)
            for alias in node.names:
                assert hasattr(module, alias.name), f"{node.module} has no {alias.name}"


def test_warm_up_calls_study_verbs_that_exist():
    calls = {n.func.attr for n in ast.walk(ast.parse(warm_up_script()))
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
    for verb in {"embed", "reduce", "cluster"} & calls:
        assert callable(getattr(an.Study, verb))
    assert {"embed", "reduce", "cluster"} <= calls
