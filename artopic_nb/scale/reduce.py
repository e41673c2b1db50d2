"""Reduce and cluster past one machine's comfort: fit on a seeded sample, assign the rest.

UMAP on 10^6 points takes hours and tens of GB on one machine; HDBSCAN's condensed tree grows
with n too. :func:`fit_sample_assign` fits both on a seeded random sample of a stated size
(the parameters the study uses: UMAP to ``n_components`` for clustering and to 2-D for the
map, HDBSCAN / k-means / agglomerative on the n-D map), then assigns every other point in
batches: UMAP's ``transform`` (each new point placed against the sample's map),
``hdbscan.approximate_predict`` (the fit keeps ``prediction_data=True``), the nearest
centroid for k-means and agglomerative. The batches run as Ray Data ``map_batches`` over an
actor pool that unpickles the fitted models once per actor (``engine="ray"``), or in this
process (``engine="local"``). ``benchmarks/scale_ray.py`` reports the agreement (ARI) of
sample-fit and full-fit labels where both fit.

Cluster sizes are given for the whole collection, as ``study.cluster`` takes them (left
unset, they fit the whole collection's size); HDBSCAN's ``min_cluster_size`` and
``min_samples`` are scaled to the sample (× sample / n, at least 2), so that a cluster of
the collection is a cluster of the sample.

Example
-------
>>> fit = fit_sample_assign(X, sample_size=50_000, seed=0, engine="ray")   # doctest: +SKIP
>>> fit.labels.shape, fit.coords.shape                                      # doctest: +SKIP
((1000000,), (1000000, 2))
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..steps.cluster import _by_size, resolve_params
from ..steps.reduce import pca

__all__ = ["SampleFit", "assign_batch", "fit_sample_assign", "fit_sample_models"]


@dataclass
class SampleFit:
    """The result of :func:`fit_sample_assign`: ``reduced`` (n, n_components), ``coords``
    (n, 2), ``labels`` (n,; -1 noise, cluster 0 the largest), ``sample_ids`` (the fitted
    sample, sorted), ``params`` (everything that made it) and ``seconds`` (fit, assign)."""

    reduced: np.ndarray
    coords: np.ndarray
    labels: np.ndarray
    sample_ids: np.ndarray
    params: dict
    seconds: dict = field(default_factory=dict)


@dataclass
class _Models:
    """What the assigning batches need: the two maps and the clusterer, fitted."""

    reducer: str            # "umap" or "pca"
    nd: Any
    two_d: Any
    method: str
    clusterer: Any          # hdbscan.HDBSCAN, or the centroids (k, n_components) for the others


def _umap(X: np.ndarray, dim: int, n_neighbors: int, min_dist: float, metric: str,
          seed: int) -> Any:
    from ..models.umap_kernels import import_umap

    umap = import_umap()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*n_jobs.*overridden.*")
        warnings.filterwarnings("ignore", message=".*force_all_finite.*")
        return umap.UMAP(n_components=dim, n_neighbors=min(n_neighbors, len(X) - 1),
                         min_dist=min_dist, metric=metric, random_state=seed).fit(X)


def _pca(X: np.ndarray, dim: int, seed: int) -> Any:
    from sklearn.decomposition import PCA

    return PCA(n_components=min(dim, X.shape[0] - 1, X.shape[1]), random_state=seed).fit(X)


def _map(model: Any, reducer: str, X: np.ndarray, dim: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*force_all_finite.*")
        out = np.asarray(model.transform(X), dtype=np.float32)
    if reducer == "pca" and out.shape[1] < dim:  # as artopic_nb.steps.reduce.pca pads
        out = np.hstack([out, np.zeros((len(out), dim - out.shape[1]), np.float32)])
    return out


def fit_sample_models(Xs: np.ndarray, n_components: int, n_neighbors: int, min_dist: float,
                      metric: str, seed: int, reducer: str, cluster: dict
                      ) -> tuple[_Models, np.ndarray, np.ndarray, np.ndarray]:
    """Fit the maps and the clusterer on the sample ``Xs``: (models, reduced, coords, labels
    of the sample)."""
    if reducer == "umap":
        nd = _umap(Xs, n_components, n_neighbors, min_dist, metric, seed)
        two_d = _umap(Xs, 2, n_neighbors, max(min_dist, 0.1), metric, seed)
        reduced, coords = nd.embedding_.astype(np.float32), two_d.embedding_.astype(np.float32)
    else:
        nd, two_d = _pca(Xs, n_components, seed), _pca(Xs, 2, seed)
        reduced, coords = pca(Xs, n_components, seed), pca(Xs, 2, seed)
    method = cluster["method"]
    R = reduced.astype(np.float64)
    if method == "hdbscan":
        import hdbscan

        clusterer = hdbscan.HDBSCAN(
            min_cluster_size=min(cluster["min_cluster_size"], len(R)),
            min_samples=cluster["min_samples"], core_dist_n_jobs=1,
            cluster_selection_epsilon=cluster["cluster_selection_epsilon"],
            prediction_data=True).fit(R)
        labels = clusterer.labels_.astype(np.int64)
    else:
        from ..steps.cluster import cluster_labels

        labels = cluster_labels(R, **cluster)
        clusterer = np.stack([R[labels == c].mean(axis=0) for c in range(labels.max() + 1)])
    return _Models(reducer, nd, two_d, method, clusterer), reduced, coords, labels


def assign_batch(models: _Models, X: np.ndarray, n_components: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(reduced, coords, labels) of new points ``X`` against models fitted on a sample."""
    reduced = _map(models.nd, models.reducer, X, n_components)
    coords = _map(models.two_d, models.reducer, X, 2)
    if models.method == "hdbscan":
        import hdbscan

        labels, _ = hdbscan.approximate_predict(models.clusterer, reduced.astype(np.float64))
    else:  # the nearest centroid of the sample's clusters
        d = ((reduced[:, None, :].astype(np.float64) - models.clusterer[None]) ** 2).sum(-1)
        labels = d.argmin(axis=1)
    return reduced, coords, np.asarray(labels, dtype=np.int64)


class _Assigner:
    """A Ray actor: the fitted models unpickled once, then batch after batch assigned."""

    def __init__(self, models: _Models, n_components: int):
        if models.reducer == "umap":
            from ..models.umap_kernels import import_umap

            import_umap()  # umap's kernels from the disk cache, not compiled per actor
        self.models, self.n_components = models, n_components

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        reduced, coords, labels = assign_batch(self.models, batch["x"].astype(np.float32),
                                               self.n_components)
        return {"index": batch["index"], "reduced": reduced, "coords": coords,
                "labels": labels}


def fit_sample_assign(X: np.ndarray, sample_size: int = 50_000, seed: int = 0, *,
                      n_components: int = 5, n_neighbors: int = 15, min_dist: float = 0.0,
                      metric: str = "cosine", reducer: str = "umap",
                      method: str = "hdbscan", engine: str = "local", batch_size: int = 20_000,
                      actors: int | None = None, address: str | None = None,
                      progress: bool = False, **cluster_params: Any) -> SampleFit:
    """Reduce and cluster ``X`` (n, d) by fitting on ``sample_size`` points drawn with
    ``seed`` and assigning the rest (see the module docstring).

    ``n_components``, ``n_neighbors``, ``min_dist``, ``metric``: as ``study.reduce``;
    ``reducer``: ``"umap"`` or ``"pca"``; ``method`` and ``cluster_params``: as
    ``study.cluster`` (sizes for the whole collection). ``engine``: ``"local"`` (batches in
    this process) or ``"ray"`` (``map_batches`` over ``actors`` actors, default one per
    CPU; ``address`` as :func:`~artopic_nb.scale.connect`). With ``n <= sample_size`` every
    point is in the sample and nothing is assigned.
    """
    if engine not in ("local", "ray"):
        raise ValueError(f"engine must be 'local' or 'ray', not {engine!r}")
    if reducer not in ("umap", "pca"):
        raise ValueError(f"reducer must be 'umap' or 'pca', not {reducer!r}")
    if engine == "ray":
        from ._ray import require_ray

        require_ray()  # a missing extra says so before the fit, not after
    X = np.asarray(X, dtype=np.float32)
    n = len(X)
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(n, size=min(sample_size, n), replace=False))
    cluster, why = resolve_params(method, n, seed, **cluster_params)
    for name in ("min_cluster_size", "min_samples"):  # a collection's sizes, on the sample
        if cluster.get(name) is not None:
            cluster[name] = max(2, round(cluster[name] * len(sample) / n))
    started = time.perf_counter()
    models, reduced_s, coords_s, labels_s = fit_sample_models(
        X[sample], n_components, n_neighbors, min_dist, metric, seed, reducer, cluster)
    fitted = time.perf_counter()

    reduced = np.empty((n, n_components), np.float32)
    coords = np.empty((n, 2), np.float32)
    labels = np.empty(n, np.int64)
    reduced[sample], coords[sample], labels[sample] = reduced_s, coords_s, labels_s
    rest = np.setdiff1d(np.arange(n), sample)
    if len(rest) and engine == "local":
        for start in range(0, len(rest), batch_size):
            part = rest[start:start + batch_size]
            reduced[part], coords[part], labels[part] = assign_batch(models, X[part],
                                                                     n_components)
    elif len(rest):
        from ._ray import cluster_resources, connect

        ray = connect(address, progress)
        if actors is None:  # UMAP's transform runs on one thread: one actor per CPU
            actors = max(1, int(cluster_resources()["CPU"]))
        ds = _with_index(ray, X, rest, batch_size)
        out = ds.map_batches(_Assigner, fn_constructor_kwargs={
            "models": models, "n_components": n_components}, batch_size=batch_size,
            batch_format="numpy", compute=ray.data.ActorPoolStrategy(size=actors))
        for batch in out.iter_batches(batch_size=None, batch_format="numpy"):
            part = batch["index"]
            reduced[part], coords[part], labels[part] = (batch["reduced"], batch["coords"],
                                                         batch["labels"])
    params = {"sample_size": int(len(sample)), "seed": seed, "n": n, "reducer": reducer,
              "n_components": n_components, "n_neighbors": n_neighbors, "min_dist": min_dist,
              "metric": metric, "cluster": cluster, "why": why, "engine": engine}
    return SampleFit(reduced, coords, _by_size(labels), sample, params,
                     {"fit": round(fitted - started, 3),
                      "assign": round(time.perf_counter() - fitted, 3)})


def _with_index(ray: Any, X: np.ndarray, rest: np.ndarray, batch_size: int) -> Any:
    """A dataset of (index, x) rows of the points ``rest``, one block per batch."""
    import pandas as pd

    return ray.data.from_pandas([
        pd.DataFrame({"index": rest[i:i + batch_size], "x": list(X[rest[i:i + batch_size]])})
        for i in range(0, len(rest), batch_size)])
