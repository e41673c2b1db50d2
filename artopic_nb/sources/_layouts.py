"""Datasets as published on disk: label files found by name, the images actually present,
and the one notice of what was taken and left.

Published datasets (WikiArt, SemArt) ship their labels apart from their images, which are
often only partly downloaded; these helpers let a loader find the files wherever the
publisher put them and check which listed images exist from one listing of each folder,
before any image is opened.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..data.collection import ImageCollection
from ..data.skips import notify, plural, skip_notice


def find_files(root: Path, pattern: re.Pattern, max_depth: int = 3) -> list[Path]:
    """Files under ``root`` (at most ``max_depth`` folders down, hidden folders left out)
    whose names match ``pattern``, the shallowest first, then by path."""
    found: list[tuple[int, str, Path]] = []
    level = [root]
    for depth in range(max_depth + 1):
        below = []
        for folder in level:
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    below.append(Path(entry.path))
                elif pattern.match(entry.name):
                    found.append((depth, entry.path, Path(entry.path)))
        level = below
    return [p for _, _, p in sorted(found)]


def image_folder(root: Path, folders: set[str], max_depth: int = 2) -> Path | None:
    """The folder that holds the most of ``folders`` (a dataset's style folders): ``root``,
    else the best of its subfolders, else of theirs; None when none holds any."""
    level = [root]
    for _ in range(max_depth + 1):
        scored = [(sum((c / f).is_dir() for f in folders), c) for c in level]
        best = max(scored, key=lambda s: s[0], default=(0, None))
        if best[0]:
            return best[1]
        level = [Path(e.path) for c in level for e in _scan(c)
                 if e.is_dir() and not e.name.startswith(".")]
    return None


def _scan(folder: Path) -> list[os.DirEntry]:
    try:
        return sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []


def files_on_disk(folder: Path, subfolders: set[str] | None = None) -> set[str]:
    """The files present in ``folder`` (``name``), or in each of its ``subfolders``
    (``sub/name``): one listing per folder, no image opened."""
    if subfolders is None:
        return {e.name for e in _scan(folder) if not e.is_dir()}
    return {f"{sub}/{e.name}" for sub in subfolders for e in _scan(folder / sub)
            if not e.is_dir()}


def announce(col: ImageCollection, notes: list[str]) -> ImageCollection:
    """Keep ``notes`` in ``col.notes`` and say them, with the skipped rows counted (the
    listed images not on disk in one line), in one notice."""
    col.notes = list(notes)
    said = [*col.notes] + ([line] if (line := skip_notice(col.skipped, "file")) else [])
    if said:
        tail = "; see the collection's .skipped report" if len(col.skipped) else ""
        notify("; ".join([f"{col.name}: {plural(len(col), 'work')}", *said]) + tail)
    return col
