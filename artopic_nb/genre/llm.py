"""Genre prediction by a constrained choice put to a text model (an LLM).

:class:`LLMGenrePredictor` puts each caption, quoted as data, with the list of genres in the
registered, versioned ``genre_choice`` prompt (:mod:`artopic_nb.text.prompts`) to a text model,
in one of two ways:

- ``"logprob"`` (constrained choice, for a model in this process): the log-likelihood of each
  genre name as the answer, by the model's forward pass (:func:`label_logprobs`); the answer
  is the most likely genre, never free text to parse. Used for ``transformers`` text models
  (:class:`~artopic_nb.models.backends.transformers.TransformersTextModel`, SmolLM2 ...) and any
  object with its own ``label_logprobs(prompts, options)``.
- ``"generate"`` (for HTTP models, which give text only): ``complete(prompts, max_new_tokens)``;
  :func:`parse_genre_answer` reads the genre an answer names; an answer that names none is
  retried once with the prompt's stricter ``retry`` instruction, and is then recorded as
  :data:`~artopic_nb.genre.evaluation.UNPARSED`, never mapped to a genre.

Example
-------
>>> print(genre_choice_prompt("A vase of roses.", ["portrait", "still life"]).splitlines()[2])
- portrait
>>> parse_genre_answer("Genre: Still-Life.", ["portrait", "still life"])
'still life'
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..text.encoder import quote_as_data
from ..text.prompts import Prompt, TextModel, complete, get_prompt, model_name
from .evaluation import UNPARSED, text_list
from .names import DEFAULT_GENRES

__all__ = ["LLMGenrePredictor", "genre_choice_prompt", "label_logprobs", "parse_genre_answer"]


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


#: The caption whose answer likelihoods measure a model's preference among the genres alone.
_CONTENT_FREE = "N/A"


def _in_process(llm: Any) -> bool:
    """Whether ``llm`` is an in-process ``transformers`` text model (judged without loading
    it: a cache key must not load weights)."""
    return (callable(getattr(llm, "load", None)) and hasattr(llm, "_model")
            and getattr(llm, "_kind", "text") != "captioner")


def _in_process_parts(llm: Any):
    """(model, tokenizer, chat-template owner) of an in-process model, loaded, or None."""
    if not _in_process(llm):
        return None
    llm.load()
    model, tok = getattr(llm, "_model", None), getattr(llm, "_tokenizer", None)
    if model is None or tok is None or getattr(llm, "_kind", "text") == "captioner":
        return None
    owner = getattr(llm, "_processor", None) if getattr(llm, "_kind", "") == "chat" else tok
    return model, tok, owner if getattr(owner, "chat_template", None) else None


def supports_logprobs(llm: Any) -> bool:
    """Whether ``llm`` can score options: its own ``label_logprobs`` or an in-process model."""
    return callable(getattr(llm, "label_logprobs", None)) or _in_process(llm)


def label_logprobs(llm: Any, prompts: Sequence[str], options: Sequence[str]) -> np.ndarray:
    """Log-likelihood of each option as the answer to each prompt, shape (prompts, options).

    ``llm.label_logprobs(prompts, options)`` when it has one; otherwise, for an in-process
    ``transformers`` model, the summed log-probabilities of the option's tokens (and the end
    of the answer) after the prompt in the model's chat template: one batched forward pass
    of all options per prompt, deterministic (no sampling).
    """
    if callable(getattr(llm, "label_logprobs", None)):
        return np.asarray(llm.label_logprobs(list(prompts), list(options)), dtype=np.float64)
    parts = _in_process_parts(llm)
    if parts is None:
        raise TypeError(f"{model_name(llm)} cannot score options in this process "
                        "(an HTTP model): use mode='generate'")
    model, tok, owner = parts
    end = [tok.eos_token_id] if tok.eos_token_id is not None else []
    opt_ids = [tok(o, add_special_tokens=False)["input_ids"] + end for o in options]
    out = np.zeros((len(prompts), len(options)))
    for i, prompt in enumerate(prompts):
        if owner is not None:
            content = [{"type": "text", "text": prompt}] if owner is not tok else prompt
            prefix = owner.apply_chat_template([{"role": "user", "content": content}],
                                               add_generation_prompt=True, tokenize=False)
            pre = tok(prefix, add_special_tokens=False)["input_ids"]
        else:
            pre = tok(prompt)["input_ids"]
        try:
            out[i] = _score_cached(model, pre, opt_ids)
        except (AttributeError, TypeError, NotImplementedError):  # a cache that cannot repeat
            out[i] = _score_full(model, pre, opt_ids, tok.pad_token_id or 0)
    return out


def _score_full(model, pre: list[int], opt_ids: list[list[int]], pad: int) -> np.ndarray:
    """Summed log-probabilities of each option after ``pre``: one forward pass of every
    prompt + option sequence (right-padded)."""
    import torch

    seqs = [pre + o for o in opt_ids]
    width = max(map(len, seqs))
    ids = torch.tensor([q + [pad] * (width - len(q)) for q in seqs], device=model.device)
    mask = torch.tensor([[1] * len(q) + [0] * (width - len(q)) for q in seqs], device=model.device)
    with torch.inference_mode():
        logp = torch.log_softmax(model(input_ids=ids, attention_mask=mask).logits.float(), -1)
    return np.array([float(sum(logp[j, len(pre) - 1 + t, tok_id] for t, tok_id in enumerate(o)))
                     for j, o in enumerate(opt_ids)])


def _score_cached(model, pre: list[int], opt_ids: list[list[int]]) -> np.ndarray:
    """As :func:`_score_full`, with the prompt run once and its key-value cache shared by the
    options (about options-times faster for a long prompt)."""
    import torch

    dev = model.device
    with torch.inference_mode():
        first = model(input_ids=torch.tensor([pre], device=dev), use_cache=True)
        start = torch.log_softmax(first.logits[0, -1].float(), -1)
        scores = np.array([float(start[o[0]]) for o in opt_ids])
        rest = [o[1:] for o in opt_ids]
        width = max(map(len, rest))
        if width == 0:
            return scores
        cache = getattr(first, "cache", None) or first.past_key_values
        cache.batch_repeat_interleave(len(opt_ids))
        # transformers 5.2x names the argument ``cache``; earlier versions ``past_key_values``
        name = "cache" if "cache" in inspect.signature(model.forward).parameters \
            else "past_key_values"
        ids = torch.tensor([o[:-1] + [o[-1]] * (width - len(o) + 1) if o else [0] * width
                            for o in opt_ids], device=dev)[:, :width]
        mask = torch.tensor([[1] * len(pre) + [1] * width for _ in opt_ids], device=dev)
        logp = torch.log_softmax(model(input_ids=ids, attention_mask=mask,
                                       **{name: cache}).logits.float(), -1)
    for j, r in enumerate(rest):
        scores[j] += sum(float(logp[j, t, tok_id]) for t, tok_id in enumerate(r))
    return scores


class LLMGenrePredictor:
    """Genre prediction by a constrained-choice prompt to a text model.

    Parameters
    ----------
    genres
        Genre names (a mapping's keys are the names).
    llm
        A :class:`~artopic_nb.text.prompts.TextModel`: ``complete(prompts: list[str],
        max_new_tokens: int) -> list[str]`` and ``model_id`` (the language-model describers
        of :mod:`artopic_nb.steps.describe` provide both).
    max_new_tokens
        The answer's length cap; ``None``: the prompt's ``max_new_tokens``.
    batch_size
        Prompts per ``complete`` call.
    prompt
        The template, a registered name or a :class:`~artopic_nb.text.prompts.Prompt` with the
        ``{genres}``, ``{caption}`` and ``{instruction}`` fields and the ``answer`` and
        ``retry`` parts (see :func:`genre_choice_prompt`).
    mode
        ``"auto"`` (default): ``"logprob"`` when the model can score options in this process
        (:func:`label_logprobs`), else ``"generate"``; or either by name.
    calibrate
        In ``"logprob"`` mode, subtract each genre's log-likelihood for a content-free caption
        ("N/A"; Zhao et al. 2021, "Calibrate before use"), so that a genre the model likes
        whatever the caption (SmolLM2: the first listed, or one whose name the prompt repeats)
        does not win every caption. ``prior_logprobs_`` holds them.

    ``"logprob"``: the most likely genre name, with ``logprobs_`` (DataFrame, captions x
    genres) after :meth:`predict`. ``"generate"``: answers that name no genre (see
    :func:`parse_genre_answer`) are retried once with the stricter instruction; those still
    unparsed are recorded as ``UNPARSED``. After :meth:`predict`, both: ``mode_`` (the mode
    used), ``answers_`` DataFrame (caption index, attempt, prompt, answer, parsed) and
    ``n_unparsed_``.
    """

    def __init__(self, genres: Sequence[str] | Mapping[str, Any] = DEFAULT_GENRES,
                 llm: TextModel | None = None, *, max_new_tokens: int | None = None,
                 batch_size: int = 16, prompt: str | Prompt = "genre_choice",
                 mode: str = "auto", calibrate: bool = True):
        if mode not in ("auto", "logprob", "generate"):
            raise ValueError(f"mode must be 'auto', 'logprob' or 'generate', not {mode!r}")
        self.genres = genres
        self.mode = mode
        self.calibrate = calibrate
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
        return f"llm:{model_name(self.llm)}"

    @property
    def cache_id(self) -> str:
        """What the answers depend on besides the captions and genres: the text model, the
        prompt's key (name, version, text hash) and the answer length."""
        mode = self.mode if self.mode != "auto" else (
            "logprob" if supports_logprobs(self.llm) else "generate")
        return (f"{self.model_id}|prompt={get_prompt(self.prompt).key}|mode={mode}"
                + (f"|calibrate={self.calibrate}" if mode == "logprob" else "")
                + (f"|max_new_tokens={self._max_new_tokens}" if mode == "generate" else ""))

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
        """One genre per caption (``UNPARSED`` for an empty caption, or in ``"generate"``
        mode when two attempts named no genre)."""
        mode = self.mode
        if mode == "auto":
            mode = "logprob" if supports_logprobs(self.llm) else "generate"
        self.mode_ = mode
        if mode == "logprob":
            return self._predict_logprob(text_list(captions))
        return self._predict_generate(text_list(captions))

    def _predict_logprob(self, texts: list[str]) -> list[str]:
        genres = list(self.classes_)
        todo = [i for i, t in enumerate(texts) if t.strip()]
        prompts = [genre_choice_prompt(texts[i], genres, prompt=self.prompt) for i in todo]
        scores = label_logprobs(self.llm, prompts, genres) if todo else np.zeros((0, len(genres)))
        prior = np.zeros(len(genres))
        if self.calibrate and todo:
            prior = label_logprobs(self.llm, [genre_choice_prompt(
                _CONTENT_FREE, genres, prompt=self.prompt)], genres)[0]
        self.prior_logprobs_ = pd.Series(prior, index=genres)
        result = [UNPARSED] * len(texts)
        for row, i in enumerate(todo):
            result[i] = genres[int(np.argmax(scores[row] - prior))]
        self.logprobs_ = pd.DataFrame(scores, index=todo, columns=genres)
        self.answers_ = pd.DataFrame(
            [(i, 1, p, result[i], result[i]) for i, p in zip(todo, prompts, strict=True)],
            columns=["index", "attempt", "prompt", "answer", "parsed"])
        self.n_unparsed_ = 0
        return result

    def _predict_generate(self, texts: list[str]) -> list[str]:
        genres = list(self.classes_)
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

    def describe_labels(self) -> str:
        """How the genres are chosen (the names go to the model as given), one line a genre."""
        mode = getattr(self, "mode_", None) or self.mode
        how = {"logprob": "constrained choice by each name's log-likelihood"
                          + (", calibrated by a content-free caption" if self.calibrate else ""),
               "generate": "generated answer parsed, one retry, else unparsed",
               "auto": "log-likelihood in process, else a generated answer"}[mode]
        return "\n".join([f"{g}: name as given to {self.model_id}" for g in self.classes_]
                         + [f"mode: {mode} ({how})"])

    def __repr__(self) -> str:
        return f"LLMGenrePredictor({len(self.genres)} genres, llm={self.model_id!r})"
