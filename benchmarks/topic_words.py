"""Benchmark: do the keywords set each cluster apart, and what boilerplate threshold to use?

Run:  python benchmarks/topic_words.py STUDY_DIR      # a saved study, e.g. artopic demo's

For each boilerplate threshold ``max_share`` (a term in more than that share of the works
outside every cluster is dropped; 1.0: none dropped) and with or without the contrastive
filter (a cluster keeps only terms found in more of its works than of the rest), on:

- **descriptions**: the study's ``description`` texts with its clusters (the demo without
  CLIP or a VLM: the attribute describer's measured colour, light and texture);
- **record words**: every work's title, tags, medium and culture (the Met records of the
  demo), first with the study's clusters, then with the known genres as clusters (what a
  clustering by subject would give).

it prints: clusters whose first-pass names (the first two keywords that do not repeat a
word, before any disambiguation) collide with another's, the topic diversity of the top 10,
the mean over clusters of the top 3 keywords' share of the cluster's works and of their
lift (share in the cluster / share of the other works; smoothed by half a work), and the
terms dropped as boilerplate (how many, the first few). "before" is BERTopic's c-TF-IDF as
it was (threshold 1.0, no contrastive filter).
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd

from artopic_nb.text.keywords import boilerplate_terms, cluster_keywords, top_terms, topic_diversity
from artopic_nb.text.names import _pick, name_key

SHARES = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def figures(df: pd.DataFrame, max_share: float, contrastive: bool) -> dict:
    kw = cluster_keywords(df, top_k=10, max_share=max_share, contrastive=contrastive)
    tops = top_terms(kw, 20)
    first = {c: name_key(", ".join(_pick(w, 2))) for c, w in tops.items()}
    keys = pd.Series(list(first.values()))
    colliding = int(keys.map(keys.value_counts()).gt(1).sum())
    n_in = df.groupby("cluster")["id"].nunique()
    top3 = kw.sort_values("score", ascending=False).groupby("cluster").head(3)
    lift = ((top3["share"] * top3["cluster"].map(n_in) + 0.5) / (top3["cluster"].map(n_in) + 1)) / (
        (top3["share_out"] * (df["id"].nunique() - top3["cluster"].map(n_in)) + 0.5)
        / (df["id"].nunique() - top3["cluster"].map(n_in) + 1))
    dropped = boilerplate_terms(df, max_share=max_share)
    return {"max_share": max_share, "contrastive": contrastive, "clusters": len(tops),
            "colliding names": colliding, "diversity": round(topic_diversity(kw, 10), 2),
            "top-3 share": round(float(top3.groupby("cluster")["share"].mean().mean()), 2),
            "top-3 lift": round(float(lift.groupby(top3["cluster"]).mean().mean()), 2),
            "boilerplate": len(dropped), "e.g.": ", ".join(dropped[:4])}


def table(name: str, df: pd.DataFrame) -> None:
    rows = [figures(df, 1.0, False)] + [figures(df, s, True) for s in SHARES]
    out = pd.DataFrame(rows)
    out.insert(0, "run", ["before"] + [""] * len(SHARES))
    print(f"\n## {name}: {df['id'].nunique()} works, {df['cluster'].nunique()} clusters")
    print(out.to_string(index=False))


def main(argv: list[str] | None = None) -> None:
    import artopic_nb as an

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("study", help="a saved study folder (artopic demo --out X: X/study)")
    args = ap.parse_args(argv)
    study = an.Study.load(args.study)
    labels = study.labels_
    d = study.descriptions_
    d = d[d["prompt"] == "description"].assign(cluster=lambda x: labels[x["id"].to_numpy()])
    d = d.assign(text=d["text"].str.replace("[attribute describer]", "", regex=False))
    table("descriptions (study clusters)", d[d["cluster"] >= 0])
    meta = study.collection.metadata
    words = meta[["title", "tags", "medium", "culture"]].fillna("").astype(str).agg(". ".join, axis=1)
    record = pd.DataFrame({"id": np.arange(len(meta)), "text": words.to_numpy()})
    table("record words (study clusters)", record.assign(cluster=labels)[labels >= 0])
    genres = meta["genre"].astype("category").cat.codes.to_numpy()
    table("record words (known genres as clusters)", record.assign(cluster=genres)[genres >= 0])


if __name__ == "__main__":
    sys.exit(main())
