"""What a collection left out, in words: reasons counted, a few examples, one notice.

A collection's ``skipped`` table lists every file, image, manifest or row that could not be
used, with its reason (``path``, ``reason``). Tens of thousands of rows say little read one at
a time, so everything shown to a person counts them: :func:`count_reasons` groups the rows by
the reason's kind (its words before any parenthesis: ``"over the pixel limit (300x300 >
50,000 pixels)"`` counts as ``over the pixel limit``) with a few examples each, and
:func:`skip_notice` says it in one line. Listed images that are simply absent (a partial
WikiArt or SemArt download) have the reason :data:`NOT_ON_DISK` and are counted apart, in one
line of their own (:func:`not_on_disk_line`).

Notices are :class:`CollectionNotice` warnings (a ``UserWarning``), attributed to the line of
the user's code that loaded the collection rather than to a line inside artopic_nb; the
``artopic`` command prints them as plain lines.

Example
-------
>>> import pandas as pd
>>> skipped = pd.DataFrame({"path": ["a.jpg", "b.jpg", "c.jpg"],
...                         "reason": ["truncated file", "truncated file", NOT_ON_DISK]})
>>> skip_notice(skipped, "file")
'1 listed image is not on disk (c.jpg); 2 file(s) skipped (2 truncated file)'
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pandas as pd

__all__ = ["NOT_ON_DISK", "CollectionNotice", "count_reasons", "not_on_disk_line", "notify",
           "plural", "skip_notice"]

#: The reason of a listed image (a dataset's label file names it) that is absent from disk.
NOT_ON_DISK = "listed but not on disk"
_PACKAGE = str(Path(__file__).resolve().parents[1])


class CollectionNotice(UserWarning):
    """What a source or a collection took and left out (counted; ``.skipped`` lists each)."""


def plural(count: int, noun: str) -> str:
    """``1 manifest``, ``2 manifests``, ``12,000 works``, ``3 canvases``, ``2 entries``."""
    if count == 1:
        return f"1 {noun}"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        word = noun[:-1] + "ies"
    else:
        word = noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")
    return f"{count:,} {word}"


def reason_kind(reason: str) -> str:
    """The words of a reason before its details in parentheses."""
    return str(reason).split(" (", 1)[0].strip() or str(reason)


def count_reasons(skipped: pd.DataFrame, examples: int = 3) -> pd.DataFrame:
    """Skipped rows counted by the kind of their reason, most frequent first:
    DataFrame(reason, count, examples, detail); ``examples`` paths each (joined by "; ") and
    the first full reason as ``detail``."""
    columns = ["reason", "count", "examples", "detail"]
    if skipped is None or skipped.empty:
        return pd.DataFrame(columns=columns)
    kinds = skipped["reason"].astype(str).map(reason_kind)
    rows = []
    for kind, group in skipped.groupby(kinds, sort=False):
        rows.append({"reason": kind, "count": len(group),
                     "examples": "; ".join(map(str, group["path"].head(examples))),
                     "detail": str(group["reason"].iloc[0])})
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values("count", ascending=False, kind="stable").reset_index(drop=True)


def not_on_disk_line(skipped: pd.DataFrame, examples: int = 3) -> str | None:
    """``"80,446 listed images are not on disk (e.g. a.jpg, b.jpg, ...)"``, or None."""
    if skipped is None or skipped.empty:
        return None
    absent = skipped["path"][skipped["reason"] == NOT_ON_DISK]
    if absent.empty:
        return None
    shown = ", ".join(Path(str(p)).name for p in absent.head(examples))
    verb = "is" if len(absent) == 1 else "are"
    more = ", ..." if len(absent) > examples else ""
    return f"{plural(len(absent), 'listed image')} {verb} not on disk ({shown}{more})"


def skip_notice(skipped: pd.DataFrame, noun: str = "file", max_reasons: int = 4) -> str | None:
    """One line for a skipped table: the listed images not on disk, then the other rows
    counted by reason (``noun`` names what they are: file, image, manifest ...); None when
    nothing was skipped. The ``file(s)`` form is kept for files, as the notice always said."""
    if skipped is None or skipped.empty:
        return None
    parts = [line] if (line := not_on_disk_line(skipped)) else []
    rest = skipped[skipped["reason"] != NOT_ON_DISK]
    if len(rest):
        counts = count_reasons(rest, examples=0)
        shown = ", ".join(f"{c} {r}" for r, c in zip(counts["reason"][:max_reasons],
                                                       counts["count"][:max_reasons], strict=True))
        if len(counts) > max_reasons:
            shown += f", {int(counts['count'][max_reasons:].sum())} other"
        what = f"{len(rest):,} file(s)" if noun == "file" else plural(len(rest), noun)
        parts.append(f"{what} skipped ({shown})")
    return "; ".join(parts)


def notify(text: str) -> None:
    """Issue ``text`` as a :class:`CollectionNotice` attributed to the first caller outside
    artopic_nb (the user's line that loaded the collection, not a line of ours)."""
    frame, level = sys._getframe(1), 2  # stacklevel 2 is notify's caller
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(text, CollectionNotice, stacklevel=level)
