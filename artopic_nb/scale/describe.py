"""Describing works on Ray Data, cached per image as ``study.describe`` caches them.

Each actor loads the describer once (:func:`~artopic_nb.models.registry.load_image_describer`, the
same backends as on one machine): a vision-language model **in process**, on a GPU each when
the cluster has GPUs, or a client of an **OpenAI-compatible server** (vLLM, ``transformers
serve``, Ollama ...) that keeps at most ``max_concurrency`` requests in flight per actor and
retries 429 / 5xx / timeouts with backoff (the ``openai`` backend's own client). Texts stream
back as they finish and each is written to the cache at once, under the key
:func:`~artopic_nb.steps.describe.describe_collection` uses (image hash, model id, prompt key and
version, generation settings): a job that is stopped (a killed driver, a lost cluster) keeps
every text written so far, and a rerun describes only what is missing. Afterwards
``study.describe(describers=[same spec])`` reads them all.

An image that cannot be read, or a batch the model refuses (a
:class:`~artopic_nb.models.registry.DescriberError`: the server down after its retries ...), is
reported in ``result.failed`` and not cached, so the next run tries it again.

The API key of an OpenAI-compatible server never travels with the job (specs and describers
drop it when pickled): the actors read it from ``OPENAI_API_KEY`` (or ``api_key_env``) in the
cluster's environment.

Example
-------
>>> from artopic_nb.scale import describe_on_ray
>>> out = describe_on_ray(col, an.models.openai("qwen2.5-vl-3b", url="http://vllm:8000/v1",
...                       concurrency=8), ids="all", cache_dir="/shared/artopic-cache",
...                       actors=4)                                              # doctest: +SKIP
>>> out.descriptions.head()                                                      # doctest: +SKIP
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .._progress import tqdm
from ..data.cache import Cache
from ..data.collection import ImageCollection
from ..data.images import ImageLoadError, load_image
from ..models.backends.transformers import TransformersDescriber
from ..models.protocols import DescriberError
from ..models.registry import load_backend, load_image_describer
from ..models.specs import ModelSpec, parse
from ..steps.describe import DESCRIPTION_COLUMNS, description_key
from ..text.prompts import Prompt, get_prompt
from ._ray import RayRun, actor_layout, cluster_resources, connect, frame_blocks

__all__ = ["RayDescriptions", "describe_on_ray"]

NAMESPACE = "descriptions"


def _in_process(spec: Any) -> bool:
    """Whether ``spec`` runs a model in the actor's process (so it wants a GPU)."""
    if isinstance(spec, (str, os.PathLike)):
        spec = parse(spec)
    if isinstance(spec, ModelSpec):
        return spec.backend in ("hf", "auto")
    return isinstance(spec, TransformersDescriber)


def _identity(spec: Any, prompts: list[Prompt]) -> tuple[str, dict[str, dict], int]:
    """(model id, generation settings per prompt, batch size) of ``spec`` where it runs;
    no weights are loaded."""
    describer = load_backend(spec, load=False)
    return (describer.model_id, {p.name: describer.cache_params(p) for p in prompts},
            max(1, int(describer.batch_size)))


class _DescribeActor:
    """One describer per actor: (path, prompt) rows in, texts (or why not) out."""

    def __init__(self, spec: Any, model_id: str, prompts: dict[str, Prompt], max_pixels: int):
        self.describer = load_image_describer(spec)
        if self.describer.model_id != model_id:
            raise RuntimeError(f"this node's describer is {self.describer.model_id}, not "
                               f"{model_id}: its texts would go under another key")
        self.prompts = prompts
        self.max_pixels = max_pixels

    def __call__(self, batch: pd.DataFrame) -> pd.DataFrame:
        out = batch[["hash", "path", "prompt"]].copy()
        out["text"], out["seconds"], out["tokens"], out["error"] = "", 0.0, 0, ""
        for name, rows in batch.groupby("prompt", sort=False):
            images, where = [], []
            for j, path in zip(rows.index, rows["path"], strict=True):
                try:
                    images.append(load_image(path, None, self.max_pixels))  # as on one machine
                    where.append(j)
                except ImageLoadError as exc:
                    out.loc[j, "error"] = exc.reason
            if not images:
                continue
            try:
                results = self.describer.describe(images, self.prompts[name])
                if len(results) != len(images):
                    raise DescriberError(f"{self.describer.model_id} returned {len(results)} "
                                         f"descriptions for {len(images)} images")
            except DescriberError as exc:  # not cached: the next run tries these again
                out.loc[where, "error"] = str(exc)
                continue
            finally:
                for image in images:
                    image.close()
            for j, d in zip(where, results, strict=True):
                out.loc[j, ["text", "seconds", "tokens"]] = [d.text, float(d.seconds),
                                                             int(d.tokens)]
        return out


@dataclass(repr=False)
class RayDescriptions(RayRun):
    """What :func:`describe_on_ray` did (the fields of :class:`~artopic_nb.scale.RayRun`).

    ``descriptions``: the rows of :func:`~artopic_nb.steps.describe.describe_collection` (``id,
    model, prompt, text, seconds, tokens, cached``) for every (work, prompt) that has a text;
    ``computed`` / ``cached``: texts made now / read from the cache; ``failed``:
    DataFrame(path, prompt, reason) of texts not made (not cached: a rerun tries them).
    """

    descriptions: pd.DataFrame | None = None
    made = "described"


def describe_on_ray(collection: ImageCollection, describer: Any = "auto",
                    ids: Sequence[int] | str | None = "all",
                    prompts: Sequence[str | Prompt] = ("caption", "description"),
                    cache_dir: str | os.PathLike = ".artopic", *, address: str | None = None,
                    actors: int | None = None, num_gpus: float | None = None,
                    cpus_per_actor: float | None = None, batch_size: int | None = None,
                    progress: bool = True) -> RayDescriptions:
    """Describe works of ``collection`` on a Ray cluster into the cache at ``cache_dir``
    (see the module docstring).

    ``describer``: a spec as ``study.describe`` takes one (``"hf:<id or folder>"``,
    ``an.models.hf(..., dtype="bfloat16")``, ``"openai:<model>@<url>"``, ``"attributes"``)
    or a describer object (pickled to the actors). ``ids``: ``"all"``, ``None`` (all) or
    ids (e.g. ``study.samples_.id``). ``actors``: describer replicas and ``cpus_per_actor``
    (an in-process model: one per GPU, else one per CPU, as
    :func:`~artopic_nb.scale._ray.actor_layout` says; anything else, a server's client
    included: one actor of one CPU, the server's ``concurrency`` bounding the requests in
    flight); ``num_gpus`` per actor (default 1 for
    an in-process model when the cluster has GPUs); ``batch_size``: images per ``describe``
    call (default: the describer's own).

    A GPU actor runs in the model's ``"auto"`` precision there (bfloat16): give the same
    ``dtype`` in the spec to ``study.describe`` on a CPU machine to read these texts.

    Example
    -------
    >>> out = describe_on_ray(col, an.models.hf("HuggingFaceTB/SmolVLM-256M-Instruct",
    ...                       dtype="bfloat16"), ids=study.samples_.id)         # doctest: +SKIP
    """
    started = time.perf_counter()
    if cache_dir is None:
        raise ValueError("describe_on_ray fills a cache: give cache_dir (the Study's cache_dir)")
    ray = connect(address, progress)
    resources = cluster_resources()
    in_process = _in_process(describer)
    gpus = float(num_gpus) if num_gpus is not None else (
        1.0 if in_process and resources["GPU"] else 0.0)
    if in_process or gpus:
        actors, cpus_per_actor = actor_layout(gpus, actors, cpus_per_actor)
    else:  # a client of a server: its own concurrency bounds the requests in flight
        actors, cpus_per_actor = actors or 1, cpus_per_actor or 1
    prompt_objs = {p.name: p for p in (get_prompt(p) for p in prompts)}
    if gpus:  # the id where the actors run: a GPU changes the precision, so the key
        probe = ray.remote(num_gpus=gpus, num_cpus=0)(_identity)
        model_id, params, own_batch = ray.get(probe.remote(describer, list(prompt_objs.values())))
    else:
        model_id, params, own_batch = _identity(describer, list(prompt_objs.values()))

    ids = list(range(len(collection))) if ids is None or (isinstance(ids, str) and ids == "all") \
        else [int(i) for i in ids]
    hashes, paths = collection.hashes, collection.metadata["path"].astype(str).tolist()
    first: dict[str, int] = {}
    for i in ids:
        first.setdefault(hashes[i], i)
    cache = Cache(cache_dir)
    found: dict[tuple[str, str], dict] = {}
    todo = []
    for name, prompt in prompt_objs.items():
        for h, i in first.items():
            value = cache.get_json(NAMESPACE, description_key(h, model_id, prompt, params[name]))
            if value is not None:
                found[(name, h)] = {**value, "cached": True}
            else:
                todo.append((h, paths[i], name))
    n_cached = len(found)
    failed: list[tuple[str, str, str]] = []
    if todo:
        rows = pd.DataFrame(todo, columns=["hash", "path", "prompt"])
        ds = ray.data.from_pandas(frame_blocks(rows, 8 * (batch_size or own_batch))).map_batches(
            _DescribeActor, fn_constructor_kwargs={
                "spec": describer, "model_id": model_id, "prompts": prompt_objs,
                "max_pixels": collection.max_pixels},
            batch_size=batch_size or own_batch, batch_format="pandas",
            compute=ray.data.ActorPoolStrategy(size=max(1, int(actors))),
            num_cpus=cpus_per_actor, **({"num_gpus": gpus} if gpus else {}))
        with tqdm(total=len(todo), desc=f"Describing on Ray ({model_id})", unit="text",
                  disable=not progress) as bar:
            for batch in ds.iter_batches(batch_size=None, batch_format="pandas"):
                for row in batch.itertuples(index=False):
                    if row.error:
                        failed.append((row.path, row.prompt, row.error))
                        continue
                    value = {"text": row.text, "seconds": float(row.seconds),
                             "tokens": int(row.tokens)}
                    cache.put_json(NAMESPACE, description_key(
                        row.hash, model_id, prompt_objs[row.prompt], params[row.prompt]), value)
                    found[(row.prompt, row.hash)] = {**value, "cached": False}
                bar.update(len(batch))
    table = pd.DataFrame(
        [{"id": i, "model": model_id, "prompt": name, **found[(name, hashes[i])]}
         for name in prompt_objs for i in ids if (name, hashes[i]) in found], columns=DESCRIPTION_COLUMNS)
    table = table.astype({"id": "int64", "tokens": "int64", "seconds": "float64",
                          "cached": bool})
    if failed:
        print(f"artopic_nb: {len(failed)} text(s) could not be made (not cached; a rerun "
              f"tries them again); first: {failed[0][0]} ({failed[0][1]}): {failed[0][2]}")
    return RayDescriptions(model_id=model_id, computed=len(found) - n_cached, cached=n_cached,
                           failed=pd.DataFrame(failed, columns=["path", "prompt", "reason"]),
                           seconds=round(time.perf_counter() - started, 3), descriptions=table)
