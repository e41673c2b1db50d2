"""Benchmark: genre accuracy of the embedding predictor on the labelled caption set.

Run:  python benchmarks/genre_accuracy.py [--seeds 10] [--k 5]

The caption set (``benchmarks/data/genre_captions.csv``) has 152 hand-written one-sentence
captions of 8 demo genres (19 each, so the majority baseline is 12.5%). Its ``written``
column says whether a caption was written before the genre definitions of
:data:`artopic_nb.genre.GENRE_DEFINITIONS` (112, seen while writing them) or after they were
frozen (40, a cleaner hold-out of the zero-shot predictor).

Rows:
- zero-shot with bare label names (templates only) and with the built-in definitions, on all
  captions and on the "after definitions" ones;
- few-shot: k labelled captions per genre drawn at random (per seed), ``fit()`` on them and
  scoring on the rest; the median over seeds, next to zero-shot on the same test sets.
Each row gives accuracy and macro-F1 and their ratios to the majority-class baseline.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from artopic_nb.genre import DEMO_GENRES, EmbeddingGenrePredictor, evaluate_genres

DATA = Path(__file__).parent / "data" / "genre_captions.csv"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--k", type=int, default=5, help="labelled captions per genre for fit()")
    args = ap.parse_args()

    t0 = time.perf_counter()
    df = pd.read_csv(DATA)
    genres = list(DEMO_GENRES)
    rows = []

    def add(name, subset, rep, acc=None, f1=None):
        """A table row; ``acc``/``f1`` override the report's (medians over seeds)."""
        acc = rep.accuracy if acc is None else acc
        f1 = rep.macro_f1 if f1 is None else f1
        rows.append({
            "predictor": name, "captions": subset, "n": rep.n, "accuracy": acc, "macro_f1": f1,
            "majority_acc": rep.majority_accuracy, "majority_f1": rep.majority_macro_f1,
            "acc_ratio": acc / rep.majority_accuracy,
            "f1_ratio": f1 / max(rep.majority_macro_f1, 1e-12),
        })

    bare = EmbeddingGenrePredictor(genres, use_definitions=False)
    defs = EmbeddingGenrePredictor(genres)
    after = df[df["written"] == "after definitions"]
    for name, pred in (("zero-shot, bare names", bare), ("zero-shot, definitions", defs)):
        add(name, "all", evaluate_genres(df["genre"], pred.predict(df["caption"]), genres))
        add(name, "after definitions",
            evaluate_genres(after["genre"], pred.predict(after["caption"]), genres))

    results: dict[str, list[tuple[float, float]]] = {}
    weights: dict[str, list[float]] = {}
    for seed in range(args.seeds):
        train = df.groupby("genre", group_keys=False).sample(args.k, random_state=seed).index
        test = df.index.difference(train)
        known = df.loc[test, "genre"]
        for name, use_defs in (("bare names", False), ("definitions", True)):
            zs = EmbeddingGenrePredictor(genres, use_definitions=use_defs)
            last = evaluate_genres(known, zs.predict(df.loc[test, "caption"]), labels=genres)
            results.setdefault(f"zero-shot, {name}", []).append((last.accuracy, last.macro_f1))
            for fw in ("auto", 0.5):
                fs = EmbeddingGenrePredictor(genres, use_definitions=use_defs, fit_weight=fw)
                fs.fit(df.loc[train, "caption"], df.loc[train, "genre"])
                rep = evaluate_genres(known, fs.predict(df.loc[test, "caption"]), labels=genres)
                key = f"few-shot k={args.k} w={fw}, {name}"
                results.setdefault(key, []).append((rep.accuracy, rep.macro_f1))
                weights.setdefault(key, []).append(float(fs.fit_weight_))
    for key, vals in results.items():
        acc, f1 = np.median(np.array(vals), axis=0)
        label = f"{key} (median of {args.seeds} seeds)"
        if key in weights and "w=auto" in key:
            label += f" [chosen w: {sorted(set(weights[key]))}]"
        add(label, "held out of fit", last, acc=acc, f1=f1)

    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_colwidth", 90):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"\n{time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
