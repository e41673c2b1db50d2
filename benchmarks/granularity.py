"""Benchmark: which clustering granularity can a person read, and which agrees best with known labels?

Needs ``pip install evoc fast-hdbscan`` for their rows (they say "not installed" otherwise).

Run:  python benchmarks/granularity.py            # every collection: about 25 minutes on 2 busy
                                                  # cores the first time (drawing and embedding
                                                  # 10,000 pictures, UMAP at 10,000), about 10
                                                  # after (collections cached in --cache)
      python benchmarks/granularity.py --quick    # the demo, 1,000 generated images, 10,000
                                                  # embeddings reduced with PCA (about a minute)

Collections (each with known labels; noise-free truth is never given to a method):

- **demo**: the 174 Met paintings, embedded as ``an.Study(col).embed("color").reduce()`` does
  (the no-model colour/texture embedder, UMAP to 5-D); labels: the genre, and the Met tag
  that is most frequent in the collection among each work's tags.
- **images 1k / 10k**: generated 128-px pictures with known structure: groups of uneven sizes
  (log-normal shares) that share a palette and a texture (stripe angle and frequency, or
  blotches), sub-groups inside each group that differ in layout (where the light falls, a
  second colour), and 12 % loners drawn at random; embedded with the same colour/texture
  embedder and reduced as the Study does (UMAP to 5-D). Labels: group (loners: one class of
  their own) and sub-group.
- **embeddings 10k / 100k**: CLIP-like vectors (64-D, L2-normalised) from a two-level mixture:
  groups of uneven sizes and spreads, 2-4 sub-groups each, 12 % loners. 10k is reduced with
  UMAP as the Study does; **100k is reduced with PCA to 5-D** (UMAP at 10^5 takes many minutes
  on 2 cores: fitting UMAP on a 10,000 sample alone took 100 s here, transforming the rest
  150 s more), and so is 10k under ``--quick``.

Methods run on the 5-D reduction the Study clusters (EVoC on the embeddings themselves, as it
is meant to): HDBSCAN with excess-of-mass (``eom``) and leaf selection under several
``min_cluster_size`` rules, with and without a cap on a cluster's size; fast-hdbscan (the same
rules, another implementation); EVoC's ``cluster_layers_`` (the layer whose count is nearest
the target); k-means with a chosen k. Reported per collection and method: clusters, noise
share, NMI and ARI against the primary labels on all works (noise one group of its own) and on
clustered works only, NMI against the secondary labels, and the time (median of ``--repeats``;
fast-hdbscan's numba compilation is warmed up first). ``*`` marks the default
(:func:`artopic_nb.steps.cluster.size_defaults`), ``cur`` the rule it replaces. A method is
*readable* when it makes 5-50 clusters (3-50 under 300 works) with at most 40 % noise; the
summary gives, per collection, the current rule, the default and their NMI ratio.

A second table measures the hierarchy (:func:`artopic_nb.steps.cluster.edits.cluster_tree`): on the
collections with sub-groups, the default's clusters are merged up to as many groups as the
truth has, by merging centroids (Ward) or by HDBSCAN's condensed tree; NMI with the groups.
A third times what the explorer's views need at 10,000 works: labels at a level, and replaying
an edit log; a fourth, each action of the explorer's clusters panel at 10,000 works, from the
click's handler until every view holds the result (kernel side; the map's own draw of new
labels is what ``benchmarks/widget_recluster.py`` measures in a browser).
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, print_table  # noqa: E402

warnings.filterwarnings("ignore")


# -- collections --------------------------------------------------------------------------------

@dataclass
class Collection:
    name: str
    reduced: np.ndarray                 # what the Study clusters (5-D)
    raw: np.ndarray                     # the embeddings (for EVoC)
    known: dict[str, np.ndarray]        # label name -> labels (first: primary); -1 = loner
    reducer: str
    hierarchy: tuple[str, str] | None = None  # (coarse, fine) label names when nested
    extra: dict = field(default_factory=dict)


def _cached(cache: Path | None, key: str, make):
    """``make()`` -> dict of arrays, kept in ``cache/<key>.npz``."""
    if cache is None:
        return make()
    path = cache / f"{key}.npz"
    if path.exists():
        with np.load(path, allow_pickle=False) as f:
            return {k: f[k] for k in f.files}
    out = make()
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(path, **out)
    return out


def _reduce(X: np.ndarray, how: str, seed: int = 0) -> np.ndarray:
    from artopic_nb.steps.reduce import pca, reduce_embeddings

    if how == "pca":
        return pca(X, 5, seed)
    return reduce_embeddings(X, n_components=5, seed=seed, method="umap")[0]


def _two_level(rng, n: int, n_groups: int, loners: float):
    """Group and sub-group of ``n`` works: uneven group shares, 2-4 sub-groups each, loners -1."""
    shares = rng.lognormal(0, 0.9, n_groups)
    group = rng.choice(n_groups, n, p=shares / shares.sum())
    n_sub = rng.integers(2, 5, n_groups)
    sub_share = [rng.dirichlet(np.full(k, 2.0)) for k in n_sub]
    sub = np.array([rng.choice(n_sub[g], p=sub_share[g]) for g in group])
    lone = rng.random(n) < loners
    group[lone] = -1
    sub = np.where(lone, -1, group * 10 + sub)
    return group, sub, n_sub


def demo_collection(cache: Path | None) -> Collection:
    import pandas as pd

    import artopic_nb as an

    col = an.datasets.met_paintings(progress=False)

    def make():
        study = an.Study(col, cache_dir=None, progress=False).embed("color").reduce()
        return {"raw": study.embeddings_, "reduced": study.reduced_, "reducer": np.array(study.reducer_)}

    arrays = _cached(cache, "demo_" + hashlib.sha256("".join(col.hashes).encode()).hexdigest()[:12], make)
    meta = col.metadata
    tags = meta["tags"].fillna("").str.split(";").apply(lambda ts: [t.strip() for t in ts if t.strip()])
    counts = pd.Series([t for ts in tags for t in ts]).value_counts()
    top_tag = tags.apply(lambda ts: max(ts, key=lambda t: (counts[t], t)) if ts else "(none)")
    return Collection("demo (174 Met paintings)", arrays["reduced"], arrays["raw"],
                      {"genre": pd.factorize(meta["genre"])[0], "Met tag": pd.factorize(top_tag)[0]},
                      f"colour embedder, {arrays['reducer']}")


def _picture(rng, hue, light, texture, layout, size=128):
    """One 128-px RGB picture: a palette (hue, lightness), a texture and a layout."""
    from PIL import Image

    yy, xx = np.mgrid[0:size, 0:size] / size
    kind, angle, freq = texture
    if kind == 0:       # stripes
        t = np.sin(2 * np.pi * freq * (xx * np.cos(angle) + yy * np.sin(angle)))
    elif kind == 1:     # blotches
        coarse = rng.random((6, 6))
        t = np.kron(coarse, np.ones((size // 6 + 1, size // 6 + 1)))[:size, :size] * 2 - 1
    else:               # smooth
        t = np.zeros((size, size))
    where, second_hue = layout
    band = {0: yy, 1: 1 - yy, 2: xx, 3: 1 - xx}[where]
    h = np.where(band > 0.65, second_hue, hue) + rng.normal(0, 0.01)
    s = np.clip(0.55 + 0.25 * t + rng.normal(0, 0.05, (size, size)), 0, 1)
    v = np.clip(light + 0.25 * band - 0.1 + 0.12 * t + rng.normal(0, 0.04, (size, size)), 0, 1)
    hsv = np.stack([np.mod(h, 1) * 255, s * 255, v * 255], -1).astype(np.uint8)
    return Image.fromarray(hsv, "HSV").convert("RGB")


def image_collection(n: int, cache: Path | None, seed: int = 0) -> Collection:
    from artopic_nb.models.backends.color import ColorTextureEmbedder

    def make():
        rng = np.random.default_rng(seed)
        n_groups = 10 if n <= 2000 else 25
        group, sub, n_sub = _two_level(rng, n, n_groups, loners=0.12)
        # palettes come in three families (as paintings' do: earth tones, blues, reds), so
        # groups of a family lie near each other
        family = rng.integers(0, 3, n_groups)
        g_hue = np.array([0.08, 0.6, 0.95])[family] + rng.normal(0, 0.06, n_groups)
        g_light = np.array([0.45, 0.6, 0.5])[family] + rng.normal(0, 0.1, n_groups)
        g_tex = [(int(rng.integers(0, 3)), rng.uniform(0, np.pi), rng.uniform(2, 9)) for _ in range(n_groups)]
        layouts = {(g, k): (int(rng.integers(0, 4)), g_hue[g] + rng.choice([-1, 1]) * rng.uniform(0.12, 0.3))
                   for g in range(n_groups) for k in range(n_sub[g])}
        emb = ColorTextureEmbedder()
        rows = []
        for i in range(n):
            g = group[i]
            if g < 0:
                pic = _picture(rng, rng.random(), rng.uniform(0.3, 0.8),
                               (int(rng.integers(0, 3)), rng.uniform(0, np.pi), rng.uniform(2, 9)),
                               (int(rng.integers(0, 4)), rng.random()))
            else:
                kind, angle, freq = g_tex[g]
                pic = _picture(rng, g_hue[g] + rng.normal(0, 0.02), g_light[g] + rng.normal(0, 0.06),
                               (kind, angle + rng.normal(0, 0.2), freq * rng.uniform(0.8, 1.25)),
                               layouts[(g, sub[i] % 10)])
            rows.append(emb.features(pic))
        raw = np.stack(rows).astype(np.float32)
        raw /= np.linalg.norm(raw, axis=1, keepdims=True)
        return {"raw": raw, "reduced": _reduce(raw, "umap", seed), "group": group, "sub": sub}

    a = _cached(cache, f"images_{n}_{seed}", make)
    return Collection(f"images {n:,}", a["reduced"], a["raw"], {"group": a["group"], "sub-group": a["sub"]},
                      "colour embedder, umap", hierarchy=("group", "sub-group"))


def embedding_collection(n: int, cache: Path | None, reducer: str, seed: int = 0) -> Collection:
    def make():
        rng = np.random.default_rng(seed + 1)
        n_groups, d = 20, 64
        group, sub, n_sub = _two_level(rng, n, n_groups, loners=0.12)
        # groups come in four families whose members lie near each other
        families = rng.normal(0, 1, (4, d))
        centre = families[rng.integers(0, 4, n_groups)] + rng.normal(0, 0.6, (n_groups, d))
        offset = {(g, k): rng.normal(0, 0.35, d) for g in range(n_groups) for k in range(n_sub[g])}
        spread = rng.uniform(0.25, 0.45, n_groups)
        X = rng.normal(0, 1, (n, d))  # loners: anywhere
        for i in np.flatnonzero(group >= 0):
            g = group[i]
            X[i] = centre[g] + offset[(g, sub[i] % 10)] + rng.normal(0, spread[g], d)
        X = (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32)
        return {"raw": X, "reduced": _reduce(X, reducer, seed), "group": group, "sub": sub}

    a = _cached(cache, f"emb_{n}_{reducer}_{seed}", make)
    return Collection(f"embeddings {n:,}", a["reduced"], a["raw"], {"group": a["group"], "sub-group": a["sub"]},
                      f"64-D mixture, {reducer}", hierarchy=("group", "sub-group"))


# -- methods ------------------------------------------------------------------------------------

def target_clusters(n: int) -> int:
    """The count a person can read: sqrt(n) / 2 between 5 and 50 (3 under 30 works)."""
    return int(min(50, max(3 if n < 30 else 5, round(n ** 0.5 / 2))))


SIZE_RULES = {  # name -> min_cluster_size for n works
    "0.6*sqrt(n)": lambda n: max(2, round(0.6 * n ** 0.5)),
    "sqrt(n)/4, >=5": lambda n: max(5, round(n ** 0.5 / 4)),
    "5": lambda n: 5,
}


def _hdbscan(selection: str, rule: str, cap: float | None = None):
    import hdbscan

    def run(c: Collection) -> np.ndarray:
        n = len(c.reduced)
        kw = {} if cap is None else {"max_cluster_size": int(cap * n)}
        return hdbscan.HDBSCAN(min_cluster_size=min(n, SIZE_RULES[rule](n)), core_dist_n_jobs=1,
                               cluster_selection_method=selection, **kw).fit_predict(c.reduced)
    return run


def _fast_hdbscan(selection: str, rule: str):
    import fast_hdbscan

    def run(c: Collection) -> np.ndarray:
        n = len(c.reduced)
        return fast_hdbscan.HDBSCAN(min_cluster_size=min(n, SIZE_RULES[rule](n)),
                                    cluster_selection_method=selection).fit_predict(c.reduced)
    return run


def _evoc(c: Collection) -> np.ndarray:
    import evoc

    model = evoc.EVoC(random_state=0)
    model.fit(c.raw)
    target = target_clusters(len(c.raw))
    layers = [np.asarray(layer) for layer in model.cluster_layers_]
    return min(layers, key=lambda lab: abs(lab.max() + 1 - target))


def _kmeans(c: Collection) -> np.ndarray:
    from artopic_nb.steps.cluster import cluster_labels

    return cluster_labels(c.reduced, "kmeans", n_clusters=target_clusters(len(c.reduced)), seed=0)


def _default(c: Collection) -> np.ndarray:
    """What ``study.cluster()`` does with no parameters."""
    from artopic_nb.steps import cluster

    if hasattr(cluster, "readable_hdbscan"):
        return cluster.readable_hdbscan(c.reduced)[1]
    params, _ = cluster.resolve_params("hdbscan", len(c.reduced))
    params.pop("method")
    return cluster.cluster_labels(c.reduced, "hdbscan", **params)


METHODS = {  # name -> (function, mark)
    "hdbscan eom, mcs 0.6*sqrt(n)": (_hdbscan("eom", "0.6*sqrt(n)"), "cur"),
    "hdbscan eom, mcs sqrt(n)/4 >=5": (_hdbscan("eom", "sqrt(n)/4, >=5"), ""),
    "hdbscan eom, mcs sqrt(n)/4 >=5, cap n/5": (_hdbscan("eom", "sqrt(n)/4, >=5", 0.2), ""),
    "hdbscan eom, mcs 5": (_hdbscan("eom", "5"), ""),
    "hdbscan leaf, mcs 0.6*sqrt(n)": (_hdbscan("leaf", "0.6*sqrt(n)"), ""),
    "hdbscan leaf, mcs sqrt(n)/4 >=5": (_hdbscan("leaf", "sqrt(n)/4, >=5"), ""),
    "fast-hdbscan eom, mcs sqrt(n)/4 >=5": (_fast_hdbscan("eom", "sqrt(n)/4, >=5"), ""),
    "fast-hdbscan leaf, mcs sqrt(n)/4 >=5": (_fast_hdbscan("leaf", "sqrt(n)/4, >=5"), ""),
    "EVoC layer nearest target (raw embeddings)": (_evoc, ""),
    "k-means, k = target": (_kmeans, ""),
    "study.cluster() default": (_default, "*"),
}


def scores(labels: np.ndarray, known: np.ndarray) -> dict:
    from sklearn.metrics import adjusted_rand_score as ari
    from sklearn.metrics import normalized_mutual_info_score as nmi

    labels = np.asarray(labels)
    kept = labels >= 0
    return {"k": int(labels.max(initial=-1) + 1), "noise": float(1 - kept.mean()),
            "nmi": nmi(known, labels), "ari": ari(known, labels),
            "nmi_c": nmi(known[kept], labels[kept]) if kept.sum() > 1 else float("nan"),
            "ari_c": ari(known[kept], labels[kept]) if kept.sum() > 1 else float("nan")}


def readable(s: dict, n: int) -> bool:
    return (3 if n < 300 else 5) <= s["k"] <= 50 and s["noise"] <= 0.40


def timed(fn, c: Collection, repeats: int) -> tuple[np.ndarray, float]:
    times, labels = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        labels = fn(c)
        times.append(time.perf_counter() - start)
    return np.asarray(labels), statistics.median(times)


def run_collection(c: Collection, repeats: int) -> dict[str, dict]:
    n = len(c.reduced)
    names = list(c.known)
    primary, secondary = c.known[names[0]], c.known[names[1]]
    rows, results = [], {}
    for name, (fn, mark) in METHODS.items():
        try:
            labels, seconds = timed(fn, c, 1 if n >= 50_000 else repeats)
        except ImportError as exc:  # evoc, fast-hdbscan: pip install evoc fast-hdbscan
            rows.append((mark, name, f"not installed ({exc.name})", *[""] * 8))
            continue
        s = scores(labels, primary)
        s["nmi2"] = scores(labels, secondary)["nmi"]
        s["seconds"], s["labels"], s["readable"] = seconds, labels, readable(s, n)
        results[name] = s
        rows.append((mark, name, s["k"], f"{s['noise']:.0%}", f"{s['nmi']:.3f}", f"{s['ari']:.3f}",
                     f"{s['nmi_c']:.3f}", f"{s['ari_c']:.3f}", f"{s['nmi2']:.3f}",
                     "yes" if s["readable"] else "no", f"{seconds:.2f}"))
    print_table(f"{c.name}: {n:,} works ({c.reducer}); truth: {names[0]} "
                f"({len(set(primary.tolist()))} classes), also {names[1]} "
                f"({len(set(secondary.tolist()))}); target {target_clusters(n)} clusters",
                rows, ("", "method", "clusters", "noise", f"NMI {names[0]}", f"ARI {names[0]}",
                       "NMI clustered", "ARI clustered", f"NMI {names[1]}", "readable", "s"))
    return results


# -- hierarchy ----------------------------------------------------------------------------------

def condensed_cut(c: Collection, n_groups: int) -> np.ndarray:
    """The default rule's HDBSCAN clusters merged up its condensed tree to ``n_groups``: the
    latest split (highest lambda) is undone first."""
    import hdbscan

    from artopic_nb.steps.cluster import readable_hdbscan

    params = readable_hdbscan(c.reduced)[0]
    model = hdbscan.HDBSCAN(min_cluster_size=params["min_cluster_size"], core_dist_n_jobs=1,
                            min_samples=params["min_samples"],
                            max_cluster_size=params["max_cluster_size"]).fit(c.reduced)
    tree = model.condensed_tree_.to_pandas()
    inner = tree[tree["child_size"] > 1]
    parent = dict(zip(inner["child"], inner["parent"], strict=True))
    birth = dict(zip(inner["child"], inner["lambda_val"], strict=True))
    selected = sorted(model.condensed_tree_._select_clusters())
    group = {lab: node for lab, node in enumerate(selected)}  # hdbscan numbers them in this order
    while len(set(group.values())) > n_groups:
        latest = max((v for v in set(group.values()) if v in parent), key=lambda v: birth[v], default=None)
        if latest is None:
            break
        up = parent[latest]

        def under(v, up=up):
            while v in parent:
                if v == up:
                    return True
                v = parent[v]
            return v == up
        group = {lab: (up if under(node) else node) for lab, node in group.items()}
    out = np.full(len(c.reduced), -1)
    codes = {v: i for i, v in enumerate(sorted(set(group.values())))}
    for lab, node in group.items():
        out[model.labels_ == lab] = codes[node]
    return out


def hierarchy_table(collections: list[Collection], results: dict) -> None:
    from artopic_nb.steps.cluster.edits import cluster_tree, labels_at_level

    rows = []
    for c in collections:
        if c.hierarchy is None:
            continue
        coarse, fine = (c.known[h] for h in c.hierarchy)
        m = len(set(coarse[coarse >= 0].tolist()))
        default = results[c.name]["study.cluster() default"]["labels"]
        k = int(default.max() + 1)
        start = time.perf_counter()
        tree = cluster_tree(default, c.reduced)
        cut = labels_at_level(default, tree, n_clusters=min(m, k))
        t_tree = time.perf_counter() - start
        start = time.perf_counter()
        cond = condensed_cut(c, m)
        t_cond = time.perf_counter() - start
        for name, lab in (("centroids (Ward)", cut), ("condensed tree", cond)):
            s = scores(lab, coarse)
            rows.append((c.name, k, m, name, len(set(lab[lab >= 0].tolist())), f"{s['nmi']:.3f}", f"{s['ari']:.3f}",
                         f"{s['nmi_c']:.3f}", f"{(t_tree if name.startswith('cent') else t_cond):.2f}"))
    print_table("Hierarchy: the default's clusters merged up to as many groups as the truth has "
                "(NMI/ARI with the groups)", rows,
                ("collection", "clusters", "groups", "merged by", "got", "NMI", "ARI",
                 "NMI clustered", "s"))


def view_timings(c: Collection, labels: np.ndarray) -> None:
    """What the explorer's views need after a slider move or an edit, at this collection's size."""
    from artopic_nb.steps.cluster.edits import apply_edits, cluster_tree, labels_at_level, record

    n = len(labels)
    tree = cluster_tree(labels, c.reduced)
    k = int(labels.max() + 1)
    log = [record(labels, "merge", clusters=[1, 2], when="t")]
    cur = apply_edits(labels, log, c.reduced).labels
    log.append(record(cur, "move", ids=np.flatnonzero(cur == 0)[:50], to=3, when="t"))
    cur = apply_edits(labels, log, c.reduced).labels
    log.append(record(cur, "new", ids=np.flatnonzero(cur == 3)[:40], when="t"))
    cur = apply_edits(labels, log, c.reduced).labels
    log.append(record(cur, "rename", cluster=0, name="the largest", when="t"))
    split_log = log + [record(apply_edits(labels, log, c.reduced).labels, "split", cluster=4, when="t")]
    rows = []
    for name, fn in (
            ("cluster_tree (Ward on centroids)", lambda: cluster_tree(cur, c.reduced)),
            ("labels_at_level (slider move)", lambda: labels_at_level(labels, tree, level=k // 2)),
            ("apply_edits, 4 edits (undo = replay)", lambda: apply_edits(labels, log, c.reduced)),
            ("apply_edits, 5 edits with a split", lambda: apply_edits(labels, split_log, c.reduced))):
        from _common import median_time
        rows.append((name, f"{n:,}", k, f"{median_time(fn, repeats=5) * 1000:.1f}"))
    print_table(f"Views after an edit or a level change ({c.name}); the explorer's budget is 300 ms",
                rows, ("what", "works", "clusters", "ms (median of 5)"))


def explorer_timings(n: int = 10_000, repeats: int = 5) -> None:
    """Kernel-side time from a click in the clusters panel to the views holding the new
    labels and names (the study's verb, its on_change hook: map, grid, viewer, panel), at
    ``n`` works (the test images repeated; 30 synthetic groups, PCA), no cache."""
    import artopic_nb as an
    from artopic_nb.pipeline.study import Study
    from artopic_nb.widgets import explore

    images = Path(__file__).resolve().parents[1] / "tests" / "data" / "images"
    small = an.ImageCollection.from_folder(images, images / "metadata.csv", progress=False)
    meta = small.metadata.iloc[np.arange(n) % len(small)].reset_index(drop=True)
    study = Study(an.ImageCollection(meta, name="bench"), cache_dir=None, progress=False)
    rng = np.random.default_rng(0)
    emb = rng.normal(0, 1, (30, 64))[rng.integers(0, 30, n)] + rng.normal(0, 0.35, (n, 64))
    study.embeddings_ = (emb / np.linalg.norm(emb, axis=1, keepdims=True)).astype("float32")
    study.embedder_id_ = "synthetic"
    study.reduce(method="pca").cluster()
    ex = explore(study, height=420)
    panel = ex.clusters_panel
    k = len(set(study.labels_.tolist()) - {-1})
    ids = np.flatnonzero(study.labels_ == 1)[:200].tolist()
    actions = {
        "rename (then undo)": lambda: (panel.rename(0, "first"), panel.undo()),
        "merge two clusters (then undo)": lambda: (panel.merge([0, 1]), panel.undo()),
        "lasso -> new cluster (then undo)": lambda: (ex.plot.select(ids), panel.new_from_selection(),
                                                     panel.undo()),
        "lasso -> move to (then undo)": lambda: (ex.plot.select(ids), panel.move_selection(2),
                                                 panel.undo()),
        "split a cluster (then undo)": lambda: (panel.split(0), panel.undo()),
        "level slider to k/2 (then back)": lambda: (panel.set_level(k // 2), panel.set_level(0)),
    }
    from _common import median_time
    rows = []
    for name, fn in actions.items():
        t = median_time(fn, repeats=repeats) / 2  # each runs two actions
        rows.append((name, f"{n:,}", k, f"{t * 1000:.0f}", "yes" if t < 0.3 else "no"))
    recluster = median_time(lambda: ex.recluster(min_cluster_size=40), repeats=3)
    rows.append(("baseline: re-cluster from the controls", f"{n:,}", k, f"{recluster * 1000:.0f}",
                 "yes" if recluster < 0.3 else "no"))
    print_table("Explorer: one action in the clusters panel until every view holds the result "
                "(kernel side, median per action)", rows,
                ("action", "works", "clusters", "ms", "under 300 ms"))


# -- main ---------------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small collections only (about a minute)")
    ap.add_argument("--repeats", type=int, default=3, help="timed runs per method (median)")
    ap.add_argument("--explorer-works", type=int, default=10_000,
                    help="works in the explorer timing (0: skip it)")
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "artopic_nb" / "bench_granularity",
                    help="where generated collections and their reductions are kept ('none': nowhere)")
    args = ap.parse_args()
    cache = None if str(args.cache).lower() == "none" else args.cache
    print(f"granularity benchmark on {machine()}")
    from artopic_nb.steps.cluster import resolve_params
    print("default: study.cluster() with no sizes (artopic_nb.steps.cluster); current rule: "
          f"{resolve_params('hdbscan', 1000)[1]}")

    # fast-hdbscan and EVoC compile numba kernels on first use: warm them up untimed
    tiny = embedding_collection(600, None, "pca")
    for name in ("fast-hdbscan eom, mcs sqrt(n)/4 >=5", "EVoC layer nearest target (raw embeddings)"):
        try:
            METHODS[name][0](tiny)
        except ImportError:
            pass

    makers = [lambda: demo_collection(cache), lambda: image_collection(1000, cache)]
    if args.quick:
        makers.append(lambda: embedding_collection(10_000, cache, "pca"))
    else:
        makers += [lambda: image_collection(10_000, cache),
                   lambda: embedding_collection(10_000, cache, "umap"),
                   lambda: embedding_collection(100_000, cache, "pca")]
    collections, results = [], {}
    for make in makers:
        start = time.perf_counter()
        c = make()
        print(f"\n[{c.name}: ready in {time.perf_counter() - start:.1f} s]")
        collections.append(c)
        results[c.name] = run_collection(c, args.repeats)

    rows = []
    for c in collections:
        r = results[c.name]
        cur, new = r["hdbscan eom, mcs 0.6*sqrt(n)"], r["study.cluster() default"]
        best = max((k for k in r if r[k]["readable"]), key=lambda k: r[k]["nmi"], default="(none)")
        rows.append((c.name, f"{cur['k']} / {cur['noise']:.0%}", f"{cur['nmi']:.3f}",
                     f"{new['k']} / {new['noise']:.0%}", f"{new['nmi']:.3f}",
                     f"{new['nmi'] / cur['nmi']:.2f}" if cur["nmi"] > 0 else "inf",
                     "yes" if new["readable"] else "no", best))
    print_table("Summary: the current rule (0.6*sqrt(n), eom) vs the default (*); NMI on all works",
                rows, ("collection", "current: clusters / noise", "current NMI",
                       "default: clusters / noise", "default NMI", "ratio", "default readable",
                       "best readable method by NMI"))
    hierarchy_table(collections, results)
    big = max(collections, key=lambda c: len(c.reduced) if len(c.reduced) <= 10_000 else 0)
    view_timings(big, results[big.name]["study.cluster() default"]["labels"])
    if args.explorer_works:
        explorer_timings(args.explorer_works)


if __name__ == "__main__":
    main()
