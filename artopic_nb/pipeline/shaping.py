"""Shaping a study's clusters: names, merges, splits, moves, undo, levels of the cluster
hierarchy and export; one part of a :class:`~artopic_nb.pipeline.study.Study`, which
delegates its verbs to it. The part owns the edit log and runs the cluster step with it.

Edits are an ordered log over the algorithm's labels (:mod:`artopic_nb.steps.cluster.edits`). The log
is a parameter of the cluster step, so ``labels_`` are the *curated* labels: everything after
it (sampling, describing the samples, commonalities, claims, the views and the report) follows
the edits, and the cache key of every later step changes with them. The algorithm's own
labels stay in ``algorithm_labels_``. Re-clustering (``recluster``, a new reduction) replays
the log on the new labels; edits that no longer apply are listed in ``edit_problems_`` and
said out loud. The log is saved and loaded with the study.

Example
-------
>>> study.rename_cluster(3, "Dutch still lifes").merge_clusters([4, 7])   # doctest: +SKIP
>>> study.split_cluster(0).move_works([12, 40], to=2).undo()              # doctest: +SKIP
>>> study.edits_                    # what, which works, when            # doctest: +SKIP
>>> study.cluster(level=3)          # three merges up the hierarchy      # doctest: +SKIP
>>> study.export("clusters.parquet")                                      # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .runner import StepRunner

__all__ = ["Shaping"]


class Shaping:
    """Cluster names, edits and hierarchy over what a
    :class:`~artopic_nb.pipeline.runner.StepRunner` holds; the edit log is this part's state.

    ``edits``: the log to start from (a loaded study's, from its cluster step's parameters).
    """

    def __init__(self, runner: StepRunner, edits: Sequence[dict] = ()):
        self.runner = runner
        #: the edits made so far (dicts of :func:`artopic_nb.steps.cluster.edits.record`), oldest first
        self.edit_log: list[dict] = list(edits)

    # -- running the cluster step with the log ------------------------------------------------------
    def run_cluster(self, params: dict, why: str = "", level: int | None = None) -> None:
        """Run the cluster step with the algorithm's ``params``, the edit log and ``level``
        (None: the current one); note ``why`` (else the step's own choice) and say which
        edits no longer apply."""
        run = self.runner
        params = {k: v for k, v in params.items() if k not in ("edits", "level")}
        if self.edit_log:  # no edits, no level: the parameters (and key) of plain clustering
            params["edits"] = list(self.edit_log)
        if level is None:
            level = int(run.params_.get("cluster", {}).get("level", 0) or 0)
        if level:
            params["level"] = int(level)
        run.run("cluster", params)
        fit = run.get("cluster_fit_") or {}
        problems = self.edit_problems_
        run.note("cluster", " | ".join([t for t in (why or fit.get("why", ""), *problems) if t]))
        if problems:
            print("artopic_nb: " + "; ".join(problems) + ".")

    @property
    def edits_(self) -> pd.DataFrame:
        """The edits as a frame: ``what``, ``clusters``, ``works`` (how many), ``ids``, ``name``,
        ``when`` and ``applied`` (False: it no longer applies after an upstream re-run)."""
        from ..steps.cluster.edits import edits_frame

        report = self.runner.get("edit_report_") or {}
        applied = report.get("applied")
        return edits_frame(self.edit_log, applied if applied and len(applied) == len(self.edit_log)
                           else None)

    @property
    def edit_problems_(self) -> list[str]:
        """The edits that no longer apply (after an upstream re-run), one sentence each."""
        return list((self.runner.get("edit_report_") or {}).get("problems", []))

    def _edit(self, what: str, **fields: Any) -> None:
        from ..steps.cluster.edits import record

        self.runner.require("labels_")
        self._commit_level()
        self.edit_log.append(record(self.runner.result("labels_"), what, **fields))
        try:
            self._reapply()
        except Exception:
            self.edit_log.pop()
            raise

    def _commit_level(self) -> None:
        """An edit made while looking at a coarser level applies to what is shown: the level's
        merges become edits of their own, and the level goes back to 0."""
        from ..steps.cluster.edits import record

        run = self.runner
        if not int(run.params_.get("cluster", {}).get("level", 0) or 0):
            return
        fine, shown = run.result("curated_labels_"), run.result("labels_")
        for c in sorted(set(shown[shown >= 0].tolist())):
            parts = sorted(set(fine[shown == c].tolist()) - {-1})
            if len(parts) > 1:
                self.edit_log.append(record(fine, "merge", clusters=parts))
                fine = np.where(np.isin(fine, parts), parts[0], fine)
        self._reapply(level=0)

    def _reapply(self, level: int | None = None) -> None:
        self.run_cluster(self.runner.params_["cluster"], level=level)

    # -- verbs ----------------------------------------------------------------------------------
    def rename_cluster(self, cluster: int, name: str) -> None:
        """Name cluster ``cluster`` (shown in the map's legend, the grid, the viewer, the report).

        >>> study.rename_cluster(3, "Dutch still lifes")     # doctest: +SKIP
        """
        self._edit("rename", cluster=cluster, name=name)

    def merge_clusters(self, clusters: Sequence[int], name: str | None = None) -> None:
        """Merge ``clusters`` into the first of them (its number stays; the others go).

        >>> study.merge_clusters([4, 7])                     # doctest: +SKIP
        """
        self._edit("merge", clusters=clusters, name=name)

    def split_cluster(self, cluster: int, n: int | None = None, seed: int | None = None) -> None:
        """Re-cluster inside ``cluster``: ``n`` parts by k-means, or (``None``) the parts
        HDBSCAN finds with the default size rule (two k-means parts if it finds none). The
        largest part keeps the number; the others take the next free ones.

        >>> study.split_cluster(0, n=3)                      # doctest: +SKIP
        """
        self._edit("split", cluster=cluster, n=n, seed=self.runner.seed_for(seed))

    def move_works(self, ids: Sequence[int], to: int) -> None:
        """Move works ``ids`` to cluster ``to`` (``-1``: make them noise).

        >>> study.move_works([12, 40], to=2)                 # doctest: +SKIP
        """
        self._edit("move", ids=ids, to=to)

    def new_cluster(self, ids: Sequence[int], name: str | None = None) -> None:
        """Make works ``ids`` a cluster of their own (the next free number).

        >>> study.new_cluster(study.find("ship").id[:20], name="ships")   # doctest: +SKIP
        """
        self._edit("new", ids=ids, name=name)

    def undo(self) -> None:
        """Drop the last edit (and replay the others)."""
        if not self.edit_log:
            raise ValueError("there is no edit to undo")
        last = self.edit_log.pop()
        try:
            self._reapply()
        except Exception:
            self.edit_log.append(last)
            raise

    # -- what the edits make ----------------------------------------------------------------------
    @property
    def cluster_tree_(self) -> pd.DataFrame:
        """How the (curated) clusters merge into coarser ones: one row per node with
        ``node``, ``parent``, ``level``, ``size``, ``clusters``, ``label``, ``cost``,
        ``keywords`` (from the commonalities, when they ran) and ``name``: a leaf's given
        name or its name, a merged node's name from the commonalities (unique within its
        level), else empty. ``study.cluster(level=L)`` shows the clusters ``L`` merges up."""
        from ..steps.cluster.edits import cluster_tree

        run = self.runner
        run.require("hierarchy_")
        tree = cluster_tree(run.result("curated_labels_"), run.result("reduced_"),
                            keywords=self._keywords())
        com = run.get("commonalities_")
        named = getattr(com, "names", None)
        per_node = {} if named is None or not len(named) else \
            dict(zip(named["node"].astype(int), named["name"].astype(str), strict=True))
        leaves = self.cluster_names_
        tree["name"] = [leaves.get(int(r.node), "") if r.level == 0 else
                        per_node.get(int(r.node), "") for r in tree.itertuples()]
        return tree

    def _keywords(self) -> dict[int, list[str]]:
        com = self.runner.get("commonalities_")
        if com is None or not len(com.keywords):
            return {}
        kw = com.keywords.sort_values("score", ascending=False, kind="stable")
        return {int(c): g["term"].tolist() for c, g in kw.groupby("cluster")}

    @property
    def cluster_names_(self) -> dict[int, str]:
        """A short name per cluster: the name given (``rename_cluster``), else a few words
        from its supported claims or its keywords (after ``find_commonalities``)."""
        from ..steps.cluster.edits import names_from_claims

        self.runner.require("labels_")
        com = self.runner.get("commonalities_")
        names: dict[int, str] = {}
        if com is not None:
            names = names_from_claims(getattr(com, "claims", None), self._keywords())
        present = set(self.runner.result("labels_")[self.runner.result("labels_") >= 0].tolist())
        given = {int(k): v for k, v in (self.runner.get("given_names_") or {}).items()}
        return {c: v for c, v in {**names, **given}.items() if c in present}

    # -- export ---------------------------------------------------------------------------------
    def clusters_table(self) -> pd.DataFrame:
        """One row per curated cluster (noise last): ``cluster``, ``name``, ``size``, ``share``,
        ``keywords``, ``claims`` (the supported ones, best first) and ``members`` (work ids)."""
        from ..text.claims import rank_claims

        self.runner.require("labels_")
        labels = self.runner.result("labels_")
        names = self.cluster_names_
        keywords = self._keywords()
        com = self.runner.get("commonalities_")
        claims = getattr(com, "claims", None)
        rows = []
        for c in sorted(set(labels.tolist()), key=lambda c: (c < 0, c)):
            members = np.flatnonzero(labels == c)
            good: list[str] = []
            if claims is not None and len(claims):
                mine = rank_claims(claims[(claims["cluster"] == c) & (claims["flags"] == "")])
                good = list(dict.fromkeys(mine["claim"].astype(str)))[:10]
            rows.append({"cluster": int(c), "name": "noise" if c < 0 else names.get(int(c), ""),
                         "size": len(members), "share": len(members) / len(labels),
                         "keywords": keywords.get(int(c), [])[:10], "claims": good,
                         "members": members.tolist()})
        return pd.DataFrame(rows)

    def export(self, path: str | os.PathLike, members: str = "rows") -> Path:
        """Write the curated clusters to ``path`` (``.csv`` or ``.parquet``).

        ``members="rows"``: one row per work (id, title when known, cluster, name, size,
        keywords, claims); ``"lists"``: one row per cluster with its members' ids. Lists are
        joined with ``"; "`` in CSV.

        >>> study.export("clusters.csv")                         # doctest: +SKIP
        """
        path = Path(path)
        if members not in ("rows", "lists"):
            raise ValueError("members must be 'rows' (one row per work) or 'lists' (per cluster)")
        if path.suffix not in (".csv", ".parquet"):
            raise ValueError(f"export writes .csv or .parquet files, not {path.suffix or path.name!r}")
        table = self.clusters_table()
        if self.runner.get("commonalities_") is None:  # e.g. after a re-cluster: say what is missing
            print("artopic_nb: exported cluster numbers, sizes, members and the names given; no "
                  "keywords, claims or names from them yet: run study.find_commonalities() "
                  "(after sample and describe) for those.")
        if members == "rows":
            per = table.drop(columns="members").set_index("cluster")
            meta = self.runner.collection.metadata
            frame = pd.DataFrame({"id": np.arange(len(self.runner.result("labels_"))), "cluster": self.runner.result("labels_")})
            for col in ("title", "artist", "file_name"):
                if col in meta.columns:
                    frame[col] = meta[col].to_numpy()
            table = frame.join(per, on="cluster")
        if path.suffix == ".csv":
            table = table.assign(**{c: table[c].apply(lambda v: "; ".join(map(str, v)))
                                    for c in ("keywords", "claims", "members") if c in table})
            table.to_csv(path, index=False)
        else:
            table.to_parquet(path, index=False)
        return path
