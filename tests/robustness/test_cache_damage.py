"""A damaged cache is detected, reported and recomputed; concurrent writers lose nothing."""

from __future__ import annotations

import multiprocessing
import warnings
from pathlib import Path

import numpy as np
import pytest

import artopic_nb as an
from artopic_nb.data.cache import Cache
from artopic_nb.models.backends.color import ColorTextureEmbedder
from artopic_nb.pipeline.study import Study
from artopic_nb.steps.embed import embed_collection

from ._helpers import FIXTURES, fill_cache, make_many

_REAL_FEATURES = ColorTextureEmbedder.features


def _count_features(monkeypatch) -> list:
    calls = []

    def features(self, image):
        calls.append(1)
        return _REAL_FEATURES(self, image)

    monkeypatch.setattr(ColorTextureEmbedder, "features", features)
    return calls


def _pipeline(col, cache_dir) -> Study:
    return (Study(col, cache_dir=cache_dir, progress=False).embed(embedder="color")
            .reduce(method="pca").cluster(method="kmeans", n_clusters=2))


def test_damaged_entries_are_warned_and_recomputed(tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    col = an.load_folder(FIXTURES, progress=False)
    first = _pipeline(col, cache_dir)
    embeddings = sorted((cache_dir / "embeddings").rglob("*.npy"))
    (embed_step,) = sorted((cache_dir / "embed").rglob("*.zip"))     # whole-step results
    (reduce_step,) = sorted((cache_dir / "reduce").rglob("*.zip"))
    assert len(embeddings) == len(col)

    a, b, c = embeddings[:3]
    a.write_bytes(a.read_bytes()[:100])                       # truncated
    data = bytearray(b.read_bytes())
    data[200] ^= 0x40                                         # one flipped bit in the data
    b.write_bytes(bytes(data))
    c.write_bytes(b"")                                        # emptied
    embed_step.write_bytes(embed_step.read_bytes()[:-40])     # so the rows are read again
    data = bytearray(reduce_step.read_bytes())
    data[len(data) // 2] ^= 0x01                              # checksum mismatch
    reduce_step.write_bytes(bytes(data))

    calls = _count_features(monkeypatch)
    with pytest.warns(RuntimeWarning, match="damaged entry") as record:
        second = _pipeline(an.load_folder(FIXTURES, progress=False), cache_dir)
    damaged = {Path(str(w.message).split("damaged entry ")[1].split(" (")[0]).name
               for w in record if "damaged entry" in str(w.message)}
    assert damaged == {a.name, b.name, c.name, embed_step.name, reduce_step.name}
    assert len(calls) == 3                                    # only the damaged rows
    np.testing.assert_array_equal(second.embeddings_, first.embeddings_)
    np.testing.assert_array_equal(second.reduced_, first.reduced_)
    np.testing.assert_array_equal(second.labels_, first.labels_)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                        # everything whole again
        _pipeline(an.load_folder(FIXTURES, progress=False), cache_dir)


@pytest.mark.timeout(120)
def test_two_processes_fill_the_same_cache(tmp_path, monkeypatch):
    folder = make_many(tmp_path / "images", 120, seed=1)
    cache_dir = tmp_path / "cache"
    ctx = multiprocessing.get_context("spawn")  # no fork of a process with threads
    with ctx.Pool(2) as pool:
        results = pool.starmap(fill_cache, [(str(folder), str(cache_dir), 2)] * 2)
    np.testing.assert_array_equal(results[0], results[1])

    entries = sorted((cache_dir / "embeddings").rglob("*.npy"))
    assert len(entries) == 120
    assert not [p for p in cache_dir.rglob("*") if p.name.endswith(".tmp")]
    calls = _count_features(monkeypatch)
    col = an.load_folder(folder, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = embed_collection(ColorTextureEmbedder(), col, Cache(cache_dir), progress=False)
    assert calls == []  # nothing lost, nothing damaged
    np.testing.assert_array_equal(again, results[0])
