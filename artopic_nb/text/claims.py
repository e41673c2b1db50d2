"""Claims about clusters, checked against the works: support inside, contrast outside, evidence.

A *claim* is one property said of a cluster: a keyword ("gold background"), an atomic part
of an LLM summary sentence, or a user's own text (:func:`check_claim`). A judge
(:mod:`artopic_nb.text.judges`, :mod:`artopic_nb.models.judges`) gives a verdict per (claim, described work); from them:

- **support**: the share of the cluster's described works that support the claim
  (verdict 1), with a Wilson interval;
- **contrast**: the same share among described works outside the cluster;
- **difference** = support - contrast, with Newcombe's hybrid score interval (method 10,
  built from the two Wilson intervals), and **lift** = support / contrast, each share
  smoothed by adding half a work ((k + 0.5) / (n + 1)) so that lift is finite;
- **evidence**: the ids of the members that support it and of those that do not
  (verdict -1: contradicted, or for a matching judge described without a match);
- **flags**: ``"low support"`` (support < ``min_support``, 0.5: the claim is not true of
  most of the cluster), ``"no contrast"`` (the difference's interval reaches 0: the claim
  does not set the cluster apart), ``"small contrast"`` (the interval is above 0 but the
  lift is below :data:`MIN_LIFT`, 1.2: a many-work cluster makes a tiny difference
  certain), ``"nothing outside"`` (no described work outside).

A claim is **distinguishing** (:func:`distinguishing`) when some described work of its
cluster supports it, its lift is at least :data:`MIN_LIFT` and its difference's interval is
above 0. :func:`rank_claims` lists those first (the ones true of most of the cluster before
the others); the rest stay in the table, marked by their flags, and views show them only on
request, saying in one line when a cluster has none (:func:`distinguishing_line`).

A work described by several models supports a claim when any of its descriptions does; it
counts against it when none supports and none is undecided. Rows of different judges are never
pooled: each row names its ``judge`` (and ``judge_id``).

Atomic claims come from :func:`artopic_nb.text.sentences.split_claims`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .judges import text_judge
from .sentences import split_claims, split_sentences

if TYPE_CHECKING:
    from .judges import Judge

__all__ = ["CLAIM_COLUMNS", "MIN_LIFT", "MIN_SUPPORT", "check_claim", "claims_from",
           "difference_interval", "distinguishing", "distinguishing_line", "keyword_figures",
           "mark_summary", "rank_claims", "score_claims", "wilson_interval"]

#: Below this support a claim is flagged "low support", and a summary sentence is marked.
MIN_SUPPORT = 0.5
#: Below this lift a claim does not set its cluster apart, whatever its interval says.
MIN_LIFT = 1.2
CLAIM_COLUMNS = ["cluster", "claim", "source", "aspect", "sentence", "judge", "judge_id", "n",
                 "support", "support_lo", "support_hi", "n_out", "contrast", "contrast_lo",
                 "contrast_hi", "difference", "difference_lo", "difference_hi", "lift", "flags",
                 "supporting_ids", "contradicting_ids"]
EVIDENCE_COLUMNS = ("supporting_ids", "contradicting_ids")

def claims_from(keywords: pd.DataFrame | None = None, summaries: pd.DataFrame | None = None,
                top_k: int | None = None) -> pd.DataFrame:
    """Claims to check: every keyword (its ``top_k`` per cluster and aspect when given) and
    every atomic claim of every summary. DataFrame(cluster, claim, source, aspect, sentence)."""
    rows = []
    if keywords is not None and len(keywords):
        kw = keywords if top_k is None else keywords[keywords["rank"] <= top_k]
        for r in kw.itertuples():
            rows.append((int(r.cluster), str(r.term), "keyword", str(r.aspect), ""))
    if summaries is not None and len(summaries):
        for r in summaries.itertuples():
            for claim, sentence in split_claims(str(r.summary)):
                rows.append((int(r.cluster), claim, "summary", str(r.aspect), sentence))
    frame = pd.DataFrame(rows, columns=["cluster", "claim", "source", "aspect", "sentence"])
    return frame.drop_duplicates(["cluster", "claim", "source", "aspect"]).reset_index(drop=True)


# -- intervals -------------------------------------------------------------------------------

def wilson_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion ``k / n`` ((nan, nan) when ``n`` is 0)."""
    if n <= 0:
        return float("nan"), float("nan")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)  # stdlib: no scipy import for a warm study
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (0.0 if k == 0 else max(0.0, centre - half)), (1.0 if k == n else min(1.0, centre + half))


def difference_interval(k1: int, n1: int, k0: int, n0: int,
                        confidence: float = 0.95) -> tuple[float, float]:
    """Newcombe's hybrid score interval of ``k1/n1 - k0/n0`` (his method 10)."""
    if n1 <= 0 or n0 <= 0:
        return float("nan"), float("nan")
    p1, p0 = k1 / n1, k0 / n0
    l1, u1 = wilson_interval(k1, n1, confidence)
    l0, u0 = wilson_interval(k0, n0, confidence)
    d = p1 - p0
    return (d - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2),
            d + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2))


# -- scoring ---------------------------------------------------------------------------------

def work_verdicts(judge: Judge, claims: Sequence[str], descriptions: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(work ids, claims x works verdicts). A text judge reads every description; a work's
    verdict is the best of its descriptions' (1 if any supports, -1 if none supports and none
    is undecided, else 0). An image judge reads each work's image once."""
    ids = np.array(sorted(set(descriptions["id"].astype(int))), dtype=np.int64)
    if judge.unit == "image":
        return ids, np.asarray(judge.verdicts(list(claims), ids.tolist()), dtype=np.int8)
    rows = np.asarray(judge.verdicts(list(claims), descriptions["text"].astype(str).tolist()),
                      dtype=np.int8).reshape(len(claims), len(descriptions))
    col = np.searchsorted(ids, descriptions["id"].astype(int).to_numpy())
    best = np.full((len(claims), len(ids)), -1, dtype=np.int8)
    for j, c in enumerate(col):
        best[:, c] = np.maximum(best[:, c], rows[:, j])
    return ids, best


def _row(verdicts: np.ndarray, inside: np.ndarray, ids: np.ndarray,
         confidence: float, min_support: float) -> dict[str, Any]:
    member, other = verdicts[inside], verdicts[~inside]
    n1, n0 = int(inside.sum()), int((~inside).sum())
    k1, k0 = int((member == 1).sum()), int((other == 1).sum())
    s = k1 / n1 if n1 else float("nan")
    c = k0 / n0 if n0 else float("nan")
    d_lo, d_hi = difference_interval(k1, n1, k0, n0, confidence)
    flags = []
    if not n1 or s < min_support:
        flags.append("low support")
    lift = ((k1 + 0.5) / (n1 + 1)) / ((k0 + 0.5) / (n0 + 1))
    if not n0:
        flags.append("nothing outside")
    elif not d_lo > 0:
        flags.append("no contrast")
    elif lift < MIN_LIFT:
        flags.append("small contrast")
    return {"n": n1, "support": s, **dict(zip(("support_lo", "support_hi"),
                                               wilson_interval(k1, n1, confidence), strict=True)),
            "n_out": n0, "contrast": c,
            **dict(zip(("contrast_lo", "contrast_hi"), wilson_interval(k0, n0, confidence),
                       strict=True)),
            "difference": s - c if n1 and n0 else float("nan"), "difference_lo": d_lo,
            "difference_hi": d_hi, "lift": lift, "flags": ", ".join(flags),
            "supporting_ids": [int(i) for i in ids[inside][member == 1]],
            "contradicting_ids": [int(i) for i in ids[inside][member == -1]]}


def score_claims(claims: pd.DataFrame, descriptions: pd.DataFrame, judge: Any = "embedding", *,
                 min_support: float = MIN_SUPPORT, confidence: float = 0.95,
                 max_outside: int | None = None, seed: int = 0, **judge_options: Any) -> pd.DataFrame:
    """Support, contrast, lift, intervals, flags and evidence of each claim (see module doc).

    ``claims``: DataFrame(cluster, claim, source[, aspect, sentence]); ``descriptions``:
    DataFrame(id, text, cluster), one row per (work, describing model). ``judge``: a judge
    (any registered one: ``artopic_nb.models.load("judge", "nli")``), or by name the judges
    that need no model registry, ``"embedding"`` (``"embedding:<encoder>"``) and
    ``"lexical"`` (:func:`artopic_nb.text.judges.text_judge`; ``judge_options`` go to it).
    ``max_outside``: judge at most this many works outside each cluster (drawn with
    ``seed``), for slow judges; the intervals say how many were used (``n_out``).
    Returns one row per claim with :data:`CLAIM_COLUMNS`.
    """
    judge = text_judge(judge, **judge_options)
    if claims.empty or descriptions.empty:
        return pd.DataFrame(columns=CLAIM_COLUMNS)
    claims = claims.assign(**{c: "" for c in ("aspect", "sentence") if c not in claims.columns})
    cluster_of = descriptions.drop_duplicates("id").set_index("id")["cluster"].astype(int)
    all_ids = np.array(sorted(cluster_of.index.astype(int)), dtype=np.int64)
    rng = np.random.default_rng(seed)
    shared = None
    if max_outside is None:  # every cluster reads the same works: judge each claim once
        unique = list(dict.fromkeys(claims["claim"].astype(str)))
        shared = ({c: i for i, c in enumerate(unique)}, *work_verdicts(judge, unique, descriptions))
    rows = []
    for cluster, group in claims.groupby("cluster", sort=True):
        if shared is None:
            outside = all_ids[cluster_of.loc[all_ids].to_numpy() != cluster]
            keep = set(all_ids.tolist())
            if len(outside) > max_outside:
                keep -= set(outside.tolist()) - set(rng.choice(outside, max_outside, replace=False).tolist())
            unique = list(dict.fromkeys(group["claim"].astype(str)))
            at, ids, verdicts = ({c: i for i, c in enumerate(unique)},
                                 *work_verdicts(judge, unique, descriptions[descriptions["id"].isin(keep)]))
        else:
            at, ids, verdicts = shared
        inside = cluster_of.loc[ids].to_numpy() == int(cluster)
        for r in group.itertuples():
            rows.append({"cluster": int(cluster), "claim": str(r.claim), "source": str(r.source),
                         "aspect": str(r.aspect), "sentence": str(r.sentence),
                         "judge": judge.name, "judge_id": judge.judge_id,
                         **_row(verdicts[at[str(r.claim)]], inside, ids, confidence, min_support)})
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def check_claim(text: str, descriptions: pd.DataFrame, cluster: int, judge: Any = "embedding",
                **options: Any) -> pd.DataFrame:
    """One user's claim about ``cluster``: a one-row claims table (``source="user"``).
    ``descriptions``: DataFrame(id, text, cluster); ``options`` go to :func:`score_claims`."""
    if int(cluster) not in set(descriptions["cluster"].astype(int)):
        raise ValueError(f"no described work in cluster {cluster}; clusters with descriptions: "
                         f"{sorted(set(descriptions['cluster'].astype(int)))}")
    claims = pd.DataFrame({"cluster": [int(cluster)], "claim": [str(text)], "source": ["user"],
                           "aspect": [""], "sentence": [""]})
    return score_claims(claims, descriptions, judge, **options)


def distinguishing(claims: pd.DataFrame, min_lift: float = MIN_LIFT) -> pd.Series:
    """Per claim, whether it sets its cluster apart: some described work of the cluster
    supports it, its lift is at least ``min_lift`` and (where the table has it) the
    interval of its difference is above 0 and some described work lies outside.

    >>> c = pd.DataFrame({"lift": [2.0, 1.1, 3.0], "support": [0.8, 0.9, 0.4],
    ...                   "difference_lo": [0.2, 0.05, -0.1]})
    >>> distinguishing(c).tolist()
    [True, False, False]
    """
    def number(column: str, default: float) -> pd.Series:
        if column not in claims.columns:
            return pd.Series(default, index=claims.index, dtype=float)
        return pd.to_numeric(claims[column], errors="coerce")

    keep = (number("support", 0.0).fillna(0) > 0) & (number("lift", 0.0).fillna(0) >= min_lift)
    keep &= number("difference_lo", 1.0).fillna(-1.0) > 0
    keep &= number("n_out", 1.0).fillna(0) > 0
    return keep


def rank_claims(claims: pd.DataFrame, sort: str = "lift", min_support: float = MIN_SUPPORT,
                min_lift: float = MIN_LIFT) -> pd.DataFrame:
    """``claims`` in the order to read them: the distinguishing ones (:func:`distinguishing`)
    first, those true of most of the cluster (support >= ``min_support``) before the others;
    then the claims that do not set the cluster apart; last the claims that no described
    work in the cluster supports (support 0 or unknown): smoothing gives a claim supported
    nowhere a lift of (m + 1) / (n + 1) with n works inside and m outside (2.7x for 60 and
    164), which must not put it above a claim that is true. Within each group, highest
    ``sort`` first, then support.

    >>> c = pd.DataFrame({"claim": ["none", "some", "same"], "lift": [2.7, 1.5, 1.0],
    ...                   "support": [0.0, 0.6, 1.0]})
    >>> rank_claims(c)["claim"].tolist()
    ['some', 'same', 'none']
    """
    support = pd.to_numeric(claims["support"], errors="coerce").fillna(0) if "support" in claims \
        else pd.Series(0.0, index=claims.index)
    apart = distinguishing(claims, min_lift)
    group = np.where(apart & (support >= min_support), 0, np.where(apart, 1, np.where(support > 0, 2, 3)))
    return claims.assign(_group=group).sort_values(
        ["_group", sort, "support"], ascending=[True, False, False], kind="stable").drop(columns="_group")


def distinguishing_line(claims: pd.DataFrame, min_lift: float = MIN_LIFT) -> str:
    """One line for a cluster's claims with none that sets it apart (``""`` otherwise).

    >>> distinguishing_line(pd.DataFrame({"lift": [1.0, 1.1], "support": [1.0, 0.9]}))
    'No claim sets this cluster apart: the 2 checked hold about as often elsewhere (lift below 1.2 or within chance).'
    """
    if not len(claims):
        return "No claim about this cluster was checked."
    if distinguishing(claims, min_lift).any():
        return ""
    return (f"No claim sets this cluster apart: the {len(claims)} checked hold about as often "
            f"elsewhere (lift below {min_lift:g} or within chance).")


# -- summaries ---------------------------------------------------------------------------------

def keyword_figures(keyword_claims: pd.DataFrame, cluster: int, aspect: str, top_k: int,
                    min_support: float = MIN_SUPPORT) -> list[str]:
    """The ``top_k`` keywords of highest lift with their support, for a summary prompt."""
    kc = keyword_claims
    kc = kc[(kc["cluster"] == cluster) & (kc["aspect"] == aspect) & (kc["source"] == "keyword")
            & (kc["support"] >= min_support)]
    kc = rank_claims(kc).head(top_k)
    return [f"{r.claim} (in {r.support:.0%} of the group, {r.contrast:.0%} of the others)"
            if r.n_out else f"{r.claim} (in {r.support:.0%} of the group)" for r in kc.itertuples()]



def mark_summary(summary: str, claims: pd.DataFrame, cluster: int, aspect: str,
                 min_support: float = MIN_SUPPORT) -> list[tuple[str, float | None, bool]]:
    """The summary as (sentence, its support, weak) triples. A sentence's support is the
    lowest of its atomic claims' (a sentence is as true as its weakest part); it is weak
    when that is below ``min_support``. Support is None for a sentence never checked."""
    rows = claims[(claims["cluster"] == cluster) & (claims["source"] == "summary")
                  & (claims["aspect"] == aspect)] if len(claims) else claims
    out = []
    for sentence in split_sentences(summary):
        s = rows.loc[rows["sentence"] == sentence, "support"] if len(rows) else pd.Series([], dtype=float)
        support = float(s.min()) if len(s) else None
        out.append((sentence, support, support is not None and support < min_support))
    return out
