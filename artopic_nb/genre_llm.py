"""Genre prediction by a constrained choice put to a text model (an LLM).

:class:`LLMGenrePredictor` sends each caption, quoted as data, with the list of genres in the
registered, versioned ``genre_choice`` prompt (:mod:`artopic_nb.prompts`) to any
:class:`~artopic_nb.prompts.TextModel` (``complete(prompts, max_new_tokens=...) -> list[str]``
and a ``model_id``). :func:`parse_genre_answer` reads the genre an answer names; an answer
that names none is retried once with the prompt's stricter ``retry`` instruction, and is
then recorded as :data:`~artopic_nb.genre_eval.UNPARSED`, never mapped to a genre.

Example
-------
>>> print(genre_choice_prompt("A vase of roses.", ["portrait", "still life"]).splitlines()[2])
- portrait
>>> parse_genre_answer("Genre: Still-Life.", ["portrait", "still life"])
'still life'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .datasets import DEMO_GENRES
from .genre_eval import UNPARSED, text_list
from .prompts import Prompt, TextModel, complete, get_prompt, text_model_id
from .text import quote_as_data

__all__ = ["LLMGenrePredictor", "genre_choice_prompt", "parse_genre_answer"]


def genre_choice_prompt(caption: str, genres: Sequence[str], *, strict: bool = False,
                        previous_answer: str | None = None,
                        prompt: str | Prompt = "genre_choice") -> str:
    """The constrained-choice prompt for one caption (``strict`` for the retry).

    ``prompt``: the template (by default the registered ``genre_choice``), filled with the
    genres as a list, the caption quoted between ``<caption>`` tags and its ``answer``
    instruction, or with ``strict`` its ``retry`` one, which quotes ``previous_answer``.
    """
    template = get_prompt(prompt)
    if strict:
        previous = "" if previous_answer is None else \
            ' "' + str(previous_answer).strip().replace("\n", " ")[:200] + '"'
        instruction = template.part("retry").format(previous=previous)
    else:
        instruction = template.part("answer")
    return template.format(genres="\n".join(f"- {g}" for g in genres),
                           caption=quote_as_data(caption, "<caption>", "</caption>"),
                           instruction=instruction)


def _norm(text: str) -> str:
    text = text.lower().replace("_", " ").replace("-", " ")
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_genre_answer(answer: str | None, genres: Sequence[str]) -> str | None:
    """The genre an LLM answer names, or ``None`` when it names none or several.

    Accepts the exact name with any case, quotes, punctuation or a "Genre:" prefix; otherwise
    the answer's first line must mention exactly one genre as whole words (a longer name
    wins over one it contains, "still life" over "life"). Plurals ("portraits") count.
    """
    if answer is None:
        return None
    normed = {_norm(g): g for g in genres}
    first = next((ln for ln in str(answer).splitlines() if ln.strip()), "")
    text = _norm(first)
    text = re.sub(r"^(the )?(genre|answer)( is)? ", "", text)
    if text in normed:
        return normed[text]
    if text.endswith("s") and text[:-1] in normed:
        return normed[text[:-1]]
    found: list[tuple[int, int, str]] = []
    for key, genre in normed.items():
        for m in re.finditer(rf"\b{re.escape(key)}s?\b", text):
            found.append((m.start(), m.end(), genre))
    # drop matches contained in a longer match ("life" inside "still life")
    kept = {g for s, e, g in found
            if not any((s2 <= s and e <= e2) and (e2 - s2) > (e - s) for s2, e2, _ in found)}
    return kept.pop() if len(kept) == 1 else None


class LLMGenrePredictor:
    """Genre prediction by a constrained-choice prompt to a text model.

    Parameters
    ----------
    genres
        Genre names (a mapping's keys are the names).
    llm
        A :class:`~artopic_nb.prompts.TextModel`: ``complete(prompts: list[str],
        max_new_tokens: int) -> list[str]`` and ``model_id`` (the language-model describers
        of :mod:`artopic_nb.describe` provide both).
    max_new_tokens
        The answer's length cap; ``None``: the prompt's ``max_new_tokens``.
    batch_size
        Prompts per ``complete`` call.
    prompt
        The template, a registered name or a :class:`~artopic_nb.prompts.Prompt` with the
        ``{genres}``, ``{caption}`` and ``{instruction}`` fields and the ``answer`` and
        ``retry`` parts (see :func:`genre_choice_prompt`).

    Answers that name no genre (see :func:`parse_genre_answer`) are retried once with the
    stricter instruction; those still unparsed are recorded as ``UNPARSED``. After
    :meth:`predict`: ``answers_`` DataFrame (caption index, attempt, prompt, answer, parsed)
    with every prompt and raw answer, and ``n_unparsed_``.
    """

    def __init__(self, genres: Sequence[str] | Mapping[str, Any] = DEMO_GENRES,
                 llm: TextModel | None = None, *, max_new_tokens: int | None = None,
                 batch_size: int = 16, prompt: str | Prompt = "genre_choice"):
        self.genres = genres
        self.llm = llm
        self.max_new_tokens = max_new_tokens
        self.batch_size = batch_size
        self.prompt = prompt

    @property
    def classes_(self) -> np.ndarray:
        return np.array([str(g) for g in self.genres], dtype=object)

    @property
    def model_id(self) -> str:
        """A readable name (for tables): ``llm:`` and the text model's ``model_id``."""
        return f"llm:{text_model_id(self.llm)}"

    @property
    def cache_id(self) -> str:
        """What the answers depend on besides the captions and genres: the text model, the
        prompt's key (name, version, text hash) and the answer length."""
        return (f"{self.model_id}|prompt={get_prompt(self.prompt).key}"
                f"|max_new_tokens={self._max_new_tokens}")

    @property
    def _max_new_tokens(self) -> int:
        return self.max_new_tokens or get_prompt(self.prompt).max_new_tokens

    def _complete(self, prompts: list[str]) -> list[str]:
        return complete(self.llm, prompts, max_new_tokens=self._max_new_tokens,
                        batch_size=self.batch_size)

    def _ask(self, texts: list[str], todo: list[int], genres: list[str], previous=None):
        """Prompts and answers for captions ``todo`` (a retry when ``previous`` answers)."""
        prompts = {i: genre_choice_prompt(texts[i], genres, prompt=self.prompt,
                                          strict=previous is not None,
                                          previous_answer=None if previous is None else previous[i])
                   for i in todo}
        return prompts, dict(zip(todo, self._complete([prompts[i] for i in todo]), strict=True))

    def predict(self, captions: Sequence[str]) -> list[str]:
        """One genre per caption, or ``UNPARSED`` when two attempts named no genre."""
        genres = list(self.classes_)
        texts = text_list(captions)
        records = []
        result: list[str] = [UNPARSED] * len(texts)
        todo = [i for i, t in enumerate(texts) if t.strip()]
        previous = None
        for attempt in (1, 2):
            prompts, answers = self._ask(texts, todo, genres, previous)
            for i in todo:
                parsed = parse_genre_answer(answers[i], genres)
                records.append((i, attempt, prompts[i], answers[i], parsed or UNPARSED))
                if parsed is not None:
                    result[i] = parsed
            todo = [i for i in todo if result[i] == UNPARSED]
            previous = answers
            if not todo:
                break
        self.answers_ = pd.DataFrame(records, columns=["index", "attempt", "prompt", "answer", "parsed"])
        self.n_unparsed_ = sum(r == UNPARSED for r in result)
        return result

    def __repr__(self) -> str:
        return f"LLMGenrePredictor({len(self.genres)} genres, llm={self.model_id!r})"
