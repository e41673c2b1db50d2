"""Art dates as intervals of years: ``"ca. 1846–67"`` is 1841–1872, ``"first half of the 14th
century"`` 1300–1349, ``"n.d."`` no date at all (never a guessed year).

:func:`parse` reads dates as catalogues, EDTF and IIIF write them and gives, per string, the
first and last year it allows (``start``, ``end``, inclusive), how finely it is known
(``precision``), how it is qualified (``qualifier``) and, where it cannot be read, why not.
:func:`add_date_columns` gives a collection's metadata ``date_start`` and ``date_end`` from
its date column; filters (:mod:`artopic_nb.query.filters`) and periods
(:mod:`artopic_nb.query.time`) read them.

The rules
---------
- **Years** are whole numbers; B.C. (BC, BCE) years are negative (``500 B.C.`` is -500;
  there is no year 0: ``1st century B.C.`` is -100 to -1, ``1st century`` 1 to 99). EDTF
  counts astronomically, so EDTF ``-0500`` is 501 B.C. (-501) and ``0000`` is 1 B.C.
- **Ranges** run from the start of their first side to the end of their last, with en dash,
  hyphen, ``to``, ``/``: ``1266–75`` and ``1304-06`` are 1266–1275 and 1304–1306 (an
  abbreviated end takes the start's leading digits, and runs into the next century when it
  would run backwards: ``1695–05`` is 1695–1705). A hyphen with two digits that cannot end a
  range (``1650-05``) is ISO 8601's month. ``or`` and ``and`` give the span of both sides
  (``1st century B.C. or 1st century A.D.``: -100 to 99, qualifier uncertain).
- **Decades**: ``1660s`` is 1660–1669; a year ending in 00 with an s is a century: ``1600s``
  is 1600–1699. **Centuries** follow museum practice: ``16th century`` is 1500–1599.
  **Parts**: halves, thirds and quarters (``first half of the 14th century``: 1300–1349,
  ``last quarter``: 1375–1399); ``early``, ``mid`` and ``late`` are thirds (``early 16th
  century`` 1500–1533, ``mid-17th century`` 1634–1666, ``late 16th century`` 1567–1599;
  of a decade: ``early 1490s`` 1490–1493, ``late 1480s`` 1487–1489).
- **Circa** (``ca.``, ``c.``, ``circa``, ``around``, ``about``, EDTF ``~`` and ``%``) widens
  each end it applies to by ``circa`` years (5) for a day, month, season, year or decade,
  twice that for a part of a century, five times for a century, twenty times for a
  millennium: ``c. 1515`` is 1510–1520, ``ca. 1846–67`` 1841–1872. A prefix applies to the
  whole range; ``1650–ca. 1660`` widens only the end.
- **Open bounds**: ``after 1649`` (``not before``, ``or later``, EDTF ``1649/..``) is 1649 to
  1649 + ``open_years`` (20): 1649–1669; ``before 1674`` (``by``, ``not after``, ``or
  earlier``, ``exhibited``, ``published``, EDTF ``../1674``) is 1654–1674. ``shortly after`` and ``shortly
  before`` reach 10 years. The named year is inside the interval: catalogues that write
  "after 1649" mostly mean in or after it.
- **Probable, uncertain, dated** (``probably``, ``datable to``, ``[1650]``; ``possibly``,
  ``?``, ``(?)``; ``dated``, ``signed and dated``) do not move the interval, only the
  qualifier. Where several apply, the strongest is reported (after, before > circa >
  uncertain > probable > dated > exact).
- **Months, seasons and days** (``October 1889``, ``Autumn 1887``, ``March 15, 1889``) give
  their year; a place or note after a comma is left aside (``October 1889, Saint-Rémy``), and
  a later state after a comma (``1826-7, reprinted 1892``, ``cast 1900``) is not the work's
  date; the verb of making before a date is read past (``painted``, ``modeled``, ``made``). Two dates of one work (``c.1803, c.1805-10``, ``1794/c.1830-5``) give their span.
- **EDTF and IIIF**: ``1650~``, ``1650?``, ``165X`` (1650–1659), ``16XX``, ``1650/1660``,
  ``[1650, 1660]``, ``1650-05-03``; a ``navDate`` (``1650-01-01T00:00:00Z``) is its year
  (precision ``year`` when it is the year's first instant, as IIIF writes a year).
- **Not parsed**: an empty value, ``n.d.``, ``-``, ``unknown``, ``undated``, a string without
  a year, a word the grammar does not know (``"jún.04"``: ``'jún'``), a 1- or 2-digit number
  without an era, a year after 2100. ``parsed`` is False and ``reason`` says which.

Example
-------
>>> parse(["c. 1650", "1304-06", "first half of the 14th century", "n.d."]).drop(columns="text")
   start   end     precision qualifier  parsed   reason
0   1645  1655          year     circa    True      NaN
1   1304  1306          year     exact    True      NaN
2   1300  1349  half-century     exact    True      NaN
3   <NA>  <NA>           NaN       NaN   False  undated
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ._date_catalogue import parse_one
from ._date_grammar import PRECISIONS, QUALIFIERS, Rules
from .skips import notify

__all__ = ["DATE_COLUMNS", "PRECISIONS", "QUALIFIERS", "add_date_columns", "date_column",
           "parse", "year_bounds"]

#: Metadata columns read as a collection's date, first found first taken (names compared
#: without case): catalogue fields, IIIF's navDate, museum exports, a plain year.
DATE_COLUMNS = ("date", "navdate", "objectdate", "object_date", "date_display", "datetext",
                "date_text", "display_date", "displaydate", "dated", "date_made",
                "creation_date", "date_created", "created", "year", "dates", "timeframe")
#: Reasons of a value that names no date at all (counted as undated, not as unreadable).
NO_DATE = ("empty", "undated")


def _text(value: object) -> object:
    """A cell as a string to parse (a whole number as its digits), or None when missing."""
    if isinstance(value, str):
        return value
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (float, np.floating)):
        return None if value != value else str(int(value)) if float(value).is_integer() \
            else str(value)
    return str(value)


def parse(strings: Iterable[object] | pd.Series | str, *, circa: int = 5,
          open_years: int = 20) -> pd.DataFrame:
    """Each date string as an interval of years: a table with ``text``, ``start``, ``end``
    (Int64, inclusive; missing where not parsed), ``precision`` (one of :data:`PRECISIONS`),
    ``qualifier`` (one of :data:`QUALIFIERS`), ``parsed`` and ``reason`` (why not).

    ``circa``: the years a circa year widens on each side (see the module's rules);
    ``open_years``: how far ``after`` and ``before`` reach. A Series keeps its index. Each
    distinct string is read once, so a million values with repeats take a second or two.

    Example
    -------
    >>> parse(pd.Series(["1660s", "after 1649"], index=[7, 9]))[["start", "end"]].to_dict("index")
    {7: {'start': 1660, 'end': 1669}, 9: {'start': 1649, 'end': 1669}}
    """
    for name, value in (("circa", circa), ("open_years", open_years)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{name} is a whole number of years (0 or more), not {value!r}")
    rules = Rules(circa=int(circa), open=int(open_years), shortly=min(int(open_years), 10))
    if isinstance(strings, str):
        strings = [strings]
    values = strings if isinstance(strings, pd.Series) else pd.Series(list(strings), dtype=object)
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    n = len(uniques)
    start = np.zeros(n + 1, dtype=np.int64)
    end = np.zeros(n + 1, dtype=np.int64)
    found = np.zeros(n + 1, dtype=bool)
    precision = np.full(n + 1, -1, dtype=np.int64)
    qualifier = np.full(n + 1, -1, dtype=np.int64)
    reasons: list[str | None] = [None] * n + ["empty"]
    texts = pd.Series([_text(u) for u in uniques], dtype=object)  # each distinct value once
    plain = texts.str.fullmatch(r"\s*(?:\d{3}|1\d{3}|20\d\d)\s*").fillna(False).to_numpy(bool)
    if plain.any():  # most dates: a plain year, read at once
        years = texts[plain].astype(int).to_numpy()
        start[:n][plain], end[:n][plain], found[:n][plain] = years, years, True
        precision[:n][plain], qualifier[:n][plain] = PRECISIONS.index("year"), 0
    p_index = {p: i for i, p in enumerate(PRECISIONS)}
    q_index = {q: i for i, q in enumerate(QUALIFIERS)}
    for i in np.flatnonzero(~plain):
        r = parse_one(texts.iat[i] or "", rules)
        if r.reason is None:
            start[i], end[i], found[i] = r.start, r.end, True
            precision[i], qualifier[i] = p_index[r.precision], q_index[r.qualifier]
        else:
            reasons[i] = r.reason
    take = np.where(codes < 0, n, codes)
    ok = found[take]
    reason_codes, reason_names = pd.factorize(pd.Series(reasons, dtype=object))
    out = pd.DataFrame({
        "text": values.to_numpy(),
        "start": pd.arrays.IntegerArray(start[take], ~ok),
        "end": pd.arrays.IntegerArray(end[take], ~ok),
        "precision": pd.Categorical.from_codes(precision[take], PRECISIONS),
        "qualifier": pd.Categorical.from_codes(qualifier[take], QUALIFIERS),
        "parsed": ok,
        "reason": pd.Categorical.from_codes(reason_codes[take], reason_names),
    }, index=values.index)
    return out


def year_bounds(values: pd.Series, **rules: int) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    """``(start, end, parsed table)`` of a column of dates: numbers are years, datetimes
    their years, text is :func:`parse`d (the table is that of :func:`parse`; for numbers and
    datetimes it says ``year`` / ``exact`` where there is one).

    Example
    -------
    >>> start, end, _ = year_bounds(pd.Series([1650, None, 1702.0]))
    >>> start.tolist(), end.tolist()
    ([1650, <NA>, 1702], [1650, <NA>, 1702])
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        values = values.dt.year
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        years = pd.to_numeric(values, errors="coerce").round().astype("Int64")
        table = parse(years.astype(object).where(years.notna(), None), **rules)
        return years.rename("date_start"), years.rename("date_end"), table
    table = parse(values, **rules)
    return table["start"].rename("date_start"), table["end"].rename("date_end"), table


def date_column(frame: pd.DataFrame) -> str | None:
    """The column of ``frame`` a collection's dates are read from (:data:`DATE_COLUMNS`,
    first found; names compared without case), or None.

    Example
    -------
    >>> date_column(pd.DataFrame(columns=["title", "navDate"]))
    'navDate'
    """
    names: dict[str, str] = {}
    for c in frame.columns:
        names.setdefault(str(c).lower(), c)
    return next((names[n] for n in DATE_COLUMNS if n in names), None)


def add_date_columns(metadata: pd.DataFrame, *, notice: bool = True) -> pd.DataFrame:
    """``metadata`` with ``date_start`` and ``date_end`` (Int64 years) read from its date
    column (:func:`date_column`); unchanged when it has none, or has both columns already.
    With ``notice``, one line says how many dates could not be read, with two examples (and
    how many works have none); nothing is said when the only gaps are missing dates.

    Example
    -------
    >>> add_date_columns(pd.DataFrame({"date": ["ca. 1650", "1702"]}))
           date  date_start  date_end
    0  ca. 1650        1645      1655
    1      1702        1702      1702
    """
    column = date_column(metadata)
    if column is None or {"date_start", "date_end"} <= set(metadata.columns):
        return metadata
    start, end, table = year_bounds(metadata[column])
    if notice:
        line = unread_notice(table, column)
        if line:
            notify(line)
    return metadata.assign(date_start=start.to_numpy(), date_end=end.to_numpy())


def unread_notice(table: pd.DataFrame, column: str) -> str | None:
    """One line on the dates of ``column`` that could not be read (two examples with their
    reasons), counting those that name no date too; None when every value that is there
    (not empty, not ``n.d.``) was read: missing dates alone are no news."""
    failed = table[~table["parsed"]]
    none = failed["reason"].isin(NO_DATE)
    unread = failed[~none]
    if unread.empty:
        return None
    shown = unread.drop_duplicates("text").head(2)
    examples = "; ".join(f"{t!r}: {r}" for t, r in zip(shown["text"], shown["reason"],
                                                         strict=True))
    parts = [f"{len(unread):,} of {len(table):,} dates in {column!r} could not be read "
             f"(e.g. {examples})"]
    if none.any():
        parts.append(f"{int(none.sum()):,} of {len(table):,} works have no date in {column!r}")
    return "; ".join(parts) + ": their date_start and date_end are missing (time views " \
        "and date filters leave them out)"
