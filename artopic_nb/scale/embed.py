"""Embedding a collection on Ray Data, into the cache a :class:`~artopic_nb.Study` reads.

The pipeline, for a ``transformers`` image model (CLIP, SigLIP):

1. the images still missing from the cache become a ``ray.data`` Dataset of (path, content
   hash) rows, in blocks;
2. **read tasks** read each file, check its hash, decode it and resize / crop it with the
   embedder's own preprocessing (:func:`~artopic_nb.data.images.decode_image`,
   :class:`~artopic_nb.models.preprocess.FastPreprocessor`, exactly as
   :class:`~artopic_nb.steps.embed.TransformersEmbedder` does on one machine), and pass the crops on
   as uint8 bytes: beside GPU actors they are plain Ray tasks of one CPU each, as many as the
   cluster's CPUs run; on a CPU-only cluster Ray fuses them into the actors, each decoding
   its next batches in threads while its model runs (no CPU would be left for them);
3. an **actor pool** (``map_batches`` with a class) loads the model once per actor, on a GPU
   each when the cluster has GPUs (half precision: ``float16``), else on CPUs, and runs
   :meth:`TransformersEmbedder.forward <artopic_nb.steps.embed.TransformersEmbedder.forward>`;
4. the rows stream back to this process as they finish, and each is written to the cache
   under the key :func:`~artopic_nb.steps.embed.embed_collection` uses (image content hash,
   ``model_id``, decoding version). ``study.embed(embedder=result.study_embedder)`` reads
   every row and computes nothing; a job stopped half way keeps every row written so far,
   and a rerun computes only the rest.

The read tasks and the actors (what runs in Ray's workers) are in
:mod:`artopic_nb.scale._embed_workers`; this module builds the dataset and fills the cache.

Any other embedder (the no-model :class:`~artopic_nb.steps.embed.ColorTextureEmbedder`, your own)
runs its own ``iter_embed`` on each batch inside the actors. An image that cannot be read is
reported, never fatal: files that fail when the collection is read are in its ``skipped``
report (as on one machine), files that fail later (changed, corrupted) in ``result.failed``,
and ``result.collection`` leaves them out.

**Words.** Ray embeds the images only. The records' words (``study.embed(text="auto")``,
:mod:`artopic_nb.steps.embed`) are encoded afterwards by ``study.embed`` on the machine that
holds the study, each text cached by its content: ``study.embed(embedder=result.study_embedder,
text="auto")`` reads every image row from the cache and encodes only the texts (a sentence
encoder such as MiniLM reads hundreds of short texts a second on a CPU; ``artopic run
--engine ray`` does this by default). Text encoding on Ray is not yet supported.

The rows can also go to parquet shards instead of this process (a cluster without a shared
file system, or a dataset to keep): ``embedding_dataset(...).write_parquet(uri)``, then
:func:`import_embeddings` on the machine that holds the cache.

Example
-------
>>> from artopic_nb.scale import embed_on_ray
>>> result = embed_on_ray("/shared/museum/", "openai/clip-vit-base-patch32",
...                       cache_dir="/shared/artopic-cache", address="auto")   # doctest: +SKIP
>>> study = an.Study(result.collection, cache_dir="/shared/artopic-cache")     # doctest: +SKIP
>>> study.embed(embedder=result.study_embedder)  # every row from the cache    # doctest: +SKIP
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._progress import tqdm
from ..data.cache import Cache
from ..data.collection import ImageCollection
from ..models.backends.clip import TransformersEmbedder
from ..models.embedders import _NO_MODEL_NAMES, as_embedder, load_embedder
from ..steps.embed import embedding_key
from ._embed_workers import (
    COLUMNS,
    _AnyEmbedderActor,
    _decode_block,
    _EmbedActor,
    _load_preprocessing,
)
from ._ray import RayRun, actor_layout, cluster_resources, connect, frame_blocks, require_ray
from .scan import as_collection

__all__ = ["RayEmbedding", "cluster_embedder", "embed_on_ray", "embedding_dataset",
           "import_embeddings"]

NAMESPACE = "embeddings"


# ---------------------------------------------------------------------------------------------
# the embedder the actors run
# ---------------------------------------------------------------------------------------------

def cluster_embedder(embedder: Any = "auto", *, gpu: bool = False, dtype: Any = None,
                     batch_size: int = 64) -> Any:
    """The embedder the actors run, not loaded here (its ``model_id`` names the rows).

    ``embedder`` as :func:`~artopic_nb.steps.embed.load_embedder` takes it (``"auto"`` is decided
    here, with the same notice when CLIP cannot be loaded). A ``transformers`` model runs on
    ``cuda`` in ``float16`` when ``gpu`` (``dtype`` overrides), on the CPU in float32
    otherwise; a device or dtype set on a :class:`TransformersEmbedder` is kept.

    >>> cluster_embedder("color")
    ColorTextureEmbedder()
    >>> cluster_embedder("models/clip", gpu=True).model_id    # doctest: +SKIP
    'hf:clip@3f9c2a7d1b0e4c55+fp16'
    """
    if isinstance(embedder, (str, os.PathLike)):
        name = str(embedder)
        if name == "auto" or name.lower() in _NO_MODEL_NAMES:
            embedder = load_embedder(name)
        else:
            embedder = TransformersEmbedder(name)
    if not isinstance(embedder, TransformersEmbedder):
        return as_embedder(embedder)
    device = embedder.device if embedder.device != "auto" else ("cuda" if gpu else "cpu")
    if dtype is None:
        dtype = embedder.dtype if embedder.dtype != "auto" else (
            "float16" if device.startswith("cuda") else "float32")
    return TransformersEmbedder(embedder.model, batch_size=batch_size, device=device,
                                dtype=dtype, quantize=embedder.quantize)


def _pool(ray: Any, actors: int) -> Any:
    return ray.data.ActorPoolStrategy(size=max(1, int(actors)))


def embedding_dataset(collection: ImageCollection, embedder: Any, *,
                      skip_hashes: Iterable[str] = (), batch_size: int = 64,
                      actors: int | None = None, num_gpus: float | None = None,
                      cpus_per_actor: float | None = None, decode_cpus: float | None = None,
                      rows_per_block: int = 256) -> Any:
    """The lazy Ray Dataset of ``collection``'s embeddings: one row per distinct image
    (``hash, path, model_id, embedding, error``; ``embedding`` is float32 bytes, empty when
    ``error`` says why the image failed), leaving out ``skip_hashes``.

    ``embedder`` is what the actors run (:func:`cluster_embedder`). ``actors``: model
    replicas and ``cpus_per_actor`` (default: one per GPU with one CPU; on a CPU-only cluster
    one actor per CPU: :func:`~artopic_nb.scale._ray.actor_layout`); ``num_gpus`` per actor (default 1 when the cluster has GPUs);
    ``batch_size``: images per forward pass;
    ``decode_cpus``: CPUs of each read task (default: 1 beside GPU actors; on a CPU cluster
    ``cpus_per_actor``, so that Ray fuses reading into the actors, each decoding its next
    batches in threads while its model runs; another value keeps them apart). Nothing runs
    until the dataset is consumed: ``.write_parquet(uri)`` for shards
    (:func:`import_embeddings` reads them into a cache), or :func:`embed_on_ray`.

    Example
    -------
    >>> ds = embedding_dataset(col, cluster_embedder("models/clip", gpu=True))   # doctest: +SKIP
    >>> ds.write_parquet("s3://bucket/museum-clip/")                             # doctest: +SKIP
    """
    ray = require_ray()
    resources = cluster_resources()
    model = isinstance(embedder, TransformersEmbedder)  # the no-model embedder needs no GPU
    gpus = float(num_gpus) if num_gpus is not None else (
        1.0 if resources["GPU"] and model else 0.0)
    actors, cpus_per_actor = actor_layout(gpus, actors, cpus_per_actor)
    if decode_cpus is None:  # on CPUs, each actor decodes its own batches (Ray fuses the two)
        decode_cpus = 1.0 if gpus else cpus_per_actor
    separate = model and (gpus or decode_cpus != cpus_per_actor)
    if separate and actors * cpus_per_actor + decode_cpus > resources["CPU"]:
        raise ValueError(f"{actors} actor(s) of {cpus_per_actor} CPU leave no "
                         f"{decode_cpus} CPU for the read tasks on a cluster of "
                         f"{resources['CPU']:g} CPUs: fewer actors, or decode_cpus=None")
    hashes, skip = collection.hashes, set(skip_hashes)
    first: dict[str, int] = {}
    for i, h in enumerate(hashes):
        if h not in skip:
            first.setdefault(h, i)
    meta = collection.metadata
    rows = pd.DataFrame({"hash": list(first), "path": meta["path"].iloc[list(first.values())]
                         .astype(str).tolist()})
    ds = ray.data.from_pandas(frame_blocks(rows, rows_per_block))
    remote = {"num_cpus": cpus_per_actor, "num_gpus": gpus} if gpus else {"num_cpus": cpus_per_actor}
    if model:
        _, fast, min_side = _load_preprocessing(embedder)
        ds = ds.map_batches(_decode_block, batch_size=None, batch_format="pandas", fn_kwargs={
            "fast": fast, "min_side": min_side, "max_pixels": collection.max_pixels},
            num_cpus=decode_cpus)
        return ds.map_batches(
            _EmbedActor, fn_constructor_kwargs={"embedder": embedder,
                                                "model_id": embedder.model_id},
            batch_size=batch_size, batch_format="numpy", compute=_pool(ray, actors), **remote)
    return ds.map_batches(
        _AnyEmbedderActor, fn_constructor_kwargs={"embedder": embedder,
                                                  "max_pixels": collection.max_pixels},
        batch_size=batch_size, batch_format="numpy", compute=_pool(ray, actors), **remote)


# ---------------------------------------------------------------------------------------------
# into the cache
# ---------------------------------------------------------------------------------------------

def _store(batches: Iterable[dict[str, Any]], cache: Cache, total: int | None, label: str,
           progress: bool) -> tuple[int, list[tuple[str, str]]]:
    """Write each row of ``batches`` to ``cache`` as it arrives; (rows written, failures)."""
    written, failed = 0, []
    with tqdm(total=total, desc=f"Embedding on Ray ({label})", unit="img",
              disable=not progress) as bar:
        for batch in batches:
            for h, path, model_id, vector, error in zip(
                    *(batch[c] for c in COLUMNS), strict=True):
                if error:
                    failed.append((str(path), str(error)))
                else:
                    cache.put_array(NAMESPACE, embedding_key(str(h), str(model_id)),
                                    np.frombuffer(vector, dtype=np.float32))
                    written += 1
            bar.update(len(batch["hash"]))
    return written, failed


def import_embeddings(shards: str | os.PathLike, cache_dir: str | os.PathLike,
                      progress: bool = True) -> int:
    """Write the rows of parquet shards made by :func:`embedding_dataset` into the cache at
    ``cache_dir``; returns the number of rows written (failed rows are left out).

    Example
    -------
    >>> import_embeddings("shards/museum-clip/", ".artopic")     # doctest: +SKIP
    52310
    """
    import pyarrow.dataset as pads

    table = pads.dataset(str(shards), format="parquet")

    def batches() -> Iterator[dict[str, Any]]:
        for record_batch in table.to_batches(columns=list(COLUMNS), batch_size=4096):
            yield {c: record_batch.column(c).to_pylist() for c in COLUMNS}

    written, _ = _store(batches(), Cache(cache_dir), table.count_rows(), "parquet", progress)
    return written


@dataclass(repr=False)
class RayEmbedding(RayRun):
    """What :func:`embed_on_ray` did (the fields of :class:`~artopic_nb.scale.RayRun`).

    ``collection``: the collection to study (without the images in ``failed``);
    ``embedder``: what the actors ran (its ``model_id`` names the weights and the precision
    they ran in); ``study_embedder``: what to give ``study.embed(embedder=...)`` to read these
    rows: the spec given when it names the same rows on this machine (a CPU cluster), else
    ``embedder`` (rows made in float16 on GPUs are kept apart from float32 ones, and
    ``study.embed`` on a CPU computes float32 for a plain spec); ``computed`` / ``cached``:
    distinct images embedded now / found in the cache; ``failed``: DataFrame(path, reason)
    of images that could not be embedded; ``seconds``: wall time.
    """

    collection: ImageCollection | None = None
    embedder: Any = None
    study_embedder: Any = None


def embed_on_ray(source: Any, embedder: Any = "auto", cache_dir: str | os.PathLike = ".artopic",
                 *, address: str | None = None, batch_size: int = 64, actors: int | None = None,
                 num_gpus: float | None = None, dtype: Any = None,
                 cpus_per_actor: float | None = None,
                 decode_cpus: float | None = None, metadata: Any = None,
                 progress: bool = True) -> RayEmbedding:
    """Embed a collection on a Ray cluster into the cache at ``cache_dir``, which a
    :class:`~artopic_nb.Study` on that cache then reads (see the module docstring).

    ``source``: an :class:`~artopic_nb.ImageCollection`, a folder or a list of image files
    (read on the cluster by :func:`~artopic_nb.scale.scan_on_ray`, with ``metadata``).
    ``embedder``: as ``study.embed`` takes it (``"auto"``, ``"color"``, a hub id or folder,
    an embedder object). ``address``: ``None`` (a running or new local Ray), ``"auto"`` or
    ``"ray://host:10001"``. GPUs are used when the cluster has them (one per actor,
    ``float16`` unless ``dtype``); see :func:`embedding_dataset` for ``actors``,
    ``num_gpus``, ``batch_size``, ``cpus_per_actor`` and ``decode_cpus``.

    Example
    -------
    >>> result = embed_on_ray(col, "openai/clip-vit-base-patch32", ".artopic")   # doctest: +SKIP
    >>> Study(result.collection, ".artopic").embed(embedder=result.study_embedder)  # doctest: +SKIP
    """
    started = time.perf_counter()
    if cache_dir is None:
        raise ValueError("embed_on_ray fills a cache: give cache_dir (the Study's cache_dir)")
    connect(address, progress)
    collection = as_collection(source, metadata, address=address, progress=progress)
    gpu = (num_gpus if num_gpus is not None else cluster_resources()["GPU"]) > 0
    spec, embedder = embedder, cluster_embedder(embedder, gpu=gpu, dtype=dtype,
                                                batch_size=batch_size)
    model_id = embedder.model_id
    study_embedder = embedder
    if isinstance(spec, (str, os.PathLike)):  # what study.embed(spec) names here, unloaded
        here = TransformersEmbedder(embedder.model).model_id \
            if isinstance(embedder, TransformersEmbedder) else model_id
        study_embedder = str(spec) if here == model_id else embedder
    cache = Cache(cache_dir)
    distinct = set(collection.hashes)
    cached = {h for h in distinct
              if cache.path(NAMESPACE, embedding_key(h, model_id), "npy").exists()}
    computed, failed = 0, []
    if len(cached) < len(distinct):
        ds = embedding_dataset(collection, embedder, skip_hashes=cached, batch_size=batch_size,
                               actors=actors, num_gpus=num_gpus, cpus_per_actor=cpus_per_actor,
                               decode_cpus=decode_cpus)
        computed, failed = _store(ds.iter_batches(batch_size=None, batch_format="numpy"),
                                  cache, len(distinct) - len(cached), model_id, progress)
    failed_frame = pd.DataFrame(sorted(failed), columns=["path", "reason"])
    if failed:
        bad = set(failed_frame["path"])
        keep = [i for i, p in enumerate(collection.metadata["path"].astype(str)) if p not in bad]
        studied = collection.subset(keep)
        studied.skipped = pd.concat([collection.skipped, failed_frame], ignore_index=True)
        collection = studied
        print(f"artopic_nb: {len(failed)} image(s) could not be embedded and are left out of "
              f"result.collection (first: {failed[0][0]}: {failed[0][1]})")
    return RayEmbedding(model_id=model_id, computed=computed, cached=len(cached),
                        failed=failed_frame, seconds=round(time.perf_counter() - started, 3),
                        collection=collection, embedder=embedder, study_embedder=study_embedder)
