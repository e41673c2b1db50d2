"""The explorer's ask panel in a real JupyterLab in headless Chromium: a search typed in the box
fills the grid with the results in rank order, a facet filters the map and the grid (and is
readable from Python as a mask and a query string), "similar works" in the viewer shows the
nearest works.

Waits are on conditions the widgets expose (the grid's ``data-rendered-tiles``, the plot's
``data-filtered``) and on Python state read back from the kernel, never on sleeps.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from _lab import FIXTURE_STUDY, kernel_eval, open_notebook, wait_kernel_idle, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

IMAGES = Path(__file__).resolve().parents[1] / "data" / "images"

SETUP = f"""
import json
from pathlib import Path
import numpy as np, pandas as pd
import artopic_nb as an
from artopic_nb.pipeline.study import Study
from artopic_nb.widgets import explore

{FIXTURE_STUDY}study.descriptions_ = pd.DataFrame([
    {{"id": i, "model": "model-A", "prompt": "description", "seconds": 0.1, "tokens": 9,
      "text": "a ship on a grey sea" if i % 5 == 0 else f"a quiet scene, work {{i}}"}}
    for i in range(len(col))])
ex = explore(study, height=360)
ex
"""


def _wait_kernel_value(page, code: str, expected, timeout_s: float = 90.0):
    deadline = time.monotonic() + timeout_s
    value = None
    while time.monotonic() < deadline:
        value = json.loads(kernel_eval(page, code))
        if value == expected:
            return value
        page.wait_for_timeout(200)
    raise AssertionError(f"{code!r} gave {value!r}, expected {expected!r}")


def _tile_ids(page) -> list[int]:
    return [int(t.get_attribute("data-id")) for t in page.locator(".artopic-grid-tile").all()]


def test_search_box_facets_and_similar_works(lab_server, page, artifacts):
    write_notebook(lab_server.root / "ask.ipynb", [SETUP])
    open_notebook(page, lab_server, "ask.ipynb")
    n = len(list(IMAGES.glob("*.jpg")))
    page.wait_for_selector(f".artopic-plot canvas.artopic-plot-canvas[data-rendered-points='{n}']",
                           timeout=180_000)
    wait_kernel_idle(page)
    page.wait_for_selector(".artopic-ask")
    # the panel is a column left of the map
    ask_box, plot_box = (page.locator(sel).bounding_box() for sel in (".artopic-ask", ".artopic-plot"))
    assert ask_box["x"] + ask_box["width"] <= plot_box["x"] + 1
    before = _tile_ids(page)

    # 1. words: "saint" typed in the box, Enter -> the grid shows the results in rank order
    page.select_option(".artopic-ask-over select", "words")
    box = page.locator(".artopic-ask-box input")
    box.fill("saint")
    box.press("Enter")
    expected = json.loads(kernel_eval(
        page, "print(json.dumps(study.search('saint', top_k=60, over='words')['id'].tolist()))"))
    titles = json.loads(kernel_eval(page, f"print(json.dumps(study.collection.metadata.loc[{expected}, 'title'].tolist()))"))
    assert len(expected) == 2 and all("Saint" in t for t in titles)
    _wait_kernel_value(page, "print(json.dumps(ex.ask.results['id'].tolist()))", expected)
    page.wait_for_selector(f".artopic-grid[data-rendered-tiles='{len(expected)}']")
    assert _tile_ids(page) == expected != before
    assert page.locator(".artopic-grid-picker option:checked").text_content() == "search: saint (2)"
    _wait_kernel_value(page, "print(json.dumps(ex.plot.highlighted_ids))", expected)
    listed = page.locator(".artopic-ask-results li").all_text_contents()
    assert [t.split(" (")[0] for t in listed] == titles
    page.screenshot(path=str(artifacts / "ask-search.png"), full_page=True)

    # the descriptions' words too: every fifth work says "ship"
    box.fill("ship")
    box.press("Enter")
    ships = [i for i in range(n) if i % 5 == 0]
    page.wait_for_selector(f".artopic-grid[data-rendered-tiles='{len(ships)}']")
    assert sorted(_tile_ids(page)) == ships

    # 2. a facet: the genre "portrait" -> the map dims the rest, the grid keeps the results
    #    that pass, Python reads the filter as a mask and a query string
    box.fill("")
    box.press("Enter")
    portraits = json.loads(kernel_eval(
        page, "print(json.dumps(np.flatnonzero(study.collection.metadata['genre'] == 'portrait').tolist()))"))
    assert 0 < len(portraits) < n
    facet = page.locator(".artopic-ask-facet", has=page.locator("label", has_text="genre")).locator("select")
    label = facet.locator("option", has_text="portrait").text_content()
    facet.select_option(label=label)
    _wait_kernel_value(page, "print(json.dumps(np.flatnonzero(ex.ask.mask).tolist()))", portraits)
    assert json.loads(kernel_eval(page, "print(json.dumps(ex.ask.query))")) == "genre in ['portrait']"
    page.wait_for_selector(f".artopic-plot[data-filtered='{len(portraits)}']")
    page.wait_for_selector(f".artopic-grid[data-rendered-tiles='{len(portraits)}']")
    assert sorted(_tile_ids(page)) == portraits
    assert "genre in ['portrait']" in page.locator(".artopic-ask-query").text_content()
    page.screenshot(path=str(artifacts / "ask-filter.png"), full_page=True)
    page.click(".artopic-ask button:has-text('clear')")
    page.wait_for_selector(".artopic-plot[data-filtered='']")

    # 3. "similar works" in the viewer: the work and its nearest works, in order
    pick = before[0]
    page.click(f".artopic-grid-tile[data-id='{pick}']")
    page.wait_for_selector(f".artopic-captions[data-artwork-id='{pick}']")
    page.click(".artopic-captions-similar")
    near = json.loads(kernel_eval(
        page, f"print(json.dumps(study.similar({pick}, top_k=ex.ask.top_k)['id'].tolist()))"))
    assert pick not in near
    page.wait_for_selector(f".artopic-grid[data-rendered-tiles='{len(near) + 1}']")
    assert _tile_ids(page) == [pick] + near
    assert page.locator(".artopic-grid-picker option:checked").text_content().startswith("similar to")
    assert not page.page_errors, page.page_errors
