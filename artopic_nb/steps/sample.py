"""Per-cluster samples of artworks: random, central or diverse; seeded and recorded.

Every cluster gets the same ``per_cluster`` works (fewer when it is smaller), so small
clusters are described as well as large ones. Noise (label -1) is left out unless
``include_noise=True``.

- ``random``: a seeded random choice;
- ``central``: the works nearest the cluster's mean embedding (its most typical works);
- ``diverse``: farthest-point sampling from the most central work, so the sample spans the
  cluster (the seed breaks ties only).

Example
-------
>>> import numpy as np
>>> X = np.eye(6, dtype="float32"); labels = np.array([0, 0, 0, 1, 1, -1])
>>> sample_per_cluster(X, labels, per_cluster=2, strategy="central").cluster.tolist()
[0, 0, 1, 1]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .base import Inputs, Step

__all__ = ["STEP", "STRATEGIES", "sample_per_cluster"]

STRATEGIES = ("random", "central", "diverse")


def _central_order(X: np.ndarray) -> np.ndarray:
    centre = X.mean(axis=0)
    return np.argsort(np.linalg.norm(X - centre, axis=1), kind="stable")


def _diverse(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    chosen = [int(_central_order(X)[0])]
    dist = np.linalg.norm(X - X[chosen[0]], axis=1)
    jitter = rng.random(len(X)) * 1e-9  # reproducible tie-breaking
    while len(chosen) < k:
        nxt = int(np.argmax(dist + jitter))
        chosen.append(nxt)
        dist = np.minimum(dist, np.linalg.norm(X - X[nxt], axis=1))
    return np.array(chosen)


def sample_per_cluster(
    X: np.ndarray,
    labels: np.ndarray,
    per_cluster: int = 6,
    strategy: str = "diverse",
    seed: int = 0,
    include_noise: bool = False,
) -> pd.DataFrame:
    """A DataFrame(id, cluster, rank) of up to ``per_cluster`` works per cluster."""
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, not {strategy!r}")
    if per_cluster < 1:
        raise ValueError(f"per_cluster must be at least 1, got {per_cluster}")
    X = np.asarray(X, dtype=np.float32)
    labels = np.asarray(labels)
    if len(X) != len(labels):
        raise ValueError(f"{len(X)} embeddings but {len(labels)} labels")
    rng = np.random.default_rng(seed)
    rows = []
    for c in sorted(set(labels.tolist()), key=lambda c: (c < 0, c)):
        if c < 0 and not include_noise:
            continue
        members = np.flatnonzero(labels == c)
        k = min(per_cluster, len(members))
        if strategy == "random":
            picked = rng.choice(members, size=k, replace=False)
        elif strategy == "central":
            picked = members[_central_order(X[members])[:k]]
        else:
            picked = members[_diverse(X[members], k, rng)]
        rows += [(int(i), int(c), rank) for rank, i in enumerate(picked)]
    return pd.DataFrame(rows, columns=["id", "cluster", "rank"]).astype("int64")


def _compute(inputs: Inputs, **params) -> dict:
    return {"samples_": sample_per_cluster(inputs["embeddings_"], inputs["labels_"], **params)}


STEP = Step("sample", reads=("embeddings_", "labels_"), results={"samples_": "parquet"},
            params=("per_cluster", "strategy", "seed", "include_noise"), compute=_compute)
