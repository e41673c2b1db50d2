"""Commonalities of clusters from their descriptions: keywords, representatives, claims,
names and summaries.

Inputs are plain pandas: descriptions with columns ``id`` and ``text`` (extra columns such
as ``model`` and ``prompt`` are kept out of the way), and a cluster label per id (a
``cluster`` column, or ``labels``: a Series / mapping id -> cluster / array indexed by id).
Noise (cluster -1) is left out unless ``include_noise=True``.

- keywords per cluster and aspect (visual / content) by c-TF-IDF, boilerplate removed, and
  the figures of their quality (:mod:`artopic_nb.text.keywords`);
- representative descriptions: nearest the cluster's centroid in sentence-embedding space
  (:func:`~artopic_nb.text.summaries.representative_descriptions`, MiniLM by default);
- claims (:mod:`artopic_nb.text.claims`): every keyword, summary claim and model-given
  name with its support inside the cluster, contrast outside, intervals, flags and evidence
  ids, by a judge (:mod:`artopic_nb.models.judges`; offline sentence embeddings by default);
  the claims that set a cluster apart come first (:meth:`Commonalities.claims_of`);
- names (:mod:`artopic_nb.text.names`): a name per node of the cluster tree, unique within
  each level; with a text model, the model's names from keywords and representatives;
- summaries (:func:`summarize_clusters`, the versioned ``cluster_summary`` prompt) with a
  text model, weakly supported sentences marked (:meth:`Commonalities.marked_summary`).

:func:`find_commonalities` runs them all into a :class:`Commonalities`, which shows itself as
HTML and round-trips through plain DataFrames (``to_frames`` / ``from_frames``). Its cache key
names the vocabulary (:func:`vocabulary_fingerprint`) and the prompts' keys.
"""

from __future__ import annotations

import html
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..models.protocols import TextModel
from ..text.claims import (
    CLAIM_COLUMNS,
    EVIDENCE_COLUMNS,
    MIN_SUPPORT,
    claims_from,
    distinguishing,
    mark_summary,
    rank_claims,
    score_claims,
)
from ..text.keywords import (
    ClusterLabels,
    cluster_keywords,
    keyword_coherence,
    topic_diversity,
    vocabulary_fingerprint,
    with_clusters,
)
from ..text.names import NAME_COLUMNS, name_claims, tree_names
from ..text.prompts import Prompt, get_prompt, model_name
from ..text.summaries import representative_descriptions, summarize_clusters
from .base import Step

__all__ = ["STEP", "Commonalities", "commonalities_identity", "description_texts",
           "find_commonalities"]


# --------------------------------------------------------------------------------------------
# the result object


@dataclass
class Commonalities:
    """Everything :func:`find_commonalities` found, as DataFrames plus two figures.

    ``keywords``: DataFrame(cluster, aspect, rank, term, score, count, category);
    ``representatives``: DataFrame(cluster, rank, id, text, similarity);
    ``summaries``: DataFrame(cluster, aspect, summary, model, prompt) or empty;
    ``clusters``: DataFrame(cluster, n_descriptions, npmi, ...) per cluster;
    ``diversity``: topic diversity of the top ``params["top_k"]`` keywords;
    ``params``: the parameters used (JSON-serialisable);
    ``claims``: DataFrame of :data:`artopic_nb.text.claims.CLAIM_COLUMNS`: every keyword and
    summary claim with support, contrast, lift, intervals, judge, flags and evidence ids
    (empty when no judge ran); with an LLM, its cluster names too (``source == "name"``);
    ``names``: DataFrame of :data:`artopic_nb.text.names.NAME_COLUMNS`, a name per node of
    the cluster tree, unique within each level (empty without a tree).
    """

    keywords: pd.DataFrame
    representatives: pd.DataFrame
    summaries: pd.DataFrame
    clusters: pd.DataFrame
    diversity: float
    params: dict = field(default_factory=dict)
    claims: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CLAIM_COLUMNS))
    names: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=NAME_COLUMNS))

    @property
    def coherence(self) -> float:
        """Mean NPMI over clusters."""
        vals = self.clusters["npmi"].dropna() if "npmi" in self.clusters else []
        return float(np.mean(vals)) if len(vals) else float("nan")

    def figures_text(self) -> str:
        """The two figures in words, saying why one is missing rather than printing NaN."""
        diversity = "n/a (no keywords)" if math.isnan(self.diversity) else f"{self.diversity:.2f}"
        coherence = ("n/a (needs two keywords seen in two descriptions)"
                     if math.isnan(self.coherence) else f"{self.coherence:.3f}")
        return f"topic diversity {diversity}, keyword coherence (mean NPMI) {coherence}"

    def keywords_of(self, cluster: int, aspect: str | None = None, top_k: int | None = None) -> list[str]:
        kw = self.keywords[self.keywords["cluster"] == cluster]
        if aspect is not None:
            kw = kw[kw["aspect"] == aspect]
        terms = kw.sort_values("score", ascending=False, kind="stable")["term"].tolist()
        return terms if top_k is None else terms[:top_k]

    def claims_of(self, cluster: int, *, judge: str | None = None, source: str | None = None,
                  sort: str = "lift", distinguishing_only: bool = False) -> pd.DataFrame:
        """The claims table of one cluster (one judge's rows, or all) in reading order
        (:func:`artopic_nb.text.claims.rank_claims`): the claims that set the cluster apart
        first, highest ``sort`` first; then those that hold about as often elsewhere (marked
        by their flags; left out with ``distinguishing_only``); claims no described work of
        the cluster supports last, whatever their lift."""
        c = self.claims
        keep = (c["cluster"] == cluster) & (c["judge"] == judge if judge else True) \
            & (c["source"] == source if source else True)
        mine = c[keep]
        if distinguishing_only:
            mine = mine[distinguishing(mine)]
        return rank_claims(mine, sort).reset_index(drop=True)

    def names_at(self, level: int = 0) -> dict[int, str]:
        """The names of the clusters shown when the tree is cut at ``level`` (0: the
        leaves), by the number their works get there (``label``); empty without names."""
        n = self.names
        if not len(n):
            return {}
        made = dict(zip(n["node"], n["level"], strict=True))
        shown = (n["level"] <= level) & n["parent"].map(lambda p: p == -1 or made.get(p, 0) > level)
        return {int(r.label): str(r.name) for r in n[shown].itertuples() if r.name}

    def marked_summary(self, cluster: int, aspect: str,
                       min_support: float | None = None) -> list[tuple[str, float | None, bool]]:
        """The cluster's summary for ``aspect`` as (sentence, support, weak) triples
        (:func:`artopic_nb.text.claims.mark_summary`); empty without a summary."""
        s = self.summaries
        row = s[(s["cluster"] == cluster) & (s["aspect"] == aspect)] if len(s) else s
        if not len(row):
            return []
        ms = self.params.get("min_support", MIN_SUPPORT) if min_support is None else min_support
        return mark_summary(str(row["summary"].iloc[0]), self.claims, cluster, aspect, ms)

    def summary_text(self, cluster: int, aspect: str) -> str:
        """The summary with each weakly supported sentence marked ``[weak: 23% of the group]``."""
        return " ".join(sentence if not weak else f"{sentence} [weak: {support:.0%} of the group]"
                        for sentence, support, weak in self.marked_summary(cluster, aspect))

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Plain DataFrames (parquet/JSON-safe columns) that :meth:`from_frames` reads back;
        the claims' evidence ids travel as space-separated strings."""
        meta = pd.DataFrame({"diversity": [self.diversity],
                             "params": [json.dumps(self.params, sort_keys=True, default=str)]})
        claims = self.claims.copy()
        for col in EVIDENCE_COLUMNS:
            claims[col] = claims[col].map(lambda ids: " ".join(map(str, ids))).astype(str)
        return {"keywords": self.keywords.copy(), "representatives": self.representatives.copy(),
                "summaries": self.summaries.copy(), "clusters": self.clusters.copy(), "meta": meta,
                "claims": claims, "names": self.names.copy()}

    @classmethod
    def from_frames(cls, frames: Mapping[str, pd.DataFrame]) -> Commonalities:
        meta = frames["meta"]
        claims = frames.get("claims")
        if claims is None:  # saved before claims existed
            claims = pd.DataFrame(columns=CLAIM_COLUMNS)
        else:
            claims = claims.reset_index(drop=True)
            for col in EVIDENCE_COLUMNS:
                claims[col] = claims[col].map(lambda text: [int(i) for i in str(text).split()])
        return cls(keywords=frames["keywords"].reset_index(drop=True),
                   representatives=frames["representatives"].reset_index(drop=True),
                   summaries=frames.get("summaries", pd.DataFrame()).reset_index(drop=True),
                   clusters=frames["clusters"].reset_index(drop=True),
                   diversity=float(meta["diversity"].iloc[0]),
                   params=json.loads(meta["params"].iloc[0]), claims=claims,
                   names=frames.get("names", pd.DataFrame(columns=NAME_COLUMNS)).reset_index(drop=True))

    def table(self, top_k: int = 6) -> pd.DataFrame:
        """One row per cluster: size, NPMI, visual/content keywords, a representative, summaries."""
        rows = []
        for _, r in self.clusters.iterrows():
            c = int(r["cluster"])
            row = {"cluster": c, "descriptions": int(r.get("n_descriptions", 0)),
                   "npmi": r.get("npmi", float("nan")),
                   "visual keywords": ", ".join(self.keywords_of(c, "visual", top_k)),
                   "content keywords": ", ".join(self.keywords_of(c, "content", top_k))}
            rep = self.representatives[self.representatives["cluster"] == c]
            row["most representative"] = rep.sort_values("rank")["text"].iloc[0] if len(rep) else ""
            if len(self.summaries):
                for _, s in self.summaries[self.summaries["cluster"] == c].iterrows():
                    row[f"{s['aspect']} summary"] = self.summary_text(c, s["aspect"])
            if len(self.claims):
                mine = self.claims[self.claims["cluster"] == c]
                row["claims checked"] = len(mine)
                row["claims flagged"] = int((mine["flags"] != "").sum())
                row["claims that set it apart"] = int(distinguishing(mine).sum())
            rows.append(row)
        names = self.names_at(0)
        table = pd.DataFrame(rows)
        if names and len(table):
            table.insert(1, "name", table["cluster"].map(lambda c: names.get(int(c), "")))
        return table

    def __repr__(self) -> str:
        return (f"Commonalities({len(self.clusters)} clusters, diversity={self.diversity:.2f}, "
                f"NPMI={self.coherence:.3f}, summaries={len(self.summaries)}, "
                f"claims={len(self.claims)})")

    def _repr_html_(self) -> str:
        head = (f"<p><b>Commonalities</b> of {len(self.clusters)} clusters: topic diversity "
                f"{self.diversity:.2f}, mean keyword coherence (NPMI) {self.coherence:.3f}.</p>")
        table = self.table()
        td = "<td style='text-align:left;vertical-align:top'>"
        rows = "".join("<tr>" + "".join(f"{td}{html.escape(f'{v:.3f}' if isinstance(v, float) else str(v))}</td>"
                                        for v in r) + "</tr>" for r in table.itertuples(index=False))
        heads = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
        return (f"<div class='artopic-commonalities'>{head}<table><thead><tr>{heads}</tr></thead>"
                f"<tbody>{rows}</tbody></table></div>")


def find_commonalities(descriptions: pd.DataFrame, labels: ClusterLabels | None = None, *,
                       top_k: int = 10, n_representative: int = 3,
                       llm: TextModel | None = None, model: str | os.PathLike | Any | None = None,
                       embeddings: np.ndarray | None = None, include_noise: bool = False,
                       summary_tokens: int | None = None,
                       summary_prompt: str | Prompt = "cluster_summary",
                       judge: Any = "embedding", min_support: float = MIN_SUPPORT,
                       tree: pd.DataFrame | None = None,
                       tree_labels: ClusterLabels | None = None) -> Commonalities:
    """Keywords, representative descriptions, figures, claims, names and (with ``llm``)
    summaries.

    ``model``/``embeddings`` go to :func:`representative_descriptions`; ``n_representative=0``
    skips the sentence encoder. ``judge`` (:func:`artopic_nb.models.judges.load_judge`; default the
    sentence-embedding judge, with ``model`` as its encoder when given; ``None`` checks no
    claim) scores every keyword and, after the summaries, every atomic summary claim
    (``claims``; flags below ``min_support``). ``llm`` (optional, a text model) gets the
    representatives and the highest-lift keywords with their support
    (:func:`summarize_clusters`, with ``summary_prompt`` and ``summary_tokens``, by default
    the prompt's answer length) and names each cluster from its distinguishing keywords and
    representatives (the ``cluster_name`` prompt; each name checked as a claim, ``source ==
    "name"``). ``tree`` (a cluster tree: ``node``, ``parent``, ``level``, ``label``, its
    leaves the clusters of ``tree_labels``, by default ``labels``) gives ``names``: a name
    per node, unique within each level, the merged nodes named by ``llm`` when given
    (:func:`artopic_nb.text.names.tree_names`). ``params`` records the vocabulary's
    fingerprint, the judge and, with ``llm``, the summary prompt's key.
    """
    from ..models.judges import EmbeddingJudge, load_judge

    df = with_clusters(descriptions, labels, include_noise=include_noise)
    keywords = cluster_keywords(df, top_k=top_k, include_noise=include_noise)
    if n_representative > 0:
        emb = None
        if embeddings is not None:  # align the given embeddings with the kept rows
            if len(embeddings) != len(descriptions):
                raise ValueError(f"{len(embeddings)} embeddings for {len(descriptions)} descriptions")
            kept = with_clusters(descriptions.reset_index(drop=True)
                                  .assign(_row=np.arange(len(descriptions))), labels,
                                  include_noise=include_noise)["_row"].to_numpy()
            emb = np.asarray(embeddings)[kept]
        reps = representative_descriptions(df, top_k=n_representative, model=model, embeddings=emb,
                                           include_noise=include_noise)
    else:
        reps = pd.DataFrame(columns=["cluster", "rank", "id", "text", "similarity"])
    texts = {int(c): g.sort_values("rank")["text"].astype(str).tolist()
             for c, g in reps.groupby("cluster")} if len(reps) else {}
    if judge is not None:
        judge = EmbeddingJudge(model) if isinstance(judge, str) and judge == "embedding" \
            else load_judge(judge)
        claims = score_claims(claims_from(keywords), df, judge, min_support=min_support)
    else:
        claims = pd.DataFrame(columns=CLAIM_COLUMNS)
    if llm is not None:
        summaries = summarize_clusters(df, llm=llm, keywords=keywords,
                                       representatives=reps if len(reps) else None,
                                       max_new_tokens=summary_tokens, include_noise=include_noise,
                                       prompt=summary_prompt,
                                       keyword_claims=claims if len(claims) else None)
        named = name_claims(llm, keywords, claims, texts)
        if judge is not None:
            found = score_claims(pd.concat([claims_from(summaries=summaries), named],
                                           ignore_index=True), df, judge, min_support=min_support)
            claims = pd.concat([claims, found], ignore_index=True) if len(found) else claims
    else:
        summaries = pd.DataFrame(columns=["cluster", "aspect", "summary", "model", "prompt"])
    names = pd.DataFrame(columns=NAME_COLUMNS) if tree is None else tree_names(
        df, keywords, claims, tree, df if tree_labels is None else with_clusters(
            descriptions, tree_labels, include_noise=include_noise), llm=llm, texts=texts)
    coh = keyword_coherence(keywords, df, top_k=top_k, include_noise=include_noise)
    sizes = df.groupby("cluster").size().rename("n_descriptions").reset_index()
    clusters = sizes.merge(coh, on="cluster", how="left")
    for aspect in ("visual", "content"):
        a = keyword_coherence(keywords, df, top_k=top_k, aspect=aspect, include_noise=include_noise)
        clusters = clusters.merge(a[["cluster", "npmi"]].rename(columns={"npmi": f"npmi_{aspect}"}),
                                  on="cluster", how="left")
    params = {"top_k": top_k, "n_representative": n_representative,
              "include_noise": include_noise,
              "llm": None if llm is None else model_name(llm),
              "summary_prompt": None if llm is None else get_prompt(summary_prompt).key,
              "vocabulary": vocabulary_fingerprint(),
              "encoder": None if model is None else str(model) if isinstance(model, str)
              else type(model).__name__,
              "judge": None if judge is None else judge.judge_id, "min_support": min_support}
    return Commonalities(keywords=keywords, representatives=reps, summaries=summaries,
                         clusters=clusters, diversity=topic_diversity(keywords, top_k),
                         params=params, claims=claims.reset_index(drop=True), names=names)


# --------------------------------------------------------------------------------------------
# the step


def description_texts(descriptions: pd.DataFrame, prompt: str) -> pd.DataFrame:
    """The ``prompt`` texts of every model (id, model, text), as keywords and claims read
    them: the attribute describer's label, which marks its texts for readers, removed."""
    from ..models.backends.attributes import ATTRIBUTE_LABEL, ATTRIBUTE_PREAMBLE

    texts = descriptions[descriptions["prompt"] == prompt]
    if texts.empty:
        raise ValueError(f"no {prompt!r} texts: run study.describe(prompts=[..., {prompt!r}])")
    for label in (ATTRIBUTE_LABEL, ATTRIBUTE_PREAMBLE):
        texts = texts.assign(text=texts["text"].str.replace(label, "", regex=False))
    return texts[["id", "model", "text"]]


def commonalities_identity() -> dict:
    """What commonalities depend on besides texts, clusters and parameters: the vocabulary
    (stop words, visual lexicon, tokens), the summary prompt's version and the encoder."""
    from ..models.judges import EmbeddingJudge
    from ..text.encoder import encoder_id
    from ..text.keywords import vocabulary_fingerprint
    from ..text.prompts import get_prompt

    return {"vocabulary": vocabulary_fingerprint(),
            "summary_prompt": get_prompt("cluster_summary").key,
            "name_prompt": get_prompt("cluster_name").key, "encoder": encoder_id(None),
            "claims_judge": EmbeddingJudge().judge_id}


def _compute(inputs, *, llm, top_k: int, prompt: str) -> dict:
    from ..models.registry import load_text_model

    texts = description_texts(inputs["descriptions_"], prompt)
    spec = inputs.given.get("llm")
    return {"commonalities_": find_commonalities(
        texts, pd.Series(inputs["labels_"]), top_k=top_k,
        llm=None if spec is None else load_text_model(spec),
        include_noise=_only_noise(inputs["labels_"], texts), tree=inputs["hierarchy_"],
        tree_labels=pd.Series(inputs["curated_labels_"]))}


def _identity(inputs, *, llm, top_k: int, prompt: str) -> dict | None:
    """The text model's full identity (None: an object that does not name itself, so the
    result is not cached), whether noise is summarised, and the vocabulary, summary prompt,
    encoder and claims judge."""
    if inputs.given.get("llm") is not None and inputs.given.get("llm_id") is None:
        return None
    texts = description_texts(inputs["descriptions_"], prompt)
    return {"llm": inputs.given.get("llm_id"), "include_noise": _only_noise(inputs["labels_"], texts),
            **commonalities_identity()}


def _only_noise(labels: np.ndarray, texts: pd.DataFrame) -> bool:
    """Noise is summarised as a group of its own only when no described work is in a cluster."""
    return not (np.asarray(labels)[texts["id"].to_numpy()] >= 0).any()


# the verb is find_commonalities(); the step keeps its result's name
STEP = Step("commonalities", reads=("descriptions_", "labels_", "curated_labels_", "hierarchy_"),
            results={"commonalities_": "frames"},
            params=("llm", "top_k", "prompt"), compute=_compute, identity=_identity,
            frames=Commonalities, verb="find_commonalities",
            version=3,  # 2: with the claims table; 3: distinct names per level, no boilerplate
            libraries=("scikit-learn", "sentence-transformers"))
