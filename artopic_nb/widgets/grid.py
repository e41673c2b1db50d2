"""ClusterGrid: the artworks of one cluster (or of the plot's selection) as an image grid.

A picker lists the clusters with their sizes; works picked by ``study.sample`` are marked;
thumbnails load lazily as tiles scroll into view (binary messages, each sent once); a click
sets :attr:`ClusterGrid.selected_id`. :meth:`ClusterGrid.show_evidence` marks a claim's
supporting works (green) and contradicting ones (red) and puts them first.

Example
-------
>>> grid = ClusterGrid.from_study(study)     # doctest: +SKIP
>>> grid.show_cluster(2); grid.selected_id   # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import traitlets as t

from ..data.metadata import rights_text
from ._base import (
    STATIC,
    ArtopicWidget,
    ThumbnailSource,
    artwork_title,
    as_int_list,
    esm,
    study_thumbnails,
)

__all__ = ["ClusterGrid"]


class ClusterGrid(ArtopicWidget):
    """Image grid per cluster; see the module docstring.

    Parameters
    ----------
    labels:
        ``(n,)`` cluster labels (``-1`` noise).
    metadata:
        DataFrame indexed by id (titles are shown under the tiles).
    sampled_ids:
        Ids to mark as sampled (``study.samples_["id"]``).
    thumbnails:
        ``f(id, size) -> JPEG bytes``.
    **traits:
        Any public trait (``page_size``, ``thumb_size``, ``cluster`` ...); others are an error.
    """

    _esm = esm("grid")
    _css = STATIC / "grid.css"

    clusters = t.List(t.Dict()).tag(sync=True)     # [{"id", "size", "label"}], noise last
    source = t.Unicode("cluster").tag(sync=True)   # "cluster" or "selection"
    cluster = t.Int(0).tag(sync=True)              # the cluster shown when source == "cluster"
    selection_size = t.Int(0).tag(sync=True)
    selection_label = t.Unicode("plot selection").tag(sync=True)  # what the selection is
    tiles = t.List(t.Dict()).tag(sync=True)        # [{"id", "title", "sampled", "evidence"}] of this page
    total = t.Int(0).tag(sync=True)                # works in the current cluster / selection
    page = t.Int(0).tag(sync=True)
    page_size = t.Int(60).tag(sync=True)
    thumb_size = t.Int(128).tag(sync=True)
    selected_id = t.Int(-1).tag(sync=True)         # set by a click on a tile
    tiles_version = t.Int(0).tag(sync=True)
    rendered_tiles = t.Int(-1).tag(sync=True)      # set by the front end: tiles drawn
    height = t.Int(480).tag(sync=True)
    # a claim's evidence (set from Python); a tile's "evidence" is 1, -1 or 0
    supporting_ids = t.List(t.Int()).tag(sync=True)
    contradicting_ids = t.List(t.Int()).tag(sync=True)

    def __init__(self, labels, *, metadata: pd.DataFrame | None = None, sampled_ids=None,
                 thumbnails: ThumbnailSource | None = None, **traits):
        # set before the traits: observers of page_size etc. may run during __init__
        self._labels = np.asarray(labels, dtype=np.int64).ravel()
        self._sampled = set(as_int_list(sampled_ids))
        self._selection: list[int] = []
        self._names: dict[int, str] = {}
        super().__init__(thumbnails=thumbnails, metadata=metadata, **traits)
        with self.hold_sync():
            self._update_clusters()
            self._update_tiles()

    @classmethod
    def from_study(cls, study, **traits) -> ClusterGrid:
        samples = study.get("samples_")
        grid = cls(study.labels_, metadata=study.collection.metadata,
                   sampled_ids=None if samples is None else samples["id"],
                   thumbnails=study_thumbnails(study), **traits)
        grid.set_cluster_names(study.get("cluster_names_"))
        return grid

    # -- Python API ---------------------------------------------------------------------------
    @property
    def labels(self) -> np.ndarray:
        return self._labels.copy()

    @property
    def ids(self) -> list[int]:
        """Every id of the current cluster or selection (not only this page)."""
        ids = list(self._selection) if self.source == "selection" else \
            [int(i) for i in np.flatnonzero(self._labels == self.cluster)]
        if self.supporting_ids or self.contradicting_ids:  # a claim's evidence first
            rank = {**{i: 1 for i in self.contradicting_ids}, **{i: 0 for i in self.supporting_ids}}
            ids.sort(key=lambda i: rank.get(i, 2))
        return ids

    def set_labels(self, labels, sampled_ids=None) -> None:
        """New cluster labels (a re-clustering); keeps showing the selection if it was."""
        labels = np.asarray(labels, dtype=np.int64).ravel()
        if len(labels) != len(self._labels):
            raise ValueError(f"{len(labels)} labels for {len(self._labels)} works")
        with self.hold_sync():
            self._labels = labels
            self._sampled = set(as_int_list(sampled_ids))
            self._update_clusters()
            if self.cluster not in {c["id"] for c in self.clusters}:
                self.cluster = self.clusters[0]["id"] if self.clusters else 0
            self._update_tiles()

    def set_cluster_names(self, names) -> None:
        """Cluster names (``{cluster: name}``; None: none) shown in the picker."""
        self._names = {int(k): str(v) for k, v in dict(names or {}).items() if v}
        self._update_clusters()

    def set_sampled(self, sampled_ids) -> None:
        with self.hold_sync():
            self._sampled = set(as_int_list(sampled_ids))
            self._update_tiles()

    def show_selection(self, ids, label: str = "plot selection") -> None:
        """Show these works, in this order (the plot's selection, search results, similar
        works ...; ``label`` says which); an empty list goes back to the cluster."""
        ids = as_int_list(ids)
        with self.hold_sync():
            self.selection_label = label
            self._selection = [i for i in ids if 0 <= i < len(self._labels)]
            self.selection_size = len(self._selection)
            self.page = 0
            if self._selection:
                if self.source == "selection":
                    self._update_tiles()
                self.source = "selection"
            elif self.source == "selection":
                self.source = "cluster"
            else:
                self._update_tiles()

    def show_evidence(self, supporting=(), contradicting=(), cluster: int | None = None) -> None:
        """Mark a claim's supporting works (tile ``evidence`` 1) and contradicting ones (-1),
        shown first, in ``cluster`` when given; empty lists clear the marks."""
        with self.hold_sync():
            self.supporting_ids = as_int_list(supporting)
            self.contradicting_ids = as_int_list(contradicting)
            if cluster is not None and (self.source != "cluster" or self.cluster != int(cluster)):
                self.show_cluster(cluster)  # the observers redraw the tiles
            else:
                self.page = 0
                self._update_tiles()

    def show_cluster(self, cluster: int) -> None:
        with self.hold_sync():
            self.cluster = int(cluster)
            self.source = "cluster"

    # -- internals ----------------------------------------------------------------------------
    def _n_items(self) -> int:
        return len(self._labels)

    def _update_clusters(self) -> None:
        values, counts = np.unique(self._labels, return_counts=True)
        names = getattr(self, "_names", {})
        entries = [{"id": int(v), "size": int(c),
                    "label": f"{v} · {names[v]}" if v in names else f"cluster {v}"}
                   for v, c in zip(values, counts, strict=True) if v >= 0]
        entries += [{"id": -1, "size": int(c), "label": "noise"}
                    for v, c in zip(values, counts, strict=True) if v < 0]
        self.clusters = entries

    @t.observe("source", "cluster", "page", "page_size")
    def _on_view_change(self, change) -> None:
        if change["name"] in ("source", "cluster", "page_size"):
            if change["name"] != "page" and self.page != 0:
                self.page = 0  # observer runs again and redraws
                return
        self._update_tiles()

    def _update_tiles(self) -> None:
        ids = self.ids
        size = max(1, self.page_size)
        pages = max(1, -(-len(ids) // size))
        page = min(max(0, self.page), pages - 1)
        shown = ids[page * size:(page + 1) * size]
        meta = self._metadata
        support, against = set(self.supporting_ids), set(self.contradicting_ids)
        tiles = []
        for i in shown:
            tiles.append({"id": i, "title": artwork_title(meta, i), "sampled": i in self._sampled,
                          "evidence": 1 if i in support else -1 if i in against else 0,
                          "rights": rights_text(meta, i)})
        with self.hold_sync():
            self.total = len(ids)
            self.tiles = tiles
            self.tiles_version += 1
