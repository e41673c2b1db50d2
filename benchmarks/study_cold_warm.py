"""The demo study cold (empty cache, new process) vs warm (everything cached, new process).

Each run is the real command line, ``artopic demo``, in a fresh Python process, so
import times and numba compilation count as a user would feel them. Each cold run also
starts with an empty index of probed files (``ARTOPIC_FILE_INDEX``), so it reads and hashes
every image, as on the first run over a folder; numba's kernel cache is the machine's.
Target: warm at most 6% of cold (goal 5%). The cold run's per-step timings show UMAP's first-call cost.

A second table times ``study.cluster()`` (the readable HDBSCAN default) at ``--cluster-works``
works (20,000 by default; reduced embeddings of 30 known groups, given to the study as its
reduction): the first call on an empty cache fits, a second call in the same study and a
call in a new study on the same cache read the cache (goal: under 5 % of the first).

    python benchmarks/study_cold_warm.py [--repeats 3] [--embedder auto] [--cluster-works 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, print_table  # noqa: E402


def run(out: Path, embedder: str) -> tuple[float, dict]:
    env = {**os.environ, "ARTOPIC_FILE_INDEX": str(out / "file_index.sqlite")}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "artopic_nb.cli", "demo", "--out", str(out),
                    "--embedder", embedder, "--no-progress"], check=True, capture_output=True,
                   env=env)
    elapsed = time.perf_counter() - start
    return elapsed, json.loads((out / "study" / "study.json").read_text())["timings"]


def cluster_cold_warm(n: int, repeats: int) -> None:
    """``study.cluster()`` at ``n`` works: first call (fits) vs a second and a new study."""
    import numpy as np
    import pandas as pd

    from artopic_nb import Study
    from artopic_nb.data.collection import ImageCollection

    rng = np.random.default_rng(0)
    centres = rng.normal(0, 8, (30, 5))
    X = (centres[rng.integers(0, 30, n)] + rng.normal(0, 1, (n, 5))).astype(np.float32)
    meta = pd.DataFrame({"path": [f"w{i}.jpg" for i in range(n)], "file_name": [f"w{i}.jpg" for i in range(n)],
                         "hash": [f"{i:064x}" for i in range(n)], "width": 64, "height": 64})
    first, second, fresh = [], [], []
    for _ in range(repeats):
        cache = tempfile.mkdtemp(prefix="artopic_cluster_")

        def study(cache: str = cache) -> Study:
            s = Study(ImageCollection(meta), cache_dir=cache, progress=False)
            s.reduced_ = X  # the reduction as given (this table times clustering alone)
            return s

        s = study()
        for times in (first, second):
            start = time.perf_counter()
            s.cluster()
            times.append(time.perf_counter() - start)
        start = time.perf_counter()
        study().cluster()
        fresh.append(time.perf_counter() - start)
        shutil.rmtree(cache, ignore_errors=True)
    a, b, c = (statistics.median(t) for t in (first, second, fresh))
    print_table(f"study.cluster() at {n:,} works (readable HDBSCAN default; {s.notes_['cluster'][:60]}...)", [
        ("first call, empty cache (baseline)", f"{a:.3f}", "1.000"),
        ("second call, same study", f"{b:.3f}", f"{b / a:.3f}"),
        ("first call of a new study, warm cache", f"{c:.3f}", f"{c / a:.3f}"),
    ], ("run", "seconds", "x first"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--embedder", default="auto")
    parser.add_argument("--cluster-works", type=int, default=20_000)
    parser.add_argument("--only-cluster", action="store_true", help="skip the demo runs")
    args = parser.parse_args()
    if args.cluster_works:
        cluster_cold_warm(args.cluster_works, args.repeats)
    if args.only_cluster:
        return
    root = Path(tempfile.mkdtemp(prefix="artopic_cold_warm_"))
    cold, warm, cold_steps = [], [], []
    for r in range(args.repeats):
        out = root / f"run{r}"
        t, steps = run(out, args.embedder)
        cold.append(t)
        cold_steps.append(steps)
        warm.append(run(out, args.embedder)[0])
    shutil.rmtree(root, ignore_errors=True)
    c, w = statistics.median(cold), statistics.median(warm)
    print(f"machine: {machine()}; embedder {args.embedder!r}; medians of {args.repeats}")
    print_table("artopic demo, whole process", [
        ("cold (baseline): empty cache", f"{c:.2f}", "1.00"),
        ("warm: everything cached", f"{w:.2f}", f"{w / c:.3f}"),
    ], ("run", "seconds", "x cold"))
    steps = {k: statistics.median(s[k] for s in cold_steps) for k in cold_steps[0]}
    print_table("cold run, seconds per step (reduce includes UMAP's numba compilation)",
                [(k, f"{v:.2f}") for k, v in steps.items()], ("step", "seconds"))


if __name__ == "__main__":
    main()
