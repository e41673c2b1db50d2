"""WikiArt as published: ArtGAN's label files, found wherever they lie, and a partial download.

The images lie in one folder per style, named ``artist-name_title-of-work-1889.jpg``
(``wikiart/Post_Impressionism/vincent-van-gogh_the-starry-night-1889.jpg``). The labels come
as three tasks (genre, style, artist), each a class list (``0 abstract_painting`` a line)
and index files, one per split: ``Style/file.jpg,class_index`` a line without a header
(genre, style), or ``Style/file.jpg,,class_index`` under the header ``(Path to image),,
(Groundtruth class)`` (ArtGAN's artist lists), in either of the layouts they are published
in, found without help:

- the ArtGAN repository's folder ``WikiArt Dataset/``: ``Genre/genre_class`` (no extension),
  ``Genre/genre_train.csv``, ``Genre/genre_val.csv``, ``Style/style_class.txt``,
  ``Style/style_train.csv``, ``Style/style_val.csv``, ``Artist/artist_class``,
  ``Artist/artist_train``, ``Artist/artist_val`` (no extensions), in ``ROOT/`` or in
  ``ROOT/<Genre|Style|Artist>/`` or one folder down;
- the archive's ``wikiart_csv/`` (``genre_class.txt``, ``genre_train.csv`` ...).

:func:`load_wikiart` gives each work ``genre`` (by default the genre task: ``portrait``,
``landscape``, ``genre painting`` ...; ``labels="style"`` or ``"artist"`` makes another task
the known label, the genre task then kept as ``wikiart_genre``), ``style``, ``artist`` (the
artist task's name, else parsed from the file name), ``title`` and ``date`` (parsed from the
file name). Label names always come from the class files; an index without its class file
is never used as a name. What cannot be read is said: an index file of which no line reads,
a ``labels`` task no work on disk has, and a ``root`` without any label file (every image
is then taken, its style from its folder).

Images are often only partly downloaded. Only the images on disk are works: ``n`` /
``per_genre`` draw a seeded sample fair across genres among them (from the label files and
one listing of each style folder, before any image is read), and the listed images that are
absent are counted in one line (``80,446 listed images are not on disk``), each in
``.skipped`` with the reason :data:`~artopic_nb.data.skips.NOT_ON_DISK`.

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
from ..data.skips import NOT_ON_DISK
from ._layouts import announce, files_on_disk, find_files, image_folder
from ._sampling import fair_sample

__all__ = ["find_label_files", "load_wikiart", "parse_wikiart_name"]

TASKS = ("genre", "style", "artist")
SPLITS = ("train", "val")
_YEAR = re.compile(r"-(\d{4})$")
_LABEL_FILE = re.compile(r"^(genre|style|artist)_(class|train|val)(\.csv|\.txt)?$", re.IGNORECASE)


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


def find_label_files(root: str | os.PathLike) -> dict[tuple[str, str], Path]:
    """``{(task, kind): file}`` of the ArtGAN label files under ``root`` (kind: ``class``,
    ``train`` or ``val``), in any of the published layouts; the shallowest file wins.

    >>> find_label_files("WikiArt Dataset/")[("genre", "class")]   # doctest: +SKIP
    PosixPath('WikiArt Dataset/Genre/genre_class')
    """
    found: dict[tuple[str, str], Path] = {}
    for path in find_files(Path(root), _LABEL_FILE, max_depth=3):
        match = _LABEL_FILE.match(path.name)
        found.setdefault((match[1].lower(), match[2].lower()), path)
    return found


def _class_names(path: Path) -> dict[int, str]:
    """``{index: name}`` from a class list (``0 abstract_painting`` or ``0,abstract_painting``),
    underscores as spaces."""
    names = {}
    for line in path.read_text("utf-8", errors="replace").splitlines():
        index, _, name = line.strip().replace(",", " ", 1).partition(" ")
        if index.isdigit() and name.strip():
            names[int(index)] = name.strip().replace("_", " ")
    return names


def _index_rows(index_file: Path) -> tuple[list[tuple[str, int]], int, str]:
    """``(relative path, class index)`` of each line of an index file, the number of lines
    after its header that hold something, and the first of them. Lines are
    ``Style/file.jpg,3`` (genre, style) or ``Style/file.jpg,,3`` (ArtGAN's artist lists,
    under a header line ``(Path to image),, (Groundtruth class)``): the path first, the index
    the last field that is not empty. A first line whose index is not a number is a header."""
    rows, lines, first, started = [], 0, "", False
    with index_file.open(newline="", encoding="utf-8", errors="replace") as fh:
        for row in csv.reader(fh):
            fields = [f.strip() for f in row if f.strip()]
            if not fields:
                continue
            readable = len(fields) >= 2 and fields[-1].isdigit()
            header, started = not started and not readable, True
            if header:
                continue
            lines += 1
            first = first or ",".join(row).strip()
            if readable:
                rows.append((fields[0].replace("\\", "/"), int(fields[-1])))
    return rows, lines, first


def _read_labels(files: dict[tuple[str, str], Path], splits: tuple[str, ...]
                 ) -> tuple[dict[str, dict[str, str]], list[str]]:
    """``{relative path: {task: name}}`` from the index files of ``splits``, and notes on
    what could not be read: a task whose indices have no class file (its names left empty),
    an index file of which no line reads as ``path,index``."""
    labels: dict[str, dict[str, str]] = {}
    notes = []
    for task in TASKS:
        names = _class_names(files[(task, "class")]) if (task, "class") in files else {}
        indexed = [files[(task, s)] for s in splits if (task, s) in files]
        if indexed and not names and task != "style":  # style is the image's folder anyway
            notes.append(f"{task} labels without a {task}_class file: the {task} column keeps "
                         "no names (indices are not names)")
        for index_file in indexed:
            rows, lines, first = _index_rows(index_file)
            if lines and not rows:
                notes.append(f"no line of {index_file.parent.name}/{index_file.name} reads as "
                             f"'path,index' or 'path,,index' (it begins {first[:60]!r}): "
                             f"no {task} labels from it")
            for key, index in rows:
                entry = labels.setdefault(key, {})
                if index in names:
                    entry[task] = names[index]
    return labels, notes


#: The label files :func:`load_wikiart` looks for, as the repository names them.
EXPECTED = ("expected Genre/genre_train.csv, Genre/genre_val.csv and Genre/genre_class, "
            "Style/style_*.csv and style_class.txt, Artist/artist_train, artist_val and "
            "artist_class, in the folder or up to three folders down, or wikiart_csv/")


def _no_known_label(task: str, files: dict, splits: tuple[str, ...], notes: list[str]) -> str:
    """Why no work on disk has a known ``task`` label, in words."""
    if not any((task, s) in files for s in splits):
        return (f"labels={task!r}: no {task} index file ({task.capitalize()}/{task}_train, "
                f"{task}_val) for the split{'s' if len(splits) > 1 else ''} "
                f"{', '.join(splits)}: no work has a known {task}")
    said = any(f"{task} labels" in note for note in notes)  # why is said already
    return (f"labels={task!r}: no work on disk has a known {task} label"
            + ("" if said else f" (none of them is in the {task} lists with a name from "
               f"{task}_class)"))


def load_wikiart(
    root: str | os.PathLike,
    n: int | None = None,
    per_genre: int | None = None,
    *,
    labels: str = "genre",
    split: str | None = None,
    seed: int = 0,
    progress: bool = True,
) -> ImageCollection:
    """WikiArt under ``root``: the style folders and the ArtGAN label files, in any of their
    published layouts (see the module).

    ``labels``: the task that is the known ``genre`` (``"genre"``, ``"style"`` or
    ``"artist"``). ``split``: ``"train"`` or ``"val"`` (the index files' split), or None for
    both. ``per_genre`` / ``n``: a seeded sample fair across the ``genre`` column, among the
    images on disk. Without label files, every image under ``root`` is taken, its style from
    its folder. Listed images absent from disk, and images that cannot be read, are in
    ``.skipped``; one notice counts them.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"no such folder: {root}")
    if labels not in TASKS:
        raise ValueError(f"labels={labels!r}: WikiArt's label tasks are {', '.join(TASKS)}")
    files = find_label_files(root)
    splits = SPLITS if split is None else (split,)
    listed, notes = _read_labels(files, splits)
    if files and not listed:
        raise ValueError(f"the WikiArt label files under {root} list no image for the split"
                         f"{'s' if len(splits) > 1 else ''} {', '.join(splits)} (found: "
                         f"{', '.join(sorted(p.name for p in files.values()))})")
    if listed:
        images = image_folder(root, {p.split("/")[0] for p in listed if "/" in p})
        if images is None:
            raise ValueError(f"none of the {len(listed):,} images the WikiArt label files list "
                             f"is on disk under {root} (looked for their style folders, "
                             f"{', '.join(sorted({p.split('/')[0] for p in listed})[:3])} ..., "
                             f"in {root} and two folders down)")
        present = files_on_disk(images, {p.split("/")[0] for p in listed})
        paths = sorted(listed)
    else:
        images = root / "wikiart" if (root / "wikiart").is_dir() else root
        present = None
        paths = sorted(p.relative_to(images).as_posix() for p in images.rglob("*")
                       if p.suffix.lower() in IMAGE_EXTENSIONS)
        if not paths:
            raise ValueError(f"no WikiArt images or label files (genre_class, genre_train.csv "
                             f"...) in {root}")
        notes.append(f"no ArtGAN label files under {root} ({EXPECTED}): every image is taken, "
                     "its style from its folder, with no known genre")
    on_disk = [p for p in paths if present is None or p in present]
    absent = [(str(images / p), NOT_ON_DISK) for p in paths if present is not None
              and p not in present]
    table = pd.DataFrame({"wikiart_path": on_disk})
    known = [listed.get(p, {}) for p in on_disk]
    for task in TASKS:
        table[task] = [k.get(task) for k in known]
    table["style"] = [s if isinstance(s, str) and s else
                      (p.split("/")[0].replace("_", " ") if "/" in p else None)
                      for s, p in zip(table["style"], on_disk, strict=True)]
    if labels != "genre":
        table["wikiart_genre"], table["genre"] = table["genre"], table[labels]
    if listed and table["genre"].isna().all():
        notes.append(_no_known_label(labels, files, splits, notes))
    keep = fair_sample(table["genre"].tolist(), n, per_genre, seed)
    table = table.iloc[keep].reset_index(drop=True)
    parsed = [parse_wikiart_name(p) for p in table["wikiart_path"]]
    table["artist"] = [a if isinstance(a, str) and a else q["artist"]
                       for a, q in zip(table["artist"], parsed, strict=True)]
    table["title"] = [q["title"] for q in parsed]
    table["date"] = [q["date"] for q in parsed]
    col = ImageCollection.from_paths(
        [images / rel for rel in table["wikiart_path"]], metadata=table, root=images,
        extra_skipped=absent, progress=progress, name="wikiart", notice=False)
    return announce(col, notes)
