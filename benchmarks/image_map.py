"""The image map (EmbeddingPlot draw="images") beside the dots plot, in a real browser.

Figures (medians over --reps runs), for 10^4 works (every work drawn as its picture) and 10^5
works (level of detail: dots with representative pictures far out), each measured beside the
dots plot (draw="points") of the same works in the same run:
- time to first frame: from "run cell" in JupyterLab (headless Chromium) to the first frame
  drawn with every atlas page in it (the image map; ``data-pictures-drawn-at``) or with every
  point (the dots; ``data-version-drawn-at``). The cell builds the widget in the kernel (picture
  ranks, aspects), the state crosses the wire, the view asks for the atlas pages (read from the
  cache) and draws them;
- pan and zoom: real (trusted) wheel and drag input from Playwright, one step at a time; the
  time from the input to the second animation frame after it (the frame that ran the handlers
  has been painted), as frames per second, and the plot's own script time per frame;
- the browser's memory with the widget drawn: the proportional set size (PSS) of every Chromium
  process (the GPU process holds the textures; software rendering here) and the page's JS heap.
And, in Python: building the atlas pages of 10^4 works from their cached thumbnails (cold: no
page cached), and again from the cache (the pages on disk, none in memory), beside the
straightforward build (one thread, every thumbnail decoded at full size, then resized).

The works are 10^4 small JPEGs made once from the bundled demo paintings (varied crops, flips
and tints) under --data, with their 64-px thumbnails cached; 10^5 works repeat them ten times
(the same hashes, so the same thumbnails and cache entries). Coordinates are 30 Gaussian
clusters, as in benchmarks/widget_render.py.

Run:  python benchmarks/image_map.py [--reps 5] [--frames 60] [--quick]
      [--static before=/tmp/old_static]   (also the view from another folder, same run)
Needs /usr/bin/chromium, playwright, jupyterlab. Software WebGL (SwiftShader): frame rates are
those of a CPU, not a GPU.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT))

from _lab import (  # noqa: E402
    JupyterLabServer,
    launch_browser,
    median,
    open_notebook,
    run_cell,
    wait_kernel_idle,
    write_notebook,
)

from benchmarks._common import machine, print_table  # noqa: E402

N_IMAGES = 10_000

COLLECTION = """
import numpy as np, pandas as pd
from artopic_nb.data.cache import Cache
from artopic_nb.data.collection import ImageCollection
from artopic_nb.widgets import EmbeddingPlot
N = {n}
base = pd.read_csv({manifest!r})
meta = pd.concat([base] * (-(-N // len(base))), ignore_index=True).iloc[:N].reset_index(drop=True)
meta["title"] = [f"Work {{i}}" for i in range(N)]
col = ImageCollection(meta)
cache = Cache({cache!r})
thumbs = lambda i, size: col.thumbnail_bytes(i, size, cache=cache)
rng = np.random.default_rng(0)
centers = rng.normal(0, 8, size=(30, 2))
labels = rng.integers(-1, 30, size=N)
coords = (centers[np.maximum(labels, 0)] + rng.normal(0, 1.2, size=(N, 2))).astype("float32")
"""
# --static: the same widget with its view read from another folder (e.g. the bundles before a
# change), so that before and after are measured in one run, one JupyterLab, one browser
VARIANT = """
import pathlib
from artopic_nb.widgets import EmbeddingPlot as _Plot
EmbeddingPlot = type("EmbeddingPlot", (_Plot,), {{"_esm": pathlib.Path({static!r}) / "plot.js",
                                                  "__module__": _Plot.__module__}})
"""
CELL = ("EmbeddingPlot(coords, labels, metadata=col.metadata, thumbnails=thumbs, cache=cache, "
        "draw={draw!r}, height=420)")
DOTS_DONE = """
const c = node.querySelector('canvas.artopic-plot-canvas[data-version-drawn-at]');
if (!c) return null;
return { points: Number(c.dataset.renderedPoints),
         frontend: Number(c.dataset.versionDrawnAt) - Number(c.dataset.renderStart) };
"""
IMAGES_DONE = """
const c = node.querySelector('canvas.artopic-plot-canvas[data-pictures-drawn-at]');
if (!c) return null;
return { points: Number(c.dataset.renderedPoints), pictures: Number(c.dataset.pictures),
         lod: c.dataset.lod, renderer: c.dataset.renderer, size: `${c.clientWidth}x${c.clientHeight}`,
         frontend: Number(c.dataset.picturesDrawnAt) - Number(c.dataset.renderStart) };
"""
# Frames per second while panning or zooming without pause: for --seconds, an input event every
# animation frame (a drag or a wheel step, dispatched in the page); the plot redraws once a frame
# at most, so its draws per second are the frame rate it keeps up (60 when a frame costs little).
FPS_JS = """
async ([kind, ms]) => {
    const ov = document.querySelector('canvas.artopic-plot-overlay');
    const c = document.querySelector('canvas.artopic-plot-canvas');
    const r = ov.getBoundingClientRect();
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    // not bubbling: the notebook around the plot has its own pointer handlers
    const opts = (x, y) => ({ clientX: x, clientY: y, button: 0, pointerId: 7, bubbles: false, cancelable: true });
    if (kind === 'pan') ov.dispatchEvent(new PointerEvent('pointerdown', opts(cx, cy)));
    const d0 = Number(c.dataset.draws), t0 = performance.now();
    let k = 0;
    await new Promise((done) => {
        const step = () => {
            if (performance.now() - t0 > ms) { done(); return; }
            k++;
            if (kind === 'zoom') ov.dispatchEvent(new WheelEvent('wheel', { ...opts(cx, cy), deltaY: k % 40 < 20 ? -25 : 25 }));
            else ov.dispatchEvent(new PointerEvent('pointermove', opts(cx + 80 * Math.sin(k / 12), cy + 50 * Math.cos(k / 17))));
            requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
    });
    await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
    const elapsed = performance.now() - t0;
    if (kind === 'pan') ov.dispatchEvent(new PointerEvent('pointerup', opts(cx, cy)));
    return { fps: (Number(c.dataset.draws) - d0) / elapsed * 1000, inputs: k, lod: c.dataset.lod || '' };
}
"""
PAGES_LOADED_JS = """() => { const c = document.querySelector('canvas.artopic-plot-canvas');
    const p = c && c.dataset.pages; return !!p && p.split('/')[0] === p.split('/')[1]; }"""
MARK_JS = "() => { window.__t0 = performance.now(); }"
FRAME_JS = """
async () => {
    const raf = () => new Promise((res) => requestAnimationFrame(res));
    await raf(); await raf();
    const c = document.querySelector('canvas.artopic-plot-canvas');
    return { latency: performance.now() - window.__t0, draw: c ? Number(c.dataset.lastDrawMs) : NaN,
             lod: c ? c.dataset.lod : '', pictures: c ? Number(c.dataset.pictures || 0) : 0 };
}
"""


# -- the works ---------------------------------------------------------------------------------
def make_works(folder: Path, n: int = N_IMAGES) -> Path:
    """``n`` small JPEGs from the demo paintings (crops, flips, tints) and a manifest CSV."""
    from PIL import Image, ImageEnhance, ImageOps

    from artopic_nb.datasets import demo_data_dir

    manifest = folder / f"manifest_{n}.csv"
    if manifest.exists():
        return manifest
    folder.mkdir(parents=True, exist_ok=True)
    sources = []
    for p in sorted(demo_data_dir().glob("*.jpg")):
        im = Image.open(p).convert("RGB")
        im.thumbnail((320, 320))
        sources.append(im)
    rows = []
    rng = __import__("random").Random(0)
    for i in range(n):
        im = sources[i % len(sources)]
        w, h = im.size
        cw, ch = int(w * rng.uniform(0.55, 1.0)), int(h * rng.uniform(0.55, 1.0))
        x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
        im = im.crop((x, y, x + cw, y + ch))
        if rng.random() < 0.5:
            im = ImageOps.mirror(im)
        im = ImageEnhance.Color(im).enhance(rng.uniform(0.4, 1.6))
        im = ImageEnhance.Brightness(im).enhance(rng.uniform(0.8, 1.2))
        im.thumbnail((160, 160))
        path = folder / f"work_{i:05d}.jpg"
        im.save(path, quality=85)
        data = path.read_bytes()
        rows.append({"path": str(path), "file_name": path.name,
                     "hash": hashlib.sha256(data).hexdigest(), "width": im.width,
                     "height": im.height, "artist": f"Painter {i % 97}"})
    import pandas as pd

    pd.DataFrame(rows).to_csv(manifest, index=False)
    return manifest


def collection(manifest: Path, n: int):
    import pandas as pd

    from artopic_nb.data.collection import ImageCollection

    base = pd.read_csv(manifest)
    meta = pd.concat([base] * (-(-n // len(base))), ignore_index=True).iloc[:n]
    return ImageCollection(meta.reset_index(drop=True))


# -- atlas building (Python) -------------------------------------------------------------------
def naive_page(col, cache, ids, boxes, cell, page_size):
    """The straightforward build: one thread, every thumbnail decoded at full size, resized."""
    import io

    from PIL import Image

    per_row = page_size // cell
    page = Image.new("RGB", (page_size, -(-len(ids) // per_row) * cell), (238, 238, 238))
    for k, i in enumerate(ids):
        im = Image.open(io.BytesIO(col.thumbnail_bytes(int(i), 64, cache=cache))).convert("RGB")
        im = im.resize((int(boxes[k, 0]), int(boxes[k, 1])), Image.Resampling.BILINEAR)
        page.paste(im, ((k % per_row) * cell, (k // per_row) * cell))
    buf = io.BytesIO()
    page.save(buf, format="JPEG", quality=85)
    return buf.getvalue()


def atlas_figures(manifest: Path, cache_dir: Path, n: int, reps: int) -> dict:
    import numpy as np

    from artopic_nb.data import atlas
    from artopic_nb.data.cache import Cache

    cache = Cache(cache_dir)
    col = collection(manifest, n)
    meta = col.metadata
    ids = np.arange(n)
    aspects = atlas.picture_aspects(meta["width"], meta["height"])
    boxes = atlas.picture_boxes(aspects, atlas.ATLAS_CELL)
    per = atlas.works_per_page()
    chunks = [ids[k:k + per] for k in range(0, n, per)]
    hashes = meta["hash"].astype(str).tolist()
    mini_per = atlas.works_per_page(atlas.MINI_CELL, atlas.MINI_PAGE)

    def build():  # what the view asks for: every full page and the far view's pages
        full = [atlas.atlas_page(lambda i, s: col.thumbnail_bytes(i, s, cache=cache), c,
                                 boxes[c], [hashes[i] for i in c], cache) for c in chunks]
        mini = [atlas.reduced_page(lambda k: full[k], n, m, hashes[m * mini_per:(m + 1) * mini_per],
                                   cache) for m in range(-(-n // mini_per))]
        return full + mini

    def fresh(drop_disk: bool):
        nonlocal col  # no page memory is passed: pages come from the disk cache or are built
        col = collection(manifest, n)  # no thumbnail in memory: they come from the disk cache
        if drop_disk:
            shutil.rmtree(cache_dir / "atlases", ignore_errors=True)

    for i in range(n):  # the thumbnails cached (made once)
        col.thumbnail_bytes(i, atlas.ATLAS_SOURCE, cache=cache)
    cold, warm, naive = [], [], []
    for _ in range(reps):
        fresh(drop_disk=True)
        t = time.perf_counter()
        pages = build()
        cold.append(time.perf_counter() - t)
        fresh(drop_disk=False)
        t = time.perf_counter()
        again = build()
        warm.append(time.perf_counter() - t)
        assert again == pages
    for _ in range(max(1, reps // 2)):
        fresh(drop_disk=True)
        t = time.perf_counter()
        [naive_page(col, cache, c, boxes[c], atlas.ATLAS_CELL, atlas.ATLAS_PAGE) for c in chunks]
        naive.append(time.perf_counter() - t)
    fresh(drop_disk=True)
    build()  # leave the pages cached for the browser part
    return {"cold": median(cold), "warm": median(warm), "naive": median(naive),
            "pages": len(pages), "bytes": sum(map(len, pages))}


# -- the browser ---------------------------------------------------------------------------------
def chromium_pss_mb() -> float:
    """PSS of every Chromium process started by this one (MB), from /proc."""
    parents, names = {}, {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            names[int(d.name)] = stat[stat.index("(") + 1:stat.rindex(")")]
            parents[int(d.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError):
            continue
    ours, total = {os.getpid()}, 0.0
    changed = True
    while changed:
        changed = False
        for pid, ppid in parents.items():
            if ppid in ours and pid not in ours:
                ours.add(pid)
                changed = True
    for pid in ours:
        if "chrom" not in names.get(pid, "") and "headless" not in names.get(pid, ""):
            continue
        try:
            for line in (Path("/proc") / str(pid) / "smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


def interact(page, selector: str, kind: str, steps: int) -> dict:
    """Real (trusted) input, one step at a time: the time from each to the second animation
    frame after it (so the frame that ran the handlers has been painted)."""
    target = page.locator(selector).first
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    if kind == "pan":
        page.mouse.down()
    latencies, draws, lods = [], [], set()
    for k in range(steps):
        page.evaluate(MARK_JS)
        if kind == "zoom":
            page.mouse.wheel(0, -60 if k % 20 < 10 else 60)
        elif kind == "move":
            page.mouse.move(cx + (k % 2), cy)
        else:
            page.mouse.move(cx + 60 * math.sin(k / 5), cy + 40 * math.cos(k / 7))
        r = page.evaluate(FRAME_JS)
        latencies.append(r["latency"])
        draws.append(r["draw"])
        lods.add(r["lod"])
    if kind == "pan":
        page.mouse.up()
    return {"latency": latencies, "draws": draws, "lods": sorted(x for x in lods if x)}


def continuous_fps(page, runs: int = 3, ms: int = 2000) -> dict:
    """``runs`` zooms then ``runs`` pans of ``ms`` (FPS_JS), each from the whole map (a double
    click first: a zoom run ends zoomed in or out, which would carry over to the next)."""
    def run(kind):
        page.dblclick("canvas.artopic-plot-overlay")
        page.wait_for_timeout(300)
        return page.evaluate(FPS_JS, [kind, ms])
    return {kind: [run(kind) for _ in range(runs)] for kind in ("zoom", "pan")}


def browser_figures(browser, server, root: Path, manifest: Path, cache_dir: Path, n: int,
                    draw: str, reps: int, frames: int, tag: str, static: str | None = None) -> dict:
    name = f"{tag}.ipynb"
    setup = COLLECTION.format(n=n, manifest=str(manifest), cache=str(cache_dir))
    if static:
        setup += VARIANT.format(static=str(Path(static).resolve()))
    write_notebook(root / name, [setup, CELL.format(draw=draw)])
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(300_000)
    client = page.context.new_cdp_session(page)
    client.send("Performance.enable")
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_notebook(page, server, name)  # runs both cells (warm-up)
    wait_kernel_idle(page)
    if draw == "images":  # the warm-up built and cached every atlas page (kernel busy till then)
        page.wait_for_function(PAGES_LOADED_JS, polling=250)
        wait_kernel_idle(page)
    floor = median(interact(page, ".jp-InputPrompt", "move", frames)["latency"])
    done = IMAGES_DONE if draw == "images" else DOTS_DONE
    totals, fronts, detail = [], [], None
    for _ in range(reps):
        wait_kernel_idle(page)
        r = run_cell(page, 1, done)
        totals.append(r["total"])
        fronts.append(r["detail"]["frontend"])
        detail = r["detail"]
    wait_kernel_idle(page)
    zoom = interact(page, "canvas.artopic-plot-overlay", "zoom", frames)
    pan = interact(page, "canvas.artopic-plot-overlay", "pan", frames)
    fps = continuous_fps(page)
    page.wait_for_timeout(500)
    heap = {m["name"]: m["value"] for m in client.send("Performance.getMetrics")["metrics"]}
    pss = chromium_pss_mb()
    page.evaluate("() => window.jupyterapp.commands.execute('kernelmenu:shutdown')")
    page.close()
    return {"first_frame_ms": median(totals), "frontend_ms": median(fronts),
            "zoom_ms": median(zoom["latency"]), "pan_ms": median(pan["latency"]),
            "draw_ms": median([d for d in zoom["draws"] + pan["draws"] if d == d]),
            "lods": sorted(set(zoom["lods"] + pan["lods"])), "detail": detail,
            "zoom_fps": median([f["fps"] for f in fps["zoom"]]),
            "pan_fps": median([f["fps"] for f in fps["pan"]]),
            "fps_lods": sorted({f["lod"] for v in fps.values() for f in v if f["lod"]}),
            "floor_ms": floor, "pss_mb": pss, "heap_mb": heap.get("JSHeapUsedSize", float("nan")) / 2**20,
            "errors": errors}


def parse_variants(specs: list[str]) -> list[tuple[str, str | None]]:
    """``["before=/tmp/old_static"]`` -> ``[("current", None), ("before", "/tmp/old_static")]``."""
    variants: list[tuple[str, str | None]] = [("current", None)]
    for spec in specs:
        label, sep, folder = spec.partition("=")
        if not sep or not label or not (Path(folder) / "plot.js").is_file():
            raise SystemExit(f"--static wants LABEL=DIR with DIR/plot.js, got {spec!r}")
        variants.append((label, folder))
    return variants


VARIANT_METRICS = (("first frame from cell run (ms)", "first_frame_ms", "{:.0f}"),
                   ("  front end only (ms)", "frontend_ms", "{:.0f}"),
                   ("zoom, continuous (frames/s)", "zoom_fps", "{:.1f}"),
                   ("pan, continuous (frames/s)", "pan_fps", "{:.1f}"),
                   ("zoom: input to painted frame (ms)", "zoom_ms", "{:.0f}"),
                   ("pan: input to painted frame (ms)", "pan_ms", "{:.0f}"),
                   ("script per frame (ms)", "draw_ms", "{:.2f}"),
                   ("page JS heap (MB)", "heap_mb", "{:.1f}"))


def print_variants(results: dict, sizes: list[int], variants: list) -> None:
    """The same figures for each view (--static), side by side: medians, same run."""
    labels = [label for label, _ in variants]
    rows = []
    for n in sizes:
        for draw in ("points", "images"):
            runs = [results[f"{draw}-{n}" + (f"-{label}" if static else "")]
                    for label, static in variants]
            for metric, key, fmt in VARIANT_METRICS:
                values = [r[key] for r in runs]
                ratios = [f"{v / values[0]:.2f}" if values[0] else "-" for v in values[1:]]
                rows.append((f"{n:,} {draw}", metric, *(fmt.format(v) for v in values), *ratios))
    print_table("The view from each folder, same run (medians)", rows,
                ("works", "metric", *labels, *(f"{x}/{labels[0]}" for x in labels[1:])))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--atlas-reps", type=int, default=3)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "artopic-image-map",
                        help="where the 10^4 works and their cache are kept between runs")
    parser.add_argument("--quick", action="store_true", help="2 reps, 20 frames, one atlas rep")
    parser.add_argument("--works", default="10000,100000",
                        help="comma-separated numbers of works (each beside the dots plot)")
    parser.add_argument("--static", action="append", default=[], metavar="LABEL=DIR",
                        help="also measure the view read from DIR/plot.js (e.g. a copy of "
                             "widgets/static before a change), in the same run; repeatable")
    args = parser.parse_args(argv)
    variants = parse_variants(args.static)
    if args.quick:
        args.reps, args.frames, args.atlas_reps = 2, 20, 1

    from playwright.sync_api import sync_playwright

    sizes = [int(x) for x in args.works.split(",")]
    t = time.perf_counter()
    manifest = make_works(args.data / "works")
    cache_dir = args.data / "cache"
    print(f"works ready in {time.perf_counter() - t:.1f} s; {machine()}", flush=True)
    atlas = atlas_figures(manifest, cache_dir, N_IMAGES, args.atlas_reps)
    print(f"atlas: {atlas}", flush=True)

    root = Path(tempfile.mkdtemp(prefix="artopic-imap-"))
    server = JupyterLabServer(root)
    results = {}
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            for n in sizes:
                for draw in ("points", "images"):
                    for label, static in variants:  # the current view keeps the plain tag
                        tag = f"{draw}-{n}" + (f"-{label}" if static else "")
                        results[tag] = browser_figures(browser, server, root, manifest, cache_dir,
                                                       n, draw, args.reps, args.frames, tag, static)
                        print(tag, json.dumps(results[tag], default=str), flush=True)
            browser.close()
    finally:
        server.stop()

    rows = []
    for n in sizes:
        target_first = 2000 if n <= 10_000 else 2500
        img, dots = results[f"images-{n}"], results[f"points-{n}"]
        label = "every picture" if "all" in img["lods"] else "level of detail"
        for metric, key, target, fmt in (
                ("first frame from cell run (ms)", "first_frame_ms", f"< {target_first}", "{:.0f}"),
                ("  front end only (ms)", "frontend_ms", "", "{:.0f}"),
                ("zoom, continuous (frames/s)", "zoom_fps", ">= 30", "{:.1f}"),
                ("pan, continuous (frames/s)", "pan_fps", ">= 30", "{:.1f}"),
                ("zoom: input to painted frame (ms)", "zoom_ms", "", "{:.0f}"),
                ("pan: input to painted frame (ms)", "pan_ms", "", "{:.0f}"),
                ("script per frame (ms)", "draw_ms", "", "{:.2f}"),
                ("browser PSS, all processes (MB)", "pss_mb", "", "{:.0f}"),
                ("page JS heap (MB)", "heap_mb", "", "{:.1f}")):
            a, b = img[key], dots[key]
            rows.append((f"{n:,} works, {label}", metric, fmt.format(a), target, fmt.format(b),
                         f"{a / b:.2f}" if b else "-"))
    print_table("Image map vs the dots plot, same works, same run (medians; Chromium headless, "
                "SwiftShader software WebGL)",
                rows, ("works", "metric", "image map", "target", "dots plot", "ratio"))
    print_table("Atlas pages of 10,000 cached thumbnails (Python; medians)", [
        ("build (no page cached)", f"{atlas['cold']:.2f}", "< 5", f"{atlas['naive']:.2f}",
         f"{atlas['cold'] / atlas['naive']:.2f}"),
        ("from the cache (pages on disk)", f"{atlas['warm']:.3f}", "< 0.5", f"{atlas['naive']:.2f}",
         f"{atlas['warm'] / atlas['naive']:.3f}"),
    ], ("atlas", "ours (s)", "target (s)", "one thread, full decode (s)", "ratio"))
    print(f"\nmeasurement floor of 'input to painted frame' (the same steps over inert page text): "
          f"{median([r['floor_ms'] for r in results.values()]):.0f} ms; continuous frames/s seen at "
          f"levels {sorted({x for r in results.values() for x in r['fps_lods']})}")
    print(f"{atlas['pages']} pages, {atlas['bytes'] / 2**20:.1f} MB of JPEG; "
          "levels of detail seen while zooming/panning: "
          f"{ {n: results[f'images-{n}']['lods'] for n in sizes} }; renderer: "
          f"{results[f'images-{sizes[0]}']['detail'].get('renderer')}")
    if len(variants) > 1:
        print_variants(results, sizes, variants)
    errors = [e for r in results.values() for e in r["errors"]]
    if errors:
        print("page errors:", errors[:5])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
