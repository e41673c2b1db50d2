"""Content-addressed on-disk cache: numpy arrays and JSON, atomic writes, no pickle.

Every entry lives at ``<root>/<namespace>/<key[:2]>/<key>.<ext>`` where ``key`` is a
SHA-256 of everything that determines the value (image hash, model id, preprocessing
parameters, prompt version ...), built with :func:`make_key`. Writes go to a temporary
file in the same folder and are moved into place with :func:`os.replace`, so an
interrupted run never leaves a half-written entry, and two processes filling the same
cache at once simply race to write identical bytes. Arrays and JSON documents are
stored with the SHA-256 of their bytes, so a damaged entry (truncated, corrupted) is
detected on read, reported as a warning, removed and treated as a miss, so it is
recomputed. Raw byte entries (thumbnails) are checked by a ``validate`` callable.

Example
-------
>>> import numpy as np, tempfile
>>> cache = Cache(tempfile.mkdtemp())
>>> key = make_key("image-hash", "model-id", {"size": 224})
>>> cache.get_array("embeddings", key) is None
True
>>> cache.put_array("embeddings", key, np.ones(3, dtype=np.float32))
>>> cache.get_array("embeddings", key).tolist()
[1.0, 1.0, 1.0]
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

__all__ = ["Cache", "Codec", "JSON_CODEC", "digest", "make_key", "atomic_write_bytes", "atomic_write_text"]


def user_cache_root() -> Path:
    """The platform's folder for per-user caches (``~/.cache`` on Linux)."""
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def make_key(*parts: Any) -> str:
    """A stable SHA-256 hex key from JSON-serialisable parts (dict keys are sorted)."""
    blob = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


#: Columns that record how a result was made, not what it is: left out of digests, so that
#: descriptions read from the cache feed later steps the same key as freshly made ones.
BOOKKEEPING_COLUMNS = ("seconds", "tokens", "cached")


def digest(value: Any) -> str:
    """A SHA-256 of a result's content (arrays by bytes, shape and dtype; frames by values,
    without :data:`BOOKKEEPING_COLUMNS`)."""
    h = hashlib.sha256()
    if isinstance(value, pd.DataFrame):
        value = value.drop(columns=[c for c in BOOKKEEPING_COLUMNS if c in value.columns])
    if isinstance(value, np.ndarray):
        a = np.ascontiguousarray(value)
        h.update(a.tobytes() + str((a.shape, a.dtype.str)).encode())
    elif isinstance(value, pd.DataFrame):
        h.update(json.dumps([list(map(str, value.columns)), list(map(str, value.dtypes))]).encode())
        h.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
    else:
        h.update(json.dumps(value, sort_keys=True, default=str).encode())
    return h.hexdigest()


def atomic_write_bytes(path: str | os.PathLike, data: bytes, fsync: bool = True) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    The bytes go to a temporary file beside ``path``, are flushed to disk (unless
    ``fsync=False``), then moved into place. On any error (a full disk included) the
    temporary file is removed, the previous content of ``path`` is untouched, and the
    error propagates.

    ``fsync=False`` still never shows a half-written file to a reader or after a killed
    process; only a power cut could leave a damaged file, which the cache detects by its
    checksum. The cache uses it: one ``fsync`` per embedding row costs milliseconds each.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600 files; use the usual mode
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if fsync:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once: os.umask can only be read by setting it, and doing that while other threads
# create files would give them mode 0666 / 0777 for a moment.
_UMASK = _read_umask()


def _umask() -> int:
    """The process umask (as read at import)."""
    return _UMASK


def atomic_write_text(path: str | os.PathLike, text: str, fsync: bool = True) -> None:
    """:func:`atomic_write_bytes` for UTF-8 text."""
    atomic_write_bytes(path, text.encode("utf-8"), fsync=fsync)


#: Written after the payload of every cache entry (arrays, JSON documents, codec values): a
#: marker and the SHA-256 of the payload, the one checksum format of the cache. ``np.load``
#: ignores trailing bytes, so array entries stay plain ``.npy`` files.
_NPY_TRAILER = b"\n#artopic-sha256:"
_NPY_TRAILER_LEN = len(_NPY_TRAILER) + 64


def _encode_npy(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.asarray(array), allow_pickle=False)
    return _seal(buf.getvalue())


def _decode_npy(data: bytes) -> np.ndarray:
    """The array in ``data``; ValueError when it is truncated or its checksum is wrong."""
    payload, trailer = data[:-_NPY_TRAILER_LEN], data[-_NPY_TRAILER_LEN:]
    if not trailer.startswith(_NPY_TRAILER):
        # An entry of an older version, without checksum: accepted when it is one whole
        # array and nothing else (truncation shows as a short or unparsable payload).
        payload = data
    elif hashlib.sha256(payload).hexdigest().encode("ascii") != trailer[len(_NPY_TRAILER):]:
        raise ValueError("checksum mismatch")
    fh = io.BytesIO(payload)
    array = np.load(fh, allow_pickle=False)
    if fh.tell() != len(payload):
        raise ValueError("unexpected bytes after the array")
    return array


def _seal(payload: bytes) -> bytes:
    """``payload`` followed by the :data:`_NPY_TRAILER` marker and its SHA-256."""
    return payload + _NPY_TRAILER + hashlib.sha256(payload).hexdigest().encode("ascii")


def _unseal(data: bytes) -> bytes:
    """The payload of :func:`_seal`'s output; ValueError when it is damaged."""
    payload, trailer = data[:-_NPY_TRAILER_LEN], data[-_NPY_TRAILER_LEN:]
    if not trailer.startswith(_NPY_TRAILER) or \
            hashlib.sha256(payload).hexdigest().encode("ascii") != trailer[len(_NPY_TRAILER):]:
        raise ValueError("checksum mismatch")
    return payload


class Codec(Protocol):
    """How a value is stored: a file extension and a round trip through bytes."""

    ext: str

    def encode(self, value: Any) -> bytes: ...

    def decode(self, data: bytes) -> Any: ...


class _JSONCodec:
    ext = "jsonz"  # sealed JSON; plain .json entries are :meth:`Cache.put_json`'s

    @staticmethod
    def encode(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False).encode("utf-8")  # key order kept

    @staticmethod
    def decode(data: bytes) -> Any:
        return json.loads(data)


JSON_CODEC = _JSONCodec()


class Cache:
    """A content-addressed store of arrays and JSON documents under ``root``.

    ``Cache(None)`` is a cache that stores nothing, so code can always call it.
    ``hits`` and ``misses`` count look-ups since creation (handy in tests and summaries).
    """

    def __init__(self, root: str | os.PathLike | None):
        self.root = None if root is None else Path(root)
        self.hits = 0
        self.misses = 0

    def __repr__(self) -> str:
        return f"Cache({str(self.root)!r})"

    @property
    def enabled(self) -> bool:
        return self.root is not None

    def path(self, namespace: str, key: str, ext: str) -> Path:
        if self.root is None:
            raise ValueError("this cache is disabled (root=None)")
        return self.root / namespace / key[:2] / f"{key}.{ext}"

    # -- arrays ---------------------------------------------------------------------------
    def get_array(self, namespace: str, key: str) -> np.ndarray | None:
        """The array stored under ``key``, or None (a miss, or a damaged entry, removed).

        Each array is stored with the SHA-256 of its bytes, so a truncated or corrupted
        entry is caught, not only one whose header no longer parses.
        """
        data = self._read(namespace, key, "npy")
        if data is None:
            return None
        try:
            arr = _decode_npy(data)
        except (ValueError, OSError, EOFError) as exc:
            self._discard(self.path(namespace, key, "npy"), exc)
            return None
        self.hits += 1
        return arr

    def put_array(self, namespace: str, key: str, array: np.ndarray) -> None:
        if self.root is not None:
            self._write(self.path(namespace, key, "npy"), _encode_npy(array))

    # -- JSON -----------------------------------------------------------------------------
    def get_json(self, namespace: str, key: str) -> Any | None:
        """The JSON document stored under ``key``, or None (a miss, or a damaged entry, removed).

        Each document is sealed with the SHA-256 of its body (:func:`_seal`, as every entry
        is), so silent corruption is caught, not only syntax errors. Documents written by
        artopic_nb 0.1.0 (a JSON wrapper of body and checksum) are still read.
        """
        raw = self._read(namespace, key, "json")
        if raw is None:
            return None
        try:
            if raw.startswith(b'{"sha256": '):  # 0.1.0's wrapper
                wrapper = json.loads(raw)
                body = wrapper["body"].encode("utf-8")
                if hashlib.sha256(body).hexdigest() != wrapper["sha256"]:
                    raise ValueError("checksum mismatch")
            else:
                body = _unseal(raw)
            value = json.loads(body)
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            self._discard(self.path(namespace, key, "json"), exc)
            return None
        self.hits += 1
        return value

    def put_json(self, namespace: str, key: str, value: Any) -> None:
        if self.root is None:
            return
        # key order kept: a hit returns the same document a miss computed
        body = json.dumps(value, ensure_ascii=False).encode("utf-8")
        self._write(self.path(namespace, key, "json"), _seal(body))

    def get_or_compute(self, namespace: str, key: str | None, compute: Callable[[], Any],
                       codec: Codec) -> Any:
        """The value stored under ``key``, or ``compute()``'s value, stored there first.

        Every step's result goes through here. ``codec`` turns the value into bytes and back
        (``ext``, ``encode``, ``decode``); the bytes are stored with their SHA-256, so a
        damaged entry is reported, removed and recomputed. ``key=None`` computes without
        caching (a result whose inputs cannot all be named).
        """
        if key is not None:
            data = self._read(namespace, key, codec.ext)
            if data is not None:
                try:
                    value = codec.decode(_unseal(data))
                except Exception as exc:  # whatever a damaged entry makes the decoder raise
                    self._discard(self.path(namespace, key, codec.ext), exc)
                else:
                    self.hits += 1
                    return value
        value = compute()
        if key is not None and self.root is not None:
            self._write(self.path(namespace, key, codec.ext), _seal(codec.encode(value)))
        return value

    def json_or_compute(self, namespace: str, key: str, compute: Callable[[], Any]) -> Any:
        """:meth:`get_or_compute` for a JSON document."""
        return self.get_or_compute(namespace, key, compute, JSON_CODEC)

    # -- raw bytes (thumbnails) -------------------------------------------------------------
    def get_bytes(self, namespace: str, key: str, ext: str,
                  validate: Callable[[bytes], object] | None = None) -> bytes | None:
        """The bytes stored under ``key``, or None.

        Raw entries carry no checksum (they are plain files, such as JPEG thumbnails);
        ``validate``, when given, is called with the bytes and must raise when they are
        damaged: the entry is then reported, removed and treated as a miss.
        """
        data = self._read(namespace, key, ext)
        if data is None:
            return None
        if validate is not None:
            try:
                validate(data)
            except Exception as exc:
                self._discard(self.path(namespace, key, ext), exc)
                return None
        self.hits += 1
        return data

    def put_bytes(self, namespace: str, key: str, ext: str, data: bytes) -> None:
        if self.root is not None:
            self._write(self.path(namespace, key, ext), data)

    def _write(self, path: Path, data: bytes) -> None:
        """Write an entry; a failure (a full disk, a read-only folder) is warned about once
        and the run goes on without caching, since a cache is never needed for results."""
        try:
            atomic_write_bytes(path, data, fsync=False)
        except OSError as exc:
            if not getattr(self, "_write_failed", False):
                self._write_failed = True
                warnings.warn(f"artopic_nb cache: could not write to {self.root} ({exc}); "
                              "going on without caching new results", RuntimeWarning, stacklevel=3)

    def _read(self, namespace: str, key: str, ext: str) -> bytes | None:
        """An entry's bytes; None (counted as a miss) when absent, disabled or unreadable."""
        if self.root is None:
            return None
        path = self.path(namespace, key, ext)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        except OSError as exc:  # a folder in its place, no permission ...: recompute
            self._discard(path, exc)
            return None

    def _discard(self, path: Path, exc: BaseException) -> None:
        self.misses += 1
        warnings.warn(
            f"artopic_nb cache: damaged entry {path} ({exc}); it was removed and will be recomputed",
            RuntimeWarning,
            stacklevel=3,
        )
        try:
            path.unlink()
        except OSError:  # a folder, or no permission: put_* will replace it, or fail clearly
            pass
