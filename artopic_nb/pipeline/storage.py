"""Saving and loading a :class:`~artopic_nb.pipeline.study.Study` through the steps' codecs.

A saved study is a folder of plain files: ``study.json`` (format, parameters, timings, notes
and the small JSON results), one ``.npy`` per array, one ``.parquet`` per table, and
``commonalities_<part>.parquet`` for the commonalities. The layout is format 1, the one
artopic_nb 0.1.0 wrote, so studies saved by 0.1.0 load unchanged.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from ..data.cache import _umask, atomic_write_bytes
from ..data.collection import ImageCollection
from .graph import STEPS, decode, encode

__all__ = ["load", "save"]

FORMAT_VERSION = 1
_PART = re.compile(r"^[a-z_]{1,40}$")


# -- files ----------------------------------------------------------------------------------------

def save(study, path: str | os.PathLike) -> Path:
    """Write ``study`` to folder ``path``.

    The files go to a temporary folder first, swapped in at the end, so a failure (a full
    disk, an interruption) leaves a previously saved study intact.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    tmp.chmod(0o777 & ~_umask())  # mkdtemp makes a private folder; use the usual mode
    try:
        _write(study, tmp)
        if path.exists():
            old = path.with_name(f".{path.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            path.rename(old)
            tmp.rename(path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(path)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        message = f"could not save the study to {path} ({exc}); any previously saved study there is unchanged"
        if isinstance(exc, OSError):
            raise OSError(exc.errno, message) from exc
        if isinstance(exc, Exception):  # e.g. a metadata column parquet cannot store
            raise RuntimeError(message) from exc
        raise
    return path


def _write(study, folder: Path) -> None:
    col = study.collection
    col.metadata.to_parquet(folder / "collection.parquet")
    col.skipped.to_parquet(folder / "skipped.parquet")
    col.metadata_issues.astype({"row": "int64"}).to_parquet(folder / "metadata_issues.parquet")
    listed: dict[str, Any] = {"arrays": [], "tables": [], "objects": {}, "scalars": {}}
    for step in study.steps_done():
        for file, data in encode(step, {r: study.get(r) for r in STEPS[step].results}).items():
            stem, ext = file.rsplit(".", 1)
            if ext == "json":  # small results live in the manifest
                listed["scalars"][stem + "_"] = json.loads(data)
                continue
            atomic_write_bytes(folder / file, data, fsync=False)
            if stem + "_" in STEPS[step].results:
                listed["arrays" if ext == "npy" else "tables"].append(stem + "_")
            else:  # one part of an object stored as frames: <result>_<part>
                result = next(r for r in STEPS[step].results if stem.startswith(r))
                listed["objects"].setdefault(result, []).append(stem[len(result):])
    manifest = {
        "format_version": FORMAT_VERSION,
        "collection": {"name": col.name, "root": None if col.root is None else str(col.root),
                       "max_pixels": col.max_pixels},
        "cache_dir": None if study.cache_dir is None else str(study.cache_dir),
        "seed": study.seed, "params": study.params_, "timings": study.timings_,
        "notes": study.notes_, **listed,
    }
    atomic_write_bytes(folder / "study.json", json.dumps(manifest, indent=2).encode("utf-8"))


def load(cls, path: str | os.PathLike, cache_dir: str | os.PathLike | None | bool = True,
         progress: bool = True):
    """Read a study written by :func:`save` (or by artopic_nb 0.1.0)."""
    path = Path(path)
    previous = path.with_name(f".{path.name}.old")
    if not path.exists() and (previous / "study.json").is_file():
        # a save was interrupted between moving the old study aside and the new one in
        warnings.warn(f"{path} is missing; loading the previous save from {previous}", stacklevel=3)
        path = previous
    manifest_path = path / "study.json"
    if not manifest_path.is_file():
        raise FileNotFoundError(f"{path} is not a saved study (no study.json)")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"{path}: study format {manifest.get('format_version')!r} is not one this "
                         f"version of artopic_nb reads (format {FORMAT_VERSION}); save it again "
                         "with the version that wrote it, or rerun the study")
    files = _files(manifest, path)
    if "embeddings.npy" in files and "embed_parts.json" not in files:
        files["embed_parts.json"] = b"null"  # saved before text joined the images: images alone
    _cluster_fit(files, manifest)
    _cluster_before_edits(files)
    info = manifest["collection"]
    col = ImageCollection(
        pd.read_parquet(path / "collection.parquet"), pd.read_parquet(path / "skipped.parquet"),
        pd.read_parquet(path / "metadata_issues.parquet"), root=info["root"],
        max_pixels=info["max_pixels"], name=info["name"])
    study = cls(col, manifest["cache_dir"] if cache_dir is True else cache_dir,
                seed=manifest["seed"], progress=progress)
    for step in STEPS.values():
        if step.name in manifest["params"] and all(
                any(f.startswith(f"{r.rstrip('_')}_") for f in files) if kind == "frames"
                else f"{r.rstrip('_')}.{kind}" in files for r, kind in step.results.items()):
            for name, value in decode(step.name, files).items():
                setattr(study, name, value)
    study.params_ = {s: p for s, p in manifest["params"].items() if study.has(s)}
    study.timings_ = {s: t for s, t in manifest["timings"].items() if study.has(s)}
    study.notes_ = manifest.get("notes", {})
    study.shaping.edit_log[:] = study.params_.get("cluster", {}).get("edits", [])
    return study


def _cluster_before_edits(files: dict[str, bytes]) -> None:
    """A study saved before clusters could be edited (0.1.0 ...) has the cluster step's labels
    only: they are the algorithm's and the curated ones, with no edit and no level."""
    if "labels.npy" not in files or "algorithm_labels.npy" in files or "reduced.npy" not in files:
        return
    import io

    import numpy as np

    from ..steps.cluster.edits import cluster_tree

    labels = np.load(io.BytesIO(files["labels.npy"]), allow_pickle=False)
    reduced = np.load(io.BytesIO(files["reduced.npy"]), allow_pickle=False)
    tree = cluster_tree(labels, reduced).drop(columns=["clusters", "keywords"])
    files.update(encode("cluster", {
        "labels_": labels, "algorithm_labels_": labels, "curated_labels_": labels,
        "hierarchy_": tree, "given_names_": {}, "edit_report_": {"applied": [], "problems": []},
        "cluster_fit_": json.loads(files["cluster_fit.json"])}))


def _cluster_fit(files: dict[str, bytes], manifest: dict) -> None:
    """A study saved before the cluster step recorded its fit (0.2.0 and before) resolved
    its sizes in the verb: its parameters are the fit, its note says why."""
    if "labels.npy" not in files or "cluster_fit.json" in files:
        return
    params = {k: v for k, v in manifest["params"].get("cluster", {}).items()
              if k not in ("edits", "level")}
    why = manifest.get("notes", {}).get("cluster", "").split(" | ")[0]
    files["cluster_fit.json"] = json.dumps({"params": params, "why": why}).encode()


def _files(manifest: dict, path: Path) -> dict[str, bytes]:
    """The result files a manifest lists, as bytes; refuses names that are not a study's own."""
    known = {r: kind for step in STEPS.values() for r, kind in step.results.items()}
    bad = [a for a in manifest.get("arrays", []) if known.get(a) != "npy"]
    bad += [t for t in manifest.get("tables", []) if known.get(t) != "parquet"]
    bad += [k for k in manifest.get("scalars", {}) if known.get(k) != "json"]
    objects = manifest.get("objects", {})
    bad += [o for o in objects if known.get(o) != "frames"]
    bad += [p for parts in objects.values() for p in parts if not _PART.match(str(p).lstrip("_"))]
    if bad:
        raise ValueError(f"{path / 'study.json'} names unexpected entries {bad}; "
                         "it was not written by Study.save")
    files = {f"{a.rstrip('_')}.npy": (path / f"{a.rstrip('_')}.npy").read_bytes()
             for a in manifest.get("arrays", [])}
    files |= {f"{t.rstrip('_')}.parquet": (path / f"{t.rstrip('_')}.parquet").read_bytes()
              for t in manifest.get("tables", [])}
    files |= {f"{k.rstrip('_')}.json": json.dumps(v).encode()
              for k, v in manifest.get("scalars", {}).items()}
    for name, parts in objects.items():
        stem = name.rstrip("_")
        for part in parts:
            part = str(part).lstrip("_")
            files[f"{stem}_{part}.parquet"] = (path / f"{stem}_{part}.parquet").read_bytes()
    return files
