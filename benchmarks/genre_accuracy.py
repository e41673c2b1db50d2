"""Benchmark: genre prediction on three caption sets, every variant as a row.

Run:  python benchmarks/genre_accuracy.py [--seeds 3] [--k 5] [--llm 40] [--out table.csv]

Sets (``benchmarks/data/README.md``): ``definitions`` (152 captions we wrote together with
the definitions: a check, not a test), and two whose texts we did not write, ``met`` (174 Met
titles, CC0) and ``iconclass`` (210 ICONCLASS subject headings, CC0). Each is scored with two
label sets: its own genre names, and WikiArt's 10 names as users write them (``genre painting``,
``religious painting`` ...; all 10 are candidates, the captions relabelled where a genre maps,
the rest left out).

Rows: the majority baseline; the bare-label-templates anchor (no definitions, no aliases); the
first version's prototypes (bare templates, exact names); caption templates with exact names
("names as given"); with aliases (the default); each batch calibration; the template ensemble;
``fit`` with k labelled captions per genre (mean of the seeds, and zero-shot on the same test
captions); with ``--llm N``, SmolLM2-135M's constrained choice on the first N captions (a random
sample, seed 0) of each WikiArt-names set, beside the default on the same captions. Accuracy
and macro-F1; ``s/100``: seconds per 100 captions, encoding included (the default: median of 3
runs with the real encoder; the LLM: one run).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import time
from pathlib import Path

import numpy as np
import pandas as pd

from artopic_nb.datasets import DEMO_GENRES
from artopic_nb.genre.evaluation import evaluate_genres
from artopic_nb.genre.names import TAXONOMIES
from artopic_nb.genre.predict import EmbeddingGenrePredictor
from artopic_nb.text.encoder import load_sentence_encoder

DATA = Path(__file__).parent / "data"
WIKIART = list(TAXONOMIES["WikiArt"])
_OWN_TO_WIKIART = {"portrait": "portrait", "religious": "religious painting",
                   "landscape": "landscape", "still life": "still life",
                   "genre scene": "genre painting"}


class MemoEncoder:
    """The MiniLM encoder with a memo, so that the variants encode each text once."""

    model_id = "all-MiniLM-L6-v2 (memo)"

    def __init__(self):
        self.encoder = load_sentence_encoder(None)
        self.memo: dict[str, np.ndarray] = {}

    def encode(self, texts, **_):
        todo = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if todo:
            for t, e in zip(todo, self.encoder.encode(todo, show_progress_bar=False), strict=True):
                self.memo[t] = e
        return np.stack([self.memo[t] for t in texts])


def load_sets() -> list[tuple[str, pd.DataFrame, list[str]]]:
    """(name, DataFrame(caption, label), candidate names) for each set and label set."""
    own = pd.read_csv(DATA / "genre_captions.csv")
    own["wikiart"] = own["genre"].map(_OWN_TO_WIKIART)
    met = pd.read_csv(DATA / "met_titles.csv")
    ic = pd.read_csv(DATA / "iconclass_subjects.csv")
    out = []
    for name, df, genres in (("definitions", own, list(DEMO_GENRES)),
                             ("met", met, list(DEMO_GENRES)),
                             ("iconclass", ic, sorted(ic["genre"].unique()))):
        for col, cands in (("genre", genres), ("wikiart", WIKIART)):
            d = df[df[col].notna() & (df[col].astype(str) != "")]
            out.append((f"{name}/{'own names' if col == 'genre' else 'WikiArt names'}",
                        pd.DataFrame({"caption": d["caption"].to_numpy(),
                                      "label": d[col].to_numpy()}), cands))
    return out


VARIANTS = {
    "bare-label templates (anchor)": dict(templates="bare", use_definitions=False, aliases=False),
    "v1 prototypes: bare templates, exact names": dict(templates="bare", aliases=False),
    "zero-shot, names as given (caption templates, exact names)": dict(aliases=False),
    "zero-shot, with aliases (default)": {},
    "+ calibration centre": dict(calibration="centre"),
    "+ calibration zscore": dict(calibration="zscore"),
    "+ calibration csls (hubness)": dict(calibration="csls"),
    "+ calibration em (prior re-estimation)": dict(calibration="em"),
    "template ensemble (caption + bare)": dict(templates="both"),
}


def score(rows, set_name, variant, known, predicted, seconds=None, n=None, **extra):
    rep = evaluate_genres(known, predicted)
    rows.append({"set": set_name, "variant": variant, "n": rep.n, "accuracy": rep.accuracy,
                 "macro_f1": rep.macro_f1,
                 "s/100": None if seconds is None else 100 * seconds / max(n or rep.n, 1), **extra})
    return rep


def run(args) -> pd.DataFrame:
    enc = MemoEncoder()
    rows: list[dict] = []
    for set_name, df, cands in load_sets():
        known = df["label"].tolist()
        rep = evaluate_genres(known, known)
        rows.append({"set": set_name, "variant": f"majority baseline ('{rep.majority_label}')",
                     "n": rep.n, "accuracy": rep.majority_accuracy,
                     "macro_f1": rep.majority_macro_f1, "s/100": None})
        for variant, kw in VARIANTS.items():
            with contextlib.redirect_stdout(io.StringIO()):  # the templates-only notices
                predicted = EmbeddingGenrePredictor(cands, enc, **kw).predict(df["caption"])
            score(rows, set_name, variant, known, predicted)
        timed = EmbeddingGenrePredictor(cands)  # the real encoder, no memo: encoding is timed
        timed.predict(df["caption"][:2])
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            timed.predict(df["caption"])
            times.append(time.perf_counter() - t0)
        rows[-len(VARIANTS) + 3]["s/100"] = 100 * float(np.median(times)) / len(df)
        # few-shot: k per genre among genres with more than k captions; the rest is the test
        fs, zs, weights = [], [], []
        for seed in range(args.seeds):
            counts = df["label"].value_counts()
            big = df[df["label"].isin(counts[counts > args.k].index)]
            train = big.groupby("label", group_keys=False).sample(args.k, random_state=seed).index
            test = df.drop(index=train)
            zero = EmbeddingGenrePredictor(cands, enc)
            zs.append(evaluate_genres(test["label"], zero.predict(test["caption"])))
            fitted = EmbeddingGenrePredictor(cands, enc).fit(df.loc[train, "caption"],
                                                             df.loc[train, "label"])
            fs.append(evaluate_genres(test["label"], fitted.predict(test["caption"])))
            weights.append(fitted.fit_weight_)
        for variant, reps in ((f"zero-shot on the {args.k}-shot test captions", zs),
                              (f"{args.k}-shot fit, mean of {args.seeds} seeds "
                               f"(chosen w: {', '.join(map(str, weights))})", fs)):
            rows.append({"set": set_name, "variant": variant, "n": reps[0].n,
                         "accuracy": float(np.mean([r.accuracy for r in reps])),
                         "macro_f1": float(np.mean([r.macro_f1 for r in reps])), "s/100": None})
        if args.llm and "WikiArt" in set_name:
            run_llm(rows, set_name, df.sample(min(args.llm, len(df)), random_state=0), cands, enc)
    return pd.DataFrame(rows)


_LLM = {}


def run_llm(rows, set_name, sub, cands, enc) -> None:
    from artopic_nb.genre.llm import LLMGenrePredictor

    if "model" not in _LLM:
        from artopic_nb.models.registry import load_text_model

        _LLM["model"] = load_text_model("smollm2")
    llm = LLMGenrePredictor(cands, _LLM["model"])
    t0 = time.perf_counter()
    predicted = llm.predict(sub["caption"])
    seconds = time.perf_counter() - t0
    known = sub["label"].tolist()
    score(rows, set_name, f"LLM constrained choice, SmolLM2-135M ({llm.mode_}), {len(sub)} "
          "captions", known, predicted, seconds)
    raw = [llm.classes_[k] for k in llm.logprobs_.to_numpy().argmax(1)]
    score(rows, set_name, "  same, without the content-free calibration", known, raw)
    score(rows, set_name, f"zero-shot default on the same {len(sub)} captions", known,
          EmbeddingGenrePredictor(cands, enc).predict(sub["caption"]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--k", type=int, default=5, help="labelled captions per genre for fit()")
    ap.add_argument("--llm", type=int, default=0, help="captions per set for SmolLM2 (0: none)")
    ap.add_argument("--out", type=Path, default=None, help="also write the table as CSV")
    args = ap.parse_args()
    t0 = time.perf_counter()
    table = run(args)
    if args.out:
        table.to_csv(args.out, index=False)
    with pd.option_context("display.width", 220, "display.max_colwidth", 80,
                           "display.max_rows", 500):
        for set_name, group in table.groupby("set", sort=False):
            print(f"\n## {set_name} (n={group['n'].iloc[0]})")
            print(group.drop(columns="set").to_string(
                index=False, float_format=lambda v: f"{v:.3f}", na_rep=""))
    print(f"\n{time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
