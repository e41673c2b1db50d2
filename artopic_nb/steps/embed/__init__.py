"""The embed step: every image as a vector, each row cached by the image's content; and, when
asked, each work's words from its record (:mod:`.texts`), fused with the image.

:func:`embed_collection` reads the rows already computed for an image's content hash and the
same embedder (:func:`embedding_key`, which :mod:`artopic_nb.scale` writes too) and computes
only the missing ones, batch by batch, each row written as its batch finishes (an
interrupted run loses at most one batch). The embedders are models
(:mod:`artopic_nb.models.embedders`).

With ``text`` (``study.embed(text="auto")``, ``text=["title", "tags"]``), each work's text
from those metadata columns is encoded by a text encoder (:mod:`.texts`) and fused with its
image row (``weights``); ``image=False`` embeds the words alone. ``embed_parts_`` says which
columns of ``embeddings_`` are which part, with which model, and how many works had no text.

Example
-------
>>> from artopic_nb.models.embedders import load_embedder
>>> emb = load_embedder("auto")                                 # doctest: +SKIP
>>> X = embed_collection(emb, col, cache=Cache(".artopic"))     # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..._progress import tqdm
from ...data.cache import Cache, digest, make_key
from ...data.collection import DECODE_VERSION, ImageCollection
from ...data.record_text import MAX_TEXT_CHARS, text_columns
from ...models.embedders import Embedder, as_embedder
from ...models.preprocess import resolve_ids as _resolve_ids
from ..base import Inputs, Step
from .texts import embed_texts, fuse, work_texts

__all__ = ["DEFAULT_WEIGHTS", "STEP", "check_weights", "embed_collection", "embedding_key",
           "embed_note", "embed_request", "image_part", "parts_note"]


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


#: How ``study.embed`` weighs the parts when ``weights`` names none: equally.
DEFAULT_WEIGHTS = {"image": 1.0, "text": 1.0}


def check_weights(weights: dict | None) -> dict[str, float]:
    """``weights`` with the default for each part it does not name, checked: keys ``image``
    and ``text``, each a positive number.

    >>> check_weights({"text": 2})
    {'image': 1.0, 'text': 2.0}
    """
    weights = {} if weights is None else weights
    if not isinstance(weights, dict) or set(weights) - set(DEFAULT_WEIGHTS):
        raise ValueError(f"weights must be a dict with keys 'image' and/or 'text', not {weights!r}")
    out = {**DEFAULT_WEIGHTS, **weights}
    for part, w in out.items():
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not w > 0 or w == float("inf"):
            raise ValueError(f"weights[{part!r}] must be a positive number, not {w!r} (to leave "
                             "the images out: image=False; the words: text=None)")
    return {k: float(v) for k, v in out.items()}


def _text_part(inputs: Inputs, text: Any, image: bool) -> tuple[np.ndarray | None, np.ndarray, dict]:
    """The text rows (None when no work has text), which works have text, and what
    ``embed_parts_`` says of them."""
    words = work_texts(inputs.collection.metadata, text)
    has = words.has_text
    info = {"model": None, "columns": words.columns, "chosen_by": words.chosen_by,
            "left_out": words.left_out, "dims": None, "works_with_text": int(has.sum()),
            "works_without_text": int((~has).sum()), "cut": int(words.cut), "too_long": 0,
            "max_tokens": None}
    if not has.any():
        if not image:
            raise ValueError(f"no work has text to embed with image=False (text={text!r} found "
                             f"{', '.join(words.columns) or 'no text column'})")
        return None, has, info
    encoder = inputs.given["text_encoder"]
    rows, too_long = embed_texts(encoder, words.texts, inputs.cache, inputs.progress)
    info.update(model=encoder.model_id, too_long=int(too_long),
                max_tokens=getattr(encoder, "max_tokens", None))
    return rows, has, info


def _compute(inputs: Inputs, *, embedder: str | None, batch_size: int, text: Any = None,
             image: bool = True, weights: dict | None = None, text_encoder: str | None = None
             ) -> dict:
    weights = check_weights(weights)
    model = inputs.given.get("embedder")
    X = embed_collection(model, inputs.collection, inputs.cache, progress=inputs.progress) \
        if image else None
    parts: dict[str, Any] = {"image": None, "text": None}
    if X is not None:
        parts["image"] = {"model": model.model_id, "dims": [0, int(X.shape[1])],
                          "weight": weights["image"] if text is not None else 1.0}
    fused = X
    if text is not None:
        T, has, parts["text"] = _text_part(inputs, text, image)
        if T is not None:
            fused = fuse(X, T, has, weights)
            start = 0 if X is None else int(X.shape[1])
            parts["text"].update(dims=[start, int(fused.shape[1])],
                                 weight=weights["text"] if X is not None else 1.0)
    return {"embeddings_": fused, "embedder_id_": None if X is None else model.model_id,
            "embed_parts_": parts}


def _identity(inputs: Inputs, *, embedder: str | None, batch_size: int, text: Any = None,
              image: bool = True, weights: dict | None = None, text_encoder: str | None = None
              ) -> dict:
    """The image embedder's identity and the images' content; with text, the encoder's
    identity and the texts' content (the record, not only the column names, may change)."""
    found: dict[str, Any] = {}
    if image:
        found.update(embedder=inputs.given["embedder"].model_id,
                     images=digest(inputs.collection.hashes))
    if text is not None:
        words = work_texts(inputs.collection.metadata, text)
        found.update(text_encoder=getattr(inputs.given["text_encoder"], "model_id", None),
                     columns=words.columns, texts=digest(words.texts))
    return found


def image_part(embeddings: np.ndarray, parts: dict | None) -> np.ndarray | None:
    """The image rows inside ``embeddings`` (unit rows), as ``embed_parts_`` places them;
    None when the study embedded words only.

    >>> X = np.array([[0.6, 0.0, 0.8]], dtype=np.float32)
    >>> image_part(X, {"image": {"dims": [0, 2]}, "text": {"dims": [2, 3]}}).tolist()
    [[1.0, 0.0]]
    """
    image = (parts or {}).get("image", {"dims": [0, embeddings.shape[1]]})
    if image is None:
        return None
    a, b = image["dims"]
    if (a, b) == (0, embeddings.shape[1]):
        return embeddings
    rows = embeddings[:, a:b]
    return (rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)).astype(np.float32)


# version 2: the results name their parts (embed_parts_), and text joins the images
STEP = Step("embed", reads=(),
            results={"embeddings_": "npy", "embedder_id_": "json", "embed_parts_": "json"},
            params=("embedder", "batch_size", "text", "image", "weights", "text_encoder"),
            compute=_compute, identity=_identity, version=2)


def parts_note(parts: dict | None) -> str:
    """What ``embed_parts_`` says, in one line for ``notes_["embed"]`` ("" for images alone):
    which columns and why, the encoder, the weights, works without text, texts cut.

    >>> parts_note({"image": {"model": "color-texture-v1", "weight": 1.0}, "text": {
    ...     "model": "minilm", "columns": ["title"], "chosen_by": "auto", "left_out": {"url": "URLs"},
    ...     "works_with_text": 9, "works_without_text": 1, "cut": 0, "too_long": 0, "weight": 1.0}})
    'words from title (text="auto"; left out: url (URLs)) by minilm, fused with the images (weights: image 1, text 1); 1 work without text keeps its image part alone'
    """
    text = (parts or {}).get("text")
    if not text:
        return ""
    image = parts.get("image")
    if not text["works_with_text"]:
        found = ", ".join(text["columns"]) or 'any text column (text="auto" found none)'
        return f"no work has text in {found}: the embedding is the images' alone"
    why = ""
    if text["chosen_by"] == "auto":
        by_reason: dict[str, list[str]] = {}
        for column, reason in text["left_out"].items():
            by_reason.setdefault(reason, []).append(column)
        why = ' (text="auto"' + ("; left out: " + "; ".join(
            f"{', '.join(cs)} ({reason})" for reason, cs in by_reason.items())
            if by_reason else "") + ")"
    line = f"words from {', '.join(text['columns'])}{why} by {text['model']}"
    if image:
        line += (f", fused with the images (weights: image {image['weight']:g}, text "
                 f"{text['weight']:g})")
    else:
        line += ", without the images (image=False)"
    missing = text["works_without_text"]
    if missing:
        line += (f"; {missing} work{'s' if missing > 1 else ''} without text "
                 + ("keep their" if missing > 1 else "keeps its")
                 + (" image part alone" if image else " place among the others (no image)"))
    if text.get("too_long"):
        limit = f" ({text['max_tokens']} tokens)" if text.get("max_tokens") else ""
        line += (f"; {text['too_long']} text{'s' if text['too_long'] > 1 else ''} longer than the "
                 f"encoder reads{limit}: their beginning alone counts")
    if text.get("cut"):
        line += f"; {text['cut']} cut to {MAX_TEXT_CHARS:,} characters"
    return line


def embed_request(collection: ImageCollection, embedder: Any = "auto", batch_size: int = 32,
                  device: str = "auto", *, text: Any = None, image: bool = True,
                  weights: dict | None = None, text_encoder: Any = "auto") -> tuple[dict, dict]:
    """``study.embed``'s arguments as the step's parameters and what it is given (the loaded
    image embedder and text encoder), checked before anything runs: a column that is not
    there, bad weights, nothing to embed, an embedder named with ``image=False``.

    Images alone keep the parameters of 0.2 (``embedder``, ``batch_size``); with ``text``
    (``True`` reads as ``"auto"``) they add ``text``, ``image``, ``weights`` and
    ``text_encoder``.
    """
    from ...models.embedders import load_embedder
    from ...models.text_encoders import load_text_encoder

    text = "auto" if text is True else None if text is False else text
    if text is None and not image:
        raise ValueError("nothing to embed: image=False needs text ('auto', a column or columns)")
    columns = None
    if text is not None:
        columns = text_columns(collection.metadata, text).columns  # a bad column: an error now
        weights = check_weights(weights)
    params: dict[str, Any] = {"embedder": None, "batch_size": batch_size}
    given: dict[str, Any] = {}
    if image:
        named = isinstance(embedder, (str, os.PathLike))
        kwargs = {"batch_size": batch_size, "device": device} \
            if named and str(embedder) not in ("color", "colour") else {}
        given["embedder"] = load_embedder(embedder, **kwargs)
        params["embedder"] = str(embedder) if named else repr(embedder)
    elif not (isinstance(embedder, str) and embedder == "auto"):
        raise ValueError(f"embedder={embedder!r} is not used with image=False (the words alone); "
                         "leave it out, or embed the images too")
    if text is not None:  # no column of words: no encoder to load
        given["text_encoder"] = load_text_encoder(text_encoder) if columns else None
        params.update(text=text if isinstance(text, str) else list(text), image=bool(image),
                      weights=weights, text_encoder=str(text_encoder) if isinstance(
                          text_encoder, (str, os.PathLike)) else repr(text_encoder))
    return params, given


def embed_note(collection: ImageCollection, parts: dict | None) -> str:
    """``notes_["embed"]``: what the text part rests on (:func:`parts_note`); for images
    embedded by colour and texture alone, the columns of words ``text="auto"`` would add
    ("" when there are none, or a model saw the images)."""
    from ...models.backends.color import ColorTextureEmbedder

    note = parts_note(parts)
    image = (parts or {}).get("image") or {}
    if note or (parts or {}).get("text") or image.get("model") != ColorTextureEmbedder.model_id:
        return note
    columns = work_texts(collection.metadata.head(2000), "auto").columns
    return (f"the images were embedded by colour and texture alone; the records have words "
            f"({', '.join(columns)}): study.embed(text=\"auto\") adds them") if columns else ""
