"""Summaries of clusters: the descriptions nearest each cluster's centroid, and LLM summaries.

:func:`representative_descriptions` picks each cluster's most central descriptions in
sentence-embedding space.
:func:`summary_prompt` fills the registered, versioned ``cluster_summary`` prompt
(:mod:`artopic_nb.text.prompts`) with a cluster's descriptions quoted as data and its keywords
(with their support, when the claims were checked first: :func:`artopic_nb.text.claims.keyword_figures`);
:func:`summarize_clusters` sends one prompt per cluster and aspect to a text model.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .claims import keyword_figures
from .encoder import encode_texts, l2_normalise, load_sentence_encoder, quote_as_data
from .keywords import ASPECTS, ClusterLabels, cluster_keywords, top_terms, with_clusters
from .prompts import Prompt, TextModel, complete, get_prompt, model_name

__all__ = ["representative_descriptions", "summarize_clusters", "summary_prompt"]


def summary_prompt(texts: Sequence[str], keywords: Sequence[str] = (), aspect: str = "content",
                   *, max_chars: int = 600, prompt: str | Prompt = "cluster_summary") -> str:
    """The prompt asking a text model to summarise one cluster's descriptions for one aspect.

    ``prompt``: the template (by default the registered ``cluster_summary``), whose part
    named ``aspect`` says what to summarise. Each description is quoted between
    ``<description>`` tags (look-alike tags inside are neutralised) and cut to ``max_chars``
    characters; the prompt says the quoted text is data, not instructions.
    """
    if aspect not in ASPECTS:
        raise ValueError(f"aspect must be one of {list(ASPECTS)}, not {aspect!r}")
    template = get_prompt(prompt)
    quoted = "\n".join(
        quote_as_data(str(t)[:max_chars], "<description>", "</description>") for t in texts)
    listed = template.part("keywords").format(keywords=", ".join(map(str, keywords))) \
        if len(keywords) else ""
    return template.format(n=str(len(texts)), descriptions=quoted, keywords=listed,
                           ask=template.part(aspect))


def summarize_clusters(descriptions: pd.DataFrame, labels: ClusterLabels | None = None,
                       llm: TextModel | None = None, *, keywords: pd.DataFrame | None = None,
                       representatives: pd.DataFrame | None = None,
                       aspects: Sequence[str] = ASPECTS, max_descriptions: int = 8,
                       top_k: int = 8, max_new_tokens: int | None = None,
                       include_noise: bool = False, prompt: str | Prompt = "cluster_summary",
                       keyword_claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """One summary per cluster and aspect, by a text model.

    ``llm``: a :class:`~artopic_nb.text.prompts.TextModel` (``complete(prompts,
    max_new_tokens=...) -> list[str]`` and ``model_id``). The descriptions in each prompt
    (:func:`summary_prompt`) are the cluster's representatives when given (in their order),
    else its first ``max_descriptions``; the keywords are the cluster's top ``top_k`` of that
    aspect (computed when ``keywords`` is None). With ``keyword_claims`` (a claims table of
    the keywords, :func:`artopic_nb.text.claims.score_claims`), they are instead the aspect's
    ``top_k`` keywords of highest lift, each with its support inside and outside
    ("gold (in 80% of the group, 12% of the others)"), those not true of most of the group
    left out. ``max_new_tokens`` defaults to the prompt's.
    All prompts go in one ``complete`` call. Returns DataFrame(cluster, aspect, summary,
    model, prompt).
    """
    df = with_clusters(descriptions, labels, include_noise=include_noise)
    if keywords is None:
        keywords = cluster_keywords(df, include_noise=include_noise, top_k=top_k)
    jobs = []
    for c in sorted(df["cluster"].unique()):
        if representatives is not None and len(representatives):
            rep = representatives[representatives["cluster"] == c].sort_values("rank")
            texts = rep["text"].astype(str).tolist()[:max_descriptions]
        else:
            texts = df.loc[df["cluster"] == c, "text"].astype(str).tolist()[:max_descriptions]
        for aspect in aspects:
            top = top_terms(keywords, top_k, aspect).get(int(c), []) if keyword_claims is None \
                else keyword_figures(keyword_claims, int(c), aspect, top_k)
            jobs.append((int(c), aspect, summary_prompt(texts, top, aspect, prompt=prompt)))
    answers = complete(llm, [p for *_, p in jobs],
                       max_new_tokens=max_new_tokens or get_prompt(prompt).max_new_tokens)
    return pd.DataFrame([(c, a, s.strip(), model_name(llm), p)
                         for (c, a, p), s in zip(jobs, answers, strict=True)],
                        columns=["cluster", "aspect", "summary", "model", "prompt"])


def representative_descriptions(descriptions: pd.DataFrame, labels: ClusterLabels | None = None, *, top_k: int = 3,
                                model: str | os.PathLike | Any | None = None, embeddings: np.ndarray | None = None,
                                include_noise: bool = False) -> pd.DataFrame:
    """The ``top_k`` descriptions nearest each cluster's centroid in sentence-embedding space.

    ``model``: as in :func:`artopic_nb.text.encoder.load_sentence_encoder` (default MiniLM), or give
    ``embeddings`` aligned with the rows of ``descriptions``. The centroid is the mean of the
    cluster's L2-normalised embeddings; similarity is cosine. Returns
    DataFrame(cluster, rank, id, text, similarity) (plus ``model`` when the input has it).
    """
    df = descriptions.reset_index(drop=True)
    if embeddings is not None:
        emb = np.asarray(embeddings, dtype=np.float32)
        if len(emb) != len(df):
            raise ValueError(f"{len(emb)} embeddings for {len(df)} descriptions")
        df = df.assign(_row=np.arange(len(df)))
    df = with_clusters(df, labels, include_noise=include_noise)
    extra = ["model"] if "model" in df.columns else []
    cols = ["cluster", "rank", "id", "text", "similarity", *extra]
    if df.empty:
        return pd.DataFrame(columns=cols)
    if embeddings is not None:
        emb = emb[df["_row"].to_numpy()]
        emb = l2_normalise(emb)
    else:
        emb = encode_texts(load_sentence_encoder(model), df["text"].astype(str).tolist())
    rows = []
    for c in sorted(df["cluster"].unique()):
        idx = np.flatnonzero(df["cluster"].to_numpy() == c)
        centroid = l2_normalise(emb[idx].mean(axis=0, keepdims=True))[0]
        sims = emb[idx] @ centroid
        for rank, k in enumerate(np.argsort(-sims, kind="stable")[:top_k], start=1):
            r = df.iloc[idx[k]]
            rows.append((int(c), rank, r.get("id"), str(r["text"]), float(sims[k]),
                         *[r[e] for e in extra]))
    return pd.DataFrame(rows, columns=cols)
