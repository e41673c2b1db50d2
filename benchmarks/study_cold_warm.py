"""The demo study cold (empty cache, new process) vs warm (everything cached, new process).

Each run is the real command line, ``artopic demo``, in a fresh Python process, so
import times and numba compilation count as a user would feel them. Each cold run also
starts with an empty index of probed files (``ARTOPIC_FILE_INDEX``), so it reads and hashes
every image, as on the first run over a folder; numba's kernel cache is the machine's.
Target: warm at most 6% of cold (goal 5%). The cold run's per-step timings show UMAP's first-call cost.

    python benchmarks/study_cold_warm.py [--repeats 3] [--embedder auto]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--embedder", default="auto")
    args = parser.parse_args()
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
