"""artopic_nb.scale on a local Ray instance (2 CPUs), with tiny real models built from configs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import artopic_nb as an
from artopic_nb.data.cache import Cache
from artopic_nb.models.backends.attributes import AttributeDescriber
from artopic_nb.models.backends.clip import TransformersEmbedder
from artopic_nb.models.registry import load_image_describer
from artopic_nb.scale import decimate, embed_on_ray, fit_sample_assign, scan_on_ray
from artopic_nb.scale._ray import EXTRA_HINT
from artopic_nb.scale.describe import describe_on_ray
from artopic_nb.steps.describe import describe_collection
from artopic_nb.steps.embed import embed_collection
from artopic_nb.widgets import decimated_plot

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="module")
def ray_local():
    """A local Ray instance with 2 CPUs for this module, shut down after it."""
    ray = pytest.importorskip("ray", reason=f"needs the scale extra: {EXTRA_HINT}")
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # test classes, to actors
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}})
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield ray
    ray.shutdown()


@pytest.fixture()
def art_folder(fixture_dir, tmp_path) -> Path:
    """The fixture paintings and one corrupt JPEG."""
    folder = tmp_path / "art"
    shutil.copytree(fixture_dir, folder, ignore=shutil.ignore_patterns("*.csv"))
    good = next(folder.glob("*.jpg")).read_bytes()
    (folder / "corrupt.jpg").write_bytes(good[: len(good) // 3])  # truncated
    return folder


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


# -- without Ray --------------------------------------------------------------------------------

def test_importing_artopic_nb_never_imports_ray():
    code = ("import sys, artopic_nb, artopic_nb.scale; "
            "assert 'ray' not in sys.modules, 'ray imported'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)


def test_without_the_extra_the_first_use_names_it(monkeypatch, fixture_collection):
    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed
    with pytest.raises(ImportError, match=r"artopic-nb\[scale\]"):
        embed_on_ray(fixture_collection, "color", cache_dir="unused")
    with pytest.raises(ImportError, match=r"artopic-nb\[scale\]"):
        fit_sample_assign(np.zeros((30, 4)), sample_size=10, engine="ray", reducer="pca",
                          method="kmeans", n_clusters=2)


def test_decimate_draws_few_points_and_resolves_a_selection_to_every_work():
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 8, size=(12, 2))
    labels = rng.integers(-1, 12, size=200_000)
    coords = centres[np.maximum(labels, 0)] + rng.normal(0, 1.0, size=(200_000, 2))
    view = decimate(coords, labels, max_points=5_000, seed=0)
    assert len(view.shown) <= 5_000 and view.counts.sum() == len(coords)
    # every drawn point stands for works of its own cluster in its own cell
    assert (labels[view.shown][view.group] == labels).all()
    # a selection of drawn points resolves to exactly the works they stand for
    picked = [0, 7, 42]
    members = view.members(picked)
    assert len(members) == view.counts[picked].sum()
    assert set(np.unique(view.group[members])) == set(picked)
    again = decimate(coords, labels, max_points=5_000, seed=0)  # seeded: the same points
    assert again.shown.tolist() == view.shown.tolist()
    assert decimate(coords[:50], max_points=100).shown.tolist() == list(range(50))


def test_decimated_plot_selection_resolves_to_ids():
    rng = np.random.default_rng(1)
    coords = rng.normal(size=(30_000, 2)).astype(np.float32)
    labels = rng.integers(0, 5, size=30_000)
    plot, view = decimated_plot(coords, labels, max_points=2_000)
    assert plot.n_points == len(view.shown) <= 2_000
    plot.set_state({"selected_ids": [0, 1]})  # a box selection in the front end
    ids = view.members(plot.selected_ids)
    assert set(view.group[ids]) == {0, 1} and len(ids) == view.counts[[0, 1]].sum()


def test_fit_sample_assign_recovers_clusters_and_is_seeded():
    rng = np.random.default_rng(0)
    truth = np.repeat(np.arange(5), 300)
    centres = rng.normal(size=(5, 24)) * 6
    X = (centres[truth] + rng.normal(size=(len(truth), 24))).astype(np.float32)
    fit = fit_sample_assign(X, sample_size=600, seed=0, n_neighbors=10, metric="euclidean")
    from sklearn.metrics import adjusted_rand_score

    assert fit.reduced.shape == (1500, 5) and fit.coords.shape == (1500, 2)
    assert len(fit.sample_ids) == 600 and fit.params["cluster"]["min_cluster_size"] >= 2
    assert adjusted_rand_score(truth, fit.labels) > 0.9
    kmeans = fit_sample_assign(X, sample_size=600, seed=0, reducer="pca", method="kmeans",
                               n_clusters=5)
    assert adjusted_rand_score(truth, kmeans.labels) > 0.95


# -- on a local Ray instance --------------------------------------------------------------------

def test_embed_on_ray_equals_one_process_and_the_study_computes_nothing(
        ray_local, art_folder, tiny_clip_dir, tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    first = an.load_folder(art_folder, progress=False)
    # a job stopped half way: part of the rows already in the cache
    part = embed_on_ray(first.subset(range(5)), str(tiny_clip_dir), cache_dir, progress=False,
                        batch_size=4, actors=1)
    assert part.computed == 5

    with pytest.warns(UserWarning, match="1 file"):
        result = embed_on_ray(art_folder, str(tiny_clip_dir), cache_dir, progress=False,
                              batch_size=4)
    col = result.collection
    # the corrupt file is reported as on one machine, and the rest are embedded
    assert col.skipped.path.str.endswith("corrupt.jpg").tolist() == [True]
    assert "truncated" in col.skipped.reason[0]
    assert col.hashes == first.hashes and result.failed.empty
    distinct = len(set(col.hashes))
    assert (result.computed, result.cached) == (distinct - 5, 5)
    assert result.study_embedder == str(tiny_clip_dir)  # CPU: the spec names the same rows

    reference = embed_collection(TransformersEmbedder(str(tiny_clip_dir)), col, Cache(None),
                                 progress=False)

    def no_compute(self, *args, **kwargs):
        raise AssertionError("study.embed computed an embedding")

    monkeypatch.setattr(TransformersEmbedder, "forward", no_compute)
    study = an.Study(col, cache_dir=cache_dir, progress=False)
    study.embed(embedder=result.study_embedder)
    assert study.cache.hits == distinct  # every row read (the one miss: the step's own entry)
    assert _cosines(study.embeddings_, reference).min() >= 0.9999

    again = embed_on_ray(col, str(tiny_clip_dir), cache_dir, progress=False)
    assert (again.computed, again.cached) == (0, distinct)


def test_a_file_that_breaks_after_the_scan_is_reported_not_fatal(ray_local, art_folder,
                                                                   tmp_path):
    (art_folder / "corrupt.jpg").unlink()
    col = scan_on_ray(art_folder, progress=False)
    victim = Path(col.metadata.path[3])
    victim.write_bytes(b"\xff\xd8not a jpeg any more")
    result = embed_on_ray(col, "color", tmp_path / "cache", progress=False, batch_size=8)
    assert result.failed.path.tolist() == [str(victim)]
    assert len(result.collection) == len(col) - 1
    assert str(victim) in result.collection.skipped.path.tolist()
    assert result.computed == len(set(col.hashes)) - 1


def _photo_like_jpegs(folder: Path, n: int) -> None:
    """``n`` distinct 640x480 JPEGs (gradients and noise): slow enough to decode that a job
    over them lasts a few seconds."""
    folder.mkdir()
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:480, 0:640]
    for i in range(n):
        base = np.stack([(xx + 7 * i) % 256, (yy + 3 * i) % 256, (xx + yy + i) % 256], -1)
        noise = rng.integers(0, 40, size=base.shape)
        Image.fromarray(np.clip(base + noise, 0, 255).astype(np.uint8)).save(
            folder / f"w{i:03d}.jpg", quality=92)


def test_a_killed_worker_is_restarted_and_nothing_is_lost(ray_local, tiny_clip_dir, tmp_path):
    import psutil

    folder = tmp_path / "many"
    _photo_like_jpegs(folder, 96)
    col = an.load_folder(folder, progress=False)
    cache_dir = tmp_path / "cache"
    killed: list[int] = []

    def kill_the_embedding_actor():
        # as soon as the first rows are in the cache, kill the actor's process (a worker
        # of this test's own Ray instance: a child of this process)
        rows = cache_dir / "embeddings"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not killed:
            if rows.exists() and any(rows.rglob("*.npy")):
                for proc in psutil.Process().children(recursive=True):
                    try:
                        if "_EmbedActor" in " ".join(proc.cmdline()):
                            proc.kill()
                            killed.append(proc.pid)
                    except psutil.Error:
                        pass
                return
            time.sleep(0.01)

    killer = threading.Thread(target=kill_the_embedding_actor, daemon=True)
    killer.start()
    result = embed_on_ray(col, str(tiny_clip_dir), cache_dir, progress=False, batch_size=2)
    killer.join(5)
    if not killed:
        pytest.skip("the job finished before the worker could be killed")
    assert result.failed.empty and result.computed == len(col)
    reference = embed_collection(TransformersEmbedder(str(tiny_clip_dir)), col, Cache(None),
                                 progress=False)
    stored = embed_collection(TransformersEmbedder(str(tiny_clip_dir)), col, Cache(cache_dir),
                              progress=False)
    assert _cosines(stored, reference).min() >= 0.9999


class CrashOn:
    """The attribute describer, except that it crashes the job on one image (a killed job)."""

    def __init__(self, hash_: str):
        self.inner = AttributeDescriber()
        self.hash = hash_
        self.model_id = self.inner.model_id
        self.batch_size = 1

    def cache_params(self, prompt):
        return self.inner.cache_params(prompt)

    def describe(self, images, prompt):
        import hashlib

        for image in images:
            if hashlib.sha256(image.tobytes()).hexdigest() == self.hash:
                raise RuntimeError("the job dies here")
        return self.inner.describe(images, prompt)


def test_describe_on_ray_resumes_after_a_crashed_job(ray_local, fixture_collection, tmp_path):
    col = fixture_collection
    ids = list(range(10))
    cache_dir = tmp_path / "cache"
    last = np.asarray(col.image(ids[-1]))
    crash = CrashOn(__import__("hashlib").sha256(last.tobytes()).hexdigest())
    with pytest.raises(Exception, match="the job dies here"):
        describe_on_ray(col, crash, ids=ids, prompts=("caption",), cache_dir=cache_dir,
                        progress=False)
    done = sum(1 for _ in (cache_dir / "descriptions").rglob("*.json")) \
        if (cache_dir / "descriptions").exists() else 0
    result = describe_on_ray(col, "attributes", ids=ids, prompts=("caption",),
                             cache_dir=cache_dir, progress=False)
    distinct = len({col.hashes[i] for i in ids})
    assert (result.computed, result.cached) == (distinct - done, done)
    assert len(result.descriptions) == len(ids) and result.failed.empty
    # the one-machine path reads every text and makes none
    again = describe_collection(load_image_describer("attributes"), col, ids, ("caption",),
                                Cache(cache_dir), progress=False)
    assert again.cached.all()
    assert again.text.tolist() == result.descriptions.sort_values("id").text.tolist()


def test_describe_on_ray_with_a_tiny_vlm_fills_the_study_cache(ray_local, fixture_collection,
                                                               tmp_path):
    from _tiny_vlm import build_tiny_llava

    folder = build_tiny_llava(tmp_path / "llava")
    spec = an.models.hf(str(folder), max_new_tokens=4, batch_size=2)
    col = fixture_collection
    ids = [0, 3, 5]
    result = describe_on_ray(col, spec, ids=ids, prompts=("caption", "description"),
                             cache_dir=tmp_path / "cache", progress=False)
    assert result.computed == 6 and result.failed.empty
    assert set(result.descriptions.prompt) == {"caption", "description"}
    study = an.Study(col, cache_dir=tmp_path / "cache", progress=False)
    study.describe(describers=[spec], ids=ids)
    assert study.descriptions_.cached.all()
    merged = study.descriptions_.merge(result.descriptions, on=["id", "prompt"])
    assert (merged.text_x == merged.text_y).all() and len(merged) == 6


class _FakeOpenAI(BaseHTTPRequestHandler):
    """A chat-completions server: the first request fails with 500; it records how many
    requests were in flight at once."""

    lock = threading.Lock()
    state = {"in_flight": 0, "most": 0, "requests": 0}

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("content-length", 0))
        body = json.loads(self.rfile.read(length))
        with self.lock:
            self.state["requests"] += 1
            first = self.state["requests"] == 1
            self.state["in_flight"] += 1
            self.state["most"] = max(self.state["most"], self.state["in_flight"])
        try:
            time.sleep(0.05)
            if first:
                self.send_response(500)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"error": {"message": "warming up"}}')
                return
            answer = {"id": "x", "object": "chat.completion", "created": 0,
                      "model": body["model"], "choices": [{
                          "index": 0, "finish_reason": "stop",
                          "message": {"role": "assistant", "content": "a calm painting"}}],
                      "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}}
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        finally:
            with self.lock:
                self.state["in_flight"] -= 1


def test_describe_on_ray_through_a_server_bounds_requests_and_retries(
        ray_local, fixture_collection, tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        spec = an.models.openai("tiny", url=url, concurrency=2, max_retries=2, max_new_tokens=8)
        ids = list(range(8))
        result = describe_on_ray(fixture_collection, spec, ids=ids, prompts=("caption",),
                                 cache_dir=tmp_path / "cache", progress=False)
    finally:
        server.shutdown()
    state = _FakeOpenAI.state
    assert result.failed.empty and result.computed == len({fixture_collection.hashes[i]
                                                          for i in ids})
    assert set(result.descriptions.text) == {"a calm painting"}
    assert state["most"] <= 2                          # one actor, concurrency 2
    assert state["requests"] == result.computed + 1    # the 500 was retried


def test_fit_sample_assign_on_ray_equals_in_process(ray_local):
    rng = np.random.default_rng(3)
    X = (rng.normal(size=(4, 8))[rng.integers(0, 4, 3000)] * 5
         + rng.normal(size=(3000, 8))).astype(np.float32)
    kwargs = {"sample_size": 500, "seed": 1, "reducer": "pca", "method": "kmeans",
              "n_clusters": 4, "batch_size": 700}
    local = fit_sample_assign(X, engine="local", **kwargs)
    remote = fit_sample_assign(X, engine="ray", **kwargs)
    assert (local.labels == remote.labels).all()
    np.testing.assert_allclose(local.reduced, remote.reduced, atol=1e-5)


@pytest.mark.parametrize("clustering", [["--cluster-method", "kmeans", "--n-clusters", "4"],
                                        []], ids=["kmeans", "hdbscan-default"])
def test_cli_engine_ray_gives_the_same_clusters(ray_local, fixture_dir, fixture_collection,
                                                tiny_clip_dir, tmp_path, clustering):
    """``artopic run FOLDER --engine ray`` and the same run without it (same seed): the same
    embeddings, map, clusters and samples. k-means makes 4 real clusters of the 24 fixture
    works; HDBSCAN's default (min_cluster_size 3) finds none with this tiny random model, so
    that case holds the default path to the same all-noise answer."""
    from artopic_nb.cli import main

    args = ["run", str(fixture_dir), "--embedder", str(tiny_clip_dir), "--no-describe",
            "--no-progress", "--seed", "3", *clustering]
    assert main([*args, "--out", str(tmp_path / "local")]) == 0
    assert main([*args, "--out", str(tmp_path / "ray"), "--engine", "ray"]) == 0
    local, on_ray = tmp_path / "local" / "study", tmp_path / "ray" / "study"
    np.testing.assert_array_equal(np.load(local / "labels.npy"), np.load(on_ray / "labels.npy"))
    if clustering:
        assert len(set(np.load(local / "labels.npy").tolist()) - {-1}) == 4
    assert _cosines(np.load(local / "embeddings.npy"), np.load(on_ray / "embeddings.npy")).min() \
        >= 0.9999
    np.testing.assert_allclose(np.load(local / "coords.npy"), np.load(on_ray / "coords.npy"),
                               atol=1e-4)
    assert pd.read_parquet(local / "samples.parquet").equals(
        pd.read_parquet(on_ray / "samples.parquet"))
    ray_cache = tmp_path / "ray" / "cache" / "embeddings"
    assert sum(1 for _ in ray_cache.rglob("*.npy")) == len(set(fixture_collection.hashes))

