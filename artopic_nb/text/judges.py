"""The judges that need no model registry: a sentence-embedding match and a word match.

A judge answers, for every (claim, work) pair, a *verdict*: ``1`` the work supports the
claim, ``-1`` it does not (contradicts, or for a matching judge: is described and does not
match), ``0`` the judge could not tell (:class:`Judge`). The two here read descriptions
with the text tools of this package (the sentence encoder, the keyword analyser), so that
:func:`artopic_nb.text.claims.score_claims` can build them by name; the judges that load a
model of their own (NLI, LLM, CLIP on images) are in :mod:`artopic_nb.models.judges`, and
every judge is registered as kind ``judge`` of the model registry.

Example
-------
>>> LexicalJudge().verdicts(["gold background"], ["A saint on a gold background.", "A ship."]).tolist()
[[1, -1]]
>>> text_judge("lexical").judge_id
'lexical:1'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .encoder import encode_texts, encoder_id, load_sentence_encoder
from .sentences import claim_core, split_sentences

__all__ = ["EMBEDDING_THRESHOLD", "EmbeddingJudge", "Judge", "JudgeUnavailable", "LexicalJudge",
           "text_judge"]

#: Cosine similarity (all-MiniLM-L6-v2) at or above which a description sentence matches a
#: claim. Calibrated by ``python benchmarks/claims_accuracy.py --calibrate`` on the 112
#: "before definitions" captions of ``benchmarks/data/genre_captions.csv`` x 16 genre claims
#: (two phrasings per genre): the threshold at which false matches equal missed ones, so that
#: a share of matches estimates a share of works (matches / true pairs 1.01, balanced accuracy
#: 0.757; on the 40 held-out "after" captions 0.86 and 0.753).
EMBEDDING_THRESHOLD = 0.245

@runtime_checkable
class Judge(Protocol):
    """What :mod:`artopic_nb.text.claims` needs from a judge (duck typing; kind ``judge`` of
    the model registry, :func:`artopic_nb.models.available`)."""

    name: str        # kind: "embedding", "lexical", "nli", "llm", "image"
    unit: str        # "text" (reads descriptions) or "image" (reads the works' images)

    @property
    def judge_id(self) -> str: ...

    @property
    def what(self) -> str: ...

    def verdicts(self, claims: Sequence[str], items: Sequence[Any]) -> np.ndarray: ...


class JudgeUnavailable(RuntimeError):
    """A judge whose model is not installed or cannot be loaded here; says how to get it."""


class EmbeddingJudge:
    """Sentence-embedding match: a description supports a claim when one of its sentences
    (or the whole text) has cosine similarity >= ``threshold`` to the claim's core.

    ``encoder``: as :func:`~artopic_nb.text.encoder.load_sentence_encoder` (default MiniLM, offline).
    It cannot tell a contradiction from silence: ``-1`` means "described, no match".
    """

    name = "embedding"
    unit = "text"

    def __init__(self, encoder: Any = None, threshold: float = EMBEDDING_THRESHOLD):
        self.encoder = encoder
        self.threshold = float(threshold)
        self._encoder = None
        self._seen: dict[str, np.ndarray] = {}

    @property
    def judge_id(self) -> str:
        return f"embedding:{encoder_id(self.encoder) or 'encoder'}@{self.threshold:.3f}"

    @property
    def what(self) -> str:
        return (f"sentence-embedding match (all-MiniLM-L6-v2 unless given): cosine of claim to "
                f"best description sentence >= {self.threshold:.2f} (calibrated on labelled "
                "captions); -1 means no match, not a contradiction")

    def similarities(self, claims: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        """(claims x texts) best cosine similarity over each text's sentences and whole."""
        if self._encoder is None:
            self._encoder = load_sentence_encoder(self.encoder)
        pieces, owner = [], []
        for j, text in enumerate(texts):
            for s in dict.fromkeys([*split_sentences(text), str(text).strip()]):
                pieces.append(s)
                owner.append(j)
        out = np.full((len(claims), len(texts)), -1.0, dtype=np.float32)
        if not pieces or not len(claims):
            return out
        c = encode_texts(self._encoder, [claim_core(x) for x in claims])
        p = self._encode_pieces(pieces)
        sims = c @ p.T
        owner = np.asarray(owner)
        for j in range(len(texts)):
            cols = owner == j
            if cols.any():
                out[:, j] = sims[:, cols].max(axis=1)
        return out

    def _encode_pieces(self, pieces: list[str]) -> np.ndarray:
        """Sentence embeddings, kept (up to 100,000) so that scoring each cluster's claims
        against the same descriptions encodes them once."""
        new = [s for s in dict.fromkeys(pieces) if s not in self._seen]
        if new:
            if len(self._seen) + len(new) > 100_000:
                self._seen.clear()
            self._seen.update(zip(new, encode_texts(self._encoder, new), strict=True))
        return np.stack([self._seen[s] for s in pieces])

    def verdicts(self, claims: Sequence[str], items: Sequence[str]) -> np.ndarray:
        sims = self.similarities(claims, items)
        return np.where(sims >= self.threshold, 1, -1).astype(np.int8)


class LexicalJudge:
    """Word match: every content word of the claim (the keyword analyser's tokens, stop
    words dropped, a final "s" ignored) occurs in the description. Exact for keywords."""

    name = "lexical"
    unit = "text"
    judge_id = "lexical:1"
    what = "every content word of the claim occurs in the description (plural 's' ignored)"

    _stop: frozenset[str] | None = None

    def _words(self, text: str) -> set[str]:
        from .keywords import TOKEN_PATTERN, vectorizer  # scikit-learn, on first use

        if self._stop is None:
            self._stop = frozenset(vectorizer().get_stop_words() or ())
        return {w.rstrip("s") for w in re.findall(TOKEN_PATTERN, str(text).lower())
                if w not in self._stop}

    def verdicts(self, claims: Sequence[str], items: Sequence[str]) -> np.ndarray:
        docs = [self._words(t) for t in items]
        out = np.zeros((len(claims), len(items)), dtype=np.int8)
        for i, claim in enumerate(claims):
            words = self._words(claim_core(claim))
            out[i] = [1 if words and words <= d else -1 for d in docs]
        return out


def text_judge(spec: Any = "embedding", **options: Any) -> Judge:
    """``spec`` as a judge: a judge object as it is, ``"embedding"`` / ``"embedding:<encoder>"``
    or ``"lexical"`` built here. The judges with models of their own (``"nli"``, ``"llm"``,
    ``"image"`` ..., or with options such as ``llm=``) are loaded by :func:`artopic_nb.models.judges.load_judge` (or
    ``artopic_nb.models.load("judge", name)``), whose result is passed as the object."""
    if not isinstance(spec, str):
        if isinstance(spec, Judge):
            return spec
        raise TypeError(f"a judge is a name or has name, unit, judge_id, what and verdicts(); "
                        f"got {spec!r}")
    kind, _, arg = spec.partition(":")
    if kind == "embedding":
        return EmbeddingJudge(arg or None, **options)
    if kind == "lexical" and not options:
        return LexicalJudge()
    raise ValueError(f"judge {spec!r} loads a model: build it with "
                     f"artopic_nb.models.load('judge', {spec!r}) (or "
                     "artopic_nb.models.judges.load_judge) and pass the judge object; by name "
                     "here: 'embedding', 'embedding:<encoder>' or 'lexical'")
