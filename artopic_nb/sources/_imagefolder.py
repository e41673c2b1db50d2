"""Hugging Face ``imagefolder`` datasets read as they lie on disk, without ``datasets``.

The layout (huggingface.co/docs/datasets/image_dataset): image files, optionally in one
folder per split (``train/``, ``validation/``, ``test/``), with their metadata in a
``metadata.csv`` or ``metadata.jsonl`` whose ``file_name`` column names each image relative
to the metadata file; without a metadata file, images in one folder per class get that
folder's name as their ``label``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from ..data.collection import IMAGE_EXTENSIONS, ImageCollection
from ..data.skips import NOT_ON_DISK
from ._layouts import announce
from ._sampling import fair_sample

SPLIT_FOLDERS = ("train", "validation", "val", "test")
_METADATA = ("metadata.csv", "metadata.jsonl")
_DATASET_FILES = ("dataset_dict.json", "dataset_info.json", "state.json")


def is_imagefolder(folder: Path) -> bool:
    """A folder of images (and perhaps metadata files), not a ``save_to_disk`` dataset nor
    a folder of parquet files."""
    if any((folder / f).exists() for f in _DATASET_FILES):
        return False
    images = any((folder / m).exists() for m in _METADATA)
    for _, _, names in os.walk(folder):
        suffixes = {os.path.splitext(name)[1].lower() for name in names}
        if suffixes & {".parquet", ".arrow"}:
            return False
        images = images or bool(suffixes & IMAGE_EXTENSIONS)
    return images


def _read_metadata(path: Path) -> pd.DataFrame:
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        return pd.DataFrame(rows)
    return pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)


def from_imagefolder(folder: Path, split: str, *, labels: str | None, n: int | None,
                     per_label: int | None, genre: str | None, seed: int, progress: bool
                     ) -> ImageCollection:
    """The collection of an ``imagefolder`` dataset's ``split`` (see the module)."""
    splits = [s for s in SPLIT_FOLDERS if (folder / s).is_dir()]
    if splits:
        if split not in splits:
            raise ValueError(f"the imagefolder {folder} has no split {split!r} (splits: "
                             f"{splits}); pass split=")
        base = folder / split
    else:
        base = folder
    metadata_file = next((d / m for d in (base, folder) for m in _METADATA if (d / m).exists()),
                         None)
    if metadata_file is not None:
        table = _read_metadata(metadata_file)
        if "file_name" not in table.columns:
            raise ValueError(f"{metadata_file} has no file_name column (columns: "
                             f"{list(table.columns)}): imagefolder metadata names each image "
                             "in file_name, relative to the metadata file")
        files = [metadata_file.parent / str(f) for f in table["file_name"]]
        if base != folder and metadata_file.parent == folder:  # one file for every split
            inside = [f.is_relative_to(base) for f in files]
            table, files = table[inside].reset_index(drop=True), [f for f, i in zip(files, inside, strict=True) if i]
        table = table.rename(columns={"file_name": "source_file"})
    else:
        files = sorted(p for p in base.rglob("*") if p.suffix.lower() in IMAGE_EXTENSIONS)
        table = pd.DataFrame({"source_file": [p.relative_to(base).as_posix() for p in files]})
        if files and all(p.parent != base for p in files):  # one folder per class
            table["label"] = [p.relative_to(base).parts[0] for p in files]
    if not files:
        raise ValueError(f"no images in the imagefolder {base}")
    for column in (labels, genre):
        if column is not None and column not in table.columns:
            raise ValueError(f"the imagefolder has no column {column!r} (columns: "
                             f"{list(table.columns)})")
    present = [f.is_file() for f in files]
    absent = [(str(f), NOT_ON_DISK) for f, p in zip(files, present, strict=True) if not p]
    table = table[present].reset_index(drop=True)
    files = [f for f, p in zip(files, present, strict=True) if p]
    if genre is not None:
        table["genre"] = table[genre]
    keep = fair_sample(table[labels].tolist() if labels else [None] * len(table), n,
                       per_label, seed)
    col = ImageCollection.from_paths(
        [files[i] for i in keep], metadata=table.iloc[keep].reset_index(drop=True), root=base,
        extra_skipped=absent, progress=progress, name=folder.resolve().name, notice=False)
    return announce(col, [])
