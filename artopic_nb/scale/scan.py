"""A folder or a list of image files read on a Ray cluster into an :class:`ImageCollection`.

On one machine, :meth:`ImageCollection.from_folder <artopic_nb.data.collection.ImageCollection.
from_folder>` reads every file: hashes it, decodes it completely at a small scale (so that a
truncated file shows) and records its size. :func:`scan_on_ray` does the same per file with
the same function (:func:`artopic_nb.data.file_index.probe_files`), in Ray tasks across the cluster, and
builds the same collection: ids in the same order, the same ``skipped`` report, metadata
joined on file names as ``from_folder`` does. At 10^6 files this is the difference between
reading them all through one machine and through every node.

Example
-------
>>> from artopic_nb.scale import scan_on_ray
>>> col = scan_on_ray("/shared/museum/", metadata="/shared/museum/labels.csv")   # doctest: +SKIP
>>> col.skipped                                                                   # doctest: +SKIP
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.collection import ImageCollection
from ..data.file_index import probe_files
from ..data.images import (
    DEFAULT_MAX_PIXELS,
    IMAGE_EXTENSIONS,
    display_path,
    find_image_files,
)
from ..data.metadata import join_metadata
from ._ray import connect, frame_blocks

__all__ = ["as_collection", "scan_on_ray"]


def _probe_block(block: pd.DataFrame, max_pixels: int) -> pd.DataFrame:
    """Probe the files of one block (paths travel as bytes: any file name survives Arrow)."""
    paths = [Path(os.fsdecode(p)) for p in block["path"]]
    # as on one machine: in threads, files unchanged since this node last probed them not read
    probes = probe_files(paths, max_pixels, progress=False)
    return pd.DataFrame({
        "order": block["order"].to_numpy(),
        "shown": [display_path(p.path) for p in probes],
        "hash": [p.hash or "" for p in probes],
        "width": np.array([p.width for p in probes], dtype=np.int64),
        "height": np.array([p.height for p in probes], dtype=np.int64),
        "reason": [p.reason or "" for p in probes],
    })


def scan_on_ray(source: str | os.PathLike | Iterable[str | os.PathLike],
                metadata: str | os.PathLike | pd.DataFrame | None = None, *,
                recursive: bool = True, max_pixels: int = DEFAULT_MAX_PIXELS,
                address: str | None = None, rows_per_block: int = 256,
                progress: bool = True) -> ImageCollection:
    """The :class:`ImageCollection` of a folder (as ``from_folder``) or of a list of image
    files (as ``from_paths``), every file read and checked in Ray tasks.

    ``metadata`` (a folder only) is joined on file names as ``from_folder`` joins it.
    Unreadable files go into ``.skipped`` with their reason, never stopping the scan.
    ``address`` is where the cluster is (see :func:`~artopic_nb.scale.connect`).

    Example
    -------
    >>> col = scan_on_ray(["a.jpg", "b.png"], address="auto")   # doctest: +SKIP
    """
    ray = connect(address, progress)
    root, name, extra_skipped, table, issues = None, None, [], None, None
    if isinstance(source, (str, os.PathLike)):
        root = Path(source)
        if not root.is_dir():
            raise FileNotFoundError(f"no such folder: {root}")
        files, extra_skipped = find_image_files(root, recursive)
        if not files:
            raise ValueError(f"no images found in {root} (looked for "
                             f"{', '.join(sorted(IMAGE_EXTENSIONS))})")
        files.sort(key=lambda p: p.relative_to(root).as_posix())
        if metadata is not None:
            table, issues, outside = join_metadata(files, root, metadata)
            files = files + outside
        name = root.resolve().name
    else:
        if metadata is not None:
            raise ValueError("metadata= goes with a folder; for a list of files build the "
                             "collection with ImageCollection.from_dataframe")
        files = [Path(p) for p in source]
    frame = pd.DataFrame({"order": np.arange(len(files)),
                          "path": [os.fsencode(p) for p in files]})
    probed = ray.data.from_pandas(frame_blocks(frame, rows_per_block)).map_batches(
        _probe_block, fn_kwargs={"max_pixels": max_pixels}, batch_size=None,
        batch_format="pandas").to_pandas().sort_values("order").reset_index(drop=True)

    ok = (probed["reason"] == "").to_numpy()
    kept = [p for p, good in zip(files, ok, strict=True) if good]
    base = pd.DataFrame({
        "path": [str(p) for p in kept], "file_name": [p.name for p in kept],
        "hash": probed["hash"][ok].tolist(), "width": probed["width"][ok].to_numpy(),
        "height": probed["height"][ok].to_numpy()})
    if table is not None:
        extra = table.iloc[np.flatnonzero(ok)].reset_index(drop=True)
        base = pd.concat([base, extra.drop(columns=[c for c in base.columns
                                                     if c in extra.columns])], axis=1)
    skipped = pd.DataFrame(list(extra_skipped) + list(zip(
        probed["shown"][~ok], probed["reason"][~ok], strict=True)), columns=["path", "reason"])
    if not skipped.empty:
        warnings.warn(f"{len(skipped)} file(s) skipped; see the collection's .skipped report "
                      f"(first: {skipped.path[0]}: {skipped.reason[0]})", stacklevel=2)
    col = ImageCollection(base, skipped, root=root, max_pixels=max_pixels, name=name)
    if issues is not None:
        col.metadata_issues = issues
    return col


def as_collection(source, metadata=None, *, address: str | None = None,
                  progress: bool = True) -> ImageCollection:
    """``source`` itself when it is an :class:`ImageCollection`, else :func:`scan_on_ray` of it."""
    if isinstance(source, ImageCollection):
        return source
    return scan_on_ray(source, metadata, address=address, progress=progress)
