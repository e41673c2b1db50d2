"""The static site (study.export_site) beside the image-map widget in JupyterLab, same run.

For 10^3 and 10^4 works (and 10^5 with --works 1000,10000,100000), each figure a median over
--reps runs:
- export: ``export_site`` of a clustered study whose thumbnails are cached (64 px for the
  atlas, --thumb px for the grid), cold (no atlas page cached: built from the thumbnails) and
  warm (the pages in the study's cache, as after the image map was shown once); the folder's
  size on disk and its number of data files;
- the site, in headless Chromium, opened from ``file://`` (as a double-click opens it), a fresh
  page each rep: the first frame of the map (``data-version-drawn-at``: the dots) and the first
  frame complete with pictures (every atlas page the view needs drawn:
  ``data-pictures-drawn-at``), both from navigation start; then, on the last page once every
  atlas page has loaded, zoom and pan frames per second from the whole map:
  ``continuous_fps`` of benchmarks/image_map.py (3 zooms, then 3 pans, each from the whole map
  and 2 s of an input event every animation frame; the map's draws per second; medians);
- the widget, the baseline: the same works and coordinates in ``EmbeddingPlot(draw="images",
  height=420)`` in JupyterLab in the same browser, measured by ``browser_figures`` of
  benchmarks/image_map.py: the first frame complete with pictures from "run cell" (the kernel
  builds the widget, the state crosses the wire, the view reads the cached pages; the cell is
  run once first as a warm-up), its front end part alone (from the view's render start), and
  zoom and pan frames per second by the same ``continuous_fps``.
  The ratios are site/widget: first frame below 1 and frames per second above 1 favour the
  site. The two first frames start from different clicks (opening the page; running the
  cell), each the wait a reader sees; the site's map canvas is larger (sizes printed).

The works are the image map benchmark's small JPEGs (made once under --data from the bundled
demo paintings: crops, flips, tints); 10^5 works repeat 10^4 ten times. The study is a
stand-in with what the exporter reads: 30 Gaussian clusters of 2-D coordinates (the same as
the widget's cell), 64-d embeddings near their cluster's centre, names, a genre and a
department facet (an embedder and UMAP would add minutes and change nothing the export does).

Run:  python benchmarks/export_site.py [--reps 3] [--works 1000,10000]
      [--frames 20] [--no-widget]   (--no-widget: the site only, no JupyterLab)
Needs /usr/bin/chromium, playwright and (for the widget) jupyterlab. Headless Chromium draws
WebGL with SwiftShader, a software rasterizer: frame rates are a CPU's, not a GPU's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT))

from benchmarks._common import machine, print_table  # noqa: E402
from benchmarks.image_map import PAGES_LOADED_JS, continuous_fps, make_works  # noqa: E402
from benchmarks.image_map import browser_figures as widget_figures  # noqa: E402

FIRST_FRAMES = """() => { const c = document.querySelector('canvas.artopic-plot-canvas');
  if (!c || !c.dataset.picturesDrawnAt) return null;
  return { dots: Number(c.dataset.versionDrawnAt), pictures: Number(c.dataset.picturesDrawnAt),
           renderer: c.dataset.renderer, lod: c.dataset.lod || '',
           size: `${c.clientWidth}x${c.clientHeight}` }; }"""


class BenchStudy:
    """What ``export_site`` reads from a study: results by name, the collection, the cache."""

    def __init__(self, collection, cache, n: int, seed: int = 0):
        import numpy as np

        rng = np.random.default_rng(seed)
        centres = rng.normal(0, 8, size=(30, 2))
        self.labels = rng.integers(-1, 30, size=n)
        self.coords = (centres[np.maximum(self.labels, 0)] + rng.normal(0, 1.2, (n, 2))).astype("float32")
        anchors = rng.normal(size=(30, 64))
        self.embeddings = (anchors[np.maximum(self.labels, 0)] + rng.normal(0, 0.6, (n, 64))).astype("float32")
        self.collection, self.cache = collection, cache

    def get(self, name, default=None):
        return {"labels_": self.labels, "coords_": self.coords, "embeddings_": self.embeddings,
                "cluster_names_": {c: f"group {c}" for c in range(30)}}.get(name, default)


def collection(manifest: Path, n: int):
    import pandas as pd

    from artopic_nb.data.collection import ImageCollection

    base = pd.read_csv(manifest)
    meta = pd.concat([base] * (-(-n // len(base))), ignore_index=True).iloc[:n].reset_index(drop=True)
    meta["title"] = [f"Work {i}" for i in range(n)]
    meta["genre"] = [("portrait", "landscape", "still life", "religious", "genre scene",
                      "mythological", "animal", "interior")[i % 8] for i in range(n)]
    meta["department"] = [("European Paintings", "Asian Art", "American Wing", "Drawings",
                           "Modern Art")[(i // 3) % 5] for i in range(n)]
    return ImageCollection(meta, name=f"bench{n}")


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def export_figures(manifest: Path, cache_dir: Path, out: Path, n: int, reps: int,
                   thumb: int) -> dict:
    from artopic_nb.data.cache import Cache
    from artopic_nb.export.site import export_site

    cache = Cache(cache_dir)
    col = collection(manifest, n)
    t = time.perf_counter()
    for i in range(min(n, 10_000)):  # the thumbnails cached (beyond 10^4 the same hashes)
        col.thumbnail_bytes(i, 64, cache=cache)
        col.thumbnail_bytes(i, thumb, cache=cache)
    warmup = time.perf_counter() - t
    cold, warm = [], []
    for _ in range(reps):
        shutil.rmtree(cache_dir / "atlases", ignore_errors=True)
        study = BenchStudy(collection(manifest, n), cache, n)  # nothing in memory
        t = time.perf_counter()
        export_site(study, out, thumb_size=thumb)
        cold.append(time.perf_counter() - t)
        study = BenchStudy(collection(manifest, n), cache, n)
        t = time.perf_counter()
        export_site(study, out, thumb_size=thumb)
        warm.append(time.perf_counter() - t)
    return {"cold": statistics.median(cold), "warm": statistics.median(warm),
            "mb": folder_mb(out), "thumb_warmup": warmup,
            "parts": len(list((out / "data").glob("*.js")))}


def site_figures(browser, index: Path, reps: int) -> dict:
    """First frames (from navigation start, a fresh page each rep), then, on the last page with
    every atlas page loaded, zoom and pan frames per second as the widget's (continuous_fps)."""
    dots, pictures, errors, got = [], [], [], {}
    for k in range(reps):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(index.as_uri())
        page.wait_for_function(FIRST_FRAMES, timeout=120_000)
        got = page.evaluate(FIRST_FRAMES)
        dots.append(got["dots"])
        pictures.append(got["pictures"])
        if k == reps - 1:
            page.wait_for_function(PAGES_LOADED_JS, polling=250, timeout=120_000)
            fps = continuous_fps(page)
            lods = sorted({f["lod"] for v in fps.values() for f in v if f["lod"]})
        context.close()
    med = statistics.median
    return {"dots_ms": med(dots), "pictures_ms": med(pictures),
            "zoom_fps": med([f["fps"] for f in fps["zoom"]]),
            "pan_fps": med([f["fps"] for f in fps["pan"]]), "renderer": got["renderer"],
            "lod": got["lod"], "fps_lods": lods, "size": got["size"], "errors": errors}


def ratio(a: float, b: float | None) -> str:
    return f"{a / b:.2f}" if b else "-"


def row(n: int, e: dict, s: dict, w: dict | None) -> tuple:
    """One table row: the export, the site's figures, the widget's and site/widget."""
    w = w or {}
    f0 = lambda key: f"{w[key]:.0f}" if key in w else "-"  # noqa: E731
    return (f"{n:,}", f"{e['cold']:.1f}", f"{e['warm']:.1f}", f"{e['mb']:.1f}", e["parts"],
            f"{s['dots_ms']:.0f}", f"{s['pictures_ms']:.0f}", f0("first_frame_ms"),
            f0("frontend_ms"), ratio(s["pictures_ms"], w.get("first_frame_ms")),
            f"{s['pan_fps']:.0f}", f0("pan_fps"), ratio(s["pan_fps"], w.get("pan_fps")),
            f"{s['zoom_fps']:.0f}", f0("zoom_fps"), ratio(s["zoom_fps"], w.get("zoom_fps")))


HEADERS = ("works", "export cold s", "export warm s", "folder MB", "data files",
           "site first dots ms", "site first pictures ms", "widget first pictures ms",
           "widget front end ms", "first ratio", "site pan fps", "widget pan fps", "pan ratio",
           "site zoom fps", "widget zoom fps", "zoom ratio")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--works", default="1000,10000")
    parser.add_argument("--thumb", type=int, default=112, help="thumb_size of the export")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "artopic-image-map",
                        help="where the works' JPEGs are (made once; shared with image_map.py)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "artopic-export-site")
    parser.add_argument("--frames", type=int, default=20,
                        help="the widget's input-to-frame steps (image_map.browser_figures)")
    parser.add_argument("--no-widget", action="store_true",
                        help="the site only: skip the widget in JupyterLab")
    args = parser.parse_args(argv)
    from _lab import JupyterLabServer, launch_browser
    from playwright.sync_api import sync_playwright

    t_run, load0 = time.perf_counter(), os.getloadavg()[0]
    manifest = make_works(args.data / "works")
    cache_dir = args.cache / "cache"
    root = Path(tempfile.mkdtemp(prefix="artopic-export-site-lab-"))
    server = None if args.no_widget else JupyterLabServer(root)
    rows, notes, errors = [], [], []
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)  # one browser for the site and JupyterLab
            for n in (int(x) for x in args.works.split(",")):
                out = args.cache / f"site-{n}"
                e = export_figures(manifest, cache_dir, out, n, args.reps, args.thumb)
                print(f"{n:,} works: thumbnails cached in {e['thumb_warmup']:.0f} s (not part of "
                      f"the export); export {e}", flush=True)
                s = site_figures(browser, out / "index.html", args.reps)
                print(f"{n:,} site: {s}", flush=True)
                w = None
                if server is not None:
                    w = widget_figures(browser, server, root, manifest, cache_dir, n, "images",
                                       args.reps, args.frames, f"images-{n}")
                    print(f"{n:,} widget: {w}", flush=True)
                rows.append(row(n, e, s, w))
                notes.append(f"{n:,}: site {s['renderer']}, canvas {s['size']}, level of detail "
                             f"{s['lod'] or '-'}, while panning/zooming {s['fps_lods']}" + ("" if w is None else
                             f"; widget {w['detail'].get('renderer')}, canvas "
                             f"{w['detail'].get('size')}, level of detail {w['detail'].get('lod')}"
                             f", while panning/zooming {w['fps_lods']}"))
                errors += [f"{n:,} site: {x}" for x in s["errors"]]
                errors += [f"{n:,} widget: {x}" for x in (w or {}).get("errors", [])]
            browser.close()
    finally:
        if server is not None:
            server.stop()
    print_table(f"export_site beside the widget in JupyterLab ({machine()}; headless Chromium, "
                f"software WebGL (SwiftShader); thumb_size {args.thumb}; medians of {args.reps}; "
                "ratios site/widget)", rows, HEADERS)
    print("\n".join(["", *notes]))
    print(f"run took {time.perf_counter() - t_run:.0f} s; load average {load0:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end (1 min; other processes share the cores)")
    if errors:
        print(f"console errors ({len(errors)}):", *errors[:10], sep="\n  ")
    return 0

if __name__ == "__main__":
    raise SystemExit(main())
