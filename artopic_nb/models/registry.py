"""Turning a model's name into a model: the describer and text-model loaders, and
:func:`register`, the one way every kind of model is registered.

Each kind has one loader (:func:`artopic_nb.models.load` calls them by kind):

- describers and text models: :func:`load_backend` builds one from a spec (a string such as
  ``"hf:<id or folder>"``, ``"openai:<model>@<url>"``, ``"attributes"``, ``"smollm2"``,
  ``"gguf:<file>"``, ``"auto"``; an :mod:`artopic_nb.models` spec carrying the model's own
  options; or a backend object, returned as it is); :func:`load_image_describer` and
  :func:`load_text_model` also check the role; :func:`load_describers` the study's list, with
  the default pair's fallback; :func:`text_model_id` a text model's full identity without
  loading it;
- embedders: :func:`load_embedder` (:mod:`artopic_nb.models.embedders`);
- text encoders: :func:`~artopic_nb.models.text_encoders.load_text_encoder`;
- judges: :func:`~artopic_nb.models.judges.load_judge`;
- genre predictors: :func:`~artopic_nb.models.genre_predictors.load_genre_predictor`.

Every backend registers itself with :func:`register` (:mod:`artopic_nb.models.kinds`): its
kind, name and needs; :func:`artopic_nb.models.available` lists them all.

Example
-------
>>> import artopic_nb as an
>>> vlm = load_backend(an.models.hf("HuggingFaceTB/SmolVLM-256M-Instruct", quantize=True))  # doctest: +SKIP
>>> llm = load_text_model("smollm2")                                   # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from . import specs
from .backends import backend_class
from .backends.attributes import AttributeDescriber
from .backends.column import column
from .backends.transformers import DEFAULT_DESCRIBER, DEFAULT_DESCRIBERS, TransformersDescriber
from .embedders import load_embedder
from .hub import ModelUnavailableError, ensure_available
from .kinds import register
from .protocols import ImageDescriber, TextModel, as_image_describer, as_text_model
from .specs import ModelSpec

__all__ = ["load_backend", "load_describers", "load_embedder", "load_image_describer",
           "load_text_model", "register", "text_model_id"]


def load_backend(spec: str | os.PathLike | ModelSpec | Any = "auto", *, load: bool = True,
                 **options: Any) -> Any:
    """The backend ``spec`` names, ready to use (an in-process model is loaded now).

    ``spec``: a spec string (:func:`artopic_nb.models.parse`), a
    :class:`~artopic_nb.models.ModelSpec` (``an.models.hf(...)``, ``an.models.openai(...)``
    ...), or an object that already is an image describer or a text model (returned as it
    is). ``options`` are added to the spec's own (string specs take their options this way);
    they cannot go with an object. ``"auto"`` is :data:`~artopic_nb.models.DEFAULT_DESCRIBER`
    when it can be loaded, else, with one printed notice, the :class:`AttributeDescriber`.
    Raises :class:`~artopic_nb.models.hub.ModelUnavailableError` for a model that cannot be had
    here, saying how to get it. ``load=False`` leaves the weights unloaded (they load on first
    use): enough to read ``model_id`` for a cache key, which costs no model load.
    """
    if isinstance(spec, (str, os.PathLike)):
        spec = specs.parse(spec)
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
    cls = backend_class(spec.backend)
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


def load_describers(describers: Sequence[Any] | None,
                    record_columns: Sequence[str] | None = None) -> list:
    """The image describers named (None: the default pair, each falling back, said out loud,
    to the attribute describer when it cannot be loaded), one per distinct model.
    Each spec carries its own options (:mod:`artopic_nb.models`).

    ``record_columns``: the record's text columns the clusters were embedded with
    (``study.embed(text=...)``). When a default model falls back, the record's words in these
    columns describe too (``column:...``), so that keywords, claims and names speak of what
    the works show, not only of the attribute describer's colour and light.
    """
    loaded, fell_back = [], False
    for spec in ([f"hf:{m}" for m in DEFAULT_DESCRIBERS] if describers is None else describers):
        try:
            loaded.append(load_image_describer(spec))
        except ModelUnavailableError as exc:
            if describers is not None:
                raise
            print(f"artopic_nb: {exc.args[0].split('. ')[0]}; describing with the no-model "
                  "attribute describer instead (its texts report measured colour, light "
                  "and texture, not subjects).")
            loaded.append(AttributeDescriber())
            fell_back = True
    if fell_back and record_columns:
        record = load_image_describer(column(*record_columns))
        print(f"artopic_nb: describing also with the record's own words ({record.model_id}, "
              "the columns the clusters were embedded with), so that keywords, claims and "
              "names carry subjects; these texts are the record's, not a model's.")
        loaded.append(record)
    unique = {d.model_id: d for d in loaded}
    if len(unique) < len(loaded):
        print(f"artopic_nb: {len(loaded)} describers but {len(unique)} distinct models; "
              "each model describes once.")
    return list(unique.values())


def text_model_id(llm: Any) -> str | None:
    """The full identity of a text model (weights fingerprint and precision) without loading
    its weights; None for no model, or an object that does not name itself."""
    if llm is None:
        return None
    if hasattr(llm, "complete"):
        return getattr(llm, "model_id", None)
    return load_backend(llm, load=False).model_id
