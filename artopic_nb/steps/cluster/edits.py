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

The hierarchy (:func:`cluster_tree`, :func:`labels_at_level`) and names
(:func:`names_from_keywords`, :func:`names_from_claims`) live in :mod:`.hierarchy` and are
re-exported here.

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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .hierarchy import cluster_tree, labels_at_level, names_from_claims, names_from_keywords

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


def _whole(value: Any, what: str) -> int:
    """``value`` as a whole number, or a ValueError naming ``what`` and what is accepted."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        try:
            if isinstance(value, (float, np.floating)) and float(value).is_integer():
                return int(value)
        except (TypeError, ValueError):
            pass
        raise ValueError(f"{what} must be a whole number, not {value!r}")
    return int(value)


def _ids(ids: Any, n: int) -> np.ndarray:
    if isinstance(ids, (str, bytes)) or not hasattr(ids, "__iter__"):
        raise ValueError(f"ids must be a list of work ids (whole numbers 0 to {n - 1}), "
                         f"not {ids!r}")
    out = np.unique(np.asarray([_whole(i, f"each of ids (work ids 0 to {n - 1})") for i in ids],
                               dtype=np.int64))
    bad = out[(out < 0) | (out >= n)]
    if len(bad):
        raise ValueError(f"work ids {bad[:5].tolist()} are not in the collection (0 to {n - 1})")
    return out


def _members(labels: np.ndarray, cluster: Any) -> list[int]:
    cluster = _whole(cluster, "a cluster")
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
        edit = {"what": what, "cluster": _whole(cluster, "a cluster"),
                "members": _members(labels, cluster), "name": name.strip()}
    elif what == "merge":
        if isinstance(clusters, (str, bytes)) or not hasattr(clusters, "__iter__"):
            raise ValueError(f"clusters must be a list of cluster numbers, e.g. [3, 5], not {clusters!r}")
        clusters = [_whole(c, "a cluster") for c in dict.fromkeys(clusters)]
        if len(clusters) < 2:
            raise ValueError("merge needs at least two different clusters, e.g. [3, 5]")
        edit = {"what": what, "clusters": clusters,
                "members": [_members(labels, c) for c in clusters]}
        if name is not None:
            edit["name"] = str(name)
    elif what == "split":
        members = _members(labels, cluster)
        if n is not None:
            n = _whole(n, "n (the number of parts)")
            if not 2 <= n < len(members):
                raise ValueError(
                    f"cluster {int(cluster)} has {len(members)} works: split it into 2 to "
                    f"{len(members) - 1} parts (n), or n=None to find them" if len(members) > 2
                    else f"cluster {int(cluster)} has {len(members)} works: too few to split")
        edit = {"what": what, "cluster": int(cluster), "members": members,
                "n": n, "seed": int(seed)}
    elif what == "move":
        if to is None:
            raise ValueError("move needs to=<cluster> (or to=-1 to make the works noise)")
        to = _whole(to, "to (the cluster to move the works to, or -1 for noise)")
        target = [] if to < 0 else _members(labels, to)
        edit = {"what": what, "ids": _ids(ids, size).tolist(), "to": to, "target": target}
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

    ``n`` parts by k-means; ``None``: HDBSCAN (``min_cluster_size`` 0.6 * sqrt(m) of the
    cluster's m works, at least 2), its noise given to the nearest part; two k-means parts if
    HDBSCAN finds fewer than two.

    >>> X = np.r_[np.zeros((5, 2)), np.ones((3, 2))]
    >>> split_labels(X, 2).tolist()
    [0, 0, 0, 0, 0, 1, 1, 1]
    """
    X = np.asarray(X, dtype=np.float64)
    m = len(X)
    if m < 2:
        raise ValueError("a cluster of one work cannot be split")
    if n is None:
        size = min(m, max(2, round(0.6 * m ** 0.5)))
        try:
            import hdbscan

            parts = hdbscan.HDBSCAN(min_cluster_size=size, core_dist_n_jobs=1).fit_predict(X)
        except ImportError:  # scikit-learn's own
            from sklearn.cluster import HDBSCAN

            parts = HDBSCAN(min_cluster_size=size).fit_predict(X)
        parts = np.asarray(parts, dtype=np.int64)
        if parts.max() < 1:
            n = 2
        elif (parts < 0).any():
            centres = np.stack([X[parts == p].mean(axis=0) for p in range(parts.max() + 1)])
            lost = np.flatnonzero(parts < 0)
            parts[lost] = np.linalg.norm(X[lost, None] - centres[None], axis=2).argmin(axis=1)
    if n is not None:
        from sklearn.cluster import KMeans

        k = min(int(n), m)
        parts = KMeans(n_clusters=k, n_init=10 if m <= 5000 else 1, random_state=seed).fit_predict(X)
    # by decreasing size, ties by first appearance
    ids, first, counts = np.unique(parts, return_index=True, return_counts=True)
    order = ids[np.lexsort((first, -counts))]
    rank = np.empty(ids.max() + 1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[parts]


def apply_edits(labels: np.ndarray, edits: Sequence[Mapping], X: np.ndarray | None = None,
                alive: np.ndarray | None = None,
                split: Callable[[np.ndarray, int | None, int], np.ndarray] = split_labels
                ) -> Curated:
    """Replay ``edits`` in order over the algorithm's ``labels``.

    ``X``: the reduced embeddings (a split re-clusters inside its cluster). ``alive``: a mask
    of the works that still exist (default: all); the others become noise and leave every
    edit. An edit whose clusters cannot be found again, or whose works are all gone, is
    skipped and reported in ``problems``. ``split(X_members, n, seed)``: how a split finds
    its parts (:func:`split_labels`; the cluster step passes one that remembers them, since
    an undo replays every split of the log).
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
                    parts = split(np.asarray(X)[members], edit.get("n"), edit.get("seed", 0))
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
