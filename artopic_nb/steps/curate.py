"""Curated clusters: an ordered log of a person's edits over the algorithm's labels, the
cluster hierarchy, and cluster names. Plain functions over numpy and pandas (no Study).

An **edit** is a JSON-able dict made by :func:`record` from the labels it applies to:

=========  ==========================================================================
``what``   fields
=========  ==========================================================================
rename     ``cluster``, ``members`` (its works when named), ``name``
merge      ``clusters``, ``members`` (one list per cluster); the first absorbs the rest
split      ``cluster``, ``members``, ``n`` (parts, or None: found by HDBSCAN), ``seed``
move       ``ids``, ``to`` (a cluster, or -1 for noise), ``target`` (its works then)
new        ``ids``, ``name`` (or None); the new cluster gets the next free number
=========  ==========================================================================

Each edit also has ``when`` (ISO time). :func:`apply_edits` replays a log over labels. Cluster
numbers stay put (a merge leaves a gap, a split or a new cluster takes the next free numbers)
so that a person's "cluster 4" means the same thing before and after an unrelated edit.
Because an edit names its clusters by number *and* by the works they held, a log survives an
upstream re-run (new embeddings, a new reduction, other clustering parameters): a cluster is
found again as the one holding most of its works, if it holds at least half of them and they
make at least half of it (:func:`find_cluster`); otherwise the edit no longer applies, and the
replay reports it instead of guessing. Works that no longer exist (ids beyond the labels, or not
``alive``) are left out. Undo is dropping the last edit and replaying.

The **hierarchy** (:func:`cluster_tree`) merges cluster centroids in the reduced space by Ward's
criterion, one pair at a time, so level ``L`` has ``k - L`` clusters; it works for any labels,
curated ones included (``benchmarks/granularity.py`` compares it with HDBSCAN's condensed
tree). :func:`labels_at_level` cuts it. **Names** (:func:`names_from_keywords`,
:func:`names_from_claims`) are a few distinctive words.

Example
-------
>>> import numpy as np
>>> labels = np.array([0, 0, 1, 1, 2, 2, -1])
>>> log = [record(labels, "merge", clusters=[1, 2])]
>>> log.append(record(apply_edits(labels, log).labels, "rename", cluster=1, name="blue"))
>>> out = apply_edits(labels, log)
>>> out.labels.tolist(), out.names, out.problems
([0, 0, 1, 1, 1, 1, -1], {1: 'blue'}, [])
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["EDITS", "Curated", "apply_edits", "cluster_tree", "edits_frame", "find_cluster",
           "labels_at_level", "names_from_claims", "names_from_keywords", "record", "split_labels"]

EDITS = ("rename", "merge", "split", "move", "new")
#: A cluster is found again when it holds this share of its old works, and they this share of it.
MIN_OVERLAP = 0.5


@dataclass
class Curated:
    """The result of replaying an edit log: ``labels``, ``names`` (cluster -> name given),
    ``applied`` (per edit) and ``problems`` (one sentence per edit that no longer applies)."""

    labels: np.ndarray
    names: dict[int, str] = field(default_factory=dict)
    applied: list[bool] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _ids(ids: Any, n: int) -> np.ndarray:
    out = np.unique(np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids, dtype=np.int64))
    bad = out[(out < 0) | (out >= n)]
    if len(bad):
        raise ValueError(f"work ids {bad[:5].tolist()} are not in the collection (0 to {n - 1})")
    return out


def _members(labels: np.ndarray, cluster: int) -> list[int]:
    cluster = int(cluster)
    if cluster < 0:
        raise ValueError("-1 is noise, not a cluster: pick a cluster number >= 0")
    members = np.flatnonzero(labels == cluster)
    if not len(members):
        present = sorted(set(labels[labels >= 0].tolist()))
        raise ValueError(f"there is no cluster {cluster}; the clusters are {present}")
    return members.tolist()


def record(labels: np.ndarray, what: str, *, cluster: int | None = None,
           clusters: Sequence[int] | None = None, ids: Sequence[int] | None = None,
           to: int | None = None, name: str | None = None, n: int | None = None,
           seed: int = 0, when: str | None = None) -> dict:
    """One edit of ``labels`` (the current, curated ones), checked and with the works it
    refers to, ready to append to a log.

    >>> record(np.array([0, 0, 1]), "move", ids=[2], to=0, when="t")
    {'what': 'move', 'ids': [2], 'to': 0, 'target': [0, 1], 'when': 't'}
    """
    labels = np.asarray(labels)
    size = len(labels)
    if what not in EDITS:
        raise ValueError(f"an edit is one of {EDITS}, not {what!r}")
    if what == "rename":
        if not isinstance(name, str) or not name.strip():
            raise ValueError("rename needs a name (a non-empty string)")
        edit = {"what": what, "cluster": int(cluster), "members": _members(labels, cluster),
                "name": name.strip()}
    elif what == "merge":
        clusters = [int(c) for c in dict.fromkeys(clusters or [])]
        if len(clusters) < 2:
            raise ValueError("merge needs at least two different clusters, e.g. [3, 5]")
        edit = {"what": what, "clusters": clusters,
                "members": [_members(labels, c) for c in clusters]}
        if name is not None:
            edit["name"] = str(name)
    elif what == "split":
        if n is not None and int(n) < 2:
            raise ValueError("split needs n >= 2 parts (or n=None to find them)")
        edit = {"what": what, "cluster": int(cluster), "members": _members(labels, cluster),
                "n": None if n is None else int(n), "seed": int(seed)}
    elif what == "move":
        if to is None:
            raise ValueError("move needs to=<cluster> (or to=-1 to make the works noise)")
        target = [] if int(to) < 0 else _members(labels, to)
        edit = {"what": what, "ids": _ids(ids, size).tolist(), "to": int(to), "target": target}
        if not edit["ids"]:
            raise ValueError("move needs at least one work id")
    else:
        edit = {"what": what, "ids": _ids(ids, size).tolist(), "name": name}
        if not edit["ids"]:
            raise ValueError("a new cluster needs at least one work id")
    edit["when"] = when or _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    return edit


def find_cluster(labels: np.ndarray, cluster: int, members: Sequence[int]) -> int | None:
    """The cluster of ``labels`` that is the one numbered ``cluster`` when it held ``members``:
    that number if it still holds exactly them, else the cluster holding most of them if they
    are at least half of its works and it holds at least half of them; None if there is none."""
    labels = np.asarray(labels)
    members = np.asarray(members, dtype=np.int64)
    members = members[members < len(labels)]
    if not len(members):
        return None
    own = labels[members]
    if (own == cluster).all() and (labels == cluster).sum() == len(members):
        return int(cluster)
    own = own[own >= 0]
    if not len(own):
        return None
    values, counts = np.unique(own, return_counts=True)
    best, hits = int(values[counts.argmax()]), int(counts.max())
    if hits >= MIN_OVERLAP * len(members) and hits >= MIN_OVERLAP * (labels == best).sum():
        return best
    return None


def split_labels(X: np.ndarray, n: int | None = None, seed: int = 0) -> np.ndarray:
    """Parts of one cluster's works (rows of ``X``): 0, 1, ... by decreasing size, no noise.

    ``n`` parts by k-means; ``None``: HDBSCAN with the default size rule, its noise given to
    the nearest part; two k-means parts if HDBSCAN finds fewer than two.

    >>> X = np.r_[np.zeros((5, 2)), np.ones((3, 2))]
    >>> split_labels(X, 2).tolist()
    [0, 0, 0, 0, 0, 1, 1, 1]
    """
    from .cluster import _by_size, cluster_labels, resolve_params

    X = np.asarray(X, dtype=np.float64)
    if len(X) < 2:
        raise ValueError("a cluster of one work cannot be split")
    if n is None:
        params, _ = resolve_params("hdbscan", len(X))
        params.pop("method")
        parts = cluster_labels(X, "hdbscan", **params)
        if parts.max() < 1:
            n = 2
        elif (parts < 0).any():
            centres = np.stack([X[parts == p].mean(axis=0) for p in range(parts.max() + 1)])
            lost = np.flatnonzero(parts < 0)
            parts[lost] = np.linalg.norm(X[lost, None] - centres[None], axis=2).argmin(axis=1)
            parts = _by_size(parts)
    if n is not None:
        parts = cluster_labels(X, "kmeans", n_clusters=min(int(n), len(X)), seed=seed)
    return parts


def apply_edits(labels: np.ndarray, edits: Sequence[Mapping], X: np.ndarray | None = None,
                alive: np.ndarray | None = None) -> Curated:
    """Replay ``edits`` in order over the algorithm's ``labels``.

    ``X``: the reduced embeddings (a split re-clusters inside its cluster). ``alive``: a mask
    of the works that still exist (default: all); the others become noise and leave every
    edit. An edit whose clusters cannot be found again, or whose works are all gone, is
    skipped and reported in ``problems``.
    """
    out = np.asarray(labels, dtype=np.int64).copy()
    size = len(out)
    alive = np.ones(size, bool) if alive is None else np.asarray(alive, bool)
    out[~alive] = -1
    result = Curated(out)
    names = result.names

    def live(ids) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        ids = ids[(ids >= 0) & (ids < size)]
        return ids[alive[ids]]

    def find(cluster: int, members) -> int | None:
        return find_cluster(out, cluster, live(members))

    for i, edit in enumerate(edits):
        what, problem = edit["what"], None
        if what == "rename":
            c = find(edit["cluster"], edit["members"])
            if c is None:
                problem = f"cluster {edit['cluster']} ({len(edit['members'])} works) is gone"
            else:
                names[c] = edit["name"]
        elif what == "merge":
            found = [find(c, m) for c, m in zip(edit["clusters"], edit["members"], strict=True)]
            kept = list(dict.fromkeys(c for c in found if c is not None))
            if len(kept) < 2:
                gone = [c for c, f in zip(edit["clusters"], found, strict=True) if f is None]
                problem = f"of clusters {edit['clusters']}, {gone} are gone"
            else:
                into = kept[0]
                out[np.isin(out, kept[1:])] = into
                carried = next((names[c] for c in kept[1:] if c in names), None)
                if into not in names and carried is not None:
                    names[into] = carried
                for c in kept[1:]:
                    names.pop(c, None)
                if edit.get("name"):
                    names[into] = edit["name"]
        elif what == "split":
            c = find(edit["cluster"], edit["members"])
            if c is None:
                problem = f"cluster {edit['cluster']} ({len(edit['members'])} works) is gone"
            elif X is None:
                problem = f"splitting cluster {c} needs the reduced embeddings"
            else:
                members = np.flatnonzero(out == c)
                if len(members) < 2:
                    problem = f"cluster {c} has fewer than two works left"
                else:
                    parts = split_labels(np.asarray(X)[members], edit.get("n"), edit.get("seed", 0))
                    if parts.max() < 1:
                        problem = f"cluster {c} has no parts to split into"
                    else:
                        free = out.max() + 1
                        out[members] = np.where(parts == 0, c, free + parts - 1)
        elif what == "move":
            ids = live(edit["ids"])
            to = int(edit["to"])
            target = -1 if to < 0 else find(to, edit["target"]) if edit["target"] else None
            if not len(ids):
                problem = "none of its works exist any more"
            elif target is None:
                problem = f"its target, cluster {to}, is gone"
            else:
                out[ids] = target
        elif what == "new":
            ids = live(edit["ids"])
            if not len(ids):
                problem = "none of its works exist any more"
            else:
                new = int(out.max() + 1)
                out[ids] = new
                if edit.get("name"):
                    names[new] = edit["name"]
        else:
            problem = f"unknown edit {what!r}"
        result.applied.append(problem is None)
        if problem is not None:
            result.problems.append(f"edit {i + 1} ({what}, {edit.get('when', '')}) no longer "
                                   f"applies: {problem}")
    present = set(out[out >= 0].tolist())
    result.names = {c: v for c, v in names.items() if c in present}
    return result


def edits_frame(edits: Sequence[Mapping], applied: Sequence[bool] | None = None) -> pd.DataFrame:
    """The log as a frame: ``what``, ``clusters`` (the numbers the edit named), ``works``
    (how many), ``ids`` (the works it moved or grouped; the clusters' works otherwise),
    ``name``, ``when`` and ``applied``."""
    rows = []
    for i, e in enumerate(edits):
        if e["what"] in ("move", "new"):
            clusters, ids = ([e["to"]] if e["what"] == "move" else []), list(e["ids"])
        elif e["what"] == "merge":
            clusters, ids = list(e["clusters"]), [i for m in e["members"] for i in m]
        else:
            clusters, ids = [e["cluster"]], list(e["members"])
        rows.append({"what": e["what"], "clusters": clusters, "works": len(ids), "ids": ids,
                     "name": e.get("name"), "when": e.get("when"),
                     "applied": True if applied is None else bool(applied[i])})
    return pd.DataFrame(rows, columns=["what", "clusters", "works", "ids", "name", "when", "applied"])


# -- hierarchy ----------------------------------------------------------------------------------

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


# -- names --------------------------------------------------------------------------------------

def names_from_keywords(keywords: Mapping[int, Sequence[str]], n_words: int = 2) -> dict[int, str]:
    """A short name per cluster: its first ``n_words`` keywords that do not repeat a word
    already taken, with one more keyword where two clusters would get the same name.

    >>> names_from_keywords({0: ["gold leaf", "gold", "halo"], 1: ["sea", "ship"]})
    {0: 'gold leaf, halo', 1: 'sea, ship'}
    """
    names: dict[int, str] = {}
    for c, words in keywords.items():
        picked: list[str] = []
        for w in words:
            if len(picked) >= n_words:
                break
            tokens = set(str(w).lower().split())
            if any(tokens & set(p.lower().split()) for p in picked):
                continue
            picked.append(str(w))
        names[int(c)] = ", ".join(picked)
    seen: dict[str, int] = {}
    for c in list(names):
        if names[c] in seen:
            extra = [w for w in keywords[c] if w not in names[c]]
            if extra:
                names[c] = f"{names[c]}, {extra[0]}"
        seen[names[c]] = c
    return {c: v for c, v in names.items() if v}


def names_from_claims(claims: pd.DataFrame, keywords: Mapping[int, Sequence[str]] | None = None,
                      n_words: int = 2, max_words: int = 4) -> dict[int, str]:
    """A short name per cluster from its *supported* claims: no flag (support >= 0.5 and a
    difference whose interval is above 0), at most ``max_words`` words each, best difference
    first; clusters with none fall back to :func:`names_from_keywords`.
    """
    names = names_from_keywords(keywords or {}, n_words)
    if claims is None or claims.empty:
        return names
    good = claims[(claims["flags"].fillna("") == "") & claims["support"].notna()]
    good = good[good["claim"].astype(str).str.split().str.len() <= max_words]
    good = good.sort_values(["cluster", "difference", "support"], ascending=[True, False, False])
    for c, group in good.groupby("cluster", sort=True):
        words = list(dict.fromkeys(group["claim"].astype(str)))
        names[int(c)] = names_from_keywords({0: words}, n_words).get(0, names.get(int(c), ""))
    return {c: v for c, v in names.items() if v}
