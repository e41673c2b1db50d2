"""Interrupted embedding (Ctrl-C, a killed process): the rerun computes only what is missing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

import artopic_nb as an
from artopic_nb.data.cache import Cache, make_key
from artopic_nb.data.collection import DECODE_VERSION
from artopic_nb.models.backends.color import ColorTextureEmbedder
from artopic_nb.pipeline.study import Study
from artopic_nb.steps.embed import embed_collection

from ._helpers import make_many

N = 80
_REAL_FEATURES = ColorTextureEmbedder.features  # before any test patches it


class CountingFeatures:
    """Replaces ColorTextureEmbedder.features: counts calls, raises after ``fail_after``."""

    def __init__(self, fail_after: int | None = None):
        self.real = _REAL_FEATURES
        self.fail_after = fail_after
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, embedder, image):
        with self.lock:
            self.calls += 1
            n = self.calls
        if self.fail_after is not None and n > self.fail_after:
            raise KeyboardInterrupt
        return self.real(embedder, image)

    def install(self, monkeypatch) -> CountingFeatures:
        def features(embedder, image):  # a plain function, so it binds as a method
            return self(embedder, image)

        monkeypatch.setattr(ColorTextureEmbedder, "features", features)
        return self


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    folder = make_many(tmp_path_factory.mktemp("many") / "images", N)
    col = an.load_folder(folder, progress=False)
    reference = embed_collection(ColorTextureEmbedder(), col, Cache(None), progress=False)
    return folder, reference


def _entries(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / "embeddings").rglob("*.npy")) if cache_dir.exists() else []


def _temporaries(cache_dir: Path) -> list[Path]:
    return sorted(p for p in cache_dir.rglob("*") if p.name.endswith(".tmp"))


def _assert_all_entries_load(cache_dir: Path) -> int:
    cache = Cache(cache_dir)
    entries = _entries(cache_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a damaged entry would warn
        for p in entries:
            assert cache.get_array("embeddings", p.stem).shape == (147,)
    return len(entries)


def test_keyboard_interrupt_during_embedding_then_rerun(many, tmp_path, monkeypatch):
    folder, reference = many
    cache_dir = tmp_path / "cache"
    col = an.load_folder(folder, progress=False)
    CountingFeatures(fail_after=45).install(monkeypatch)  # in the second batch of 32
    study = Study(col, cache_dir=cache_dir, progress=False)
    with pytest.raises(KeyboardInterrupt):
        study.embed(embedder="color")
    assert not study.has("embed")
    assert _temporaries(cache_dir) == []
    done = _assert_all_entries_load(cache_dir)
    assert 32 <= done < N  # the finished batch was kept

    counting = CountingFeatures().install(monkeypatch)
    study.embed(embedder="color")
    assert counting.calls == N - done  # only what was missing
    np.testing.assert_allclose(study.embeddings_, reference, rtol=1e-6)
    assert _assert_all_entries_load(cache_dir) == N
    assert _temporaries(cache_dir) == []

    again = CountingFeatures().install(monkeypatch)
    study.embed(embedder="color").reduce(method="pca").cluster(method="kmeans", n_clusters=2)
    assert again.calls == 0


def test_interrupt_from_a_custom_embedder_wrapper(many, tmp_path):
    """An embedder object without iter_embed, interrupted on its second chunk."""
    folder, reference = many
    col = an.load_folder(folder, progress=False)

    class Wrapper:
        model_id = ColorTextureEmbedder.model_id

        def __init__(self, fail_on_call=None):
            self.inner = ColorTextureEmbedder()
            self.fail_on_call = fail_on_call
            self.seen = []

        def embed(self, collection, ids=None, progress=True):
            self.seen.append(len(ids))
            if len(self.seen) == self.fail_on_call:
                raise KeyboardInterrupt
            return self.inner.embed(collection, ids, progress=False)

    cache = Cache(tmp_path / "cache")
    first = Wrapper(fail_on_call=2)
    with pytest.raises(KeyboardInterrupt):
        embed_collection(first, col, cache, chunk_size=30, progress=False)
    assert _assert_all_entries_load(tmp_path / "cache") == 30
    second = Wrapper()
    out = embed_collection(second, col, cache, chunk_size=30, progress=False)
    assert second.seen == [30, 20]  # the 50 missing, in chunks
    np.testing.assert_allclose(out, reference, rtol=1e-6)


KILLED_SCRIPT = textwrap.dedent("""
    import sys, time
    import artopic_nb as an
    from artopic_nb.models.backends.color import ColorTextureEmbedder
    from artopic_nb.pipeline.study import Study

    real = ColorTextureEmbedder.features
    def slow(self, image):
        time.sleep(0.05)
        return real(self, image)
    ColorTextureEmbedder.features = slow
    col = an.load_folder(sys.argv[1], progress=False)
    Study(col, cache_dir=sys.argv[2], progress=False).embed(embedder="color")
    print("finished", flush=True)
""")


@pytest.mark.timeout(90)
def test_killed_process_then_rerun(many, tmp_path, monkeypatch):
    folder, reference = many
    cache_dir = tmp_path / "cache"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_SCRIPT, str(folder), str(cache_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while len(_entries(cache_dir)) < 10:  # kill while the first batch is being written
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the embedding never started"
            time.sleep(0.002)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    done = _assert_all_entries_load(cache_dir)  # every entry in place is whole
    assert 10 <= done < N
    # A kill between creating a temporary file and renaming it can leave a hidden
    # ".<entry>.npy.<random>.tmp"; it is never read as an entry (checked above) and the
    # rerun replaces the entry it was meant for.
    stale = _temporaries(cache_dir)
    assert all(p.name.startswith(".") for p in stale)

    counting = CountingFeatures().install(monkeypatch)
    col = an.load_folder(folder, progress=False)
    study = Study(col, cache_dir=cache_dir, progress=False).embed(embedder="color")
    assert counting.calls == N - done
    np.testing.assert_allclose(study.embeddings_, reference, rtol=1e-6)
    assert _assert_all_entries_load(cache_dir) == N
    keys = {make_key(h, ColorTextureEmbedder.model_id, DECODE_VERSION) for h in col.hashes}
    assert {p.stem for p in _entries(cache_dir)} == keys
