"""Time views at scale: clusters over time (``over_time``) and the ask panel's time histogram
recount (``TimeHistogram.set_passing``: the bars of the works the other filters keep, on
every filter change), for 10^4 to 10^6 works.

Each figure is a median over --reps runs, beside the baseline in the same run: the
(works x periods) weights that over_time used before (``_spread``: each work's share of each
period, a chunk of works at a time, then a bincount a period), and for the histogram the
widget's former path (every year converted through a list of Python objects, then those
weights). Dates are random whole years 1300-1899 spread over 0-49 years, 10 % undated, in 30
clusters; the histogram's filter keeps half the works.

Run:  python benchmarks/time_views.py [--reps 5] [--works 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import machine, median_time, print_table  # noqa: E402


def dates(n: int, seed: int = 0) -> tuple[pd.Series, pd.Series, np.ndarray]:
    rng = np.random.default_rng(seed)
    start = rng.integers(1300, 1900, n).astype(float)
    end = start + rng.integers(0, 50, n)
    start[::10] = np.nan
    end[::10] = np.nan
    return pd.Series(start), pd.Series(end), rng.integers(-1, 30, n)


def weights_counts(labels, start, end, bins: int = 25) -> np.ndarray:
    """The baseline: the (works x periods) weights, a bincount a period."""
    from artopic_nb.query import time as T

    codes, groups, s, e, dated = T._dated(labels, start, end, "cluster")
    edges = T.time_bins(int(s[dated].min()), int(e[dated].max()), bins)
    w = T._spread(s[dated], e[dated], edges.astype(np.float64))
    return np.stack([np.bincount(codes[dated], weights=w[:, j], minlength=len(groups))
                     for j in range(len(edges) - 1)], axis=1)


def former_recount(start, end, mask, edges) -> np.ndarray:
    """The widget's former recount: years through Python objects, then the weights."""
    from artopic_nb.query import time as T

    s = pd.to_numeric(pd.Series(list(start), dtype=object), errors="coerce").to_numpy(float)[mask]
    e = pd.to_numeric(pd.Series(list(end), dtype=object), errors="coerce").to_numpy(float)[mask]
    dated = ~np.isnan(s)
    return T._spread(s[dated], e[dated], np.asarray(edges, np.float64)).sum(axis=0)


def figures(n: int, reps: int) -> list[tuple]:
    from artopic_nb.query.time import over_time
    from artopic_nb.widgets.timeline import TimeHistogram

    start, end, labels = dates(n)
    table = over_time(labels, start, end)
    wide = table.pivot(index="start", columns="cluster", values="count").to_numpy().T
    assert np.allclose(wide, weights_counts(labels, start, end))  # the same counts
    ours = median_time(lambda: over_time(labels, start, end), reps)
    base = median_time(lambda: weights_counts(labels, start, end), reps)
    rows = [(f"{n:,}", "over_time (30 clusters, 25 periods)", f"{ours * 1e3:.0f}",
             f"{base * 1e3:.0f}", f"{base / ours:.1f}x")]
    hist = TimeHistogram.from_dates(start, end)
    mask = np.random.default_rng(1).random(n) < 0.5
    hist.set_passing(start, end, mask)
    assert np.allclose(hist.passing, former_recount(start, end, mask, hist.edges))
    ours = median_time(lambda: hist.set_passing(start, end, mask), reps)
    base = median_time(lambda: former_recount(start, end, mask, hist.edges), reps)
    return rows + [(f"{n:,}", "time histogram recount (half the works)", f"{ours * 1e3:.0f}",
                    f"{base * 1e3:.0f}", f"{base / ours:.1f}x")]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--works", default="10000,100000,1000000")
    args = parser.parse_args(argv)
    rows = [row for n in args.works.split(",") for row in figures(int(n), args.reps)]
    print_table(f"time views ({machine()}; medians of {args.reps})", rows,
                ("works", "what", "ours ms", "baseline ms", "speed-up"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
