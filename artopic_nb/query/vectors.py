"""Nearest neighbours by embedding: exact numpy search for small collections, an approximate
index (faiss IVF-Flat, its probe count calibrated on the data) beyond.

Rows are compared by cosine similarity (inner product of L2-normalised rows). Exact search
reads every row (about 2 GB per query at 10^6 x 512 float32); above :data:`EXACT_MAX_ROWS`
rows :class:`VectorIndex` builds an inverted-file index, measures recall@10 against exact
search on held-out queries and raises the number of lists it probes until recall reaches the
target. Both choices were made by measuring (``benchmarks/search.py``): faiss IVF-Flat built
10^5 x 512 rows in 25 s on 2 busy cores and answered in under 1 ms at recall@10 0.97, where an
HNSW graph (usearch or faiss) took 70-100 s to build for the same speed and recall.

A built index is kept in a :class:`~artopic_nb.data.cache.Cache`, keyed by the embeddings'
digest and the index's parameters: a study opened again does not rebuild it.

Example
-------
>>> import numpy as np
>>> X = np.eye(4, dtype=np.float32)[[0, 0, 1, 2, 3]] + 0.01
>>> index = VectorIndex(X)
>>> ids, scores = index.search(X[0], top_k=2, exclude=[0])
>>> ids.tolist(), index.method_
([1, 2], 'exact')
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..data.cache import Cache, make_key

__all__ = ["EXACT_MAX_ROWS", "VectorIndex", "embeddings_digest", "exact_search", "recall_at_k"]

#: Above this many rows ``method="auto"`` builds an approximate index. Exact search of
#: 50,000 x 512 float32 rows takes about 10 ms a query on 2 cores (100 MB read).
EXACT_MAX_ROWS = 50_000
#: The recall@10 against exact search that the probe count is raised to, on held-out
#: queries (above the 0.95 asked, so that other queries stay above it too).
TARGET_RECALL = 0.97
_CALIBRATION_QUERIES = 256
_INDEX_VERSION = 1


def embeddings_digest(embeddings: np.ndarray) -> str:
    """A SHA-256 of an array's bytes, shape and dtype (the cache key of its index): the value
    of :func:`artopic_nb.data.cache.digest`, without copying the array."""
    a = np.ascontiguousarray(embeddings)
    h = hashlib.sha256(a.view(np.uint8).reshape(-1) if a.size else b"")
    h.update(str((a.shape, a.dtype.str)).encode())
    return h.hexdigest()


def _as_queries(queries: Any, dim: int) -> np.ndarray:
    q = np.asarray(queries, dtype=np.float32)
    if q.ndim == 1:
        q = q[None, :]
    if q.ndim != 2 or q.shape[1] != dim:
        raise ValueError(f"queries must have {dim} columns (the embeddings' width), "
                         f"not shape {np.shape(queries)}")
    norms = np.linalg.norm(q, axis=1, keepdims=True)
    return np.ascontiguousarray(q / np.maximum(norms, 1e-12))


def _exclusions(exclude: Any, m: int) -> list[set[int]]:
    """``exclude`` as one set of ids per query: ids for all, or one sequence per query."""
    if exclude is None:
        return [set() for _ in range(m)]
    if isinstance(exclude, (int, np.integer)):
        return [{int(exclude)} for _ in range(m)]
    items = list(exclude)
    if items and all(isinstance(e, (Sequence, np.ndarray, set)) and not isinstance(e, str)
                     for e in items):
        if len(items) != m:
            raise ValueError(f"{len(items)} exclusion lists for {m} queries")
        return [{int(i) for i in e} for e in items]
    return [{int(i) for i in items} for _ in range(m)]


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest scores, best first (ties by lower index)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, np.int64)
    part = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    return part[np.lexsort((part, -scores[part]))]


def exact_search(embeddings: np.ndarray, queries: Any, top_k: int = 10,
                 exclude: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """The ``top_k`` rows most similar (cosine) to each query, best first.

    ``embeddings``: ``(n, d)`` L2-normalised rows; ``queries``: ``(d,)`` or ``(m, d)``;
    ``exclude``: ids left out of every answer, or one sequence of ids per query. Returns
    ``(ids, scores)``, each ``(m, top_k)``; ids ``-1`` (score ``-inf``) pad short answers.

    Example
    -------
    >>> X = np.array([[1, 0], [0.8, 0.6], [0, 1]], dtype=np.float32)
    >>> exact_search(X, [1, 0], top_k=2)[0].tolist()
    [[0, 1]]
    """
    X = np.asarray(embeddings, dtype=np.float32)
    q = _as_queries(queries, X.shape[1])
    skip = _exclusions(exclude, len(q))
    ids = np.full((len(q), top_k), -1, np.int64)
    out = np.full((len(q), top_k), -np.inf, np.float32)
    for start in range(0, len(q), 64):
        block = X @ q[start:start + 64].T  # (n, b): one pass over the rows per 64 queries
        for j in range(block.shape[1]):
            s = block[:, j]
            drop = skip[start + j]
            top = _top(s, top_k + len(drop))
            top = np.array([i for i in top if i not in drop][:top_k], np.int64)
            ids[start + j, :len(top)] = top
            out[start + j, :len(top)] = s[top]
    return ids, out


def recall_at_k(found: np.ndarray, truth: np.ndarray, k: int = 10) -> float:
    """Mean share of each row of ``truth[:, :k]`` found in the same row of ``found[:, :k]``."""
    hits = [len(set(f[:k].tolist()) & set(t[:k].tolist())) / max(1, min(k, (t >= 0).sum()))
            for f, t in zip(found, truth, strict=True)]
    return float(np.mean(hits)) if hits else 1.0


def _require_faiss():
    try:
        import faiss
    except ImportError:
        raise ImportError("an approximate similarity index needs faiss-cpu: "
                          'pip install "artopic-nb[search]"  (or: pip install faiss-cpu)') from None
    return faiss


class VectorIndex:
    """Cosine nearest neighbours over ``embeddings``: exact or approximate (faiss IVF-Flat).

    Parameters
    ----------
    embeddings:
        ``(n, d)`` rows, L2-normalised (as every embedder here makes them).
    method:
        ``"auto"``: exact up to :data:`EXACT_MAX_ROWS` rows, approximate beyond (exact with a
        warning when faiss-cpu is missing); ``"exact"``; ``"ivf"`` (needs faiss-cpu).
    cache:
        Where a built approximate index is kept (a :class:`~artopic_nb.data.cache.Cache`).
    key:
        The embeddings' digest when the caller knows it (a study does); else computed.
    target_recall:
        The recall@10 against exact search that the probe count is calibrated to.
    seed:
        Seed of the training sample and the held-out calibration queries.

    Attributes: ``method_`` (``"exact"`` or ``"ivf"``), ``nprobe_`` and ``recall_`` (the
    recall@10 measured at calibration; 1.0 for exact), ``build_seconds_``, ``cached_``.

    Example
    -------
    >>> index = VectorIndex(study.embeddings_, cache=study.cache)   # doctest: +SKIP
    >>> ids, scores = index.search(study.embeddings_[3], top_k=10, exclude=[3])   # doctest: +SKIP
    """

    def __init__(self, embeddings: np.ndarray, method: str = "auto", cache: Cache | None = None,
                 key: str | None = None, target_recall: float = TARGET_RECALL, seed: int = 0):
        X = np.asarray(embeddings)
        if X.ndim != 2 or len(X) == 0:
            raise ValueError(f"embeddings must be a non-empty (n, d) array, not shape {X.shape}")
        if method not in ("auto", "exact", "ivf"):
            raise ValueError(f"method must be 'auto', 'exact' or 'ivf', not {method!r}")
        self.embeddings = np.ascontiguousarray(X, dtype=np.float32)
        self.target_recall = float(target_recall)
        self.seed = seed
        self.nprobe_ = 0
        self.recall_ = 1.0
        self.build_seconds_ = 0.0
        self.cached_ = False
        self._index = None
        if method == "auto":
            method = "exact" if len(X) <= EXACT_MAX_ROWS else "ivf"
            if method == "ivf":
                try:
                    _require_faiss()
                except ImportError as exc:
                    warnings.warn(f"{exc}; searching all {len(X):,} rows exactly (slower)",
                                  RuntimeWarning, stacklevel=2)
                    method = "exact"
        self.method_ = method
        if method == "ivf":
            self._build(cache or Cache(None), key)

    def __len__(self) -> int:
        return len(self.embeddings)

    def __repr__(self) -> str:
        extra = f", nprobe={self.nprobe_}, recall@10={self.recall_:.3f}" if self.method_ == "ivf" else ""
        return f"VectorIndex({len(self):,} x {self.embeddings.shape[1]}, {self.method_}{extra})"

    # -- building ---------------------------------------------------------------------------
    def _params(self) -> dict:
        n = len(self.embeddings)
        # 2 sqrt(n) lists (2,000 at 10^6), k-means on 40 rows a list for 10 rounds: the build
        # takes a few minutes on 2 cores at 10^6 rows, and the calibrated probe count keeps
        # the recall whatever the lists' quality
        nlist = int(min(max(16, 2 * np.sqrt(n)), max(16, n // 39)))
        return {"nlist": nlist, "train": int(min(n, 40 * nlist)), "niter": 10, "seed": self.seed,
                "target_recall": self.target_recall, "version": _INDEX_VERSION}

    def _build(self, cache: Cache, key: str | None) -> None:
        import time

        faiss = _require_faiss()
        params = self._params()
        cache_key = None
        if cache.enabled:
            cache_key = make_key("similar-index", key or embeddings_digest(self.embeddings),
                                 params, faiss.__version__)
            stored = cache.get_array("similar-index", cache_key)
            meta = cache.get_json("similar-index", cache_key) if stored is not None else None
            if stored is not None and meta is not None:
                self._index = faiss.deserialize_index(stored)
                self.nprobe_, self.recall_ = int(meta["nprobe"]), float(meta["recall"])
                self.build_seconds_ = float(meta["build_seconds"])
                self._index.nprobe = self.nprobe_
                self.cached_ = True
                return
        start = time.perf_counter()
        X, d = self.embeddings, self.embeddings.shape[1]
        rng = np.random.default_rng(self.seed)
        quantizer = faiss.IndexFlatIP(d)
        index = faiss.IndexIVFFlat(quantizer, d, params["nlist"], faiss.METRIC_INNER_PRODUCT)
        train = X[np.sort(rng.choice(len(X), params["train"], replace=False))]
        index.cp.seed = self.seed
        index.cp.niter = params["niter"]
        index.train(train)
        index.add(X)
        self._index = index
        self.nprobe_, self.recall_ = self._calibrate(rng)
        self.build_seconds_ = time.perf_counter() - start
        if cache_key is not None:
            cache.put_array("similar-index", cache_key, faiss.serialize_index(index))
            cache.put_json("similar-index", cache_key, {
                "nprobe": self.nprobe_, "recall": self.recall_,
                "build_seconds": self.build_seconds_})

    def _calibrate(self, rng: np.random.Generator) -> tuple[int, float]:
        """The smallest power-of-two probe count whose recall@10 reaches the target."""
        n = len(self.embeddings)
        qids = rng.choice(n, min(n, _CALIBRATION_QUERIES), replace=False)
        truth, _ = exact_search(self.embeddings, self.embeddings[qids], 10, exclude=qids[:, None])
        nlist = self._index.nlist
        nprobe, recall = 1, 0.0
        while True:
            self._index.nprobe = nprobe
            found, _ = self._search_ivf(self.embeddings[qids], 10, qids[:, None].tolist())
            recall = recall_at_k(found, truth, 10)
            if recall >= self.target_recall or nprobe >= nlist:
                return nprobe, recall
            nprobe = min(nlist, nprobe * 2)

    # -- searching --------------------------------------------------------------------------
    def _search_ivf(self, q: np.ndarray, top_k: int, skip: list) -> tuple[np.ndarray, np.ndarray]:
        skip = _exclusions(skip, len(q))
        extra = max((len(s) for s in skip), default=0)
        scores, found = self._index.search(q, top_k + extra)
        ids = np.full((len(q), top_k), -1, np.int64)
        out = np.full((len(q), top_k), -np.inf, np.float32)
        for j in range(len(q)):
            keep = [(int(i), s) for i, s in zip(found[j], scores[j], strict=True)
                    if i >= 0 and int(i) not in skip[j]][:top_k]
            ids[j, :len(keep)] = [i for i, _ in keep]
            out[j, :len(keep)] = [s for _, s in keep]
        return ids, out

    def search(self, queries: Any, top_k: int = 10,
               exclude: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``top_k`` nearest rows of each query (``(d,)`` -> 1-D answers, ``(m, d)`` ->
        ``(m, top_k)``), best first, as ``(ids, scores)``; ``exclude`` as in
        :func:`exact_search`. Ids ``-1`` pad answers shorter than ``top_k``."""
        single = np.ndim(queries) == 1
        q = _as_queries(queries, self.embeddings.shape[1])
        if self.method_ == "exact":
            ids, scores = exact_search(self.embeddings, q, top_k, exclude)
        else:
            ids, scores = self._search_ivf(q, top_k, exclude)
        return (ids[0], scores[0]) if single else (ids, scores)

