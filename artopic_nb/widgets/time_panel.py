"""OverTimePanel: the clusters over time in the explorer (a section, closed until opened:
altair and vega load then, not with the explorer): the stacked areas of
:func:`artopic_nb.charts.over_time` (each cluster's share of the works of each period, an
uncertain date spread over the periods it covers) and a sentence per cluster on its period
(``study.periods()``). Without a date column it says that time views need one.

Example
-------
>>> panel = OverTimePanel(study)          # doctest: +SKIP
>>> panel.selected_index = 0              # open it (as a click): the chart is drawn  # doctest: +SKIP
>>> panel.table.head()                    # study.over_time(bins=25)  # doctest: +SKIP
"""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np
import pandas as pd

from .. import charts

__all__ = ["OverTimePanel"]


class OverTimePanel(W.Accordion):
    """The clusters of ``study`` over time: a chart and a sentence a cluster.

    Parameters
    ----------
    study:
        A clustered :class:`~artopic_nb.pipeline.study.Study`.
    bins:
        At most this many periods (``study.over_time(bins=...)``).
    value:
        ``"share"`` (of each period's works) or ``"count"``.
    open:
        Draw now and show it open (by default it draws when first opened).
    """

    def __init__(self, study, *, bins: int = 25, value: str = "share", width: int = 560,
                 open: bool = False):
        self.study, self.bins, self.value, self.width = study, bins, value, width
        self.table: pd.DataFrame | None = None
        self.periods: pd.DataFrame | None = None
        self.chart = None  # the altair JupyterChart, once there is one
        self.note = W.HTML()
        self.note.add_class("artopic-time-note")
        self.sentences = W.HTML()
        self.sentences.add_class("artopic-time-sentences")
        self.chart_box = W.Box()
        self.drawn = False
        super().__init__([W.VBox([self.note, self.chart_box, self.sentences])],
                         titles=("Over time",), selected_index=0 if open else None)
        self.add_class("artopic-time-panel")
        self.observe(lambda change: self.refresh() if change["new"] == 0 and not self.drawn
                     else None, names=["selected_index"])
        if open:
            self.refresh()

    def on_study(self, _step=None) -> None:
        """A study's change (``study.on_change``): drawn again if it has been drawn."""
        if self.drawn:
            self.refresh()

    def refresh(self, *_args) -> None:
        """Draw the chart and sentences again from the study (new clusters, names)."""
        self.drawn = True
        try:
            self.table = self.study.over_time(bins=self.bins)
            self.periods = self.study.periods()
        except ValueError as exc:  # no date column (or no clusters): say so, draw nothing
            self.table = self.periods = self.chart = None
            self.chart_box.children = ()
            self.sentences.value = ""
            self.note.value = f"<i>{html.escape(str(exc))}</i>"
            return
        names = dict(self.study.get("cluster_names_") or {})
        chart = charts.over_time(self.table, value=self.value, names=names, width=self.width)
        self.chart = charts.jupyter_chart(chart)
        self.chart_box.children = (self.chart,)
        undated = self.table.attrs.get("undated", 0)
        self.note.value = (f"<small>{undated:,} work{'s' if undated != 1 else ''} without a "
                           "date left out</small>") if undated else ""
        items = "".join(
            f"<li><b>{html.escape(_name(c, names))}</b>: {html.escape(str(row.sentence))}</li>"
            for c, row in self.periods.iterrows())
        self.sentences.value = f"<ul style='margin:2px 0;padding-left:18px'>{items}</ul>"


def _name(cluster, names: dict) -> str:
    if isinstance(cluster, (int, np.integer)) and int(cluster) < 0:
        return "noise"
    return f"{cluster}: {names[cluster]}" if cluster in names else f"cluster {cluster}"
