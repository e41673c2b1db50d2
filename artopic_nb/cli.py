"""The ``artopic`` command line: run a whole study and write its files and report.

    artopic demo [--out DIR]                          the bundled Met paintings, offline
    artopic run FOLDER [--metadata CSV] [--out DIR]   your own images
    artopic report STUDY_DIR [--out FILE]             the HTML report of a saved study
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

from .steps.cluster import METHODS

__all__ = ["main", "run"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="artopic", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def study_options(p: argparse.ArgumentParser, out: str) -> None:
        p.add_argument("--out", default=out, help=f"output folder (default: {out})")
        p.add_argument("--cache-dir", default=None,
                       help="cache folder (default: OUT/cache); reruns read results from it")
        p.add_argument("--embedder", default="auto",
                       help="'auto' (CLIP if it loads, else no-model), 'color', a hub id or folder")
        p.add_argument("--cluster-method", default="hdbscan",
                       choices=list(METHODS))
        p.add_argument("--min-cluster-size", type=int, default=None,
                       help="for hdbscan (default: 0.6 * sqrt(n images), at least 2)")
        p.add_argument("--n-clusters", type=int, default=None,
                       help="for kmeans / agglomerative (default: sqrt(n / 2), 1 to 8)")
        p.add_argument("--per-cluster", type=int, default=6, help="works sampled per cluster")
        p.add_argument("--strategy", default="diverse", choices=["random", "central", "diverse"])
        p.add_argument("--describe", nargs="*", default=None, metavar="MODEL",
                       help="describing models (hf:<id or folder>, openai:<model>@<url>, "
                            "attributes); default: the two default VLMs, each falling back to "
                            "the no-model attribute describer when it cannot be loaded")
        p.add_argument("--no-describe", action="store_true",
                       help="stop after sampling (no descriptions, genres or commonalities)")
        p.add_argument("--summaries", default=None, metavar="LLM",
                       help="LLM for per-cluster summaries (e.g. smollm2 offline, or "
                            "openai:<model>@<url>); default: keywords only")
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--engine", default="local", choices=["local", "ray"],
                       help="ray: embed on a Ray cluster into the same cache first "
                            "(pip install 'artopic-nb[scale]')")
        p.add_argument("--address", default=None,
                       help="with --engine ray: auto, ray://HOST:10001 (default: local Ray)")
        p.add_argument("--no-progress", action="store_true", help="hide progress bars")

    demo = sub.add_parser("demo", help="run the study on the bundled Met paintings")
    study_options(demo, "artopic_demo")
    run = sub.add_parser("run", help="run the study on a folder of images, a URL table, or "
                                     "iiif:URL, hf:NAME_OR_PATH, wikiart:ROOT, semart:ROOT")
    run.add_argument("folder", help="a folder of images; a CSV of image URLs; iiif:URL[?"
                                    "all_canvases=1&max_depth=..&size=..&n=..] (a manifest or "
                                    "collection); hf:NAME_OR_PATH[?labels=..&n=..]; "
                                    "wikiart:ROOT[?per_genre=..&labels=style]; "
                                    "semart:ROOT[?split=..]")
    run.add_argument("--metadata", default=None, help="CSV joined on file name")
    run.add_argument("--url-column", default=None,
                     help="the column of image URLs of a table given as FOLDER (default: url)")
    run.add_argument("--retry-failed", action="store_true",
                     help="ask again for downloads known to fail (404, not an image, over a "
                          "limit: remembered for a day)")
    study_options(run, "artopic_out")
    rep = sub.add_parser("report", help="write the HTML report of a saved study")
    rep.add_argument("study_dir")
    rep.add_argument("--out", default=None, help="report file (default: STUDY_DIR/report.html)")
    return parser


def _run_study(collection, args) -> int:
    from .pipeline.study import Study

    out = Path(args.out)
    study = Study(collection, cache_dir=args.cache_dir or out / "cache", seed=args.seed,
                  progress=not args.no_progress)
    started = time.perf_counter()
    embedder = args.embedder
    if args.engine == "ray":
        from .scale import embed_on_ray

        embedder = embed_on_ray(collection, embedder, study.cache_dir, address=args.address,
                                progress=not args.no_progress).study_embedder
    study.embed(embedder=embedder)
    study.reduce()
    sizes = {"min_cluster_size": args.min_cluster_size} if args.cluster_method == "hdbscan" \
        else {"n_clusters": args.n_clusters}
    study.cluster(args.cluster_method, **sizes)
    study.sample(per_cluster=args.per_cluster, strategy=args.strategy)
    if not args.no_describe:
        study.describe(describers=args.describe or None)
        study.predict_genres()
        study.find_commonalities(llm=args.summaries)
    study_dir = study.save(out / "study")
    report = study.to_html(out / "report.html")
    total = time.perf_counter() - started
    _print_summary(study, study_dir, report, total)
    return 0


def _print_summary(study, study_dir: Path, report: Path, total: float) -> None:
    from .genre.evaluation import NOT_SCORED

    col = study.collection
    labels = study.labels_
    print("\nartopic_nb study finished")
    print(_collection_line(col))
    for note in col.notes:
        print(f"  source     : {note}")
    print(f"  embedder   : {study.embedder_id_}; reduction: {study.reducer_}")
    n_clusters = len(set(labels.tolist()) - {-1})
    print(f"  clusters   : {n_clusters} ({study.params_['cluster']['method']}), "
          f"{int((labels < 0).sum())} noise points")
    for step, note in study.notes_.items():
        print(f"  {step:<11}: {note}")
    for label, row in study.agreement(by="all").iterrows():
        print(f"  {'vs ' + label:<11}: ARI {row.ari:.2f}, NMI {row.nmi:.2f}, purity "
              f"{row.purity:.2f} ({int(row.n_works):,} works with one, {int(row.n_labels):,} "
              "labels)")
    if study.has("describe"):
        models = list(dict.fromkeys(study.descriptions_.model))
        print(f"  described  : {study.descriptions_.id.nunique()} works with {', '.join(models)}")
    if study.has("predict_genres"):
        scores = study.genre_report()
        if scores.empty:
            print(f"  genres     : {NOT_SCORED}")
        for model, row in scores.iterrows():
            print(f"  genres     : {model}: accuracy {row.accuracy:.2f}, macro-F1 {row.macro_f1:.2f}"
                  f" (majority baseline {row.majority_accuracy:.2f}; {row.n} works scored)")
    if study.has("commonalities"):
        com = study.commonalities_
        print(f"  keywords   : {com.figures_text()}"
              f"{'' if com.summaries.empty else ', with LLM summaries'}")
    print("  timings    : " + ", ".join(f"{k} {v:.1f} s" for k, v in study.timings_.items())
          + f"; total {total:.1f} s")
    print(f"  study      : {study_dir}")
    print(f"  report     : {report}")


def _collection_line(col) -> str:
    """``wikiart: 1,000 images, 3 skipped (see the report); 80,446 listed images are not on
    disk (a.jpg, ...)``: what was not on disk counted apart from what was skipped."""
    from .data.skips import NOT_ON_DISK, not_on_disk_line

    skipped = int((col.skipped["reason"] != NOT_ON_DISK).sum()) if len(col.skipped) else 0
    absent = not_on_disk_line(col.skipped)
    return (f"  collection : {col.name}: {len(col):,} images, {skipped:,} skipped"
            f"{' (see the report)' if skipped else ''}{'; ' + absent if absent else ''}")


def _show_notices():
    """Print the sources' notices as plain lines (``artopic: ...``), not as Python warnings
    with a file and a source line; other warnings show as usual. Returns the undo."""
    import warnings

    from .data.skips import CollectionNotice

    shown = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, CollectionNotice):
            print(f"artopic: {message}", file=sys.stderr)
        else:
            shown(message, category, filename, lineno, file, line)

    warnings.showwarning = show
    return lambda: setattr(warnings, "showwarning", shown)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    undo = _show_notices() if args.command == "run" else None
    try:
        if args.command == "report":
            from .pipeline.study import Study

            study = Study.load(args.study_dir, cache_dir=True)
            path = study.to_html(args.out or Path(args.study_dir) / "report.html")
            print(f"report: {path}")
            return 0
        if args.command == "demo":
            from .datasets import met_paintings

            collection = met_paintings(progress=not args.no_progress)
        else:
            from .sources import open_source

            collection = open_source(
                args.folder, metadata=args.metadata, url_column=args.url_column,
                cache_dir=Path(args.cache_dir) / "downloads" if args.cache_dir else None,
                retry_failed=args.retry_failed, progress=not args.no_progress)
        return _run_study(collection, args)
    except (FileNotFoundError, ValueError, ImportError) as exc:
        print(f"artopic: error: {exc}", file=sys.stderr)
        return 2
    finally:
        if undo is not None:
            undo()


def run() -> None:
    """The ``artopic`` program: :func:`main` on the process's arguments, then exit."""
    # Everything imported so far lives until exit: moved out of the collector's sight, no
    # collection walks it again, nor does the full one at exit (a tenth of a warm run).
    gc.freeze()
    sys.exit(main())


if __name__ == "__main__":
    run()
