"""The step graph: the steps (each declared beside its code in :mod:`artopic_nb.steps`), and
what is derived from their declarations: which steps a rerun invalidates
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

import io
import json
import zipfile
from functools import cache
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

from ..data.cache import make_key
from ..steps import cluster, commonalities, describe, embed, predict_genres, reduce, sample
from ..steps.base import Step

__all__ = ["STEPS", "StepCodec", "decode", "downstream", "encode", "producer", "step_key"]


#: Every step, in pipeline order; each is declared in its own module of :mod:`artopic_nb.steps`.
STEPS: dict[str, Step] = {s.STEP.name: s.STEP for s in (
    embed, reduce, cluster, sample, describe, predict_genres, commonalities)}


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
            prefix = f"{stem}_"
            results[result] = STEPS[name].frames.from_frames({
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
