"""A short content hash of model files, for cache keys of local models.

Here, below every package that names a model (``text/``'s sentence encoder, ``models/``), so
that each names local weights the same way.

Example
-------
>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "config.json").write_text("{}")
>>> len(fingerprint(folder.iterdir()))
16
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["MODEL_FILES", "fingerprint"]

#: The suffixes of the files that make a model (configs, tokenizers, templates, weights).
MODEL_FILES = (".json", ".jinja", ".txt", ".model", ".safetensors", ".bin", ".gguf")


def fingerprint(paths: Iterable[str | os.PathLike]) -> str:
    """A short content hash of model files, for cache keys of local models.

    Small files (configs, tokenizers, templates) are hashed whole; a large weight file by
    its size and its first and last megabyte, which tells apart any two trainings of the
    same architecture in milliseconds even for GB-sized files.
    """
    h = hashlib.sha256()
    for p in sorted(Path(p) for p in paths):
        if not p.is_file() or p.suffix not in MODEL_FILES:
            continue
        size = p.stat().st_size
        h.update(f"{p.name}:{size}".encode())
        with open(p, "rb") as fh:
            h.update(fh.read(1 << 20))
            if size > 2 << 20:
                fh.seek(-(1 << 20), os.SEEK_END)
                h.update(fh.read())
    return h.hexdigest()[:16]
