"""AskPanel: a search box and metadata facets beside the map, linked to the plot and the grid.

- the search box asks ``study.search`` (``over``: all, words, texts or images); the results,
  ranked, fill the grid and are ringed on the map, the first ones listed with the column
  that matched and a snippet;
- the facets (categorical multi-selects with counts, numeric and date range sliders) filter
  the works; the works' dates are a time histogram (:class:`~.timeline.TimeHistogram`, an
  uncertain date spread over its years) on which a range of years is brushed, the condition
  ``date=(low, high)`` of ``study.where`` (intervals that overlap it; without a date column,
  a line says time views need one): the plot dims the rest (one binary mask, :meth:`EmbeddingPlot.set_filter`), the
  grid shows the works that pass, the search answers among them, and each facet's counts
  follow the other facets (cross-filtering);
- the current filter is readable from Python: :attr:`AskPanel.mask` (a boolean array by id),
  :attr:`AskPanel.query` (a pandas query string over ``study.where()``'s table) and
  :attr:`AskPanel.conditions` (what ``study.where(**conditions)`` takes).

Example
-------
>>> panel = AskPanel(study, plot, grid)        # doctest: +SKIP
>>> panel.search('"gold background"')          # as typing it and pressing Enter  # doctest: +SKIP
>>> panel.set_filter(genre=["portrait"], begin_year=(1600, 1700))   # doctest: +SKIP
>>> panel.mask.sum(), panel.query              # doctest: +SKIP
>>> panel.time.brushed                         # the years brushed on the histogram  # doctest: +SKIP
"""

from __future__ import annotations

import html
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import ipywidgets as W
import numpy as np
import pandas as pd

from ..data.dates import date_column
from ..query import work_dates
from ._base import artwork_title
from .timeline import TimeHistogram

__all__ = ["AskPanel"]

#: Values listed per categorical facet (the most frequent).
MAX_OPTIONS = 30
#: The time histogram's condition (what ``study.where`` takes) and its most periods.
TIME_KEY, TIME_BINS = "date", 40
#: Results listed under the search box (the grid shows them all).
LISTED = 8
OVER = ("all", "words", "texts", "images")


class AskPanel(W.VBox):
    """Search box and facets of ``study``, linked to ``plot`` and ``grid`` (both optional).

    Parameters
    ----------
    study:
        A :class:`~artopic_nb.pipeline.study.Study` (embedded; search by texts needs its
        descriptions, search of images by a text a CLIP or SigLIP embedder).
    plot, grid:
        The :class:`~artopic_nb.widgets.plot.EmbeddingPlot` and
        :class:`~artopic_nb.widgets.grid.ClusterGrid` to drive.
    top_k:
        Results per search.
    max_facets:
        Facets shown (the first columns that have one).
    on_error:
        Called with ``(where, exception)`` when a search or filter fails (the explorer shows
        it beside the widgets); by default the error shows in the panel.
    """

    def __init__(self, study, plot=None, grid=None, *, top_k: int = 60, max_facets: int = 8,
                 width: str = "270px", on_error: Callable[[str, Exception], None] | None = None):
        self.study, self.plot, self.grid = study, plot, grid
        self.top_k = top_k
        self.results = pd.DataFrame(columns=["id", "score", "matched", "snippet", "over"])
        self.conditions: dict[str, Any] = {}
        self._mask: np.ndarray | None = None
        self._syncing = False
        self._on_error = on_error
        self.box = W.Text(placeholder='words, "a phrase" or what it shows', continuous_update=False,
                          layout=W.Layout(width="100%"))
        self.box.add_class("artopic-ask-box")
        self.over = W.Dropdown(options=list(OVER), value="all", description="over",
                               layout=W.Layout(width="100%"), style={"description_width": "36px"})
        self.over.add_class("artopic-ask-over")
        self.clear_button = W.Button(description="clear", layout=W.Layout(width="70px"),
                                     tooltip="clear the search and every filter")
        self.listing = W.HTML()
        self.listing.add_class("artopic-ask-results")
        self.status = W.HTML()
        self.status.add_class("artopic-ask-status")
        self.query_view = W.HTML()
        self.query_view.add_class("artopic-ask-query")
        self._facet_widgets: dict[str, W.Widget] = {}
        self._kinds: dict[str, str] = {}
        time_box = self._build_time()
        facets_box = self._build_facets(max_facets)
        self.box.observe(lambda change: self._safe("search", self.search, change["new"]),
                         names=["value"])
        self.over.observe(lambda _change: self._safe("search", self.search, self.box.value)
                          if self.box.value.strip() else None, names=["value"])
        self.clear_button.on_click(lambda _b: self._safe("clear", self.clear))
        super().__init__([
            W.HTML("<b>Ask the collection</b>"),
            self.box, W.HBox([self.over, self.clear_button]), self.status, self.listing,
            W.HTML("<b>Filter</b>"), time_box, facets_box, self.query_view,
        ], layout=W.Layout(width=width, min_width=width, overflow="auto"))
        self.add_class("artopic-ask")
        self._show_filter()

    # -- the current filter, from Python --------------------------------------------------------
    @property
    def mask(self) -> np.ndarray:
        """Which works pass the current filter (a boolean array by id; all when none)."""
        n = len(self.study.collection)
        return np.ones(n, dtype=bool) if self._mask is None else self._mask.copy()

    @property
    def query(self) -> str:
        """The current filter as a pandas query string over ``study.where()``'s table."""
        return self.study.where_query(self.conditions)

    def set_filter(self, **conditions: Any) -> None:
        """Filter as the facets do (``genre=["portrait"]``, ``begin_year=(1600, 1700)``; None
        clears one); the facets show it."""
        if self.time is not None:  # the date column's range is the histogram's
            for name in [k for k in conditions if k in self._time_names]:
                conditions[TIME_KEY] = conditions.pop(name)
        self.conditions = {k: v for k, v in {**self.conditions, **conditions}.items()
                           if v is not None}
        self._apply()

    def clear(self) -> None:
        """No search, no filter."""
        self.conditions = {}
        self.results = self.results.iloc[:0]
        with self._quiet():
            self.box.value = ""
        self.listing.value = ""
        self.status.value = ""
        self._apply()

    # -- search -----------------------------------------------------------------------------------
    def search(self, text: str, over: str | None = None) -> pd.DataFrame:
        """Search as the box does: results ranked in the grid, ringed on the map; returns them."""
        if self._syncing:
            return self.results
        if over is not None and over != self.over.value:
            with self._quiet():
                self.over.value = over
        text = str(text or "").strip()
        if text != self.box.value.strip():
            with self._quiet():
                self.box.value = text
        if not text:
            self.results = self.results.iloc[:0]
            self.listing.value = ""
            self.status.value = ""
            self._show_works()
            return self.results
        mask = self._mask
        want = self.top_k if mask is None else min(len(mask), self.top_k * 4)
        found = self.study.search(text, top_k=want, over=self.over.value)
        if mask is not None:
            found = found[mask[found["id"].to_numpy(np.int64)]].head(self.top_k)
        self.results = found.reset_index(drop=True)
        note = "" if mask is None else f" among the {int(mask.sum()):,} filtered works"
        used = ", ".join(found.attrs.get("over", [self.over.value]))
        self.status.value = (f"<span class='artopic-ask-count'>{len(found)} results</span>"
                             f"{html.escape(note)} · over {html.escape(used)}")
        self.listing.value = self._listing(found)
        self._show_works()
        return self.results

    def show_similar(self, work: int) -> pd.DataFrame:
        """The works nearest ``work`` (``study.similar``; among the filtered works when a
        filter is on): the work and them in the grid, in order, and ringed on the map (what
        the viewer's "similar works" button does); returns them."""
        mask = self._mask
        want = self.top_k if mask is None else min(len(mask) - 1, self.top_k * 4)
        found = self.study.similar(int(work), top_k=want)
        if mask is not None:
            found = found[mask[found["id"].to_numpy(np.int64)]].head(self.top_k)
        found = found.reset_index(drop=True)
        ids = [int(work)] + found["id"].astype(int).tolist()
        title = artwork_title(self.study.collection.metadata, int(work)) or f"work {work}"
        self.status.value = (f"<span class='artopic-ask-count'>{len(found)} works</span> "
                             f"similar to {html.escape(title)}")
        self.listing.value = self._listing(found.assign(matched="image", snippet=""))
        if self.grid is not None:
            self.grid.show_selection(ids, label=f"similar to {title[:40]}")
        if self.plot is not None:
            self.plot.highlighted_ids = ids
        return found

    def _listing(self, found: pd.DataFrame) -> str:
        meta = self.study.collection.metadata
        items = []
        for row in found.head(LISTED).itertuples():
            title = html.escape(artwork_title(meta, int(row.id)) or f"work {row.id}")
            where = html.escape(str(row.matched))
            snippet = html.escape(str(row.snippet))
            items.append(f"<li data-id='{int(row.id)}'><b>{title}</b> <small>({where})</small>"
                         + (f"<br><small>{snippet}</small>" if snippet else "") + "</li>")
        return "<ol style='padding-left:18px;margin:2px 0'>" + "".join(items) + "</ol>" \
            if items else "<i>nothing found</i>"

    # -- facets -----------------------------------------------------------------------------------
    def _build_time(self) -> W.Widget:
        """The time histogram of the works' dates, or the line that says it needs them."""
        self.time, self._dates, self._time_names = None, None, ()
        meta = self.study.collection.metadata
        try:
            start, end = work_dates(meta)
        except ValueError as exc:  # no date column: say what time views need
            note = W.HTML(f"<small><i>{html.escape(str(exc).split(':')[0])}</i></small>")
            note.add_class("artopic-ask-time-note")
            return note
        self._dates = (start, end)
        source = date_column(meta.drop(columns=["date_start", "date_end"], errors="ignore"))
        self._time_names = tuple(dict.fromkeys([TIME_KEY, "date_start", "date_end",
                                                *([source] if source else [])]))
        self.time = TimeHistogram.from_dates(start, end, bins=TIME_BINS,
                                             layout=W.Layout(width="100%"))
        self.time.add_class("artopic-ask-time")
        self.time.observe(lambda change: self._safe("filter", self._on_time, change["new"]),
                          names=["brushed"])
        return W.VBox([W.HTML(f"<small>{html.escape(source or 'date')}</small>"), self.time])

    def _on_time(self, brushed: list[float]) -> None:
        if self._syncing:
            return
        condition = (int(brushed[0]), int(brushed[1])) if len(brushed) == 2 else None
        self.conditions = {k: v for k, v in {**self.conditions, TIME_KEY: condition}.items()
                           if v is not None}
        self._apply()

    def _build_facets(self, max_facets: int) -> W.VBox:
        children = []
        for name, facet in list(self.study.facets().items()):
            if len(children) >= max_facets:
                break
            if name in self._time_names:
                continue  # the time histogram
            if facet.kind == "category":
                if facet.counts is None or len(facet.counts) < 2:
                    continue
                widget = W.SelectMultiple(options=self._options(facet), rows=min(5, len(facet.counts)),
                                          description=name, layout=W.Layout(width="100%"),
                                          style={"description_width": "initial"})
            else:
                if facet.low is None or facet.high is None or facet.low == facet.high:
                    continue
                low, high = _years(facet.low), _years(facet.high)
                integer = all(float(v).is_integer() for v in (low, high))
                cls = W.IntRangeSlider if integer else W.FloatRangeSlider
                widget = cls(min=low, max=high, value=(low, high), description=name,
                             continuous_update=False, layout=W.Layout(width="100%"),
                             style={"description_width": "initial"})
            widget.add_class("artopic-ask-facet")
            self._facet_widgets[name] = widget
            self._kinds[name] = facet.kind
            widget.observe(lambda change, name=name: self._safe(
                "filter", self._on_facet, name, change["new"]), names=["value"])
            children.append(widget)
        if not children:
            children = [W.HTML("<i>no metadata column to filter on</i>")]
        return W.VBox(children)

    @staticmethod
    def _options(facet) -> list[tuple[str, Any]]:
        counts = facet.counts.head(MAX_OPTIONS)
        return [(f"{v} ({c:,})", v) for v, c in zip(counts.index, counts.to_numpy(), strict=True)]

    def _on_facet(self, name: str, value: Any) -> None:
        if self._syncing:
            return
        widget = self._facet_widgets[name]
        if isinstance(widget, W.SelectMultiple):
            condition = list(value) if value else None
        else:
            condition = None if tuple(value) == (widget.min, widget.max) else tuple(value)
        self.conditions = {k: v for k, v in {**self.conditions, name: condition}.items()
                           if v is not None}
        self._apply()

    def _apply(self) -> None:
        """The conditions -> the mask -> the plot, the grid, the facets' counts, the search."""
        self._mask = self.study.where(self.conditions, as_mask=True) if self.conditions else None
        if self.plot is not None and hasattr(self.plot, "set_filter"):
            self.plot.set_filter(self._mask)
        self._show_filter()
        if self.box.value.strip():
            self.search(self.box.value)
        else:
            self._show_works()

    def _show_filter(self) -> None:
        facets = self.study.facets(self.conditions)
        with self._quiet():
            for name, widget in self._facet_widgets.items():
                condition = self.conditions.get(name)
                if isinstance(widget, W.SelectMultiple):
                    facet = facets.get(name)
                    if facet is not None:
                        options = self._options(facet)
                        known = {v for _, v in options}  # a picked value keeps its place
                        options += [(f"{v} (0)", v) for v in (condition or []) if v not in known]
                        widget.options = options
                        widget.value = tuple(condition or ())
                else:
                    widget.value = tuple(condition) if condition else (widget.min, widget.max)
            if self.time is not None:  # the brush, and the bars of what the others keep
                brushed = self.conditions.get(TIME_KEY)
                self.time.brushed = [float(v) for v in brushed] if brushed else []
                others = {k: v for k, v in self.conditions.items() if k != TIME_KEY}
                mask = self.study.where(others, as_mask=True) if others else None
                self.time.set_passing(*self._dates, mask)
        n = len(self.study.collection)
        passing = n if self._mask is None else int(self._mask.sum())
        query = self.query
        self.query_view.value = (
            f"<small>{passing:,} of {n:,} works"
            + (f" · <code>{html.escape(query)}</code>" if query else " · no filter")
            + "</small>")

    def _show_works(self) -> None:
        """The grid: the search results (ranked) if any, else the filtered works, else back to
        the cluster; the map rings the results."""
        if self.box.value.strip():
            ids = self.results["id"].astype(int).tolist()
            label = f"search: {self.box.value.strip()[:40]}"
        elif self._mask is not None:
            ids = np.flatnonzero(self._mask).tolist()
            label = "filter"
        else:
            ids, label = [], ""
        if self.grid is not None:
            self.grid.show_selection(ids, label=label or "plot selection")
        if self.plot is not None:
            self.plot.highlighted_ids = ids[:self.top_k] if self.box.value.strip() else []

    # -- plumbing ---------------------------------------------------------------------------------
    @contextmanager
    def _quiet(self):
        """Widget values set from Python here do not call back into the panel."""
        before, self._syncing = self._syncing, True
        try:
            yield
        finally:
            self._syncing = before

    def _safe(self, where: str, fn: Callable, *args: Any) -> Any:
        try:
            return fn(*args)
        except Exception as exc:  # shown, never swallowed
            if self._on_error is not None:
                self._on_error(f"ask panel ({where})", exc)
            else:
                self.status.value = (f"<span style='color:#b3261e'>{html.escape(type(exc).__name__)}"
                                     f": {html.escape(str(exc))}</span>")
            return None


def _years(value: Any) -> float:
    """A range end as a number for a slider (a timestamp as its year)."""
    if isinstance(value, pd.Timestamp):
        return int(value.year)
    return int(value) if float(value).is_integer() else float(value)
