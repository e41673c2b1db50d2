"""The pipeline's steps, declared once: what each reads, what it makes, what its result depends
on, and how the result is stored.

Everything else is derived from these declarations: which steps a rerun invalidates
(:func:`downstream`), the cache key of a result (:func:`step_key`: the digests of the results
it reads, its parameters, the full identities of its models, prompts and vocabulary, its
``version`` and the versions of the libraries it depends on), and the files a result is
stored as, in the cache and in a saved study (:func:`encode` / :func:`decode`: ``.npy``,
``.parquet`` and JSON; never pickle).

Example
-------
>>> downstream("cluster")
('sample', 'commonalities')
>>> sorted(STEPS["reduce"].results)
['coords_', 'reduced_', 'reducer_']
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

from ..data.cache import make_key

__all__ = ["STEPS", "Step", "decode", "digest", "downstream", "encode", "producer", "step_key"]


@dataclass(frozen=True)
class Step:
    """One pipeline step.

    ``reads``: the results of earlier steps it reads; ``results``: result name -> how it is
    stored (``"npy"``, ``"parquet"``, ``"json"``, or ``"frames"`` for an object that
    round-trips through ``to_frames`` / ``from_frames``); ``params``: the parameters that
    enter its key; ``version``: bumped when the computation changes; ``libraries``: the
    distributions whose versions its numbers depend on.
    """

    name: str
    reads: tuple[str, ...]
    results: dict[str, str]
    params: tuple[str, ...]
    version: int = 1
    libraries: tuple[str, ...] = ()


STEPS: dict[str, Step] = {s.name: s for s in (
    Step("embed", (), {"embeddings_": "npy", "embedder_id_": "json"}, ("embedder", "batch_size")),
    Step("reduce", ("embeddings_",), {"reduced_": "npy", "coords_": "npy", "reducer_": "json"},
         ("n_components", "n_neighbors", "min_dist", "metric", "method", "seed"),
         libraries=("umap-learn", "scikit-learn", "numba")),
    Step("cluster", ("reduced_",), {"labels_": "npy"},
         ("method", "min_cluster_size", "min_samples", "cluster_selection_epsilon", "n_clusters",
          "linkage", "seed"), libraries=("hdbscan", "scikit-learn")),
    Step("sample", ("embeddings_", "labels_"), {"samples_": "parquet"},
         ("per_cluster", "strategy", "seed", "include_noise")),
    # describing reads the images it is given (``ids``), not the sample: a new sample keeps
    # the descriptions made so far
    Step("describe", (), {"descriptions_": "parquet"}, ("describers", "prompts", "n_ids")),
    Step("predict_genres", ("descriptions_",), {"genre_predictions_": "parquet"},
         ("predictor", "genres"), libraries=("sentence-transformers",)),
    # the method is the verb find_commonalities(); the step keeps its result's name
    Step("commonalities", ("descriptions_", "labels_"), {"commonalities_": "frames"},
         ("llm", "top_k", "prompt"), version=2,  # 2: with the claims table
         libraries=("scikit-learn", "sentence-transformers")),
)}


def producer(result: str) -> str:
    """The step that makes ``result``."""
    for step in STEPS.values():
        if result in step.results:
            return step.name
    raise KeyError(result)


def downstream(name: str) -> tuple[str, ...]:
    """The steps that read ``name``'s results, directly or not, in pipeline order."""
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for step in STEPS.values():
            if step.name not in found and any(
                    producer(r) in found | {name} for r in step.reads):
                found.add(step.name)
                changed = True
    return tuple(s for s in STEPS if s in found)


#: Columns that record how a result was made, not what it is: left out of digests, so that
#: descriptions read from the cache feed later steps the same key as freshly made ones.
BOOKKEEPING_COLUMNS = ("seconds", "tokens", "cached")


def digest(value: Any) -> str:
    """A SHA-256 of a result's content (arrays by bytes, shape and dtype; frames by values,
    without :data:`BOOKKEEPING_COLUMNS`)."""
    h = hashlib.sha256()
    if isinstance(value, pd.DataFrame):
        value = value.drop(columns=[c for c in BOOKKEEPING_COLUMNS if c in value.columns])
    if isinstance(value, np.ndarray):
        a = np.ascontiguousarray(value)
        h.update(a.tobytes() + str((a.shape, a.dtype.str)).encode())
    elif isinstance(value, pd.DataFrame):
        h.update(json.dumps([list(map(str, value.columns)), list(map(str, value.dtypes))]).encode())
        h.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
    else:
        h.update(json.dumps(value, sort_keys=True, default=str).encode())
    return h.hexdigest()


@cache
def _library_versions(libraries: tuple[str, ...]) -> dict[str, str | None]:
    versions = {}
    for name in libraries:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def step_key(name: str, digests: dict[str, str], params: dict, identity: dict | None = None) -> str:
    """The cache key of step ``name``'s result.

    ``digests``: the digest of every result the step reads (all must be given);
    ``params``: its parameters (only declared ones); ``identity``: everything else the
    result depends on that the parameters do not name in full (model weights and dtype,
    prompt text and version, vocabulary, the images' content hashes).
    """
    step = STEPS[name]
    missing = set(step.reads) - set(digests)
    unknown = set(params) - set(step.params)
    if missing or unknown:
        raise ValueError(f"step {name!r}: missing input digests {sorted(missing)}, "
                         f"undeclared parameters {sorted(unknown)}")
    return make_key(name, step.version, {r: digests[r] for r in step.reads}, params,
                    identity or {}, _library_versions(step.libraries))


# -- storage: every result as plain files (the cache keeps them in one zip per entry) ------------

def _frame_bytes(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf)
    return buf.getvalue()


def encode(name: str, results: dict[str, Any]) -> dict[str, bytes]:
    """Step ``name``'s results as ``{file name: bytes}`` (``.npy``, ``.parquet``, ``.json``)."""
    files = {}
    for result, kind in STEPS[name].results.items():
        value, stem = results[result], result.rstrip("_")
        if kind == "npy":
            buf = io.BytesIO()
            np.save(buf, np.asarray(value), allow_pickle=False)
            files[f"{stem}.npy"] = buf.getvalue()
        elif kind == "parquet":
            files[f"{stem}.parquet"] = _frame_bytes(value)
        elif kind == "frames":
            for part, frame in value.to_frames().items():
                files[f"{stem}_{part}.parquet"] = _frame_bytes(frame)
        else:
            files[f"{stem}.json"] = json.dumps(value).encode("utf-8")
    return files


def decode(name: str, files: dict[str, bytes]) -> dict[str, Any]:
    """The inverse of :func:`encode`."""
    results = {}
    for result, kind in STEPS[name].results.items():
        stem = result.rstrip("_")
        if kind == "npy":
            results[result] = np.load(io.BytesIO(files[f"{stem}.npy"]), allow_pickle=False)
        elif kind == "parquet":
            results[result] = pd.read_parquet(io.BytesIO(files[f"{stem}.parquet"]))
        elif kind == "frames":
            from ..steps.commonalities import Commonalities

            prefix = f"{stem}_"
            results[result] = Commonalities.from_frames({
                f[len(prefix):-len(".parquet")]: pd.read_parquet(io.BytesIO(data))
                for f, data in files.items() if f.startswith(prefix) and f.endswith(".parquet")})
        else:
            results[result] = json.loads(files[f"{stem}.json"])
    return results


class StepCodec:
    """A step's results as one zip of plain files, for :meth:`Cache.get_or_compute`."""

    ext = "zip"

    def __init__(self, name: str):
        self.name = name

    def encode(self, results: dict[str, Any]) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
            for file, data in encode(self.name, results).items():
                zf.writestr(file, data)
        return buf.getvalue()

    def decode(self, data: bytes) -> dict[str, Any]:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return decode(self.name, {f: zf.read(f) for f in zf.namelist()})
