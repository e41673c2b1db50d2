"""Keywords of clusters from their descriptions: class-based TF-IDF, the aspect of each term,
and two figures of keyword quality.

Inputs are plain pandas: a DataFrame of descriptions with columns ``id`` and ``text``, and a
cluster label per id (a ``cluster`` column, or ``labels`` given as a Series / mapping
id -> cluster / array indexed by id). Noise (cluster -1) is left out unless
``include_noise=True``. :mod:`artopic_nb.steps.commonalities` builds the commonalities on these.

- :func:`cluster_keywords`: class-based TF-IDF (BERTopic's c-TF-IDF) over each cluster's
  descriptions joined into one document, unigrams and bigrams, English stop words plus
  :data:`ART_STOP_WORDS`; the collection's boilerplate (:func:`boilerplate_terms`: words in
  most works, whichever cluster is left out) is dropped, and a cluster keeps only the terms
  found in a larger share of its works than of the rest (``share`` vs ``share_out``); each
  term gets an *aspect*, ``"visual"`` or ``"content"``, from the :data:`VISUAL_LEXICON`.
  :func:`vocabulary_fingerprint` names this vocabulary for cache keys.
- :func:`topic_diversity` and :func:`keyword_coherence` (NPMI): figures of keyword quality.

Terms are unigrams and bigrams made within phrases (never across punctuation) after the stop
words go. c-TF-IDF, as in BERTopic: for term ``t`` and cluster ``c``,
``W(t, c) = tf(t, c) / |c| * log(1 + A / f(t))`` where ``tf(t, c)`` is the count of ``t`` in
the cluster's descriptions, ``|c|`` the number of term occurrences in ``c``, ``f(t)`` the
count of ``t`` over all clusters and ``A`` the average number of term occurrences per cluster.

Aspects and the art-generic stop words: :mod:`artopic_nb.text.lexicon` (re-exported here).

Example
-------
>>> keyword_aspect("soft light"), keyword_aspect("red robe")
(('visual', 'light'), ('content', None))
>>> vocabulary_fingerprint().startswith("vocabulary:")
True
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .lexicon import ART_STOP_WORDS, VISUAL_LEXICON, keyword_aspect
from .lexicon import VISUAL_PHRASES as _VISUAL_PHRASES

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import CountVectorizer

__all__ = [
    "ART_STOP_WORDS",
    "ASPECTS",
    "ClusterLabels",
    "BOILERPLATE_SHARE",
    "NGRAM_RANGE",
    "PHRASE_BREAK",
    "TOKEN_PATTERN",
    "VISUAL_LEXICON",
    "boilerplate_terms",
    "cluster_keywords",
    "keyword_aspect",
    "keyword_coherence",
    "npmi",
    "top_terms",
    "topic_diversity",
    "vectorizer",
    "vocabulary_fingerprint",
    "with_clusters",
]

#: A cluster label per description: a Series or mapping id -> cluster, or an array indexed
#: by id (a study's ``labels_``).
ClusterLabels = pd.Series | Mapping[int, int] | np.ndarray | Sequence[int]
#: The two aspects of a keyword.
ASPECTS = ("visual", "content")
#: Terms are words of two or more letters with inner hyphens kept ("close-up"): numbers and
#: dates are not themes. Keywords are unigrams and bigrams.
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{2,}(?:-[^\W\d_]+)*\b"
NGRAM_RANGE = (1, 2)
#: Terms never span these: "dark (mean lightness 20)" gives no "dark mean".
PHRASE_BREAK = r"[.,;:!?()\[\]{}\"“”/|]+"
#: A term in more than this share of the works outside every cluster is the collection's
#: boilerplate ("measured from the pixels", a museum's "gift of"): it names no cluster.
#: Measured on the demo (``benchmarks/topic_words.py``): 0.5 removes the attribute
#: describer's fixed phrases and keeps every palette word that sets a cluster apart.
BOILERPLATE_SHARE = 0.5


def vocabulary_fingerprint() -> str:
    """A short hash of what decides the keywords and their aspects, for cache keys: the stop
    words, the visual lexicon and phrases, the token pattern and the n-gram range.

    scikit-learn's English stop words are added to :data:`ART_STOP_WORDS` when counting;
    they change only with scikit-learn's version, which a cache key names on its own (and
    importing scikit-learn here would cost a warm study more than it saves).
    """
    vocabulary = {"stop_words": sorted(ART_STOP_WORDS), "english_stop_words": "scikit-learn",
                  "lexicon": {cat: sorted(words) for cat, words in sorted(VISUAL_LEXICON.items())},
                  "phrases": sorted(_VISUAL_PHRASES), "token_pattern": TOKEN_PATTERN,
                  "ngram_range": list(NGRAM_RANGE), "phrase_break": PHRASE_BREAK,
                  "boilerplate_share": BOILERPLATE_SHARE,
                  "contrastive": 1}
    digest = hashlib.sha256(json.dumps(vocabulary, sort_keys=True).encode()).hexdigest()
    return f"vocabulary:{digest[:16]}"


# --------------------------------------------------------------------------------------------
# inputs


def with_clusters(descriptions: pd.DataFrame, labels: ClusterLabels | None = None, *,
                   include_noise: bool = False) -> pd.DataFrame:
    """``descriptions`` with a ``cluster`` column, rows without text or cluster dropped."""
    if "text" not in descriptions.columns:
        raise ValueError("descriptions need a 'text' column")
    df = descriptions.copy()
    if labels is not None:
        if "id" not in df.columns:
            raise ValueError("descriptions need an 'id' column to attach cluster labels")
        if isinstance(labels, pd.Series):
            mapping = labels.to_dict()
        elif isinstance(labels, Mapping):
            mapping = dict(labels)
        else:  # array indexed by id (the Study's labels_)
            mapping = dict(enumerate(np.asarray(labels).tolist()))
        df["cluster"] = df["id"].map(mapping)
    elif "cluster" not in df.columns:
        raise ValueError("give labels, or descriptions with a 'cluster' column")
    df = df[df["cluster"].notna() & df["text"].notna()]
    df = df[df["text"].astype(str).str.strip() != ""]
    df["cluster"] = df["cluster"].astype(int)
    if not include_noise:
        df = df[df["cluster"] != -1]
    return df.reset_index(drop=True)


def vectorizer(**kwargs: Any) -> CountVectorizer:
    """The term counter: scikit-learn's ``CountVectorizer`` with this module's vocabulary,
    its n-grams made within phrases (:data:`PHRASE_BREAK`), after the stop words go.

    >>> vectorizer().build_analyzer()("Dark (mean lightness 20), warm colours.")
    ['dark', 'mean', 'lightness', 'mean lightness', 'warm', 'colours', 'warm colours']
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    stop = frozenset(ENGLISH_STOP_WORDS | ART_STOP_WORDS)
    token, (low, high) = re.compile(TOKEN_PATTERN), NGRAM_RANGE

    def analyse(text: str) -> list[str]:
        terms: list[str] = []
        for phrase in re.split(PHRASE_BREAK, str(text).lower()):
            words = [w for w in token.findall(phrase) if w not in stop]
            for n in range(low, high + 1):
                terms += [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]
        return terms

    return CountVectorizer(analyzer=analyse, **kwargs)


# --------------------------------------------------------------------------------------------
# keywords


def cluster_keywords(descriptions: pd.DataFrame, labels: ClusterLabels | None = None, *, top_k: int = 10,
                     include_noise: bool = False, min_count: int = 1,
                     max_share: float = BOILERPLATE_SHARE, contrastive: bool = True) -> pd.DataFrame:
    """Top c-TF-IDF keywords per cluster and aspect, boilerplate removed.

    Returns DataFrame(cluster, aspect, rank, term, score, count, category, share, share_out):
    for each cluster the ``top_k`` visual and the ``top_k`` content terms, ``rank`` from 1
    within (cluster, aspect), ``count`` the term's occurrences in the cluster, ``category``
    the lexicon category of visual terms, ``share`` / ``share_out`` the share of the
    cluster's works / of the other works whose descriptions contain it (a work described
    by several models counts once). ``min_count`` drops terms seen fewer times in a
    cluster. ``max_share``: terms in more than this share of the works outside every
    cluster are boilerplate, never keywords (:func:`boilerplate_terms`; 1 keeps them).
    ``contrastive``: keep only the terms with ``share > share_out`` (with two clusters or
    more): a keyword occurs more in its cluster than in the rest; a cluster with no such term
    keeps its c-TF-IDF terms, so that every cluster has words (``share`` says how they fare).

    >>> df = pd.DataFrame({"id": range(4), "cluster": [0, 0, 1, 1], "text": [
    ...     "a saint, gold ground", "gold ground, a saint", "a ship at sea", "sea and ship"]})
    >>> cluster_keywords(df, top_k=1)[["cluster", "aspect", "term"]].values.tolist()
    [[0, 'visual', 'gold'], [0, 'content', 'saint'], [1, 'content', 'sea']]
    """
    cols = ["cluster", "aspect", "rank", "term", "score", "count", "category", "share",
            "share_out"]
    df = with_clusters(descriptions, labels, include_noise=include_noise)
    if df.empty:
        return pd.DataFrame(columns=cols)
    found = _term_counts(df)
    if found is None:  # only stop words
        return pd.DataFrame(columns=cols)
    clusters, terms, counts, share, share_out = found
    scores = _ctfidf(counts)
    drop = _boilerplate_mask(share_out, max_share)
    aspects = [keyword_aspect(t) for t in terms]
    rows = []
    for ci, c in enumerate(clusters):
        keep = (counts[ci] >= max(min_count, 1)) & ~drop
        if contrastive and len(clusters) > 1 and (keep & (share[ci] > share_out[ci])).any():
            keep &= share[ci] > share_out[ci]  # (a cluster with no such term keeps its own)
        ranks = {"visual": 0, "content": 0}
        for j in np.argsort(-scores[ci], kind="stable"):
            if not keep[j]:
                continue
            aspect, cat = aspects[j]
            if ranks[aspect] >= top_k:
                if all(r >= top_k for r in ranks.values()):
                    break
                continue
            ranks[aspect] += 1
            rows.append((int(c), aspect, ranks[aspect], str(terms[j]), float(scores[ci, j]),
                         int(counts[ci, j]), cat, float(share[ci, j]), float(share_out[ci, j])))
    return pd.DataFrame(rows, columns=cols)


def _term_counts(df: pd.DataFrame):
    """(clusters, terms, clusters x terms counts, share of each cluster's works with the
    term, share of the other works with it); None when only stop words remain."""
    from scipy import sparse

    vec = vectorizer()
    try:
        per_row = vec.fit_transform(df["text"].astype(str).tolist())
    except ValueError:  # only stop words
        return None
    terms = vec.get_feature_names_out()
    clusters = sorted(df["cluster"].unique())
    cluster_index = np.searchsorted(clusters, df["cluster"].to_numpy())
    rows_to_clusters = sparse.csr_matrix(
        (np.ones(len(df)), (cluster_index, np.arange(len(df)))), shape=(len(clusters), len(df)))
    counts = np.asarray((rows_to_clusters @ per_row).todense(), dtype=float)
    # a work is one unit of "share", however many models described it
    work = df["id"].to_numpy() if "id" in df.columns else np.arange(len(df))
    keys, work_index = np.unique(np.stack([cluster_index, pd.factorize(work)[0]]), axis=1,
                                 return_inverse=True)
    rows_to_works = sparse.csr_matrix((np.ones(len(df)), (work_index.ravel(), np.arange(len(df)))),
                                      shape=(keys.shape[1], len(df)))
    present = ((rows_to_works @ per_row) > 0).astype(float)
    works_to_clusters = sparse.csr_matrix(
        (np.ones(keys.shape[1]), (keys[0], np.arange(keys.shape[1]))),
        shape=(len(clusters), keys.shape[1]))
    with_term = np.asarray((works_to_clusters @ present).todense())
    n_works = np.bincount(keys[0], minlength=len(clusters)).astype(float)
    share = with_term / n_works[:, None]
    outside = n_works.sum() - n_works
    share_out = np.divide(with_term.sum(axis=0)[None, :] - with_term, outside[:, None],
                          out=np.zeros_like(with_term), where=outside[:, None] > 0)
    return clusters, terms, counts, share, share_out


def _boilerplate_mask(share_out: np.ndarray, max_share: float) -> np.ndarray:
    """Terms in more than ``max_share`` of the works outside every cluster (none with one
    cluster, which has no outside)."""
    if share_out.shape[0] < 2 or max_share >= 1:
        return np.zeros(share_out.shape[1], dtype=bool)
    return share_out.min(axis=0) > max_share


def boilerplate_terms(descriptions: pd.DataFrame, labels: ClusterLabels | None = None, *,
                      max_share: float = BOILERPLATE_SHARE) -> list[str]:
    """The collection's boilerplate: terms in more than ``max_share`` of the works outside
    every cluster (so also in most works of the collection). A term that fills one big
    cluster and is rare elsewhere is not boilerplate: outside that cluster it is rare.

    >>> df = pd.DataFrame({"id": range(4), "cluster": [0, 0, 1, 1], "text": [
    ...     "gift of a donor: saint", "gift of a donor: saint", "gift of a donor: ship",
    ...     "ship, gift of a donor"]})
    >>> boilerplate_terms(df)
    ['donor', 'gift', 'gift donor']
    """
    df = with_clusters(descriptions, labels)
    found = None if df.empty else _term_counts(df)
    if found is None:
        return []
    _, terms, _, _, share_out = found
    return [str(t) for t in terms[_boilerplate_mask(share_out, max_share)]]


def _ctfidf(counts: np.ndarray) -> np.ndarray:
    """BERTopic's class-based TF-IDF of a (clusters x terms) count matrix."""
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
    freq = counts.sum(axis=0)
    avg = counts.sum() / max(counts.shape[0], 1)
    idf = np.log(1.0 + avg / np.maximum(freq, 1e-12))
    return tf * idf


def top_terms(keywords: pd.DataFrame, top_k: int, aspect: str | None = None) -> dict[int, list[str]]:
    """Per cluster, the ``top_k`` terms by score (of one aspect, or of both merged)."""
    kw = keywords if aspect is None else keywords[keywords["aspect"] == aspect]
    out: dict[int, list[str]] = {}
    for c, g in kw.groupby("cluster", sort=True):
        out[int(c)] = g.sort_values("score", ascending=False, kind="stable")["term"].head(top_k).tolist()
    return out


# --------------------------------------------------------------------------------------------
# figures


def topic_diversity(keywords: pd.DataFrame, top_k: int = 10, aspect: str | None = None) -> float:
    """Share of unique terms among the ``top_k`` keywords of every cluster (1 = no overlap).

    Terms (unigrams or bigrams) are the units; ``aspect`` restricts to "visual" or "content".
    NaN when there are no keywords.
    """
    tops = top_terms(keywords, top_k, aspect)
    allterms = [t for ts in tops.values() for t in ts]
    return len(set(allterms)) / len(allterms) if allterms else float("nan")


def npmi(term_a: str, term_b: str, doc_terms: Sequence[set[str]]) -> float:
    """Normalised PMI of two terms over documents (sets of terms).

    ``log(p(a,b) / (p(a) p(b))) / -log(p(a,b))`` with document frequencies; -1 when the
    terms never co-occur, 1 when they occur in every document together, NaN when one of
    them occurs in no document.
    """
    n = len(doc_terms)
    if n == 0:
        return float("nan")
    da = sum(term_a in d for d in doc_terms)
    db = sum(term_b in d for d in doc_terms)
    dab = sum(term_a in d and term_b in d for d in doc_terms)
    if da == 0 or db == 0:
        return float("nan")
    if dab == 0:
        return -1.0
    pab, pa, pb = dab / n, da / n, db / n
    if pab == 1.0:
        return 1.0
    return math.log(pab / (pa * pb)) / -math.log(pab)


def keyword_coherence(keywords: pd.DataFrame, descriptions: pd.DataFrame, labels: ClusterLabels | None = None, *,
                      top_k: int = 10, aspect: str | None = None,
                      include_noise: bool = False) -> pd.DataFrame:
    """NPMI coherence of each cluster's ``top_k`` keywords, the descriptions as documents.

    Every description (of all clusters) is one document; a term occurs in a document when
    the keyword analyser (same stop words, unigrams+bigrams) produces it from the text. A
    cluster's coherence is the mean NPMI over pairs of its top terms. Returns
    DataFrame(cluster, npmi, n_pairs).
    """
    df = with_clusters(descriptions, labels, include_noise=include_noise)
    analyse = vectorizer().build_analyzer()
    doc_terms = [set(analyse(str(t))) for t in df["text"]]
    rows = []
    for c, terms in top_terms(keywords, top_k, aspect).items():
        vals = [npmi(a, b, doc_terms) for a, b in itertools.combinations(terms, 2)]
        vals = [v for v in vals if not math.isnan(v)]
        rows.append((c, float(np.mean(vals)) if vals else float("nan"), len(vals)))
    return pd.DataFrame(rows, columns=["cluster", "npmi", "n_pairs"])
