"""The same study on a Ray cluster: the same steps, the same results, the same cache.

``pip install "artopic-nb[scale]"`` adds Ray Data (``ray[data]==2.60.0``). Nothing here
imports ``ray`` until a function runs, and then a missing extra is one clear ImportError.

- :func:`embed_on_ray`: embed a collection (or a folder, read on the cluster) with an actor
  pool that loads the model once per actor (a GPU each when the cluster has them), writing
  each row into the cache under the key ``study.embed()`` reads: after it, ``study.embed``
  computes nothing. :func:`embedding_dataset` is the lazy dataset itself (for parquet shards),
  :func:`import_embeddings` reads shards into a cache.
- :func:`describe_on_ray`: describe works with a vision-language model on actors (in process,
  or an OpenAI-compatible server with bounded concurrency per actor), cached per image as
  ``study.describe`` caches them; a rerun describes only what is missing.
- :func:`scan_on_ray`: a folder read into an :class:`~artopic_nb.ImageCollection` on the
  cluster (hashes, checks, sizes).
- :func:`fit_sample_assign`: UMAP and HDBSCAN / k-means fitted on a seeded sample of stated
  size, the rest assigned in batches (UMAP ``transform``, ``hdbscan.approximate_predict``,
  the nearest centroid), on Ray or in this process.
- :func:`decimate`: a map of 10^6 points drawn as at most ``max_points``, a selection on it
  resolved to the ids of every work it stands for.

Example
-------
>>> import artopic_nb as an
>>> from artopic_nb.scale import embed_on_ray
>>> result = embed_on_ray("museum/", "openai/clip-vit-base-patch32", cache_dir=".artopic",
...                       address="auto")                                       # doctest: +SKIP
>>> study = an.Study(result.collection, cache_dir=".artopic")                   # doctest: +SKIP
>>> study.embed(embedder=result.study_embedder).reduce().cluster()              # doctest: +SKIP
"""

from __future__ import annotations

from ._ray import EXTRA_HINT, RayRun, connect, require_ray
from .describe import RayDescriptions, describe_on_ray
from .embed import (
    RayEmbedding,
    cluster_embedder,
    embed_on_ray,
    embedding_dataset,
    import_embeddings,
)
from .plot import Decimation, decimate
from .reduce import SampleFit, fit_sample_assign
from .scan import scan_on_ray

__all__ = ["EXTRA_HINT", "Decimation", "RayDescriptions", "RayEmbedding", "RayRun", "SampleFit",
           "cluster_embedder", "connect", "decimate", "describe_on_ray",
           "embed_on_ray", "embedding_dataset",
           "fit_sample_assign", "import_embeddings", "require_ray", "scan_on_ray"]
