"""How loading, embedding memory and re-clustering scale with the collection's size.

For each size (default 2,000 / 10,000 / 20,000) a folder of real image files is built from
the 174 CC0 demo paintings (random crops, resized to 128-256 px, re-encoded as JPEG or
PNG at varied quality: every file has different bytes), then, each in a fresh process:

- ``walk``: ``ImageCollection.from_folder`` (walk, SHA-256 of every file, a check that
  each decodes), wall time and files per second;
- ``embed``: the no-model ``ColorTextureEmbedder`` through ``embed_collection`` with an
  on-disk cache, wall time, and the process's resident memory: after loading the
  collection, the peak during embedding (sampled every 5 ms), and ``ru_maxrss``. The
  peak should stay flat as the collection grows: images are decoded a batch at a time.

Then re-clustering of 20,000 points: ``artopic_nb.steps.cluster.cluster_labels`` on 5-D data
(PCA of the largest run's embeddings, resampled with jitter to 20,000 rows when needed;
``--reduce umap`` uses UMAP instead), HDBSCAN and k-means, median of 3 after a warm-up.

Usage::

    python benchmarks/load_scaling.py                       # 2000 10000 20000
    python benchmarks/load_scaling.py --sizes 2000 10000 --workdir /tmp/artopic-bench

The image folders are kept in ``--workdir`` (reused by later runs); the caches are not.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np

SOURCE_SIDE = 384  # the demo paintings are shrunk to this once, then cropped and resized


# -- building the image folders ------------------------------------------------------------------

def _sources() -> list:
    from PIL import Image

    from artopic_nb.datasets import demo_data_dir

    images = []
    for path in sorted(demo_data_dir().glob("*.jpg")):
        with Image.open(path) as im:
            im.draft("RGB", (SOURCE_SIDE, SOURCE_SIDE))
            im = im.convert("RGB")
            im.thumbnail((SOURCE_SIDE, SOURCE_SIDE))
            images.append(im.copy())
    return images


_SRC: list = []


def _init_worker() -> None:
    _SRC.extend(_sources())


def _make_one(args: tuple[int, str]) -> None:
    from PIL import Image

    i, folder = args
    rng = np.random.default_rng(i)
    src = _SRC[i % len(_SRC)]
    w, h = src.size
    cw, ch = int(w * rng.uniform(0.5, 1.0)), int(h * rng.uniform(0.5, 1.0))
    x, y = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
    im = src.crop((x, y, x + cw, y + ch))
    side = int(rng.integers(128, 257))
    im.thumbnail((side, side), Image.Resampling.BILINEAR)
    sub = Path(folder) / f"part_{i // 1000:03d}"  # like real collections: subfolders
    if rng.random() < 0.1:
        im.save(sub / f"img_{i:06d}.png", optimize=False)
    else:
        im.save(sub / f"img_{i:06d}.jpg", quality=int(rng.integers(70, 92)))


def build_pool(workdir: Path, n: int, processes: int) -> Path:
    """A folder of ``n`` image files, built once and reused (grown when asked for more)."""
    pool_dir = workdir / "pool"
    done_file = pool_dir / "count.json"
    have = json.loads(done_file.read_text())["n"] if done_file.exists() else 0
    if have >= n:
        return pool_dir
    for part in range(have // 1000, (n - 1) // 1000 + 1):
        (pool_dir / f"part_{part:03d}").mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with Pool(processes, initializer=_init_worker) as pool:
        pool.map(_make_one, [(i, str(pool_dir)) for i in range(have, n)], chunksize=64)
    done_file.write_text(json.dumps({"n": n}))
    print(f"built {n - have} images in {time.perf_counter() - start:.1f} s", flush=True)
    return pool_dir


def folder_of(workdir: Path, pool_dir: Path, n: int) -> Path:
    """A folder with the first ``n`` images of the pool (hard links: no copies)."""
    folder = workdir / f"col_{n}"
    if folder.exists() and sum(1 for _ in folder.rglob("img_*")) == n:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    for path in sorted(pool_dir.rglob("img_*")):
        i = int(path.stem.split("_")[1])
        if i < n:
            target = folder / path.parent.name / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)
    return folder


# -- measurements, each in a fresh process -------------------------------------------------------

def _rss() -> int:
    import psutil

    return psutil.Process().memory_info().rss


def _maxrss_bytes() -> int:
    scale = 1 if platform.system() == "Darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def worker_walk(folder: str) -> dict:
    from artopic_nb.data.collection import ImageCollection

    start = time.perf_counter()
    col = ImageCollection.from_folder(folder, progress=False)
    seconds = time.perf_counter() - start
    return {"n": len(col), "skipped": len(col.skipped), "walk_s": seconds,
            "walk_maxrss": _maxrss_bytes()}


def worker_embed(folder: str, cache_dir: str, save_to: str | None) -> dict:
    from artopic_nb.data.cache import Cache
    from artopic_nb.data.collection import ImageCollection
    from artopic_nb.models.backends.color import ColorTextureEmbedder
    from artopic_nb.steps.embed import embed_collection

    col = ImageCollection.from_folder(folder, progress=False)
    after_load = _rss()
    peak = [after_load]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _rss())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    X = embed_collection(ColorTextureEmbedder(), col, Cache(cache_dir), progress=False)
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    if save_to:
        np.save(save_to, X)
    return {"embed_s": seconds, "rss_after_load": after_load, "embed_peak_rss": peak[0],
            "embed_rss_growth": peak[0] - after_load, "embed_maxrss": _maxrss_bytes()}


def in_fresh_process(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", *args], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- re-clustering -------------------------------------------------------------------------------

def recluster_times(embeddings: np.ndarray, n_points: int, reduce: str, repeats: int = 3) -> dict:
    from artopic_nb.steps.cluster import cluster_labels
    from artopic_nb.steps.reduce import pca, reduce_embeddings

    rng = np.random.default_rng(0)
    if len(embeddings) < n_points:  # resample with a little jitter
        extra = embeddings[rng.integers(0, len(embeddings), n_points - len(embeddings))]
        extra = extra + rng.normal(0, 0.01, extra.shape).astype(np.float32)
        embeddings = np.vstack([embeddings, extra])
    embeddings = embeddings[:n_points]
    start = time.perf_counter()
    if reduce == "umap":
        reduced, _, used = reduce_embeddings(embeddings, n_components=5, method="umap", seed=0)
    else:
        reduced, used = pca(embeddings, 5, seed=0), "pca"
    reduce_s = time.perf_counter() - start
    results = {"points": len(reduced), "reduce": used, "reduce_s": reduce_s}
    runs = {
        "hdbscan mcs=8": {"method": "hdbscan", "min_cluster_size": 8},
        "hdbscan mcs=50": {"method": "hdbscan", "min_cluster_size": 50},
        "kmeans k=8": {"method": "kmeans", "n_clusters": 8},
        "kmeans k=20": {"method": "kmeans", "n_clusters": 20},
    }
    for name, params in runs.items():
        cluster_labels(reduced, **params)  # warm-up (imports, first-call compilation)
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            labels = cluster_labels(reduced, **params)
            times.append(time.perf_counter() - t0)
        results[name] = (statistics.median(times), len(set(labels.tolist()) - {-1}))
    return results


# -- main ----------------------------------------------------------------------------------------

def _mb(x: float) -> str:
    return f"{x / 2**20:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000, 20000])
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "artopic-load-scaling")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="processes that build the image folders")
    parser.add_argument("--recluster-points", type=int, default=20000)
    parser.add_argument("--reduce", choices=["pca", "umap"], default="pca")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        kind, *rest = args.worker
        result = worker_walk(*rest) if kind == "walk" else worker_embed(*rest)
        print(json.dumps(result))
        return

    sizes = sorted(set(args.sizes))
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; workdir {args.workdir}", flush=True)
    pool_dir = build_pool(args.workdir, max(sizes), args.processes)
    rows = []
    largest = args.workdir / "embeddings_largest.npy"
    for n in sizes:
        folder = folder_of(args.workdir, pool_dir, n)
        walk = in_fresh_process("walk", str(folder))
        cache_dir = tempfile.mkdtemp(prefix="cache-", dir=args.workdir)
        try:
            emb = in_fresh_process("embed", str(folder), cache_dir,
                                   str(largest) if n == sizes[-1] else "")
        finally:
            shutil.rmtree(cache_dir, ignore_errors=True)
        rows.append({"n": n, **walk, **emb})
        print(f"  {n:>6}: walk {walk['walk_s']:.1f} s, embed {emb['embed_s']:.1f} s, "
              f"embed peak RSS {_mb(emb['embed_peak_rss'])} MB", flush=True)

    print()
    print("| images | walk+hash s | files/s | walk max RSS MB | embed s | img/s "
          "| RSS after load MB | embed peak RSS MB | growth MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['n']:,} | {r['walk_s']:.1f} | {r['n'] / r['walk_s']:,.0f} "
              f"| {_mb(r['walk_maxrss'])} | {r['embed_s']:.1f} | {r['n'] / r['embed_s']:,.0f} "
              f"| {_mb(r['rss_after_load'])} | {_mb(r['embed_peak_rss'])} "
              f"| {_mb(r['embed_rss_growth'])} |")

    rc = recluster_times(np.load(largest), args.recluster_points, args.reduce)
    print()
    print(f"re-clustering {rc['points']:,} points, 5-D ({rc['reduce']}, "
          f"reduced in {rc['reduce_s']:.1f} s), median of 3:")
    print("| method | seconds | clusters |")
    print("|---|---:|---:|")
    for name in ("hdbscan mcs=8", "hdbscan mcs=50", "kmeans k=8", "kmeans k=20"):
        seconds, k = rc[name]
        print(f"| {name} | {seconds:.2f} | {k} |")


if __name__ == "__main__":
    main()
