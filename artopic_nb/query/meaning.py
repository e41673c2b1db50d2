"""Search by meaning: texts by the sentence encoder, images by a CLIP or SigLIP text tower, a
query image's embedding for similar works, and rankings combined into one.

- :class:`TextMeaningIndex` embeds every caption and description with the sentence encoder
  the genre step uses (all-MiniLM-L6-v2, offline; :mod:`artopic_nb.text.encoder`), keeps the
  rows in the cache, and ranks works by their best text's cosine to the query.
- :func:`image_text_search` embeds the query with the image embedder's text tower
  (``embed_texts``: CLIP and SigLIP have one) and ranks the images' rows by it. The no-model
  colour-and-texture embedder has none, and says so.
- :func:`query_image_embedding` embeds a work's image from a file, a URL, bytes or a PIL image
  with the study's embedder (any embedder: the image goes through ``embed`` as a one-image
  collection), and gives its content hash, so that the same image in the collection can be
  left out of its own neighbours.
- :func:`combine_rankings` merges rankings of different scales (BM25, cosines) by reciprocal
  rank fusion.

Meaning search does not fill its list regardless: a result must be closer to the query than
chance, the best score any of :data:`NONSENSE_QUERIES` reaches on the same texts or images
(:func:`chance_floor`, measured once per index). A query of nonsense finds nothing.

Example
-------
>>> import pandas as pd
>>> a = pd.DataFrame({"id": [1, 2], "score": [9.0, 3.0], "matched": ["title", "title"],
...                   "snippet": ["", ""], "over": "words"})
>>> b = pd.DataFrame({"id": [2, 5], "score": [0.8, 0.7], "matched": ["caption", "caption"],
...                   "snippet": ["", ""], "over": "texts"})
>>> combine_rankings([a, b], top_k=3)["id"].tolist()
[2, 1, 5]
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from PIL import Image

from ..data.cache import Cache, make_key
from ..text.encoder import encode_texts, encoder_id, load_sentence_encoder
from .vectors import VectorIndex
from .words import RESULT_COLUMNS

__all__ = ["NONSENSE_QUERIES", "TextMeaningIndex", "chance_floor", "combine_rankings",
           "image_text_search", "query_image_embedding", "text_tower"]

_SNIPPET_CHARS = 160
#: Reciprocal rank fusion's constant (Cormack et al. 2009): a rank r counts 1 / (60 + r).
RRF_K = 60


#: Queries that mean nothing (keyboard runs, random letters, words of text adventures): the
#: calibration of :func:`chance_floor`.
NONSENSE_QUERIES = ("xyzzy", "qwertyuiop", "zxcvbnm", "asdfghjkl", "plugh frotz", "vkq jzx wqp",
                    "oqbwe ytzl", "fnord", "bzzt grrk", "hjkl hjkl", "lkjh", "zzyzx qq")


def chance_floor(rows: np.ndarray, queries: np.ndarray) -> float:
    """The best cosine any nonsense query (``queries``: their unit rows) reaches among
    ``rows`` (unit rows): a score no higher than this says nothing about the query.

    >>> rows = np.eye(3, dtype=np.float32)
    >>> chance_floor(rows, np.array([[0.6, 0.8, 0.0]], np.float32))
    0.8
    """
    rows, queries = np.asarray(rows, np.float32), np.asarray(queries, np.float32)
    best = -1.0
    for start in range(0, len(rows), 65536):  # bounded memory at 10^6 rows
        best = max(best, float((rows[start:start + 65536] @ queries.T).max(initial=-1.0)))
    return round(best, 6)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({"id": pd.Series(dtype="int64"), "score": pd.Series(dtype="float64"),
                         "matched": pd.Series(dtype=str), "snippet": pd.Series(dtype=str),
                         "over": pd.Series(dtype=str)})


def _clip(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _SNIPPET_CHARS else text[:_SNIPPET_CHARS - 1].rstrip() + "…"


class TextMeaningIndex:
    """Works ranked by how close in meaning their texts are to a query.

    Parameters
    ----------
    texts:
        Rows ``(id, field, text)`` (captions and descriptions; see
        :func:`~artopic_nb.query.words.work_texts`).
    encoder:
        A sentence encoder or its name (:func:`~artopic_nb.text.encoder.load_sentence_encoder`;
        ``None``: all-MiniLM-L6-v2, offline).
    cache:
        Where the texts' rows are kept (keyed by the encoder's weights and the texts).

    Example
    -------
    >>> index = TextMeaningIndex(work_texts(None, study.descriptions_))   # doctest: +SKIP
    >>> index.search("boats on a stormy sea", top_k=5)                    # doctest: +SKIP
    """

    def __init__(self, texts: pd.DataFrame, encoder: Any = None, cache: Cache | None = None,
                 progress: bool = False):
        if texts.empty:
            raise ValueError("no texts to search by meaning: describe the works first "
                             "(study.describe(...))")
        self.texts = texts.reset_index(drop=True)
        self.encoder = load_sentence_encoder(encoder)
        cache = cache or Cache(None)
        name = encoder_id(encoder)
        key = None
        if cache.enabled and name is not None:
            h = hashlib.sha256("\x00".join(self.texts["text"].astype(str)).encode("utf-8"))
            key = make_key("text-meaning", name, h.hexdigest())
        rows = cache.get_array("text-meaning", key) if key else None
        if rows is None or len(rows) != len(self.texts):
            rows = encode_texts(self.encoder, self.texts["text"].astype(str).tolist())
            if key:
                cache.put_array("text-meaning", key, rows)
        self.rows = rows
        self.index = VectorIndex(rows, cache=cache)
        self._per_work = int(self.texts.groupby("id").size().max())
        self._floor: float | None = None

    @property
    def floor(self) -> float:
        """The score of chance on these texts (:func:`chance_floor`); results are above it."""
        if self._floor is None:
            self._floor = chance_floor(self.rows, encode_texts(self.encoder, list(NONSENSE_QUERIES)))
        return self._floor

    def __repr__(self) -> str:
        return f"TextMeaningIndex({len(self.texts):,} texts of {self.texts['id'].nunique():,} works)"

    def search(self, query: str, top_k: int = 10) -> pd.DataFrame:
        """The ``top_k`` works whose best text is closest in meaning to ``query``, above
        chance (:attr:`floor`): a frame ``(id, score, matched, snippet, over)`` (score: that
        text's cosine), best first; empty when nothing is closer than chance."""
        if not isinstance(query, str) or not query.strip():
            raise ValueError("query must be a non-empty string")
        q = encode_texts(self.encoder, [query])[0]
        want = min(len(self.texts), top_k * self._per_work)
        rows, scores = self.index.search(q, want)
        seen: dict[int, tuple[float, int]] = {}
        floor = self.floor
        for r, s in zip(rows.tolist(), scores.tolist(), strict=True):
            if r < 0 or s <= floor:
                continue
            work = int(self.texts.at[r, "id"])
            if work not in seen:
                seen[work] = (s, r)
            if len(seen) == top_k:
                break
        if not seen:
            return _empty()
        return pd.DataFrame([{"id": w, "score": s, "matched": self.texts.at[r, "field"],
                              "snippet": _clip(self.texts.at[r, "text"]), "over": "texts"}
                             for w, (s, r) in seen.items()], columns=RESULT_COLUMNS)


def text_tower(embedder: Any) -> Any:
    """``embedder`` when it can embed texts beside its images (``embed_texts``: CLIP,
    SigLIP); else a ValueError that says it cannot search images by text, and what can."""
    if callable(getattr(embedder, "embed_texts", None)):
        return embedder
    name = getattr(embedder, "model_id", None) or type(embedder).__name__
    what = "the no-model colour-and-texture embedder measures colour, light and texture; it " \
        if str(name).startswith("color") else f"the embedder {name!r} "
    raise ValueError(f"{what}has no text tower, so it cannot search images by text. Embed the "
                     "images with CLIP or SigLIP (study.embed(\"openai/clip-vit-base-patch32\")), "
                     "or search the captions and descriptions instead (over=\"words\" or \"texts\")")


def image_text_search(embedder: Any, index: VectorIndex, query: str, top_k: int = 10,
                      exclude: Sequence[int] | None = None, above_chance: bool = True
                      ) -> pd.DataFrame:
    """Works whose image rows (``index``, made by ``embedder``) are closest to ``query``
    embedded by the embedder's text tower, above chance (:func:`chance_floor` of the
    nonsense queries on the same images; ``above_chance=False``: the plain ranking): a frame
    ``(id, score, matched, snippet, over)``.

    Example
    -------
    >>> image_text_search(clip, VectorIndex(study.embeddings_), "a ship at sea")  # doctest: +SKIP
    """
    if not isinstance(query, str) or not query.strip():
        raise ValueError("query must be a non-empty string")
    q = text_tower(embedder).embed_texts([query])
    if q.shape[1] != index.embeddings.shape[1]:
        raise ValueError(f"the text tower gives {q.shape[1]} numbers but the images have "
                         f"{index.embeddings.shape[1]}: embed the images with the same model")
    ids, scores = index.search(q[0], top_k, exclude)
    keep = ids >= 0
    if above_chance:
        keep &= scores > chance_floor(index.embeddings,
                                      text_tower(embedder).embed_texts(list(NONSENSE_QUERIES)))
    return pd.DataFrame({"id": ids[keep], "score": scores[keep].astype("float64"),
                         "matched": "image", "snippet": "", "over": "images"},
                        columns=RESULT_COLUMNS)


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def query_image_embedding(embedder: Any, image: Any, *, cache_dir: str | os.PathLike | None = None
                          ) -> tuple[np.ndarray, str]:
    """The embedding ``(d,)`` of one image by ``embedder``, and the SHA-256 of its bytes.

    ``image``: a file path, an ``http(s)`` URL (fetched through
    :class:`~artopic_nb.sources.download.Downloader`, kept in its cache; ``cache_dir``), the
    image file's bytes, or a PIL image (its hash is that of a PNG of its pixels).

    Example
    -------
    >>> row, sha = query_image_embedding(emb, "altarpiece.jpg")   # doctest: +SKIP
    """
    from ..data.collection import ImageCollection

    with tempfile.TemporaryDirectory(prefix="artopic_query_") as tmp:
        if isinstance(image, Image.Image):
            path = Path(tmp) / "query.png"
            image.save(path, format="PNG")
        elif isinstance(image, (bytes, bytearray, memoryview)):
            data = bytes(image)
            path = Path(tmp) / f"query{_suffix(data)}"
            path.write_bytes(data)
        elif _is_url(image):
            from ..sources.download import Downloader

            with Downloader(cache_dir=cache_dir, progress=False) as dl:
                fetched = dl.fetch_images([image])[0]
            if fetched.path is None:
                raise ValueError(f"could not fetch the image {image!r}: {fetched.reason}")
            path = Path(fetched.path)
        elif isinstance(image, (str, os.PathLike)):
            path = Path(image).expanduser()
            if not path.is_file():
                raise FileNotFoundError(f"no image file {str(path)!r} (give a work id, an image "
                                        "file, an http(s) URL or a PIL image)")
        else:
            raise TypeError("give a work id, an image file, an http(s) URL, image bytes or a PIL "
                            f"image, not {type(image).__name__}")
        col = ImageCollection.from_paths([path], progress=False, notice=False)
        if len(col) == 0:
            reason = col.skipped["reason"].iloc[0] if len(col.skipped) else "unreadable"
            raise ValueError(f"the query image cannot be read: {reason}")
        row = np.asarray(embedder.embed(col, progress=False), dtype=np.float32)[0]
        return row, col.hashes[0]


def _suffix(data: bytes) -> str:
    try:
        with Image.open(io.BytesIO(data)) as im:
            return "." + (im.format or "img").lower().replace("jpeg", "jpg")
    except Exception:  # not an image: from_paths reports it
        return ".img"


def combine_rankings(rankings: Sequence[pd.DataFrame], top_k: int = 10,
                     k: int = RRF_K) -> pd.DataFrame:
    """One ranking from several (each best first, with ``RESULT_COLUMNS``) by reciprocal rank
    fusion: a work scores the sum of ``1 / (k + rank)`` over the rankings it is in; its
    ``matched``, ``snippet`` and ``over`` come from the ranking where it ranks best (the
    first given on a tie). Scores of different scales (BM25, cosines) need no calibration."""
    best: dict[int, tuple[float, int, int, dict]] = {}
    for which, frame in enumerate(rankings):
        for rank, row in enumerate(frame.to_dict("records"), start=1):
            i = int(row["id"])
            score = 1.0 / (k + rank)
            if i in best:
                total, r0, w0, info = best[i]
                best[i] = (total + score, *((rank, which, row) if rank < r0 else (r0, w0, info)))
            else:
                best[i] = (score, rank, which, row)
    if not best:
        return _empty()
    order = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[1][1], kv[1][2], kv[0]))[:top_k]
    return pd.DataFrame([{"id": i, "score": total, "matched": info["matched"],
                          "snippet": info["snippet"], "over": info.get("over", "")}
                         for i, (total, _, _, info) in order], columns=RESULT_COLUMNS)
