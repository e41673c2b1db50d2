"""Shared helpers of the robustness tests: good images, bad files, a full no-model run."""

from __future__ import annotations

import io
import multiprocessing
import os
import shutil
import struct
import traceback
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

import artopic_nb as an
from artopic_nb.pipeline.study import Study

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "images"
#: Three fixture paintings of different genres (asian art, religious, portrait).
GOOD = ("36029.jpg", "435600.jpg", "435844.jpg")


def copy_good(folder: Path, names=GOOD) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(FIXTURES / name, folder / name)
    return folder


def run_study(collection, cache_dir) -> Study:
    """The whole no-model pipeline; asserts that it ran through."""
    study = Study(collection, cache_dir=cache_dir, progress=False)
    study.embed(embedder="color").reduce(method="pca").cluster(method="kmeans", n_clusters=2)
    n = len(collection)
    assert study.embeddings_.shape == (n, 147)
    assert np.isfinite(study.embeddings_).all()
    np.testing.assert_allclose(np.linalg.norm(study.embeddings_, axis=1), 1.0, rtol=1e-5)
    assert study.labels_.shape == (n,) and set(study.labels_.tolist()) <= {0, 1}
    return study


def jpeg_bytes(size=(64, 48), colour=(180, 60, 40), **save) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "JPEG", **save)
    return buf.getvalue()


def png_bytes(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _child(queue, fn, args, uid, gid):
    try:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
        queue.put(("ok", fn(*args)))
    except BaseException:
        queue.put(("error", traceback.format_exc()))


def run_unprivileged(fn, *args, timeout: float = 60):
    """``fn(*args)`` in a forked child running as user ``nobody`` (root reads every file).

    Only for code that uses PIL, pandas and threads: the child does no OpenMP work, which
    is not safe after fork. Returns ``fn``'s (picklable) result.
    """
    import pwd

    nobody = pwd.getpwnam("nobody")
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(queue, fn, args, nobody.pw_uid, nobody.pw_gid))
    proc.start()
    try:
        status, value = queue.get(timeout=timeout)
    finally:
        proc.join(5)
        if proc.is_alive():
            proc.kill()
    if status != "ok":
        raise AssertionError(f"the unprivileged child failed:\n{value}")
    return value


def load_quietly(folder, **kwargs):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return an.load_folder(folder, progress=False, **kwargs)


def make_many(folder: Path, n: int, seed: int = 0) -> Path:
    """``n`` distinct small JPEGs (48 px, random colour blocks) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(n):
        blocks = rng.integers(0, 256, (4, 4, 3), dtype=np.uint8)
        im = Image.fromarray(blocks).resize((48, 48), Image.Resampling.NEAREST)
        im.save(folder / f"img_{i:04d}.jpg", quality=80)
    return folder


def fill_cache(folder: str, cache_dir: str, rounds: int = 1):
    """Embed ``folder`` into ``cache_dir`` (run in several processes at once)."""
    from artopic_nb.data.cache import Cache
    from artopic_nb.models.backends.color import ColorTextureEmbedder
    from artopic_nb.steps.embed import embed_collection

    col = load_quietly(folder)
    out = None
    for _ in range(rounds):
        out = embed_collection(ColorTextureEmbedder(), col, Cache(cache_dir), progress=False)
    return out
