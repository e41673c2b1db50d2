"""umap-learn's numba kernels cached on disk: identical maps, a second process that compiles
nothing, a cache directory that cannot be written; and what a fresh kernel's first map imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("umap")

from artopic_nb.models import umap_kernels as _umap_cache

ROOT = Path(__file__).resolve().parents[1]

# One new process: reduce X.npy as reduce_embeddings does, and report which of umap's kernels
# were compiled and which were loaded from the disk cache. "plain" imports umap itself first,
# so nothing of artopic_nb's cache applies: plain umap-learn on the same inputs.
CHILD = """
import json, sys
import numpy as np
from numba.core.dispatcher import Dispatcher
folder, mode = sys.argv[1], sys.argv[2]
if mode == "plain":
    import umap
    from artopic_nb.steps.reduce import knn_graph
    X = np.load(folder + "/X.npy")
    knn = knn_graph(X, 10, "cosine", 0)
    fit = lambda dim, dist: umap.UMAP(n_components=dim, n_neighbors=10, min_dist=dist,
        metric="cosine", random_state=0, precomputed_knn=knn).fit_transform(X)
    reduced, coords = fit(5, 0.0), fit(2, 0.1)
else:
    from artopic_nb.steps.reduce import reduce_embeddings
    reduced, coords, used = reduce_embeddings(np.load(folder + "/X.npy"), n_components=5,
                                              n_neighbors=10, seed=0)
    assert used == "umap"
np.save(folder + f"/{mode}_reduced.npy", reduced)
np.save(folder + f"/{mode}_coords.npy", coords)
kernels = {}
for name in ("umap.umap_", "umap.layouts", "umap.utils"):
    for key, value in vars(sys.modules[name]).items():
        if isinstance(value, Dispatcher) and value.signatures:
            kernels[name + "." + key] = {"cached": type(value._cache).__name__ != "NullCache",
                                         "hits": sum(value.stats.cache_hits.values()),
                                         "misses": sum(value.stats.cache_misses.values())}
print(json.dumps(kernels))
"""


def _child(folder: Path, mode: str, cache_dir: str) -> dict:
    env = {**os.environ, _umap_cache.CACHE_ENV: cache_dir,
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run([sys.executable, "-c", CHILD, str(folder), mode], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_cached_kernels_give_plain_umaps_maps_and_skip_compiling(tmp_path):
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(c, 1.0, (40, 16)) for c in (0, 4, 8)]).astype(np.float32)
    np.save(tmp_path / "X.npy", X)
    cache = tmp_path / "numba"

    plain = _child(tmp_path, "plain", "off")
    first = _child(tmp_path, "first", str(cache))    # compiles, writes the cache
    second = _child(tmp_path, "second", str(cache))  # a new kernel: loads it

    for mode in ("first", "second"):
        for part in ("reduced", "coords"):
            assert np.array_equal(np.load(tmp_path / f"plain_{part}.npy"),
                                  np.load(tmp_path / f"{mode}_{part}.npy")), (mode, part)

    main = ("umap.umap_.smooth_knn_dist", "umap.umap_.compute_membership_strengths",
            "umap.layouts._nb_optimize_layout_euclidean_single_epoch")
    assert not any(plain[k]["cached"] for k in main)
    for k in main:
        assert first[k]["cached"] and first[k]["misses"] >= 1, (k, first[k])
        assert second[k]["hits"] >= 1 and second[k]["misses"] == 0, (k, second[k])
    # compiled at umap's import (explicit signatures): cached too, as umap is imported by us
    assert second["umap.utils.tau_rand_int"]["cached"]
    assert second["umap.utils.tau_rand_int"]["hits"] == 1
    names = {p.name.split("-")[0] for p in cache.rglob("*.nbi")}
    assert {"umap_.smooth_knn_dist", "layouts._optimize_layout_euclidean_single_epoch",
            "utils.tau_rand_int"} <= names


def test_parallel_and_serial_builds_of_one_kernel_never_share_an_entry(tmp_path):
    import umap.layouts as layouts

    serial = layouts._nb_optimize_layout_euclidean_single_epoch
    parallel = layouts._nb_optimize_layout_euclidean_single_epoch_parallel
    assert serial.py_func is parallel.py_func
    a = _umap_cache._function_cache(serial, tmp_path)
    b = _umap_cache._function_cache(parallel, tmp_path)
    assert a._impl.filename_base != b._impl.filename_base
    assert a.cache_path == b.cache_path and a.cache_path.startswith(str(tmp_path))


def test_cache_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv(_umap_cache.CACHE_ENV, str(tmp_path / "mine"))
    assert _umap_cache.numba_cache_dir() == tmp_path / "mine"
    for off in ("off", "0", "none", ""):
        monkeypatch.setenv(_umap_cache.CACHE_ENV, off)
        assert _umap_cache.numba_cache_dir() is None
    monkeypatch.delenv(_umap_cache.CACHE_ENV)
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "numba"))
    assert _umap_cache.numba_cache_dir() == tmp_path / "numba"
    monkeypatch.delenv("NUMBA_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert _umap_cache.numba_cache_dir() == tmp_path / "xdg" / "artopic_nb" / "numba"


def test_unwritable_cache_dir_leaves_umap_as_it_is(monkeypatch, tmp_path):
    from numba.core.dispatcher import Dispatcher

    from artopic_nb.steps.reduce import reduce_embeddings

    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")  # a folder under a file cannot be made, even by root
    monkeypatch.setenv(_umap_cache.CACHE_ENV, str(blocker / "numba"))
    monkeypatch.setattr(_umap_cache, "_folder", False)
    monkeypatch.setattr(_umap_cache, "_done", False)
    monkeypatch.setattr(_umap_cache, "_enabled_dir", None)
    umap = _umap_cache.import_umap()
    caches = {k: v._cache for k, v in vars(umap.umap_).items() if isinstance(v, Dispatcher)}
    assert _umap_cache.enable_umap_cache() is None
    assert caches == {k: v._cache for k, v in vars(umap.umap_).items()
                      if isinstance(v, Dispatcher)}
    X = np.random.default_rng(1).normal(size=(60, 8)).astype(np.float32)
    reduced, coords, used = reduce_embeddings(X, n_components=3, n_neighbors=8, seed=0)
    assert used == "umap" and reduced.shape == (60, 3) and np.isfinite(coords).all()
    assert not (blocker / "numba").exists()


def test_first_map_imports_no_altair():
    """The widgets leave altair (2 s, and 1-2 s more to bundle vega) to the first chart, whose
    import still makes every altair chart render offline."""
    code = ("import sys, artopic_nb.widgets as aw; assert 'altair' not in sys.modules; "
            "import altair as alt; print(alt.renderers.active, alt.JupyterChart._is_offline)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["jupyter", "True"]
