"""A fresh kernel's first map: new UMAP parameters to a drawn plot, in a new Python process.

Each run is a whole new process (as a restarted notebook kernel is) on the demo collection
with its embeddings already cached: it loads the study, reduces with an ``n_neighbors`` not
seen before (so nothing comes from the study's cache), clusters, and builds
``EmbeddingPlot.from_study``. "map" is that last part, imports included, timed inside the
process; "process" is the whole process, start-up and loading included, timed from outside.

Rows, interleaved in every repeat so that a busy machine affects them alike:
- ours, numba cache warm: umap-learn's kernels loaded from the disk cache that an earlier run
  on this machine wrote (``artopic_nb.models.umap_kernels``): what every kernel after the first gets;
- ours, first run on a machine: the same with an empty numba cache (compiles and writes it);
- before: as this project ran before the cache (``ARTOPIC_NUMBA_CACHE_DIR=off``: umap compiles
  in every process; altair imported and vega bundled with the widgets);
- plain umap-learn (baseline): ``import umap; UMAP(...).fit_transform(embeddings)`` on the same
  embeddings in a new process, one 5-D map only ("map" = import umap + fit).

    python benchmarks/fresh_kernel.py [--repeats 5] [--embedder auto]
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

OURS = """
import json, sys, time
start = time.perf_counter()
import artopic_nb as an
cache, embedder, k, before = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
study = an.Study(an.datasets.met_paintings(progress=False), cache_dir=cache, progress=False)
study.embed(embedder)
loaded = time.perf_counter()
study.reduce(n_neighbors=k)
reduced = time.perf_counter()
study.cluster()
if before:  # the widgets imported altair and bundled vega for offline charts
    import altair as alt
    alt.JupyterChart.enable_offline()
from artopic_nb.widgets import EmbeddingPlot
plot = EmbeddingPlot.from_study(study)
done = time.perf_counter()
assert plot.n_points == len(study.coords_) and study.reducer_ == "umap"
print(json.dumps({"load": loaded - start, "reduce": reduced - loaded,
                  "cluster_plot": done - reduced, "map": done - loaded}))
"""

PLAIN = """
import json, sys, time
import numpy as np
X = np.load(sys.argv[1])
k = int(sys.argv[2])
start = time.perf_counter()
import umap
emb = umap.UMAP(n_components=5, n_neighbors=k, min_dist=0.0, metric="cosine",
                random_state=0).fit_transform(X)
print(json.dumps({"map": time.perf_counter() - start}))
"""


def run(code: str, args: list, env: dict) -> tuple[float, dict]:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, *map(str, args)], env={**os.environ, **env},
                         capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if out.returncode:
        raise RuntimeError(f"a benchmark process failed:\n{out.stderr[-3000:]}")
    return elapsed, json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--embedder", default="auto")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="artopic_fresh_kernel_"))
    cache, numba_dir = root / "study", root / "numba"

    # set-up: embeddings cached, and the numba cache written once (as a first run would)
    import artopic_nb as an

    study = an.Study(an.datasets.met_paintings(progress=False), cache_dir=cache, progress=False)
    study.embed(args.embedder)
    embeddings = root / "embeddings.npy"
    import numpy as np

    np.save(embeddings, study.embeddings_)
    run(OURS, [cache, args.embedder, 30, 0], {"ARTOPIC_NUMBA_CACHE_DIR": str(numba_dir)})

    rows: dict[str, list[tuple[float, dict]]] = {k: [] for k in ("warm", "first", "before",
                                                                 "plain")}
    for r in range(args.repeats):
        k = 10 + 4 * r  # a new n_neighbors for every run: nothing from the study's cache
        rows["warm"].append(run(OURS, [cache, args.embedder, k, 0],
                                {"ARTOPIC_NUMBA_CACHE_DIR": str(numba_dir)}))
        rows["first"].append(run(OURS, [cache, args.embedder, k + 1, 0],
                                 {"ARTOPIC_NUMBA_CACHE_DIR": str(root / f"numba_empty{r}")}))
        rows["before"].append(run(OURS, [cache, args.embedder, k + 2, 1],
                                  {"ARTOPIC_NUMBA_CACHE_DIR": "off"}))
        rows["plain"].append(run(PLAIN, [embeddings, k + 3], {}))
    shutil.rmtree(root, ignore_errors=True)

    def med(key: str, part: str | None) -> float:
        return statistics.median(t if part is None else d[part] for t, d in rows[key])

    base_map, base_proc = med("plain", "map"), med("plain", None)
    names = {"warm": "ours, numba cache warm (every kernel after the first)",
             "first": "ours, first run on a machine (numba cache empty)",
             "before": "before: umap compiles in every process, altair eager",
             "plain": "plain umap-learn (baseline), one 5-D map"}
    table = []
    for key, name in names.items():
        m, p = med(key, "map"), med(key, None)
        detail = "" if key == "plain" else \
            f"{med(key, 'reduce'):.2f} + {med(key, 'cluster_plot'):.2f}"
        table.append((name, f"{m:.2f}", detail, f"{m / base_map:.2f}", f"{p:.2f}",
                      f"{p / base_proc:.2f}"))
    print(f"machine: {machine()}; embedder {args.embedder!r}; {len(study.embeddings_)} works, "
          f"{study.embeddings_.shape[1]}-D; medians of {args.repeats} fresh processes")
    print_table("new n_neighbors to a built EmbeddingPlot, in a new process (seconds)", table,
                ("run", "map", "reduce + cluster/plot", "x plain", "process", "x plain"))
    print(f"\nour runs build two UMAP maps (5-D and 2-D), cluster and build the plot; "
          f"'ours, numba cache warm' vs 'before': {med('warm', 'map') / med('before', 'map'):.2f}x")


if __name__ == "__main__":
    main()
