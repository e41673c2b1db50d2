"""The image map's side of EmbeddingPlot (``draw="images"``): the pictures' aspects and
order, the atlas pages the view asks for, cluster names at the centroids. A mixin of
:class:`~artopic_nb.widgets.plot.EmbeddingPlot`, whose traits it reads and sets; see that
module's docstring.
"""

from __future__ import annotations

import numpy as np

from ..data.atlas import (
    atlas_page,
    cluster_name_map,
    picture_aspects,
    picture_boxes,
    reduced_page,
    works_per_page,
)
from ..data.picture_order import cluster_centroids, picture_ranks

#: Up to this many works, every work has a square in the atlas; beyond, the first
#: ATLAS_LARGE in picture order do (the others' pictures come on demand, close in).
ATLAS_ALL = 16384
ATLAS_LARGE = 8192


class PictureMap:
    """Methods of the image map; EmbeddingPlot holds the traits and the state they use."""

    def set_cluster_names(self, names) -> None:
        """Names shown at the clusters' centroids (``{cluster: name}``, a Series, a list ...);
        None or a missing name shows the cluster's number."""
        names = cluster_name_map(names)
        if names == self._names:
            return
        with self.hold_sync():
            self._names = names
            self._update_labels()
            if self.color_by == "cluster":
                self._recolor()

    def atlas_page(self, page: int, level: str = "full") -> bytes:
        """Atlas page ``page`` of the image map as JPEG bytes (what the view is sent):
        ``level="full"`` in ``atlas_cell`` squares, ``"mini"`` in ``mini_cell`` squares (the far
        view: many more works a page)."""
        if level not in ("full", "mini"):
            raise ValueError(f"level must be 'full' or 'mini', not {level!r}")
        cell, size = ((self.atlas_cell, self.atlas_page_size) if level == "full"
                      else (self.mini_cell, self.mini_page_size))
        ids = self._atlas_ids()
        per = works_per_page(cell, size)
        if not 0 <= page < max(1, -(-len(ids) // per)):
            raise IndexError(f"the atlas has {-(-len(ids) // per)} {level} pages, not page {page}")
        chunk = ids[page * per:(page + 1) * per]
        meta = self._metadata
        hashes = None
        if meta is not None and "hash" in meta.columns:
            hashes = [str(h) for h in meta["hash"].reindex(chunk).tolist()]
        if level == "mini":  # reduced from the full pages (decoding 10^4 thumbnails again costs)
            return reduced_page(lambda k: self.atlas_page(k, "full"), len(ids), page, hashes,
                                self._cache, cell=self.atlas_cell, page_size=self.atlas_page_size,
                                mini_cell=cell, mini_size=size, memory=self._pages)
        boxes = picture_boxes(np.frombuffer(self.aspects, np.float32)[chunk], cell)
        return atlas_page(self._thumbnails, chunk, boxes, hashes, self._cache,
                          cell=cell, page_size=size, memory=self._pages)

    def handle_request(self, content: dict) -> tuple[dict | None, list[bytes]]:
        if isinstance(content, dict) and content.get("type") == "atlas":
            page = int(content.get("page", 0))
            level = str(content.get("level", "full"))
            reply = {"type": "atlas", "req": content.get("req"), "page": page, "level": level,
                     "version": self.atlas_version}
            try:
                return reply, [self.atlas_page(page, level)]
            except Exception as exc:  # the view draws dots for that page and says why
                reply["error"] = f"{type(exc).__name__}: {exc}"
                return reply, [b""]
        return super().handle_request(content)

    def _prepare_pictures(self) -> None:
        n = len(self._coords)
        meta = self._metadata
        if meta is not None and {"width", "height"} <= set(meta.columns):
            aspects = picture_aspects(meta["width"].reindex(range(n)).fillna(0).to_numpy(),
                                      meta["height"].reindex(range(n)).fillna(0).to_numpy())
        else:
            aspects = np.ones(n, np.float32)
        self.aspects = aspects.tobytes()
        self._update_ranks()
        self._atlas = None
        self.atlas_ids = self._atlas_ids().astype(np.int32).tobytes()
        self.atlas_version += 1

    def _atlas_ids(self) -> np.ndarray:
        if self._atlas is None:
            n = len(self._coords)
            if n <= ATLAS_ALL:
                self._atlas = np.arange(n, dtype=np.int32)
            else:  # the most representative works; the others' pictures come on demand
                ranks = np.frombuffer(self.ranks, np.int32)
                self._atlas = np.argsort(ranks, kind="stable")[:ATLAS_LARGE].astype(np.int32)
        return self._atlas

    def _update_ranks(self) -> None:
        if self.draw == "images" or self._atlas is not None:
            self.ranks = picture_ranks(self._coords, self._labels).astype(np.int32).tobytes()

    def _update_labels(self) -> None:
        if self._labels is None or not len(self._labels):
            self.cluster_labels = []
            return
        self.cluster_labels = [{"code": c, "text": self._names.get(c) or str(c), "x": x, "y": y}
                               for c, (x, y) in cluster_centroids(self._coords, self._labels).items()]
