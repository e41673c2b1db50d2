"""Benchmark: are the claims' support and contrast right? Judges against known labels.

Run:  python benchmarks/claims_accuracy.py [--seeds 5] [--llm smollm2 --llm-works 40]
      python benchmarks/claims_accuracy.py --calibrate     # the embedding judge's threshold

The collection is the demo (174 Met paintings, known genres) under two clusterings:
**colour** (as a user without CLIP gets it: colour/texture embedder, UMAP, HDBSCAN; its
clusters mix genres much as the collection does) and **skewed** (planted: each genre has a
home cluster among 4 and a work goes there with probability 0.7, else to a random one; per
seed), where genre shares differ from cluster to cluster. Each work needs a description
that we can score, so two description sets stand in for a describing model:

- **held-out captions**: each work gets a caption of its known genre drawn (per seed) from
  the 40 "after definitions" captions of ``benchmarks/data/genre_captions.csv`` (hand-written,
  never used to calibrate the judge: the threshold comes from the 112 "before" ones);
- **Met titles**: each work's own museum title (``benchmarks/data/met_titles.csv``), terse
  real text written by others.

Two tests per judge:

1. **genre claims**: for every cluster and genre, a claim naming the genre ("portraits",
   "religious scenes", and a second phrasing) should have support equal to the genre's
   share among the cluster's described works, and contrast equal to its share outside.
   We report the mean absolute error of support, of contrast and of their difference over
   (cluster, genre, phrasing), and the coverage of the true difference by the 95% interval (which covers the
   sampling of works, not the judge's own errors). The baseline knows each genre's share in
   the whole collection and nothing of the clusters: it reports that share as support and as
   contrast.
2. **planted claims**: a sentence ("A small black dog sleeps in a corner.") is added to the
   descriptions of 70% of one cluster's works and 10% of the others' (a *distinctive*
   claim), or 10% inside and 60% outside (a *rare here* claim); the claim ("a dog") must come
   out with the right sign of difference; we report the share with the right sign, the share
   whose interval excludes 0 on that side, and the mean absolute support error.

Judges: embedding (default; all-MiniLM-L6-v2), lexical, and with ``--llm`` the LLM judge on
``--llm-works`` works (outside works subsampled, so its intervals are wider). The NLI and
image judges need weights that do not install from a package index; without them their rows
say "not run" and why.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, print_table  # noqa: E402

DATA = Path(__file__).parent / "data"
#: Two phrasings per demo genre: a keyword-like plural, and a descriptive phrase.
GENRE_CLAIMS = {
    "portrait": ["portraits", "a portrait of a person"],
    "religious": ["religious scenes", "a Christian religious subject"],
    "genre scene": ["scenes of everyday life", "ordinary people at work or at leisure"],
    "asian art": ["Asian art", "a Chinese or Japanese painting"],
    "mythological": ["mythological scenes", "gods and heroes of classical mythology"],
    "landscape": ["landscapes", "a view of countryside and nature"],
    "still life": ["still lifes", "an arrangement of objects, flowers or food"],
    "animal": ["animals", "an animal as the main subject"],
}
#: (planted sentence, the claim checked), one per cluster in turn.
PLANTED = [
    ("A small black dog sleeps in a corner of the scene.", "a dog"),
    ("A rainbow arches across the sky in the background.", "a rainbow"),
    ("A golden crown rests on a red cushion.", "a crown"),
    ("A ship with white sails is moored in the harbour.", "a sailing ship"),
    ("A parrot with green feathers perches on a branch.", "a parrot"),
    ("A skull lies on the table beside a book.", "a skull"),
]


def calibrate() -> None:
    """The threshold at which false matches equal missed ones on the 'before' captions."""
    from artopic_nb.models.judges import EMBEDDING_THRESHOLD, EmbeddingJudge

    captions = pd.read_csv(DATA / "genre_captions.csv")
    judge = EmbeddingJudge()
    claims = [(g, c) for g, cs in GENRE_CLAIMS.items() for c in cs]
    rows = []
    for subset in ("before definitions", "after definitions"):
        d = captions[captions["written"] == subset]
        sims = judge.similarities([c for _, c in claims], d["caption"].tolist())
        truth = np.array([[g == x for x in d["genre"]] for g, _ in claims])
        grid = np.round(np.arange(0.15, 0.45, 0.005), 3)
        ratio = [((sims >= t).sum() / truth.sum()) for t in grid]
        best = float(grid[int(np.argmin([abs(np.log(max(r, 1e-9))) for r in ratio]))])
        for t in sorted({best, EMBEDDING_THRESHOLD}):
            pred = sims >= t
            tpr, tnr = (pred & truth).sum() / truth.sum(), (~pred & ~truth).sum() / (~truth).sum()
            rows.append((subset, len(d), f"{t:.3f}", "balanced" if t == best else "shipped",
                         f"{pred.sum() / truth.sum():.2f}", f"{(tpr + tnr) / 2:.3f}"))
    print_table("embedding judge: threshold where matches = true pairs (16 genre claims)", rows,
                ("captions", "n", "threshold", "which", "matches / true", "balanced acc."))


def clustered_demo() -> tuple[pd.DataFrame, pd.Series]:
    """The clustered demo works (id, cluster, genre; noise left out) and each work's title."""
    import artopic_nb as an

    col = an.datasets.met_paintings(progress=False)
    study = an.Study(col, cache_dir=Path(".artopic"), progress=False)
    study.embed("color").reduce().cluster("hdbscan")
    works = pd.DataFrame({"id": col.ids, "cluster": study.labels_, "genre": col.genres.to_numpy()})
    works = works[works["cluster"] >= 0].reset_index(drop=True)
    titles = pd.read_csv(DATA / "met_titles.csv").set_index("object_id")["caption"]
    object_ids = col.metadata["object_id"].reindex(works["id"]).to_numpy()
    return works, pd.Series(titles.reindex(object_ids).fillna("").to_numpy(), index=works.index)


def skewed(works: pd.DataFrame, seed: int, k: int = 4, p_home: float = 0.7) -> pd.DataFrame:
    """The works with planted clusters: each genre's home cluster with probability ``p_home``."""
    rng = np.random.default_rng(500 + seed)
    genres = sorted(works["genre"].unique())
    home = {g: i % k for i, g in enumerate(genres)}
    cluster = [home[g] if rng.random() < p_home else int(rng.integers(k)) for g in works["genre"]]
    return works.assign(cluster=cluster)


def description_sets(works: pd.DataFrame, titles: pd.Series, seed: int) -> dict[str, pd.DataFrame]:
    """The two description sets of one seed (see the module doc)."""
    captions = pd.read_csv(DATA / "genre_captions.csv")
    held = captions[captions["written"] == "after definitions"]
    rng = np.random.default_rng(seed)
    text = [rng.choice(held.loc[held["genre"] == g, "caption"].to_numpy()) for g in works["genre"]]
    return {"held-out captions": works.assign(text=text), "Met titles": works.assign(text=titles)}


def subsample(works: pd.DataFrame, n: int, seed: int) -> np.ndarray:
    """About ``n`` work ids, the same number from each cluster (at least 2)."""
    per = max(2, n // works["cluster"].nunique())
    return np.concatenate([g.sample(min(len(g), per), random_state=seed)["id"].to_numpy()
                           for _, g in works.groupby("cluster")])


def genre_errors(judge, descriptions: pd.DataFrame, ids: np.ndarray | None = None) -> dict:
    from artopic_nb.text.claims import score_claims

    d = descriptions if ids is None else descriptions[descriptions["id"].isin(ids)]
    claims = pd.DataFrame([(c, text, "user", g) for c in sorted(d["cluster"].unique())
                           for g, texts in GENRE_CLAIMS.items() for text in texts],
                          columns=["cluster", "claim", "source", "aspect"])
    table = score_claims(claims, d, judge)
    errs_s, errs_c, errs_d, covered, base_s, base_c, base_d = [], [], [], [], [], [], []
    for r in table.itertuples():
        inside = d[d["cluster"] == r.cluster]
        outside = d[d["cluster"] != r.cluster]
        s_true = float((inside["genre"] == r.aspect).mean())
        c_true = float((outside["genre"] == r.aspect).mean())
        everywhere = float((d["genre"] == r.aspect).mean())
        errs_s.append(abs(r.support - s_true))
        errs_c.append(abs(r.contrast - c_true))
        errs_d.append(abs(r.difference - (s_true - c_true)))
        base_s.append(abs(everywhere - s_true))
        base_c.append(abs(everywhere - c_true))
        base_d.append(abs(s_true - c_true))
        covered.append(r.difference_lo <= s_true - c_true <= r.difference_hi)
    return {"support": np.mean(errs_s), "contrast": np.mean(errs_c), "difference": np.mean(errs_d),
            "coverage": np.mean(covered), "n": len(table), "base_support": np.mean(base_s),
            "base_contrast": np.mean(base_c), "base_difference": np.mean(base_d)}


def planted(judge, descriptions: pd.DataFrame, seed: int, ids: np.ndarray | None = None) -> dict:
    from artopic_nb.text.claims import score_claims

    rng = np.random.default_rng(1000 + seed)
    d = descriptions if ids is None else descriptions[descriptions["id"].isin(ids)]
    d = d.reset_index(drop=True)
    clusters = sorted(d["cluster"].unique())
    right, sure, errors = [], [], []
    for k, cluster in enumerate(clusters):
        sentence, claim = PLANTED[k % len(PLANTED)]
        for p_in, p_out in ((0.7, 0.1), (0.1, 0.6)):
            inside = (d["cluster"] == cluster).to_numpy()
            plant = rng.random(len(d)) < np.where(inside, p_in, p_out)
            text = np.where(plant, d["text"] + " " + sentence, d["text"])
            row = score_claims(pd.DataFrame({"cluster": [cluster], "claim": [claim],
                                             "source": ["user"]}),
                               d.assign(text=text), judge).iloc[0]
            truth = plant[inside].mean() - plant[~inside].mean()
            right.append(np.sign(row["difference"]) == np.sign(truth))
            sure.append(row["difference_lo"] > 0 if truth > 0 else row["difference_hi"] < 0)
            errors.append(abs(row["support"] - plant[inside].mean()))
    return {"sign": np.mean(right), "excludes_0": np.mean(sure), "support": np.mean(errors),
            "n": len(right)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--calibrate", action="store_true")
    ap.add_argument("--llm", default=None, help="a text model for the LLM judge (e.g. smollm2)")
    ap.add_argument("--llm-works", type=int, default=40)
    args = ap.parse_args()
    if args.calibrate:
        calibrate()
        return
    from artopic_nb.models.judges import JudgeUnavailable, load_judge

    t0 = time.perf_counter()
    judges = {"embedding": load_judge("embedding"), "lexical": load_judge("lexical")}
    not_run = []
    if args.llm:
        from artopic_nb.models.registry import load_text_model

        judges["llm"] = load_judge("llm", llm=load_text_model(args.llm))
    for name in ("nli", "image"):
        try:
            judge = load_judge(name)
            judge._load()
            judges[name] = judge
        except (JudgeUnavailable, ImportError, OSError, ValueError) as exc:
            not_run.append((name, str(exc).split(". ")[0][:110]))
    rows_g, rows_p, seconds, baseline = [], [], {}, []
    works, titles = clustered_demo()
    for name, judge in judges.items():
        start = time.perf_counter()
        found_g: dict[tuple[str, str], list] = {}
        found_p: dict[str, list] = {}
        for seed in range(args.seeds if name != "llm" else 1):
            for clustering in ("colour", "skewed"):
                w = works if clustering == "colour" else skewed(works, seed)
                sets = description_sets(w, titles, seed)
                ids = subsample(w, args.llm_works, seed) if name == "llm" else None  # slow
                for set_name, d in sets.items():
                    found_g.setdefault((clustering, set_name), []).append(genre_errors(judge, d, ids))
                found_p.setdefault(clustering, []).append(
                    planted(judge, sets["held-out captions"], seed, ids))
        for (clustering, set_name), vals in found_g.items():
            m = {k: np.mean([v[k] for v in vals]) for k in vals[0]}
            rows_g.append((name, clustering, set_name, int(m["n"]), f"{m['support']:.3f}",
                           f"{m['contrast']:.3f}", f"{m['difference']:.3f}", f"{m['coverage']:.2f}"))
            if name == "embedding":  # the baseline: each genre's share in the whole collection
                baseline.append(("baseline: collection share", clustering, set_name, int(m["n"]),
                                 f"{m['base_support']:.3f}", f"{m['base_contrast']:.3f}",
                                 f"{m['base_difference']:.3f}", "-"))
        for clustering, vals in found_p.items():
            m = {k: np.mean([v[k] for v in vals]) for k in vals[0]}
            rows_p.append((name, clustering, int(m["n"]), f"{m['sign']:.2f}",
                           f"{m['excludes_0']:.2f}", f"{m['support']:.3f}"))
        seconds[name] = time.perf_counter() - start
    n_clusters = works["cluster"].nunique()
    print(f"machine: {machine()}; demo: {len(works)} clustered works; colour: {n_clusters} "
          f"clusters (colour embedder, HDBSCAN), skewed: 4 planted; {args.seeds} seeds "
          f"(LLM: 1 seed, about {args.llm_works} works)")
    print_table("genre claims: mean |error| of support and contrast vs the genre's true share "
                "(16 claims x clusters); coverage of the true difference by the 95% interval",
                rows_g + baseline, ("judge", "clusters", "descriptions", "claims", "support err",
                                    "contrast err", "difference err", "CI coverage"))
    print_table("planted claims (70% in / 10% out, and 10% in / 60% out, per cluster)", rows_p,
                ("judge", "clusters", "claims", "right sign", "CI excludes 0", "support err"))
    print_table("seconds per judge (all seeds)",
                [(k, f"{v:.1f}") for k, v in seconds.items()] + [(k, f"not run: {v}") for k, v in not_run],
                ("judge", "seconds"))
    print(f"\n{time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
