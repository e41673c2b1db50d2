"""SemArt (Garcia & Vogiatzis, 2018): 21,384 European paintings with expert descriptions.

The layout: ``semart_train.csv``, ``semart_val.csv`` and ``semart_test.csv``, tab-separated
and encoded in Windows-1252 / Latin-1, with HTML entities in their text (``&amp;``,
``&#39;``), and the images in ``Images/``. Columns: ``IMAGE_FILE``, ``DESCRIPTION``,
``AUTHOR``, ``TITLE``, ``TECHNIQUE``, ``DATE``, ``TYPE``, ``SCHOOL``, ``TIMEFRAME``.

:func:`load_semart` keeps them as ``description``, ``artist``, ``title``, ``technique``,
``date``, ``genre`` (SemArt's TYPE: religious, portrait, landscape, mythological, genre,
still-life, historical, interior, study, other), ``school``, ``timeframe`` and ``split``,
with the entities unescaped.

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
from pathlib import Path

import pandas as pd

from ..data.collection import ImageCollection
from ._sampling import fair_sample

__all__ = ["load_semart", "read_semart_csv"]

SPLITS = ("train", "val", "test")
COLUMNS = {"IMAGE_FILE": "image_file", "DESCRIPTION": "description", "AUTHOR": "artist",
           "TITLE": "title", "TECHNIQUE": "technique", "DATE": "date", "TYPE": "genre",
           "SCHOOL": "school", "TIMEFRAME": "timeframe"}


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
    n: int | None = None,
    per_genre: int | None = None,
    seed: int = 0,
    progress: bool = True,
) -> ImageCollection:
    """SemArt under ``root`` (the CSVs and ``Images/``): one split, several, or ``"all"``.

    ``per_genre`` / ``n``: a seeded sample fair across genres (TYPE), drawn from the CSVs
    before any image is read. Listed images that are missing or unreadable are in
    ``.skipped``.
    """
    root = Path(root)
    splits = SPLITS if split == "all" else (split,) if isinstance(split, str) else tuple(split)
    tables = []
    for name in splits:
        path = root / f"semart_{name}.csv"
        if not path.exists():
            raise FileNotFoundError(f"no SemArt file {path} (splits: {', '.join(SPLITS)})")
        tables.append(read_semart_csv(path).assign(split=name))
    table = pd.concat(tables, ignore_index=True)
    keep = fair_sample(table["genre"].tolist(), n, per_genre, seed)
    table = table.iloc[keep].reset_index(drop=True)
    images = root / "Images"
    return ImageCollection.from_paths(
        [images / str(f) for f in table["image_file"]], metadata=table, root=images,
        progress=progress, name="semart",
    )
