"""Facets and filters over metadata columns: categorical multi-select with counts, numeric and
date ranges, each filter both a boolean mask and a pandas query string.

A condition is keyed by its column: a list (or set) of values picks those values
(``genre=["portrait", "religious"]``; strings match without regard to case unless
``case_sensitive=True``, and a value no work has is an error naming the nearest ones), a
tuple ``(low, high)`` is an inclusive range (``begin_year=(1600, 1700)``; ``None`` leaves one
end open), a single value is equality. Works' dates are intervals: where the table has
``date_start`` and ``date_end`` (a collection reads them from its date column, see
:mod:`artopic_nb.data.dates`; :func:`filter_frame` adds them otherwise), ``date=(1600, 1650)``
keeps the works whose interval overlaps 1600–1650, and with ``within=True`` those whose
interval lies inside it. Another text column of dates is filtered by the year read from it
(:func:`filter_frame` adds it as ``<column>_year``). Every condition has a pandas query string
that selects the same rows from :func:`filter_frame`'s table
(``frame.query(filter_query(frame, ...))``), so a filter made in the explorer can be read,
pasted and edited in code.

Example
-------
>>> import pandas as pd
>>> meta = pd.DataFrame({"genre": ["Portrait", "landscape", "portrait"],
...                      "date": ["ca. 1650", "1702", "17th century"]})
>>> frame = filter_frame(meta)
>>> filter_mask(frame, genre=["portrait"], date=(1600, 1700)).tolist()
[True, False, True]
>>> filter_query(frame, genre=["portrait"], date=(1600, 1700))
"genre in ['Portrait', 'portrait'] and date_start <= 1700 and date_end >= 1600"
>>> filter_query(frame, date=(1600, 1700), within=True)
'date_start >= 1600 and date_end <= 1700'
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..data.dates import date_column, year_bounds
from ._conditions import check_bounds, matching_values, split_flags

__all__ = ["Facet", "classify", "facets", "filter_frame", "filter_mask", "filter_query",
           "year_of"]

#: Columns that are bookkeeping, never facets.
SKIPPED_COLUMNS = ("path", "file_name", "hash", "width", "height")
#: A text column with more distinct values than this is searched, never a facet.
MAX_CATEGORIES = 1000
YEAR_SUFFIX = "_year"
#: A work's date as an interval of years (inclusive), read by ``date=(low, high)``.
INTERVAL = ("date_start", "date_end")
_YEAR = re.compile(r"(?<!\d)(\d{3,4})(?!\d)")
_CENTURY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)\s+century", re.IGNORECASE)
_BC = re.compile(r"\bB\.?\s?C\.?(?:E\.?)?(?![a-z])", re.IGNORECASE)


@dataclass(frozen=True)
class Facet:
    """One column's facet: ``kind`` is ``"category"`` (``counts``: value -> works, most first),
    ``"number"`` or ``"date"`` (``low`` .. ``high`` over all works; ``count``: works in the
    current filter); ``missing``: works without a value."""

    column: str
    kind: str
    counts: pd.Series | None
    low: Any
    high: Any
    count: int
    missing: int


def year_of(values: pd.Series) -> pd.Series:
    """The year each text names (float; NaN when none): the first 3- or 4-digit number,
    negative before a B.C.; else ``"Nth century"`` gives the century's first year.

    Example
    -------
    >>> year_of(pd.Series(["ca. 1465", "first half of the 14th century", "500 B.C.", "?"])).tolist()
    [1465.0, 1300.0, -500.0, nan]
    """
    codes, uniques = pd.factorize(values)  # each distinct text read once
    text = pd.Series(uniques, dtype="string")
    year = pd.to_numeric(text.str.extract(_YEAR, expand=False), errors="coerce")
    century = pd.to_numeric(text.str.extract(_CENTURY, expand=False), errors="coerce")
    year = year.fillna((century - 1) * 100)
    bc = text.str.contains(_BC, na=False).to_numpy()
    distinct = year.to_numpy(dtype="float64", copy=True)
    distinct[bc] = -distinct[bc]
    out = np.append(distinct, np.nan)[np.where(codes < 0, len(distinct), codes)]
    return pd.Series(out, index=values.index, name=values.name)


def _present(values: pd.Series) -> pd.Series:
    """The values that are there: neither missing nor blank text."""
    present = values.dropna()
    if present.dtype == object or pd.api.types.is_string_dtype(present):
        present = present[present.astype(str).str.strip() != ""]
    return present


def _is_date_text(name: str, values: pd.Series) -> bool:
    if not any(w in str(name).lower() for w in ("date", "year", "period", "created")):
        return False
    present = values.dropna().astype(str)
    present = present[present.str.strip() != ""]
    return len(present) > 0 and year_of(present).notna().mean() >= 0.5


def classify(values: pd.Series, name: str | None = None) -> str:
    """``"category"``, ``"number"``, ``"date"`` or ``"text"`` (no facet: search it)."""
    name = str(values.name if name is None else name)
    if pd.api.types.is_bool_dtype(values):
        return "category"
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date"
    if pd.api.types.is_numeric_dtype(values):
        # an identifier (object_id ...) is no range to filter on
        unique_id = name.lower().endswith("id") and values.dropna().is_unique
        return "text" if unique_id else "number"
    if _is_date_text(name, values):
        return "date"
    present = _present(values)
    distinct = present.nunique()
    # values that repeat (at most half as many as works; up to 10 in a small collection)
    limit = min(MAX_CATEGORIES, max(10, len(present) // 2))
    return "category" if 0 < distinct <= limit else "text"


def filter_frame(metadata: pd.DataFrame) -> pd.DataFrame:
    """``metadata`` plus, for each text column of dates, ``<column>_year`` (float), and
    ``date_start`` / ``date_end`` from its date column where it has none: the table that
    filters and their query strings read.

    Example
    -------
    >>> filter_frame(pd.DataFrame({"date": ["ca. 1511"]}))
           date  date_year  date_start  date_end
    0  ca. 1511     1511.0        1506      1516
    """
    extra: dict[str, Any] = {}
    for c in metadata.columns:
        if c in SKIPPED_COLUMNS or f"{c}{YEAR_SUFFIX}" in metadata.columns:
            continue
        v = metadata[c]
        if not (pd.api.types.is_numeric_dtype(v) or pd.api.types.is_datetime64_any_dtype(v)
                or pd.api.types.is_bool_dtype(v)) and _is_date_text(str(c), v):
            extra[f"{c}{YEAR_SUFFIX}"] = year_of(v)
    source = date_column(metadata)
    if source is not None and not set(INTERVAL) <= set(metadata.columns):
        start, end, _ = year_bounds(metadata[source])
        extra.update(date_start=start.to_numpy(), date_end=end.to_numpy())
    return metadata.assign(**extra) if extra else metadata


def _interval_names(frame: pd.DataFrame) -> tuple[str, ...]:
    """The names a date range is given under (``date`` and the date column) when ``frame``
    has the interval columns; a datetime column keeps its own dates and times."""
    if not set(INTERVAL) <= set(frame.columns):
        return ()
    source = date_column(frame.drop(columns=list(INTERVAL)))
    if source is not None and pd.api.types.is_datetime64_any_dtype(frame[source]):
        return ()
    return tuple(dict.fromkeys(["date", *([source] if source else [])]))


def _column(frame: pd.DataFrame, name: str, condition: Any) -> str:
    """The column a condition on ``name`` reads (a text date's year column for a range;
    ``date_start`` for a range of a date interval)."""
    if isinstance(condition, tuple) and name in _interval_names(frame):
        return INTERVAL[0]
    year = f"{name}{YEAR_SUFFIX}"
    if isinstance(condition, tuple) and year in frame.columns and name in frame.columns \
            and not pd.api.types.is_numeric_dtype(frame[name]) \
            and not pd.api.types.is_datetime64_any_dtype(frame[name]):
        return year
    if name not in frame.columns:
        known = [str(c) for c in frame.columns if c not in SKIPPED_COLUMNS]
        raise ValueError(f"no column {name!r} to filter on; the columns are {known}")
    return name


def _conditions(frame: pd.DataFrame, query: Any, conditions: dict
                ) -> tuple[str | None, dict, dict]:
    if isinstance(query, dict):
        query, conditions = None, {**query, **conditions}
    elif query is not None and not isinstance(query, str):
        raise TypeError("query must be a pandas query string or a {column: condition} dict, "
                        f"not {type(query).__name__}")
    conditions, flags = split_flags(frame, conditions)
    return (query.strip() or None) if query else None, conditions, flags


def _bound(series: pd.Series, value: Any, high: bool) -> Any:
    if value is None or not pd.api.types.is_datetime64_any_dtype(series):
        return value
    if isinstance(value, (int, np.integer)):  # a year: its first or last instant
        return pd.Timestamp(f"{int(value) + 1}-01-01") - pd.Timedelta(1, "ns") if high \
            else pd.Timestamp(f"{int(value)}-01-01")
    return pd.Timestamp(value)


def _range(frame: pd.DataFrame, name: str, col: str, condition: tuple) -> tuple[Any, Any]:
    if len(condition) != 2:
        raise ValueError(f"a range on {name!r} is a tuple (low, high), not {condition!r}; "
                         "a list picks values")
    low, high = condition
    check_bounds(frame[col], name, low, high, years=col != name)  # an interval, a text's year
    return low, high


def _values(condition: Any) -> list:
    items = list(condition) if isinstance(condition, (list, set, frozenset, np.ndarray,
                                                      pd.Series, pd.Index)) else [condition]
    return [v.item() if isinstance(v, np.generic) else v for v in items]


def _parts(frame: pd.DataFrame, query: Any, conditions: dict) -> tuple[list, str | None]:
    """Each condition as ``(column, operator, value)`` triples (operators ``>=``, ``<=``,
    ``in``), and the pandas query string."""
    query, conditions, flags = _conditions(frame, query, conditions)
    parts = []
    for name, condition in conditions.items():
        if condition is None:
            continue
        col = _column(frame, name, condition)
        if isinstance(condition, tuple):
            low, high = _range(frame, name, col, condition)
            s = frame[col]
            if col == INTERVAL[0]:  # overlap, or within=True: inside
                if flags.get("within"):
                    parts += [(INTERVAL[0], ">=", low), (INTERVAL[1], "<=", high)]
                else:
                    parts += [(INTERVAL[0], "<=", high), (INTERVAL[1], ">=", low)]
            else:
                parts += [(col, ">=", _bound(s, low, False)), (col, "<=", _bound(s, high, True))]
        else:
            parts.append((col, "in", matching_values(frame[col], _values(condition), str(name),
                                                     bool(flags.get("case_sensitive")))))
    return [p for p in parts if p[2] is not None or p[1] == "in"], query


def filter_mask(frame: pd.DataFrame, query: str | dict | None = None, *,
                within: bool = False, case_sensitive: bool = False,
                **conditions: Any) -> np.ndarray:
    """Which rows of ``frame`` (:func:`filter_frame`'s table) meet every condition and the
    pandas ``query`` string: a boolean array. See the module docstring for conditions;
    ``within``: a date range keeps the works whose interval lies inside it (not only
    overlaps); ``case_sensitive``: strings must match in case too.

    Example
    -------
    >>> frame = pd.DataFrame({"n": [1, 5, 9], "g": ["a", "b", "A"]})
    >>> filter_mask(frame, "n > 2", g=["a"]).tolist()
    [False, False, True]
    """
    flags = {k: True for k, v in (("within", within), ("case_sensitive", case_sensitive)) if v}
    parts, query = _parts(frame, query, {**conditions, **flags})
    mask = np.ones(len(frame), dtype=bool)
    for col, op, value in parts:
        s = frame[col]
        if op == "in":
            mask &= s.isin(value).to_numpy(bool)
        else:
            mask &= ((s >= value) if op == ">=" else (s <= value)).fillna(False).to_numpy(bool)
    if query:
        try:
            found = frame.eval(query)
        except Exception as exc:
            raise ValueError(f"the query {query!r} could not be read by pandas ({exc}); "
                             f"the columns are {[str(c) for c in frame.columns]}") from exc
        if not (isinstance(found, pd.Series) and pd.api.types.is_bool_dtype(found)):
            raise ValueError(f"the query {query!r} does not give True or False per work")
        mask &= found.to_numpy(bool)
    return mask


def _name(column: str) -> str:
    c = str(column)
    return c if c.isidentifier() and not keyword.iskeyword(c) else f"`{c}`"


def _literal(value: Any) -> str:
    if isinstance(value, pd.Timestamp):
        return repr(str(value))
    if isinstance(value, float) and value.is_integer():
        return repr(int(value)) if abs(value) < 2**53 else repr(value)
    return repr(value)


def filter_query(frame: pd.DataFrame, query: str | dict | None = None, *,
                 within: bool = False, case_sensitive: bool = False,
                 **conditions: Any) -> str:
    """The pandas query string of the same filter as :func:`filter_mask` (``""``: no filter);
    ``frame.query(...)`` with it selects the same rows. Values are the column's own, as
    matched (``genre=["rococo"]`` reads ``genre in ['Rococo']``).

    Example
    -------
    >>> frame = pd.DataFrame({"n": [1, 5, 9], "my genre": ["a", "b", "a"]})
    >>> filter_query(frame, "n > 2", **{"my genre": ["A"]})
    "`my genre` in ['a'] and (n > 2)"
    """
    flags = {k: True for k, v in (("within", within), ("case_sensitive", case_sensitive)) if v}
    parts, query = _parts(frame, query, {**conditions, **flags})
    text = [f"{_name(col)} in [{', '.join(_literal(v) for v in value)}]" if op == "in"
            else f"{_name(col)} {op} {_literal(value)}" for col, op, value in parts]
    if query:
        text.append(f"({query})")
    return " and ".join(text)


def _facet_of(frame: pd.DataFrame, name: str, condition: Any) -> str:
    """The facet a condition belongs to (a year or interval column's facet is its text's)."""
    col = _column(frame, name, condition)
    if col == INTERVAL[0]:
        return (_interval_names(frame) or ("date",))[-1]
    return col[:-len(YEAR_SUFFIX)] if col.endswith(YEAR_SUFFIX) and col != name else col


def facets(frame: pd.DataFrame, conditions: dict | None = None,
           columns: list[str] | None = None) -> dict[str, Facet]:
    """The facets of ``frame``'s columns (text columns, which have none, left out). A date
    column read as intervals is one ``date`` facet from the earliest start to the latest end
    (its ``date_start`` and ``date_end`` no facets of their own).

    Each facet's counts are those of the works that meet the ``conditions`` on the *other*
    columns (so that picking a value in one facet does not hide its siblings), as in
    faceted search.

    Example
    -------
    >>> frame = pd.DataFrame({"g": ["a", "b", "a"], "n": [1, 2, 3]})
    >>> f = facets(frame, {"n": (2, 3)})
    >>> f["g"].counts.to_dict(), (f["n"].low, f["n"].high, f["n"].count)
    ({'a': 1, 'b': 1}, (1, 3, 3))
    """
    conditions, flags = split_flags(frame, {k: v for k, v in (conditions or {}).items()
                                            if v is not None})
    interval = _interval_names(frame)
    source = interval[-1] if interval and interval[-1] in frame.columns else None
    names = [c for c in (columns or frame.columns) if c not in SKIPPED_COLUMNS
             and not (str(c).endswith(YEAR_SUFFIX) and str(c)[:-len(YEAR_SUFFIX)] in frame.columns)
             and not (source is not None and c in INTERVAL)]
    out = {}
    for name in names:
        kind = "date" if name == source else classify(frame[name], str(name))
        if kind == "text":
            continue
        others = {k: v for k, v in conditions.items() if _facet_of(frame, k, v) != name}
        mask = filter_mask(frame, {**others, **flags})
        col = INTERVAL[0] if name == source else f"{name}{YEAR_SUFFIX}" if kind == "date" \
            and f"{name}{YEAR_SUFFIX}" in frame.columns \
            and not pd.api.types.is_datetime64_any_dtype(frame[name]) else name
        s = frame[col]
        if kind == "category":
            counts = _present(s[mask]).value_counts(sort=False)
            counts = counts.iloc[np.lexsort((counts.index.astype(str), -counts.to_numpy()))]
            out[str(name)] = Facet(str(name), kind, counts, None, None, int(counts.sum()),
                                   len(s) - len(_present(s)))
        else:
            present = s.dropna()
            ends = frame[INTERVAL[1]].dropna() if col == INTERVAL[0] else present
            low = present.min() if len(present) else None
            high = ends.max() if len(ends) else None
            low, high = (v.item() if isinstance(v, np.generic) else v for v in (low, high))
            out[str(name)] = Facet(str(name), kind, None, low, high,
                                   int((mask & s.notna().to_numpy()).sum()), int(s.isna().sum()))
    return out
