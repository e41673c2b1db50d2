"""Dates as intervals of years: the rules they share, and EDTF / ISO 8601 forms (private:
the public functions and the rules in words are in :mod:`artopic_nb.data.dates`; the
catalogue grammar in :mod:`artopic_nb.data._date_catalogue`).

A reading is a list of sides ``(start, end, precision, qualifiers)``; :func:`finish` makes
one interval of them, widened by their qualifiers under :class:`Rules`. EDTF and ISO forms
(``1650~``, ``165X``, ``1650/1660``, ``[1650, 1660]``, ``1650-05-03``, a IIIF ``navDate``)
are matched whole by :func:`edtf`.

Example
-------
>>> edtf("1650~", Rules())
Parsed(start=1645, end=1655, precision='year', qualifier='circa', reason=None)
>>> edtf("ca. 1650", Rules()) is None
True
"""

from __future__ import annotations

import re
from typing import NamedTuple

PRECISIONS = ("day", "month", "season", "year", "decade", "quarter-century", "third-century",
              "half-century", "century", "millennium")
#: Qualifiers, weakest first: where several apply, the last one listed here is reported.
QUALIFIERS = ("exact", "dated", "probable", "uncertain", "circa", "before", "after")
_P_RANK = {p: i for i, p in enumerate(PRECISIONS)}
_Q_RANK = {q: i for i, q in enumerate(QUALIFIERS)}


class Rules(NamedTuple):
    """How far circa and open bounds reach, in years (see :func:`artopic_nb.data.dates.parse`)."""

    circa: int = 5
    open: int = 20
    shortly: int = 10


class Parsed(NamedTuple):
    start: int | None
    end: int | None
    precision: str | None
    qualifier: str | None
    reason: str | None


def fail(reason: str) -> Parsed:
    return Parsed(None, None, None, None, reason)


def circa_margin(precision: str, circa: int) -> int:
    """Years a circa date widens on each side: ``circa`` for a day to a decade, twice that
    for a part of a century, five times for a century, twenty times for a millennium."""
    if precision == "century":
        return 5 * circa
    if precision == "millennium":
        return 20 * circa
    return 2 * circa if precision.endswith("-century") else circa


# -- EDTF and ISO 8601 (matched on the whole string, before the catalogue grammar) -----------
_EDTF_DATE = (r"([?~%])?(-?\d{4}|\d{3}[xX]|\d{2}[xX]{2}|\d[xX]{3})(?:-(\d{2}|[xX]{2}))?"
              r"(?:-(\d{2}|[xX]{2}))?([?~%])?")
_EDTF_ONE = re.compile(_EDTF_DATE + r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_EDTF_SET = re.compile(r"([\[{])\s*(.+?)\s*([\]}])")
_EDTF_QUAL = {"?": "uncertain", "~": "circa", "%": "circa"}
_MIDNIGHT = re.compile(r"T00:00(:00(\.0+)?)?(Z|[+-]00:?00)?")


def _edtf_one(text: str) -> tuple[int, int, str, set[str]] | None:
    m = _EDTF_ONE.fullmatch(text)
    if not m:
        return None
    q0, y, month, day, q1, time = m.groups()
    quals = {_EDTF_QUAL[q] for q in (q0, q1) if q}
    if "x" in y.lower():  # 165X, 16XX, 1XXX
        width = 10 ** y.lower().count("x")
        start = int(y.lower().replace("x", "0"))
        precision = {10: "decade", 100: "century", 1000: "millennium"}[width]
        return (start, start + width - 1, precision, quals) if not (month or day) else None
    year = int(y)
    year = year - 1 if year <= 0 else year  # EDTF counts astronomically: 0000 is 1 B.C.
    precision = "year"
    if month and month.lower() != "xx":
        n = int(month)
        if not day and not time and not quals and n > int(y[-2:]):
            return None  # 1304-06: a catalogue's abbreviated range, read below
        if 1 <= n <= 12:
            precision = "day" if day and day.lower() != "xx" else "month"
        elif 21 <= n <= 24 and not day:
            precision = "season"
        else:
            return None
        if day and day.lower() != "xx" and not 1 <= int(day) <= 31:
            return None
        if time and (month, day) == ("01", "01") and _MIDNIGHT.fullmatch(time):
            precision = "year"  # a IIIF navDate of a year: its first instant
    return year, year, precision, quals


def edtf(text: str, rules: Rules) -> Parsed | None:
    """An EDTF or ISO 8601 date or interval (``1650~``, ``165X``, ``1650/..``, a navDate)."""
    one = _edtf_one(text)
    if one is not None:
        start, end, precision, quals = one
        return finish([(start, end, precision, quals)], set(), rules)
    if "/" in text and text.count("/") == 1:
        left, right = text.split("/")
        sides = [None if s in ("", "..") else _edtf_one(s) for s in (left, right)]
        if (sides[0] is None and left not in ("", "..")) or (
                sides[1] is None and right not in ("", "..")) or sides == [None, None]:
            return None
        if sides[1] is None:  # 1650/.. : open end
            s, e, p, q = sides[0]
            return finish([(s, e, p, q | {"after"})], set(), rules)
        if sides[0] is None:
            s, e, p, q = sides[1]
            return finish([(s, e, p, q | {"before"})], set(), rules)
        return finish([sides[0], sides[1]], set(), rules)
    m = _EDTF_SET.fullmatch(text)
    if m and (m.group(1) + m.group(3)) in ("[]", "{}") and re.search(r",|\.\.", m.group(2)):
        items = [i.strip() for i in re.split(r",|\.\.", m.group(2))]
        found = [_edtf_one(i) for i in items if i]
        if not found or any(f is None for f in found):
            return None
        found.sort()
        extra = {"uncertain"} if m.group(1) == "[" and "," in m.group(2) else set()
        return finish([found[0], found[-1]], extra, rules)
    return None


def finish(sides: list[tuple[int, int, str, set[str]]], quals: set[str], rules: Rules) -> Parsed:
    """A range from its first side's start to its last side's end, each widened by its own
    qualifiers (circa: :func:`circa_margin`; after, before: ``rules.open`` or
    ``rules.shortly``), the coarsest precision and the strongest qualifier."""
    spans = []
    for start, end, precision, side_quals in sides:
        q = side_quals | quals
        if "circa" in q:
            m = circa_margin(precision, rules.circa)
            start, end = start - m, end + m
        reach = rules.shortly if "shortly" in q else rules.open
        if "after" in q:
            end += reach
        elif "before" in q:
            start -= reach
        spans.append((start, end))
    start, end = spans[0][0], spans[-1][1]
    if start > end:
        return fail("the range runs backwards")
    every = quals.union(*(s[3] for s in sides)) - {"shortly"}
    qualifier = max(every, key=_Q_RANK.__getitem__) if every else "exact"
    precision = max((s[2] for s in sides), key=_P_RANK.__getitem__)
    return Parsed(start, end, precision, qualifier, None)

