"""The no-model embedder: colour, light, edges, texture and layout, measured."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from ...data.colour import srgb_to_lab
from ...text.encoder import l2_normalise
from ..preprocess import Batches, stack_rows
from ..preprocess import resolve_ids as _resolve_ids

if TYPE_CHECKING:
    from ...data.collection import ImageCollection

__all__ = ["ColorTextureEmbedder"]


class ColorTextureEmbedder:
    """A no-model embedder: colour, light, edges, texture and layout, in 147 numbers.

    Needs no download and runs anywhere; it groups works by how they *look* (palette,
    brightness, contrast, brushwork density, composition), not by what they show, so
    clusters are coarser than with CLIP. Features, each block scaled to unit length and
    weighted, then the whole vector L2-normalised:

    - a joint a*b* histogram (8x8) and an L* histogram (8 bins) in CIELAB, square-rooted;
    - lightness and chroma statistics (mean, std, 10th/50th/90th percentiles);
    - edge statistics: gradient-magnitude mean/std, an 8-bin orientation histogram and
      a 6-bin magnitude histogram (texture density);
    - coarse layout: mean L*a*b* on a 4x4 grid, and the log aspect ratio.

    Parameters
    ----------
    n_threads:
        Threads that decode and measure images (default: cores + 1, at most 8).
    batch_size:
        Images per batch of :meth:`iter_embed`.

    Example
    -------
    >>> ColorTextureEmbedder().embed(col, progress=False).shape   # doctest: +SKIP
    (24, 147)
    """

    model_id = "color-texture-v1"
    size = 128
    dim = 147

    def __init__(self, n_threads: int | None = None, batch_size: int = 32):
        self.n_threads = n_threads or min(8, (os.cpu_count() or 1) + 1)
        self.batch_size = batch_size

    def __repr__(self) -> str:
        return "ColorTextureEmbedder()"


    def features(self, image: Image.Image) -> np.ndarray:
        """The unnormalised feature vector of one RGB image."""
        aspect = np.log(image.width / max(image.height, 1))
        small = image.convert("RGB").resize((self.size, self.size), Image.Resampling.BILINEAR)
        lab = srgb_to_lab(np.asarray(small))
        L, a, b = lab[..., 0], lab[..., 1], lab[..., 2]
        chroma = np.hypot(a, b)

        ab_hist, _, _ = np.histogram2d(a.ravel(), b.ravel(), bins=8, range=[[-64, 64], [-64, 64]])
        l_hist, _ = np.histogram(L, bins=8, range=(0, 100))
        colour = np.sqrt(np.concatenate([ab_hist.ravel(), l_hist]) / L.size)

        stats = np.array([
            L.mean(), L.std(), *np.percentile(L, [10, 50, 90]),
            chroma.mean(), chroma.std(), *np.percentile(chroma, [10, 50, 90]),
        ]) / 100.0

        gy, gx = np.gradient(L)
        mag = np.hypot(gx, gy)
        angle = np.mod(np.arctan2(gy, gx), np.pi)
        orient, _ = np.histogram(angle, bins=8, range=(0, np.pi), weights=mag)
        orient = orient / max(orient.sum(), 1e-9)
        mag_hist, _ = np.histogram(mag, bins=[0, 1, 2, 4, 8, 16, np.inf])
        edges = np.concatenate([[mag.mean() / 10, mag.std() / 10], orient, mag_hist / mag.size])

        grid = lab.reshape(4, self.size // 4, 4, self.size // 4, 3).mean(axis=(1, 3))
        layout = np.concatenate([(grid / np.array([100.0, 64.0, 64.0])).ravel(), [aspect]])

        blocks = [(colour, 1.0), (stats, 0.6), (edges, 0.6), (layout, 0.8)]
        return np.concatenate([w * v / max(np.linalg.norm(v), 1e-9) for v, w in blocks])

    def iter_embed(self, collection: ImageCollection, ids: Sequence[int] | None = None,
                   batch_size: int | None = None) -> Batches:
        """Yield (batch ids, L2-normalised rows) batch by batch."""
        ids = _resolve_ids(collection, ids)
        size = batch_size or self.batch_size

        def one(i: int) -> np.ndarray:
            return self.features(collection.image(int(i), max_size=2 * self.size))

        with ThreadPoolExecutor(self.n_threads) as pool:
            for start in range(0, len(ids), size):
                batch = ids[start:start + size]
                yield batch, l2_normalise(np.stack(list(pool.map(one, batch))))

    def embed(self, collection: ImageCollection, ids: Sequence[int] | None = None,
              progress: bool = True) -> np.ndarray:
        """The rows of ``ids`` (all images: None), float32, L2-normalised."""
        ids = _resolve_ids(collection, ids)
        return stack_rows(self.iter_embed(collection, ids), len(ids), "colour/texture",
                          progress, dim=self.dim)
