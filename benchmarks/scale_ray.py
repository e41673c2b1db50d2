"""artopic_nb.scale on this machine: local Ray (2 CPUs) against the single-process path.

``--cpus`` gives the local Ray instance more CPUs; GPUs are detected (then the embedding
section times one actor per GPU in float16, the other CPUs decoding).

Every table prints our figure, its baseline from the same run, and the ratio (ours /
baseline); times are medians of ``--repeats`` runs unless a row says otherwise.

Sections (``--only embed,reduce,map``; all by default):

- **embed**: ``--n-images`` real-size JPEGs (about 1000 px, from the demo paintings) embedded
  with a CLIP ViT-B/32-sized model (random weights: the speed of the real one), in one process
  (``embed_collection``, its threaded decoding overlapped with the model: the baseline) and
  with ``embed_on_ray`` on a local Ray instance of 2 CPUs, each run into an empty cache; the
  Ray figures include the actors' start-up (model load) but not Ray's own start, printed
  apart. The default layout is timed ``--repeats`` times, the other two layouts
  ``--layout-repeats`` times. Then where the time goes, per core: decoding (read, hash,
  decode at reduced scale, crop), the model's forward pass, and the object store's put + get
  of a batch of crops (transfer); the stage with the largest share of an image's CPU time is
  the bottleneck. Also the scan (hash + full-decode check of every file).
- **reduce**: ``--points`` synthetic embeddings (20 clusters, 64-d, unit rows): UMAP + HDBSCAN
  fitted on everything (``reduce_embeddings`` + ``cluster_labels``, the study's path: the
  baseline) vs ``fit_sample_assign`` on a seeded sample of ``--sample`` points, the rest
  assigned; the agreement (ARI) of the two labellings and of each with the planted clusters;
  then the assignment of ``--assign-points`` points on Ray vs in this process.
- **map**: ``decimate`` of 10^6 points to 10^5 drawn + the ``EmbeddingPlot`` of those, and a
  selection resolved to ids, vs the ``EmbeddingPlot`` of all 10^6 points (Python side: build,
  bytes sent to the browser).

    python benchmarks/scale_ray.py [--only embed,reduce,map] [--n-images 2000] [--repeats 3]
                                   [--layout-repeats 1] [--points 20000] [--sample 5000]
                                   [--assign-points 40000] [--assign-batch 2500] [--cpus 2]
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
HEADERS = ("", "ours", "baseline", "ratio")


def _timed(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def _ratio(ours: float, baseline: float) -> str:
    return f"{ours / baseline:.2f}" if baseline else "-"


def _start_ray(cpus: int = 2):
    import ray

    started = time.perf_counter()
    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False)  # GPUs: detected
    ray.data.DataContext.get_current().enable_progress_bars = False
    return ray, time.perf_counter() - started


def bench_embed(args) -> None:
    import torch

    from artopic_nb import ImageCollection
    from artopic_nb.data.cache import Cache
    from artopic_nb.models.backends.clip import TransformersEmbedder
    from artopic_nb.scale import embed_on_ray, scan_on_ray
    from artopic_nb.scale._embed_workers import _load_preprocessing, _read_crop
    from artopic_nb.steps.embed import embed_collection

    paths = real_size_jpegs(WORK / "images", args.n_images)
    model_dir = build_model(WORK / "clip_b32")
    scan_one, col = _timed(lambda: ImageCollection.from_paths(paths, progress=False),
                           args.repeats)
    n = len(col)

    # baseline: one process, its fixed cost (model load + 8 images) and the full run
    def one_process_small():
        emb = TransformersEmbedder(model_dir, batch_size=32).load()
        embed_collection(emb, col.subset(range(8)), Cache(None), progress=False)

    t_fixed_one, _ = _timed(one_process_small, 1)
    single = TransformersEmbedder(model_dir, batch_size=32).load()
    t_single, _ = _timed(lambda: embed_collection(single, col, Cache(None), progress=False),
                         args.repeats)

    ray, t_init = _start_ray(args.cpus)
    gpus = ray.cluster_resources().get("GPU", 0)
    scan_ray, _ = _timed(lambda: scan_on_ray(paths, progress=False), args.repeats)

    def on_ray(**options):
        return embed_on_ray(col, str(model_dir), tempfile.mkdtemp(dir=WORK), progress=False,
                            batch_size=32, **options)

    t_fixed_ray, _ = _timed(lambda: embed_on_ray(col.subset(range(8)), str(model_dir),
                                                 tempfile.mkdtemp(dir=WORK), progress=False), 1)
    c = args.cpus
    layouts = [(f"Ray, default: {c} actors of 1 CPU, each decoding its batches", {},
                args.repeats),
               (f"Ray, 1 actor of {c} CPUs, decoding in it", {"actors": 1, "cpus_per_actor": c},
                args.layout_repeats),
               (f"Ray, 1 actor of {c - 0.5:g} CPUs + read tasks of 0.5 CPU",
                {"actors": 1, "cpus_per_actor": c - 0.5, "decode_cpus": 0.5},
                args.layout_repeats)]
    if gpus:  # the CPU layouts do not apply: one actor per GPU, the other CPUs decoding
        layouts = [(f"Ray, default: 1 actor per GPU ({gpus:g}), {args.cpus - gpus:g} CPUs "
                    "decoding", {}, args.repeats)]
    rows, t_default = [], None
    for name, options, repeats in layouts:
        t, result = _timed(lambda o=options: on_ray(**o), repeats)
        assert result.computed == len(set(col.hashes)) and result.failed.empty
        t_default = t_default or t
        rows.append((f"{name}: images/s (median of {repeats})", f"{n / t:.1f}",
                     f"{n / t_single:.1f}", _ratio(n / t, n / t_single)))
    rows += [
        ("overhead: wall seconds, default layout vs one process", f"{t_default:.1f}",
         f"{t_single:.1f}", _ratio(t_default, t_single)),
        ("fixed cost of a job: model load + 8 images (s, 1 run)", f"{t_fixed_ray:.1f}",
         f"{t_fixed_one:.1f}", _ratio(t_fixed_ray, t_fixed_one)),
        (f"scan of {len(paths)} files, hash + decode check: files/s", f"{len(paths) / scan_ray:.0f}",
         f"{len(paths) / scan_one:.0f}", _ratio(scan_one, scan_ray)),
    ]
    print_table(f"Embedding {n} JPEGs (~1000 px), CLIP B/32-sized, into an empty cache: "
                f"local Ray ({args.cpus} CPUs, {gpus:g} GPUs) vs one process ({machine()})",
                rows, HEADERS)
    print(f"Ray's own start (ray.init, {args.cpus} CPUs): {t_init:.1f} s, not included above")

    # where the time goes, per core
    _, fast, min_side = _load_preprocessing(single)
    sample = list(zip(col.metadata.path[:200], col.hashes[:200], strict=True))
    t_decode = median_time(lambda: [_read_crop(p, h, fast, min_side, col.max_pixels)
                                    for p, h in sample], repeats=3, warmup=1) / len(sample)
    crops = [np.frombuffer(_read_crop(p, h, fast, min_side, col.max_pixels)[0], np.uint8)
             .reshape(224, 224, 3) for p, h in sample[:32]]
    pixel_values = fast.pixel_values(crops)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    t_model = median_time(lambda: single.forward(pixel_values), repeats=3, warmup=1) / 32
    torch.set_num_threads(threads)
    batch = np.stack(crops)
    t_transfer = median_time(lambda: ray.get(ray.put(batch)), repeats=5, warmup=1) / 32
    ray.shutdown()
    per_image = t_decode + t_model + t_transfer
    stages = {"decode": t_decode, "model": t_model, "transfer": t_transfer}
    bottleneck = max(stages, key=stages.get)
    ideal = args.cpus / per_image  # every core busy, stages overlapped, no other cost
    print_table("Where the time goes: CPU ms per image, one core each (median of 3); ratio = "
                "share of an image's CPU time", [
                    ("decode: read + hash + reduced-scale decode + crop",
                     f"{t_decode * 1e3:.1f}", f"{per_image * 1e3:.1f}",
                     f"{t_decode / per_image:.2f}"),
                    ("model: CLIP B/32 forward pass, batch 32, 1 thread",
                     f"{t_model * 1e3:.1f}", f"{per_image * 1e3:.1f}",
                     f"{t_model / per_image:.2f}"),
                    (f"transfer: object store put + get of 32 crops ({batch.nbytes / 1e6:.1f} MB)",
                     f"{t_transfer * 1e3:.2f}", f"{per_image * 1e3:.1f}",
                     f"{t_transfer / per_image:.3f}"),
                    (f"Ray default layout vs the {args.cpus}-core limit (images/s)",
                     f"{n / t_default:.1f}",
                     f"{ideal:.1f}", _ratio(n / t_default, ideal)),
                ], ("stage", "ours", "baseline (all stages)", "ratio"))
    print(f"Bottleneck: {bottleneck} ({stages[bottleneck] / per_image:.0%} of an image's CPU "
          f"time; decode {1 / t_decode:.0f}, model {1 / t_model:.1f}, transfer "
          f"{1 / t_transfer:.0f} images/s per core)")


def _blobs(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    sizes = rng.dirichlet(np.ones(20) * 2) * n
    truth = np.repeat(np.arange(20), np.round(sizes).astype(int))[:n]
    truth = np.concatenate([truth, np.full(n - len(truth), 19)])
    centres = rng.normal(size=(20, 64))
    X = centres[truth] + rng.normal(scale=0.35, size=(n, 64))
    return (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32), truth


def bench_reduce(args) -> None:
    from sklearn.metrics import adjusted_rand_score as ari

    from artopic_nb.scale import fit_sample_assign
    from artopic_nb.steps.cluster import cluster_labels, resolve_params
    from artopic_nb.steps.reduce import reduce_embeddings

    X, truth = _blobs(args.points)
    n = len(X)

    def full_fit():
        reduced, _, _ = reduce_embeddings(X, seed=0)
        params, _ = resolve_params("hdbscan", n)
        return cluster_labels(reduced, **params)

    t_full, full = _timed(full_fit, args.repeats)
    t_fit, fit = _timed(lambda: fit_sample_assign(X, sample_size=args.sample, seed=0),
                        args.repeats)
    clusters = lambda labels: len(set(labels.tolist()) - {-1})  # noqa: E731
    both = (full >= 0) & (fit.labels >= 0)
    rows = [
        ("ARI, sample fit vs full fit (all points)", f"{ari(full, fit.labels):.3f}", "1.000",
         f"{ari(full, fit.labels):.3f}"),
        (f"ARI, sample fit vs full fit (where neither says noise: {both.mean():.0%})",
         f"{ari(full[both], fit.labels[both]):.3f}", "1.000",
         f"{ari(full[both], fit.labels[both]):.3f}"),
        ("ARI vs the 20 planted clusters", f"{ari(truth, fit.labels):.3f}",
         f"{ari(truth, full):.3f}", _ratio(ari(truth, fit.labels), ari(truth, full))),
        ("clusters found", clusters(fit.labels), clusters(full),
         _ratio(clusters(fit.labels), clusters(full))),
        ("noise share", f"{(fit.labels < 0).mean():.1%}", f"{(full < 0).mean():.1%}",
         _ratio((fit.labels < 0).mean(), (full < 0).mean())),
        (f"seconds (ours: fit {fit.seconds['fit']:.1f} + assign {fit.seconds['assign']:.1f})",
         f"{t_fit:.1f}", f"{t_full:.1f}", _ratio(t_fit, t_full)),
    ]
    print_table(f"UMAP (5-D, 2-D) + HDBSCAN on {n:,} synthetic points (20 clusters, 64-d): "
                f"ours fit on a seeded sample of {args.sample:,} + the rest assigned, baseline "
                f"fit on all (the study's path); median of {args.repeats}", rows, HEADERS)

    # assigning a larger set: on Ray (--cpus actors) vs in this process
    big, _ = _blobs(args.assign_points, seed=1)
    ray, _ = _start_ray(args.cpus)
    out = {engine: fit_sample_assign(big, sample_size=args.sample, seed=0, engine=engine,
                                     batch_size=args.assign_batch)
           for engine in ("local", "ray")}
    ray.shutdown()
    rate = {e: (len(big) - args.sample) / o.seconds["assign"] for e, o in out.items()}
    same = ari(out["local"].labels, out["ray"].labels)  # cluster numbers follow sizes: ARI
    print_table(f"fit_sample_assign on {len(big):,} points (sample {args.sample:,}): the "
                f"assignment in batches of {args.assign_batch:,} on Ray ({args.cpus} actors) vs in "
                "this process, 1 run (includes each actor's start and numba compile)", [
                    ("assigned points/s", f"{rate['ray']:.0f}", f"{rate['local']:.0f}",
                     _ratio(rate["ray"], rate["local"])),
                    ("ARI of the labels vs this process's", f"{same:.4f}", "1.0000",
                     f"{same:.4f}"),
                ], HEADERS)


def bench_map(args) -> None:
    from artopic_nb.scale import decimate
    from artopic_nb.widgets import EmbeddingPlot

    n = 1_000_000
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 8, size=(30, 2))
    labels = rng.integers(-1, 30, size=n)
    coords = (centres[np.maximum(labels, 0)] + rng.normal(0, 1.2, size=(n, 2))) \
        .astype(np.float32)
    repeats = max(3, args.repeats)
    t_full, full = _timed(lambda: EmbeddingPlot(coords, labels), repeats)
    sent_full = len(full.coords) + len(full.codes)
    t_recolour_full, _ = _timed(lambda p=full: p.set_labels((labels + 1) % 30), repeats)
    full = None  # free the big plot's buffers before the decimated one
    t_dec, view = _timed(lambda: decimate(coords, labels, 100_000), repeats)
    t_small, small = _timed(lambda: EmbeddingPlot(coords[view.shown], labels[view.shown]),
                            repeats)
    sent_small = len(small.coords) + len(small.codes)
    shown_labels = labels[view.shown]
    t_recolour_small, _ = _timed(lambda: small.set_labels((shown_labels + 1) % 30), repeats)
    picked = list(range(0, len(view.shown), 2))  # a lasso over half the drawn points
    t_sel, ids = _timed(lambda: view.members(picked), repeats)
    rows = [
        (f"build: decimate ({t_dec * 1e3:.0f} ms) + EmbeddingPlot ({t_small * 1e3:.0f} ms), ms",
         f"{(t_dec + t_small) * 1e3:.0f}", f"{t_full * 1e3:.0f}",
         _ratio(t_dec + t_small, t_full)),
        ("points drawn", f"{len(view.shown):,}", f"{n:,}", _ratio(len(view.shown), n)),
        ("MB sent to the browser", f"{sent_small / 1e6:.1f}", f"{sent_full / 1e6:.1f}",
         _ratio(sent_small, sent_full)),
        ("recolour (new labels), ms", f"{t_recolour_small * 1e3:.0f}",
         f"{t_recolour_full * 1e3:.0f}", _ratio(t_recolour_small, t_recolour_full)),
        (f"a lasso over half the drawn points -> ids ({len(ids):,} works), ms",
         f"{t_sel * 1e3:.1f}", "-", "-"),
    ]
    print_table(f"The map at {n:,} points: decimated to 10^5 drawn vs all drawn "
                f"(Python side; median of {repeats})", rows, HEADERS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="embed,reduce,map")
    parser.add_argument("--n-images", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--layout-repeats", type=int, default=1,
                        help="runs of the two non-default Ray layouts")
    parser.add_argument("--cpus", type=int, default=2, help="CPUs of the local Ray instance")
    parser.add_argument("--points", type=int, default=20_000)
    parser.add_argument("--sample", type=int, default=5_000)
    parser.add_argument("--assign-points", type=int, default=40_000,
                        help="points of the Ray vs in-process assignment")
    parser.add_argument("--assign-batch", type=int, default=2_500,
                        help="its batch size (both engines, so their labels can be equal)")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for name in args.only.split(","):
        {"embed": bench_embed, "reduce": bench_reduce, "map": bench_map}[name.strip()](args)
    print(f"\n(benchmark wall time {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
