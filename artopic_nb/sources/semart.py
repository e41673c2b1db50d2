"""SemArt (Garcia & Vogiatzis, 2018): 21,384 European paintings with expert descriptions.

As released: ``semart_train.csv``, ``semart_val.csv`` and ``semart_test.csv``, tab-separated
and encoded in Windows-1252 / Latin-1, with HTML entities in their text (``&amp;``,
``&#39;``), beside the images in ``Images/``. Columns: ``IMAGE_FILE``, ``DESCRIPTION``,
``AUTHOR``, ``TITLE``, ``TECHNIQUE``, ``DATE``, ``TYPE``, ``SCHOOL``, ``TIMEFRAME``. The
files are found in ``root`` or a folder or two down (an unpacked ``SemArt/``).

:func:`load_semart` keeps them as ``description``, ``artist``, ``title``, ``technique``,
``date``, ``type`` (religious, portrait, landscape, mythological, genre, still-life,
historical, interior, study, other), ``school``, ``timeframe`` and ``split``, with the
entities unescaped; ``genre`` is the known label, TYPE by default (``labels="school"`` or
``"timeframe"`` choose another). Only the images on disk are works; listed images that are
absent are counted in one line, each in ``.skipped``.

Example
-------
>>> import artopic_nb as an
>>> col = an.datasets.load_semart("SemArt/", split="val")   # doctest: +SKIP
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
from pathlib import Path

import pandas as pd

from ..data.collection import ImageCollection
from ..data.skips import NOT_ON_DISK
from ._layouts import announce, files_on_disk, find_files
from ._sampling import fair_sample

__all__ = ["load_semart", "read_semart_csv"]

SPLITS = ("train", "val", "test")
COLUMNS = {"IMAGE_FILE": "image_file", "DESCRIPTION": "description", "AUTHOR": "artist",
           "TITLE": "title", "TECHNIQUE": "technique", "DATE": "date", "TYPE": "type",
           "SCHOOL": "school", "TIMEFRAME": "timeframe"}
#: The columns ``labels=`` may make the known ``genre``.
LABELS = ("type", "school", "timeframe", "artist", "technique")
_CSV = re.compile(r"^semart_(train|val|test)\.csv$", re.IGNORECASE)


def read_semart_csv(path: str | os.PathLike) -> pd.DataFrame:
    """One SemArt CSV as strings, columns renamed (see the module), entities unescaped.

    The files are Windows-1252 (a superset of Latin-1 for text); bytes that Windows-1252
    leaves undefined are read as Latin-1.
    """
    data = Path(path).read_bytes()
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    table = pd.read_csv(io.StringIO(text), sep="\t", dtype=str, keep_default_na=False,
                        quoting=csv.QUOTE_NONE)  # descriptions hold unbalanced quotes
    table.columns = [c.strip() for c in table.columns]
    if "IMAGE_FILE" not in table.columns:
        raise ValueError(f"{path} is not a SemArt CSV (no IMAGE_FILE column; columns: "
                         f"{list(table.columns)[:9]})")
    table = table.rename(columns=COLUMNS)
    for column in table.columns:
        table[column] = [html.unescape(v).strip() or None for v in table[column]]
    return table


def load_semart(
    root: str | os.PathLike,
    split: str | tuple[str, ...] = "train",
    *,
    labels: str = "type",
    n: int | None = None,
    per_genre: int | None = None,
    seed: int = 0,
    progress: bool = True,
) -> ImageCollection:
    """SemArt under ``root`` (the CSVs and ``Images/``): one split, several, or ``"all"``.

    ``labels``: the column that is the known ``genre`` (TYPE, ``"type"``, by default).
    ``per_genre`` / ``n``: a seeded sample fair across ``genre``, among the images on disk,
    drawn from the CSVs and one listing of ``Images/`` before any image is read. Listed
    images absent from disk, and images that cannot be read, are in ``.skipped``; one
    notice counts them.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"no such folder: {root}")
    if labels not in LABELS:
        raise ValueError(f"labels={labels!r}: choose one of {', '.join(LABELS)}")
    splits = SPLITS if split == "all" else (split,) if isinstance(split, str) else tuple(split)
    found = {_CSV.match(p.name)[1].lower(): p for p in reversed(find_files(root, _CSV, 2))}
    tables = []
    for name in splits:
        if name not in found:
            raise FileNotFoundError(f"no SemArt file semart_{name}.csv in {root} or the folders "
                                    f"under it (splits: {', '.join(SPLITS)}; found: "
                                    f"{', '.join(sorted(found)) or 'none'})")
        tables.append(read_semart_csv(found[name]).assign(split=name))
    table = pd.concat(tables, ignore_index=True)
    table["genre"] = table[labels]
    folder = found[splits[0]].parent
    images = next((p for p in _subfolders(folder) if p.name.lower() == "images"),
                  folder / "Images")
    present = files_on_disk(images)
    listed = table["image_file"].fillna("").astype(str)
    on_disk = listed.isin(present).to_numpy()
    absent = [(str(images / f), NOT_ON_DISK) for f in listed[~on_disk]]
    table = table[on_disk].reset_index(drop=True)
    keep = fair_sample(table["genre"].tolist(), n, per_genre, seed)
    table = table.iloc[keep].reset_index(drop=True)
    col = ImageCollection.from_paths(
        [images / str(f) for f in table["image_file"]], metadata=table, root=images,
        extra_skipped=absent, progress=progress, name="semart", notice=False,
    )
    return announce(col, [])


def _subfolders(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
