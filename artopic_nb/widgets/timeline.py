"""TimeHistogram: the works' dates as a histogram (an uncertain date spread over the years of
its interval), on which a range of years is brushed; the ask panel
(:mod:`.ask_panel`) filters the map, the grid and the other facets by it, as
``study.where(date=(low, high))`` does (a work passes when its interval overlaps the range).

The brushed range is the trait :attr:`TimeHistogram.brushed`: ``[low, high]`` (whole years,
inclusive) or ``[]``; the view sets it by dragging across the bars (a click clears it), Python
by :meth:`TimeHistogram.brush`. Bars: every dated work (grey) and those that pass the other
filters (``passing``, in colour).

Example
-------
>>> hist = TimeHistogram.from_dates([1600, 1640, None], [1649, 1640, None], bins=10)
>>> hist.undated, len(hist.edges) == len(hist.counts) + 1
(1, True)
>>> hist.brush(1620, 1650); hist.brushed
[1620.0, 1650.0]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import traitlets as t

from ..query.timeline import date_histogram
from ._base import STATIC, ArtopicWidget, esm

__all__ = ["TimeHistogram"]


def _years_of(values: Any) -> np.ndarray:
    """Years as float64, NaN where undated (None, NA, text that is no number)."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return values
    return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy("float64", na_value=np.nan)


class TimeHistogram(ArtopicWidget):
    """A histogram of dates to brush a range of years on; see the module docstring."""

    _esm = esm("timeline")
    _css = STATIC / "timeline.css"

    edges = t.List(t.Float()).tag(sync=True)     # period edges (years); period i: [e_i, e_i+1)
    counts = t.List(t.Float()).tag(sync=True)    # dated works a period (spread, fractional)
    passing = t.List(t.Float()).tag(sync=True)   # of them, those the other filters keep ([]: all)
    undated = t.Int(0).tag(sync=True)
    brushed = t.List(t.Float()).tag(sync=True)   # [low, high] years, inclusive; [] none
    height = t.Int(72).tag(sync=True)
    note = t.Unicode("").tag(sync=True)          # a line under the bars

    @classmethod
    def from_dates(cls, date_start: Any, date_end: Any, *, bins: int = 40,
                   **traits) -> TimeHistogram:
        """The histogram of works dated ``[date_start, date_end]`` (years; missing: undated),
        at most ``bins`` periods of a round width."""
        start, end = _years_of(date_start), _years_of(date_end)
        edges, counts = date_histogram(start, end, bins=bins)
        undated = int(np.isnan(start).sum())
        note = f"{undated:,} work{'s' if undated != 1 else ''} without a date" if undated else ""
        return cls(edges=[float(e) for e in edges], counts=counts.tolist(), undated=undated,
                   note=note, **traits)

    def set_passing(self, date_start: Any, date_end: Any, mask: np.ndarray | None) -> None:
        """The bars of the works in ``mask`` (a boolean array by id; None: all works)."""
        if mask is None:
            self.passing = []
            return
        keep = np.asarray(mask, dtype=bool)
        _, counts = date_histogram(_years_of(date_start)[keep], _years_of(date_end)[keep],
                                   bins=[int(e) for e in self.edges])
        self.passing = counts.tolist()

    def brush(self, low: float | None, high: float | None = None) -> None:
        """Brush the years ``low``..``high`` (inclusive), as dragging does; ``brush(None)``
        clears."""
        if low is None:
            self.brushed = []
            return
        high = low if high is None else high
        if not float(low) <= float(high):
            raise ValueError(f"a brushed range runs from low to high, not ({low}, {high})")
        self.brushed = [float(low), float(high)]

    @property
    def range(self) -> tuple[int, int] | None:
        """The brushed years as whole years ``(low, high)``, or None."""
        if len(self.brushed) != 2:
            return None
        return int(np.floor(self.brushed[0])), int(np.floor(self.brushed[1]))
