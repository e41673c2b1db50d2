"""Which works of a map earn a picture first when there is no room for all of them.

PixPlot's hotspots, then a spatial hierarchy: each cluster's medoid, largest cluster first, then
one work per cell of a grid that doubles in resolution at every level, dense cells first. Any
prefix of the order is spread over the map. The image map (``EmbeddingPlot(draw="images")``)
and the report's still image (:func:`artopic_nb.data.atlas.map_image`) both use it.

Example
-------
>>> import numpy as np
>>> coords = np.random.default_rng(0).normal(size=(500, 2))
>>> ranks = picture_ranks(coords, labels=(coords[:, 0] > 0).astype(int))
>>> sorted(ranks.tolist()) == list(range(500))
True
"""

from __future__ import annotations

import numpy as np

__all__ = ["cluster_centroids", "medoids", "picture_ranks"]


def medoids(coords: np.ndarray, labels: np.ndarray, sample: int = 128, seed: int = 0
            ) -> dict[int, int]:
    """Each cluster's medoid in the map: the member with the least summed distance to the
    others. For a large cluster, an estimate: among the ``sample`` members nearest its median
    point, the one with the least summed distance to ``sample`` members drawn with ``seed``.
    Noise (-1) has none.

    >>> medoids(np.array([[0., 0], [1, 0], [5, 0], [9, 9]]), np.array([0, 0, 0, -1]))
    {0: 1}
    """
    coords = np.asarray(coords, dtype=np.float64)
    labels = np.asarray(labels).astype(np.int64)
    rng = np.random.default_rng(seed)
    by = np.argsort(labels, kind="stable")
    values, starts = np.unique(labels[by], return_index=True)
    ends = np.r_[starts[1:], len(by)]
    out = {}
    for c, a, b in zip(values, starts, ends, strict=True):
        if c < 0:
            continue
        members = by[a:b]
        cand = ref = members
        if len(members) > sample:
            ref = rng.choice(members, sample, replace=False)
            near = ((coords[members] - np.median(coords[members], 0)) ** 2).sum(1)
            cand = members[np.argpartition(near, sample)[:sample]]
        d = np.sqrt(((coords[cand, None, :] - coords[None, ref, :]) ** 2).sum(-1)).sum(1)
        out[int(c)] = int(cand[int(np.argmin(d))])
    return out


def cluster_centroids(coords: np.ndarray, labels: np.ndarray) -> dict[int, tuple[float, float]]:
    """The mean position of each cluster's works (noise excluded).

    >>> cluster_centroids(np.array([[0., 0], [2, 2], [5, 5]]), np.array([0, 0, -1]))
    {0: (1.0, 1.0)}
    """
    coords = np.asarray(coords, dtype=np.float64)
    labels = np.asarray(labels).astype(np.int64)
    return {int(c): tuple(float(v) for v in coords[labels == c].mean(0))
            for c in np.unique(labels[labels >= 0])}


def picture_ranks(coords: np.ndarray, labels: np.ndarray | None = None, seed: int = 0,
                  max_levels: int = 16) -> np.ndarray:
    """The rank of every work (0 first) in the order works earn a picture; see the module
    docstring. Returns an int32 permutation of ``0..n-1`` indexed by work.

    >>> picture_ranks(np.array([[0., 0], [1, 1], [0.1, 0.1]]), np.array([0, 0, 0])).tolist()
    [2, 1, 0]
    """
    coords = np.asarray(coords, dtype=np.float64)
    n = len(coords)
    order: list[np.ndarray] = []
    taken = np.zeros(n, dtype=bool)
    if labels is not None and n:
        labels = np.asarray(labels).astype(np.int64)
        sizes = {c: int((labels == c).sum()) for c in np.unique(labels[labels >= 0])}
        med = medoids(coords, labels, seed=seed)
        first = np.array([med[c] for c in sorted(sizes, key=lambda c: (-sizes[c], c))], np.int64)
        order.append(first)
        taken[first] = True
    if n:
        lo = coords.min(0)
        span = np.maximum(coords.max(0) - lo, 1e-12)
        unit = (coords - lo) / span
        # beyond about one cell per work a level adds few works: the rest keep their id order
        levels = min(max_levels, int(np.ceil(np.log2(max(n, 2)) / 2)) + 2)
        for level in range(1, levels + 1):
            if taken.all():
                break
            g = 1 << level
            cell = np.minimum((unit * g).astype(np.int64), g - 1)
            cells, cid = np.unique(cell[:, 1] * g + cell[:, 0], return_inverse=True)
            m = len(cells)
            count = np.bincount(cid, minlength=m)
            mean = np.stack([np.bincount(cid, coords[:, k], minlength=m) for k in (0, 1)], 1)
            mean /= np.maximum(count, 1)[:, None]
            has = np.zeros(m, dtype=bool)
            has[cid[taken]] = True
            cand = np.flatnonzero(~taken & ~has[cid])
            if not len(cand):
                continue
            dist = ((coords[cand] - mean[cid[cand]]) ** 2).sum(1)
            # per cell the candidate nearest the cell's mean; cells by population, densest first
            by = np.lexsort((dist, cid[cand]))
            cand, ccid = cand[by], cid[cand][by]
            firsts = cand[np.r_[True, ccid[1:] != ccid[:-1]]]
            firsts = firsts[np.argsort(-count[cid[firsts]], kind="stable")]
            order.append(firsts)
            taken[firsts] = True
        rest = np.flatnonzero(~taken)
        if len(rest):
            order.append(rest)
    flat = np.concatenate(order) if order else np.zeros(0, np.int64)
    ranks = np.empty(n, dtype=np.int32)
    ranks[flat] = np.arange(n, dtype=np.int32)
    return ranks
