"""Image embedders: the protocol, a user's own embedder streamed in chunks, and choosing one.

An *embedder* follows the :class:`Embedder` protocol: a ``model_id`` (a stable string used in
cache keys, which changes with the weights and the precision they run in), ``embed(collection,
ids=None, progress=True)`` returning float32 L2-normalised rows, and ``iter_embed(collection,
ids=None, batch_size=None)`` yielding them batch by batch. Your own embedder needs only
``model_id`` and ``embed``: :func:`as_embedder` streams it in chunks. The embedders themselves
are backends: CLIP / SigLIP (:mod:`~artopic_nb.models.backends.clip`) and the no-model
colour/texture embedder (:mod:`~artopic_nb.models.backends.color`), registered here as kind
``embedder`` (``"clip"``, ``"color"``, ``"auto"``); :func:`load_embedder` is that kind's loader.

Example
-------
>>> load_embedder("color")
ColorTextureEmbedder()
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from .backends.clip import DEFAULT_EMBEDDER, TransformersEmbedder
from .backends.color import ColorTextureEmbedder
from .hub import ModelUnavailableError
from .kinds import build, register
from .preprocess import Batches
from .preprocess import resolve_ids as _resolve_ids

if TYPE_CHECKING:
    from ..data.collection import ImageCollection

__all__ = ["Embedder", "EmbedInChunks", "as_embedder", "load_embedder"]


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
                    f"as artopic_nb.models.embedders.Embedder says; {type(embedder).__name__} has not")


_NO_MODEL_NAMES = ("color", "colour", "color-texture", "no-model", "none")


@register("embedder", "color", aliases=_NO_MODEL_NAMES[1:],
          what="no model: colour (Lab histograms) and texture features of the pixels")
def _color(**_ignored: Any) -> ColorTextureEmbedder:
    return ColorTextureEmbedder()  # takes no model options (0.2.0 ignored them too)


@register("embedder", "clip", aliases=("hf", "siglip"), packages=("torch", "transformers"),
          model="a CLIP or SigLIP hub id or folder", default=DEFAULT_EMBEDDER, test_model="clip",
          what="a CLIP / SigLIP image tower through transformers")
def _clip(model: str | os.PathLike = DEFAULT_EMBEDDER, **options: Any) -> TransformersEmbedder:
    return TransformersEmbedder(model, **options).load()


@register("embedder", "auto",
          what=f"{DEFAULT_EMBEDDER} when it loads here, else (said out loud) the colour embedder")
def _auto(**options: Any) -> Embedder:
    try:
        return TransformersEmbedder(DEFAULT_EMBEDDER, **options).load()
    except ModelUnavailableError as exc:
        print(f"artopic_nb: CLIP could not be loaded ({exc.args[0].split('. ')[0]}); "
              "using the no-model colour/texture embedder instead. Clusters will follow "
              "palette, light and texture rather than subject matter.")
        return ColorTextureEmbedder()


def load_embedder(model: str | os.PathLike | Any = "auto", **kwargs: Any) -> Embedder:
    """An embedder from a name registered as kind ``embedder``, or from a model.

    ``"auto"``: CLIP ViT-B/32 when it can be loaded (local cache or hub), otherwise one
    printed notice and the no-model :class:`ColorTextureEmbedder`. ``"color"``: the no-model
    embedder. ``"clip:<model>"`` (or any other string): a ``transformers`` hub id or local
    folder, loaded now (``kwargs`` go to :class:`TransformersEmbedder`); when it cannot be
    loaded, :class:`ModelUnavailableError` says how to get it. A name of your own:
    ``artopic_nb.models.register("embedder", name)``. An object is passed through
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
    found = build("embedder", str(model), **kwargs)
    return found if found is not None else _clip(str(model), **kwargs)
