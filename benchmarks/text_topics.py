"""Benchmark: the collection's own words as a modality (issue 28), and text topics beside BERTopic.

Run:  python benchmarks/text_topics.py                  # the demo: about 4 minutes on 2 busy cores
      python benchmarks/text_topics.py --seeds 0        # one seed per row (about 2 minutes)
      python benchmarks/text_topics.py --semart ROOT    # SemArt's catalogue descriptions too
                                                        # (semart_train.csv under ROOT; --n 2000)

**Part 1, the demo's modalities.** ``an.Study(an.datasets.met_paintings())`` embedded three
ways, then ``reduce()`` and ``cluster()`` with their defaults (UMAP to 5-D, the readable
HDBSCAN granularity), NMI with the demo's genre, cluster count and noise, over ``--seeds``:

- images alone: ``embed("color")`` (the no-model colour/texture embedder: what ``"auto"``
  falls back to where CLIP cannot be loaded, as here);
- words alone: ``embed(text="auto", image=False)`` (MiniLM on title, tags, medium, culture);
- fused: ``embed("color", text="auto")``, the default of ``artopic demo`` and notebook 01;
- two checks on the words: without the tags (the demo's genres are derived from its tags by
  rule, so words that include them agree with genre partly by construction), and the fused
  rows with the image weighted 0.5 (reported, not the default: the default weights are the
  user's 1 : 1, not tuned on the labels).

**Part 2, text topics.** On texts with labels, ours (``embed(text=[col], image=False)`` and
the default clustering) beside BERTopic 0.17 with its defaults and tuned (same MiniLM
embeddings passed to every method, in the same run): NMI with each label, clusters, noise
share, topic diversity (unique words among each topic's top 10 / (10 x topics), every
method's topic words by the same c-TF-IDF, English stop words out). Tuned BERTopic: HDBSCAN
with leaf selection and ``min_cluster_size`` = 0.6 * sqrt(n) (the issue's tuning: leaf, a
size fit to the collection), and k-means with our cluster count (``nr_topics`` cannot add
topics HDBSCAN did not find). **No real catalogue texts install here** (SemArt and similar
datasets are downloads, not packages): without ``--semart`` the texts are the demo's
records' own words, title, tags, medium and culture (174 works, label: genre), which is what
this prints; with ``--semart ROOT`` SemArt's DESCRIPTION column (labels TYPE, SCHOOL,
TIMEFRAME) is run too. BERTopic (``pip install bertopic``) is a benchmark dependency only;
without it its rows say "not installed".
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from _common import machine, print_table


def nmi(labels, known) -> float:
    from sklearn.metrics import normalized_mutual_info_score

    return float(normalized_mutual_info_score(pd.Series(known).astype(str), labels))


def topic_words(texts: list[str], labels: np.ndarray, top: int = 10) -> dict[int, list[str]]:
    """Each cluster's top words by class-based TF-IDF (BERTopic's c-TF-IDF), noise left out."""
    from sklearn.feature_extraction.text import CountVectorizer

    classes = sorted(set(labels.tolist()) - {-1})
    if not classes:
        return {}
    joined = [" ".join(t for t, c in zip(texts, labels, strict=True) if c == k) for k in classes]
    vec = CountVectorizer(stop_words="english", token_pattern=r"(?u)\b[^\W\d_]{3,}\b")
    counts = vec.fit_transform(joined).toarray().astype(float)
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    idf = np.log(1 + counts.sum(axis=1).mean() / np.maximum(counts.sum(axis=0), 1))
    words = vec.get_feature_names_out()
    return {k: [words[j] for j in np.argsort(-(tf * idf)[i])[:top]] for i, k in enumerate(classes)}


def diversity(texts: list[str], labels: np.ndarray, top: int = 10) -> float:
    topics = topic_words(texts, labels, top)
    if not topics:
        return float("nan")
    return len({w for ws in topics.values() for w in ws}) / (top * len(topics))


def row(name: str, labels: np.ndarray, texts: list[str], known: dict[str, pd.Series],
        seconds: float) -> dict:
    out = {"method": name, "clusters": int(len(set(labels.tolist()) - {-1})),
           "noise": float((labels < 0).mean()), "diversity": diversity(texts, labels),
           "seconds": seconds}
    out.update({f"NMI {k}": nmi(labels, v) for k, v in known.items()})
    return out


# -- part 1 ----------------------------------------------------------------------------------------

def demo_modalities(seeds: list[int], cache: Path) -> None:
    import artopic_nb as an

    col = an.datasets.met_paintings(progress=False)
    runs = {
        "images alone (colour)": {"embedder": "color"},
        "words alone (text='auto')": {"text": "auto", "image": False},
        "fused (text='auto'): the demo default": {"embedder": "color", "text": "auto"},
        "words without tags (title, medium, culture)": {"text": ["title", "medium", "culture"],
                                                        "image": False},
        "fused, image weight 0.5 (not the default)": {"embedder": "color", "text": "auto",
                                                      "weights": {"image": 0.5}},
    }
    rows = []
    for name, kwargs in runs.items():
        scores, counts, noise = [], [], []
        for seed in seeds:
            study = an.Study(col, cache_dir=cache, seed=seed, progress=False)
            study.embed(**kwargs).reduce().cluster()
            a = study.agreement()
            scores.append(a["nmi"])
            counts.append(int(a["n_clusters"]))
            noise.append(a["noise_share"])
        rows.append((name, f"{statistics.mean(scores):.3f}",
                     f"{min(scores):.3f}-{max(scores):.3f}", f"{min(counts)}-{max(counts)}",
                     f"{statistics.mean(noise):.0%}"))
    print_table(f"Demo (174 Met paintings): NMI with genre, default reduce() and cluster(), "
                f"seeds {seeds}", rows, ("embedding", "NMI mean", "NMI range", "clusters",
                                         "noise"))


# -- part 2 ----------------------------------------------------------------------------------------

def ours(X: np.ndarray, seed: int) -> np.ndarray:
    """What study.reduce().cluster() does with embeddings X (the same functions, defaults)."""
    from artopic_nb.steps.cluster import fit
    from artopic_nb.steps.reduce import reduce_embeddings

    reduced, _, _ = reduce_embeddings(X, seed=seed)
    labels, _, _ = fit(reduced, {"method": "hdbscan", "min_cluster_size": "auto",
                                 "min_samples": None, "cluster_selection_epsilon": 0.0,
                                 "max_cluster_size": 0})
    return labels


def bertopic_rows(texts: list[str], X: np.ndarray, k: int, seed: int) -> list[tuple[str, object]]:
    try:
        from bertopic import BERTopic
    except ImportError:
        return [("BERTopic", "not installed (pip install bertopic)")]
    from hdbscan import HDBSCAN
    from sklearn.cluster import KMeans
    from umap import UMAP

    def umap():
        return UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                    random_state=seed)

    size = max(2, round(0.6 * math.sqrt(len(texts))))
    models = {
        "BERTopic defaults": lambda: BERTopic(umap_model=umap()),
        f"BERTopic tuned: HDBSCAN leaf, min size {size}": lambda: BERTopic(
            umap_model=umap(), hdbscan_model=HDBSCAN(min_cluster_size=size,
                                                     cluster_selection_method="leaf",
                                                     prediction_data=True)),
        f"BERTopic tuned: k-means, k = ours ({k})": lambda: BERTopic(
            umap_model=umap(), hdbscan_model=KMeans(n_clusters=k, n_init=10, random_state=seed)),
    }
    out = []
    for name, make in models.items():
        start = time.perf_counter()
        topics, _ = make().fit_transform(texts, embeddings=X)
        out.append((name, np.asarray(topics), time.perf_counter() - start))
    return out


def text_topics(name: str, texts: list[str], known: dict[str, pd.Series], seeds: list[int],
                cache: Path) -> None:
    from artopic_nb.data.cache import Cache
    from artopic_nb.models.text_encoders import load_text_encoder
    from artopic_nb.steps.embed.texts import embed_texts, fuse

    encoder = load_text_encoder("auto")
    start = time.perf_counter()
    T, _ = embed_texts(encoder, texts, Cache(cache), progress=False)
    has = np.array([bool(t) for t in texts])
    X = fuse(None, T, has, {"image": 1.0, "text": 1.0})
    embed_seconds = time.perf_counter() - start
    results = []
    for seed in seeds:
        start = time.perf_counter()
        labels = ours(X, seed)
        results.append(row(f"ours (seed {seed})", labels, texts, known,
                           time.perf_counter() - start))
        for method, topics, *took in bertopic_rows(texts, X, results[-1]["clusters"], seed):
            if isinstance(topics, str):
                print(f"{method}: {topics}")
                continue
            results.append(row(f"{method} (seed {seed})", topics, texts, known, took[0]))
    frame = pd.DataFrame(results)
    cols = ["method", *[c for c in frame.columns if c.startswith("NMI")], "clusters", "noise",
            "diversity", "seconds"]
    shown = [tuple(f"{v:.3f}" if isinstance(v, float) and c.startswith(("NMI", "div"))
                   else f"{v:.0%}" if c == "noise" else f"{v:.1f}" if c == "seconds" else v
                   for c, v in zip(cols, r, strict=True))
             for r in frame[cols].itertuples(index=False)]
    print_table(f"{name}: {len(texts)} texts, MiniLM embeddings ({embed_seconds:.1f} s, cached "
                "per text) shared by every method", shown, tuple(cols))


def semart_texts(root: Path, n: int, seed: int) -> tuple[list[str], dict[str, pd.Series]]:
    path = next((root / f for f in ("semart_train.csv", "semart_test.csv") if (root / f).is_file()),
                None)
    if path is None:
        raise SystemExit(f"--semart {root}: no semart_train.csv or semart_test.csv there")
    table = pd.read_csv(path, sep="\t", encoding="latin-1")
    table = table.sample(n=min(n, len(table)), random_state=seed).reset_index(drop=True)
    return (table["DESCRIPTION"].fillna("").astype(str).tolist(),
            {k: table[k.upper()] for k in ("type", "school", "timeframe")})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--cache", type=Path, default=Path(".bench_cache/text_topics"))
    parser.add_argument("--semart", type=Path, default=None, help="a SemArt folder")
    parser.add_argument("--n", type=int, default=2000, help="SemArt texts sampled")
    args = parser.parse_args()
    print(f"machine: {machine()}")

    import artopic_nb as an
    from artopic_nb.data.record_text import record_texts, text_columns

    demo_modalities(args.seeds, args.cache)

    col = an.datasets.met_paintings(progress=False)
    columns = text_columns(col.metadata, "auto").columns
    text_topics(f"Demo records' words ({', '.join(columns)}; not catalogue descriptions)",
                record_texts(col.metadata, columns),
                {"genre": col.metadata["genre"], "department": col.metadata["department"]},
                args.seeds, args.cache)
    if args.semart:
        texts, known = semart_texts(args.semart, args.n, args.seeds[0])
        text_topics("SemArt catalogue descriptions", texts, known, args.seeds, args.cache)
    words = Counter(w for t in record_texts(col.metadata, columns) for w in t.split())
    print(f"\n(the demo's texts have {len(words):,} distinct words, {sum(words.values()):,} in all)")


if __name__ == "__main__":
    main()
