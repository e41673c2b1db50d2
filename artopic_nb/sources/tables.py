"""URL tables: a DataFrame or CSV with one row per work and a column of image URLs.

Museums' open-access programmes publish their collections as such tables. Each row's
image is downloaded (through :class:`~artopic_nb.sources.download.Downloader`: concurrent,
polite, cached, every failure in ``.skipped``); a value that is not an http(s) URL is read
as a local file path (relative to ``root``, or to the CSV's folder). Every other column is
kept as metadata; ``genre=`` names the column of known genres when it is not ``genre``.

Example
-------
>>> import artopic_nb as an
>>> col = an.from_csv("open_access.csv", url_column="primaryImageSmall")   # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..data.collection import BASE_COLUMNS, DEFAULT_MAX_PIXELS, ImageCollection
from ..data.metadata import read_metadata_table
from .download import Downloader, collection_from_files

__all__ = ["from_csv", "from_dataframe"]


def _is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def from_dataframe(
    df: pd.DataFrame,
    url: str = "url",
    *,
    genre: str | None = None,
    root: str | os.PathLike | None = None,
    name: str | None = None,
    cache_dir: str | os.PathLike | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    progress: bool = True,
    **download_options,
) -> ImageCollection:
    """A collection of the images named in column ``url`` of ``df`` (URLs or local paths).

    ``genre`` copies that column to ``genre`` (the known labels genre scoring uses).
    ``cache_dir`` and ``download_options`` go to
    :class:`~artopic_nb.sources.download.Downloader`. Rows without a URL, and images that
    cannot be had, are listed in ``.skipped``.
    """
    if url not in df.columns:
        raise ValueError(f"the table has no column {url!r} (columns: {list(df.columns)}); "
                       "name the column of image URLs with url= (CLI: --url-column)")
    metadata = df.reset_index(drop=True).copy()
    values = ["" if pd.isna(v) else str(v).strip() for v in metadata[url]]
    if url in BASE_COLUMNS:  # the collection fills that column itself: keep the URL as url
        metadata["url"] = values
    if genre is not None:
        metadata["genre"] = metadata[genre]
    remote = [v for v in values if _is_url(v)]
    with Downloader(cache_dir, max_pixels=max_pixels, progress=progress,
                    **download_options) as downloader:
        fetched = dict(zip(remote, downloader.fetch_images(remote), strict=True))
    base = Path(root) if root is not None else Path()
    files: list[Path | None] = []
    skipped: list[tuple[str, str, str]] = []
    for row, value in enumerate(values):
        if not value:
            files.append(None)
            skipped.append((f"row {row}", f"no URL in column {url!r}", "row"))
        elif value in fetched:
            files.append(fetched[value].path)
            if not fetched[value].ok:
                skipped.append((value, fetched[value].reason))
        else:
            files.append(base / value)
    return collection_from_files(files, values, metadata, skipped, name=name or "urls",
                                 max_pixels=max_pixels, progress=progress)


def from_csv(path: str | os.PathLike, url_column: str = "url", **kwargs) -> ImageCollection:
    """:func:`from_dataframe` of a CSV file (UTF-8, a byte-order mark allowed).

    Local paths in ``url_column`` are relative to the CSV's folder; malformed lines are
    left out and listed in ``.metadata_issues``.
    """
    path = Path(path)
    table, problems = read_metadata_table(path)
    for column in table.columns:  # an empty cell is a missing value, not an empty string
        table[column] = table[column].replace("", None)
    kwargs.setdefault("root", path.parent)
    kwargs.setdefault("name", path.stem)
    col = from_dataframe(table, url_column, **kwargs)
    if problems:
        col.metadata_issues = pd.DataFrame(problems, columns=["row", "problem"])
    return col
