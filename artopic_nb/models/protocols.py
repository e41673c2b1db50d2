"""What a describer and a text model are: the protocols the registry's kinds follow.

Protocols, checked with ``isinstance`` (structural, as BERTopic's representation models
are: no base class to inherit):

:class:`ImageDescriber` (kind ``describer``)
    ``model_id``, ``batch_size``, ``cache_params(prompt) -> dict`` and
    ``describe(images, prompt) -> list[Description]``: everything
    :func:`~artopic_nb.steps.describe.describe_collection` uses.
:class:`TextModel` (kind ``text_model``; its home is :mod:`artopic_nb.text.prompts`)
    ``model_id`` and ``complete(prompts, max_new_tokens=...) -> list[str]``: what genre
    choice, cluster summaries and the LLM judge send their prompts to.
:class:`GenrePredictor` (kind ``genre_predictor``; its home is :mod:`artopic_nb.genre.predict`)
    ``model_id`` and ``predict(captions) -> list[str]``.

The other kinds' protocols are beside their loaders: :class:`~artopic_nb.models.embedders.Embedder`,
:class:`~artopic_nb.models.text_encoders.TextEncoder`, :class:`~artopic_nb.models.judges.Judge`.
Every kind is registered and loaded the same way (:mod:`artopic_nb.models.kinds`,
:func:`artopic_nb.models.available`).

``model_id`` names the model in tables and cache keys: it changes when the weights or the
precision they run in change, and never contains a secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from PIL import Image

from ..genre.predict import GenrePredictor
from ..text.prompts import Prompt, TextModel

__all__ = ["GenrePredictor", "DescriberError", "Description", "ImageDescriber", "TextModel",
           "as_image_describer", "as_text_model", "max_new_tokens_for"]


class DescriberError(RuntimeError):
    """A model that cannot do its work (server down, key refused, bad answer, wrong kind ...)."""



@dataclass(frozen=True)
class Description:
    """One generated text; ``seconds`` is wall time (a batch's time shared by its images),
    ``tokens`` the new tokens generated (0 for the attribute describer)."""

    text: str
    seconds: float
    tokens: int


@runtime_checkable
class ImageDescriber(Protocol):
    """The image-describer protocol: what :func:`~artopic_nb.steps.describe.describe_collection` needs.

    ``batch_size`` is the number of images per ``describe`` call (so, per cache write);
    ``cache_params(prompt)`` the generation settings that change the text for ``prompt``
    (added to cache keys); ``describe`` returns one :class:`Description` per image, in order.
    """

    model_id: str
    batch_size: int

    def cache_params(self, prompt: Prompt) -> dict: ...

    def describe(self, images: list[Image.Image], prompt: Prompt) -> list[Description]: ...


def as_image_describer(backend: Any) -> ImageDescriber:
    """``backend`` when it can describe images; else a :class:`DescriberError` that says why
    (a text-only model, or an object missing part of :class:`ImageDescriber`)."""
    name = getattr(backend, "model_id", None) or type(backend).__name__
    # (``kind`` loads an in-process model, which describing would do anyway)
    text_only = (isinstance(backend, TextModel) and not callable(getattr(backend, "describe", None))
                 ) or getattr(backend, "kind", None) == "text"
    if text_only:
        raise DescriberError(
            f"{name} is a text-only model: it can complete text prompts (summaries, genre "
            "choice) but cannot see images; describe with a vision-language model "
            "(\"hf:<id or folder>\", \"openai:<model>@<url>\") or \"attributes\"")
    if not isinstance(backend, ImageDescriber):
        missing = [m for m in ("model_id", "batch_size", "cache_params", "describe")
                   if not hasattr(backend, m)]
        raise DescriberError(f"{name} is not an image describer: it lacks {', '.join(missing)} "
                             "(see artopic_nb.models.protocols.ImageDescriber)")
    return backend


def as_text_model(backend: Any) -> TextModel:
    """``backend`` when it can complete text prompts; else a :class:`DescriberError`."""
    if not isinstance(backend, TextModel) or getattr(backend, "kind", None) == "captioner":
        name = getattr(backend, "model_id", None) or type(backend).__name__
        raise DescriberError(
            f"{name} is not a text model (it needs complete(prompts, max_new_tokens=...) and "
            "a model_id); use a language model such as \"smollm2\" (offline) or "
            "\"openai:<model>@<url>\"")
    return backend


def max_new_tokens_for(cap: int | None, prompt: Prompt | None, default: int = 0) -> int:
    """The answer length for ``prompt``: the backend's own ``cap`` when it has one, else the
    prompt's ``max_new_tokens`` (``default`` without a prompt)."""
    if cap is not None:
        return cap
    return prompt.max_new_tokens if prompt is not None else default
