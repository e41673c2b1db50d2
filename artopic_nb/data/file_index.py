"""Probing many image files, remembering each file's probe by its ``stat``.

A collection names every image by the SHA-256 of its bytes, and checks that it decodes
(:func:`artopic_nb.data.images.probe_file`). Reading and hashing every file again in each new
process is most of a warm study's time (0.2 s for the 174 demo images, hours for a
museum's million), although the files have not changed. :func:`probe_files` keeps each
good probe in a small SQLite index, keyed by the file's absolute path, and trusts it only
while the file's size, modification time, change time and inode are all the same as when
it was probed; the decoder's version is part of the entry too. This is how ``git``'s index
and DVC decide that a file is unchanged without reading it. Files that could not be used
are never remembered, so they are probed (and reported) every time.

Where: ``$ARTOPIC_FILE_INDEX`` (a file path; ``off`` turns the index off), else
``~/.cache/artopic_nb/file_index.sqlite`` (the user cache directory). The index only saves
time: one that cannot be opened or written is ignored, and the files are probed.

Example
-------
>>> probes = probe_files([Path("art/a.jpg")], progress=False)   # doctest: +SKIP
>>> probes[0].hash                                            # doctest: +SKIP
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import PIL

from .._progress import tqdm
from .cache import user_cache_root
from .images import DECODE_VERSION, DEFAULT_MAX_PIXELS, ImageProbe, probe_file

__all__ = ["INDEX_ENV", "file_index_path", "probe_files"]

#: Environment variable naming the index file (``off``, ``0`` or ``none``: no index).
INDEX_ENV = "ARTOPIC_FILE_INDEX"
#: What a remembered verdict depends on besides the file itself.
_DECODER = f"decode-v{DECODE_VERSION}/pillow-{PIL.__version__}"
_SCHEMA = ("CREATE TABLE IF NOT EXISTS probes (path TEXT PRIMARY KEY, stat TEXT NOT NULL, "
           "hash TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL)")
_CHUNK = 500  # paths per query (SQLite allows at least 999 parameters)


def file_index_path() -> Path | None:
    """The index file, or None when the index is turned off."""
    value = os.environ.get(INDEX_ENV)
    if value is not None and value.strip().lower() in ("", "0", "off", "none", "false"):
        return None
    return Path(value).expanduser() if value else user_cache_root() / "artopic_nb" / \
        "file_index.sqlite"


def _signature(path: Path, max_pixels: int) -> str | None:
    """What must be unchanged for a remembered probe of ``path`` to hold, or None (no file)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}:"
            f"{max_pixels}:{_DECODER}")


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _connect(path: Path) -> sqlite3.Connection | None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=10)
        db.execute(_SCHEMA)
        return db
    except (OSError, sqlite3.Error):
        return None


def _remembered(db: sqlite3.Connection, keys: list[str]) -> dict[str, tuple]:
    found: dict[str, tuple] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for row in db.execute(f"SELECT path, stat, hash, width, height FROM probes "
                              f"WHERE path IN ({marks})", chunk):
            found[row[0]] = row[1:]
    return found


def probe_files(paths: Sequence[Path], max_pixels: int = DEFAULT_MAX_PIXELS,
                progress: bool = True) -> list[ImageProbe]:
    """:func:`~artopic_nb.data.images.probe_file` of every path, in order, in threads; files
    unchanged since an earlier probe are not read again (see the module's text)."""
    paths = [Path(p) for p in paths]
    keys = [os.path.abspath(p) for p in paths]
    index = file_index_path()
    db = _connect(index) if index is not None else None
    # a name that is not valid UTF-8 cannot be a key (probe_file skips such files anyway)
    signatures = [_signature(p, max_pixels) if db is not None and _utf8(k) else None
                  for p, k in zip(paths, keys, strict=True)]
    probes: list[ImageProbe | None] = [None] * len(paths)
    if db is not None:
        try:
            known = _remembered(db, [k for k, sig in zip(keys, signatures, strict=True)
                                     if sig is not None])
        except sqlite3.Error:
            known = {}
        for i, (key, signature) in enumerate(zip(keys, signatures, strict=True)):
            entry = known.get(key)
            if entry is not None and signature is not None and entry[0] == signature:
                probes[i] = ImageProbe(paths[i], entry[1], entry[2], entry[3])
    todo = [i for i, p in enumerate(probes) if p is None]
    if todo:  # (a warm run over an unchanged folder starts neither threads nor a bar)
        workers = min(8, (os.cpu_count() or 1) + 2)
        with ThreadPoolExecutor(workers) as pool:
            fresh = tqdm(pool.map(lambda i: probe_file(paths[i], max_pixels), todo),
                         total=len(todo), desc="Reading images", unit="img",
                         disable=not progress or len(todo) < 50)
            for i, probe in zip(todo, fresh, strict=True):
                probes[i] = probe
    if db is not None:
        rows = [(keys[i], signatures[i], probes[i].hash, probes[i].width, probes[i].height)
                for i in todo if probes[i].reason is None and signatures[i] is not None]
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO probes VALUES (?, ?, ?, ?, ?)", rows)
        except sqlite3.Error:
            pass  # a read-only or locked index only costs time
        db.close()
    return probes
