"""The cluster hierarchy and cluster names (re-exported by :mod:`artopic_nb.steps.cluster.edits`).

:func:`cluster_tree` merges cluster centroids in the reduced space by Ward's criterion, one
pair at a time, so level ``L`` has ``k - L`` clusters; it works for any labels, curated ones
included (``benchmarks/granularity.py`` compares it with HDBSCAN's condensed tree: on the
generated collections both give the same groups, and only this one follows edits).
:func:`labels_at_level` cuts it. :func:`names_from_keywords` and :func:`names_from_claims`
(from :mod:`artopic_nb.text.names`) give each cluster a few distinctive words, unique among the
clusters; names for every level of the tree are :func:`artopic_nb.text.names.level_names`
(``commonalities_.names``).

Example
-------
>>> import numpy as np
>>> lab = np.array([0, 0, 1, 1, 2, 2])
>>> tree = cluster_tree(lab, np.array([[0.], [0.1], [1.], [1.1], [5.], [5.1]]))
>>> labels_at_level(lab, tree, n_clusters=2).tolist()
[0, 0, 0, 0, 2, 2]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ...text.names import names_from_claims, names_from_keywords

__all__ = ["cluster_tree", "labels_at_level", "names_from_claims", "names_from_keywords"]


def cluster_tree(labels: np.ndarray, X: np.ndarray,
                 keywords: Mapping[int, Sequence[str]] | None = None, top_k: int = 5) -> pd.DataFrame:
    """How the clusters of ``labels`` merge into coarser ones: one row per node.

    Leaves are the clusters (``node`` = the cluster number, ``level`` 0); each internal node
    is one merge of the two nodes whose union least increases the within-cluster sum of
    squares in ``X`` (Ward), at ``level`` = 1, 2, ... so that cutting at level ``L`` leaves
    ``k - L`` clusters. Columns: ``node``, ``parent`` (-1 for the root), ``level``, ``size``
    (works), ``clusters`` (the leaf clusters under it), ``label`` (the number its works get
    when cut there: its smallest cluster number), ``cost`` (the merge's Ward cost) and
    ``keywords`` (its clusters' keywords, merged by size-weighted rank; empty without
    ``keywords``).

    >>> X = np.array([[0.], [0.1], [1.], [1.1], [5.], [5.1]])
    >>> tree = cluster_tree(np.array([0, 0, 1, 1, 2, 2]), X)
    >>> tree[["node", "parent", "level", "size", "clusters"]].to_dict("list")["clusters"]
    [[0], [1], [2], [0, 1], [0, 1, 2]]
    """
    labels = np.asarray(labels)
    X = np.asarray(X, dtype=np.float64)
    leaves = sorted(set(labels[labels >= 0].tolist()))
    if not leaves:
        return pd.DataFrame(columns=["node", "parent", "level", "size", "clusters", "label",
                                     "cost", "keywords"])
    # one sum per cluster in one pass (np.add.at) rather than a mask per cluster
    index = np.searchsorted(leaves, labels[labels >= 0])
    sums = np.zeros((len(leaves), X.shape[1]))
    np.add.at(sums, index, X[labels >= 0])
    sizes = np.bincount(index, minlength=len(leaves)).astype(float)
    centres = sums / sizes[:, None]
    next_node = max(leaves) + 1
    nodes = {c: {"node": c, "parent": -1, "level": 0, "size": int(s), "clusters": [c],
                 "label": c, "cost": 0.0} for c, s in zip(leaves, sizes, strict=True)}
    active = list(leaves)
    act_c, act_n = centres.copy(), sizes.copy()
    level = 0
    while len(active) > 1:
        d2 = ((act_c[:, None, :] - act_c[None, :, :]) ** 2).sum(-1)
        cost = act_n[:, None] * act_n[None, :] / (act_n[:, None] + act_n[None, :]) * d2
        np.fill_diagonal(cost, np.inf)
        i, j = np.unravel_index(np.argmin(cost), cost.shape)
        i, j = min(i, j), max(i, j)
        level += 1
        a, b = nodes[active[i]], nodes[active[j]]
        node = {"node": next_node, "parent": -1, "level": level, "size": a["size"] + b["size"],
                "clusters": sorted(a["clusters"] + b["clusters"]),
                "label": min(a["label"], b["label"]), "cost": float(cost[i, j])}
        a["parent"] = b["parent"] = next_node
        nodes[next_node] = node
        merged = (act_c[i] * act_n[i] + act_c[j] * act_n[j]) / (act_n[i] + act_n[j])
        act_c[i], act_n[i] = merged, act_n[i] + act_n[j]
        act_c, act_n = np.delete(act_c, j, 0), np.delete(act_n, j)
        active[i] = next_node
        del active[j]
        next_node += 1
    frame = pd.DataFrame(list(nodes.values()))
    frame["keywords"] = [_merged_keywords(row.clusters, keywords, sizes, leaves, top_k)
                         for row in frame.itertuples()]
    return frame.sort_values(["level", "node"]).reset_index(drop=True)


def _merged_keywords(clusters, keywords, sizes, leaves, top_k) -> list[str]:
    if not keywords:
        return []
    score: dict[str, float] = {}
    for c in clusters:
        weight = sizes[leaves.index(c)]
        for rank, word in enumerate(list(keywords.get(c, []))[:top_k * 2]):
            score[word] = score.get(word, 0.0) + weight / (rank + 1)
    return sorted(score, key=lambda w: (-score[w], w))[:top_k]


def labels_at_level(labels: np.ndarray, tree: pd.DataFrame, level: int | None = None,
                    n_clusters: int | None = None) -> np.ndarray:
    """``labels`` cut from ``tree`` at ``level`` (0: unchanged; each level merges one pair)
    or to ``n_clusters`` clusters. A merged group takes its smallest cluster number.

    >>> X = np.array([[0.], [0.1], [1.], [1.1], [5.], [5.1]])
    >>> lab = np.array([0, 0, 1, 1, 2, 2])
    >>> labels_at_level(lab, cluster_tree(lab, X), level=1).tolist()
    [0, 0, 0, 0, 2, 2]
    """
    labels = np.asarray(labels)
    leaves = tree[tree["level"] == 0]
    k = len(leaves)
    if (level is None) == (n_clusters is None):
        raise ValueError("give level (0 to k - 1) or n_clusters (1 to k), not both")
    if level is None:
        level = k - int(n_clusters)
    if not 0 <= level <= max(k - 1, 0):
        raise ValueError(f"level must be between 0 and {max(k - 1, 0)} ({k} clusters)")
    if level == 0:
        return labels.copy()
    parent = dict(zip(tree["node"], tree["parent"], strict=True))
    node_level = dict(zip(tree["node"], tree["level"], strict=True))
    node_label = dict(zip(tree["node"], tree["label"], strict=True))
    lut = {}
    for c in leaves["node"]:
        top = c
        while parent[top] != -1 and node_level[parent[top]] <= level:
            top = parent[top]
        lut[int(c)] = int(node_label[top])
    mapping = np.full(labels.max(initial=-1) + 2, -1, dtype=np.int64)
    for c, v in lut.items():
        mapping[c + 1] = v
    return mapping[labels + 1]
