"""The words of the embed step: each work's text from its record, encoded and cached, and the
fusion of the text part with the image part.

:func:`embed_texts` encodes each distinct text once with a text encoder (kind
``text_encoder`` of :mod:`artopic_nb.models`), each row cached under the text's content and
the encoder's identity (:func:`text_embedding_key`), so a rerun, or the same text in another
collection, is read from the cache. :func:`fuse` puts the parts side by side: each row of
each part L2-normalised and multiplied by its weight, the parts concatenated, the row
normalised again; a work with no text keeps its image part alone (its text part is zero).

Example
-------
>>> import numpy as np
>>> image = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
>>> text = np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float32)
>>> fuse(image, text, np.array([True, False]), {"image": 1.0, "text": 1.0}).astype(float).round(3).tolist()
[[0.707, 0.0, 0.424, 0.566], [0.0, 1.0, 0.0, 0.0]]
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..._progress import tqdm
from ...data.cache import Cache, make_key
from ...data.record_text import MAX_TEXT_CHARS, cut_texts, record_texts, text_columns

__all__ = ["TEXT_VERSION", "WorkTexts", "embed_texts", "fuse", "text_embedding_key", "work_texts"]

#: Bumped when the way a text becomes a row changes (part of every text row's key).
TEXT_VERSION = 1
#: Texts encoded per call (and cached per call: an interruption loses at most one batch).
TEXT_BATCH = 256


def text_embedding_key(text: str, encoder_id: str) -> str:
    """The cache key of one text's row: the text's content and the encoder's full identity.

    >>> text_embedding_key("a ship", "minilm@1") == text_embedding_key("a ship", "minilm@1")
    True
    """
    return make_key("text", hashlib.sha256(text.encode("utf-8")).hexdigest(), encoder_id,
                    TEXT_VERSION)


class WorkTexts:
    """Each work's text (``texts``, ``""`` where it has none) from ``columns``, chosen by
    ``chosen_by`` (``"auto"`` or ``"given"``), with why ``"auto"`` left other columns out
    (``left_out``) and how many texts were cut to :data:`MAX_TEXT_CHARS` (``cut``)."""

    def __init__(self, metadata, text: str | Sequence[str]):
        found = text_columns(metadata, text)
        self.columns, self.chosen_by, self.left_out = found.columns, found.chosen_by, found.left_out
        self.texts, self.cut = cut_texts(record_texts(metadata, self.columns), MAX_TEXT_CHARS)

    @property
    def has_text(self) -> np.ndarray:
        return np.array([bool(t) for t in self.texts], dtype=bool)


def work_texts(metadata, text: str | Sequence[str]) -> WorkTexts:
    """:class:`WorkTexts` of ``metadata`` for ``text`` (``"auto"``, a column or columns)."""
    return WorkTexts(metadata, text)


def embed_texts(encoder: Any, texts: Sequence[str], cache: Cache | None = None,
                progress: bool = True) -> tuple[np.ndarray, int]:
    """``(rows, too_long)``: one unit row per text (zeros for ``""``), each distinct text
    encoded once and cached (:func:`text_embedding_key`), and how many texts are longer than
    the encoder reads (``encoder.too_long``, when it can say; their beginning alone counts).
    """
    cache = cache if cache is not None else Cache(None)
    encoder_id = str(encoder.model_id)
    distinct = list(dict.fromkeys(t for t in texts if t))
    keys = {t: text_embedding_key(t, encoder_id) for t in distinct}
    rows: dict[str, np.ndarray] = {}
    for t in distinct:
        row = cache.get_array("text_embeddings", keys[t])
        if row is not None:
            rows[t] = row
    todo = [t for t in distinct if t not in rows]
    too_long_fn = getattr(encoder, "too_long", None)
    long_texts = set()
    if callable(too_long_fn) and distinct:
        long_texts = {t for t, long in zip(distinct, np.asarray(too_long_fn(distinct)), strict=True)
                      if long}
    with tqdm(total=len(todo), desc=f"Embedding texts ({encoder_id})", unit="text",
              disable=not progress or not todo) as bar:
        for start in range(0, len(todo), TEXT_BATCH):
            batch = todo[start:start + TEXT_BATCH]
            vectors = np.asarray(encoder.encode(batch), dtype=np.float32)
            if vectors.shape[0] != len(batch):
                raise ValueError(f"text encoder {encoder_id} gave {vectors.shape[0]} rows for "
                                 f"{len(batch)} texts")
            for t, vec in zip(batch, vectors, strict=True):
                rows[t] = vec
                cache.put_array("text_embeddings", keys[t], vec)
            bar.update(len(batch))
    dim = next((len(r) for r in rows.values()), 0)
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, t in enumerate(texts):
        if t:
            out[i] = rows[t]
    return _unit(out), sum(1 for t in texts if t in long_texts)


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.where(norms > 0, x / np.maximum(norms, 1e-12), 0.0).astype(np.float32)


def fuse(image: np.ndarray | None, text: np.ndarray | None, has_text: np.ndarray,
         weights: dict[str, float]) -> np.ndarray:
    """The rows the study clusters: each part's rows L2-normalised and multiplied by its
    weight, concatenated (image first), each row normalised. With ``text`` alone, a work with
    no text gets the mean direction of the others' (it sits among them, not at a point of
    its own); with ``image`` alone, the image rows as they are."""
    if text is None:
        return np.asarray(image, dtype=np.float32)
    text = _unit(np.asarray(text, dtype=np.float32))
    if image is None:
        if not has_text.all():
            centre = _unit(text[has_text].mean(axis=0, keepdims=True))
            text = np.where(has_text[:, None], text, centre)
        return text
    parts = [float(weights["image"]) * _unit(np.asarray(image, dtype=np.float32)),
             float(weights["text"]) * np.where(has_text[:, None], text, 0.0)]
    return _unit(np.hstack(parts))
