"""Render benchmark of EmbeddingPlot in a real browser (JupyterLab + headless Chromium).

Figures (medians over --reps runs):
- time to first frame of a plot of N points (default 100,000): from "run cell" to the first
  drawn frame (kernel builds the widget, state crosses the wire, the view draws), and the
  front end's share alone (render() called -> first frame drawn);
- pan / zoom frame time: real (trusted) wheel and drag input from Playwright, one step at a
  time; the time from the input to the second animation frame after it (so the frame that ran
  the handlers has been painted; includes up to one vsync wait), and the plot's own draw time
  (script) per frame;
beside altair's JupyterChart (offline vega) drawing 5,000 and 20,000 points of the same data
(``.interactive()`` scatter), measured the same way.

Run:  python benchmarks/widget_render.py [--points 100000] [--reps 5]
      [--static before=/tmp/old_static] [--no-altair]   (before/after a change, same run)
Needs /usr/bin/chromium, playwright, jupyterlab, vl-convert-python.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

from _lab import (  # noqa: E402
    JupyterLabServer,
    launch_browser,
    median,
    open_notebook,
    run_cell,
    table,
    wait_kernel_idle,
    write_notebook,
)

SETUP = """
import numpy as np, pandas as pd, altair as alt
from artopic_nb.widgets import EmbeddingPlot
from artopic_nb.widgets import charts
charts.enable_offline()
alt.data_transformers.disable_max_rows()
rng = np.random.default_rng(0)
N = {n}
centers = rng.normal(0, 8, size=(30, 2))
labels = rng.integers(-1, 30, size=N)
coords = (centers[np.maximum(labels, 0)] + rng.normal(0, 1.2, size=(N, 2))).astype("float32")
frame = pd.DataFrame({{"x": coords[:, 0], "y": coords[:, 1], "cluster": labels.astype(str)}})
def vega(n):
    return alt.JupyterChart(alt.Chart(frame.iloc[:n]).mark_circle(size=12).encode(
        x="x:Q", y="y:Q", color="cluster:N").properties(width=560, height=420).interactive())
"""

PLOT_CELL = "EmbeddingPlot(coords, labels, height=420)"
# --static: the same widget with its view read from another folder (e.g. the bundles before a
# change), measured in the same run, JupyterLab and browser as the current one
VARIANT_SETUP = """import pathlib
EmbeddingPlot = type("EmbeddingPlot", (EmbeddingPlot,), {{
    "_esm": pathlib.Path({static!r}) / "plot.js", "__module__": EmbeddingPlot.__module__}})
"""
PLOT_DONE = """
const c = node.querySelector('canvas.artopic-plot-canvas[data-version-drawn-at]');
if (!c || c.dataset.renderedPoints === undefined) return null;
return { points: Number(c.dataset.renderedPoints),
         frontend: Number(c.dataset.versionDrawnAt) - Number(c.dataset.renderStart) };
"""
VEGA_DONE = """
const v = node.querySelector('.vega-embed');
if (!v) return null;
const cv = v.querySelector('canvas');
if (cv && cv.width > 0) return { renderer: 'canvas' };
const marks = v.querySelectorAll('svg .mark-symbol path');
return marks.length > 0 ? { renderer: 'svg', marks: marks.length } : null;
"""

MARK_JS = "() => { window.__t0 = performance.now(); }"
# Two animation frames after the input: the frame that ran the handlers has been painted.
FRAME_JS = """
async () => {
    const raf = () => new Promise((res) => requestAnimationFrame(res));
    await raf(); await raf();
    const c = document.querySelector('canvas.artopic-plot-canvas');
    return { latency: performance.now() - window.__t0, draw: c ? Number(c.dataset.lastDrawMs) : NaN };
}
"""


def interact(page, selector: str, kind: str, steps: int) -> dict:
    """Real (trusted) wheel or drag input, one step at a time: input-to-painted-frame latency."""
    target = page.locator(selector).first
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    if kind == "pan":
        page.mouse.down()
    latencies, draws = [], []
    for k in range(steps):
        page.evaluate(MARK_JS)
        if kind == "move":
            page.mouse.move(cx + (k % 2), cy)
        elif kind == "zoom":
            page.mouse.wheel(0, -60 if k % 20 < 10 else 60)
        else:
            page.mouse.move(cx + 60 * math.sin(k / 5), cy + 40 * math.cos(k / 7))
        r = page.evaluate(FRAME_JS)
        latencies.append(r["latency"])
        draws.append(r["draw"])
    if kind == "pan":
        page.mouse.up()
    return {"latency": latencies, "draws": draws}


def print_variants(ours: dict, others: list[tuple[str, dict]]) -> None:
    """EmbeddingPlot's figures with the current view and each --static one, side by side."""
    rows = []
    for metric, key in (("time to first frame (ms)", "first_frame_ms"),
                        ("  front end only (ms)", "frontend_ms"),
                        ("zoom: input to painted frame (ms)", "zoom_frame_ms"),
                        ("pan: input to painted frame (ms)", "pan_frame_ms"),
                        ("plot draw time per frame, script (ms)", "draw_ms")):
        row = [metric, f"{ours[key]:.2f}"]
        for _name, r in others:
            row += [f"{r[key]:.2f}", f"{r[key] / ours[key]:.2f}" if ours[key] else "-"]
        rows.append(tuple(row))
    header = ["metric", "current"]
    for name, _r in others:
        header += [name, "ratio"]
    print("EmbeddingPlot, current view vs --static views; same run, medians")
    print(table(rows, tuple(header)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--static", action="append", default=[], metavar="LABEL=DIR",
                        help="also measure EmbeddingPlot with its view read from DIR/plot.js "
                             "(e.g. a copy of widgets/static before a change); repeatable")
    parser.add_argument("--no-altair", action="store_true", help="EmbeddingPlot only")
    args = parser.parse_args(argv)
    variants = []
    for spec in args.static:
        label, sep, folder = spec.partition("=")
        if not sep or not label or not (Path(folder) / "plot.js").is_file():
            raise SystemExit(f"--static wants LABEL=DIR with DIR/plot.js, got {spec!r}")
        variants.append((f"EmbeddingPlot [{label}]", PLOT_CELL, PLOT_DONE, "canvas.artopic-plot-overlay",
                         VARIANT_SETUP.format(static=str(Path(folder).resolve()))))

    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix="artopic-bench-"))
    subjects = (("EmbeddingPlot", PLOT_CELL, PLOT_DONE, "canvas.artopic-plot-overlay", ""), *variants,
                ("altair 5,000", "vega(5000)", VEGA_DONE, ".vega-embed svg.marks, .vega-embed canvas", ""),
                ("altair 20,000", "vega(20000)", VEGA_DONE, ".vega-embed svg.marks, .vega-embed canvas", ""))
    if args.no_altair:
        subjects = subjects[:1 + len(variants)]
    server = JupyterLabServer(root)
    results = {}
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            for k, (name, cell, done, selector, extra) in enumerate(subjects):
                # one notebook (and page) per subject: no other output shares its page
                write_notebook(root / f"render{k}.ipynb", [SETUP.format(n=args.points) + extra, cell])
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(180_000)
                open_notebook(page, server, f"render{k}.ipynb")  # runs both cells (warm-up)
                wait_kernel_idle(page)
                totals, fronts, detail = [], [], None
                for _ in range(args.reps):
                    wait_kernel_idle(page)
                    r = run_cell(page, 1, done)
                    totals.append(r["total"])
                    detail = r["detail"]
                    if "frontend" in detail:
                        fronts.append(detail["frontend"])
                wait_kernel_idle(page)
                if not results:  # the method's floor: the same steps over inert page text
                    floor = interact(page, ".jp-InputPrompt", "move", args.frames)
                    results["floor"] = median(floor["latency"])
                zoom = interact(page, selector, "zoom", args.frames)
                pan = interact(page, selector, "pan", args.frames)
                results[name] = {
                    "first_frame_ms": median(totals), "frontend_ms": median(fronts),
                    "zoom_frame_ms": median(zoom["latency"]), "pan_frame_ms": median(pan["latency"]),
                    "draw_ms": median([d for d in zoom["draws"] + pan["draws"] if d == d]),
                    "detail": detail,
                }
                page.evaluate("() => window.jupyterapp.commands.execute('kernelmenu:shutdown')")
                page.close()
            browser.close()
    finally:
        server.stop()

    floor = results.pop("floor")
    ours = results["EmbeddingPlot"]
    if variants:
        print_variants(ours, [(name, results[name]) for name, *_ in variants])
    if args.no_altair:
        return 0
    rows = []
    for metric, key, target in (("time to first frame (ms)", "first_frame_ms", "< 1000"),
                                ("  front end only (ms)", "frontend_ms", ""),
                                ("zoom: input to painted frame (ms)", "zoom_frame_ms", "< 33"),
                                ("pan: input to painted frame (ms)", "pan_frame_ms", "< 33")):
        row = [metric, f"{ours[key]:.1f}" if ours[key] == ours[key] else "-", target]
        for base in ("altair 5,000", "altair 20,000"):
            b = results[base][key]
            row += [f"{b:.1f}" if b == b else "-",
                    f"{b / ours[key]:.1f}x" if b == b and ours[key] else "-"]
        rows.append(tuple(row))
    rows.append(("plot draw time per frame, script (ms)", f"{ours['draw_ms']:.2f}", "", "", "", "", ""))
    print(f"measurement floor (input over inert text to painted frame): {floor:.1f} ms")
    print(f"EmbeddingPlot with {args.points:,} points vs altair JupyterChart; medians of "
          f"{args.reps} runs, {args.frames} frames; Chromium headless, software rendering")
    print(table(rows, ("metric", f"ours ({args.points:,})", "target", "altair 5k",
                       "ratio 5k/ours", "altair 20k", "ratio 20k/ours")))
    print(json.dumps({k: {kk: vv for kk, vv in v.items()} for k, v in results.items()}, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
