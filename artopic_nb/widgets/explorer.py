"""Explorer: the plot, the grid and the caption viewer linked, with re-cluster controls.

- a selection in the plot fills the grid (the viewer's previous / next walk it); a click in
  the grid opens the artwork in the viewer and rings its point in the plot;
- the header says what the results rest on (``study.provenance()``: the image embedder, the
  text encoder, the describers), and plainly when a no-model fallback was used;
- the claims panel (:mod:`.claims_panel`) lists what sets the grid's cluster apart
  (``study.commonalities_.claims``); picking a claim rings its supporting works green and
  the works that do not bear it out red, in the plot and the grid;
- the clusters panel (:mod:`.cluster_panel`, below the re-cluster controls) names, merges,
  splits, moves and undoes through the study's verbs, and moves along the hierarchy; the ask
  panel (:mod:`.ask_panel`, left of the map) searches and filters (a time histogram brushes
  years); the viewer finds similar works; "Over time" (:mod:`.time_panel`, opened on demand)
  charts the clusters over the periods and says each cluster's period;
- the re-cluster controls call ``study.recluster(...)``; the study's ``on_change`` hook then
  sends the new labels to every view (a trait update; no view is rebuilt). A re-clustering
  done in another cell (``study.recluster(...)``) updates the views the same way.

Errors raised while linking are shown beside the widgets (and kept in :attr:`Link.errors`).

Example: ``ex = explore(study); ex.plot.selected_ids``; ``ex.unlink()`` (the views stay).
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from contextlib import contextmanager

import ipywidgets as W

from ..steps.cluster import METHODS, size_defaults
from ._base import format_exception
from .ask_panel import AskPanel
from .captions import CaptionViewer
from .claims_panel import ClaimsPanel
from .cluster_panel import ClusterPanel
from .grid import ClusterGrid
from .plot import EmbeddingPlot, has_pictures
from .time_panel import OverTimePanel

__all__ = ["ClaimsPanel", "Explorer", "Link", "explore", "link_views"]


class Link:
    """The links between a study and its views; :meth:`unlink` undoes them."""

    def __init__(self, errors: W.Output | None = None):
        self.errors: list[str] = []
        self.output = errors
        self._undo: list[Callable[[], None]] = []
        self._busy = False
        self.linked = True

    @contextmanager
    def guard(self):
        """Run an update unless one is already running (views echo each other's changes)."""
        if self._busy:
            yield False
            return
        self._busy = True
        try:
            yield True
        finally:
            self._busy = False

    def report(self, where: str, exc: BaseException) -> None:
        text = f"artopic_nb explorer: error in {where}\n{format_exception(exc)}"
        self.errors.append(text)
        if self.output is not None:
            self.output.append_stderr(text)

    def safe(self, where: str, fn: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # shown beside the widget, not swallowed
                self.report(where, exc)
        return wrapper

    def observe(self, widget, handler: Callable, names: list[str]) -> None:
        widget.observe(handler, names=names)
        self._undo.append(lambda: widget.unobserve(handler, names=names))

    def unlink(self) -> None:
        for undo in reversed(self._undo):
            undo()
        self._undo.clear()
        self.linked = False


def link_views(study, plot: EmbeddingPlot, grid: ClusterGrid, viewer: CaptionViewer,
               errors: W.Output | None = None) -> Link:
    """Link the three views to each other and to ``study``; returns a :class:`Link`."""
    link = Link(errors)

    def on_plot_selection(change):
        with link.guard() as ok:
            if not ok:
                return
            ids = list(change["new"])
            grid.show_selection(ids)
            if ids:
                viewer.show(viewer.artwork_id if viewer.artwork_id in ids else ids[0],
                            sequence=ids, label="selection")

    def on_grid_pick(change):
        i = change["new"]
        with link.guard() as ok:
            if not ok or i < 0:
                return
            label = "selection" if grid.source == "selection" else f"cluster {grid.cluster}"
            viewer.show(i, sequence=grid.ids, label=label)
            plot.highlighted_ids = [i]

    def on_viewer(change):
        i = change["new"]
        with link.guard() as ok:
            if not ok:
                return
            plot.highlighted_ids = [i] if i >= 0 else []
            grid.selected_id = i

    def on_study(step):
        with link.guard() as ok:
            if not ok:
                return
            labels = study.get("labels_")
            samples = study.get("samples_")
            sampled = None if samples is None else samples["id"]
            names = study.get("cluster_names_")
            plot.set_cluster_names(names)  # nothing sent when unchanged
            grid.set_cluster_names(names)
            if step == "reduce":
                coords = study.get("coords_")
                if coords is not None and len(coords) == plot.n_points:
                    plot.set_coords(coords)
            if step in ("cluster", "sample") and labels is not None:
                if step == "cluster":
                    plot.set_labels(labels)
                grid.set_labels(labels, sampled)
            if step in ("cluster", "describe", "predict_genres", "commonalities"):
                preds = study.get("genre_predictions_")
                if step == "predict_genres":
                    plot.set_genre_predictions(preds)
                viewer.set_sources(descriptions=study.get("descriptions_"),
                                   genre_predictions=preds, labels=labels, names=names)

    link.observe(plot, link.safe("plot selection", on_plot_selection), ["selected_ids"])
    link.observe(grid, link.safe("grid click", on_grid_pick), ["selected_id"])
    link.observe(viewer, link.safe("viewer navigation", on_viewer), ["artwork_id"])
    link._undo.append(study.on_change(link.safe("study update", on_study)))
    return link


class Explorer(W.VBox):
    """Plot, grid and caption viewer of a study, linked, with re-cluster controls.

    Parameters
    ----------
    study:
        A :class:`~artopic_nb.pipeline.study.Study` that has run ``embed``, ``reduce`` and ``cluster``.
    height:
        Height of the plot and the grid in pixels.
    page_size, thumb_size:
        Tiles per grid page and their thumbnail size.
    """

    def __init__(self, study, *, height: int = 460, page_size: int = 60, thumb_size: int = 128):
        for step in ("reduce", "cluster"):
            if not study.has(step):
                raise ValueError(f"explore() needs a clustered study: run study.{step}() first")
        self.study = study
        self.errors = W.Output(layout=W.Layout(max_height="200px", overflow="auto"))
        # the image map when the collection has pictures, else dots
        self.plot = EmbeddingPlot.from_study(study, height=height,
                                             draw="images" if has_pictures(study) else "points",
                                             layout=W.Layout(flex="3 1 0", min_width="360px"))
        self.grid = ClusterGrid.from_study(study, height=height, page_size=page_size,
                                           thumb_size=thumb_size,
                                           layout=W.Layout(flex="2 1 0", min_width="260px"))
        self.viewer = CaptionViewer.from_study(study)
        self.claims = ClaimsPanel(self.plot, self.grid)
        self.header = W.HTML()
        self.status = W.HTML()
        self.last_timing: dict[str, float] = {}
        self.controls = self._build_controls()
        self.link = link_views(study, self.plot, self.grid, self.viewer, errors=self.errors)
        self.ask = AskPanel(study, self.plot, self.grid, on_error=self.link.report)
        self.link._undo.append(self.viewer.on_similar(
            self.link.safe("similar works", self.ask.show_similar)))
        self._syncing = False
        self._undo_sync = study.on_change(self.link.safe("controls update", self._sync_controls))
        self._update_status()
        self._update_header()
        self._show_claims()
        self.link._undo.append(study.on_change(self.link.safe(
            "header", lambda step: self._update_header() if step in (
                "embed", "describe", "predict_genres", "commonalities") else None)))
        on_cluster = self.link.safe("claims", lambda _change: self._show_claims())
        self.link.observe(self.grid, on_cluster, ["cluster"])
        self.link._undo.append(study.on_change(self.link.safe(
            "claims", lambda step: self._show_claims() if step in ("cluster", "commonalities") else None)))
        # the clusters panel (names, edits, undo, levels): a row below the re-cluster controls
        self.clusters_panel = ClusterPanel(study, self.plot, self.grid, on_error=self.link.report)
        self.link._undo.append(study.on_change(self.link.safe("clusters panel",
                                                              self.clusters_panel.refresh)))
        # the clusters over time (drawn when first opened); says so without a date column
        self.over_time = OverTimePanel(study)
        self.link._undo.append(study.on_change(self.link.safe("over time", self.over_time.on_study)))
        super().__init__([
            self.header,
            self.controls,
            self.clusters_panel,
            W.HBox([self.ask, self.plot, self.grid], layout=W.Layout(width="100%",
                                                                  align_items="flex-start")),
            self.claims,
            self.over_time,
            self.viewer,
            self.errors,
        ])
        self.add_class("artopic-explorer")

    # -- Python API ---------------------------------------------------------------------------
    def unlink(self) -> None:
        """Undo every link (the views stay, they stop following each other and the study)."""
        self.link.unlink()
        self._undo_sync()
        for widget, handler in self._control_handlers:
            widget.unobserve(handler, names=["value"])
        self._control_handlers = []

    def show_claim(self, claim: str, cluster: int | None = None) -> None:
        """Pick ``claim`` of ``cluster`` (default: the grid's) in the claims panel, as a click does."""
        if cluster is not None and cluster != self.grid.cluster:
            self.grid.show_cluster(cluster)
        claims = self.claims.table["claim"].tolist() if len(self.claims.table) else []
        if claim not in claims:
            raise ValueError(f"no claim {claim!r} in cluster {self.grid.cluster}; its claims: {claims[:10]}")
        self.claims.claims.index = claims.index(claim)

    def _update_header(self) -> None:
        """What the results rest on, each no-model fallback said plainly with what it means."""
        rows = self.study.provenance()
        items = [f"<b style='color:#b3261e'>{html.escape(r.result)}: no model</b> "
                 f"({html.escape(r.model)}): {html.escape(r.means)}" if r.no_model else
                 f"{html.escape(r.result)}: {html.escape(r.model)}" for r in rows.itertuples()]
        self.header.value = ("<div class='artopic-explorer-header'>Results rest on: "
                             + " · ".join(items) + "</div>") if items else ""

    def _show_claims(self) -> None:
        self.claims.show(self.study.get("commonalities_"), int(self.grid.cluster))

    def recluster(self, **params) -> None:
        """Re-cluster with the controls' values overridden by ``params`` (as the controls do)."""
        self.link.safe("re-cluster", self._recluster)(**params)

    # -- controls -----------------------------------------------------------------------------
    def _build_controls(self) -> W.Box:
        cp = dict(self.study.params_.get("cluster", {}))
        cp.update((self.study.get("cluster_fit_") or {}).get("params", {}))  # "auto": the sizes chosen
        rp = dict(self.study.params_.get("reduce", {}))
        n = len(self.study.labels_)
        style = {"description_width": "initial"}
        ms = cp.get("min_samples")
        min_cluster_size, n_clusters, _ = size_defaults(n, cp.get("method", "hdbscan"),
                                                        cp.get("min_cluster_size"),
                                                        cp.get("n_clusters"))
        self.method = W.Dropdown(options=list(METHODS), value=cp.get("method", "hdbscan"),
                                 description="algorithm", style=style,
                                 layout=W.Layout(width="190px"))
        self.min_cluster_size = W.BoundedIntText(
            value=min_cluster_size, min=2, max=max(2, n), description="min cluster size",
            style=style, layout=W.Layout(width="170px"))
        self.min_samples = W.BoundedIntText(
            value=0 if ms is None else int(ms), min=0, max=max(1, n), description="min samples (0 = auto)",
            style=style, layout=W.Layout(width="210px"))
        self.n_clusters = W.BoundedIntText(
            value=n_clusters, min=1, max=max(1, n), description="k",
            style=style, layout=W.Layout(width="110px"))
        self.n_neighbors = W.BoundedIntText(
            value=int(rp.get("n_neighbors", 15)), min=2, max=max(2, min(200, n - 1)),
            description="UMAP neighbours", style=style, layout=W.Layout(width="180px"))
        self._control_handlers = []
        for widget in (self.method, self.min_cluster_size, self.min_samples, self.n_clusters,
                       self.n_neighbors):
            handler = self.link_safe_recluster
            widget.observe(handler, names=["value"])
            self._control_handlers.append((widget, handler))
        self._enable_controls()
        # the static site of the study (study.export_site), written beside the notebook
        self.export_button = W.Button(description="Export site", icon="share-square",
                                      tooltip="write a static site of this map to site/ (opens "
                                              "without Python, from a file or any web host)")
        self.export_button.on_click(lambda _b: self.link.safe("export site", self.export_site)())
        self.export_note = W.HTML()
        return W.VBox([W.HBox([self.method, self.min_cluster_size, self.min_samples,
                               self.n_clusters, self.n_neighbors, self.export_button],
                              layout=W.Layout(flex_flow="row wrap")), self.status,
                       self.export_note])

    def export_site(self, folder="site", **kwargs):
        """Write the study's static site to ``folder`` (relative: beside the notebook) and say
        where, as the "Export site" button does; ``kwargs`` as ``study.export_site``.

        >>> explorer.export_site("site")                    # doctest: +SKIP
        """
        self.export_note.value = "<i>writing the site…</i>"
        try:
            page = self.study.export_site(folder, **kwargs)
        except Exception:
            self.export_note.value = "<span style='color:#b3261e'>the site was not written (see below)</span>"
            raise
        self.export_note.value = (f"Site written: <code>{html.escape(str(page.resolve()))}</code>: open "
                                  "it in a browser, or put its folder on any static web host")
        return page

    def link_safe_recluster(self, _change=None) -> None:
        if self._syncing:  # the controls are following the study, not the user
            return
        self._enable_controls()
        self.recluster()

    def _sync_controls(self, step: str) -> None:
        """Show the study's current parameters, also after ``study.recluster`` in code."""
        if step not in ("reduce", "cluster") or not self.study.has("cluster"):
            return
        cp, rp = self.study.params_["cluster"], self.study.params_.get("reduce", {})
        self._syncing = True
        try:
            # a method's own parameters only: the others keep their controls' values
            self.method.value = cp["method"]
            self.min_cluster_size.value = int(cp.get("min_cluster_size", self.min_cluster_size.value))
            self.min_samples.value = int(cp.get("min_samples", self.min_samples.value) or 0)
            self.n_clusters.value = int(cp.get("n_clusters", self.n_clusters.value))
            self.n_neighbors.value = int(rp.get("n_neighbors", self.n_neighbors.value))
        finally:
            self._syncing = False
        self._enable_controls()
        self._update_status()

    def _enable_controls(self) -> None:
        hdb = self.method.value == "hdbscan"
        self.min_cluster_size.disabled = not hdb
        self.min_samples.disabled = not hdb
        self.n_clusters.disabled = hdb

    def _recluster(self, **overrides) -> None:
        params = {"method": self.method.value}
        if params["method"] == "hdbscan":
            params["min_cluster_size"] = int(self.min_cluster_size.value)
            params["min_samples"] = int(self.min_samples.value) or None
        else:
            params["n_clusters"] = int(self.n_clusters.value)
        params["n_neighbors"] = int(self.n_neighbors.value)
        params.update(overrides)
        self.status.value = "<i>re-clustering…</i>"
        start = time.perf_counter()
        try:
            self.study.recluster(**params)  # on_change pushes the new labels to the views
        except Exception:
            self.status.value = "<span style='color:#b3261e'>re-clustering failed (see below)</span>"
            raise
        self.last_timing = {"kernel_ms": round((time.perf_counter() - start) * 1000, 1),
                            "cluster_ms": round(self.study.timings_.get("cluster", 0) * 1000, 1)}
        self._update_status()

    def _update_status(self) -> None:
        labels = self.study.labels_
        k = len(set(labels.tolist()) - {-1})
        noise = int((labels < 0).sum())
        timing = ""
        if self.last_timing:
            timing = (f" · re-clustered in {self.last_timing['kernel_ms']:.0f} ms"
                      f" (clustering {self.last_timing['cluster_ms']:.0f} ms)")
        self.status.value = (f"<span class='artopic-explorer-status'>{k} clusters, {noise} noise "
                             f"points, {len(labels)} works{timing}</span>")


def explore(study, **kwargs) -> Explorer:
    """The linked plot, grid and caption viewer of ``study`` (see :class:`Explorer`)."""
    return Explorer(study, **kwargs)
