"""The map beyond 10^5 points: draw one point per occupied grid cell, resolve a selection to
every work it stands for.

The :class:`~artopic_nb.widgets.EmbeddingPlot` draws 100,000 points fluidly; at 10^6 the
browser gets 12 MB of buffers, each frame rasterises ten times the points, and a lasso over
half the map sends half a million ids back as JSON. :func:`decimate` keeps the picture and
the selection exact at the scale of a grid cell: the map's bounding box is cut into the
finest square grid whose occupied (cell, cluster) pairs number at most ``max_points``, one
seeded random member of each pair is drawn (so every cluster keeps its colour in every cell
it reaches, and sparse regions keep every point), and
:meth:`Decimation.members` turns the ids selected on the drawn map back into the ids of all
the works in the selected points' cells.

Example
-------
>>> from artopic_nb.widgets import decimated_plot                                   # doctest: +SKIP
>>> plot, view = decimated_plot(study.coords_, study.labels_, max_points=100_000)  # doctest: +SKIP
>>> plot                                        # draws at most 100,000 points       # doctest: +SKIP
>>> ids = view.members(plot.selected_ids)       # every work of the selected cells   # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Decimation", "decimate"]


@dataclass
class Decimation:
    """Which points are drawn and whom each stands for.

    ``shown``: ids (rows of the full map) of the drawn points, in drawing order; ``group``:
    for every point of the full map, the position in ``shown`` of the point that stands for
    it; ``counts``: how many works each drawn point stands for; ``grid``: cells per side
    (0: nothing was left out).
    """

    shown: np.ndarray
    group: np.ndarray
    counts: np.ndarray
    grid: int

    def members(self, selected: Any) -> np.ndarray:
        """The ids (sorted) of every work the drawn points ``selected`` stand for;
        ``selected`` are positions in ``shown``, as the plot's ``selected_ids`` gives them.

        >>> view = decimate(np.zeros((5, 2)), max_points=1)
        >>> view.members([0]).tolist()
        [0, 1, 2, 3, 4]
        """
        chosen = np.zeros(len(self.shown), dtype=bool)
        chosen[np.asarray(list(selected), dtype=np.int64)] = True
        return np.flatnonzero(chosen[self.group])


def _groups(cells: np.ndarray, labels: np.ndarray | None, g: int
            ) -> tuple[np.ndarray, np.ndarray]:
    key = cells[:, 0] * g + cells[:, 1]
    if labels is not None:
        key = key * (int(labels.max(initial=-1)) + 2) + (labels + 1)
    group, keys = pd.factorize(key)  # hashing: linear time, 10x np.unique's sort at 10^6
    return keys, group


def decimate(coords: Any, labels: Any = None, max_points: int = 100_000, seed: int = 0
             ) -> Decimation:
    """At most ``max_points`` points that stand for the map ``coords`` (n, 2) (see the
    module docstring); with ``labels`` each cell keeps a point per cluster in it.

    >>> rng = np.random.default_rng(0)
    >>> view = decimate(rng.normal(size=(10_000, 2)), max_points=500)
    >>> len(view.shown) <= 500, int(view.counts.sum())
    (True, 10000)
    """
    coords = np.asarray(coords, dtype=np.float64)
    n = len(coords)
    labels = None if labels is None else np.asarray(labels, dtype=np.int64)
    if n <= max_points:
        return Decimation(np.arange(n), np.arange(n), np.ones(n, np.int64), 0)
    low, span = coords.min(axis=0), np.ptp(coords, axis=0)
    unit = np.where(span > 0, span, 1.0)

    def cells(g: int) -> np.ndarray:
        return np.minimum(((coords - low) / unit * g).astype(np.int64), g - 1)

    lo, hi = 1, max(2, int(max_points ** 0.5))  # the finest grid whose groups fit (they
    while hi < 1 << 20 and len(_groups(cells(hi), labels, hi)[0]) <= max_points:  # grow with it)
        lo, hi = hi, 2 * hi
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if len(_groups(cells(mid), labels, mid)[0]) <= max_points:
            lo = mid
        else:
            hi = mid - 1
    keys, group = _groups(cells(lo), labels, lo)
    order = np.random.default_rng(seed).permutation(n)  # a seeded member of each group
    first = np.full(len(keys), n, dtype=np.int64)
    np.minimum.at(first, group[order], np.arange(n))
    return Decimation(order[first], group, np.bincount(group, minlength=len(keys)), lo)
