"""Groups over time: how many works of each cluster (or any label) fall in each period, with
works dated uncertainly spread over the periods their interval covers, and a sentence per
group on its period.

A work dated 1640–1659 counts half in 1625–1649 and half in 1650–1674: each work is spread
evenly over the years of its interval ``[date_start, date_end]`` (both inclusive, as
:mod:`artopic_nb.data.dates` reads them), so an uncertain date weighs as much as a precise
one, just more thinly. Works without a date are left out and counted (``attrs["undated"]``).

Example
-------
>>> table = over_time([0, 0, 1], [1640, 1652, 1700], [1659, 1652, 1700],
...                   bins=[1625, 1650, 1675, 1700, 1725])
>>> table[["period", "cluster", "count", "share"]].head(4)
      period  cluster  count  share
0  1625–1649        0    0.5    1.0
1  1625–1649        1    0.0    0.0
2  1650–1674        0    1.5    1.0
3  1650–1674        1    0.0    0.0
>>> period_summary([0, 0, 1], [1640, 1652, 1700], [1659, 1652, 1700])["sentence"].tolist()
['mostly 1640–1655; median 1652 (2 dated works)', 'mostly 1700–1700; median 1700 (1 dated work)']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..data.dates import DATE_COLUMNS, date_column, year_bounds

__all__ = ["NICE_WIDTHS", "over_time", "period_summary", "time_bins", "work_dates"]

#: Period widths in years that ``bins=<int>`` chooses from: the narrowest that gives at most
#: that many periods, their edges at multiples of the width (1600, 1625, 1650 ...).
NICE_WIDTHS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000)
_CHUNK = 200_000  # works spread at a time (a chunk x periods of float64 in memory)


def _years(values: Any, name: str) -> np.ndarray:
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    try:
        return pd.to_numeric(s, errors="raise").astype("float64").to_numpy()
    except (TypeError, ValueError):
        raise TypeError(f"{name} are years as numbers (missing for undated works), not "
                        f"{s.dtype} values such as {s.dropna().iloc[0]!r}") from None


def work_dates(metadata: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each work's ``(date_start, date_end)``: a collection's columns, or read from the date
    column of a table that has none; without a date column, a ValueError that says time views
    need one (what a study's time views raise).

    Example
    -------
    >>> [s.tolist() for s in work_dates(pd.DataFrame({"Date": ["1660s", "n.d."]}))]
    [[1660, <NA>], [1669, <NA>]]
    """
    if {"date_start", "date_end"} <= set(metadata.columns):
        return metadata["date_start"], metadata["date_end"]
    column = date_column(metadata)
    if column is None:
        raise ValueError(
            "time views need a date column: one of " + ", ".join(DATE_COLUMNS)
            + " (names compared without case), or date_start and date_end (years); the "
            f"columns are {[str(c) for c in metadata.columns]}")
    start, end, _ = year_bounds(metadata[column])
    return start, end


def time_bins(first: int, last: int, bins: int | Sequence[int] = 25) -> np.ndarray:
    """The period edges (years; period *i* is ``[edges[i], edges[i + 1])``) that cover the
    years ``first``..``last``: ``bins`` periods at most, of a width from :data:`NICE_WIDTHS`
    at multiples of it, or the edges given (increasing whole years).

    Example
    -------
    >>> time_bins(1602, 1689, 25).tolist()[:4], time_bins(1300, 1912, 25)[[0, -1]].tolist()
    ([1600, 1605, 1610, 1615], [1300, 1925])
    """
    if not isinstance(bins, (int, np.integer)) or isinstance(bins, bool):
        edges = np.asarray(list(bins), dtype=np.float64)
        if len(edges) < 2 or np.any(np.diff(edges) <= 0) or np.any(edges != np.round(edges)):
            raise ValueError(f"bins is a number of periods or increasing whole years "
                             f"(at least two edges), not {list(bins)!r}")
        return edges.astype(np.int64)
    if bins < 1:
        raise ValueError(f"bins is a number of periods (1 or more) or their edges, not {bins}")
    span = last + 1 - first
    width = next((w for w in NICE_WIDTHS if math.ceil((last + 1) / w) - math.floor(first / w)
                  <= bins), NICE_WIDTHS[-1]) if span > 0 else 1
    low, high = math.floor(first / width) * width, math.ceil((last + 1) / width) * width
    return np.arange(low, high + 1, width, dtype=np.int64)


def _spread(start: np.ndarray, end: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """(works, periods) weights: the share of each work's years in each period."""
    out = np.empty((len(start), len(edges) - 1))
    for i in range(0, len(start), _CHUNK):
        s, e = start[i:i + _CHUNK, None], end[i:i + _CHUNK, None] + 1.0
        before = np.clip((edges[None, :] - s) / (e - s), 0.0, 1.0)  # share before each edge
        out[i:i + _CHUNK] = np.diff(before, axis=1)
    return out


def _period_counts(codes: np.ndarray, n_groups: int, start: np.ndarray, end: np.ndarray,
                   edges: np.ndarray) -> np.ndarray:
    """(groups, periods) works, each spread evenly over its years (``_spread``, summed).

    Whole years (what :mod:`artopic_nb.data.dates` gives) take O(works + groups x years): each
    work adds ``1 / its years`` to a per-year density from its first year to its last (a
    difference array filled by ``bincount``), and a period sums its years' density. Other
    years take the (works x periods) weights, a chunk at a time."""
    if not len(start):
        return np.zeros((n_groups, len(edges) - 1))
    low, high = int(min(start.min(), edges[0])), int(max(end.max() + 1, edges[-1]))
    width = high - low + 1
    whole = np.array_equal(start, np.floor(start)) and np.array_equal(end, np.floor(end))
    if not whole or n_groups * width > 20_000_000:  # fractional years, or too wide a table
        weights = _spread(start, end, edges.astype(np.float64))
        return np.stack([np.bincount(codes, weights=weights[:, j], minlength=n_groups)
                         for j in range(len(edges) - 1)], axis=1)
    share = 1.0 / (end + 1.0 - start)
    rows = codes.astype(np.int64) * width
    steps = (np.bincount(rows + (start - low).astype(np.int64), share, n_groups * width)
             - np.bincount(rows + (end + 1 - low).astype(np.int64), share, n_groups * width))
    density = np.cumsum(steps.reshape(n_groups, width), axis=1)  # works a year, per group
    before = np.concatenate([np.zeros((n_groups, 1)), np.cumsum(density, axis=1)], axis=1)
    return np.diff(before[:, edges.astype(np.int64) - low], axis=1)


def _dated(labels: Any, date_start: Any, date_end: Any, by: str
           ) -> tuple[np.ndarray, pd.Index, np.ndarray, np.ndarray, np.ndarray]:
    labels = pd.Series(np.asarray(labels) if not isinstance(labels, pd.Series) else labels.to_numpy())
    start, end = _years(date_start, "date_start"), _years(date_end, "date_end")
    if not len(labels) == len(start) == len(end):
        raise ValueError(f"{by} labels, date_start and date_end have one value per work: "
                         f"{len(labels)}, {len(start)} and {len(end)} given")
    codes, groups = pd.factorize(labels, sort=True)
    dated = ~(np.isnan(start) | np.isnan(end))
    if np.any(start[dated] > end[dated]):
        raise ValueError("a date_start is after its date_end")
    return codes, groups, start, end, dated


def over_time(labels: Sequence[Any] | np.ndarray | pd.Series, date_start: Any, date_end: Any,
              *, by: str = "cluster", bins: int | Sequence[int] = 25) -> pd.DataFrame:
    """Works per group and period: a long table with one row per period and group:
    ``period`` (``"1600–1624"``), ``start`` and ``end`` (its years, inclusive), ``by`` (the
    group: a cluster id, a genre ...), ``count`` (works, each spread over its interval's
    periods, so fractional) and ``share`` (of the period's dated works; 0 in an empty period).

    ``labels``: each work's group (noise ``-1`` is a group like any other); ``date_start``,
    ``date_end``: its years (missing: undated, left out and counted in
    ``attrs["undated"]``); ``bins``: at most this many periods of a round width
    (:func:`time_bins`), or their edges (a work's years outside them are left out).
    ``table.pivot(index="period", columns=by, values="count")`` is the wide form.
    """
    codes, groups, start, end, dated = _dated(labels, date_start, date_end, by)
    if dated.any():
        edges = time_bins(int(start[dated].min()), int(end[dated].max()), bins)
    else:
        edges = time_bins(0, 0, bins) if not isinstance(bins, (int, np.integer)) else np.array([0, 1])
    counts = _period_counts(codes[dated], len(groups), start[dated], end[dated], edges)
    totals = counts.sum(axis=0)
    shares = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    first, last = edges[:-1], edges[1:] - 1
    table = pd.DataFrame({
        "period": np.repeat([f"{a}–{b}" if a != b else f"{a}" for a, b in zip(first, last,
                                                                                strict=True)],
                            len(groups)),
        "start": np.repeat(first, len(groups)), "end": np.repeat(last, len(groups)),
        by: np.tile(np.asarray(groups, dtype=object), len(first)),
        "count": counts.T.ravel(), "share": shares.T.ravel(),
    })
    if len(groups) and pd.api.types.is_integer_dtype(np.asarray(groups)):
        table[by] = table[by].astype(np.int64)
    table.attrs["undated"] = int((~dated).sum())
    return table


def _quantiles(start: np.ndarray, end: np.ndarray, qs: Sequence[float]) -> list[float]:
    """Quantiles of the years of works each spread evenly over its interval."""
    low, high = int(start.min()), int(end.max()) + 1
    step = np.zeros(high - low + 1)
    np.add.at(step, (start - low).astype(np.int64), 1.0 / (end + 1 - start))
    np.add.at(step, (end + 1 - low).astype(np.int64), -1.0 / (end + 1 - start))
    cdf = np.concatenate([[0.0], np.cumsum(np.cumsum(step)[:-1])]) / len(start)
    years = np.arange(low, high + 1, dtype=np.float64)
    return [float(np.interp(q, cdf, years)) for q in qs]


def period_summary(labels: Sequence[Any] | np.ndarray | pd.Series, date_start: Any,
                   date_end: Any, *, by: str = "cluster", coverage: float = 0.8) -> pd.DataFrame:
    """Each group's period, indexed by group: ``works``, ``dated``, ``low`` and ``high`` (the
    central ``coverage`` of its dated works' years, each work spread over its interval, rounded
    out to 5 years), ``median`` (year) and a ``sentence``: "mostly 1600–1675; median 1642
    (14 dated works)", with the undated counted where there are any."""
    if not 0 < coverage <= 1:
        raise ValueError(f"coverage is a share of the works, above 0 and at most 1, not {coverage}")
    codes, groups, start, end, dated = _dated(labels, date_start, date_end, by)
    rows = []
    for g in range(len(groups)):
        mine = codes == g
        have = mine & dated
        n, k = int(mine.sum()), int(have.sum())
        if k:
            q_low, q_mid, q_high = _quantiles(start[have], end[have],
                                              [(1 - coverage) / 2, 0.5, (1 + coverage) / 2])
            low = 5 * math.floor(q_low / 5)
            high = max(5 * math.ceil((q_high - 1) / 5), low)
            low, high = max(low, int(start[have].min())), min(high, int(end[have].max()))
            median = min(int(math.floor(q_mid)), int(end[have].max()))
            text = (f"mostly {low}–{high}; median {median} "
                    f"({k} dated work{'s' if k != 1 else ''})")
        else:
            low = high = median = None
            text = "no dated works"
        if n > k:
            text += f"; {n - k} without a date"
        rows.append((n, k, low, high, median, text))
    out = pd.DataFrame(rows, columns=["works", "dated", "low", "high", "median", "sentence"],
                       index=pd.Index(groups, name=by))
    return out.astype({"low": "Int64", "high": "Int64", "median": "Int64"})
