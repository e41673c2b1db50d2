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
"""

from __future__ import annotations

import csv
import functools
import hashlib
import html
import io
import os
import posixpath
import stat
import threading
import warnings
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image, ImageOps, UnidentifiedImageError
from tqdm.auto import tqdm

from .cache import Cache, make_key

__all__ = [
    "IMAGE_EXTENSIONS",
    "DEFAULT_MAX_PIXELS",
    "ImageCollection",
    "ImageLoadError",
    "load_folder",
    "load_image",
    "to_rgb",
]

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp", ".gif"})
#: Images with more pixels than this are refused (decompression-bomb guard): 100 megapixels.
DEFAULT_MAX_PIXELS = 100_000_000
#: Part of every cache key built from decoded pixels; bumped when decoding changes them
#: (2: embedded colour profiles converted to sRGB).
DECODE_VERSION = 2
#: Column names accepted, in this order, as the file-name key of a metadata CSV.
METADATA_KEYS = ("file_name", "filename", "file", "image", "path")
_BASE_COLUMNS = ["path", "file_name", "hash", "width", "height"]
#: Bound of the in-memory thumbnail cache of each collection (the least recently used go).
THUMBNAIL_MEMORY_BYTES = 64 * 1024 * 1024


class ImageLoadError(Exception):
    """An image file that cannot be used; ``reason`` says why in a few words."""

    def __init__(self, path: str | os.PathLike, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@functools.lru_cache(maxsize=1)
def _srgb_profile():
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def to_srgb(image: Image.Image) -> Image.Image:
    """Convert an RGB, CMYK or greyscale image with an embedded colour profile to sRGB.

    Museum photography is often tagged Adobe RGB or a print (CMYK) profile; read as if it
    were sRGB its colours come out dull or shifted, for the models as for the eye. An image
    without a profile, already sRGB, or with a profile that cannot be read is returned as is.
    """
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "CMYK", "L"):
        return image
    from PIL import ImageCms

    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" in ImageCms.getProfileDescription(source).lower().replace(" ", ""):
            return image
        return ImageCms.profileToProfile(image, source, _srgb_profile(), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a damaged profile: the pixels are still usable as they are


def to_rgb(image: Image.Image) -> Image.Image:
    """Convert any PIL mode to 8-bit RGB (through an embedded colour profile, if any).

    Transparency (RGBA, LA, palette with a transparent colour) is composited on white,
    16-bit and 32-bit greyscale are rescaled to 0..255 rather than clipped (float images
    whose values lie in 0..1 are read as such), CMYK, YCbCr, LAB and the rest go through
    PIL's own conversion.
    """
    image = to_srgb(image)
    if image.mode == "RGB":
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        arr = np.nan_to_num(np.asarray(image, dtype=np.float64), nan=0.0, posinf=0.0, neginf=0.0)
        peak = float(arr.max(initial=0))
        if image.mode.startswith("I;16"):
            top = 65535.0
        elif image.mode == "F" and peak <= 1.0:
            top = 1.0
        elif peak <= 255:
            top = 255.0
        elif peak <= 65535:
            top = 65535.0
        else:
            top = peak
        arr = np.clip(arr / top * 255.0, 0, 255).round().astype(np.uint8)
        return Image.fromarray(arr).convert("RGB")
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def _open_checked(data: bytes, path: str | os.PathLike, max_pixels: int) -> Image.Image:
    """Open image bytes with PIL, refusing empty files, non-images and pixel bombs."""
    if not data:
        raise ImageLoadError(path, "empty file (0 bytes)")
    try:
        # No warnings.catch_warnings() here: it is not thread-safe, and images are probed
        # from a thread pool. PIL raises DecompressionBombError beyond twice its own
        # MAX_IMAGE_PIXELS; the check below applies ``max_pixels``.
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise ImageLoadError(path, f"over the pixel limit ({exc})") from None
    except UnidentifiedImageError:
        raise ImageLoadError(path, "not an image (unrecognised format)") from None
    except Exception as exc:  # PIL raises many types on malformed headers
        if "truncated" in str(exc).lower():  # the file ends inside its header
            raise ImageLoadError(path, "truncated file") from None
        raise ImageLoadError(path, f"corrupt header ({type(exc).__name__}: {exc})") from None
    width, height = image.size
    if width * height > max_pixels:
        raise ImageLoadError(
            path, f"over the pixel limit ({width}x{height} > {max_pixels:,} pixels)"
        )
    return image


def _decode(image: Image.Image, path, max_size: int | None, min_side: int | None = None
            ) -> Image.Image:
    """Fully decode (truncation shows here), apply EXIF orientation, convert to RGB."""
    try:
        if image.format == "JPEG" and (max_size or min_side):
            # JPEG DCT scaling: a much faster decode at 1/2, 1/4 or 1/8 scale that keeps
            # both sides at least as large as requested
            request = min(x for x in (max_size, min_side) if x)
            image.draft("RGB", (request, request))
        image.load()
        image = ImageOps.exif_transpose(image)
    except OSError as exc:
        reason = "truncated file" if "truncated" in str(exc).lower() else f"corrupt data ({exc})"
        raise ImageLoadError(path, reason) from None
    except Exception as exc:
        raise ImageLoadError(path, f"corrupt data ({type(exc).__name__}: {exc})") from None
    try:
        image = to_rgb(image)
        if max_size is not None and max(image.size) > max_size:
            image.thumbnail((max_size, max_size), Image.Resampling.BICUBIC)
    except OSError as exc:  # lazy decoders (some TIFFs) fail only here
        raise ImageLoadError(path, f"corrupt data ({exc})") from None
    except Exception as exc:
        raise ImageLoadError(
            path, f"unsupported image mode {image.mode!r} ({type(exc).__name__}: {exc})"
        ) from None
    return image


def load_image(
    path: str | os.PathLike, max_size: int | None = None, max_pixels: int = DEFAULT_MAX_PIXELS,
    min_side: int | None = None,
) -> Image.Image:
    """Load one image as RGB (EXIF-rotated, first frame), or raise :class:`ImageLoadError`.

    ``max_size`` bounds the longer side (JPEGs are decoded at reduced scale, which is fast).
    ``min_side`` lets a JPEG decode at reduced scale as long as its shorter side stays at
    least that long (what a model's preprocessing resizes to anyway).
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ImageLoadError(path, f"unreadable ({exc.strerror or exc})") from None
    return _decode(_open_checked(data, path, max_pixels), path, max_size, min_side)


@dataclass
class _Probe:
    path: Path
    hash: str | None = None
    width: int = 0
    height: int = 0
    reason: str | None = None


def _display_path(path: str | os.PathLike) -> str:
    """``path`` as valid Unicode text: undecodable bytes of a file name shown as ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _probe(path: Path, max_pixels: int) -> _Probe:
    """Hash a file and check that it decodes completely (at a small scale, for speed)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        # Such a name cannot go into a DataFrame (pandas stores strings as UTF-8), a
        # parquet file, JSON or HTML; skipping it openly beats failing later on save.
        return _Probe(path, reason="file name is not valid UTF-8; rename the file "
                                   "(e.g. convmv -f latin1 -t utf8)")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            return _Probe(path, reason="not a regular file")
        data = path.read_bytes()
    except OSError as exc:
        return _Probe(path, reason=f"unreadable ({exc.strerror or exc})")
    try:
        image = _open_checked(data, path, max_pixels)
        width, height = image.size[::-1] if _has_rotation(image) else image.size
        _decode(image, path, max_size=64)
    except ImageLoadError as exc:
        return _Probe(path, reason=exc.reason)
    return _Probe(path, hashlib.sha256(data).hexdigest(), width, height)


def _has_rotation(image: Image.Image) -> bool:
    try:
        return image.getexif().get(0x0112, 1) in (5, 6, 7, 8)
    except Exception:
        return False


def _walk(folder: Path, recursive: bool) -> tuple[list[Path], list[tuple[str, str]]]:
    """Image files under ``folder`` and the (path, reason) of folders that could not be read.

    Symbolic links to folders are not followed, so a link loop cannot hang the walk.
    """
    problems: list[tuple[str, str]] = []

    def on_error(exc: OSError) -> None:
        problems.append((_display_path(exc.filename), f"unreadable folder ({exc.strerror or exc})"))

    files: list[Path] = []
    for root, dirs, names in os.walk(folder, onerror=on_error, followlinks=False):
        dirs.sort()
        if not recursive:
            dirs.clear()
        for name in names:
            if Path(name).suffix.lower() in IMAGE_EXTENSIONS:
                files.append(Path(root) / name)
    return files, problems


class ImageCollection:
    """A set of readable images with stable ids, content hashes and metadata.

    Build one with :meth:`from_folder`, :meth:`from_paths` or :meth:`from_dataframe`
    (or :func:`artopic_nb.load_folder`). Attributes:

    ``metadata``
        DataFrame indexed by id (``0..n-1``) with ``path``, ``file_name``, ``hash``,
        ``width``, ``height`` and every metadata column given.
    ``skipped``
        DataFrame(path, reason) of files left out.
    ``duplicates``
        DataFrame(hash, ids, paths) of images whose bytes are identical (all are kept).
    ``metadata_issues``
        DataFrame(row, problem) of metadata rows that matched no image, duplicates, ...
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
        missing = [c for c in _BASE_COLUMNS if c not in metadata.columns]
        if missing:
            raise ValueError(f"metadata lacks the columns {missing}; build collections with "
                             "ImageCollection.from_folder / from_paths / from_dataframe")
        self.metadata = metadata.reset_index(drop=True)
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
        self._thumbs: OrderedDict[tuple[int, int], bytes] = OrderedDict()  # LRU, in memory
        self._thumbs_bytes = 0
        self._thumbs_lock = threading.Lock()

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
    ) -> ImageCollection:
        """A collection of the given image files, in the order given.

        ``metadata`` (optional) has one row per path, in the same order. Unreadable files
        are skipped and reported in ``.skipped``; their metadata rows are dropped.
        """
        paths = [Path(p) for p in paths]
        if metadata is not None and len(metadata) != len(paths):
            raise ValueError(f"metadata has {len(metadata)} rows for {len(paths)} paths")
        workers = min(8, (os.cpu_count() or 1) + 2)
        with ThreadPoolExecutor(workers) as pool:
            probes = list(tqdm(
                pool.map(lambda p: _probe(p, max_pixels), paths), total=len(paths),
                desc="Reading images", unit="img", disable=not progress or len(paths) < 50,
            ))
        keep = [i for i, p in enumerate(probes) if p.reason is None]
        skipped = pd.DataFrame(
            list(extra_skipped) + [(_display_path(p.path), p.reason) for p in probes if p.reason],
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
            extra = extra.drop(columns=[c for c in _BASE_COLUMNS if c in extra.columns])
            table = pd.concat([table, extra], axis=1)
        if not skipped.empty:
            warnings.warn(
                f"{len(skipped)} file(s) skipped; see the collection's .skipped report "
                f"(first: {skipped.path[0]}: {skipped.reason[0]})", stacklevel=2,
            )
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
        """
        folder = Path(folder)
        if not folder.is_dir():
            raise FileNotFoundError(f"no such folder: {folder}")
        files, problems = _walk(folder, recursive)
        if not files:
            raise ValueError(
                f"no images found in {folder} (looked for {', '.join(sorted(IMAGE_EXTENSIONS))}"
                f"{'' if recursive else ', not in subfolders'})"
            )
        files.sort(key=lambda p: p.relative_to(folder).as_posix())
        table, issues = None, None
        if metadata is not None:
            table, issues, outside = _join_metadata(files, folder, metadata, allow_outside)
            files = files + outside
        col = cls.from_paths(
            files, metadata=table, root=folder, cache_dir=cache_dir, max_pixels=max_pixels,
            extra_skipped=problems, progress=progress, name=folder.resolve().name,
        )
        if issues is not None:
            col.metadata_issues = issues
            if not issues.empty:
                warnings.warn(
                    f"{len(issues)} metadata row(s) could not be used; see .metadata_issues",
                    stacklevel=2,
                )
        return col

    @classmethod
    def from_dataframe(
        cls, df: pd.DataFrame, path_column: str = "path", **kwargs
    ) -> ImageCollection:
        """A collection from a DataFrame with one row per image and a column of file paths."""
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
        """Known genre labels by id, or None when the metadata has no ``genre`` column."""
        return self.metadata["genre"] if "genre" in self.metadata.columns else None

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
        decode faster at reduced scale while keeping its shorter side at least that long."""
        return load_image(self.metadata.at[int(i), "path"], max_size, self.max_pixels, min_side)

    def thumbnail(self, i: int, size: int = 256) -> Image.Image:
        """A thumbnail of image ``i`` no larger than ``size`` pixels (RGB)."""
        return Image.open(io.BytesIO(self.thumbnail_bytes(i, size))).convert("RGB")

    def thumbnail_bytes(self, i: int, size: int = 256) -> bytes:
        """A JPEG thumbnail of image ``i``, cached in memory and in the on-disk cache.

        The memory cache keeps the most recently used thumbnails up to
        ``THUMBNAIL_MEMORY_BYTES`` in all; a damaged thumbnail on disk is recomputed.
        """
        i = int(i)
        with self._thumbs_lock:
            data = self._thumbs.get((i, size))
            if data is not None:
                self._thumbs.move_to_end((i, size))
                return data
        key = make_key(self.metadata.at[i, "hash"], "thumbnail", size, DECODE_VERSION)
        data = self.cache.get_bytes("thumbnails", key, "jpg", validate=_check_jpeg)
        if data is None:
            image = self.image(i, max_size=size)
            buf = io.BytesIO()
            image.save(buf, format="JPEG", quality=85)
            data = buf.getvalue()
            self.cache.put_bytes("thumbnails", key, "jpg", data)
        with self._thumbs_lock:
            if (i, size) not in self._thumbs:
                self._thumbs[(i, size)] = data
                self._thumbs_bytes += len(data)
            while self._thumbs_bytes > THUMBNAIL_MEMORY_BYTES and len(self._thumbs) > 1:
                _, old = self._thumbs.popitem(last=False)
                self._thumbs_bytes -= len(old)
        return data

    def subset(self, ids: Sequence[int]) -> ImageCollection:
        """A new collection of the given ids (renumbered from 0, in the order given)."""
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


def _check_jpeg(data: bytes) -> None:
    """Raise when ``data`` is not a complete JPEG (a damaged cached thumbnail)."""
    if not data.startswith(b"\xff\xd8") or not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise ValueError("not a complete JPEG")
    with Image.open(io.BytesIO(data)) as image:
        image.load()


def _empty_skipped() -> pd.DataFrame:
    return pd.DataFrame({"path": pd.Series(dtype="str"), "reason": pd.Series(dtype="str")})


def _read_metadata_table(metadata) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """The metadata as a DataFrame of strings, and the malformed CSV lines left out."""
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


def _relative_key(value: str, folder: Path) -> str | None:
    """``value`` as a normalised path relative to ``folder``, or None when it lies outside.

    The test is lexical (``a/../b`` is ``b``), so a file inside the folder that is a
    symbolic link to elsewhere still counts as inside.
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


def _join_metadata(
    files: list[Path], folder: Path, metadata, allow_outside: bool
) -> tuple[pd.DataFrame, pd.DataFrame, list[Path]]:
    """Align metadata rows to ``files``.

    Returns (rows in file order, issues, extra files). Extra files are images named by a
    metadata row outside ``folder`` (only with ``allow_outside=True``); their rows follow
    those of ``files``.
    """
    table, issues = _read_metadata_table(metadata)
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
        rel = _relative_key(value, folder)
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


def load_folder(folder, metadata=None, **kwargs) -> ImageCollection:
    """Shortcut for :meth:`ImageCollection.from_folder`."""
    return ImageCollection.from_folder(folder, metadata, **kwargs)
