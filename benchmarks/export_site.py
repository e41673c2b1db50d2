"""The static site (study.export_site): export time, folder size, first frame, pan and zoom.

For 10^3 and 10^4 works (and 10^5 with --works 1000,10000,100000), each figure a median over
--reps runs:
- export: ``export_site`` of a clustered study whose thumbnails are cached (64 px for the
  atlas, --thumb px for the grid), cold (no atlas page cached: built from the thumbnails) and
  warm (the pages in the study's cache, as after the image map was shown once); the folder's
  size on disk;
- in headless Chromium, the site opened from ``file://`` (as a double-click opens it): the
  first frame of the map (``data-version-drawn-at``: the dots) and the first frame with every
  atlas page in it (``data-pictures-drawn-at``), both from navigation start; then pan and
  zoom frames per second (an input event every animation frame for --seconds, the map's draws
  per second), as benchmarks/image_map.py measures the widget.

The works are the image map benchmark's small JPEGs (made once under --data from the bundled
demo paintings: crops, flips, tints); 10^5 works repeat 10^4 ten times. The study is a
stand-in with what the exporter reads: 30 Gaussian clusters of 2-D coordinates, 64-d
embeddings near their cluster's centre, names, a genre and a department facet (an embedder and
UMAP would add minutes and change nothing the export does).

Run:  python benchmarks/export_site.py [--reps 3] [--works 1000,10000] [--seconds 3]
Needs /usr/bin/chromium and playwright. Headless Chromium draws WebGL with SwiftShader, a
software rasterizer: frame rates are a CPU's, not a GPU's.
"""

from __future__ import annotations

import argparse
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
from benchmarks.image_map import FPS_JS, make_works  # noqa: E402

FIRST_FRAMES = """() => { const c = document.querySelector('canvas.artopic-plot-canvas');
  if (!c || !c.dataset.picturesDrawnAt) return null;
  return { dots: Number(c.dataset.versionDrawnAt), pictures: Number(c.dataset.picturesDrawnAt),
           renderer: c.dataset.renderer }; }"""


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


def browser_figures(index: Path, reps: int, seconds: float) -> dict:
    from _lab import launch_browser
    from playwright.sync_api import sync_playwright

    dots, pictures, pan, zoom, renderer = [], [], [], [], ""
    with sync_playwright() as p:
        browser = launch_browser(p)
        for _ in range(reps):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.goto(index.as_uri())
            page.wait_for_function(FIRST_FRAMES, timeout=120_000)
            got = page.evaluate(FIRST_FRAMES)
            dots.append(got["dots"])
            pictures.append(got["pictures"])
            renderer = got["renderer"]
            pan.append(page.evaluate(FPS_JS, ["pan", seconds * 1000])["fps"])
            zoom.append(page.evaluate(FPS_JS, ["zoom", seconds * 1000])["fps"])
            context.close()
        browser.close()
    med = statistics.median
    return {"dots_ms": med(dots), "pictures_ms": med(pictures), "pan_fps": med(pan),
            "zoom_fps": med(zoom), "renderer": renderer}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--works", default="1000,10000")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--thumb", type=int, default=112, help="thumb_size of the export")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "artopic-image-map",
                        help="where the works' JPEGs are (made once; shared with image_map.py)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "artopic-export-site")
    args = parser.parse_args(argv)
    manifest = make_works(args.data / "works")
    rows = []
    for n in (int(x) for x in args.works.split(",")):
        out = args.cache / f"site-{n}"
        e = export_figures(manifest, args.cache / "cache", out, n, args.reps, args.thumb)
        b = browser_figures(out / "index.html", args.reps, args.seconds)
        rows.append((f"{n:,}", f"{e['cold']:.1f}", f"{e['warm']:.1f}", f"{e['mb']:.1f}",
                     e["parts"], f"{b['dots_ms']:.0f}", f"{b['pictures_ms']:.0f}",
                     f"{b['pan_fps']:.0f}", f"{b['zoom_fps']:.0f}", b["renderer"]))
        print(f"{n:,} works: thumbnails cached in {e['thumb_warmup']:.0f} s (not part of the export)",
              flush=True)
    print_table(f"export_site ({machine()}; headless Chromium, software WebGL (SwiftShader); "
                f"thumb_size {args.thumb}; medians of {args.reps})", rows,
                ("works", "export cold s", "export warm s", "folder MB", "data files",
                 "first frame ms (dots)", "first frame ms (pictures)", "pan fps", "zoom fps",
                 "renderer"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
