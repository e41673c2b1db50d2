"""The image map (EmbeddingPlot draw="images") in a real JupyterLab in headless Chromium:
pictures are drawn (the plot is not a few flat colours), hover and lasso work on pictures,
the level of detail changes with the zoom and sharper thumbnails come close in, and without
WebGL the 2-D canvas fallback draws the same map and says so.

Waits are on what the view exposes (``data-complete``, ``data-lod``, ``data-detail`` on the
canvas) and on Python state read back from the kernel, never on sleeps.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import numpy as np
import pytest
from _lab import FIXTURE_STUDY, kernel_eval, open_notebook, wait_kernel_idle, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

IMAGES = Path(__file__).resolve().parents[1] / "data" / "images"

SETUP = f"""
import json
from pathlib import Path
import numpy as np
import artopic_nb as an
from artopic_nb.pipeline.study import Study
from artopic_nb.widgets import EmbeddingPlot

{FIXTURE_STUDY}plot = EmbeddingPlot.from_study(study, draw="images", height=420)
plot
"""

# No WebGL at all: what some remote desktops and locked-down browsers give
NO_WEBGL = """
const original = HTMLCanvasElement.prototype.getContext;
HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
  if (/webgl/i.test(String(kind))) return null;
  return original.call(this, kind, ...rest);
};
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


def _inside(point, polygon) -> bool:
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
    for apex_share in (0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65, 0.3, 0.7):
        triangle = [(6.0, 6.0), (width * apex_share, height / 2), (6.0, height - 6.0)]
        edges = list(zip(triangle, triangle[1:] + triangle[:1], strict=True))
        if all(_edge_distance(p, a, b) > 4 for p in screen for a, b in edges):
            return triangle
    raise AssertionError("no lasso triangle keeps clear of every work")


def _colours(page, selector: str) -> tuple[int, float]:
    """Distinct colours (16 levels a channel) in a screenshot of ``selector``, and the share of
    its most common colour."""
    from PIL import Image

    png = page.locator(selector).screenshot()
    px = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3) // 16
    _, counts = np.unique(px, axis=0, return_counts=True)
    return len(counts), counts.max() / counts.sum()


def _screen(page, coords):
    view = json.loads(page.locator("canvas.artopic-plot-canvas").get_attribute("data-view"))
    return view, [((x - view["cx"]) * view["scale"] + view["width"] / 2,
                   view["height"] / 2 - (y - view["cy"]) * view["scale"]) for x, y in coords]


def _open_map(lab_server, page, name: str) -> int:
    write_notebook(lab_server.root / name, [SETUP])
    open_notebook(page, lab_server, name)
    page.wait_for_selector(".artopic-plot canvas.artopic-plot-canvas[data-complete='true']",
                           timeout=180_000)
    wait_kernel_idle(page)
    return json.loads(kernel_eval(page, "print(json.dumps(len(col)))"))


def test_image_map_draws_pictures_hover_lasso_and_levels(lab_server, page, artifacts):
    n = _open_map(lab_server, page, "image_map.ipynb")
    canvas = page.locator(".artopic-plot canvas.artopic-plot-canvas")
    assert canvas.get_attribute("data-renderer") == "webgl2"
    assert canvas.get_attribute("data-lod") == "all"
    assert int(canvas.get_attribute("data-pictures")) == n
    assert json.loads(kernel_eval(page, "print(json.dumps([plot.renderer, plot.rendered_points]))")) \
        == ["webgl2", n]
    assert page.locator(".artopic-plot-notice").text_content() == ""
    # pictures, not a handful of flat colours (the dots plot of the same works has < 40)
    distinct, top = _colours(page, ".artopic-plot-stage")
    assert distinct > 400 and top < 0.9, (distinct, top)
    page.locator(".artopic-plot").screenshot(path=str(artifacts / "image-map.png"))
    # cluster numbers at the centroids (no names yet)
    labels = json.loads(kernel_eval(page, "print(json.dumps(plot.cluster_labels))"))
    assert sorted(d["text"] for d in labels) == ["0", "1", "2"]

    # hover: the most representative work is drawn on top; a point inside its picture, off its
    # centre (beyond a dot's radius), shows its title and artist
    coords = json.loads(kernel_eval(page, "print(json.dumps(study.coords_.tolist()))"))
    top_work = json.loads(kernel_eval(
        page, "print(json.dumps(int(np.argmin(np.frombuffer(plot.ranks, np.int32)))))"))
    size = float(canvas.get_attribute("data-picture-size"))
    _, screen = _screen(page, coords)
    overlay = page.locator(".artopic-plot canvas.artopic-plot-overlay")
    overlay.scroll_into_view_if_needed()
    box = overlay.bounding_box()
    sx, sy = screen[top_work]
    page.mouse.move(box["x"] + sx + size * 0.3 + 1, box["y"] + sy)
    page.mouse.move(box["x"] + sx + size * 0.3, box["y"] + sy)
    title, artist = json.loads(kernel_eval(
        page, f"print(json.dumps([col.metadata.at[{top_work}, 'title'], col.metadata.at[{top_work}, 'artist']]))"))
    page.wait_for_function(
        "(t) => document.querySelector('.artopic-plot-tooltip-title').textContent === t", arg=title)
    assert page.locator(".artopic-plot-tooltip").get_attribute("data-id") == str(top_work)
    page.wait_for_function(
        "(a) => document.querySelector('.artopic-plot-tooltip-sub').textContent.includes(a)", arg=artist)

    # lasso: a triangle drawn with the mouse selects exactly the works whose place is inside
    page.click(".artopic-plot-mode[data-mode='lasso']")
    view, screen = _screen(page, coords)
    triangle = _clear_triangle(screen, view["width"], view["height"])
    expected = sorted(i for i, p in enumerate(screen) if _inside(p, triangle))
    assert 0 < len(expected) < n
    page.mouse.move(box["x"] + triangle[0][0], box["y"] + triangle[0][1])
    page.mouse.down()
    for x, y in triangle[1:] + triangle[:1]:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=8)
    page.mouse.up()
    _wait_kernel_value(page, "print(json.dumps(sorted(plot.selected_ids)))", expected)
    page.locator(".artopic-plot").screenshot(path=str(artifacts / "image-map-lasso.png"))

    # recolouring: the frames follow the colour menu (another picture of the same map)
    before = page.locator(".artopic-plot-stage").screenshot()
    page.click(".artopic-plot-clear")
    page.select_option(".artopic-plot-colorby select", "genre")
    _wait_kernel_value(page, "print(json.dumps(plot.color_by))", "genre")
    page.wait_for_function("() => document.querySelectorAll('.artopic-plot-legend-item').length > 3")
    page.wait_for_timeout(300)
    assert page.locator(".artopic-plot-stage").screenshot() != before

    # level of detail: far out, dots and representative pictures; close in, sharper thumbnails
    page.click(".artopic-plot-mode[data-mode='pan']")
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    for _ in range(30):
        page.mouse.wheel(0, 400)
        if canvas.get_attribute("data-lod") == "representatives":
            break
        page.wait_for_timeout(50)
    page.wait_for_selector("canvas.artopic-plot-canvas[data-lod='representatives']")
    assert 0 < int(canvas.get_attribute("data-pictures")) < n
    page.locator(".artopic-plot").screenshot(path=str(artifacts / "image-map-far.png"))
    page.dblclick(".artopic-plot canvas.artopic-plot-overlay")  # back to the whole map
    page.wait_for_selector("canvas.artopic-plot-canvas[data-lod='all']")
    sx, sy = screen[top_work]
    page.mouse.move(box["x"] + sx, box["y"] + sy)
    for _ in range(8):
        page.mouse.wheel(0, -300)
        page.wait_for_timeout(50)
    page.wait_for_function(
        "() => Number(document.querySelector('canvas.artopic-plot-canvas').dataset.detail || 0) > 0")
    page.locator(".artopic-plot").screenshot(path=str(artifacts / "image-map-close.png"))
    assert [e for e in page.page_errors if "artopic" in e or "render" in e] == []


def test_image_map_without_webgl_draws_on_a_canvas_and_says_so(lab_server, page, artifacts):
    page.add_init_script(NO_WEBGL)
    n = _open_map(lab_server, page, "image_map_fallback.ipynb")
    canvas = page.locator(".artopic-plot canvas.artopic-plot-canvas")
    assert canvas.get_attribute("data-renderer") == "canvas-fallback"
    assert "without WebGL" in page.locator(".artopic-plot-notice").text_content()
    _wait_kernel_value(page, "print(json.dumps(plot.renderer))", "canvas-fallback")
    assert int(canvas.get_attribute("data-pictures")) == n
    distinct, top = _colours(page, ".artopic-plot-stage")
    assert distinct > 400 and top < 0.9, (distinct, top)
    page.locator(".artopic-plot").screenshot(path=str(artifacts / "image-map-fallback.png"))
    # hover and box selection work the same way
    coords = json.loads(kernel_eval(page, "print(json.dumps(study.coords_.tolist()))"))
    view, screen = _screen(page, coords)
    overlay = page.locator(".artopic-plot canvas.artopic-plot-overlay")
    box = overlay.bounding_box()
    page.click(".artopic-plot-mode[data-mode='box']")
    xs = sorted(x for x, _ in screen)
    k = max(1, n // 3)
    x1 = (xs[k - 1] + xs[k]) / 2
    expected = sorted(i for i, (x, _) in enumerate(screen) if x <= x1)
    page.mouse.move(box["x"] + 2, box["y"] + 2)
    page.mouse.down()
    page.mouse.move(box["x"] + x1, box["y"] + view["height"] - 2, steps=6)
    page.mouse.up()
    _wait_kernel_value(page, "print(json.dumps(sorted(plot.selected_ids)))", expected)
    assert [e for e in page.page_errors if "artopic" in e or "render" in e] == []
