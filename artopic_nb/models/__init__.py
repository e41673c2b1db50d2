"""Every pluggable kind of model, and how to name one.

One word per kind: *embedders* (images to vectors), *describers* (images to text), *text
models* (text to text: summaries, the LLM genre predictor), *judges* (does a text support a
claim?) and *genre predictors* (captions to genres). Their protocols are in
:mod:`~artopic_nb.models.protocols`; :mod:`~artopic_nb.models.registry` builds a describer or
a text model from a spec; each backend (a way of running a model) is one file under
:mod:`~artopic_nb.models.backends`.

This namespace is the spec API (:mod:`~artopic_nb.models.specs`), a model named with its own
options::

    import artopic_nb as an
    study.describe(describers=[an.models.hf("HuggingFaceTB/SmolVLM-256M-Instruct", quantize=True),
                               an.models.openai("qwen2.5vl", url="http://localhost:11434/v1")])
"""

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

__all__ = ["DEFAULT_DESCRIBER", "DEFAULT_DESCRIBERS", "ModelSpec", "attributes", "auto", "gguf",
           "hf", "openai", "parse", "smollm2"]
