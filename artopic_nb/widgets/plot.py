"""EmbeddingPlot: the 2-D map of a study, as dots (fluid at 100,000 points) or as pictures.

Coordinates and colour codes travel as binary buffers (float32 ``(n, 2)``, int32 ``(n,)``);
the front end rasterises them into an ``ImageData`` (no per-point canvas calls), so panning
100,000 points costs a few milliseconds a frame. Colour by cluster, known genre, a describing
model's predicted genre, or any metadata column; legend entries toggle visibility; box and
lasso selections land in :attr:`EmbeddingPlot.selected_ids`; Python sets
:attr:`EmbeddingPlot.highlighted_ids`, :attr:`EmbeddingPlot.color_by` and a claim's evidence
(:meth:`EmbeddingPlot.show_evidence`: supporting works ringed green, contradicting ones red).

``draw="images"`` (the image map) draws each work as its thumbnail at its position, with a
frame in its colour, in WebGL 2 (instanced quads; a slower 2-D canvas where WebGL 2 is missing,
which the toolbar says). The thumbnails travel as sprite atlases: JPEG pages of 32-px squares
that the view asks for one message at a time, built from the cached thumbnails and cached by
content (:mod:`artopic_nb.data.atlas`). Level of detail: far out, dots with representative
pictures (cluster medoids first, then one per region, :func:`~artopic_nb.data.picture_order.picture_ranks`);
closer, every work's picture; close in, sharper thumbnails fetched for the works on screen.
Cluster names (or numbers) sit at the clusters' centroids.

Example
-------
>>> plot = EmbeddingPlot.from_study(study)          # doctest: +SKIP
>>> plot                                            # doctest: +SKIP
>>> plot.selected_ids                               # after a box selection  # doctest: +SKIP
>>> plot.color_by = "genre"; plot.highlighted_ids = [3, 14]   # doctest: +SKIP
>>> EmbeddingPlot.from_study(study, draw="images")  # the image map  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import traitlets as t

from ..data.atlas import (
    ATLAS_CELL,
    ATLAS_PAGE,
    MINI_CELL,
    MINI_PAGE,
    cluster_name_map,
    page_memory,
)
from ..data.cache import Cache
from ..data.colour import NOISE_COLOR, palette
from ._base import (
    INTERNAL_COLUMNS,
    STATIC,
    ArtopicWidget,
    ThumbnailSource,
    artwork_info,
    as_int_list,
    esm,
    study_thumbnails,
)
from ._color_codes import MAX_CATEGORIES, NUMERIC_BINS, color_codes
from ._layouts import Layouts
from ._pictures import PictureMap

__all__ = ["MAX_CATEGORIES", "NUMERIC_BINS", "EmbeddingPlot", "color_codes", "has_pictures"]

PREDICTED_PREFIX = "predicted: "
DRAW_MODES = ("points", "images")
#: Size of the sharper thumbnails the view asks for when it zooms in (pixels).
DETAIL_SIZE = 128


def has_pictures(study) -> bool:
    """Whether ``study``'s collection has pictures to draw (a non-empty image collection)."""
    col = getattr(study, "collection", None)
    meta = getattr(col, "metadata", None)
    return meta is not None and len(meta) > 0 and "path" in meta.columns \
        and hasattr(col, "thumbnail_bytes")


class EmbeddingPlot(Layouts, PictureMap, ArtopicWidget):
    """Scatter of the 2-D map; see the module docstring.

    Parameters
    ----------
    coords:
        ``(n, 2)`` coordinates (``study.coords_``).
    labels:
        ``(n,)`` cluster labels, ``-1`` is noise (optional).
    metadata:
        DataFrame indexed by id (``collection.metadata``): hover text and colour columns.
    genre_predictions:
        DataFrame(id, model, predicted, known) (``study.genre_predictions_``), optional.
    thumbnails:
        ``f(id, size) -> JPEG bytes`` for the hover card and the pictures (needed for
        ``draw="images"``).
    cache:
        Where atlas pages are cached by content (a study's cache); None keeps them in memory.
    cluster_names:
        ``{cluster: name}`` (or a Series, a list, a DataFrame(cluster, name)) shown at the
        clusters' centroids; numbers where a cluster has none.
    dates:
        ``(date_start, date_end)`` years of the works for ``layout="date"``; by default read
        from ``metadata`` (:mod:`artopic_nb.widgets._layouts`).
    **traits:
        Any public trait (``draw``, ``color_by``, ``height``, ``point_size`` ...); others are an
        error.
    """

    _esm = esm("plot")
    _css = STATIC / "plot.css"

    # data (binary) ---------------------------------------------------------------------------
    coords = t.Bytes(b"").tag(sync=True)          # float32 (n, 2), row-major
    codes = t.Bytes(b"").tag(sync=True)           # int32 (n,), -1 = noise / missing
    n_points = t.Int(0).tag(sync=True)
    data_version = t.Int(0).tag(sync=True)        # bumped whenever coords or codes change
    # colouring ---------------------------------------------------------------------------------
    color_by = t.Unicode("cluster").tag(sync=True)
    color_options = t.List(t.Unicode()).tag(sync=True)
    categories = t.List(t.Unicode()).tag(sync=True)
    colors = t.List(t.Unicode()).tag(sync=True)
    counts = t.List(t.Int()).tag(sync=True)
    noise_label = t.Unicode("noise").tag(sync=True)
    noise_count = t.Int(0).tag(sync=True)
    noise_color = t.Unicode(NOISE_COLOR).tag(sync=True)
    hidden_categories = t.List(t.Int()).tag(sync=True)   # codes hidden by the legend (-1 too)
    # selection ---------------------------------------------------------------------------------
    selected_ids = t.List(t.Int()).tag(sync=True)        # set by box / lasso in the view
    highlighted_ids = t.List(t.Int()).tag(sync=True)     # set from Python: drawn with a ring
    # the ask panel's filter: uint8 (n,), 1 = passes (empty: none); the rest is dimmed
    filter_mask = t.Bytes(b"").tag(sync=True)
    # a claim's evidence (set from Python): supporting works ringed green, contradicting red
    supporting_ids = t.List(t.Int()).tag(sync=True)
    contradicting_ids = t.List(t.Int()).tag(sync=True)
    # look --------------------------------------------------------------------------------------
    height = t.Int(480).tag(sync=True)
    point_size = t.Float(0.0).tag(sync=True)             # radius in px; 0 picks one from n
    thumb_size = t.Int(128).tag(sync=True)
    draw = t.Unicode("points").tag(sync=True)            # "points" or "images"
    show_labels = t.Bool(True).tag(sync=True)            # cluster names at their centroids
    cluster_labels = t.List(t.Dict()).tag(sync=True)     # [{code, text, x, y}]
    # the image map (draw="images") ---------------------------------------------------------
    aspects = t.Bytes(b"").tag(sync=True)         # float32 (n,) width / height of each work
    ranks = t.Bytes(b"").tag(sync=True)           # int32 (n,) picture order (0 first)
    atlas_ids = t.Bytes(b"").tag(sync=True)       # int32 (m,) works in the atlas, page by page
    atlas_cell = t.Int(ATLAS_CELL).tag(sync=True)
    atlas_page_size = t.Int(ATLAS_PAGE).tag(sync=True)
    mini_cell = t.Int(MINI_CELL).tag(sync=True)          # the far view's pages
    mini_page_size = t.Int(MINI_PAGE).tag(sync=True)
    atlas_version = t.Int(0).tag(sync=True)
    detail_size = t.Int(DETAIL_SIZE).tag(sync=True)
    # test hooks in the view (a codes checksum on the canvas after each new version)
    debug = t.Bool(False).tag(sync=True)
    # set by the front end once it has drawn a data_version --------------------------------------
    rendered_points = t.Int(0).tag(sync=True)
    rendered_version = t.Int(-1).tag(sync=True)
    #: what drew the map: "canvas" (dots), "webgl2" or "canvas-fallback" (pictures)
    renderer = t.Unicode("").tag(sync=True)

    def __init__(self, coords, labels=None, *, metadata: pd.DataFrame | None = None,
                 genre_predictions: pd.DataFrame | None = None,
                 thumbnails: ThumbnailSource | None = None, cache: Cache | None = None,
                 cluster_names=None, dates=None, **traits):
        color_by = traits.pop("color_by", None)
        draw = traits.pop("draw", "points")
        layout = traits.pop("layout") if isinstance(traits.get("layout"), str) else "map"
        layout = traits.pop("map_layout", layout)
        self._coords = np.zeros((0, 2), np.float32)
        self._labels: np.ndarray | None = None
        self._predictions = genre_predictions
        self._cache = cache
        self._pages = page_memory()  # this map's encoded atlas pages, read once
        self._names = cluster_name_map(cluster_names)
        self._atlas: np.ndarray | None = None
        super().__init__(thumbnails=thumbnails, metadata=metadata, **traits)
        with self.hold_sync():
            self._set_coords(coords)
            if labels is not None:
                self._labels = self._check_labels(labels)
            self._init_layouts(dates)
            self.map_layout = layout  # the observer places the works
            self.draw = draw  # the observer prepares the pictures
            self._update_labels()
            self._refresh_options()
            if color_by is None:
                color_by = self.color_options[0] if self.color_options else ""
            if color_by == self.color_by:
                self._recolor()
            else:
                self.color_by = color_by  # the observer recolours

    @classmethod
    def from_study(cls, study, draw: str = "points", layout: str = "map",
                   **traits) -> EmbeddingPlot:
        """A plot of ``study.coords_`` coloured by ``study.labels_`` (when clustered);
        ``draw="images"`` draws each work as its picture (the image map), ``"points"`` as a dot;
        ``layout="date"`` places the works by year and cluster (needs a date column; the
        trait ``map_layout``, since ``layout`` is every ipywidget's CSS layout).
        Cluster names come from ``study.cluster_names_`` when the study has them."""
        return cls(study.coords_, study.get("labels_"),
                   metadata=study.collection.metadata,
                   genre_predictions=study.get("genre_predictions_"),
                   thumbnails=study_thumbnails(study), cache=study.cache,
                   cluster_names=study.get("cluster_names_"), draw=draw, layout=layout,
                   **traits)

    # -- Python API ---------------------------------------------------------------------------
    @property
    def labels(self) -> np.ndarray | None:
        """The cluster labels the plot shows (a copy)."""
        return None if self._labels is None else self._labels.copy()

    @property
    def coordinates(self) -> np.ndarray:
        """The positions drawn (the current layout's)."""
        return self._coords.copy()

    def set_labels(self, labels) -> None:
        """New cluster labels (a re-clustering): only the codes travel, the view is kept."""
        labels = None if labels is None else self._check_labels(labels)
        with self.hold_sync():
            self._labels = labels
            self._relayout()  # the date layout's rows are the clusters
            self._refresh_options()
            if self.color_by == "cluster":
                self.hidden_categories = []
            self._update_labels()
            self._update_ranks()
            self._recolor()

    def set_coords(self, coords) -> None:
        """New 2-D coordinates (a new reduction)."""
        with self.hold_sync():
            self._set_coords(coords)
            self._update_labels()
            self._update_ranks()
            self.data_version += 1

    def set_genre_predictions(self, predictions: pd.DataFrame | None) -> None:
        with self.hold_sync():
            self._predictions = predictions
            self._refresh_options()
            if self.color_by.startswith(PREDICTED_PREFIX) or self.color_by not in self.color_options:
                self._recolor()

    def show_evidence(self, supporting=(), contradicting=()) -> None:
        """Ring the works that support a claim (green) and those that contradict it (red);
        empty lists clear them."""
        with self.hold_sync():
            self.supporting_ids = as_int_list(supporting)
            self.contradicting_ids = as_int_list(contradicting)

    def select(self, ids) -> None:
        """Set the selection from Python (as a box selection would)."""
        self.selected_ids = sorted(set(as_int_list(ids)))

    def set_filter(self, mask) -> None:
        """Dim the works outside ``mask`` (a boolean array by id, as ``study.where(...,
        as_mask=True)`` gives; None: no filter). One byte a point travels, so a filter of
        10^6 points is one 1 MB message."""
        if mask is None:
            self.filter_mask = b""
            return
        mask = np.asarray(mask, dtype=bool).ravel()
        if len(mask) != len(self._coords):
            raise ValueError(f"a filter of {len(mask)} works for {len(self._coords)} points")
        self.filter_mask = mask.astype(np.uint8).tobytes()

    @property
    def filtered(self) -> np.ndarray | None:
        """The filter set by :meth:`set_filter` (a boolean array), or None."""
        return np.frombuffer(self.filter_mask, np.uint8).astype(bool) if self.filter_mask else None

    # -- internals ----------------------------------------------------------------------------
    @t.validate("draw")
    def _valid_draw(self, proposal):
        value = proposal["value"]
        if value not in DRAW_MODES:
            raise t.TraitError(f"draw must be one of {DRAW_MODES}, not {value!r}")
        if value == "images" and self._thumbnails is None:
            raise t.TraitError("draw='images' needs the works' thumbnails: build the plot with "
                               "EmbeddingPlot.from_study(study, draw='images') or pass "
                               "thumbnails=f(id, size) -> JPEG bytes")
        return value

    @t.observe("draw")
    def _on_draw(self, _change) -> None:
        if self.draw == "images":
            with self.hold_sync():
                self._prepare_pictures()

    def _n_items(self) -> int:
        return len(self._coords)

    def _info(self, i: int) -> dict[str, str]:
        info = artwork_info(self._metadata, i)
        codes = np.frombuffer(self.codes, dtype=np.int32)
        if i < len(codes):
            c = int(codes[i])
            info["group"] = self.noise_label if c < 0 or c >= len(self.categories) \
                else self.categories[c]
        return info

    def _check_labels(self, labels) -> np.ndarray:
        labels = np.asarray(labels).astype(np.int64).ravel()
        if len(labels) != len(self._coords):
            raise ValueError(f"{len(labels)} labels for {len(self._coords)} points")
        return labels

    def _set_coords(self, coords) -> None:
        coords = np.ascontiguousarray(np.asarray(coords, dtype=np.float32))
        if coords.ndim != 2 or coords.shape[1] != 2:
            raise ValueError(f"coords must have shape (n, 2), not {coords.shape}")
        if self._labels is not None and len(coords) != len(self._labels):
            raise ValueError(f"{len(coords)} points for {len(self._labels)} labels")
        self._map_coords = coords
        if self.map_layout == "map":
            self._show_coords(coords)

    def _show_coords(self, coords: np.ndarray) -> None:
        self._coords = coords
        self.coords = coords.tobytes()
        self.n_points = len(coords)

    def _refresh_options(self) -> None:
        options = []
        if self._labels is not None:
            options.append("cluster")
        meta = self._metadata
        if meta is not None and "genre" in meta.columns:
            options.append("genre")
        preds = self._predictions
        if preds is not None and len(preds) and {"id", "model", "predicted"} <= set(preds.columns):
            options += [PREDICTED_PREFIX + str(m) for m in pd.unique(preds["model"])]
        if meta is not None:
            options += [str(c) for c in meta.columns
                        if c not in INTERNAL_COLUMNS and c != "genre"]
        self.color_options = options

    @t.validate("color_by")
    def _valid_color_by(self, proposal):
        value = proposal["value"]
        if self.color_options and value not in self.color_options:
            raise t.TraitError(f"color_by must be one of {self.color_options}, not {value!r}")
        return value

    @t.observe("color_by")
    def _on_color_by(self, _change) -> None:
        with self.hold_sync():
            self.hidden_categories = []
            self._recolor()

    def _recolor(self) -> None:
        n = len(self._coords)
        by = self.color_by
        if by == "cluster" and self._labels is not None:
            codes, cats, noise = color_codes(self._labels, "cluster")
            cats = [f"{c}: {self._names[c]}" if c in self._names else name
                    for c, name in enumerate(cats)]
        elif by.startswith(PREDICTED_PREFIX) and self._predictions is not None:
            model = by[len(PREDICTED_PREFIX):]
            preds = self._predictions[self._predictions["model"].astype(str) == model]
            values = pd.Series([None] * n, dtype=object)
            ids = preds["id"].to_numpy(dtype=np.int64)
            ok = (ids >= 0) & (ids < n)
            values.iloc[ids[ok]] = preds["predicted"].to_numpy()[ok]
            codes, cats, noise = color_codes(values, missing_label="not predicted")
        elif self._metadata is not None and by in self._metadata.columns:
            codes, cats, noise = color_codes(self._metadata[by].reindex(range(n)))
        else:
            codes, cats, noise = np.full(n, -1, np.int32), [], "points"
        counts = np.bincount(codes[codes >= 0], minlength=len(cats)) if len(cats) else []
        self.categories = cats
        self.colors = palette(len(cats))
        self.counts = [int(c) for c in counts]
        self.noise_label = noise
        self.noise_count = int((codes < 0).sum())
        self.codes = np.ascontiguousarray(codes, dtype=np.int32).tobytes()
        self.data_version += 1
