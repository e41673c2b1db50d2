"""The download pool's images/s against a plain sequential loop, from a local server.

A local HTTP server (``notebooks/_local_iiif_server.py``, 127.0.0.1) serves ``--n-images``
real-size JPEGs (the demo paintings at ~1000 px) and waits ``--latency`` seconds before
each answer, as a museum's server far away would. Measured, medians of ``--repeats`` runs,
each into an empty cache:

- :class:`artopic_nb.sources.download.Downloader` with its defaults (8 threads, at most 4
  requests in flight per host) and with 8 per host; it also hashes, checks and caches
  every image;
- the baseline: a plain sequential loop (one ``httpx.Client``, ``get``, write the file);
- a rerun of the pool over a full cache (no request is made).

    python benchmarks/download.py
    python benchmarks/download.py --latency 0.2 --n-images 32
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "notebooks"))

from _common import machine, median_time, print_table, real_size_jpegs  # noqa: E402
from _local_iiif_server import LocalServer  # noqa: E402

from artopic_nb.sources.download import Downloader  # noqa: E402


def sequential(urls: list[str], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with httpx.Client(timeout=30) as client:
        for i, url in enumerate(urls):
            response = client.get(url)
            response.raise_for_status()
            (folder / f"{i}.jpg").write_bytes(response.content)


def pooled(urls: list[str], folder: Path, **options) -> None:
    with Downloader(folder, progress=False, **options) as downloader:
        results = downloader.fetch_images(urls)
    assert all(r.ok for r in results), [r.reason for r in results if not r.ok][:3]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-images", type=int, default=64)
    ap.add_argument("--latency", type=float, default=0.05, help="seconds added to each answer")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="artopic-bench-download-"))
    images = real_size_jpegs(tmp / "images", args.n_images)
    megabytes = sum(p.stat().st_size for p in images) / 1e6
    with LocalServer(latency=args.latency) as server:
        urls = [server.add(f"/img/{i}.jpg", p.read_bytes()) for i, p in enumerate(images)]
        runs = iter(range(10_000))

        def fresh() -> Path:
            return tmp / f"run{next(runs)}"

        seq = median_time(lambda: sequential(urls, fresh()), args.repeats, warmup=0)
        pool = median_time(lambda: pooled(urls, fresh()), args.repeats, warmup=0)
        pool8 = median_time(lambda: pooled(urls, fresh(), max_per_host=8), args.repeats, warmup=0)
        full = fresh()
        pooled(urls, full)
        before = server.count()
        warm = median_time(lambda: pooled(urls, full), args.repeats, warmup=0)
        assert server.count() == before, "a rerun over a full cache made requests"

    n = args.n_images
    rows = [
        ("Downloader, defaults (8 threads, 4 per host)", f"{n / pool:.1f}", f"{seq / pool:.2f}x"),
        ("Downloader, 8 per host", f"{n / pool8:.1f}", f"{seq / pool8:.2f}x"),
        ("plain sequential loop (baseline)", f"{n / seq:.1f}", "1.00x"),
        ("Downloader rerun, all cache hits (0 requests)", f"{n / warm:.1f}", f"{seq / warm:.2f}x"),
    ]
    print_table(
        f"Downloading {n} JPEGs ({megabytes:.1f} MB, ~1000 px) from 127.0.0.1 with "
        f"{args.latency * 1000:.0f} ms latency per request; medians of {args.repeats} "
        f"({machine()})",
        rows, ("what", "images/s", "vs sequential"),
    )


if __name__ == "__main__":
    main()
