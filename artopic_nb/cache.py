"""Content-addressed on-disk cache: numpy arrays and JSON, atomic writes, no pickle.

Every entry lives at ``<root>/<namespace>/<key[:2]>/<key>.<ext>`` where ``key`` is a
SHA-256 of everything that determines the value (image hash, model id, preprocessing
parameters, prompt version ...), built with :func:`make_key`. Writes go to a temporary
file in the same folder and are moved into place with :func:`os.replace`, so an
interrupted run never leaves a half-written entry, and two processes filling the same
cache at once simply race to write identical bytes. A damaged entry (truncated,
corrupted) is detected on read, reported once as a warning, removed and treated as a
miss, so it is recomputed.

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
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["Cache", "make_key", "atomic_write_bytes", "atomic_write_text"]


def make_key(*parts: Any) -> str:
    """A stable SHA-256 hex key from JSON-serialisable parts (dict keys are sorted)."""
    blob = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    The bytes go to a temporary file beside ``path``, are flushed to disk, then moved into
    place. On any error (a full disk included) the temporary file is removed, the previous
    content of ``path`` is untouched, and the error propagates.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; use the usual mode
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """:func:`atomic_write_bytes` for UTF-8 text."""
    atomic_write_bytes(path, text.encode("utf-8"))


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
        """The array stored under ``key``, or None (a miss, or a damaged entry, removed)."""
        if self.root is None:
            return None
        path = self.path(namespace, key, "npy")
        try:
            with open(path, "rb") as fh:
                arr = np.load(fh, allow_pickle=False)
        except FileNotFoundError:
            self.misses += 1
            return None
        except (ValueError, OSError, EOFError) as exc:
            self._discard(path, exc)
            return None
        self.hits += 1
        return arr

    def put_array(self, namespace: str, key: str, array: np.ndarray) -> None:
        if self.root is None:
            return
        buf = io.BytesIO()
        np.save(buf, np.asarray(array), allow_pickle=False)
        atomic_write_bytes(self.path(namespace, key, "npy"), buf.getvalue())

    # -- JSON -----------------------------------------------------------------------------
    def get_json(self, namespace: str, key: str) -> Any | None:
        """The JSON document stored under ``key``, or None (a miss, or a damaged entry, removed).

        Each document is stored with the SHA-256 of its body, so silent corruption is caught,
        not only syntax errors.
        """
        if self.root is None:
            return None
        path = self.path(namespace, key, "json")
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        try:
            wrapper = json.loads(raw)
            body = wrapper["body"]
            if hashlib.sha256(body.encode("utf-8")).hexdigest() != wrapper["sha256"]:
                raise ValueError("checksum mismatch")
            value = json.loads(body)
        except (ValueError, KeyError, TypeError) as exc:
            self._discard(path, exc)
            return None
        self.hits += 1
        return value

    def put_json(self, namespace: str, key: str, value: Any) -> None:
        if self.root is None:
            return
        body = json.dumps(value, ensure_ascii=False, sort_keys=True)
        wrapper = {"sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(), "body": body}
        atomic_write_text(self.path(namespace, key, "json"), json.dumps(wrapper, ensure_ascii=False))

    # -- raw bytes (thumbnails) -------------------------------------------------------------
    def get_bytes(self, namespace: str, key: str, ext: str) -> bytes | None:
        if self.root is None:
            return None
        try:
            data = self.path(namespace, key, ext).read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        self.hits += 1
        return data

    def put_bytes(self, namespace: str, key: str, ext: str, data: bytes) -> None:
        if self.root is not None:
            atomic_write_bytes(self.path(namespace, key, ext), data)

    def _discard(self, path: Path, exc: BaseException) -> None:
        self.misses += 1
        warnings.warn(
            f"artopic_nb cache: damaged entry {path} ({exc}); it was removed and will be recomputed",
            RuntimeWarning,
            stacklevel=3,
        )
        try:
            path.unlink()
        except OSError:
            pass
