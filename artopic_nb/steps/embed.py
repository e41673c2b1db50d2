"""The embed step: every image as a vector, each row cached by the image's content.

:func:`embed_collection` reads the rows already computed for an image's content hash and the
same embedder (:func:`embedding_key`, which :mod:`artopic_nb.scale` writes too) and computes
only the missing ones, batch by batch, each row written as its batch finishes (an
interrupted run loses at most one batch). The embedders are models
(:mod:`artopic_nb.models.embedders`).

Example
-------
>>> from artopic_nb.models.embedders import load_embedder
>>> emb = load_embedder("auto")                                 # doctest: +SKIP
>>> X = embed_collection(emb, col, cache=Cache(".artopic"))     # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._progress import tqdm
from ..data.cache import Cache, digest, make_key
from ..data.collection import DECODE_VERSION, ImageCollection
from ..models.embedders import Embedder, as_embedder
from ..models.preprocess import resolve_ids as _resolve_ids
from .base import Inputs, Step

__all__ = ["STEP", "embed_collection", "embedding_key"]


def embedding_key(image_hash: str, model_id: str) -> str:
    """The cache key of one image's embedding row: its content, the embedder's full identity
    and the decoding version (the same whether computed here or on Ray).

    >>> embedding_key("ab" * 32, "color-texture-v1") == embedding_key("ab" * 32, "color-texture-v1")
    True
    """
    return make_key(image_hash, model_id, DECODE_VERSION)


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
    keys = {h: embedding_key(h, model_id) for h in {hashes[i] for i in ids}}
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


def _compute(inputs: Inputs, *, embedder: str, batch_size: int) -> dict:
    model = inputs.given["embedder"]
    return {"embeddings_": embed_collection(model, inputs.collection, inputs.cache,
                                            progress=inputs.progress),
            "embedder_id_": model.model_id}


def _identity(inputs: Inputs, *, embedder: str, batch_size: int) -> dict:
    return {"embedder": inputs.given["embedder"].model_id,
            "images": digest(inputs.collection.hashes)}


STEP = Step("embed", reads=(), results={"embeddings_": "npy", "embedder_id_": "json"},
            params=("embedder", "batch_size"), compute=_compute, identity=_identity)
