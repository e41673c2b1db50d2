"""Clustering of reduced embeddings (HDBSCAN, k-means, agglomerative) and its summaries.

The default (``study.cluster()`` with no sizes) is ``min_cluster_size="auto"``, which the
step resolves with :func:`readable_hdbscan` (:func:`fit`): one HDBSCAN tree, then the
excess-of-mass clustering among eight sizes and caps that a person can read (5 to 50
clusters, at most 40 % noise) nearest sqrt(n) / 2 clusters. The choice is a result
(``cluster_fit_``), cached with the labels, so a warm ``study.cluster()`` fits nothing;
``notes_["cluster"]`` says which and why. ``benchmarks/granularity.py`` measures it against the old rule
(``min_cluster_size`` = 0.6 * sqrt(n) alone: 3 clusters for the 174-work demo, 8 for
100,000 embeddings of 20 known groups) and the alternatives (leaf selection, fast-hdbscan,
EVoC, k-means).

Noise is label ``-1`` (HDBSCAN only). :func:`cluster_labels` is cheap on reduced
embeddings, so re-clustering with new parameters takes well under a second for tens of
thousands of points.

Example
-------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X = np.vstack([rng.normal(0, .1, (20, 2)), rng.normal(5, .1, (20, 2))])
>>> labels = cluster_labels(X, method="kmeans", n_clusters=2, seed=0)
>>> sorted(np.bincount(labels).tolist())
[20, 20]
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from ..base import Inputs, Step

__all__ = ["STEP", "METHODS", "METHOD_PARAMS", "agreement", "cluster_labels", "cluster_summary",
           "fit", "medoids", "readable_hdbscan", "resolve_params", "size_defaults",
           "target_clusters"]

METHODS = ("hdbscan", "kmeans", "agglomerative")  # the one list of method names


def size_defaults(n: int, method: str = "hdbscan", min_cluster_size: int | None = None,
                  n_clusters: int | None = None) -> tuple[int, int, str]:
    """``(min_cluster_size, n_clusters, why)``: the values given, or defaults fit to ``n`` works.

    A fixed ``min_cluster_size`` of 8 finds no cluster in a folder of 20 images and hundreds
    in 500,000, so unset values scale with the collection:

    - ``min_cluster_size`` = round(0.6 * sqrt(n)), at least 2 (8 for the 174-work demo);
    - ``n_clusters`` = round(sqrt(n / 2)), between 1 and 8.

    ``why`` says how the value that ``method`` uses was chosen ("" when it was given).

    >>> size_defaults(20), size_defaults(174, "kmeans")[:2], size_defaults(174, "kmeans", 5, 4)
    ((3, 3, 'min_cluster_size 3 = 0.6 * sqrt(20), at least 2'), (8, 8), (5, 4, ''))
    """
    why = ""
    if min_cluster_size is None:
        min_cluster_size = max(2, round(0.6 * n ** 0.5))
        if method == "hdbscan":
            why = f"min_cluster_size {min_cluster_size} = 0.6 * sqrt({n}), at least 2"
    if n_clusters is None:
        n_clusters = int(min(8, max(1, round((n / 2) ** 0.5))))
        if method != "hdbscan":
            why = f"n_clusters {n_clusters} = sqrt({n} / 2), between 1 and 8"
    return int(min_cluster_size), int(n_clusters), why


#: Each method's own parameters and their defaults (``None``: fit to the collection's size).
METHOD_PARAMS: dict[str, dict] = {
    "hdbscan": {"min_cluster_size": None, "min_samples": None, "cluster_selection_epsilon": 0.0,
                "max_cluster_size": 0},
    "kmeans": {"n_clusters": None, "seed": None},
    "agglomerative": {"n_clusters": None, "linkage": "ward"},
}


def resolve_params(method: str, n: int, default_seed: int = 0, **given) -> tuple[dict, str]:
    """``(params, why)``: ``method``'s full parameters for ``n`` works, and how unset sizes
    were chosen (see :func:`size_defaults`); k-means' ``seed`` defaults to ``default_seed``.
    HDBSCAN's ``min_cluster_size="auto"`` stays as given: the step resolves it (:func:`fit`).

    >>> resolve_params("kmeans", 50, n_clusters=3)
    ({'method': 'kmeans', 'n_clusters': 3, 'seed': 0}, '')
    """
    if method not in METHOD_PARAMS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    own = METHOD_PARAMS[method]
    if method != "kmeans":
        given.pop("seed", None)  # the other methods are deterministic
    unknown = set(given) - set(own)
    if unknown:
        raise TypeError(f"unknown parameter(s) {sorted(unknown)} for {method}; "
                        f"{method} takes {sorted(own)}")
    params = {"method": method, **own, **given}
    auto = params.get("min_cluster_size") == "auto"  # resolved by the step (see fit)
    if isinstance(params.get("min_cluster_size"), str) and not auto:
        raise ValueError(f"min_cluster_size must be a whole number of works (at least 2) or "
                         f"'auto', not {params['min_cluster_size']!r}")
    min_cluster_size, n_clusters, why = size_defaults(
        n, method, None if auto else params.get("min_cluster_size"), params.get("n_clusters"))
    if "min_cluster_size" in params and not auto:
        params["min_cluster_size"] = min_cluster_size
    elif auto:
        why = ""
    if "n_clusters" in params:
        params["n_clusters"] = n_clusters
    if "seed" in params and params["seed"] is None:
        params["seed"] = default_seed
    return params, why


def cluster_labels(
    reduced: np.ndarray,
    method: str = "hdbscan",
    min_cluster_size: int = 8,
    min_samples: int | None = None,
    n_clusters: int = 8,
    cluster_selection_epsilon: float = 0.0,
    linkage: str = "ward",
    seed: int = 0,
    max_cluster_size: int = 0,
) -> np.ndarray:
    """Cluster labels (int64, ``-1`` is noise), renumbered so cluster 0 is the largest.

    ``min_cluster_size``, ``min_samples``, ``cluster_selection_epsilon`` and
    ``max_cluster_size`` (0: no cap) apply to HDBSCAN; ``n_clusters`` to k-means and agglomerative; ``linkage`` to agglomerative.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    X = np.asarray(reduced, dtype=np.float64)
    n = len(X)
    if method == "hdbscan":
        if min_cluster_size < 2:
            raise ValueError(f"min_cluster_size must be at least 2, got {min_cluster_size}")
        if n < 2:
            return np.full(n, -1, dtype=np.int64)
        try:
            import hdbscan

            model = hdbscan.HDBSCAN(
                min_cluster_size=min(min_cluster_size, n), min_samples=min_samples,
                cluster_selection_epsilon=cluster_selection_epsilon, core_dist_n_jobs=1,
                max_cluster_size=int(max_cluster_size or 0),
            )
        except ImportError:  # scikit-learn >= 1.3 ships its own HDBSCAN
            from sklearn.cluster import HDBSCAN

            model = HDBSCAN(min_cluster_size=min(min_cluster_size, n), min_samples=min_samples,
                            cluster_selection_epsilon=cluster_selection_epsilon,
                            max_cluster_size=int(max_cluster_size) or None)
        labels = model.fit_predict(X)
    elif n < 2:  # one work is one cluster (scikit-learn refuses to cluster a single sample)
        _check_k(n_clusters, n)
        return np.zeros(n, dtype=np.int64)
    elif method == "kmeans":
        from sklearn.cluster import KMeans

        k = _check_k(n_clusters, n)
        # ten restarts are cheap on a few thousand points; on more, one k-means++ start
        # keeps re-clustering interactive (20,000 points, k=20: 0.8 s instead of 7.5 s)
        n_init = 10 if n <= 5000 else 1
        labels = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit_predict(X)
    else:
        from sklearn.cluster import AgglomerativeClustering

        k = _check_k(n_clusters, n)
        labels = AgglomerativeClustering(n_clusters=k, linkage=linkage).fit_predict(X)
    return _by_size(np.asarray(labels, dtype=np.int64))


#: The readable range of the default: at least this many clusters (2 under 100 works) and at
#: most 50, with at most this share of noise.
READABLE_CLUSTERS, READABLE_NOISE = (5, 50), 0.40


def target_clusters(n: int) -> int:
    """The number of clusters the default aims at: sqrt(n) / 2, within the readable range.

    >>> target_clusters(174), target_clusters(1000), target_clusters(100_000)
    (7, 16, 50)
    """
    lo = READABLE_CLUSTERS[0] if n >= 100 else 2
    return int(min(READABLE_CLUSTERS[1], max(lo, round(n ** 0.5 / 2))))


def readable_hdbscan(X: np.ndarray, min_samples: int | None = None) -> tuple[dict, np.ndarray, str]:
    """The default HDBSCAN for ``X``: ``(params, labels, why)``.

    One HDBSCAN tree (``min_samples`` 5, or 0.6 * sqrt(n) when smaller), then excess-of-mass
    selection with ``min_cluster_size`` 0.6 * sqrt(n), twice, half and a quarter of it (at
    least 5), each with and without a cap of n / 5 on a cluster's size
    (``max_cluster_size``: without it, HDBSCAN tends to pick a few big blobs of many groups on
    real collections, e.g. 2 clusters for 1,000 WikiArt paintings). Of these eight, the
    *readable* ones make 5 to 50 clusters with at most 40 % noise; the one whose count is
    nearest :func:`target_clusters` on a log scale wins (ties: the order above). Measured in
    ``benchmarks/granularity.py`` against the old rule (0.6 * sqrt(n) alone), which is kept
    under 100 works.
    """
    n = len(X)
    m0 = max(2, round(0.6 * n ** 0.5))
    if n < 100:  # a handful of works: no readable range to aim at; the size rule alone
        labels = cluster_labels(X, "hdbscan", min_cluster_size=m0, min_samples=min_samples)
        return ({"min_cluster_size": m0, "min_samples": min_samples, "max_cluster_size": 0},
                labels, f"min_cluster_size {m0} = 0.6 * sqrt({n}), at least 2 (under 100 works "
                "the size rule alone)")
    floor = 5
    ms = int(min(min_samples or min(5, m0), max(1, n - 1)))
    sizes = list(dict.fromkeys([min(m0, n), min(2 * m0, n), max(floor, m0 // 2), max(floor, m0 // 4)]))
    caps = [0, n // 5]
    lo = READABLE_CLUSTERS[0]
    target = target_clusters(n)
    try:
        import hdbscan
        from hdbscan.hdbscan_ import _tree_to_labels

        model = hdbscan.HDBSCAN(min_cluster_size=sizes[0], min_samples=ms, core_dist_n_jobs=1).fit(X)

        def select(size, cap):
            return _tree_to_labels(X, model._single_linkage_tree, size, "eom",
                                   max_cluster_size=cap)[0]
    except ImportError:  # scikit-learn's HDBSCAN: one fit per candidate
        from sklearn.cluster import HDBSCAN

        def select(size, cap):
            return HDBSCAN(min_cluster_size=size, min_samples=ms,
                           max_cluster_size=cap or None).fit_predict(X)
    found = []
    for size in sizes:
        for cap in caps:
            labels = _by_size(np.asarray(select(size, cap), dtype=np.int64))
            k, noise = int(labels.max() + 1), float((labels < 0).mean())
            found.append(((size, cap), labels, k, noise))
    ok = [f for f in found if lo <= f[2] <= READABLE_CLUSTERS[1] and f[3] <= READABLE_NOISE]
    (size, cap), labels, k, noise = min(ok or found, key=lambda f: abs(np.log(max(f[2], 1) / target)))
    params = {"min_cluster_size": int(size), "min_samples": ms, "max_cluster_size": int(cap)}
    why = (f"min_cluster_size {size}, min_samples {ms}" + (f", max_cluster_size {cap} (n/5)" if cap else "")
           + f": of {len(found)} HDBSCAN choices (min_cluster_size 0.6*sqrt(n), x2, /2, /4; with and without a "
           f"size cap of n/5) the {'readable one (' + str(lo) + '-50 clusters, <= 40% noise)' if ok else 'one'}"
           f" nearest sqrt(n)/2 = {target} clusters: {k} clusters, {noise:.0%} noise")
    return params, labels, why


def _check_k(n_clusters: int, n: int) -> int:
    if n_clusters < 1:
        raise ValueError(f"n_clusters must be at least 1, got {n_clusters}")
    return min(n_clusters, n)


def _by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters by decreasing size (ties by first appearance); keep -1."""
    ids, first, counts = np.unique(labels[labels >= 0], return_index=True, return_counts=True)
    order = ids[np.lexsort((first, -counts))]
    mapping = np.full(labels.max(initial=-1) + 2, -1, dtype=np.int64)
    mapping[order + 1] = np.arange(len(order))
    return mapping[labels + 1]


def medoids(X: np.ndarray, labels: np.ndarray) -> dict[int, int]:
    """Per cluster, the id of the member nearest the cluster's mean (cosine on unit rows)."""
    out = {}
    for c in np.unique(labels[labels >= 0]):
        members = np.flatnonzero(labels == c)
        centre = X[members].mean(axis=0)
        out[int(c)] = int(members[np.argmin(np.linalg.norm(X[members] - centre, axis=1))])
    return out


def cluster_summary(labels: np.ndarray, X: np.ndarray, genres: pd.Series | None = None) -> pd.DataFrame:
    """One row per cluster (noise last): size, share, medoid id and each known genre's share."""
    labels = np.asarray(labels)
    med = medoids(X, labels)
    clusters = sorted(set(labels.tolist()), key=lambda c: (c < 0, c))
    rows = []
    for c in clusters:
        mask = labels == c
        row = {"cluster": int(c), "size": int(mask.sum()), "share": float(mask.mean()),
               "medoid_id": med.get(int(c), -1)}
        if genres is not None:
            counts = pd.Series(np.asarray(genres)[mask]).value_counts(normalize=True)
            row["top_genre"] = counts.index[0] if len(counts) else None
            for g in sorted(pd.Series(genres).dropna().unique()):
                row[f"genre: {g}"] = float(counts.get(g, 0.0))
        rows.append(row)
    return pd.DataFrame(rows).set_index("cluster")


def agreement(labels: np.ndarray, known) -> dict[str, float]:
    """How well clusters match known labels: ARI, NMI (noise counted as its own group),
    purity over clustered points, the noise share, and the number of clusters."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    labels = np.asarray(labels)
    known = pd.Series(known).astype("object")
    valid = known.notna().to_numpy()
    lab, kn = labels[valid], known[valid].astype(str).to_numpy()
    clustered = lab >= 0
    purity = 0.0
    if clustered.any():
        table = pd.crosstab(lab[clustered], kn[clustered])
        purity = float(table.max(axis=1).sum() / clustered.sum())
    return {
        "ari": float(adjusted_rand_score(kn, lab)),
        "nmi": float(normalized_mutual_info_score(kn, lab)),
        "purity": purity,
        "noise_share": float((labels < 0).mean()),
        "n_clusters": int(len(set(labels[labels >= 0].tolist()))),
    }


def fit(X: np.ndarray, params: dict) -> tuple[np.ndarray, dict, str]:
    """The algorithm's labels for ``params``: ``(labels, fitted, why)``. HDBSCAN's
    ``min_cluster_size="auto"`` is the readable default (:func:`readable_hdbscan`): ``fitted``
    holds the sizes it chose and ``why`` says why; other parameters are fitted as given."""
    params = dict(params)
    if params.get("method") == "hdbscan" and params.get("min_cluster_size") == "auto":
        chosen, labels, why = readable_hdbscan(X, params.get("min_samples"))
        return labels, {**params, **chosen}, f"chosen for {len(X)} works: {why}"
    return cluster_labels(X, **params), params, ""


def _compute(inputs: Inputs, *, edits=(), level: int = 0, **params) -> dict:
    from ...data.cache import make_key
    from .edits import apply_edits, cluster_tree, labels_at_level, split_labels

    X = inputs["reduced_"]
    memo = inputs.memo
    # an edit or a level change reruns this step with the same algorithm: its labels (and a
    # split's parts) come from the runner's memo instead of a refit (seconds at 10^5 works)
    data = hashlib.sha256(np.ascontiguousarray(X).tobytes()).hexdigest()

    def remembered(key, compute):
        return compute() if memo is None else memo.get_or_compute(key, compute)

    algorithm, fitted, why = remembered(make_key("cluster-fit", data, X.shape, params),
                                        lambda: fit(X, params))

    def split(members: np.ndarray, n, seed) -> np.ndarray:
        key = make_key("cluster-split", hashlib.sha256(members.tobytes()).hexdigest(),
                       members.shape, n, seed)
        return remembered(key, lambda: split_labels(members, n, seed)).copy()

    curated = apply_edits(algorithm, list(edits or ()), X, split=split)
    tree = cluster_tree(curated.labels, X)
    shown = labels_at_level(curated.labels, tree, level=int(level)) if level else curated.labels
    return {"labels_": shown, "algorithm_labels_": algorithm.copy(),
            "curated_labels_": curated.labels,
            # no list columns in a stored result (digests hash values): clusters and keywords
            # are added back by study.cluster_tree_
            "hierarchy_": tree.drop(columns=["clusters", "keywords"]),
            "given_names_": {str(k): v for k, v in curated.names.items()},
            "edit_report_": {"applied": curated.applied, "problems": curated.problems},
            "cluster_fit_": {"params": _plain(fitted), "why": why}}


def _plain(params: dict) -> dict:
    """``params`` as JSON values (numpy integers from a fit become ints)."""
    return {k: v.item() if isinstance(v, np.generic) else v for k, v in params.items()}


#: ``labels_`` are the curated labels (the algorithm's, with the edit log applied, cut at
#: ``level``): every later step reads them, so its cache key follows the edits.
STEP = Step("cluster", reads=("reduced_",),
            results={"labels_": "npy", "algorithm_labels_": "npy", "curated_labels_": "npy",
                     "hierarchy_": "parquet", "given_names_": "json", "edit_report_": "json",
                     "cluster_fit_": "json"},
            params=("method", *dict.fromkeys(p for own in METHOD_PARAMS.values() for p in own),
                    "edits", "level"),
            compute=_compute, version=3, libraries=("hdbscan", "scikit-learn"))
