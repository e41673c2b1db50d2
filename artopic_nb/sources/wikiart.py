"""WikiArt in the ArtGAN layout (github.com/cs-chan/ArtGAN, ``WikiArt Dataset``).

The images lie in one folder per style, named ``artist-name_title-of-work-1889.jpg``
(``wikiart/Post_Impressionism/vincent-van-gogh_the-starry-night-1889.jpg``); the label
files (``wikiart_csv/``) are, for each task (genre, style, artist), a class list
``{task}_class.txt`` (``0 abstract_painting`` a line) and index files
``{task}_train.csv`` / ``{task}_val.csv`` (``Style/file.jpg,class_index`` a line, no
header). Not every image has a genre or an artist label (the genre task covers about
65,000 of the 81,000 works).

:func:`load_wikiart` gives each work ``genre`` (the known label genre scoring uses:
``portrait``, ``landscape``, ``genre painting`` ...), ``style``, ``artist`` (the artist
task's name, else parsed from the file name), ``title`` and ``date`` (parsed from the
file name). ``n`` / ``per_genre`` draw a seeded sample fair across genres from the label
files alone, before any image is read.

Example
-------
>>> import artopic_nb as an
>>> col = an.datasets.load_wikiart("wikiart/", per_genre=20)   # doctest: +SKIP
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pandas as pd

from ..data.collection import IMAGE_EXTENSIONS, ImageCollection
from ._sampling import fair_sample

__all__ = ["load_wikiart", "parse_wikiart_name"]

TASKS = ("genre", "style", "artist")
_YEAR = re.compile(r"-(\d{4})$")


def parse_wikiart_name(file_name: str) -> dict[str, str | None]:
    """Artist, title and date from an ArtGAN file name.

    >>> parse_wikiart_name("vincent-van-gogh_the-starry-night-1889.jpg")
    {'artist': 'Vincent Van Gogh', 'title': 'The starry night', 'date': '1889'}
    """
    stem = Path(file_name).stem
    artist, _, title = stem.partition("_")
    year = _YEAR.search(title)
    if year:
        title = title[: year.start()]
    title = title.replace("-", " ").strip()
    return {"artist": artist.replace("-", " ").strip().title() or None,
            "title": title[:1].upper() + title[1:] if title else None,
            "date": year.group(1) if year else None}


def _class_names(path: Path) -> dict[int, str]:
    """``{index: name}`` from a class list (``0 abstract_painting``), underscores as spaces."""
    names = {}
    for line in path.read_text("utf-8", errors="replace").splitlines():
        index, _, name = line.strip().partition(" ")
        if index.isdigit() and name:
            names[int(index)] = name.strip().replace("_", " ")
    return names


def _label_folder(root: Path) -> Path | None:
    for folder in (root, root / "wikiart_csv"):
        if any((folder / f"{task}_class.txt").exists() for task in TASKS):
            return folder
    found = sorted(p.parent for pattern in ("*/*_class.txt", "*/*/*_class.txt")
                   for p in root.glob(pattern) if p.name.split("_")[0] in TASKS)
    return found[0] if found else None


def _read_labels(folder: Path, splits: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """``{relative path: {task: name}}`` from the index files of ``splits``."""
    labels: dict[str, dict[str, str]] = {}
    for task in TASKS:
        names_file = folder / f"{task}_class.txt"
        names = _class_names(names_file) if names_file.exists() else {}
        for split in splits:
            index_file = folder / f"{task}_{split}.csv"
            if not index_file.exists():
                continue
            with index_file.open(newline="", encoding="utf-8", errors="replace") as fh:
                for row in csv.reader(fh):
                    if len(row) >= 2 and row[1].strip().lstrip("-").isdigit():
                        key = row[0].strip().replace("\\", "/")
                        label = names.get(int(row[1]), row[1].strip())
                        labels.setdefault(key, {})[task] = label
    return labels


def _image_folder(root: Path, label_folder: Path | None, some_path: str | None) -> Path:
    candidates = [root / "wikiart", root]
    if label_folder is not None:
        candidates += [label_folder.parent / "wikiart", label_folder.parent]
    for folder in candidates:
        if some_path is not None and (folder / some_path).exists():
            return folder
    return next((f for f in candidates if f.is_dir() and f.name == "wikiart"), root)


def load_wikiart(
    root: str | os.PathLike,
    n: int | None = None,
    per_genre: int | None = None,
    *,
    split: str | None = None,
    seed: int = 0,
    progress: bool = True,
) -> ImageCollection:
    """WikiArt (ArtGAN layout) under ``root``: the style folders and/or ``wikiart_csv/``.

    ``split``: ``"train"`` or ``"val"`` (the index files' split), or None for both.
    ``per_genre`` / ``n``: a seeded sample fair across genres (from the works with a known
    genre). Without label files, every image under ``root`` is taken, its style from its
    folder. Listed images that are missing or unreadable are in ``.skipped``.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"no such folder: {root}")
    label_folder = _label_folder(root)
    splits = ("train", "val") if split is None else (split,)
    labels = _read_labels(label_folder, splits) if label_folder is not None else {}
    if labels:
        paths = sorted(labels)
        images = _image_folder(root, label_folder, paths[0])
    else:
        images = _image_folder(root, None, None)
        paths = sorted(p.relative_to(images).as_posix() for p in images.rglob("*")
                       if p.suffix.lower() in IMAGE_EXTENSIONS)
        if not paths:
            raise ValueError(f"no WikiArt images or label files (genre_class.txt ...) in {root}")
    rows = []
    for rel in paths:
        parsed = parse_wikiart_name(rel)
        known = labels.get(rel, {})
        style = known.get("style") or (rel.split("/")[0].replace("_", " ") if "/" in rel else None)
        rows.append({"genre": known.get("genre"), "style": style,
                     "artist": known.get("artist") or parsed["artist"],
                     "title": parsed["title"], "date": parsed["date"], "wikiart_path": rel})
    table = pd.DataFrame(rows)
    keep = fair_sample(table["genre"].tolist(), n, per_genre, seed)
    table = table.iloc[keep].reset_index(drop=True)
    return ImageCollection.from_paths(
        [images / rel for rel in table["wikiart_path"]], metadata=table, root=images,
        progress=progress, name="wikiart",
    )
