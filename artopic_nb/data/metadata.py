"""Joining a user's metadata table (CSV or DataFrame) to the image files of a folder.

Rows are matched to files by a key column (:data:`METADATA_KEYS`, the first present): a bare
file name or a path relative to the folder. Nothing is fatal: rows that match no image,
duplicates, ambiguous names, keys outside the folder and malformed CSV lines each become one
line of the issues table, with the row number and the problem.

Example
-------
>>> rows, issues, outside = join_metadata(files, folder, "labels.csv", allow_outside=False)  # doctest: +SKIP
>>> issues                                                                               # doctest: +SKIP
   row                          problem
0    3  no image named 'missing.jpg'
"""

from __future__ import annotations

import csv
import os
import posixpath
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["METADATA_KEYS", "join_metadata", "read_metadata_table", "relative_key", "rights_text"]

#: Column names accepted, in this order, as the file-name key of a metadata CSV.
METADATA_KEYS = ("file_name", "filename", "file", "image", "path")


def read_metadata_table(metadata: str | os.PathLike | pd.DataFrame
                        ) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """The metadata as a DataFrame (a CSV's cells as strings), and the malformed CSV lines
    left out as (-1, problem) pairs.

    Example
    -------
    >>> table, bad = read_metadata_table(pd.DataFrame({"file_name": ["a.jpg"]}))
    >>> table.file_name.tolist(), bad
    (['a.jpg'], [])
    """
    if isinstance(metadata, pd.DataFrame):
        return metadata.copy(), []
    bad: list[tuple[int, str]] = []

    def on_bad_line(fields: list[str]) -> None:
        preview = ",".join(fields)
        preview = preview if len(preview) <= 80 else preview[:77] + "..."
        bad.append((-1, f"malformed line left out ({len(fields)} fields): {preview!r}"))
        return None

    try:
        # utf-8-sig: spreadsheets often start a UTF-8 CSV with a byte-order mark, which
        # would otherwise become part of the first column's name.
        table = pd.read_csv(metadata, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                            engine="python", on_bad_lines=on_bad_line)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError,
            csv.Error) as exc:
        raise ValueError(f"could not read the metadata CSV {metadata}: {exc}") from None
    return table, bad


def relative_key(value: str, folder: Path) -> str | None:
    """``value`` as a normalised path relative to ``folder``, or None when it lies outside.

    The test is lexical (``a/../b`` is ``b``), so a file inside the folder that is a
    symbolic link to elsewhere still counts as inside.

    Example
    -------
    >>> relative_key("sub/../a.jpg", Path("art")), relative_key("../b.jpg", Path("art"))
    ('a.jpg', None)
    """
    if posixpath.isabs(value) or Path(value).is_absolute():
        for base in (folder.absolute(), folder.resolve()):
            try:
                return Path(os.path.normpath(value)).relative_to(base).as_posix()
            except ValueError:
                continue
        return None
    rel = posixpath.normpath(value)
    return None if rel == ".." or rel.startswith("../") else rel


def join_metadata(
    files: list[Path], folder: Path, metadata: str | os.PathLike | pd.DataFrame,
    allow_outside: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, list[Path]]:
    """Align metadata rows to ``files``.

    Returns (rows in file order, issues, extra files). Extra files are images named by a
    metadata row outside ``folder`` (only with ``allow_outside=True``); their rows follow
    those of ``files``.
    """
    table, issues = read_metadata_table(metadata)
    key = next((c for c in METADATA_KEYS if c in table.columns), None)
    if key is None:
        raise ValueError(
            f"the metadata has none of the key columns {METADATA_KEYS} to join on file names "
            f"(columns: {list(table.columns)})"
        )
    table = table.rename(columns={key: "_key"}).reset_index(drop=True)
    by_relative = {f.relative_to(folder).as_posix(): i for i, f in enumerate(files)}
    by_name: dict[str, list[int]] = {}
    for i, f in enumerate(files):
        by_name.setdefault(f.name, []).append(i)
    extra: dict[Path, int] = {}  # outside file -> its index after ``files``
    row_of_file: dict[int, int] = {}
    for row, raw in enumerate(table["_key"]):
        value = "" if raw is None or (isinstance(raw, float) and np.isnan(raw)) else str(raw)
        value = value.strip().replace("\\", "/")
        if not value:
            issues.append((row, "empty file name"))
            continue
        if "\x00" in value:
            issues.append((row, f"invalid file name {value!r} (NUL character)"))
            continue
        rel = relative_key(value, folder)
        if rel is None:
            if not allow_outside:
                issues.append((row, f"path {value!r} points outside the collection's folder "
                                    "(pass allow_outside=True to accept it)"))
                continue
            target = Path(value) if Path(value).is_absolute() else folder / value
            target = Path(os.path.normpath(target))
            if not target.is_file():
                issues.append((row, f"no image at {value!r} (outside the collection's folder)"))
                continue
            matches = [len(files) + extra.setdefault(target, len(extra))]
        elif rel in by_relative:
            matches = [by_relative[rel]]
        else:
            matches = by_name.get(posixpath.basename(rel), [])
        if not matches:
            issues.append((row, f"no image named {value!r}"))
            continue
        if len(matches) > 1:
            issues.append((row, f"file name {value!r} is ambiguous ({len(matches)} images); "
                                "use a path relative to the folder"))
            continue
        if matches[0] in row_of_file:
            issues.append((row, f"duplicate row for {value!r} (row {row_of_file[matches[0]]} kept)"))
            continue
        row_of_file[matches[0]] = row
    columns = [c for c in table.columns if c != "_key"]
    order = [row_of_file.get(i, -1) for i in range(len(files) + len(extra))]
    aligned = table[columns].reindex(order).reset_index(drop=True)  # -1: a row of NaN
    for c in columns:  # empty CSV cells are missing values, not empty strings
        if aligned[c].dtype == object or pd.api.types.is_string_dtype(aligned[c]):
            aligned[c] = aligned[c].replace("", None)
    unmatched = len(files) - sum(1 for i in row_of_file if i < len(files))
    if unmatched:
        issues.append((-1, f"{unmatched} image(s) have no metadata row"))
    issues_frame = pd.DataFrame(issues, columns=["row", "problem"]).astype({"row": "int64"})
    return aligned, issues_frame, list(extra)


def rights_text(metadata: pd.DataFrame | None, i: int) -> str:
    """Work ``i``'s rights statement and attribution (as IIIF and other sources give them),
    joined, or "" when there are none."""
    if metadata is None or i not in metadata.index:
        return ""
    parts = [metadata.at[i, c] for c in ("rights", "attribution") if c in metadata.columns]
    return " · ".join(str(p).strip() for p in parts if isinstance(p, str) and p.strip())
