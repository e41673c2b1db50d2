"""Dimensionality reduction: UMAP to n-D for clustering and to 2-D for the plot (PCA fallback).

Both maps share one nearest-neighbour graph (computed once), so the second UMAP costs only
its layout. Up to ``EXACT_KNN_MAX`` points the graph is computed exactly with scikit-learn
(brute force, chunked): this is fast at that scale and skips pynndescent's numba
compilation, which costs about 20 s in every new process. umap-learn's own kernels are
compiled once per machine and then loaded from numba's disk cache (see
:mod:`artopic_nb.models.umap_kernels`), so a new kernel's first map takes seconds. PCA is used when
UMAP is not installed, when the collection is too small for a neighbour graph (fewer than
``4 * n_neighbors`` points by default), or when asked for.

Example
-------
>>> import numpy as np
>>> X = np.random.default_rng(0).normal(size=(40, 16)).astype("float32")
>>> reduced, coords, used = reduce_embeddings(X, n_components=5, seed=0)
>>> reduced.shape, coords.shape, used
((40, 5), (40, 2), 'pca')
"""

from __future__ import annotations

import warnings

import numpy as np

from .base import Inputs, Step

__all__ = ["STEP", "reduce_embeddings", "pca"]

METHODS = ("auto", "umap", "pca")
#: Up to this many points the neighbour graph is exact (scikit-learn) rather than pynndescent.
EXACT_KNN_MAX = 50_000


def knn_graph(X: np.ndarray, k: int, metric: str, seed: int):
    """(indices, distances, None) of each point's ``k`` nearest neighbours, itself included."""
    if len(X) <= EXACT_KNN_MAX:
        from sklearn.neighbors import NearestNeighbors

        dist, idx = NearestNeighbors(n_neighbors=k, metric=metric, algorithm="brute").fit(X) \
            .kneighbors(X)
        return idx.astype(np.int32), dist.astype(np.float32), None
    from umap.umap_ import nearest_neighbors

    return nearest_neighbors(X, k, metric, {}, angular=False,
                             random_state=np.random.RandomState(seed))


def pca(X: np.ndarray, n_components: int, seed: int = 0) -> np.ndarray:
    """PCA (scikit-learn), padded with zeros when the data has fewer dimensions than asked."""
    from sklearn.decomposition import PCA

    k = min(n_components, X.shape[0] - 1, X.shape[1])  # n points span n - 1 dimensions
    if k < 1:  # a single point: the origin
        return np.zeros((len(X), n_components), np.float32)
    out = PCA(n_components=k, random_state=seed).fit_transform(X).astype(np.float32)
    if k < n_components:
        out = np.hstack([out, np.zeros((len(X), n_components - k), np.float32)])
    return out


def _umap_available() -> bool:
    from ..models.umap_kernels import import_umap

    try:
        import_umap()  # its kernels from the disk cache: no compiling in a new kernel
    except ImportError:
        return False
    return True


def reduce_embeddings(
    X: np.ndarray,
    n_components: int = 5,
    n_neighbors: int = 15,
    min_dist: float = 0.0,
    metric: str = "cosine",
    seed: int = 0,
    method: str = "auto",
) -> tuple[np.ndarray, np.ndarray, str]:
    """Reduce embeddings to ``n_components`` dimensions and to 2-D.

    Returns ``(reduced, coords, method_used)``; both arrays are float32. With a ``seed`` the
    result is reproducible (UMAP then runs single-threaded). ``min_dist`` applies to the
    n-D map (0 packs clusters tightly, which suits density clustering); the 2-D map uses
    ``max(min_dist, 0.1)`` so that points stay visible.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    X = np.asarray(X, dtype=np.float32)
    n = len(X)
    if n < 3:  # no neighbour graph to build: PCA places one work at 0, two on a line
        method = "pca"
    too_small = n < 4 * n_neighbors
    if method == "umap" and not _umap_available():
        raise ImportError("UMAP is not installed: pip install umap-learn (or use method='pca')")
    if method == "pca" or (method == "auto" and (too_small or not _umap_available())):
        return pca(X, n_components, seed), pca(X, 2, seed), "pca"

    from ..models.umap_kernels import import_umap

    umap = import_umap()
    k = min(n_neighbors, n - 1)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*n_jobs.*overridden.*")
        warnings.filterwarnings("ignore", message=".*force_all_finite.*")
        warnings.filterwarnings("ignore", message=".*precomputed_knn.*")
        knn = knn_graph(X, k, metric, seed)

        def fit(dim: int, dist: float) -> np.ndarray:
            model = umap.UMAP(n_components=dim, n_neighbors=k, min_dist=dist, metric=metric,
                              random_state=seed, precomputed_knn=knn)
            return model.fit_transform(X).astype(np.float32)

        return fit(n_components, min_dist), fit(2, max(min_dist, 0.1)), "umap"


def _compute(inputs: Inputs, **params) -> dict:
    reduced, coords, used = reduce_embeddings(inputs["embeddings_"], **params)
    return {"reduced_": reduced, "coords_": coords, "reducer_": used}


STEP = Step("reduce", reads=("embeddings_",),
            results={"reduced_": "npy", "coords_": "npy", "reducer_": "json"},
            params=("n_components", "n_neighbors", "min_dist", "metric", "method", "seed"),
            compute=_compute, libraries=("umap-learn", "scikit-learn", "numba"))
