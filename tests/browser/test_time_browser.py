"""Time views in a real JupyterLab in headless Chromium: a range brushed on the ask panel's
time histogram filters the map exactly as ``study.where(date=(low, high))`` does (readable
from Python), and the image map's date layout draws its pictures after the layout menu
switches to it, the works moving there over half a second.

Waits are on what the views expose (``data-brushed`` on the histogram, ``data-filtered``,
``data-layout``, ``data-layout-moving`` on the map) and on Python state read back from the
kernel, never on sleeps.
"""

from __future__ import annotations

import io
import json
import time

import numpy as np
import pytest
from _lab import FIXTURE_STUDY, kernel_eval, open_notebook, wait_kernel_idle, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SETUP = f"""
import json
from pathlib import Path
import numpy as np
import ipywidgets as W
import artopic_nb as an
from artopic_nb.pipeline.study import Study
from artopic_nb.widgets import EmbeddingPlot
from artopic_nb.widgets.ask_panel import AskPanel

{FIXTURE_STUDY}plot = EmbeddingPlot.from_study(study, draw="images", height=380)
panel = AskPanel(study, plot)
W.HBox([panel, plot])
"""


def _wait_kernel(page, code: str, check, timeout_s: float = 60.0):
    deadline = time.monotonic() + timeout_s
    value = None
    while time.monotonic() < deadline:
        value = json.loads(kernel_eval(page, code))
        if check(value):
            return value
        page.wait_for_timeout(200)
    raise AssertionError(f"{code!r} gave {value!r}")


def _colours(page, selector: str) -> tuple[int, float]:
    """Distinct colours (16 levels a channel) in a screenshot of ``selector``, and the share of
    its most common colour."""
    from PIL import Image

    png = page.locator(selector).screenshot()
    px = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3) // 16
    _, counts = np.unique(px, axis=0, return_counts=True)
    return len(counts), counts.max() / counts.sum()


def _open(lab_server, page, name: str) -> int:
    write_notebook(lab_server.root / name, [SETUP])
    open_notebook(page, lab_server, name)
    page.wait_for_selector(".artopic-plot canvas.artopic-plot-canvas[data-complete='true']",
                           timeout=180_000)
    page.wait_for_selector(".artopic-timeline[data-bars]")
    wait_kernel_idle(page)
    return json.loads(kernel_eval(page, "print(json.dumps(len(col)))"))


def test_time_histogram_brushes_the_map(lab_server, page, artifacts):
    n = _open(lab_server, page, "time_brush.ipynb")
    bars = page.locator(".artopic-timeline-canvas")
    box = bars.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 0.35 * box["width"], y)
    page.mouse.down()
    page.mouse.move(box["x"] + 0.55 * box["width"], y, steps=4)
    page.mouse.move(box["x"] + 0.75 * box["width"], y, steps=4)
    page.mouse.up()
    brushed = _wait_kernel(page, "print(json.dumps(panel.time.brushed))", lambda v: len(v) == 2)
    low, high = (int(v) for v in brushed)
    assert low < high
    expected = json.loads(kernel_eval(page, (
        f"m = study.where(date=({low}, {high}), as_mask=True)\n"
        "print(json.dumps({'n': int(m.sum()), 'mask': bool(np.array_equal(panel.mask, m)),"
        " 'plot': bool(np.array_equal(plot.filtered, m)), 'query': panel.query,"
        f" 'where': study.where_query(date=({low}, {high}))}}))")))
    assert expected["mask"] and expected["plot"], expected
    assert expected["query"] == expected["where"] == f"date_start <= {high} and date_end >= {low}"
    assert 0 < expected["n"] < n, expected
    page.wait_for_selector(f".artopic-plot[data-filtered='{expected['n']}']")
    page.wait_for_selector(f".artopic-timeline[data-brushed='{low},{high}']")
    assert f"{expected['n']} of {n} works" in page.locator(".artopic-ask-query").text_content()
    page.screenshot(path=str(artifacts / "time-brush.png"), full_page=True)
    # from Python: the brush follows; a click on the bars clears it
    kernel_eval(page, "panel.set_filter(date=(1600, 1700))")
    page.wait_for_selector(".artopic-timeline[data-brushed='1600,1700']")
    page.mouse.click(box["x"] + 0.5 * box["width"], y)
    _wait_kernel(page, "print(json.dumps(panel.conditions))", lambda v: v == {})
    page.wait_for_selector(".artopic-plot[data-filtered='']")
    assert not page.page_errors, page.page_errors


def test_date_layout_draws_after_switching(lab_server, page, artifacts):
    _open(lab_server, page, "time_layout.ipynb")
    plot = page.locator(".artopic-plot")
    assert plot.get_attribute("data-layout") == "map"
    page.select_option(".artopic-plot-layout select", "date")
    _wait_kernel(page, "print(json.dumps(plot.map_layout))", lambda v: v == "date")
    page.wait_for_selector(".artopic-plot[data-layout='date'][data-layout-moving='false']")
    assert int(plot.get_attribute("data-layout-frames")) >= 2  # it moved, frame by frame
    page.wait_for_selector(".artopic-plot canvas.artopic-plot-canvas[data-complete='true']")
    canvas = page.locator("canvas.artopic-plot-canvas")
    assert int(canvas.get_attribute("data-axis")) >= 2  # year ticks
    plot.screenshot(path=str(artifacts / "date-layout.png"))
    distinct, top = _colours(page, ".artopic-plot-stage")
    assert distinct > 400 and top < 0.97, (distinct, top)  # pictures (a sparse layout: white)
    # the works sit where the date layout put them: the view is fitted to its positions
    view = json.loads(canvas.get_attribute("data-view"))
    xs = json.loads(kernel_eval(page, "print(json.dumps(plot.coordinates[:, 0].tolist()))"))
    assert min(xs) >= view["cx"] - view["width"] / 2 / view["scale"]
    assert max(xs) <= view["cx"] + view["width"] / 2 / view["scale"]
    kernel_eval(page, "plot.map_layout = 'map'")  # and back, from Python
    page.wait_for_selector(".artopic-plot[data-layout='map'][data-layout-moving='false']")
    assert page.locator(".artopic-plot-layout select").input_value() == "map"
    assert not page.page_errors, page.page_errors
