"""``artopic export STUDY_DIR FOLDER``: a static site of a saved study (see
:mod:`artopic_nb.export.site`), with the study's HTML report beside it when one was written
(``artopic run`` writes ``OUT/report.html`` beside ``OUT/study``).

Example
-------
>>> main(["export", "artopic_out/study", "site"])     # doctest: +SKIP
site: site/index.html (174 works; open it, or put the folder on any static host)
0
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_export_parser", "export_command"]


def add_export_parser(sub) -> None:
    """The ``export`` subcommand's parser."""
    p = sub.add_parser("export", help="write a static site of a saved study: the image map, "
                                      "search, facets, records (opens from file://)")
    p.add_argument("study_dir", help="a study saved by study.save() or artopic run (OUT/study)")
    p.add_argument("folder", help="the site's folder (an earlier export there is replaced; "
                                  "any other folder that is not empty is refused)")
    p.add_argument("--single-file", action="store_true",
                   help="one HTML file (up to 2,000 works); FOLDER may then end in .html")
    p.add_argument("--pictures", default="rights", choices=["rights", "all", "none"],
                   help="rights (default): works whose rights statement does not allow "
                        "republishing are dots; all: every picture; none: dots only")
    p.add_argument("--similar", type=int, default=10, help="similar works listed per work")
    p.add_argument("--title", default=None, help="the page's title")
    p.add_argument("--facets", nargs="+", default=None, metavar="COL",
                   help="metadata columns to filter on (default: a few with few values)")
    p.add_argument("--no-report", action="store_true",
                   help="leave out the study's report.html even when it was written")


def _report_file(study_dir: Path) -> Path | None:
    for candidate in (study_dir / "report.html", study_dir.parent / "report.html"):
        if candidate.is_file():
            return candidate
    return None


def export_command(args: argparse.Namespace) -> int:
    """Run ``artopic export``; the exit status (errors are raised for ``main`` to print)."""
    from ..pipeline.study import Study

    study_dir = Path(args.study_dir)
    if not study_dir.is_dir():
        raise FileNotFoundError(f"study_dir={str(study_dir)!r}: no such folder (a study saved "
                                "by study.save() or artopic run's OUT/study)")
    study = Study.load(study_dir, cache_dir=True, progress=False)
    report = None if args.no_report or args.single_file else _report_file(study_dir)
    page = study.export_site(args.folder, single_file=args.single_file, pictures=args.pictures,
                             similar=args.similar, title=args.title, facets=args.facets,
                             report=report or False)
    print(f"site: {page} ({len(study.collection):,} works; open it, or put the folder on any "
          "static host)")
    return 0
