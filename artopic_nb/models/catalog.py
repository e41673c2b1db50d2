"""Every kind of model in one place: :func:`load` one by kind and name, :func:`available` the
table of all that are registered.

Importing this module imports every module that registers models (the backends, the
embedders, text encoders, judges and genre predictors), so the registry is complete.

Example
-------
>>> table = available()
>>> sorted(set(table["kind"])) == sorted(KINDS)
True
>>> load("judge", "lexical").judge_id
'lexical:1'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from . import backends, embedders, genre_predictors, judges, registry, text_encoders
from .backends import (  # noqa: F401 - they register
    attributes,
    clip,
    color,
    column,
    gguf,
    openai,
    openai_embeddings,
    transformers,
)
from .kinds import KINDS, Registration, registrations

__all__ = ["AVAILABLE_COLUMNS", "LOADERS", "available", "load"]

#: Kind -> its one loader: ``loader(spec, **options)``.
LOADERS = {
    "embedder": embedders.load_embedder,
    "text_encoder": text_encoders.load_text_encoder,
    "describer": registry.load_image_describer,
    "text_model": registry.load_text_model,
    "judge": judges.load_judge,
    "genre_predictor": genre_predictors.load_genre_predictor,
}

AVAILABLE_COLUMNS = ["kind", "name", "aliases", "needs", "loads_here", "why_not", "description"]


def load(kind: str, spec: Any = None, **options: Any) -> Any:
    """The model of ``kind`` (one of :data:`~artopic_nb.models.kinds.KINDS`) that ``spec``
    names, by that kind's loader: a registered name (``"color"``, ``"minilm"``, ``"smollm2"``,
    ``"lexical"`` ...), ``"<name>:<model>"``, a spec string of 0.2.0 (``"hf:..."``,
    ``"openai:<model>@<url>"``, ``"gguf:<file>"``, ``"auto"``), or an object (checked and
    returned). ``spec=None``: the kind's default. ``options`` go to the loader (``llm=``,
    ``collection=``, ``genres=``, a model's own options)."""
    if kind not in LOADERS:
        raise ValueError(f"kind must be one of {list(LOADERS)}, not {kind!r}")
    if spec is None:
        spec = {"embedder": "auto", "text_encoder": "minilm", "describer": "auto",
                "text_model": "smollm2", "judge": "embedding",
                "genre_predictor": "embedding"}[kind]
    return LOADERS[kind](spec, **options)


def _row(reg: Registration) -> dict:
    why = reg.missing()
    return {"kind": reg.kind, "name": reg.name, "aliases": ", ".join(reg.aliases),
            "needs": reg.needs(), "loads_here": not why, "why_not": why,
            "description": reg.what}


def available(kind: str | None = None) -> pd.DataFrame:
    """Every registered model of every kind (or of ``kind``): a DataFrame of ``kind``,
    ``name``, ``aliases``, ``needs`` (packages, files, the model it takes), ``loads_here``
    (whether it loads here as named: packages installed, files and its default model on disk;
    no model is loaded and no network asked), ``why_not`` (the reason when it does not) and a
    one-line ``description``. Your own registrations are listed too."""
    backends.import_all()  # a backend file dropped into the folder registers itself
    return pd.DataFrame([_row(r) for r in registrations(kind)], columns=AVAILABLE_COLUMNS)


assert set(LOADERS) == set(KINDS)
