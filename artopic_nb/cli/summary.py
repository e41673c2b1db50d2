"""What ``artopic`` prints: the summary of a finished study, and the metadata rows it could
not use (written to a file a command-line user can open, the first ones shown).

Example
-------
>>> import pandas as pd
>>> issues = pd.DataFrame({"row": [3, -1], "problem": ["no image named 'x.jpg'",
...                                                    "2 image(s) have no metadata row"]})
>>> issues_line(issues, "out/metadata_issues.csv")
"2 metadata row(s) could not be used (all in out/metadata_issues.csv): row 3: no image named 'x.jpg'; 2 image(s) have no metadata row"
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["collection_line", "issues_line", "print_summary", "provenance_lines",
           "write_metadata_issues"]


def write_metadata_issues(col, out: Path) -> str | None:
    """Write ``col.metadata_issues`` to ``out/metadata_issues.csv`` and return the line that
    says so (the first rows shown); None, and no file, when every row was used."""
    from ..data.cache import atomic_write_text

    issues = col.metadata_issues
    if issues is None or issues.empty:
        return None
    out.mkdir(parents=True, exist_ok=True)
    path = out / "metadata_issues.csv"
    atomic_write_text(path, issues.to_csv(index=False))
    return issues_line(issues, str(path))


def issues_line(issues: pd.DataFrame, path: str, shown: int = 3) -> str:
    """``N metadata row(s) could not be used (all in PATH): row 3: ...; row 7: ...; ...``."""
    rows = [f"row {int(r)}: {p}" if int(r) >= 0 else str(p)
            for r, p in zip(issues["row"][:shown], issues["problem"][:shown], strict=True)]
    more = "; ..." if len(issues) > shown else ""
    return (f"{len(issues)} metadata row(s) could not be used (all in {path}): "
            f"{'; '.join(rows)}{more}")


def print_summary(study, study_dir: Path, report: Path, total: float) -> None:
    """The finished study in a few lines: collection, clusters, agreement, models, files."""
    from ..genre.evaluation import NOT_SCORED

    col = study.collection
    labels = study.labels_
    print("\nartopic_nb study finished")
    print(collection_line(col))
    for note in col.notes:
        print(f"  source     : {note}")
    for line in provenance_lines(study.provenance()):
        print(f"  {'rests on':<11}: {line}")
    print(f"  reduction  : {study.reducer_}")
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
        for model, row in scores.iterrows():  # a row of mixed columns is floats: n as int
            print(f"  genres     : {model}: accuracy {row.accuracy:.2f}, macro-F1 {row.macro_f1:.2f}"
                  f" (majority baseline {row.majority_accuracy:.2f}; {int(row.n)} works scored)")
    if study.has("commonalities"):
        com = study.commonalities_
        print(f"  keywords   : {com.figures_text()}"
              f"{'' if com.summaries.empty else ', with LLM summaries'}")
    print("  timings    : " + ", ".join(f"{k} {v:.1f} s" for k, v in study.timings_.items())
          + f"; total {total:.1f} s")
    print(f"  study      : {study_dir}")
    print(f"  report     : {report}")


def collection_line(col) -> str:
    """``wikiart: 1,000 images, 3 skipped (see the report); 80,446 listed images are not on
    disk (a.jpg, ...)``: what was not on disk counted apart from what was skipped."""
    from ..data.skips import NOT_ON_DISK, not_on_disk_line

    skipped = int((col.skipped["reason"] != NOT_ON_DISK).sum()) if len(col.skipped) else 0
    absent = not_on_disk_line(col.skipped)
    return (f"  collection : {col.name}: {len(col):,} images, {skipped:,} skipped"
            f"{' (see the report)' if skipped else ''}{'; ' + absent if absent else ''}")


def provenance_lines(table: pd.DataFrame) -> list[str]:
    """One line per row of ``study.provenance()``: the result and its model; a no-model
    fallback marked ``NO MODEL`` (in capitals, so that it is not missed) with what it means.

    >>> t = pd.DataFrame({"result": ["image embedding"], "model": ["color-texture-v1"],
    ...                   "no_model": [True], "means": ["colour and texture only"]})
    >>> provenance_lines(t)
    ['image embedding: color-texture-v1 -- NO MODEL: colour and texture only']
    """
    return [f"{r.result}: {r.model}" + (f" -- NO MODEL: {r.means}" if r.no_model else "")
            for r in table.itertuples()]
