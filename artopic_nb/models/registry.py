"""Model backends, one module each, behind two protocols (:mod:`.base`).

========================  =======================================  ========================
module                    backend                                  protocols
========================  =======================================  ========================
:mod:`.transformers`      a ``transformers`` VLM in this process   image describer, text
:mod:`.openai`            an OpenAI-compatible HTTP server         image describer, text
:mod:`.gguf`              a GGUF language model (SmolLM2 offline)  text
:mod:`.attributes`        no model: measured colour and light      image describer
========================  =======================================  ========================

:func:`load_backend` builds one from a spec: a string (``"hf:<id or folder>"``,
``"openai:<model>@<url>"``, ``"attributes"``, ``"smollm2"``, ``"gguf:<file>"``, ``"auto"``),
an :mod:`artopic_nb.models.specs` spec carrying the model's own options, or a backend object
(returned as it is). :func:`load_image_describer` and :func:`load_text_model` also check
that the backend can play the role asked of it, with a clear message when it cannot.

Example
-------
>>> import artopic_nb as an
>>> vlm = load_backend(an.models.hf("HuggingFaceTB/SmolVLM-256M-Instruct", quantize=True))  # doctest: +SKIP
>>> llm = load_text_model("smollm2")                                   # doctest: +SKIP
"""

from __future__ import annotations

import os
from typing import Any

from . import specs as models
from .backends.attributes import (
    ATTRIBUTE_LABEL,
    ATTRIBUTE_PREAMBLE,
    AttributeDescriber,
    image_attributes,
)
from .backends.gguf import GGUFTextModel, smollm2_gguf_path
from .backends.openai import OpenAIDescriber
from .backends.transformers import TransformersDescriber, TransformersTextModel
from .hub import ModelUnavailableError, ensure_available
from .protocols import (
    DescriberError,
    Description,
    ImageDescriber,
    TextModel,
    as_image_describer,
    as_text_model,
)
from .specs import DEFAULT_DESCRIBER, DEFAULT_DESCRIBERS, ModelSpec

__all__ = [
    "ATTRIBUTE_LABEL", "ATTRIBUTE_PREAMBLE", "BACKENDS", "DEFAULT_DESCRIBER", "DEFAULT_DESCRIBERS",
    "AttributeDescriber", "DescriberError", "Description", "GGUFTextModel", "ImageDescriber",
    "ModelSpec", "OpenAIDescriber", "TextModel", "TransformersDescriber", "TransformersTextModel",
    "image_attributes", "load_backend", "load_image_describer", "load_text_model",
    "smollm2_gguf_path",
]

#: The class each :class:`~artopic_nb.models.specs.ModelSpec` backend name builds.
BACKENDS: dict[str, type] = {
    "hf": TransformersDescriber,
    "gguf": GGUFTextModel,
    "openai": OpenAIDescriber,
    "attributes": AttributeDescriber,
    "auto": TransformersDescriber,
}


def load_backend(spec: str | os.PathLike | ModelSpec | Any = "auto", *, load: bool = True,
                 **options: Any) -> Any:
    """The backend ``spec`` names, ready to use (an in-process model is loaded now).

    ``spec``: a spec string (:func:`artopic_nb.models.specs.parse`), a
    :class:`~artopic_nb.models.specs.ModelSpec` (``an.models.hf(...)``, ``an.models.openai(...)``
    ...), or an object that already is an image describer or a text model (returned as it
    is). ``options`` are added to the spec's own (string specs take their options this way);
    they cannot go with an object. ``"auto"`` is :data:`~artopic_nb.models.specs.DEFAULT_DESCRIBER`
    when it can be loaded, else, with one printed notice, the :class:`AttributeDescriber`.
    Raises :class:`~artopic_nb.models.hub.ModelUnavailableError` for a model that cannot be had
    here, saying how to get it. ``load=False`` leaves the weights unloaded (they load on first
    use): enough to read ``model_id`` for a cache key, which costs no model load.
    """
    if isinstance(spec, (str, os.PathLike)):
        spec = models.parse(spec)
    if not isinstance(spec, ModelSpec):
        if not isinstance(spec, (ImageDescriber, TextModel)):
            raise TypeError(f"a model spec, an image describer or a text model is needed, "
                            f"not {type(spec).__name__}")
        if options:
            raise TypeError(f"options {sorted(options)} go with a model spec, not with a "
                            f"{type(spec).__name__} object (set them when you make it)")
        return spec
    if options:
        spec = spec.with_options(**options)
    opts = dict(spec.options)
    if spec.backend == "auto":
        return _auto(opts, load)
    cls = BACKENDS[spec.backend]
    backend = cls(**opts) if spec.model is None else cls(spec.model, **opts)
    return backend.load() if load and hasattr(backend, "load") else backend


def _auto(options: dict, load: bool) -> Any:
    try:
        describer = TransformersDescriber(DEFAULT_DESCRIBER, **options)
        if not load:
            ensure_available(DEFAULT_DESCRIBER, "describing model")  # milliseconds, no torch
            return describer
        return describer.load()
    except ModelUnavailableError as exc:
        print(f"artopic_nb: the describing model {DEFAULT_DESCRIBER} could not be loaded "
              f"({exc.args[0].split('. ')[0]}); using the no-model attribute describer "
              "instead: its texts describe measured colour, light and texture, not subjects.")
        return AttributeDescriber()


def load_image_describer(spec: Any = "auto", **options: Any) -> ImageDescriber:
    """:func:`load_backend`, checked to describe images (a text-only model is an error that
    says so)."""
    return as_image_describer(load_backend(spec, **options))


def load_text_model(spec: Any, **options: Any) -> TextModel:
    """:func:`load_backend`, checked to complete text prompts."""
    return as_text_model(load_backend(spec, **options))
