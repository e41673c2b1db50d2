"""ImageCollection: the images of a study, their metadata, and what could not be read.

An :class:`ImageCollection` gives every readable image a stable integer id ``0..n-1``
(files sorted by their path), a SHA-256 content hash (the key of every cache entry),
its size, and the user's metadata joined on the file name. Files that cannot be used
(zero bytes, truncated, corrupt, not an image, over the pixel limit, unreadable) are not
fatal: they are listed in :attr:`ImageCollection.skipped` with the reason, and the run
goes on.

Example
-------
>>> import artopic_nb as an
>>> col = an.load_folder("my_art/", metadata="labels.csv")   # doctest: +SKIP
>>> col.skipped                                               # doctest: +SKIP
>>> col.image(0)                                              # doctest: +SKIP

Reading and decoding files is in :mod:`artopic_nb.data.images`, joining a metadata table in
:mod:`artopic_nb.data.metadata`; their public names stay importable from here.
"""

from __future__ import annotations

import copy
import html
import io
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from PIL import Image

from .cache import Cache, make_key
from .dates import add_date_columns
from .file_index import probe_files
from .images import (
    DECODE_VERSION,
    DEFAULT_MAX_PIXELS,
    IMAGE_EXTENSIONS,
    ImageLoadError,
    ThumbnailMemory,
    check_jpeg,
    display_path,
    find_image_files,
    load_image,
    to_rgb,
    to_srgb,
)
from .metadata import METADATA_KEYS, join_metadata
from .skips import notify, skip_notice

__all__ = ["BASE_COLUMNS", "DECODE_VERSION", "DEFAULT_MAX_PIXELS", "IMAGE_EXTENSIONS", "METADATA_KEYS",
           "ImageCollection", "ImageLoadError", "load_folder", "load_image", "to_rgb", "to_srgb"]

#: The columns every collection's metadata has, filled by the collection itself.
BASE_COLUMNS = ["path", "file_name", "hash", "width", "height"]
#: Bound of the in-memory thumbnail cache of each collection (the least recently used go).
THUMBNAIL_MEMORY_BYTES = 64 * 1024 * 1024


class ImageCollection:
    """A set of readable images with stable ids, content hashes and metadata.

    Build one with :meth:`from_folder`, :meth:`from_paths` or :meth:`from_dataframe`
    (or :func:`artopic_nb.load_folder`). Attributes:

    ``metadata``
        DataFrame indexed by id (``0..n-1``) with ``path``, ``file_name``, ``hash``,
        ``width``, ``height``, every metadata column given, and ``date_start``, ``date_end``
        (years) read from its date column (``date``, ``navDate`` ...: :mod:`~artopic_nb.data.dates`).
    ``skipped``
        DataFrame(path, reason) of files left out.
    ``duplicates``
        DataFrame(hash, ids, paths) of images whose bytes are identical (all are kept).
    ``metadata_issues``
        DataFrame(row, problem) of metadata rows that matched no image, duplicates, ...
    ``cache``
        The :class:`~artopic_nb.data.cache.Cache` its thumbnails are kept in (``cache_dir``; none
        by default). :meth:`thumbnail_bytes` takes another one per call, and
        :meth:`with_cache` gives a copy with another one: a :class:`~artopic_nb.Study`
        keeps thumbnails in its own cache without changing the collection it was given.

    Example
    -------
    >>> col = ImageCollection.from_folder("my_art/", "labels.csv")   # doctest: +SKIP
    >>> len(col), col.metadata.columns.tolist()[:5]                  # doctest: +SKIP
    (24, ['path', 'file_name', 'hash', 'width', 'height'])
    """

    def __init__(
        self,
        metadata: pd.DataFrame,
        skipped: pd.DataFrame | None = None,
        metadata_issues: pd.DataFrame | None = None,
        root: str | os.PathLike | None = None,
        cache_dir: str | os.PathLike | None = None,
        max_pixels: int = DEFAULT_MAX_PIXELS,
        name: str | None = None,
    ):
        missing = [c for c in BASE_COLUMNS if c not in metadata.columns]
        if missing:
            raise ValueError(f"metadata lacks the columns {missing}; build collections with "
                             "ImageCollection.from_folder / from_paths / from_dataframe")
        # date_start, date_end from its date column (artopic_nb.data.dates), said when unread
        self.metadata = add_date_columns(metadata.reset_index(drop=True))
        self.metadata.index.name = "id"
        self.skipped = (skipped if skipped is not None else _empty_skipped()).reset_index(drop=True)
        self.metadata_issues = (
            metadata_issues if metadata_issues is not None
            else pd.DataFrame({"row": pd.Series(dtype="object"), "problem": pd.Series(dtype="str")})
        )
        self.root = None if root is None else Path(root)
        self.cache = Cache(cache_dir)
        self.max_pixels = max_pixels
        self.name = name or (self.root.name if self.root else "collection")
        self.notes: list[str] = []  # what its source did (which rule, how many it took)
        self._thumbs = ThumbnailMemory()  # shared with the with_cache copies

    # -- construction -----------------------------------------------------------------------
    @classmethod
    def from_paths(
        cls,
        paths: Iterable[str | os.PathLike],
        *,
        metadata: pd.DataFrame | None = None,
        root: str | os.PathLike | None = None,
        cache_dir: str | os.PathLike | None = None,
        max_pixels: int = DEFAULT_MAX_PIXELS,
        extra_skipped: Sequence[tuple[str, str]] = (),
        progress: bool = True,
        name: str | None = None,
        notice: bool = True,
    ) -> ImageCollection:
        """A collection of the given image files, in the order given.

        ``metadata`` (optional) has one row per path, in the same order. Unreadable files
        are skipped and reported in ``.skipped``, their metadata rows dropped, and one
        notice counts them by reason (``notice=False``: the caller says it in its words).

        Example
        -------
        >>> col = ImageCollection.from_paths(["a.jpg", "b.png"], progress=False)  # doctest: +SKIP
        >>> col.skipped                                                           # doctest: +SKIP
        """
        paths = [Path(p) for p in paths]
        if metadata is not None and len(metadata) != len(paths):
            raise ValueError(f"metadata has {len(metadata)} rows for {len(paths)} paths")
        probes = probe_files(paths, max_pixels, progress)
        keep = [i for i, p in enumerate(probes) if p.reason is None]
        skipped = pd.DataFrame(
            list(extra_skipped) + [(display_path(p.path), p.reason) for p in probes if p.reason],
            columns=["path", "reason"],
        )
        table = pd.DataFrame({
            "path": [str(probes[i].path) for i in keep],
            "file_name": [probes[i].path.name for i in keep],
            "hash": [probes[i].hash for i in keep],
            "width": np.array([probes[i].width for i in keep], dtype=np.int64),
            "height": np.array([probes[i].height for i in keep], dtype=np.int64),
        })
        if metadata is not None:
            extra = metadata.iloc[keep].reset_index(drop=True)
            extra = extra.drop(columns=[c for c in BASE_COLUMNS if c in extra.columns])
            table = pd.concat([table, extra], axis=1)
        if notice and not skipped.empty:
            notify(f"{skip_notice(skipped)}; see the collection's .skipped report")
        return cls(table, skipped, root=root, cache_dir=cache_dir, max_pixels=max_pixels, name=name)

    @classmethod
    def from_folder(
        cls,
        folder: str | os.PathLike,
        metadata: str | os.PathLike | pd.DataFrame | None = None,
        *,
        recursive: bool = True,
        allow_outside: bool = False,
        cache_dir: str | os.PathLike | None = None,
        max_pixels: int = DEFAULT_MAX_PIXELS,
        progress: bool = True,
    ) -> ImageCollection:
        """All images under ``folder`` (jpg, jpeg, png, webp, tif, tiff, bmp, gif).

        ``metadata`` is a CSV path or DataFrame joined on file name: its key column is the
        first of ``file_name``, ``filename``, ``file``, ``image``, ``path`` present. A key
        may be a bare file name or a path relative to ``folder``. Rows matching no image,
        and duplicate rows (the first is kept), are listed in ``.metadata_issues``; so are
        malformed CSV lines (too many fields), which are left out. A key pointing outside
        ``folder`` (``../x.jpg``, an absolute path elsewhere) is rejected unless
        ``allow_outside=True``, which adds the image it names to the collection (after the
        images of the folder).

        Raises ``FileNotFoundError`` when ``folder`` is not a folder and ``ValueError`` when
        it holds no image files.

        Example
        -------
        >>> col = ImageCollection.from_folder("my_art/", "labels.csv", recursive=False)  # doctest: +SKIP
        >>> col.metadata_issues                                                        # doctest: +SKIP
        """
        folder = Path(folder)
        if not folder.is_dir():
            raise FileNotFoundError(f"no such folder: {folder}")
        files, problems = find_image_files(folder, recursive)
        if not files:
            raise ValueError(
                f"no images found in {folder} (looked for {', '.join(sorted(IMAGE_EXTENSIONS))}"
                f"{'' if recursive else ', not in subfolders'})"
            )
        files.sort(key=lambda p: p.relative_to(folder).as_posix())
        table, issues = None, None
        if metadata is not None:
            table, issues, outside = join_metadata(files, folder, metadata, allow_outside)
            files = files + outside
        col = cls.from_paths(
            files, metadata=table, root=folder, cache_dir=cache_dir, max_pixels=max_pixels,
            extra_skipped=problems, progress=progress, name=folder.resolve().name,
        )
        if issues is not None:
            col.metadata_issues = issues
            if not issues.empty:
                notify(f"{len(issues)} metadata row(s) could not be used; see .metadata_issues")
        return col

    @classmethod
    def from_dataframe(
        cls, df: pd.DataFrame, path_column: str = "path", **kwargs: Any
    ) -> ImageCollection:
        """A collection from a DataFrame with one row per image and a column of file paths;
        the other columns become its metadata, ``kwargs`` go to :meth:`from_paths`.

        Example
        -------
        >>> df = pd.DataFrame({"path": ["art/a.jpg"], "genre": ["portrait"]})   # doctest: +SKIP
        >>> ImageCollection.from_dataframe(df).genres.tolist()                 # doctest: +SKIP
        ['portrait']
        """
        if path_column not in df.columns:
            raise KeyError(f"the DataFrame has no column {path_column!r} "
                           f"(columns: {list(df.columns)}); pass path_column=")
        meta = df.drop(columns=[path_column]).reset_index(drop=True)
        return cls.from_paths(df[path_column].tolist(), metadata=meta, **kwargs)

    # -- access ------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.metadata)

    @property
    def ids(self) -> np.ndarray:
        return np.arange(len(self), dtype=np.int64)

    @property
    def paths(self) -> list[Path]:
        return [Path(p) for p in self.metadata["path"]]

    @property
    def hashes(self) -> list[str]:
        return self.metadata["hash"].tolist()

    @property
    def genres(self) -> pd.Series | None:
        """Known genre labels by id (blank ones as None), or None when no work has one."""
        if "genre" not in self.metadata.columns:
            return None
        genres = self.metadata["genre"].astype(object)
        genres = genres.map(lambda g: None if pd.isna(g) or not str(g).strip() else g)
        return genres if genres.notna().any() else None

    @property
    def duplicates(self) -> pd.DataFrame:
        groups = self.metadata.groupby("hash", sort=False).groups
        rows = [
            {"hash": h, "ids": list(map(int, ids)),
             "paths": self.metadata.loc[ids, "path"].tolist()}
            for h, ids in groups.items() if len(ids) > 1
        ]
        return pd.DataFrame(rows, columns=["hash", "ids", "paths"])

    def image(self, i: int, max_size: int | None = None, min_side: int | None = None
              ) -> Image.Image:
        """Image ``i`` as RGB; ``max_size`` bounds its longer side, ``min_side`` lets a JPEG
        decode faster at reduced scale while keeping its shorter side at least that long.

        Example
        -------
        >>> col.image(0, max_size=512).mode             # doctest: +SKIP
        'RGB'
        """
        return load_image(self.metadata.at[int(i), "path"], max_size, self.max_pixels, min_side)

    def thumbnail(self, i: int, size: int = 256, cache: Cache | None = None) -> Image.Image:
        """A thumbnail of image ``i`` no larger than ``size`` pixels (RGB); ``cache`` as in
        :meth:`thumbnail_bytes`.

        Example
        -------
        >>> col.thumbnail(0, size=128).size             # doctest: +SKIP
        (128, 96)
        """
        return Image.open(io.BytesIO(self.thumbnail_bytes(i, size, cache))).convert("RGB")

    def thumbnail_bytes(self, i: int, size: int = 256, cache: Cache | None = None) -> bytes:
        """A JPEG thumbnail of image ``i``, cached in memory and on disk.

        On disk in ``cache`` when given (a study's cache, say), else in the collection's own
        :attr:`cache`; the collection itself is not changed. The memory cache keeps the most
        recently used thumbnails up to ``THUMBNAIL_MEMORY_BYTES`` in all; a damaged
        thumbnail on disk is recomputed.

        Example
        -------
        >>> jpeg = col.thumbnail_bytes(0, 96, cache=study.cache)   # doctest: +SKIP
        >>> jpeg[:2]                                                # doctest: +SKIP
        b'\\xff\\xd8'
        """
        i, size = int(i), int(size)
        data = self._thumbs.get((i, size))
        if data is not None:
            return data
        cache = self.cache if cache is None else cache
        key = make_key(self.metadata.at[i, "hash"], "thumbnail", size, DECODE_VERSION)
        data = cache.get_bytes("thumbnails", key, "jpg", validate=check_jpeg)
        if data is None:
            buf = io.BytesIO()
            self.image(i, max_size=size).save(buf, format="JPEG", quality=85)
            data = buf.getvalue()
            cache.put_bytes("thumbnails", key, "jpg", data)
        self._thumbs.put((i, size), data, THUMBNAIL_MEMORY_BYTES)
        return data

    def with_cache(self, cache: Cache | str | os.PathLike | None) -> ImageCollection:
        """A shallow copy that keeps its thumbnails in ``cache`` (a :class:`~artopic_nb.data.cache.
        Cache` or a folder; None: none on disk); ``self`` is not changed.

        The copy shares the metadata, the reports and the thumbnails in memory with
        ``self``: it is the same images, seen through another cache.

        Example
        -------
        >>> images = col.with_cache(study.cache)        # doctest: +SKIP
        >>> images.cache is study.cache, col.cache is study.cache   # doctest: +SKIP
        (True, False)
        """
        other = copy.copy(self)
        other.cache = cache if isinstance(cache, Cache) else Cache(cache)
        return other

    def subset(self, ids: Sequence[int]) -> ImageCollection:
        """A new collection of the given ids (renumbered from 0, in the order given), on the
        same cache.

        Example
        -------
        >>> col.subset([5, 2]).metadata.file_name.tolist()   # doctest: +SKIP
        ['36029.jpg', '11417.jpg']
        """
        sub = ImageCollection(
            self.metadata.loc[list(ids)], root=self.root, max_pixels=self.max_pixels,
            name=self.name,
        )
        sub.cache = self.cache
        return sub

    def __repr__(self) -> str:
        return (f"ImageCollection({self.name!r}, {len(self)} images, "
                f"{len(self.skipped)} skipped, {len(self.duplicates)} duplicate groups)")

    def _repr_html_(self) -> str:
        import base64

        tiles = "".join(
            f'<img src="data:image/jpeg;base64,{base64.b64encode(self.thumbnail_bytes(i, 96)).decode()}"'
            f' title="{html.escape(str(self.metadata.at[i, "title"] if "title" in self.metadata else self.metadata.at[i, "file_name"]))}"'
            ' style="height:72px;margin:2px">'
            for i in range(min(12, len(self)))
        )
        cols = ", ".join(html.escape(c) for c in self.metadata.columns)
        return (f"<div><b>{html.escape(repr(self))}</b><br><small>columns: {cols}</small>"
                f"<div>{tiles}</div></div>")


def _empty_skipped() -> pd.DataFrame:
    return pd.DataFrame({"path": pd.Series(dtype="str"), "reason": pd.Series(dtype="str")})


def load_folder(folder: str | os.PathLike,
                metadata: str | os.PathLike | pd.DataFrame | None = None,
                **kwargs: Any) -> ImageCollection:
    """Shortcut for :meth:`ImageCollection.from_folder` (``kwargs`` are its keyword options).

    Example
    -------
    >>> col = load_folder("my_art/", metadata="labels.csv", cache_dir=".artopic")  # doctest: +SKIP
    """
    return ImageCollection.from_folder(folder, metadata, **kwargs)
