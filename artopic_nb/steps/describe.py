"""Describing artworks in words, cached: the per-image loop and the agreement of two models.

The models themselves live in :mod:`artopic_nb.models.registry`, one module per backend
(``transformers`` in process, an OpenAI-compatible server, a GGUF text model, the no-model
attribute describer), behind the :class:`~artopic_nb.models.registry.ImageDescriber` protocol;
:mod:`artopic_nb.models.specs` names them with their options. Here:
:func:`describe_collection` describes a collection's artworks with one describer, cached
per image, model, prompt and generation settings, with a progress bar; and
:func:`caption_agreement` compares two models' texts. The backends' names are re-exported
here for code written against artopic_nb 0.1.0.

Example
-------
>>> d = load_backend("auto")                                           # doctest: +SKIP
>>> df = describe_collection(d, col, ids=[0, 5, 9], cache=Cache(".artopic"))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._progress import tqdm
from ..data.cache import Cache, make_key
from ..data.collection import DECODE_VERSION
from ..models.hub import ModelUnavailableError
from ..models.registry import (
    ATTRIBUTE_LABEL,
    ATTRIBUTE_PREAMBLE,
    DEFAULT_DESCRIBER,
    DEFAULT_DESCRIBERS,
    AttributeDescriber,
    DescriberError,
    Description,
    GGUFTextModel,
    ImageDescriber,
    OpenAIDescriber,
    TextModel,
    TransformersDescriber,
    TransformersTextModel,
    as_image_describer,
    image_attributes,
    load_backend,
    load_image_describer,
    load_text_model,
    smollm2_gguf_path,
)
from ..text.encoder import encode_texts, load_sentence_encoder
from ..text.prompts import Prompt, get_prompt

__all__ = [
    "ATTRIBUTE_LABEL",
    "ATTRIBUTE_PREAMBLE",
    "DEFAULT_DESCRIBER",
    "DEFAULT_DESCRIBERS",
    "SMOLLM2_SPEC",
    "AttributeDescriber",
    "Describer",
    "DescriberError",
    "Description",
    "GGUFTextModel",
    "ImageDescriber",
    "ModelUnavailableError",
    "OpenAIDescriber",
    "TextModel",
    "TransformersDescriber",
    "TransformersTextModel",
    "caption_agreement",
    "describe_collection",
    "image_attributes",
    "load_backend",
    "load_describer",
    "load_image_describer",
    "load_text_model",
    "smollm2_gguf_path",
]

#: The spec of the offline text-only SmolLM2-135M-Instruct (``artopic_nb.models.specs.smollm2()``).
SMOLLM2_SPEC = "smollm2"
#: The name of :class:`~artopic_nb.models.registry.ImageDescriber` in artopic_nb 0.1.0.
Describer = ImageDescriber
#: The name of :func:`~artopic_nb.models.registry.load_backend` in artopic_nb 0.1.0 (same arguments).
load_describer = load_backend


# ---------------------------------------------------------------------------------------------
# a collection, cached
# ---------------------------------------------------------------------------------------------

_COLUMNS = ["id", "model", "prompt", "text", "seconds", "tokens", "cached"]


def describe_collection(describer: ImageDescriber, collection, ids: Sequence[int] | None = None,
                        prompts: Sequence[str | Prompt] = ("caption", "description"),
                        cache: Cache | None = None, progress: bool = True) -> pd.DataFrame:
    """Descriptions of the artworks ``ids`` of ``collection``, one row per (id, prompt).

    Columns: ``id, model, prompt, text, seconds, tokens, cached``. Each text is cached
    under (image content hash, ``describer.model_id``, ``prompt.key``, the describer's
    generation settings) as soon as its batch finishes, so a rerun, or a run after an
    interruption, generates only what is missing; identical images are described once.
    ``describer`` is an :class:`~artopic_nb.models.registry.ImageDescriber`; a text-only model is
    a :class:`DescriberError` that says so.
    """
    describer = as_image_describer(describer)
    cache = cache if cache is not None else Cache(None)
    prompt_objs = [get_prompt(p) for p in prompts]
    ids = list(range(len(collection))) if ids is None else [int(i) for i in ids]
    hashes = collection.hashes
    model_id = describer.model_id
    batch_size = max(1, int(describer.batch_size))

    first_id: dict[str, int] = {}
    for i in ids:
        first_id.setdefault(hashes[i], i)
    found: dict[tuple[str, str], dict] = {}
    todo: list[tuple[Prompt, list[int], dict[str, str]]] = []
    total = 0
    for prompt in prompt_objs:
        extra = describer.cache_params(prompt)
        keys = {h: make_key("description", h, model_id, prompt.key, extra, DECODE_VERSION)
                for h in first_id}
        missing: list[int] = []
        for h, i in first_id.items():
            value = cache.get_json("descriptions", keys[h])
            if value is not None:
                found[(prompt.name, h)] = {**value, "cached": True}
            else:
                missing.append(i)
        todo.append((prompt, missing, keys))
        total += len(missing)

    with tqdm(total=total, desc=f"Describing ({model_id})", unit="img",
              disable=not progress or total == 0) as bar:
        for prompt, missing, keys in todo:
            for start in range(0, len(missing), batch_size):
                batch = missing[start:start + batch_size]
                images = [collection.image(i) for i in batch]
                try:
                    results = describer.describe(images, prompt)
                finally:
                    for img in images:
                        img.close()
                if len(results) != len(batch):
                    raise DescriberError(f"{model_id} returned {len(results)} descriptions "
                                         f"for {len(batch)} images")
                for i, d in zip(batch, results, strict=True):
                    value = {"text": d.text, "seconds": float(d.seconds), "tokens": int(d.tokens)}
                    cache.put_json("descriptions", keys[hashes[i]], value)
                    found[(prompt.name, hashes[i])] = {**value, "cached": False}
                bar.update(len(batch))

    rows = [{"id": i, "model": model_id, "prompt": p.name, **found[(p.name, hashes[i])]}
            for p in prompt_objs for i in ids]
    df = pd.DataFrame(rows, columns=_COLUMNS)
    return df.astype({"id": "int64", "tokens": "int64", "seconds": "float64", "cached": bool})


# ---------------------------------------------------------------------------------------------
# agreement between two models
# ---------------------------------------------------------------------------------------------

def caption_agreement(descriptions: pd.DataFrame, model_a: str, model_b: str, encoder=None,
                      prompt: str = "caption") -> pd.Series:
    """Cosine similarity of the two models' texts for each artwork both described.

    ``descriptions`` has the columns of :func:`describe_collection` (rows of both models);
    ``encoder`` is anything with ``encode(list[str]) -> array`` (a sentence-transformers
    model); ``None`` loads the bundled offline all-MiniLM-L6-v2. Returns a float Series
    indexed by artwork id, named ``"agreement"``.
    """
    df = descriptions[descriptions["prompt"] == prompt]
    a = df[df["model"] == model_a].drop_duplicates("id").set_index("id")["text"]
    b = df[df["model"] == model_b].drop_duplicates("id").set_index("id")["text"]
    common = a.index.intersection(b.index).sort_values()
    if len(common) == 0:
        return pd.Series([], dtype="float64", name="agreement", index=pd.Index([], name="id"))
    encoder = load_sentence_encoder(encoder)
    va = encode_texts(encoder, a.loc[common].tolist()).astype(np.float64)
    vb = encode_texts(encoder, b.loc[common].tolist()).astype(np.float64)
    return pd.Series((va * vb).sum(axis=1), index=pd.Index(common, name="id"), name="agreement")
