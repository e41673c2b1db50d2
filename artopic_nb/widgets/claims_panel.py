"""The explorer's claims panel: what sets the grid's cluster apart, checked against the works.

It lists the cluster's claims that set it apart (:func:`artopic_nb.text.claims.distinguishing`:
support clearly above the rest, lift at least 1.2), best first; a cluster with none says so in
one line. The claims that hold about as often elsewhere stay in the table, marked by their
flags, and are listed after a click on "all claims". Picking a claim rings the works that
support it green and those that do not bear it out red, in the plot and the grid. The
cluster's summaries are shown with weakly supported sentences marked.

Example: ``ex.claims.show_all.value = True`` lists every claim; ``ex.claims.table`` is what is
listed, row ``k`` being option ``k``.
"""

from __future__ import annotations

import html

import ipywidgets as W
import pandas as pd

__all__ = ["ClaimsPanel", "claim_label"]


class ClaimsPanel(W.VBox):
    """A cluster's claims that set it apart, best first (support here vs elsewhere, flags);
    ``show_all`` adds the others, marked. Picking one shows its evidence in the plot and the
    grid. ``claims.index`` is the row of ``table``."""

    def __init__(self, plot, grid):
        self.plot, self.grid = plot, grid
        self.table = pd.DataFrame()
        self.commonalities = None
        self.cluster: int | None = None
        self.title = W.HTML()
        self.summary = W.HTML()
        self.claims = W.Select(options=[], rows=8, layout=W.Layout(width="100%"))
        self.show_all = W.ToggleButton(value=False, description="all claims",
                                       tooltip="also list the claims that hold about as often "
                                               "elsewhere (marked by their flags)",
                                       layout=W.Layout(width="110px"))
        self.claims.observe(self._on_pick, names=["index"])
        self.show_all.observe(lambda _change: self.show(self.commonalities, self.cluster),
                              names=["value"])
        super().__init__([W.HBox([self.title, self.show_all]), self.claims, self.summary])
        self.add_class("artopic-claims")

    def show(self, commonalities, cluster: int | None) -> None:
        """List ``cluster``'s claims from ``commonalities`` (None: none yet)."""
        from ..text.claims import distinguishing, distinguishing_line

        self.commonalities, self.cluster = commonalities, cluster
        claims = None if commonalities is None else commonalities.claims
        if claims is None or not len(claims) or cluster is None:
            self.table = pd.DataFrame()
            self.claims.options = []
            self.title.value = ("<i>claims: run study.find_commonalities() to check what each "
                                "cluster's keywords and summaries say</i>")
            self.summary.value = ""
            return
        every = commonalities.claims_of(cluster)
        apart = distinguishing(every)
        self.table = every if self.show_all.value else every[apart].reset_index(drop=True)
        self.claims.index = None
        self.claims.options = [(claim_label(r), k) for k, r in enumerate(self.table.itertuples())]
        judges = ", ".join(dict.fromkeys(every["judge"])) or "none"
        hidden = int((~apart).sum())
        line = distinguishing_line(every)
        self.title.value = (
            f"<b>What sets cluster {cluster} apart</b> · support here vs elsewhere · judge: "
            f"{html.escape(judges)} · pick one: green rings support it, red ones do not"
            + (f"<br><i class='artopic-no-apart'>{html.escape(line)}</i>" if line else "")
            + (f"<br><span style='color:#666'>{hidden} claim{'s' if hidden != 1 else ''} that "
               "hold about as often elsewhere "
               + ("listed after them, marked" if self.show_all.value else "not listed")
               + "</span>" if hidden else ""))
        parts = []
        for aspect in ("visual", "content"):
            marked = commonalities.marked_summary(cluster, aspect)
            if marked:
                text = " ".join(html.escape(s) if not weak else
                                f"<span class='artopic-weak' style='background:#fde2e1' title="
                                f"'support {support:.0%}: below the threshold'>{html.escape(s)} "
                                f"[weak: {support:.0%}]</span>" for s, support, weak in marked)
                parts.append(f"<div><b>{aspect} summary:</b> {text}</div>")
        self.summary.value = "".join(parts)

    def _on_pick(self, change) -> None:
        k = change["new"]
        if k is None or k >= len(self.table):
            self.plot.show_evidence()
            self.grid.show_evidence()
            return
        row = self.table.iloc[k]
        self.plot.show_evidence(row["supporting_ids"], row["contradicting_ids"])
        self.grid.show_evidence(row["supporting_ids"], row["contradicting_ids"],
                                cluster=int(row["cluster"]))


def claim_label(r) -> str:
    """One claim as an option: lift, support here vs elsewhere, the claim, its source, flags."""
    flag = f" ⚠ {r.flags}" if r.flags else ""
    return (f"{r.lift:4.1f}×  {r.support:4.0%} vs {r.contrast:4.0%}  {r.claim}  "
            f"({r.source}{', ' + r.aspect if r.aspect else ''}){flag}")
