"""The explorer's "clusters" panel: names, edits, undo, a granularity slider and the hierarchy.

One row below the re-cluster controls:

- a list of the clusters with their names and sizes; picking one shows it in the grid;
- **rename** (a text box), **merge with** (a second cluster), **split** (re-cluster inside);
- **new from selection** and **move selection to** (the works lassoed in the plot);
- **undo** (the last edit);
- a **level** slider (0: the clusters; each step merges the two nearest, following
  ``study.cluster_tree_``) and an icicle view of the tree.

Every action calls the study's verb (``study.rename_cluster`` ...), so the edit goes into
``study.edits_`` and is saved with the study; the study's ``on_change`` hook then sends the
new labels and names to the views (no view is rebuilt). Errors are shown in the panel's
status line and passed to ``on_error``.

Example
-------
>>> panel = ClusterPanel(study, plot, grid)     # doctest: +SKIP
>>> panel.rename(3, "Dutch still lifes")   # as typing a name, then "rename"  # doctest: +SKIP
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable

import ipywidgets as W
import numpy as np

__all__ = ["ClusterPanel", "icicle_html"]

_BUTTON = W.Layout(width="auto")


def icicle_html(tree, names: dict[int, str] | None = None, level: int = 0,
                width: int = 100, max_rows: int = 12) -> str:
    """The cluster tree as an HTML icicle: the root on top, one row per level of merging, each
    node as wide as its share of the works; nodes at the current ``level`` cut are outlined.

    >>> import numpy as np
    >>> from artopic_nb.steps.cluster.edits import cluster_tree
    >>> tree = cluster_tree(np.array([0, 0, 1, 2]), np.array([[0.], [0], [1], [5]]))
    >>> "artopic-icicle" in icicle_html(tree)
    True
    """
    names = names or {}
    if tree is None or not len(tree):
        return "<div class='artopic-icicle'><i>no clusters</i></div>"
    total = float(tree["size"].max())
    leaves = tree[tree["level"] == 0]
    # leaf order: depth-first from the root so that every node's leaves are adjacent
    children: dict[int, list[int]] = {}
    for row in tree.itertuples():
        if row.parent != -1:
            children.setdefault(int(row.parent), []).append(int(row.node))
    root = int(tree.loc[tree["parent"] == -1, "node"].iloc[0])
    order: list[int] = []
    stack = [root]
    while stack:
        node = stack.pop()
        kids = children.get(node, [])
        if kids:
            stack.extend(sorted(kids, reverse=True))
        else:
            order.append(node)
    offset, x = {}, 0.0
    size = dict(zip(tree["node"], tree["size"], strict=True))
    for leaf in order:
        offset[leaf] = x
        x += size[leaf] / total
    info = {int(r.node): r for r in tree.itertuples()}

    def left(node: int) -> float:
        kids = children.get(node)
        return offset[node] if not kids else min(left(k) for k in kids)

    k = len(leaves)
    # rows: depth from the root (a binary tree can be deep: show the top max_rows levels)
    depth = {root: 0}
    for node in sorted(info, key=lambda n: -info[n].level):
        for kid in children.get(node, []):
            depth[kid] = depth[node] + 1
    rows = min(max(depth.values()) + 1, max_rows)
    # the nodes at the cut: the highest ancestors of each leaf with level <= the cut
    parent = {int(r.node): int(r.parent) for r in tree.itertuples()}
    cut = set()
    for leaf in leaves["node"]:
        top = int(leaf)
        while parent[top] != -1 and info[parent[top]].level <= level:
            top = parent[top]
        cut.add(top)
    boxes = []
    for node, r in info.items():
        d = depth[node]
        if d >= rows:
            continue
        label = names.get(int(r.label), "") if r.level == 0 else ", ".join(list(r.keywords)[:2])
        title = (f"{'cluster ' + str(node) if r.level == 0 else 'level ' + str(r.level)}: "
                 f"{r.size} works; clusters {list(r.clusters)}; {', '.join(list(r.keywords)[:5])}")
        style = (f"position:absolute;left:{left(node) * width:.3f}%;top:{d * 18}px;"
                 f"width:calc({r.size / total * width:.3f}% - 1px);height:16px;overflow:hidden;"
                 f"background:{'#cfe3f7' if r.level == 0 else '#e8eef5'};font-size:10px;"
                 f"white-space:nowrap;{'outline:2px solid #1f6fb4;' if node in cut else ''}")
        text = html.escape(f"{r.label if r.level == 0 else ''} {label}".strip())
        boxes.append(f"<div class='artopic-icicle-node' data-node='{node}' style='{style}' "
                     f"title='{html.escape(title)}'>{text}</div>")
    return (f"<div class='artopic-icicle' data-clusters='{k}' data-level='{level}' "
            f"style='position:relative;height:{rows * 18}px;width:100%'>{''.join(boxes)}</div>")


class ClusterPanel(W.VBox):
    """Names, edits, undo, a granularity slider and the hierarchy of ``study``'s clusters,
    acting on ``plot`` (its lasso selection) and ``grid`` (the cluster it shows)."""

    def __init__(self, study, plot, grid, on_error: Callable[[str, BaseException], None] | None = None):
        self.study, self.plot, self.grid = study, plot, grid
        self.on_error = on_error
        self.last_ms: float | None = None
        self._updating = False
        self.clusters = W.Select(options=[], rows=6, description="clusters",
                                 layout=W.Layout(width="280px"))
        self.name = W.Text(placeholder="a name", layout=W.Layout(width="160px"))
        self.rename_button = W.Button(description="rename", layout=_BUTTON)
        self.merge_with = W.Dropdown(options=[], description="merge with",
                                     style={"description_width": "initial"},
                                     layout=W.Layout(width="190px"))
        self.merge_button = W.Button(description="merge", layout=_BUTTON)
        self.split_button = W.Button(description="split", layout=_BUTTON,
                                     tooltip="re-cluster inside the picked cluster")
        self.new_button = W.Button(description="new from selection", layout=_BUTTON,
                                   tooltip="the works lassoed in the map become a new cluster")
        self.move_to = W.Dropdown(options=[], description="move selection to",
                                  style={"description_width": "initial"},
                                  layout=W.Layout(width="230px"))
        self.move_button = W.Button(description="move", layout=_BUTTON)
        self.undo_button = W.Button(description="undo", icon="undo", layout=_BUTTON)
        self.level = W.IntSlider(value=0, min=0, max=0, description="coarser →",
                                 continuous_update=False, layout=W.Layout(width="280px"))
        self.tree = W.HTML()
        self.status = W.HTML()
        for button, action in ((self.rename_button, self._on_rename), (self.merge_button, self._on_merge),
                               (self.split_button, self._on_split), (self.new_button, self._on_new),
                               (self.move_button, self._on_move), (self.undo_button, self._on_undo)):
            button.on_click(lambda _b, action=action: self._safe(action.__name__, action))
        self.clusters.observe(lambda ch: self._safe("pick", self._on_pick, ch), names=["value"])
        self.level.observe(lambda ch: self._safe("level", self._on_level, ch), names=["value"])
        edit_row = W.HBox([self.name, self.rename_button, self.merge_with, self.merge_button,
                           self.split_button], layout=W.Layout(flex_flow="row wrap"))
        lasso_row = W.HBox([self.new_button, self.move_to, self.move_button, self.undo_button],
                           layout=W.Layout(flex_flow="row wrap"))
        super().__init__([W.HBox([self.clusters, W.VBox([edit_row, lasso_row, self.level])],
                                 layout=W.Layout(flex_flow="row wrap")), self.tree, self.status])
        self.add_class("artopic-cluster-panel")
        self.refresh()

    # -- what the buttons do (also callable from Python, as a click) --------------------------
    @property
    def picked(self) -> int | None:
        """The cluster picked in the list (None: none)."""
        return None if self.clusters.value is None else int(self.clusters.value)

    def pick(self, cluster: int) -> None:
        self.clusters.value = int(cluster)

    def rename(self, cluster: int, name: str) -> None:
        self._act(f"renamed cluster {cluster}", self.study.rename_cluster, cluster, name)

    def merge(self, clusters) -> None:
        self._act(f"merged clusters {list(clusters)}", self.study.merge_clusters, list(clusters))

    def split(self, cluster: int) -> None:
        self._act(f"split cluster {cluster}", self.study.split_cluster, cluster)

    def new_from_selection(self) -> None:
        ids = list(self.plot.selected_ids)
        if not ids:
            raise ValueError("select works in the map first (lasso or box), then 'new from selection'")
        self._act(f"made a cluster of {len(ids)} works", self.study.new_cluster, ids)

    def move_selection(self, to: int) -> None:
        ids = list(self.plot.selected_ids)
        if not ids:
            raise ValueError("select works in the map first (lasso or box), then 'move'")
        self._act(f"moved {len(ids)} works to {to}", self.study.move_works, ids, to=int(to))

    def undo(self) -> None:
        self._act("undid the last edit", self.study.undo)

    def set_level(self, level: int) -> None:
        self._act(f"level {level}", self.study.cluster, level=int(level))

    # -- internals ------------------------------------------------------------------------------
    def _act(self, what: str, verb: Callable, *args, **kwargs) -> None:
        start = time.perf_counter()
        verb(*args, **kwargs)  # the study's on_change hook updates the views and this panel
        self.last_ms = (time.perf_counter() - start) * 1000
        problems = self.study.get("edit_problems_") or []
        note = f" · {len(problems)} edit(s) no longer apply" if problems else ""
        self.status.value = (f"<span class='artopic-cluster-status'>{html.escape(what)} in "
                             f"{self.last_ms:.0f} ms{html.escape(note)}</span>")

    def _on_rename(self) -> None:
        if self.picked is None:
            raise ValueError("pick a cluster in the list first")
        self.rename(self.picked, self.name.value)

    def _on_merge(self) -> None:
        if self.picked is None or self.merge_with.value is None:
            raise ValueError("pick a cluster in the list and one to merge it with")
        self.merge([self.picked, int(self.merge_with.value)])

    def _on_split(self) -> None:
        if self.picked is None:
            raise ValueError("pick a cluster in the list first")
        self.split(self.picked)

    def _on_new(self) -> None:
        self.new_from_selection()

    def _on_move(self) -> None:
        if self.move_to.value is None:
            raise ValueError("choose where to move the selection")
        self.move_selection(int(self.move_to.value))

    def _on_undo(self) -> None:
        self.undo()

    def _on_pick(self, change) -> None:
        if self._updating or change["new"] is None:
            return
        self.grid.show_cluster(int(change["new"]))
        name = self._names().get(int(change["new"]), "")
        self.name.value = name

    def _on_level(self, change) -> None:
        if self._updating:
            return
        self.set_level(int(change["new"]))

    def _names(self) -> dict[int, str]:
        return dict(self.study.get("cluster_names_") or {})

    def refresh(self, _step: str | None = None) -> None:
        """Show the study's current clusters, names, level and tree."""
        labels = np.asarray(self.study.labels_)
        names = self._names()
        ids, counts = np.unique(labels[labels >= 0], return_counts=True)
        options = [(f"{c} · {names.get(int(c), '')} ({n})".replace(" ·  (", " ("), int(c))
                   for c, n in zip(ids, counts, strict=True)]
        tree = self.study.get("cluster_tree_")
        level = int(self.study.params_.get("cluster", {}).get("level", 0) or 0)
        self._updating = True
        try:
            picked = self.clusters.value
            self.clusters.options = options
            self.clusters.value = picked if picked in ids else None
            self.merge_with.options = options
            self.move_to.options = [*options, ("noise (-1)", -1)]
            k = 0 if tree is None else int((tree["level"] == 0).sum())
            self.level.max = max(k - 1, 0)
            self.level.value = min(level, self.level.max)
            self.level.disabled = k < 2
        finally:
            self._updating = False
        self.tree.value = icicle_html(tree, names, level)

    def _safe(self, where: str, fn: Callable, *args) -> None:
        try:
            fn(*args)
        except Exception as exc:  # shown in the panel, and beside the explorer
            self.status.value = (f"<span class='artopic-cluster-error' style='color:#b3261e'>"
                                 f"{html.escape(str(exc))}</span>")
            if self.on_error is not None:
                self.on_error(f"clusters panel ({where})", exc)
