"""The describe step: the sampled works in words, by each describer and prompt, cached per
image; and the agreement of two models' texts.

The describers are models (:mod:`artopic_nb.models`: one backend per file, behind the
:class:`~artopic_nb.models.protocols.ImageDescriber` protocol). :func:`describe_collection`
describes a collection's works with one describer, each text cached under
:func:`description_key` (which :mod:`artopic_nb.scale` writes too) as soon as its batch
finishes, so an interrupted run resumes where it stopped; :func:`caption_agreement` compares
two models' texts.

Example
-------
>>> from artopic_nb.models.registry import load_image_describer
>>> d = load_image_describer("attributes")
>>> df = describe_collection(d, col, ids=[0, 5, 9], cache=Cache(".artopic"))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._progress import tqdm
from ..data.cache import Cache, make_key
from ..data.collection import DECODE_VERSION
from ..models.protocols import DescriberError, ImageDescriber, as_image_describer
from ..text.encoder import encode_texts, load_sentence_encoder
from ..text.prompts import Prompt, get_prompt
from .base import Inputs, Step

__all__ = ["DESCRIPTION_COLUMNS", "STEP", "caption_agreement", "describe_collection",
           "description_key"]


# ---------------------------------------------------------------------------------------------
# a collection, cached
# ---------------------------------------------------------------------------------------------

#: The columns of ``descriptions_``, here or from Ray.
DESCRIPTION_COLUMNS = ["id", "model", "prompt", "text", "seconds", "tokens", "cached"]


def description_key(image_hash: str, model_id: str, prompt: Prompt, cache_params: dict) -> str:
    """The cache key of one text: the image's content, the describer's full identity, the
    prompt's text version and the describer's generation settings for it, and the decoding
    version (the same here and on Ray)."""
    return make_key("description", image_hash, model_id, prompt.key, cache_params,
                    DECODE_VERSION)


def _reads_records(describer) -> bool:
    """A describer of the works' records (``describe_works``, ``record_key``: the column
    describer), not of their pixels."""
    return callable(getattr(describer, "describe_works", None)) and \
        callable(getattr(describer, "record_key", None))


def describe_collection(describer: ImageDescriber, collection, ids: Sequence[int] | None = None,
                        prompts: Sequence[str | Prompt] = ("caption", "description"),
                        cache: Cache | None = None, progress: bool = True) -> pd.DataFrame:
    """Descriptions of the artworks ``ids`` of ``collection``, one row per (id, prompt).

    Columns: ``id, model, prompt, text, seconds, tokens, cached``. Each text is cached
    under (image content hash, ``describer.model_id``, ``prompt.key``, the describer's
    generation settings) as soon as its batch finishes, so a rerun, or a run after an
    interruption, generates only what is missing; identical images are described once.
    ``describer`` is an :class:`~artopic_nb.models.registry.ImageDescriber`; a text-only model is
    a :class:`DescriberError` that says so. A describer of the records (``describe_works``:
    ``"column:<column>"``) reads each work's record instead of its image, uncached.
    """
    describer = as_image_describer(describer)
    cache = cache if cache is not None else Cache(None)
    prompt_objs = [get_prompt(p) for p in prompts]
    ids = list(range(len(collection))) if ids is None else [int(i) for i in ids]
    if _reads_records(describer):  # the record's own words: read, not generated or cached
        rows = [{"id": i, "model": describer.model_id, "prompt": p.name, "text": d.text,
                 "seconds": 0.0, "tokens": 0, "cached": False}
                for p in prompt_objs
                for i, d in zip(ids, describer.describe_works(collection, ids, p), strict=True)]
        return pd.DataFrame(rows, columns=DESCRIPTION_COLUMNS).astype(
            {"id": "int64", "tokens": "int64", "seconds": "float64", "cached": bool})
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
        keys = {h: description_key(h, model_id, prompt, extra) for h in first_id}
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
    df = pd.DataFrame(rows, columns=DESCRIPTION_COLUMNS)
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


def _compute(inputs: Inputs, *, describers: list, prompts: list, n_ids: int) -> dict:
    return {"descriptions_": pd.concat(
        [describe_collection(d, inputs.collection, inputs.given["ids"], prompts, inputs.cache,
                             progress=inputs.progress) for d in inputs.given["describers"]],
        ignore_index=True)}


def _identity(inputs: Inputs, *, describers: list, prompts: list, n_ids: int) -> dict:
    """Each model's full identity and generation settings per prompt, the prompts' text
    versions, and the images' content."""
    prompt_objs = [get_prompt(p) for p in prompts]
    hashes = inputs.collection.hashes
    return {"describers": [[d.model_id, [d.cache_params(p) for p in prompt_objs],
                            *([d.record_key(inputs.collection, inputs.given["ids"])]
                              if _reads_records(d) else [])]
                           for d in inputs.given["describers"]],
            "prompts": [p.key for p in prompt_objs],
            "images": [hashes[i] for i in inputs.given["ids"]]}


# describing reads the images it is given (``ids``), not the sample: a new sample keeps the
# descriptions made so far
STEP = Step("describe", reads=(), results={"descriptions_": "parquet"},
            params=("describers", "prompts", "n_ids"), compute=_compute, identity=_identity,
            on_hit=lambda r: {"descriptions_": r["descriptions_"].assign(cached=True)})
