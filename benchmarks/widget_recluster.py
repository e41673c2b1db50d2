"""Re-cluster round trip of the Explorer on N works (default 10,000), in a real browser.

A re-cluster control is changed in JupyterLab (headless Chromium: typing a new "min cluster
size" and Enter, i.e. a real keystroke); the round trip ends when the plot has drawn the new
labels (the canvas's ``data-version-drawn-at``). Split into:
- kernel: the control's handler (``study.recluster`` plus pushing the labels to the views),
  with the clustering itself shown separately;
- front end: the plot's draw of the new labels (script time);
- transport and the rest: the round trip minus both.
Also prints the widgets' state size with N works, and what N thumbnails would weigh if they
were sent in the state instead of on demand.

The study has synthetic CLIP-like embeddings (30 Gaussian clusters in 64-D) over the bundled
test images repeated to N works, reduced with PCA to keep the set-up quick; HDBSCAN runs on the
5-D reduction as it would after UMAP.

Run:  python benchmarks/widget_recluster.py [--works 10000] [--reps 7]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

from _lab import (  # noqa: E402
    JupyterLabServer,
    kernel_eval,
    launch_browser,
    median,
    open_notebook,
    table,
    wait_kernel_idle,
    write_notebook,
)

IMAGES = Path(__file__).resolve().parents[1] / "tests" / "data" / "images"

SETUP = """
import json, time
from pathlib import Path
import numpy as np, pandas as pd
import artopic_nb as an
from artopic_nb.pipeline.study import Study
from artopic_nb.widgets import explore

N = {n}
images = Path({images!r})
small = an.ImageCollection.from_folder(images, images / "metadata.csv", progress=False)
meta = small.metadata.iloc[np.arange(N) % len(small)].reset_index(drop=True)
meta["title"] = [f"{{t}} (copy {{i}})" for i, t in enumerate(meta["title"])]
col = an.ImageCollection(meta, name="bench")
study = Study(col, cache_dir=None, progress=False)
rng = np.random.default_rng(0)
centers = rng.normal(0, 1, size=(30, 64))
emb = centers[rng.integers(0, 30, N)] + rng.normal(0, 0.35, size=(N, 64))
study.embeddings_ = (emb / np.linalg.norm(emb, axis=1, keepdims=True)).astype("float32")
study.embedder_id_ = "synthetic"
study.reduce(method="pca").cluster(min_cluster_size=20)
ex = explore(study, height=420)
ex
"""

STATE_SIZE = """
def state_bytes(w):
    state = w.get_state()
    from ipywidgets.widgets.widget import _remove_buffers
    s, _, buffers = _remove_buffers(state)
    return len(json.dumps(s)) + sum(len(b) for b in buffers)
sizes = {name: state_bytes(getattr(ex, name)) for name in ("plot", "grid", "viewer")}
thumbs = [len(study.collection.thumbnail_bytes(i, 128)) for i in range(min(N, 24))]
sizes["thumbnail_mean"] = float(np.mean(thumbs))
print(json.dumps(sizes))
"""

KEY_JS = """() => {
    window.__enter = null;
    document.addEventListener('keydown', (e) => { if (e.key === 'Enter') window.__enter = performance.now(); },
                              { capture: true, once: true });
}"""
DONE_JS = """(version) => {
    const c = document.querySelector('canvas.artopic-plot-canvas');
    return c && Number(c.dataset.renderedVersion) > version && c.dataset.versionDrawnAt !== undefined;
}"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix="artopic-bench-"))
    write_notebook(root / "recluster.ipynb", [SETUP.format(n=args.works, images=str(IMAGES))])
    server = JupyterLabServer(root)
    rows = []
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(180_000)
            open_notebook(page, server, "recluster.ipynb")
            page.wait_for_selector(
                f"canvas.artopic-plot-canvas[data-rendered-points='{args.works}']", timeout=300_000)
            wait_kernel_idle(page)
            sizes = json.loads(kernel_eval(page, STATE_SIZE))
            box = page.locator(".artopic-explorer .widget-inline-hbox",
                               has=page.get_by_text("min cluster size", exact=True)).locator("input")
            totals, kernels, clusters, draws = [], [], [], []
            for rep in range(args.reps + 1):  # the first is a warm-up
                value = 15 if rep % 2 == 0 else 20
                canvas = page.locator("canvas.artopic-plot-canvas")
                version = int(canvas.get_attribute("data-rendered-version"))
                page.evaluate(KEY_JS)
                box.fill(str(value))
                box.press("Enter")
                page.wait_for_function(DONE_JS, arg=version, polling="raf")
                drawn_at = float(canvas.get_attribute("data-version-drawn-at"))
                enter = page.evaluate("() => window.__enter")
                draw = float(canvas.get_attribute("data-last-draw-ms"))
                wait_kernel_idle(page)
                timing = json.loads(kernel_eval(page, "print(json.dumps(ex.last_timing))"))
                if rep == 0:
                    continue
                totals.append(drawn_at - enter)
                kernels.append(timing["kernel_ms"])
                clusters.append(timing["cluster_ms"])
                draws.append(draw)
            browser.close()
    finally:
        server.stop()

    total, kernel, cluster, draw = median(totals), median(kernels), median(clusters), median(draws)
    rows = [
        ("round trip: keystroke to recoloured plot", f"{total:.0f}", "< 300"),
        ("  kernel: control handler (recluster + views)", f"{kernel:.0f}", ""),
        ("    of which clustering (HDBSCAN)", f"{cluster:.0f}", ""),
        ("  front end: plot draw (script)", f"{draw:.1f}", ""),
        ("  transport, widget updates, the rest", f"{total - kernel - draw:.0f}", ""),
    ]
    print(f"Explorer re-cluster on {args.works:,} works, medians of {args.reps} runs "
          "(JupyterLab, Chromium headless)")
    print(table(rows, ("step", "ms", "target")))
    state = sizes["plot"] + sizes["grid"] + sizes["viewer"]
    eager = sizes["thumbnail_mean"] * args.works
    print()
    print(table([
        ("plot (coords + codes as binary)", f"{sizes['plot'] / 1024:.0f}"),
        ("grid (one page of tile records)", f"{sizes['grid'] / 1024:.0f}"),
        ("caption viewer (one artwork + image)", f"{sizes['viewer'] / 1024:.0f}"),
        ("all three views", f"{state / 1024:.0f}"),
        (f"{args.works:,} thumbnails (128 px) if sent in the state", f"{eager / 1024:.0f}"),
        ("one grid page of 60 thumbnails, on demand, once", f"{sizes['thumbnail_mean'] * 60 / 1024:.0f}"),
    ], ("widget state", "KiB")))
    print(json.dumps({"round_trip_ms": totals, "kernel_ms": kernels, "cluster_ms": clusters,
                      "draw_ms": draws, "sizes": sizes}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
