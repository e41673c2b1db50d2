"""Works on a time line: the date layout of the map (PixPlot's, by year and cluster) and the
histogram of the works' dates that brushes the map.

:func:`date_layout` places each work at ``x`` = the middle of its date interval (a linear
map of years, the same for every work) and ``y`` in its cluster's row: one row a cluster,
ordered by the cluster's median year (noise last), the works of a row stacked in columns one
unit wide, in id order, so the layout is the same on every run and machine. A column denser
than ``max_stack`` wraps, each extra layer shifted by a fraction of a slot. Works without a
date go to a strip right of the time line, in their rows.

:func:`date_histogram` counts works per period with an uncertain date spread over the
periods its interval covers, as :func:`artopic_nb.query.time.over_time` does.

Example
-------
>>> layout = date_layout([0, 0, 1, 1], [1600, 1650, 1700, None], [1610, 1650, 1700, None])
>>> [round(float(x), 2) for x in layout.xy[:3, 0]], layout.undated, layout.rows["label"].tolist()
([0.0, 2.84, 6.0], 1, ['0', '1'])
>>> edges, counts = date_histogram([1600, 1640], [1649, 1640], bins=2)
>>> edges.tolist(), counts.tolist()
([1600, 1625, 1650], [0.5, 1.5])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .time import NICE_WIDTHS, over_time, time_bins

__all__ = ["DateLayout", "date_histogram", "date_layout"]

#: A row's gap above it (layout units; a picture is about one unit): room for its name.
ROW_GAP = 0.8
#: Room between the time line and the strip of undated works (units).
STRIP_GAP = 1.5


@dataclass(frozen=True)
class DateLayout:
    """Where :func:`date_layout` put the works.

    ``xy``: ``(n, 2)`` float32 positions; ``rows``: one row a group (index: the group), with
    ``row`` (0 at the top), ``top`` and ``bottom`` (y), ``label`` (the group as text),
    ``works``; ``year_x``: ``(a, b)`` with ``x = a + b * year``; ``ticks``: ``[(x, year)]``
    along the time line; ``undated``: works without a date, at ``x >= strip_x`` (None when
    every work has a date); ``dated``: a boolean array by work.
    """

    xy: np.ndarray
    rows: pd.DataFrame
    year_x: tuple[float, float]
    ticks: list[tuple[float, int]]
    undated: int
    strip_x: float | None
    dated: np.ndarray

    def x_of(self, year: float) -> float:
        """The x of ``year`` on the time line."""
        return self.year_x[0] + self.year_x[1] * float(year)


def _years(values: Any, name: str, n: int) -> np.ndarray:
    out = pd.to_numeric(pd.Series(list(values) if not isinstance(values, pd.Series)
                                  else values.to_numpy(), dtype=object), errors="coerce")
    out = out.astype("float64").to_numpy()
    if len(out) != n:
        raise ValueError(f"{name} has one year per work: {len(out)} given for {n} works")
    return out


def _row_order(codes: np.ndarray, groups: pd.Index, mid: np.ndarray) -> np.ndarray:
    """Groups in row order: by median year (the undated groups after), noise (-1) last."""
    keys = []
    for g, group in enumerate(groups):
        years = mid[(codes == g) & ~np.isnan(mid)]
        noise = isinstance(group, (int, np.integer)) and int(group) < 0
        keys.append((noise, float(np.median(years)) if len(years) else math.inf, g))
    return np.array([g for *_, g in sorted(keys)], dtype=np.int64)


def _stack_rank(row: np.ndarray, col: np.ndarray) -> np.ndarray:
    """Each work's rank among the works of its (row, column), in id order."""
    order = np.lexsort((np.arange(len(row)), col, row))
    key = row[order] * (int(col.max(initial=0)) + 1) + col[order]
    starts = np.r_[0, np.flatnonzero(np.diff(key)) + 1]
    run = np.repeat(starts, np.diff(np.r_[starts, len(key)]))
    rank = np.empty(len(row), np.int64)
    rank[order] = np.arange(len(key)) - run
    return rank


def _row_heights(row: np.ndarray, col: np.ndarray, n_rows: int, max_stack: int) -> np.ndarray:
    counts = np.zeros((n_rows, int(col.max(initial=0)) + 1), np.int64)
    np.add.at(counts, (row, col), 1)
    return np.clip(counts.max(axis=1, initial=0), 1, max_stack)


def _slot_offsets(rank: np.ndarray, height: np.ndarray) -> np.ndarray:
    """Down from a row's top: the slot's middle, a wrapped layer shifted a fraction of a slot."""
    layer, slot = np.divmod(rank, height)
    shift = np.where(layer == 0, 0.5, np.mod(0.5 + layer * 0.6180339887, 1.0))
    return slot + shift


def date_layout(labels: Sequence[Any] | np.ndarray | pd.Series, date_start: Any, date_end: Any,
                *, aspect: float = 2.0, max_stack: int = 12) -> DateLayout:
    """The date layout of ``n`` works: x by year (the middle of each work's interval
    ``[date_start, date_end]``), y by group (a row each; ``labels``: clusters, ``-1`` noise),
    works stacked in one-unit columns inside their row; undated works (a missing year) in a
    strip right of the time line. ``aspect``: the time line's width over the rows' height,
    aimed at by choosing how many columns the years span; ``max_stack``: the most works
    stacked in a column before they wrap. See :class:`DateLayout`.

    Raises a ValueError when no work has a date.
    """
    labels = np.asarray(labels.to_numpy() if isinstance(labels, pd.Series) else labels)
    n = len(labels)
    start, end = _years(date_start, "date_start", n), _years(date_end, "date_end", n)
    mid = (start + end) / 2.0
    dated = ~np.isnan(mid)
    if not dated.any():
        raise ValueError("the date layout needs works with a date: none of the "
                         f"{n} works has one that could be read")
    if aspect <= 0 or max_stack < 1:
        raise ValueError(f"aspect is a positive ratio and max_stack a count of 1 or more, "
                         f"not {aspect!r} and {max_stack!r}")
    codes, groups = pd.factorize(pd.Series(labels), sort=True)
    order = _row_order(codes, groups, mid)
    row = np.empty(len(groups), np.int64)
    row[order] = np.arange(len(order))
    row = row[codes]
    first, last = float(mid[dated].min()), float(mid[dated].max())
    span = max(last - first, 1.0)
    best = None
    for columns in sorted({max(2, round(c)) for c in np.geomspace(4, 400, 40)}):
        x = (mid[dated] - first) * (columns / span)
        col = np.minimum(x.astype(np.int64), columns - 1)
        heights = _row_heights(row[dated], col, len(groups), max_stack)
        height = heights.sum() + ROW_GAP * len(groups)
        score = abs(math.log((columns + 1) / height / aspect))
        if best is None or score < best[0]:
            best = (score, columns, heights)
    _, columns, heights = best
    per_year = columns / span
    x = np.where(dated, (mid - first) * per_year, 0.0)
    col = np.where(dated, np.minimum(x.astype(np.int64), columns - 1), 0)
    tops = -np.r_[0.0, np.cumsum(heights + ROW_GAP)[:-1]] - ROW_GAP
    undated = int((~dated).sum())
    strip_x = None
    if undated:  # the strip: columns right of the time line, a work's column by its rank
        strip_x = columns + STRIP_GAP
        rank_u = _stack_rank(row[~dated], np.zeros(undated, np.int64))
        wide = max(1, math.ceil(columns / 4))
        layer, slot = np.divmod(rank_u, heights[row[~dated]])
        x[~dated] = strip_x + 0.5 + np.mod(layer, wide)
        col[~dated] = -1 - np.mod(layer, wide)  # own columns: stacked apart from the dated
        rank = np.zeros(n, np.int64)
        rank[~dated] = slot + heights[row[~dated]] * (layer // wide)
        rank[dated] = _stack_rank(row[dated], col[dated])
    else:
        rank = _stack_rank(row, col)
    y = tops[row] - _slot_offsets(rank, heights[row])
    xy = np.column_stack([x, y]).astype(np.float32)
    counts = np.bincount(codes, minlength=len(groups))
    rows = pd.DataFrame({"row": np.argsort(order), "top": tops[np.argsort(order)],
                         "bottom": tops[np.argsort(order)] - heights[np.argsort(order)],
                         "label": [str(g) for g in groups], "works": counts},
                        index=pd.Index(groups, name="group"))
    rows = rows.astype({"row": np.int64})
    step = next((w for w in NICE_WIDTHS if span / w <= 8), NICE_WIDTHS[-1])
    years = range(math.ceil(first / step) * step, math.floor(last / step) * step + 1, step)
    ticks = [(float((year - first) * per_year), int(year)) for year in years]
    return DateLayout(xy, rows, (-first * per_year, per_year), ticks, undated, strip_x, dated)


def date_histogram(date_start: Any, date_end: Any, bins: int | Sequence[int] = 40,
                   ) -> tuple[np.ndarray, np.ndarray]:
    """``(edges, counts)``: works per period, each dated work spread evenly over the years of
    its interval (fractional counts); ``bins`` periods at most of a round width
    (:func:`~artopic_nb.query.time.time_bins`), or the edges. Undated works are left out.
    ``len(edges) == len(counts) + 1``; period ``i`` is ``[edges[i], edges[i + 1])``.
    """
    start, end = pd.Series(date_start), pd.Series(date_end)
    table = over_time(np.zeros(len(start), np.int64), start, end, bins=bins)
    edges = np.r_[table["start"].to_numpy(np.int64), table["end"].to_numpy(np.int64)[-1:] + 1]
    if isinstance(bins, (int, np.integer)) and not len(start.dropna()):
        edges = time_bins(0, 0, 1)
    return edges, table["count"].to_numpy(np.float64)
