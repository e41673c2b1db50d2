"""The explorer's clusters panel in a real JupyterLab (headless Chromium): pick a cluster in the
panel, type a name, press "rename"; the edit reaches the study's log and the name reaches the
grid's picker and the icicle view; "undo" takes it back.

Waits are on Python state read back from the kernel and on the DOM, never on sleeps.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from _lab import FIXTURE_STUDY, kernel_eval, open_notebook, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

IMAGES = Path(__file__).resolve().parents[1] / "data" / "images"

SETUP = f"""
import json
from pathlib import Path
import artopic_nb as an
from artopic_nb.pipeline.study import Study
from artopic_nb.widgets import explore

{FIXTURE_STUDY}ex = explore(study, height=300)
ex
"""


def _wait_kernel_value(page, code: str, expected, timeout_s: float = 60.0):
    deadline = time.monotonic() + timeout_s
    value = None
    while time.monotonic() < deadline:
        value = json.loads(kernel_eval(page, code))
        if value == expected:
            return value
        page.wait_for_timeout(200)
    raise AssertionError(f"{code!r} gave {value!r}, expected {expected!r}")


def test_rename_from_the_clusters_panel(lab_server, page, artifacts):
    write_notebook(lab_server.root / "shaping.ipynb", [SETUP])
    open_notebook(page, lab_server, "shaping.ipynb")
    panel = page.locator(".artopic-cluster-panel")
    panel.wait_for(timeout=180_000)
    label = json.loads(kernel_eval(page, "print(json.dumps(ex.clusters_panel.clusters.options[1][0]))"))

    # pick cluster 1 in the panel's list: the grid shows it
    panel.locator("select").first.select_option(label=label)
    _wait_kernel_value(page, "print(json.dumps([ex.clusters_panel.picked, ex.grid.cluster]))", [1, 1])

    # type a name and press "rename"
    panel.locator("input[placeholder='a name']").fill("Dutch still lifes")
    panel.locator("button", has_text="rename").click()
    _wait_kernel_value(page, "print(json.dumps(study.cluster_names_.get(1)))", "Dutch still lifes")
    _wait_kernel_value(page, "print(json.dumps(study.edits_['what'].tolist()))", ["rename"])
    page.wait_for_function(
        "() => [...document.querySelectorAll('.artopic-grid option')]"
        ".some(o => o.textContent.includes('Dutch still lifes'))")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.artopic-icicle-node')]"
        ".some(n => n.textContent.includes('Dutch still lifes'))")
    page.wait_for_selector(".artopic-cluster-status")
    page.screenshot(path=str(artifacts / "cluster-panel-renamed.png"), full_page=True)

    # undo: the log is empty and the name is gone from the grid
    panel.locator("button", has_text="undo").click()
    _wait_kernel_value(page, "print(json.dumps(len(study.edits_)))", 0)
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.artopic-grid option')]"
        ".some(o => o.textContent.includes('Dutch still lifes'))")
    assert not page.page_errors, page.page_errors
