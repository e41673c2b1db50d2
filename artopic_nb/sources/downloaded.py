"""Downloaded files: where they land, what they must be to be kept, the collection of them.

:class:`DownloadCache` is a folder where a URL's bytes are stored in a file named by the
SHA-256 of the URL, beside a small JSON record of the URL and the SHA-256 of the bytes
(checked on every read, so a damaged file is fetched again). :class:`Fetched` is what became
of one URL. :func:`check_image` and :func:`check_json` accept a download's bytes or refuse
them with a reason (:class:`_Refused`, which the skipped report lists), and
:func:`collection_from_files` makes the :class:`~artopic_nb.data.collection.ImageCollection` of
the files. The fetching itself is :class:`~artopic_nb.sources.download.Downloader`; every
name here is importable from :mod:`artopic_nb.sources.download` too.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..data.cache import atomic_write_bytes
from ..data.collection import DEFAULT_MAX_PIXELS, ImageCollection, ImageLoadError
from ..data.images import open_checked
from ..data.skips import notify, plural, skip_notice

__all__ = ["DownloadCache", "Fetched", "check_image", "check_json", "collection_from_files",
           "default_cache_dir"]

_SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "TIFF": ".tif", "GIF": ".gif",
             "BMP": ".bmp", "JPEG2000": ".jp2"}


def default_cache_dir() -> Path:
    """``$ARTOPIC_DOWNLOAD_DIR``, else ``$XDG_CACHE_HOME/artopic_nb/downloads``, else
    ``~/.cache/artopic_nb/downloads``."""
    if os.environ.get("ARTOPIC_DOWNLOAD_DIR"):
        return Path(os.environ["ARTOPIC_DOWNLOAD_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "artopic_nb" / "downloads"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Fetched:
    """What became of one URL: its cached file and the bytes' SHA-256, or why not."""

    url: str
    path: Path | None = None
    sha256: str | None = None
    reason: str | None = None
    from_cache: bool = False

    @property
    def ok(self) -> bool:
        return self.reason is None


class DownloadCache:
    """A folder of downloaded files, keyed by URL (file named by the URL's SHA-256).

    ``<folder>/<h[:2]>/<h><suffix>`` holds the bytes and ``<folder>/<h[:2]>/<h>.record.json``
    the record ``{"url", "file", "sha256", "bytes"}``, written after the bytes (both atomically),
    so a killed download leaves no record and is fetched again. :meth:`store_blob` keeps
    bytes that have no URL (a dataset's images), named by the SHA-256 of the bytes.
    ``<h>.failed.json`` remembers a lasting failure (:meth:`remember_failure`: a 404 or 410,
    a body that is not an image, a file over a limit) so that a rerun does not ask again.
    """

    def __init__(self, folder: str | os.PathLike | None = None):
        self.folder = Path(folder) if folder is not None else default_cache_dir()

    def _record_path(self, url: str) -> Path:
        h = _sha256(url.encode("utf-8"))
        return self.folder / h[:2] / f"{h}.record.json"

    def lookup(self, url: str) -> tuple[Path, str] | None:
        """(file, bytes' SHA-256) of ``url`` when cached and intact, else None."""
        record_path = self._record_path(url)
        try:
            record = json.loads(record_path.read_text("utf-8"))
            path = record_path.parent / record["file"]
            data = path.read_bytes()
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if record.get("url") != url or _sha256(data) != record.get("sha256"):
            return None  # damaged or overwritten: fetch again
        return path, record["sha256"]

    def store(self, url: str, data: bytes, suffix: str = "") -> tuple[Path, str]:
        """Keep ``data`` as the content of ``url``; returns (file, bytes' SHA-256)."""
        record_path = self._record_path(url)
        path = record_path.parent / (record_path.name.split(".")[0] + (suffix or ".bin"))
        digest = _sha256(data)
        atomic_write_bytes(path, data, fsync=False)
        record = {"url": url, "file": path.name, "sha256": digest, "bytes": len(data)}
        atomic_write_bytes(record_path, json.dumps(record).encode("utf-8"), fsync=False)
        return path, digest

    def remember_failure(self, url: str, reason: str, limits: dict | None = None) -> None:
        """Keep ``url``'s lasting failure and when it happened; ``limits`` (``max_bytes``,
        ``max_pixels``) are those it failed under: a larger limit later tries again."""
        record = {"url": url, "reason": reason, "time": time.time(), "limits": limits or {}}
        atomic_write_bytes(self._record_path(url).with_suffix("").with_suffix(".failed.json"),
                           json.dumps(record).encode("utf-8"), fsync=False)

    def known_failure(self, url: str, max_age: float, limits: dict | None = None
                      ) -> tuple[str, float] | None:
        """(reason, time) of ``url``'s failure remembered less than ``max_age`` seconds ago,
        under limits no larger than ``limits``; else None."""
        path = self._record_path(url).with_suffix("").with_suffix(".failed.json")
        try:
            record = json.loads(path.read_text("utf-8"))
            reason, when = str(record["reason"]), float(record["time"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        raised = any((limits or {}).get(k, 0) > v for k, v in (record.get("limits") or {}).items())
        if record.get("url") != url or raised or not 0 <= time.time() - when < max_age:
            return None
        return reason, when

    def forget_failure(self, url: str) -> None:
        self._record_path(url).with_suffix("").with_suffix(".failed.json").unlink(missing_ok=True)

    def store_blob(self, data: bytes, suffix: str = "") -> Path:
        """Keep ``data`` under the SHA-256 of the bytes (content-addressed); returns the file."""
        digest = _sha256(data)
        path = self.folder / "blobs" / digest[:2] / f"{digest}{suffix}"
        if not (path.exists() and path.stat().st_size == len(data)):
            atomic_write_bytes(path, data, fsync=False)
        return path


class _Refused(Exception):
    """A URL given up on; ``reason`` goes into the skipped report. ``limits``: the failure
    lasts (a 404, not an image, over a limit: remembered), under these limits (``{}``
    when none applies); None for a passing one (429, 5xx, a timeout: not remembered)."""

    def __init__(self, reason: str, limits: dict | None = None):
        super().__init__(reason)
        self.reason = reason
        self.limits = limits


def check_image(max_pixels: int) -> Callable[[bytes, str], str]:
    """A check of downloaded bytes: an image within ``max_pixels``; returns its file suffix."""

    def check(data: bytes, content_type: str) -> str:
        try:
            image = open_checked(data, "download", max_pixels)
        except ImageLoadError as exc:
            if exc.reason.startswith("not an image") and content_type:
                raise _Refused(f"not an image ({content_type.split(';')[0]} body)", {}) from None
            lasting = {} if exc.reason.startswith("not an image") else \
                {"max_pixels": max_pixels} if exc.reason.startswith("over the pixel limit") else None
            raise _Refused(exc.reason, lasting) from None
        return _SUFFIXES.get(image.format or "", ".img")

    return check


def check_json(data: bytes, content_type: str) -> str:
    """A check of downloaded bytes: a JSON document."""
    try:
        json.loads(data)
    except ValueError:
        kind = content_type.split(";")[0] or "unknown type"
        raise _Refused(f"not a JSON document ({kind} body)", {}) from None
    return ".json"


def collection_from_files(
    files: Sequence[Path | None],
    origins: Sequence[str],
    metadata: pd.DataFrame,
    skipped: Sequence[tuple[str, str] | tuple[str, str, str]] = (),
    *,
    name: str,
    noun: str = "image",
    notes: Sequence[str] = (),
    max_pixels: int = DEFAULT_MAX_PIXELS,
    progress: bool = True,
) -> ImageCollection:
    """The :class:`ImageCollection` of downloaded (or cached) files, and one notice.

    ``files[i]`` is the local file of metadata row ``i`` (None when it could not be had;
    its reason is in ``skipped``) and ``origins[i]`` where it came from (a URL, a dataset
    row): the skipped report names origins, not cache files. A ``skipped`` entry is
    ``(origin, reason)`` or ``(origin, reason, what)``, ``what`` naming what it is
    (manifest, collection, row; ``noun`` by default), as the notice counts them. ``notes``
    (what the source did) are kept in ``.notes`` and said in the same notice. Raises
    ``ValueError`` when not one image could be had.
    """
    keep = [i for i, f in enumerate(files) if f is not None]
    origin_of = {str(files[i]): origins[i] for i in keep}
    entries = [(e[0], e[1], e[2] if len(e) > 2 else noun) for e in skipped]
    if not keep:
        first = "; ".join(f"{o}: {r}" for o, r, _ in entries[:3])
        raise ValueError(f"no image could be had from {name} ({len(entries)} skipped"
                         f"{': ' + first if first else ''})")
    col = ImageCollection.from_paths(
        [files[i] for i in keep], metadata=metadata.iloc[keep].reset_index(drop=True),
        extra_skipped=[e[:2] for e in entries], max_pixels=max_pixels, progress=progress,
        name=name, notice=False,
    )
    probed = len(col.skipped) - len(entries)  # files that failed their check after download
    col.skipped["path"] = [origin_of.get(p, p) for p in col.skipped["path"]]
    col.notes = list(notes)
    whats = [e[2] for e in entries] + [noun] * probed
    col.skipped["what"] = whats
    parts = []
    for what, rows in col.skipped.groupby("what", sort=False):
        parts.append(skip_notice(rows, what))
    if parts or col.notes:
        tail = "; see the collection's .skipped report" if parts else ""
        notify("; ".join([f"{name}: {plural(len(col), 'work')}", *col.notes, *parts]) + tail)
    return col
