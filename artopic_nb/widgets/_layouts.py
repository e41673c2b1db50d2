"""The map's layouts (``EmbeddingPlot.map_layout``): ``"map"``, the 2-D reduction, and ``"date"``,
PixPlot's date layout: x by year (the middle of each work's date interval), a row a cluster
(ordered by the cluster's median year, noise last), the works of a row stacked in columns;
undated works in a strip right of the time line (the toolbar and ``layout_note`` say how
many). The positions come from :func:`artopic_nb.query.timeline.date_layout`; the view moves
the works from one layout to the other over half a second (``widgets/js/map/layout.js``).

A mixin of :class:`~artopic_nb.widgets.plot.EmbeddingPlot`: its traits are the plot's.

Example
-------
>>> plot = EmbeddingPlot.from_study(study, layout="date")   # doctest: +SKIP
>>> plot.map_layout = "map"                                 # animates back   # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import traitlets as t

from ..query import work_dates
from ..query.timeline import ROW_GAP, date_layout

__all__ = ["LAYOUTS", "Layouts", "study_dates"]

LAYOUTS = ("map", "date")


def study_dates(metadata: pd.DataFrame | None) -> tuple[tuple[np.ndarray, np.ndarray] | None, str]:
    """``((date_start, date_end), "")`` of a collection's works as float years (NaN:
    undated), or ``(None, why)`` when it has no date column (or no readable date)."""
    if metadata is None:
        return None, "time views need a date column (the plot was given no metadata)"
    try:
        start, end = work_dates(metadata)
    except ValueError as exc:  # "time views need a date column: ..."
        return None, str(exc).split(":")[0]
    start = pd.to_numeric(start, errors="coerce").astype("float64").to_numpy()
    end = pd.to_numeric(end, errors="coerce").astype("float64").to_numpy()
    if np.isnan(start).all():
        return None, "time views need dates: no work's date could be read"
    return (start, end), ""


class Layouts(t.HasTraits):
    """``layout`` and what the view draws with it; see the module docstring."""

    #: "map" (the 2-D reduction) or "date" (by year and cluster); not ``layout``, which is
    #: every ipywidget's CSS layout (``from_study(study, layout="date")`` sets this one)
    map_layout = t.Unicode("map").tag(sync=True)
    #: the layouts this plot can show ("date" only with the works' dates)
    layouts = t.List(t.Unicode(), ["map"]).tag(sync=True)
    #: the date layout's time line: [{x, text, kind: "tick" | "strip"}] (empty for "map")
    layout_axis = t.List(t.Dict()).tag(sync=True)
    #: a line on the layouts: why there is no date layout, or how many works are undated
    layout_note = t.Unicode("").tag(sync=True)

    def _init_layouts(self, dates: Any) -> None:
        """``dates``: ``(date_start, date_end)`` (years, NaN undated), a metadata table to
        read them from, or None (the metadata given to the plot)."""
        if dates is None or isinstance(dates, pd.DataFrame):
            found, why = study_dates(self._metadata if dates is None else dates)
        else:
            start, end = (pd.to_numeric(pd.Series(np.asarray(v, dtype=object)), errors="coerce")
                          .astype("float64").to_numpy() for v in dates)
            found, why = ((start, end), "") if len(start) == len(end) and \
                not np.isnan(start).all() else (None, "time views need dates: none given")
        if found is not None and len(found[0]) != len(self._map_coords):
            raise ValueError(f"dates of {len(found[0])} works for {len(self._map_coords)} points")
        self._dates, self._date_layout = found, None
        self.layouts = list(LAYOUTS) if found is not None else ["map"]
        self.layout_note = why

    @property
    def date_positions(self):
        """The date layout (:class:`~artopic_nb.query.timeline.DateLayout`) of the works by
        the plot's clusters, or None without dates."""
        if self._dates is None:
            return None
        if self._date_layout is None:
            labels = self._labels if self._labels is not None else np.zeros(len(self._map_coords))
            self._date_layout = date_layout(labels, *self._dates)
        return self._date_layout

    @t.validate("map_layout")
    def _valid_layout(self, proposal):
        value = proposal["value"]
        if value not in LAYOUTS:
            raise t.TraitError(f"map_layout must be one of {LAYOUTS}, not {value!r}")
        if value == "date" and value not in self.layouts:
            raise t.TraitError(f"map_layout='date' needs the works' dates: {self.layout_note}")
        return value

    @t.observe("map_layout")
    def _on_layout(self, _change) -> None:
        self._relayout(changed=True)

    def _relayout(self, changed: bool = False) -> None:
        """Show the current layout's positions (after a new layout, labels or coordinates)."""
        if self.map_layout == "map" and not changed:
            return
        self._date_layout = None
        layout = self.date_positions if self.map_layout == "date" else None
        with self.hold_sync():
            self._show_coords(self._map_coords if layout is None else layout.xy)
            self._update_labels()
            self._update_ranks()
            self.layout_axis = [] if layout is None else _axis(layout)
            if self._dates is not None:
                k = int(np.isnan(self._dates[0]).sum())
                self.layout_note = (f"{k:,} work{'s' if k != 1 else ''} without a date: the "
                                    "strip at the right of the time line") if k else ""
            self.data_version += 1

    def _update_labels(self) -> None:
        if self.map_layout != "date" or self._dates is None:
            super()._update_labels()
            return
        rows = self.date_positions.rows
        labels = []
        for group, row in rows.iterrows():
            code = int(group) if self._labels is not None else 0
            text = self._names.get(code) or (str(code) if code >= 0 else "noise") \
                if self._labels is not None else "works"
            labels.append({"code": code, "text": f"{code}: {text}" if code >= 0 and
                           self._names.get(code) else text, "x": 0.0,
                           "y": float(row["top"]) + ROW_GAP / 2, "align": "left"})
        self.cluster_labels = labels


def _axis(layout) -> list[dict]:
    axis = [{"x": x, "text": str(year), "kind": "tick"} for x, year in layout.ticks]
    if layout.strip_x is not None:
        axis.append({"x": float(layout.strip_x), "text": f"undated ({layout.undated:,})",
                     "kind": "strip"})
    return axis
