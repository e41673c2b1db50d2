"""Word search: BM25 over every text a work has (title, every metadata column, captions and
descriptions), with the column that matched and a snippet.

Each work is one document: all its texts, stemmed (Snowball, English) with English stop
words left out, scored by BM25 (``bm25s``: the scores of every word precomputed in a sparse
matrix, so a query sums a few columns). Words in double quotes must appear together, as a
phrase, in one text (case and spacing aside): ``"gold background" saint``. For each result
the text with the most of the query's words (rarer words count more) is named in ``matched``
and quoted around its first match in ``snippet``, the matched words in «».

``bm25s`` was chosen by measuring (``benchmarks/search.py``): at 10^5 synthetic descriptions
a query took 1-9 ms, where SQLite FTS5's bm25 ranking took 133 ms for a word in half the
documents (it scores every match; 10x that at 10^6) and a pandas ``str.contains`` scan 27-55 ms
(unranked).

Example
-------
>>> import pandas as pd
>>> meta = pd.DataFrame({"title": ["Ships in a storm", "Portrait of a woman"],
...                      "artist": ["Ludolf Backhuysen", "Frans Hals"]})
>>> index = WordIndex.from_frames(meta)
>>> index.search("ship", top_k=5)[["id", "matched", "snippet"]].to_dict("records")
[{'id': 0, 'matched': 'title', 'snippet': '«Ships» in a storm'}]
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..data.cache import Cache, make_key

__all__ = ["RESULT_COLUMNS", "SKIPPED_COLUMNS", "WordIndex", "parse_query", "work_texts"]

#: Metadata columns that are bookkeeping, not text about the work.
SKIPPED_COLUMNS = ("path", "hash", "width", "height")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_PHRASE = re.compile(r'"([^"]+)"')
_SEP = "\n"
_SNIPPET_WORDS = 24
_INDEX_VERSION = 1
#: The columns of every search result (``over``: ``"words"``, ``"texts"`` or ``"images"``).
RESULT_COLUMNS = ["id", "score", "matched", "snippet", "over"]


def _require_bm25s():
    try:
        import bm25s
        import Stemmer
    except ImportError:
        raise ImportError("word search needs bm25s and PyStemmer: pip install bm25s PyStemmer "
                          "(both are dependencies of artopic-nb; reinstall it)") from None
    return bm25s, Stemmer


def work_texts(metadata: pd.DataFrame | None = None, descriptions: pd.DataFrame | None = None,
               columns: list[str] | None = None) -> pd.DataFrame:
    """Every text of every work as rows ``(id, field, text)``, sorted by id.

    ``metadata``: indexed by id; all its columns but :data:`SKIPPED_COLUMNS` (or ``columns``)
    become fields named after the column. ``descriptions``: ``(id, model, prompt, text)``;
    fields are named after the prompt (``"caption"``), with the model in brackets when
    several models wrote that prompt's texts. Empty texts are left out.

    Example
    -------
    >>> work_texts(pd.DataFrame({"title": ["A ship"]})).values.tolist()
    [[0, 'title', 'A ship']]
    """
    parts = []
    if metadata is not None and len(metadata.columns):
        cols = [c for c in (columns or metadata.columns) if c not in SKIPPED_COLUMNS]
        for c in cols:
            values = metadata[c]
            keep = values.notna().to_numpy()
            parts.append(pd.DataFrame({"id": metadata.index.to_numpy()[keep].astype(np.int64),
                                       "field": str(c), "text": values[keep].astype(str)}))
    if descriptions is not None and len(descriptions):
        d = descriptions
        models = d.groupby("prompt", sort=False)["model"].nunique()
        several = d["prompt"].map(models).to_numpy() > 1
        field = np.where(several, d["prompt"].astype(str) + " (" + d["model"].astype(str) + ")",
                         d["prompt"].astype(str))
        parts.append(pd.DataFrame({"id": d["id"].to_numpy(np.int64), "field": field,
                                   "text": d["text"].astype(str).to_numpy()}))
    if not parts:
        return pd.DataFrame({"id": pd.Series(dtype="int64"), "field": pd.Series(dtype=str),
                             "text": pd.Series(dtype=str)})
    out = pd.concat(parts, ignore_index=True)
    out = out[out["text"].str.strip() != ""]
    return out.sort_values("id", kind="stable").reset_index(drop=True)


def parse_query(query: str) -> tuple[str, list[str]]:
    """The query's words (phrases included) and its quoted phrases.

    Example
    -------
    >>> parse_query('"gold background" saint')
    ('gold background saint', ['gold background'])
    """
    phrases = [p.strip() for p in _PHRASE.findall(query) if p.strip()]
    return _PHRASE.sub(lambda m: m.group(1), query).replace('"', " "), phrases


def _phrase_pattern(phrase: str) -> re.Pattern:
    words = _TOKEN.findall(phrase) or [re.escape(phrase.strip())]
    # whitespace or punctuation between the words, never a line break (texts are one a line)
    return re.compile(r"\b" + r"[^\w\n]+".join(re.escape(w) for w in words) + r"\b",
                      re.IGNORECASE)


class WordIndex:
    """BM25 over the works' texts (see the module docstring).

    Build it with :meth:`from_texts` (rows ``(id, field, text)``, as :func:`work_texts` makes)
    or :meth:`from_frames` (metadata and descriptions); :meth:`search` answers queries.

    Example
    -------
    >>> index = WordIndex.from_frames(study.collection.metadata, study.descriptions_)  # doctest: +SKIP
    >>> index.search('"gold background"', top_k=10)                                    # doctest: +SKIP
    """

    def __init__(self, texts: pd.DataFrame, n: int, retriever: Any, stemmer: Any):
        self.texts = texts
        self.n = int(n)
        self._retriever = retriever
        self._stemmer = stemmer
        ids = texts["id"].to_numpy(np.int64)
        self._starts = np.searchsorted(ids, np.arange(self.n + 1))
        self._fields = texts["field"].to_numpy(object)
        self._texts = texts["text"].to_numpy(object)
        self._docs: list[str] | None = None

    def __repr__(self) -> str:
        return (f"WordIndex({self.n:,} works, {len(self.texts):,} texts, "
                f"{len(self._retriever.vocab_dict):,} words)")

    # -- building -------------------------------------------------------------------------
    @classmethod
    def from_frames(cls, metadata: pd.DataFrame | None = None,
                    descriptions: pd.DataFrame | None = None, n: int | None = None,
                    cache: Cache | None = None, progress: bool = False) -> WordIndex:
        """The index of :func:`work_texts` ``(metadata, descriptions)``; ``n`` works (default:
        the metadata's rows)."""
        texts = work_texts(metadata, descriptions)
        if n is None:
            n = len(metadata) if metadata is not None else int(texts["id"].max()) + 1 \
                if len(texts) else 0
        return cls.from_texts(texts, n, cache=cache, progress=progress)

    @classmethod
    def from_texts(cls, texts: pd.DataFrame, n: int, cache: Cache | None = None,
                   progress: bool = False) -> WordIndex:
        """The index of rows ``(id, field, text)`` (ids ``0..n-1``); the scores are kept in
        ``cache`` (when given), keyed by the texts' digest."""
        bm25s, Stemmer = _require_bm25s()
        missing = {"id", "field", "text"} - set(texts.columns)
        if missing:
            raise ValueError(f"texts needs the columns id, field, text; missing {sorted(missing)}")
        texts = texts.sort_values("id", kind="stable").reset_index(drop=True)
        ids = texts["id"].to_numpy(np.int64)
        if len(ids) and (ids.min() < 0 or ids.max() >= n):
            raise ValueError(f"text ids must be in 0..{n - 1}")
        stemmer = Stemmer.Stemmer("english")
        index = cls(texts, n, None, stemmer)
        cache = cache or Cache(None)
        key = None
        if cache.enabled:
            key = make_key("word-index", _INDEX_VERSION, n, bm25s.__version__,
                           pd.util.hash_pandas_object(texts, index=False).sum().item())

        def build() -> Any:
            tokens = bm25s.tokenize(index.documents(), stopwords="en", stemmer=stemmer,
                                    show_progress=progress)
            retriever = bm25s.BM25()
            retriever.index(tokens, show_progress=progress)
            return retriever

        index._retriever = cache.get_or_compute("word-index", key, build, _BM25Codec())
        return index

    def documents(self) -> list[str]:
        """One document per work: its texts, one a line (empty for a work without texts)."""
        if self._docs is None:
            joined = self.texts.groupby("id", sort=True)["text"].agg(_SEP.join)
            docs = pd.Series("", index=pd.RangeIndex(self.n), dtype=object)
            docs.iloc[joined.index.to_numpy()] = joined.to_numpy()
            self._docs = docs.tolist()
        return self._docs

    # -- searching ------------------------------------------------------------------------
    def _stems(self, text: str) -> list[str]:
        return self._stemmer.stemWords([w.lower() for w in _TOKEN.findall(text)])

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every work for ``query``'s words (phrases not enforced), ``(n,)``."""
        bm25s, _ = _require_bm25s()
        words, _ = parse_query(query)
        tokens = bm25s.tokenize([words], stopwords="en", stemmer=self._stemmer,
                                return_ids=False, show_progress=False)[0]
        ids = self._retriever.get_tokens_ids(tokens)
        if not ids:
            return np.zeros(self.n, np.float32)
        return np.asarray(self._retriever.get_scores_from_ids(ids), np.float32)

    def search(self, query: str, top_k: int = 10) -> pd.DataFrame:
        """The ``top_k`` works that best match ``query``: a frame ``(id, score, matched,
        snippet, over)``, best first; no rows when nothing matches.

        Example
        -------
        >>> index.search('ship "gold background"', top_k=5)   # doctest: +SKIP
        """
        if not isinstance(query, str) or not query.strip():
            raise ValueError("query must be a non-empty string of words")
        _, phrases = parse_query(query)
        patterns = [_phrase_pattern(p) for p in phrases]
        scores = self.scores(query)
        hits: list[int] = []
        if patterns:  # best scored first, kept while every phrase is found
            docs = self.documents()
            if not scores.any():  # no word to score (stop words only): every work, in order
                hits = [i for i in range(self.n) if all(p.search(docs[i]) for p in patterns)]
                hits = hits[:top_k]
            seen, k = 0, 4 * top_k
            while scores.any() and len(hits) < top_k and seen < self.n:
                block = _best(scores, k)[seen:]  # the next best, sorted; a few at a time
                if not len(block):
                    break
                for i in block.tolist():
                    if all(p.search(docs[i]) for p in patterns):
                        hits.append(i)
                        if len(hits) == top_k:
                            break
                seen, k = seen + len(block), k * 8
        else:
            hits = _best(scores, top_k).tolist()
        wanted, idf = self._query_stems(query)
        rows = [self._explain(i, float(scores[i]), wanted, idf, patterns) for i in hits]
        return pd.DataFrame({
            "id": np.array([r[0] for r in rows], np.int64),
            "score": np.array([r[1] for r in rows], np.float64),
            "matched": pd.Series([r[2] for r in rows], dtype=object),
            "snippet": pd.Series([r[3] for r in rows], dtype=object),
            "over": pd.Series(["words"] * len(rows), dtype=object)}, columns=RESULT_COLUMNS)

    def _query_stems(self, query: str) -> tuple[set[str], dict[str, float]]:
        words, _ = parse_query(query)
        wanted = set(self._stems(words))
        vocab = self._retriever.vocab_dict
        return wanted, {w: self._idf(vocab[w]) if w in vocab else 0.0 for w in wanted}

    def _explain(self, i: int, score: float, wanted: set[str], idf: dict[str, float],
                 patterns: list) -> tuple[int, float, str, str]:
        """The field with the most of the query's words (rarer count more), and a snippet."""
        best = (-1.0, "", "")
        lo, hi = self._starts[i], self._starts[i + 1]
        for field, text in zip(self._fields[lo:hi], self._texts[lo:hi], strict=True):
            stems = set(self._stems(text))
            weight = sum(idf[w] for w in wanted & stems) + sum(
                10.0 for p in patterns if p.search(text))
            if weight > best[0]:
                best = (weight, field, text)
        _, field, text = best
        return i, score, field, self._snippet(text, wanted, patterns)

    def _idf(self, token_id: int) -> float:
        indptr = self._retriever.scores["indptr"]
        df = int(indptr[token_id + 1] - indptr[token_id])
        return float(np.log(1 + (self.n - df + 0.5) / (df + 0.5)))

    def _snippet(self, text: str, wanted: set[str], patterns: list) -> str:
        spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        if not spans:
            return text[:160]
        stems = self._stemmer.stemWords([text[a:b].lower() for a, b in spans])
        marked = [k for k, s in enumerate(stems) if s in wanted]
        for p in patterns:  # a phrase's words are marked where the phrase is
            for m in p.finditer(text):
                marked += [k for k, (a, b) in enumerate(spans) if a >= m.start() and b <= m.end()]
        marked = set(marked)
        first = min(marked) if marked else 0
        lo = max(0, first - _SNIPPET_WORDS // 3)
        hi = min(len(spans), lo + _SNIPPET_WORDS)
        out, pos = [], 0 if lo == 0 else spans[lo][0]
        for k in range(lo, hi):
            a, b = spans[k]
            out.append(text[pos:a])
            out.append(f"«{text[a:b]}»" if k in marked else text[a:b])
            pos = b
        end = len(text) if hi == len(spans) else spans[hi - 1][1]
        out.append(text[pos:end])
        snippet = "".join(out).replace(_SEP, " ").strip()
        return ("… " if lo > 0 else "") + snippet + (" …" if hi < len(spans) else "")


def _best(scores: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` best positive scores' indices, best first (ties by lower index)."""
    positive = int(np.count_nonzero(scores > 0))
    k = min(k, positive)
    if k <= 0:
        return np.zeros(0, np.int64)
    part = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    part = part[scores[part] > 0]
    return part[np.lexsort((part, -scores[part]))]


class _BM25Codec:
    """A bm25s index as one zip of its own files (numpy arrays and JSON; no pickle)."""

    ext = "zip"

    @staticmethod
    def encode(retriever: Any) -> bytes:
        buf = io.BytesIO()
        with tempfile.TemporaryDirectory() as tmp, \
                zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
            retriever.save(tmp, show_progress=False)
            for path in sorted(Path(tmp).iterdir()):
                zf.write(path, path.name)
        return buf.getvalue()

    @staticmethod
    def decode(data: bytes) -> Any:
        bm25s, _ = _require_bm25s()
        with tempfile.TemporaryDirectory() as tmp:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for name in zf.namelist():
                    if "/" in name or name.startswith("."):
                        raise ValueError(f"unexpected file {name!r} in a word index")
                    if not name.endswith((".json", ".npy")):
                        raise ValueError(f"unexpected file {name!r} in a word index")
                    (Path(tmp) / name).write_bytes(zf.read(name))
            return bm25s.BM25.load(tmp, show_progress=False)

