"""Every pluggable kind of model, in one registry, and how to name one.

One word per kind: *embedders* (images to vectors), *text encoders* (texts to vectors),
*describers* (images to text), *text models* (text to text: summaries, the LLM genre
predictor), *judges* (does a text support a claim?) and *genre predictors* (captions to
genres). Each way of running one registers itself the same way,
``@register(kind, name, packages=..., model=...)`` (:mod:`~artopic_nb.models.kinds`);
:func:`available` lists them all with whether each loads here, and :func:`load` builds one
by kind and name (each kind's loader: :mod:`~artopic_nb.models.catalog`). Protocols are in
:mod:`~artopic_nb.models.protocols`; each backend is one file under
:mod:`~artopic_nb.models.backends`::

    an.models.available()                          # kind, name, needs, loads_here ...
    an.models.load("text_encoder", "minilm").encode(["a ship at sea"])

This namespace is the spec API (:mod:`~artopic_nb.models.specs`), a model named with its own
options::

    import artopic_nb as an
    study.describe(describers=[an.models.hf("HuggingFaceTB/SmolVLM-256M-Instruct", quantize=True),
                               an.models.openai("qwen2.5vl", url="http://localhost:11434/v1"),
                               an.models.column("title", "description")])   # the records' words
"""

from .backends.column import column
from .catalog import available, load
from .kinds import KINDS, register
from .specs import (
    DEFAULT_DESCRIBER,
    DEFAULT_DESCRIBERS,
    ModelSpec,
    attributes,
    auto,
    gguf,
    hf,
    openai,
    parse,
    smollm2,
)

__all__ = ["DEFAULT_DESCRIBER", "DEFAULT_DESCRIBERS", "KINDS", "ModelSpec", "attributes", "auto",
           "available", "column", "gguf", "hf", "load", "openai", "parse", "register", "smollm2"]
