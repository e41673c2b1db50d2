"""artopic_nb.scale on this machine: local Ray (2 CPUs) against the single-process path.

Sections (``--only embed,reduce,map``; all by default):

- **embed**: ``--n-images`` real-size JPEGs (about 1000 px, from the demo paintings) embedded
  with a CLIP ViT-B/32-sized model (random weights: the speed of the real one), in one process
  (``embed_collection``, its threaded decoding overlapped with the model) and with
  ``embed_on_ray`` on a local Ray instance of 2 CPUs, each into an empty cache; the figures
  include the actors' start-up (model load) but not Ray's own start, printed apart. Then where
  the time goes: decoding (read, hash, decode at reduced scale, crop) per core, the model's
  forward pass per core, and the object store's put + get of a batch of crops (transfer).
  Also the scan (hash + full-decode check of every file) in one process and on Ray.
- **reduce**: ``--points`` synthetic embeddings (20 clusters, 64-d, unit rows): UMAP + HDBSCAN
  fitted on everything (``reduce_embeddings`` + ``cluster_labels``, the study's path) vs
  ``fit_sample_assign`` on a seeded sample of ``--sample`` points, the rest assigned; the
  agreement (ARI) of the two labellings and of each with the planted clusters; and the
  assignment of a 10x larger set in this process vs on Ray.
- **map**: the ``EmbeddingPlot`` built at 10^5 and 10^6 points (Python side: build, buffer
  bytes, a recolouring) vs ``decimate`` to 10^5 points, and a selection resolved to ids.

Medians of ``--repeats`` runs (1 for the long embedding runs unless asked).

    python benchmarks/scale.py [--only embed,reduce,map] [--n-images 2000] [--repeats 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, median_time, print_table, real_size_jpegs  # noqa: E402
from embed_throughput import build_model  # noqa: E402

WORK = Path(tempfile.gettempdir()) / "artopic_bench_scale"


def _timed(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def bench_embed(args) -> None:
    import ray
    import torch

    from artopic_nb import ImageCollection
    from artopic_nb.cache import Cache
    from artopic_nb.embed import TransformersEmbedder, embed_collection
    from artopic_nb.scale import embed_on_ray, scan_on_ray
    from artopic_nb.scale.embed import _load_preprocessing, _read_crop

    paths = real_size_jpegs(WORK / "images", args.n_images)
    model_dir = build_model(WORK / "clip_b32")
    scan_one, col = _timed(lambda: ImageCollection.from_paths(paths, progress=False), 1)
    n = len(col)

    single = TransformersEmbedder(model_dir, batch_size=32).load()
    t_single, _ = _timed(lambda: embed_collection(single, col, Cache(None), progress=False),
                         args.repeats)

    started = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    t_init = time.perf_counter() - started
    scan_ray, _ = _timed(lambda: scan_on_ray(paths, progress=False), 1)

    def on_ray(**options):
        return embed_on_ray(col, str(model_dir), tempfile.mkdtemp(dir=WORK), progress=False,
                            batch_size=32, **options)

    layouts = [("default: 2 actors of 1 CPU, each decoding its batches", {}),
               ("1 actor of 2 CPUs, decoding in it", {"actors": 1, "cpus_per_actor": 2}),
               ("1 actor of 1.5 CPUs + read tasks of 0.5 CPU", {"actors": 1,
                                                              "cpus_per_actor": 1.5,
                                                              "decode_cpus": 0.5})]
    rows = [("one process (embed_collection)", f"{n / t_single:.1f}", "1.00", f"{t_single:.1f}")]
    for name, options in layouts:
        t, result = _timed(lambda o=options: on_ray(**o), args.repeats)
        assert result.computed == len(set(col.hashes)) and result.failed.empty
        rows.append((f"Ray: {name}", f"{n / t:.1f}", f"{t_single / t:.2f}", f"{t:.1f}"))
    t_fixed, _ = _timed(lambda: embed_on_ray(col.subset(range(8)), str(model_dir),
                                             tempfile.mkdtemp(dir=WORK), progress=False), 1)
    print_table(f"Embedding {n} JPEGs (~1000 px), CLIP B/32-sized, into an empty cache "
                f"({machine()}; median of {args.repeats})",
                rows, ("path", "images/s", "vs one process", "seconds"))
    print(f"Ray start-up (ray.init, 2 CPUs): {t_init:.1f} s, not included; a job's fixed cost "
          f"(actor start + model load, 8 images): {t_fixed:.1f} s, included above")
    print(f"Scan of {len(paths)} files (hash + decode check): one process {scan_one:.1f} s "
          f"({len(paths) / scan_one:.0f} files/s), Ray {scan_ray:.1f} s "
          f"({len(paths) / scan_ray:.0f} files/s)")

    # where the time goes, per core
    _, fast, min_side = _load_preprocessing(single)
    sample = list(zip(col.metadata.path[:200], col.hashes[:200], strict=True))
    t_decode = median_time(lambda: [_read_crop(p, h, fast, min_side, col.max_pixels)
                                    for p, h in sample], repeats=3, warmup=1)
    crops = [np.frombuffer(_read_crop(p, h, fast, min_side, col.max_pixels)[0], np.uint8)
             .reshape(224, 224, 3) for p, h in sample[:32]]
    pixel_values = fast.pixel_values(crops)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    t_forward = median_time(lambda: single.forward(pixel_values), repeats=3, warmup=1)
    torch.set_num_threads(threads)
    batch = np.stack(crops)
    t_transfer = median_time(lambda: ray.get(ray.put(batch)), repeats=5, warmup=1)
    print_table("Where the time goes (one core each)", [
        ("decode: read + hash + reduced-scale decode + crop", f"{len(sample) / t_decode:.0f}"),
        ("model: CLIP B/32 forward pass, batch 32, 1 thread", f"{32 / t_forward:.1f}"),
        ("transfer: object store put + get of 32 crops "
         f"({batch.nbytes / 1e6:.1f} MB)", f"{32 / t_transfer:.0f}"),
    ], ("stage", "images/s"))
    ray.shutdown()


def _blobs(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    sizes = rng.dirichlet(np.ones(20) * 2) * n
    truth = np.repeat(np.arange(20), np.round(sizes).astype(int))[:n]
    truth = np.concatenate([truth, np.full(n - len(truth), 19)])
    centres = rng.normal(size=(20, 64))
    X = centres[truth] + rng.normal(scale=0.35, size=(n, 64))
    return (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32), truth


def bench_reduce(args) -> None:
    from sklearn.metrics import adjusted_rand_score

    from artopic_nb.cluster import cluster_labels, resolve_params
    from artopic_nb.reduce import reduce_embeddings
    from artopic_nb.scale import fit_sample_assign

    X, truth = _blobs(args.points)
    n = len(X)
    started = time.perf_counter()
    reduced, _, _ = reduce_embeddings(X, seed=0)
    params, _ = resolve_params("hdbscan", n)
    full = cluster_labels(reduced, **params)
    t_full = time.perf_counter() - started
    fit = fit_sample_assign(X, sample_size=args.sample, seed=0)
    t_fit = sum(fit.seconds.values())
    noise = lambda labels: f"{(labels < 0).mean():.1%}"  # noqa: E731
    clusters = lambda labels: len(set(labels.tolist()) - {-1})  # noqa: E731
    print_table(f"UMAP (5-D, 2-D) + HDBSCAN on {n} synthetic points (20 clusters, 64-d)", [
        ("fit on all points (the study's path)", f"{t_full:.1f}", clusters(full), noise(full),
         f"{adjusted_rand_score(truth, full):.3f}", "1.000"),
        (f"fit on a seeded sample of {args.sample}, rest assigned", f"{t_fit:.1f} "
         f"(fit {fit.seconds['fit']:.1f}, assign {fit.seconds['assign']:.1f})",
         clusters(fit.labels), noise(fit.labels), f"{adjusted_rand_score(truth, fit.labels):.3f}",
         f"{adjusted_rand_score(full, fit.labels):.3f}"),
    ], ("path", "seconds", "clusters", "noise", "ARI vs planted", "ARI vs full fit"))
    both = (full >= 0) & (fit.labels >= 0)
    print(f"ARI where neither calls the point noise ({both.mean():.0%} of points): "
          f"{adjusted_rand_score(full[both], fit.labels[both]):.3f}")

    # assigning a larger set: in this process vs on Ray (2 CPUs)
    import ray

    big, _ = _blobs(10 * n, seed=1)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    rows = []
    for engine in ("local", "ray"):
        out = fit_sample_assign(big, sample_size=args.sample, seed=0, engine=engine)
        rows.append((engine, f"{out.seconds['fit']:.1f}", f"{out.seconds['assign']:.1f}",
                     f"{(len(big) - args.sample) / out.seconds['assign']:.0f}"))
    ray.shutdown()
    print_table(f"fit_sample_assign on {len(big)} points (sample {args.sample})", rows,
                ("engine", "fit s", "assign s", "assigned points/s"))


def bench_map(args) -> None:
    from artopic_nb.scale import decimate
    from artopic_nb.widgets import EmbeddingPlot

    rng = np.random.default_rng(0)
    rows = []
    for n in (100_000, 1_000_000):
        centres = rng.normal(0, 8, size=(30, 2))
        labels = rng.integers(-1, 30, size=n)
        coords = (centres[np.maximum(labels, 0)] + rng.normal(0, 1.2, size=(n, 2))) \
            .astype(np.float32)
        t_build, plot = _timed(lambda c=coords, lab=labels: EmbeddingPlot(c, lab), 3)
        t_recolour, _ = _timed(lambda p=plot, lab=labels: p.set_labels((lab + 1) % 30), 3)
        sent = len(plot.coords) + len(plot.codes)
        rows.append((f"EmbeddingPlot, all {n:,} points", f"{t_build * 1e3:.0f}",
                     f"{t_recolour * 1e3:.0f}", f"{sent / 1e6:.1f}", "-"))
        if n > 100_000:
            t_dec, view = _timed(lambda c=coords, lab=labels: decimate(c, lab, 100_000), 3)
            t_small, small = _timed(lambda v=view, c=coords, lab=labels: EmbeddingPlot(
                c[v.shown], lab[v.shown]), 3)
            picked = list(range(0, len(view.shown), 2))  # a lasso over half the drawn points
            t_sel, ids = _timed(lambda v=view, p=picked: v.members(p), 3)
            rows.append((f"decimate({n:,} -> {len(view.shown):,}) + EmbeddingPlot",
                         f"{(t_dec + t_small) * 1e3:.0f} ({t_dec * 1e3:.0f} + "
                         f"{t_small * 1e3:.0f})", "-",
                         f"{(len(small.coords) + len(small.codes)) / 1e6:.1f}",
                         f"{t_sel * 1e3:.1f} ms for {len(ids):,} ids"))
    print_table("The map at 10^5 and 10^6 points (Python side; median of 3)", rows,
                ("view", "build ms", "recolour ms", "MB to the browser",
                 "selection of half the drawn points -> ids"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="embed,reduce,map")
    parser.add_argument("--n-images", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--points", type=int, default=20_000)
    parser.add_argument("--sample", type=int, default=5_000)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    for name in args.only.split(","):
        {"embed": bench_embed, "reduce": bench_reduce, "map": bench_map}[name.strip()](args)


if __name__ == "__main__":
    main()
