"""The ``artopic`` command line: run a whole study and write its files and report.

    artopic demo [--out DIR]                          the bundled Met paintings, offline
    artopic run FOLDER [--metadata CSV] [--out DIR]   your own images
    artopic report STUDY_DIR [--out FILE]             the HTML report of a saved study
    artopic export STUDY_DIR FOLDER                   a static site of a saved study

Every argument is checked before anything runs (:mod:`artopic_nb.cli.checks`); an error the
command expects (a model that is not here, a bad source, bad metadata, an unknown column or
spec) is its message alone and exit status 2; Ctrl-C is one line saying which step stopped
and what a rerun finds cached, and exit status 130 (:mod:`artopic_nb.cli.running`).

Example
-------
>>> main(["run", "art/", "--embedder", "color", "--out", "out/"])   # doctest: +SKIP
0
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from ..steps.cluster import METHODS
from .site import add_export_parser

__all__ = ["EXIT_INTERRUPTED", "EXIT_USAGE", "build_parser", "main", "run"]

#: Exit statuses: an expected error (as argparse uses), and Ctrl-C (128 + SIGINT, as shells do).
EXIT_USAGE, EXIT_INTERRUPTED = 2, 130


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``artopic demo | run | report | export`` and their options."""
    parser = argparse.ArgumentParser(prog="artopic", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def study_options(p: argparse.ArgumentParser, out: str) -> None:
        p.add_argument("--out", default=out, help=f"output folder (default: {out})")
        p.add_argument("--cache-dir", default=None,
                       help="cache folder (default: OUT/cache); reruns read results from it")
        p.add_argument("--embedder", default="auto",
                       help="'auto' (CLIP if it loads, else no-model), 'color', a hub id or folder")
        words = p.add_mutually_exclusive_group()
        words.add_argument("--text", nargs="+", default=None, metavar="COL",
                           help="metadata columns whose words are embedded with the images "
                                "(default: the columns that describe the works, chosen and "
                                "said out loud: titles, tags, medium, culture, descriptions)")
        words.add_argument("--no-text", action="store_true",
                           help="embed the images alone, not the records' words")
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
        p.add_argument("--skipped-list", default="auto", choices=["auto", "csv", "csv.gz", "none"],
                       help="the list of every skipped file beside the report: auto (CSV; "
                            "compressed when listed images are not on disk or it is long)")

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
    add_export_parser(sub)
    return parser


def _show_notices(held: list[str]):
    """Print the sources' notices as plain lines (``artopic: ...``), not as Python warnings
    with a file and a source line; other warnings show as usual. The notice pointing at
    ``.metadata_issues`` (an attribute a command-line user cannot open) is held back: the
    command writes the rows to a file and says so instead. Returns the undo."""
    import warnings

    from ..data.skips import CollectionNotice

    shown = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if not issubclass(category, CollectionNotice):
            shown(message, category, filename, lineno, file, line)
        elif ".metadata_issues" in str(message):
            held.append(str(message))
        else:
            print(f"artopic: {message}", file=sys.stderr)

    warnings.showwarning = show
    return lambda: setattr(warnings, "showwarning", shown)


def _expected_errors() -> tuple[type[BaseException], ...]:
    """The errors that are a message to the user, not a bug: a path, a value, a package or a
    model that is not there. Anything else keeps its traceback."""
    from ..models.hub import ModelUnavailableError
    from ..models.protocols import DescriberError

    return OSError, ValueError, ImportError, ModelUnavailableError, DescriberError


def _load(args):
    """The collection the command names (``demo``: the Met paintings)."""
    if args.command == "demo":
        from ..datasets import met_paintings

        return met_paintings(progress=not args.no_progress)
    from ..sources import open_source

    return open_source(args.folder, metadata=args.metadata, url_column=args.url_column,
                       cache_dir=Path(args.cache_dir) / "downloads" if args.cache_dir else None,
                       retry_failed=args.retry_failed, progress=not args.no_progress)


def _report(args) -> int:
    from ..pipeline.study import Study

    study = Study.load(args.study_dir, cache_dir=True)
    path = study.to_html(args.out or Path(args.study_dir) / "report.html")
    print(f"report: {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``artopic`` with ``argv`` (default: the process's arguments); the exit status."""
    from .checks import check_arguments
    from .running import RunState, run_study
    from .site import export_command
    from .summary import write_metadata_issues

    args = build_parser().parse_args(argv)
    downloads = args.command == "run" and (args.folder.startswith(("iiif:", "hf:"))
                                           or Path(args.folder).is_file())
    state = RunState(downloads=downloads)
    held: list[str] = []
    undo = _show_notices(held) if args.command == "run" else None
    try:
        if args.command == "report":
            return _report(args)
        if args.command == "export":
            return export_command(args)
        state.start("check")
        check_arguments(args)
        state.start("load")
        collection = _load(args)
        if line := write_metadata_issues(collection, Path(args.out)):
            print(f"artopic: {line}", file=sys.stderr)
        elif held:  # the rows were noticed but are not in the collection: say it as it came
            print(f"artopic: {held[0]}", file=sys.stderr)
        run_study(collection, args, state)
        return 0
    except KeyboardInterrupt:
        print(f"artopic: {state.interrupted_line()}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except _expected_errors() as exc:
        print(f"artopic: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        if undo is not None:
            undo()


def run() -> None:
    """The ``artopic`` program: :func:`main` on the process's arguments, then exit. After a
    Ctrl-C has been answered, a second one ends the process at once, without a traceback
    from the threads still finishing."""
    import os
    import signal

    # Everything imported so far lives until exit: moved out of the collector's sight, no
    # collection walks it again, nor does the full one at exit (a tenth of a warm run).
    gc.freeze()
    code = main()
    if code == EXIT_INTERRUPTED:
        signal.signal(signal.SIGINT, lambda *_: os._exit(EXIT_INTERRUPTED))
    sys.exit(code)


if __name__ == "__main__":
    run()
