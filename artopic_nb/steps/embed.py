"""Image embeddings: CLIP / SigLIP through ``transformers``, or a no-model colour/texture embedder.

An *embedder* follows the :class:`Embedder` protocol: a ``model_id`` (a stable string used in
cache keys, which changes with the weights and the precision they run in), ``embed(collection,
ids=None, progress=True)`` returning float32 L2-normalised rows, and ``iter_embed(collection,
ids=None, batch_size=None)`` yielding them batch by batch. :func:`embed_collection` adds the
cache: rows already computed for an image's content hash and the same embedder are read back,
and only the missing ones are computed, batch by batch, each row written as its batch finishes
(an interrupted run loses at most one batch). Your own embedder needs only ``model_id`` and
``embed``: :func:`as_embedder` streams it in chunks.

Example
-------
>>> emb = load_embedder("auto")                      # doctest: +SKIP
>>> X = embed_collection(emb, col, cache=Cache(".artopic"))   # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, runtime_checkable

import numpy as np
from PIL import Image

from .._progress import tqdm
from ..data.cache import Cache, make_key
from ..data.collection import DECODE_VERSION, ImageCollection
from ..data.colour import srgb_to_lab
from ..models.backends.clip import DEFAULT_EMBEDDER, TransformersEmbedder
from ..models.hub import ModelUnavailableError
from ..models.preprocess import Batches, FastPreprocessor, fast_preprocessor, stack_rows
from ..models.preprocess import resolve_ids as _resolve_ids
from ..text.encoder import l2_normalise

__all__ = ["DEFAULT_EMBEDDER", "Embedder", "EmbedInChunks", "ColorTextureEmbedder",
           "TransformersEmbedder", "FastPreprocessor", "as_embedder", "embed_collection",
           "fast_preprocessor", "load_embedder", "ModelUnavailableError"]


@runtime_checkable
class Embedder(Protocol):
    """What :func:`embed_collection` needs from an image embedder.

    ``model_id``
        A stable string naming everything the rows depend on: the weights (a fingerprint for
        a local folder) and the precision they run in. Part of every cached row's key.
    ``embed(collection, ids=None, progress=True)``
        An (n, d) float32 array of L2-normalised rows, one per id in order (all ids: None).
    ``iter_embed(collection, ids=None, batch_size=None)``
        The same rows streamed: ``(batch ids, rows)`` pairs in order, each batch at most
        ``batch_size`` ids (None: the embedder's own batch size).

    An object with only ``model_id`` and ``embed`` is turned into one by :func:`as_embedder`.

    Example
    -------
    >>> isinstance(ColorTextureEmbedder(), Embedder)
    True
    """

    model_id: str

    def embed(self, collection: ImageCollection, ids: Sequence[int] | None = None,
              progress: bool = True) -> np.ndarray:
        ...

    def iter_embed(self, collection: ImageCollection, ids: Sequence[int] | None = None,
                   batch_size: int | None = None) -> Batches:
        ...


@runtime_checkable
class _EmbedOnly(Protocol):
    """A user's embedder that :func:`as_embedder` can stream: ``model_id`` and ``embed``."""

    model_id: str

    def embed(self, collection: ImageCollection, ids: Sequence[int] | None = None,
              progress: bool = True) -> np.ndarray:
        ...


class EmbedInChunks:
    """An :class:`Embedder` made of an object that has only ``model_id`` and ``embed``.

    :meth:`iter_embed` calls the object's ``embed(collection, ids, progress=False)`` on
    ``chunk_size`` ids at a time (a list of ints), so :func:`embed_collection` can cache each
    chunk as it finishes. Built by :func:`as_embedder`.
    """

    def __init__(self, embedder: Any, chunk_size: int = 256):
        self.embedder = embedder
        self.chunk_size = chunk_size

    def __repr__(self) -> str:
        return f"EmbedInChunks({self.embedder!r}, chunk_size={self.chunk_size})"

    @property
    def model_id(self) -> str:
        return str(self.embedder.model_id)

    def embed(self, collection: ImageCollection, ids: Sequence[int] | None = None,
              progress: bool = True) -> np.ndarray:
        return self.embedder.embed(collection, ids, progress=progress)

    def iter_embed(self, collection: ImageCollection, ids: Sequence[int] | None = None,
                   batch_size: int | None = None) -> Batches:
        ids = _resolve_ids(collection, ids)
        size = batch_size or self.chunk_size
        for start in range(0, len(ids), size):
            batch = ids[start:start + size]
            rows = self.embedder.embed(collection, [int(i) for i in batch], progress=False)
            yield batch, np.asarray(rows, dtype=np.float32)


def as_embedder(embedder: Any, chunk_size: int = 256) -> Embedder:
    """``embedder`` itself when it follows :class:`Embedder`; an object with only ``model_id``
    and ``embed`` wrapped in :class:`EmbedInChunks` (``chunk_size`` ids per call); anything
    else a ``TypeError``.

    Example
    -------
    >>> class Mean:                                    # your own embedder
    ...     model_id = "mean-colour-v1"
    ...     def embed(self, collection, ids=None, progress=True):
    ...         ...
    >>> as_embedder(Mean(), chunk_size=64).model_id
    'mean-colour-v1'
    """
    if isinstance(embedder, Embedder):
        return embedder
    if isinstance(embedder, _EmbedOnly):
        return EmbedInChunks(embedder, chunk_size)
    raise TypeError(f"an embedder needs a model_id and embed(collection, ids, progress), "
                    f"as artopic_nb.steps.embed.Embedder says; {type(embedder).__name__} has not")


# ---------------------------------------------------------------------------------------------
# No-model embedder
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# choosing an embedder, and the cache
# ---------------------------------------------------------------------------------------------

_NO_MODEL_NAMES = ("color", "colour", "color-texture", "no-model", "none")


def load_embedder(model: str | os.PathLike | Any = "auto", **kwargs: Any) -> Embedder:
    """An embedder from a name.

    ``"auto"``: CLIP ViT-B/32 when it can be loaded (local cache or hub), otherwise one
    printed notice and the no-model :class:`ColorTextureEmbedder`. ``"color"``: the no-model
    embedder. Any other string: a ``transformers`` hub id or local folder, loaded now
    (``kwargs`` go to :class:`TransformersEmbedder`); when it cannot be loaded,
    :class:`ModelUnavailableError` says how to get it. An object is passed through
    :func:`as_embedder`: an :class:`Embedder` comes back as is, one with only ``model_id``
    and ``embed`` wrapped in :class:`EmbedInChunks`.

    Example
    -------
    >>> load_embedder("color")
    ColorTextureEmbedder()
    >>> load_embedder("models/my_clip", dtype="bfloat16", device="cuda")   # doctest: +SKIP
    """
    if not isinstance(model, (str, os.PathLike)):
        return as_embedder(model)
    name = str(model)
    if name.lower() in _NO_MODEL_NAMES:
        return ColorTextureEmbedder()
    if name == "auto":
        try:
            return TransformersEmbedder(DEFAULT_EMBEDDER, **kwargs).load()
        except ModelUnavailableError as exc:
            print(f"artopic_nb: CLIP could not be loaded ({exc.args[0].split('. ')[0]}); "
                  "using the no-model colour/texture embedder instead. Clusters will follow "
                  "palette, light and texture rather than subject matter.")
            return ColorTextureEmbedder()
    return TransformersEmbedder(name, **kwargs).load()


def embed_collection(embedder: Embedder | Any, collection: ImageCollection,
                     cache: Cache | None = None, ids: Sequence[int] | None = None,
                     chunk_size: int = 256, progress: bool = True) -> np.ndarray:
    """Embeddings of ``collection`` (rows in id order), computing only what the cache lacks.

    Each row is cached under (image content hash, ``embedder.model_id``, the decoding
    version), so duplicates are computed once and a rerun after an interruption resumes
    where it stopped. The missing rows come from ``embedder.iter_embed`` in the embedder's
    own batches; an embedder with only ``embed`` is called on ``chunk_size`` images at a
    time (:func:`as_embedder`).

    Example
    -------
    >>> X = embed_collection(ColorTextureEmbedder(), col, Cache(".artopic"))   # doctest: +SKIP
    """
    embedder = as_embedder(embedder, chunk_size)
    cache = cache if cache is not None else Cache(None)
    ids = _resolve_ids(collection, ids)
    hashes = collection.hashes
    model_id = embedder.model_id
    keys = {h: make_key(h, model_id, DECODE_VERSION) for h in {hashes[i] for i in ids}}
    rows: dict[str, np.ndarray] = {}
    for h, key in keys.items():
        row = cache.get_array("embeddings", key)
        if row is not None:
            rows[h] = row
    first_id: dict[str, int] = {}
    for i in ids:
        first_id.setdefault(hashes[i], int(i))
    todo = [first_id[h] for h in keys if h not in rows]
    if todo:
        with tqdm(total=len(todo), desc=f"Embedding ({model_id})", unit="img",
                  disable=not progress) as bar:
            for batch, vectors in embedder.iter_embed(collection, todo):
                for i, vec in zip(batch, vectors, strict=True):
                    rows[hashes[i]] = vec
                    cache.put_array("embeddings", keys[hashes[i]], vec)
                bar.update(len(batch))
    if not len(ids):
        return np.zeros((0, 0), np.float32)
    return np.stack([rows[hashes[i]] for i in ids]).astype(np.float32)
