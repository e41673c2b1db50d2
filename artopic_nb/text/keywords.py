"""Keywords of clusters from their descriptions: class-based TF-IDF, the aspect of each term,
and two figures of keyword quality.

Inputs are plain pandas: a DataFrame of descriptions with columns ``id`` and ``text``, and a
cluster label per id (a ``cluster`` column, or ``labels`` given as a Series / mapping
id -> cluster / array indexed by id). Noise (cluster -1) is left out unless
``include_noise=True``. :mod:`artopic_nb.steps.commonalities` builds the commonalities on these.

- :func:`cluster_keywords`: class-based TF-IDF (BERTopic's c-TF-IDF) over each cluster's
  descriptions joined into one document, unigrams and bigrams, English stop words plus
  :data:`ART_STOP_WORDS`; each term gets an *aspect*, ``"visual"`` or ``"content"``, from the
  :data:`VISUAL_LEXICON`. :func:`vocabulary_fingerprint` names this vocabulary for cache keys.
- :func:`topic_diversity` and :func:`keyword_coherence` (NPMI): figures of keyword quality.

c-TF-IDF, as in BERTopic: for term ``t`` and cluster ``c``,
``W(t, c) = tf(t, c) / |c| * log(1 + A / f(t))`` where ``tf(t, c)`` is the count of ``t`` in
the cluster's descriptions, ``|c|`` the number of term occurrences in ``c``, ``f(t)`` the
count of ``t`` over all clusters and ``A`` the average number of term occurrences per cluster.

Aspect rule: a term is *visual* when it is a lexicon phrase ("gold leaf") or when its last
word is in the lexicon ("soft light", "blue"; but "blue sky" and "red robe" are content,
their head words naming a thing). Everything else is *content*.

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
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import CountVectorizer

__all__ = [
    "ART_STOP_WORDS",
    "ASPECTS",
    "ClusterLabels",
    "NGRAM_RANGE",
    "TOKEN_PATTERN",
    "VISUAL_LEXICON",
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

#: Words that describe almost any artwork description and so say nothing about a cluster.
ART_STOP_WORDS = frozenset("""
painting paintings painted paint image images artwork artworks art artist artists work works
picture pictures depicts depict depicting depicted depiction shows show showing shown
features featuring feature scene scenes piece appears appear visible seen view overall
style also likely possibly perhaps suggests suggesting creates create creating giving gives
adds adding evokes evoking conveys conveying sense captures capturing displays displaying
represents representing portrayed portrays portraying detailed details detail including
include includes various several one two three rendered""".split())

#: Visual vocabulary by category (palette, light, composition, technique). A term whose last
#: word (or whole phrase) is here is a *visual* keyword; the rest are *content*.
VISUAL_LEXICON: Mapping[str, frozenset[str]] = MappingProxyType({
    "palette": frozenset("""
        colour colours color colors coloured colored palette hue hues tone tones tonal
        red reds blue blues green greens yellow yellows orange purple violet pink brown browns
        black white grey gray gold golden silver ochre ocher crimson scarlet vermilion azure
        ultramarine umber sienna earthy muted vibrant vivid bright pale pastel saturated
        monochrome monochromatic warm cool rich subdued deep""".split()),
    "light": frozenset("""
        light lighting lit shadow shadows shade shading dark darkness darker chiaroscuro
        glow glowing luminous luminosity illuminated illumination highlights highlight
        contrast contrasts sunlight sunlit dim dramatic tenebrism radiant gleaming soft harsh
        diffused""".split()),
    "composition": frozenset("""
        composition composed background foreground middle ground centre center centered
        centred symmetrical symmetry asymmetrical diagonal diagonals perspective horizon
        frame framed framing format vertical horizontal oval circular arrangement arranged
        layout space spatial depth balance balanced cropped close-up panoramic pyramidal
        grouping placement""".split()),
    "technique": frozenset("""
        brushwork brushstroke brushstrokes strokes brush impasto glaze glazes glazing texture
        textured smooth loose fine linear outline outlines contour contours line lines
        oil oils canvas panel tempera fresco watercolor watercolour gouache ink ink-wash wash
        woodblock print engraving etching pastel charcoal chalk drawing sketch silk paper
        scroll gilding gilded gold-leaf varnish technique medium realistic realism naturalistic
        stylized stylised flat detailed meticulous precise sfumato pointillist impressionistic
        impressionist""".split()),
})
_VISUAL_PHRASES = {"gold leaf", "oil canvas", "oil panel", "tempera panel", "ink silk",
                   "ink paper", "hanging scroll", "broad strokes", "visible brushstrokes"}
_VISUAL_WORDS = {w: cat for cat, words in VISUAL_LEXICON.items() for w in words}
#: A cluster label per description: a Series or mapping id -> cluster, or an array indexed
#: by id (a study's ``labels_``).
ClusterLabels = pd.Series | Mapping[int, int] | np.ndarray | Sequence[int]
#: The two aspects of a keyword.
ASPECTS = ("visual", "content")
#: Terms are words of two or more letters with inner hyphens kept ("close-up"): numbers and
#: dates are not themes. Keywords are unigrams and bigrams.
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{2,}(?:-[^\W\d_]+)*\b"
NGRAM_RANGE = (1, 2)


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
                  "ngram_range": list(NGRAM_RANGE)}
    digest = hashlib.sha256(json.dumps(vocabulary, sort_keys=True).encode()).hexdigest()
    return f"vocabulary:{digest[:16]}"


def keyword_aspect(term: str) -> tuple[str, str | None]:
    """``("visual", category)`` or ``("content", None)`` for one keyword (see module doc)."""
    term = term.lower().strip()
    if term in _VISUAL_PHRASES:
        return "visual", "technique"
    head = term.split()[-1] if term else ""
    if head in _VISUAL_WORDS:
        return "visual", _VISUAL_WORDS[head]
    return "content", None



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
    """The term counter: scikit-learn's ``CountVectorizer`` with this module's vocabulary."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    stop = sorted(ENGLISH_STOP_WORDS | ART_STOP_WORDS)
    return CountVectorizer(ngram_range=NGRAM_RANGE, stop_words=stop, lowercase=True,
                           token_pattern=TOKEN_PATTERN, **kwargs)


# --------------------------------------------------------------------------------------------
# keywords


def cluster_keywords(descriptions: pd.DataFrame, labels: ClusterLabels | None = None, *, top_k: int = 10,
                     include_noise: bool = False, min_count: int = 1) -> pd.DataFrame:
    """Top c-TF-IDF keywords per cluster and aspect.

    Returns DataFrame(cluster, aspect, rank, term, score, count, category): for each cluster
    the ``top_k`` visual and the ``top_k`` content terms, ``rank`` from 1 within
    (cluster, aspect), ``count`` the term's occurrences in the cluster, ``category`` the
    lexicon category of visual terms. ``min_count`` drops terms seen fewer times in a cluster.
    """
    cols = ["cluster", "aspect", "rank", "term", "score", "count", "category"]
    df = with_clusters(descriptions, labels, include_noise=include_noise)
    if df.empty:
        return pd.DataFrame(columns=cols)
    clusters = sorted(df["cluster"].unique())
    docs = [" ".join(df.loc[df["cluster"] == c, "text"].astype(str)) for c in clusters]
    vec = vectorizer()
    try:
        counts = vec.fit_transform(docs).toarray().astype(float)
    except ValueError:  # only stop words
        return pd.DataFrame(columns=cols)
    terms = vec.get_feature_names_out()
    scores = _ctfidf(counts)
    aspects = [keyword_aspect(t) for t in terms]
    rows = []
    for ci, c in enumerate(clusters):
        order = np.argsort(-scores[ci], kind="stable")
        ranks = {"visual": 0, "content": 0}
        for j in order:
            if counts[ci, j] < max(min_count, 1):
                continue
            aspect, cat = aspects[j]
            if ranks[aspect] >= top_k:
                if all(r >= top_k for r in ranks.values()):
                    break
                continue
            ranks[aspect] += 1
            rows.append((int(c), aspect, ranks[aspect], str(terms[j]), float(scores[ci, j]),
                         int(counts[ci, j]), cat))
    return pd.DataFrame(rows, columns=cols)


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
