"""Asking a collection at scale: similar works, word search and a filter, each beside its
baseline from the same run (medians).

- similar works: ms per query of :class:`~artopic_nb.query.VectorIndex` (``method="auto"``:
  faiss IVF-Flat above 50,000 rows, its probe count calibrated to recall@10) for a work of
  the collection (the work itself left out), and its recall@10 against exact search, beside
  exact numpy search (``X @ q`` and a partial sort). Synthetic embeddings: 500 Gaussian
  clusters in a 64-d latent space, projected to 512-d plus isotropic noise, L2-normalised
  (neighbour cosines 0.55-0.65, random pairs 0: harder for an inverted file than
  well-separated clusters);
- word search: ms per query of :class:`~artopic_nb.query.WordIndex` (bm25s BM25, ranked,
  top 10, with the matched column and snippet) beside a pandas ``str.contains`` scan
  (case-insensitive, not regex, unranked). Synthetic descriptions: 20-60 words drawn from a
  Zipf law over 70 art words and ~27,000 made-up words (about 290 characters each);
- a filter change to a recoloured plot: a genre and a year range over the works' metadata ->
  :func:`~artopic_nb.query.filter_mask` -> :meth:`EmbeddingPlot.set_filter` with the plot's
  state serialised as the kernel sends it (the browser's draw is not in it: see the README's
  Speed table for a draw of 10^6 points), beside the same works sent as the plot's selection
  (``selected_ids``, its way to dim the rest until now).

``--compare-libraries`` also times the libraries that were not chosen, at ``--compare-n``
rows: SQLite FTS5 (bm25 ranking) for words, usearch and faiss HNSW graphs for vectors.

Run:  python benchmarks/search.py [--quick] [--n 1000000] [--compare-libraries]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, print_table  # noqa: E402

ART_WORDS = (
    "portrait woman man saint ship sea harbour landscape tree river mountain gold background "
    "altarpiece madonna child angel still life flowers fruit table window interior light dark "
    "red blue green brown oil canvas panel wood figure standing seated crowd horse battle "
    "church city street night moon sky clouds storm boat sail fisherman dog cat bird").split()
WORD_QUERIES = ["ship", "fisherman", "madonna child angel", "gold background",
                '"gold background"']


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.0f} s"


def _ratio(ours: float, base: float) -> str:
    return f"{base / ours:.0f}x faster" if ours < base else f"{ours / base:.1f}x slower"


def timed(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# -- synthetic data -------------------------------------------------------------------------------

def synthetic_embeddings(n: int, d: int = 512, latent: int = 64, k: int = 500,
                         seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((k, latent)).astype(np.float32)
    proj = (rng.standard_normal((latent, d)) / np.sqrt(latent)).astype(np.float32)
    out = np.empty((n, d), np.float32)
    for s in range(0, n, 100_000):
        m = min(100_000, n - s)
        z = centres[rng.integers(0, k, m)] + 1.2 * rng.standard_normal((m, latent), np.float32)
        x = z @ proj + 0.15 * rng.standard_normal((m, d), np.float32)
        out[s:s + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def synthetic_descriptions(n: int, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    syllables = ["ka", "lo", "mi", "ren", "tas", "vo", "pe", "dri", "mon", "sel", "ur", "bai",
                 "no", "qui", "zet", "fa", "gu", "hi", "ja", "ko", "li", "ma", "nu", "op", "ra",
                 "si", "te", "ul", "ve", "wo"]
    made_up = ["".join(rng.choice(syllables, 3)) for _ in range(30_000)]
    vocab = np.array(list(dict.fromkeys(ART_WORDS + made_up)))
    p = 1.0 / np.arange(1, len(vocab) + 1) ** 1.05
    p /= p.sum()
    lengths = rng.integers(20, 60, n)
    words = vocab[rng.choice(len(vocab), size=int(lengths.sum()), p=p)]
    ends = np.cumsum(lengths)
    return [" ".join(words[e - m:e]) for e, m in zip(ends, lengths, strict=True)]


# -- figures ----------------------------------------------------------------------------------

def bench_similar(n: int, queries: int, repeats: int) -> list[tuple]:
    from artopic_nb.query import VectorIndex, exact_search, recall_at_k

    X = synthetic_embeddings(n)
    rng = np.random.default_rng(1)
    qids = rng.choice(n, queries, replace=False)
    start = time.perf_counter()
    index = VectorIndex(X, seed=0)
    build = time.perf_counter() - start
    found = []
    per_query = []
    for i in qids:
        t = time.perf_counter()
        ids, _ = index.search(X[i], 10, exclude=[int(i)])
        per_query.append(time.perf_counter() - t)
        found.append(ids)
    ours = statistics.median(per_query)
    truth, _ = exact_search(X, X[qids], 10, exclude=qids[:, None])
    recall = recall_at_k(np.array(found), truth, 10)
    base = statistics.median(timed(lambda i=i: exact_search(X, X[i], 10, exclude=[int(i)]), 1)
                             for i in qids[:max(5, repeats * 4)])
    return [
        (f"similar, ms/query ({index_name(n)}, {n:,} x 512)", _ms(ours), _ms(base),
         _ratio(ours, base)),
        ("similar, recall@10 vs exact", f"{recall:.3f}", "1.000", f"{recall:.3f}"),
        ("similar, index build (once, cached)", _ms(build), "none needed", "-"),
    ]


def index_name(n: int) -> str:
    from artopic_nb.query.vectors import EXACT_MAX_ROWS

    return "exact" if n <= EXACT_MAX_ROWS else "faiss IVF-Flat"


def bench_words(n: int, repeats: int) -> list[tuple]:
    from artopic_nb.query import WordIndex

    docs = synthetic_descriptions(n)
    texts = pd.DataFrame({"id": np.arange(n), "field": "description", "text": docs})
    start = time.perf_counter()
    index = WordIndex.from_texts(texts, n)
    build = time.perf_counter() - start
    series = pd.Series(docs)
    rows = []
    ours_all, base_all = [], []
    for q in WORD_QUERIES:
        ours = timed(lambda q=q: index.search(q, top_k=10), repeats)
        plain = q.strip('"')
        base = timed(lambda p=plain: series[series.str.contains(p, case=False, regex=False)]
                     .head(10), repeats)
        hits = int(series.str.contains(plain, case=False, regex=False).sum())
        ours_all.append(ours)
        base_all.append(base)
        rows.append((f"word search {q!r} ({hits:,} contain it)", _ms(ours), _ms(base),
                     _ratio(ours, base)))
    ours, base = statistics.median(ours_all), statistics.median(base_all)
    rows.insert(0, (f"word search, ms/query (median of the {len(WORD_QUERIES)} queries, "
                    f"{n:,} descriptions)", _ms(ours), _ms(base), _ratio(ours, base)))
    rows.append(("word index build (once, cached)", _ms(build), "none needed", "-"))
    return rows


def bench_filter(n: int, repeats: int) -> list[tuple]:
    from artopic_nb.query import filter_frame, filter_mask
    from artopic_nb.widgets.plot import EmbeddingPlot

    rng = np.random.default_rng(2)
    genres = np.array(["portrait", "landscape", "religious", "still life", "genre scene",
                       "history", "animal", "marine", "interior", "allegory", "mythology",
                       "other"])
    meta = pd.DataFrame({"genre": genres[rng.integers(0, len(genres), n)],
                         "begin_year": rng.integers(1300, 1950, n)})
    frame = filter_frame(meta)
    coords = rng.standard_normal((n, 2)).astype(np.float32)
    labels = rng.integers(-1, 30, n)
    plot = EmbeddingPlot(coords, labels, metadata=meta)
    conditions = [{"genre": ["portrait", "marine"], "begin_year": (1600, 1700)},
                  {"genre": ["landscape"], "begin_year": (1500, 1900)}]
    state = {"k": 0}

    def send(widget, names):  # what Widget.send_state does: binary buffers apart, the rest JSON
        from ipywidgets.widgets.widget import _remove_buffers

        state, _paths, buffers = _remove_buffers(widget.get_state(names))
        json.dumps(state)
        return buffers

    def ours():
        state["k"] += 1
        mask = filter_mask(frame, conditions[state["k"] % 2])
        plot.set_filter(mask)
        send(plot, ["filter_mask"])

    def baseline():
        state["k"] += 1
        mask = filter_mask(frame, conditions[state["k"] % 2])
        plot.selected_ids = np.flatnonzero(mask).tolist()
        send(plot, ["selected_ids"])
        plot.selected_ids = []

    ours_t = timed(ours, repeats)
    base_t = timed(baseline, repeats)
    mask_t = timed(lambda: filter_mask(frame, conditions[0]), repeats)
    share = int(filter_mask(frame, conditions[0]).sum())
    return [
        (f"filter -> plot update, {n:,} points (mask + trait + message)", _ms(ours_t),
         _ms(base_t), _ratio(ours_t, base_t)),
        (f"  of which the mask ({share:,} works pass)", _ms(mask_t), _ms(mask_t), "same"),
    ]


# -- libraries not chosen ---------------------------------------------------------------------------

def compare_word_libraries(n: int, repeats: int) -> None:
    import sqlite3

    docs = synthetic_descriptions(n)
    rows = []
    start = time.perf_counter()
    con = sqlite3.connect(":memory:")
    con.execute("create virtual table d using fts5(text, tokenize='porter unicode61')")
    con.executemany("insert into d(rowid, text) values (?, ?)", enumerate(docs))
    fts_build = time.perf_counter() - start

    def fts(q):
        match = q if q.startswith('"') else " OR ".join(f'"{w}"' for w in q.split())
        return con.execute("select rowid, bm25(d) from d where d match ? order by bm25(d) "
                           "limit 10", (match,)).fetchall()

    from artopic_nb.query import WordIndex

    start = time.perf_counter()
    index = WordIndex.from_texts(pd.DataFrame({"id": np.arange(n), "field": "d", "text": docs}), n)
    bm_build = time.perf_counter() - start
    for q in WORD_QUERIES:
        rows.append((f"words {q!r}", _ms(timed(lambda q=q: index.search(q), repeats)),
                     _ms(timed(lambda q=q: fts(q), repeats)), "-", "-"))
    rows.append(("words: build", _ms(bm_build), _ms(fts_build), "-", "-"))
    print_table(f"Word search libraries at {n:,} descriptions (ms/query; builds)", rows,
                ("figure", "bm25s (chosen)", "SQLite FTS5", "", ""))


def compare_vector_libraries(n: int) -> None:
    import faiss
    from usearch.index import Index

    from artopic_nb.query import VectorIndex, exact_search, recall_at_k

    X = synthetic_embeddings(n)
    qids = np.random.default_rng(1).choice(n, 200, replace=False)
    truth, _ = exact_search(X, X[qids], 11)
    truth = truth[:, 1:]

    def measure(search):
        found, times = [], []
        for i in qids:
            t = time.perf_counter()
            found.append(search(X[i]))
            times.append(time.perf_counter() - t)
        return statistics.median(times), recall_at_k(np.array(found), truth, 10)

    results = []
    start = time.perf_counter()
    ivf = VectorIndex(X, method="ivf")
    build = time.perf_counter() - start
    ms, rec = measure(lambda q: ivf.search(q, 11)[0][1:])
    results.append(("faiss IVF-Flat (chosen)", _ms(build), _ms(ms), f"{rec:.3f}",
                    f"nprobe {ivf.nprobe_}"))
    start = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(X.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 80
    hnsw.add(X)
    build = time.perf_counter() - start
    hnsw.hnsw.efSearch = 64
    ms, rec = measure(lambda q: hnsw.search(q[None], 11)[1][0][1:])
    results.append(("faiss HNSW (M 32, ef 80/64)", _ms(build), _ms(ms), f"{rec:.3f}", ""))
    start = time.perf_counter()
    us = Index(ndim=X.shape[1], metric="cos", dtype="f16", connectivity=16, expansion_add=128)
    us.add(np.arange(n), X, log=False)
    build = time.perf_counter() - start
    us.expansion_search = 64
    ms, rec = measure(lambda q: us.search(q, 11).keys[1:])
    results.append(("usearch HNSW (f16, M 16, ef 128/64)", _ms(build), _ms(ms), f"{rec:.3f}", ""))
    print_table(f"Vector index libraries at {n:,} x 512 (build; ms/query; recall@10 vs exact)",
                results, ("index", "build", "ms/query", "recall@10", "note"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10^5 rows instead of 10^6")
    parser.add_argument("--n", type=int, default=None, help="rows (default 10^6; --quick 10^5)")
    parser.add_argument("--queries", type=int, default=200, help="similar-works queries")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", choices=["similar", "words", "filter"], default=None)
    parser.add_argument("--compare-libraries", action="store_true")
    parser.add_argument("--compare-n", type=int, default=100_000)
    args = parser.parse_args()
    n = args.n or (100_000 if args.quick else 1_000_000)
    repeats = 3 if args.quick else args.repeats
    print(f"benchmarks/search.py: {n:,} works; medians; {machine()}")
    rows = []
    if args.only in (None, "similar"):
        rows += bench_similar(n, min(args.queries, 50) if args.quick else args.queries, repeats)
    gc.collect()
    if args.only in (None, "words"):
        rows += bench_words(n, repeats)
    gc.collect()
    if args.only in (None, "filter"):
        rows += bench_filter(n, repeats)
    print_table(f"Asking {n:,} works (targets: similar < 20 ms with recall@10 >= 0.95; words "
                "< 200 ms; filter -> recoloured plot < 300 ms)", rows,
                ("figure", "ours", "baseline", "ratio"))
    print("baselines: exact numpy search (X @ q, partial sort); a pandas str.contains scan "
          "(unranked); the same works sent as selected_ids")
    if args.compare_libraries:
        compare_word_libraries(args.compare_n, repeats)
        gc.collect()
        compare_vector_libraries(args.compare_n)


if __name__ == "__main__":
    main()
