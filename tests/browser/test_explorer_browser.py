"""The Explorer in a real JupyterLab in headless Chromium: draw, box-select, click, re-cluster,
legend toggles, lasso, colour menu.

Waits are on conditions the widgets expose (the plot's ``data-rendered-points`` /
``data-codes-checksum``, the grid's ``data-rendered-tiles``, the viewer's ``data-artwork-id``)
and on Python state read back from the kernel, never on sleeps.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from _lab import kernel_eval, open_notebook, wait_kernel_idle, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

IMAGES = Path(__file__).resolve().parents[1] / "data" / "images"
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'

SETUP = f"""
import json
from pathlib import Path
import numpy as np, pandas as pd
import artopic_nb as an
from artopic_nb.pipeline.study import Study
from artopic_nb.widgets import explore

images = Path({str(IMAGES)!r})
col = an.ImageCollection.from_folder(images, images / "metadata.csv", progress=False)
col.metadata.loc[0, "title"] = {XSS!r}
study = Study(col, cache_dir="cache", progress=False)
study.embed(embedder="color").reduce().cluster(method="kmeans", n_clusters=3)
study.descriptions_ = pd.DataFrame([
    {{"id": i, "model": m, "prompt": p, "text": f"{{p}} by {{m}} of work {{i}}", "seconds": 0.1, "tokens": 9}}
    for i in range(len(col)) for m in ("model-A", "model-B") for p in ("caption", "description")
])
ex = explore(study, height=360)
ex.plot.debug = True  # the view writes a checksum of the codes it drew (data-codes-checksum)
ex
"""


def _checksum(codes) -> int:
    return sum((int(c) + 2) * (i % 1000 + 1) for i, c in enumerate(codes))


def _wait_kernel_value(page, code: str, expected, timeout_s: float = 60.0):
    deadline = time.monotonic() + timeout_s
    value = None
    while time.monotonic() < deadline:
        value = json.loads(kernel_eval(page, code))
        if value == expected:
            return value
        page.wait_for_timeout(200)
    raise AssertionError(f"{code!r} gave {value!r}, expected {expected!r}")


def _inside(point, polygon) -> bool:
    """Ray casting, the same even-odd rule as the plot's lasso."""
    x, y = point
    inside = False
    for (xa, ya), (xb, yb) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (ya > y) != (yb > y) and x < (xb - xa) * (y - ya) / (yb - ya) + xa:
            inside = not inside
    return inside


def _edge_distance(point, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = point, a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return ((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5


def _clear_triangle(screen, width, height):
    """A triangle over part of the map with no point within 4 px of an edge (no ties)."""
    for apex_share in (0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65):
        triangle = [(6.0, 6.0), (width * apex_share, height / 2), (6.0, height - 6.0)]
        edges = list(zip(triangle, triangle[1:] + triangle[:1], strict=True))
        if all(_edge_distance(p, a, b) > 4 for p in screen for a, b in edges):
            return triangle
    raise AssertionError("no lasso triangle keeps clear of every point")


def test_explorer_in_jupyterlab(lab_server, page, artifacts):
    write_notebook(lab_server.root / "explorer.ipynb", [SETUP])
    open_notebook(page, lab_server, "explorer.ipynb")
    n = len([p for p in IMAGES.glob("*.jpg")])

    # 1. the plot drew every point (the widget's own count, set after drawing)
    canvas = page.locator(".artopic-plot canvas.artopic-plot-canvas")
    page.wait_for_selector(f".artopic-plot canvas.artopic-plot-canvas[data-rendered-points='{n}']",
                           timeout=180_000)
    wait_kernel_idle(page)
    assert json.loads(kernel_eval(page, "print(json.dumps(ex.plot.rendered_points))")) == n
    page.wait_for_function("() => document.querySelectorAll('.artopic-grid-tile img[src^=\"blob:\"]').length > 0")
    page.screenshot(path=str(artifacts / "explorer-loaded.png"), full_page=True)

    # 2. box-select the left part of the map with mouse drags
    coords = json.loads(kernel_eval(page, "print(json.dumps(study.coords_.tolist()))"))
    view = json.loads(canvas.get_attribute("data-view"))
    screen = [((x - view["cx"]) * view["scale"] + view["width"] / 2,
               view["height"] / 2 - (y - view["cy"]) * view["scale"]) for x, y in coords]
    xs = sorted(sx for sx, _ in screen)
    k = max(1, n // 3)
    x0, x1 = xs[0] - 8, (xs[k - 1] + xs[k]) / 2
    y0, y1 = 4, view["height"] - 4
    expected = sorted(i for i, (sx, sy) in enumerate(screen) if x0 <= sx <= x1 and y0 <= sy <= y1)
    assert 0 < len(expected) < n
    page.click(".artopic-plot-mode[data-mode='box']")
    overlay = page.locator(".artopic-plot canvas.artopic-plot-overlay")
    overlay.scroll_into_view_if_needed()
    box = overlay.bounding_box()
    page.mouse.move(box["x"] + x0, box["y"] + y0)
    page.mouse.down()
    page.mouse.move(box["x"] + (x0 + x1) / 2, box["y"] + (y0 + y1) / 2, steps=5)
    page.mouse.move(box["x"] + x1, box["y"] + y1, steps=5)
    page.mouse.up()
    _wait_kernel_value(page, "print(json.dumps(sorted(ex.plot.selected_ids)))", expected)

    # the grid now shows the selection
    page.wait_for_selector(f".artopic-grid[data-rendered-tiles='{len(expected)}']")
    tile_ids = sorted(int(t.get_attribute("data-id")) for t in page.locator(".artopic-grid-tile").all())
    assert tile_ids == expected
    page.screenshot(path=str(artifacts / "explorer-selection.png"), full_page=True)

    # 3. a click on a tile opens the artwork in the viewer and rings its point in the plot
    pick = expected[-1]
    page.click(f".artopic-grid-tile[data-id='{pick}']")
    page.wait_for_selector(f".artopic-captions[data-artwork-id='{pick}']")
    title = json.loads(kernel_eval(page, f"print(json.dumps(study.collection.metadata.at[{pick}, 'title']))"))
    assert page.locator(".artopic-captions-title").text_content() == title
    captions = page.locator(".artopic-captions-caption").all_text_contents()
    assert captions == [f"caption by model-A of work {pick}", f"caption by model-B of work {pick}"]
    descriptions = page.locator(".artopic-captions-description").all_text_contents()
    assert descriptions == [f"description by model-A of work {pick}", f"description by model-B of work {pick}"]
    _wait_kernel_value(page, "print(json.dumps(ex.plot.highlighted_ids))", [pick])
    page.wait_for_function(
        "() => document.querySelector('.artopic-captions-image').naturalWidth > 0")
    page.screenshot(path=str(artifacts / "explorer-viewer.png"), full_page=True)

    # 4. a re-cluster control: k = 5 reaches the plot as new labels (same widget, new codes)
    version = int(canvas.get_attribute("data-rendered-version"))
    k_input = page.locator(".artopic-explorer .widget-inline-hbox",
                           has=page.locator("label", has_text=re.compile(r"^k$"))).locator("input")
    k_input.fill("5")
    k_input.press("Enter")
    _wait_kernel_value(page, "print(json.dumps(study.params_['cluster']['n_clusters']))", 5)
    wait_kernel_idle(page)
    labels = json.loads(kernel_eval(page, "print(json.dumps(study.labels_.tolist()))"))
    assert len(set(labels)) == 5
    page.wait_for_selector(
        f".artopic-plot canvas.artopic-plot-canvas[data-codes-checksum='{_checksum(labels)}']")
    assert int(canvas.get_attribute("data-rendered-version")) > version
    assert page.locator(".artopic-plot-legend-item").count() == 5
    assert page.locator(".artopic-plot canvas.artopic-plot-canvas").count() == 1  # not rebuilt
    page.screenshot(path=str(artifacts / "explorer-reclustered.png"), full_page=True)

    # 5. the legend hides a cluster: fewer points drawn, Python's hidden_categories follows
    codes = json.loads(kernel_eval(
        page, "print(json.dumps(np.frombuffer(ex.plot.codes, dtype=np.int32).tolist()))"))
    page.click(".artopic-plot-legend-item[data-code='0']")
    _wait_kernel_value(page, "print(json.dumps(ex.plot.hidden_categories))", [0])
    page.wait_for_selector(".artopic-plot canvas.artopic-plot-canvas"
                           f"[data-rendered-points='{n - codes.count(0)}']")
    assert "is-hidden" in page.locator(".artopic-plot-legend-item[data-code='0']").get_attribute("class")
    page.click(".artopic-plot-legend-item[data-code='0']")
    _wait_kernel_value(page, "print(json.dumps(ex.plot.hidden_categories))", [])
    page.wait_for_selector(f".artopic-plot canvas.artopic-plot-canvas[data-rendered-points='{n}']")

    # 6. lasso: a triangle drawn with the mouse selects exactly the points inside it
    page.click(".artopic-plot-mode[data-mode='lasso']")
    view = json.loads(canvas.get_attribute("data-view"))
    screen = [((x - view["cx"]) * view["scale"] + view["width"] / 2,
               view["height"] / 2 - (y - view["cy"]) * view["scale"]) for x, y in coords]
    triangle = _clear_triangle(screen, view["width"], view["height"])
    expected = sorted(i for i, p in enumerate(screen) if _inside(p, triangle))
    assert 0 < len(expected) < n
    overlay.scroll_into_view_if_needed()
    box = overlay.bounding_box()
    page.mouse.move(box["x"] + triangle[0][0], box["y"] + triangle[0][1])
    page.mouse.down()
    for x, y in triangle[1:] + triangle[:1]:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=8)
    page.mouse.up()
    _wait_kernel_value(page, "print(json.dumps(sorted(ex.plot.selected_ids)))", expected)
    page.screenshot(path=str(artifacts / "explorer-lasso.png"), full_page=True)

    # 7. the colour menu recolours by a metadata column: legend lists the known genres
    page.select_option(".artopic-plot-colorby select", "genre")
    _wait_kernel_value(page, "print(json.dumps(ex.plot.color_by))", "genre")
    genres = json.loads(kernel_eval(
        page, "print(json.dumps(sorted(study.collection.genres.dropna().unique().tolist())))"))
    page.wait_for_function("(k) => document.querySelectorAll('.artopic-plot-legend-item').length === k",
                           arg=len(genres))
    assert sorted(page.locator(".artopic-plot-legend-label").all_text_contents()) == genres
    page.select_option(".artopic-plot-colorby select", "cluster")
    _wait_kernel_value(page, "print(json.dumps(ex.plot.color_by))", "cluster")

    # 8. a malicious title renders as text everywhere and runs nothing
    kernel_eval(page, "ex.plot.select([0])")
    page.wait_for_selector(".artopic-grid-tile[data-id='0']")
    assert page.locator(".artopic-grid-tile[data-id='0'] .artopic-grid-caption").text_content() == XSS
    page.click(".artopic-grid-tile[data-id='0']")
    page.wait_for_selector(".artopic-captions[data-artwork-id='0']")
    assert page.locator(".artopic-captions-title").text_content() == XSS
    # hover point 0: the card shows the title as text
    page.click(".artopic-plot-mode[data-mode='pan']")
    overlay = page.locator(".artopic-plot canvas.artopic-plot-overlay")
    overlay.scroll_into_view_if_needed()
    box = overlay.bounding_box()
    view = json.loads(canvas.get_attribute("data-view"))
    x, y = coords[0]
    sx = (x - view["cx"]) * view["scale"] + view["width"] / 2
    sy = view["height"] / 2 - (y - view["cy"]) * view["scale"]
    page.mouse.move(box["x"] + sx + 1, box["y"] + sy + 1)
    page.mouse.move(box["x"] + sx, box["y"] + sy)
    page.wait_for_function(
        "(t) => document.querySelector('.artopic-plot-tooltip-title').textContent === t", arg=XSS)
    assert page.locator(".artopic-plot-tooltip").get_attribute("data-id") == "0"
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("img[src='x']").count() == 0
    assert page.locator(".artopic-explorer script").count() == 0
    page.screenshot(path=str(artifacts / "explorer-xss.png"), full_page=True)

    # no JavaScript errors, no errors reported by the links
    assert [e for e in page.page_errors if "artopic" in e or "render" in e] == []
    assert json.loads(kernel_eval(page, "print(json.dumps(ex.link.errors))")) == []
