"""Facets and filters over metadata columns: categorical multi-select with counts, numeric and
date ranges, each filter both a boolean mask and a pandas query string.

A condition is keyed by its column: a list (or set) of values picks those values
(``genre=["portrait", "religious"]``), a tuple ``(low, high)`` is an inclusive range
(``begin_year=(1600, 1700)``; ``None`` leaves one end open), a single value is equality. A
text column of dates (``"ca. 1650"``, ``"17th century"``) is filtered by the year read from
it: :func:`filter_frame` adds it as ``<column>_year``, and a range given on the text column
uses that. Every condition has a pandas query string that selects the same rows from
:func:`filter_frame`'s table (``frame.query(filter_query(frame, ...))``), so a filter made in
the explorer can be read, pasted and edited in code.

Example
-------
>>> import pandas as pd
>>> meta = pd.DataFrame({"genre": ["portrait", "landscape", "portrait"],
...                      "date": ["ca. 1650", "1702", "17th century"]})
>>> frame = filter_frame(meta)
>>> filter_mask(frame, genre=["portrait"], date=(1600, 1700)).tolist()
[True, False, True]
>>> filter_query(frame, genre=["portrait"], date=(1600, 1700))
"genre in ['portrait'] and date_year >= 1600 and date_year <= 1700"
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Facet", "classify", "facets", "filter_frame", "filter_mask", "filter_query",
           "year_of"]

#: Columns that are bookkeeping, never facets.
SKIPPED_COLUMNS = ("path", "file_name", "hash", "width", "height")
#: A text column with more distinct values than this is searched, never a facet.
MAX_CATEGORIES = 1000
YEAR_SUFFIX = "_year"
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
    text = values.astype("string")
    year = pd.to_numeric(text.str.extract(_YEAR, expand=False), errors="coerce")
    century = pd.to_numeric(text.str.extract(_CENTURY, expand=False), errors="coerce")
    year = year.fillna((century - 1) * 100)
    bc = text.str.contains(_BC, na=False).to_numpy()
    out = year.astype("float64")
    out[bc] = -out[bc]
    return out.rename(values.name)


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
    """``metadata`` plus, for each text column of dates, ``<column>_year`` (float): the table
    that filters and their query strings read.

    Example
    -------
    >>> filter_frame(pd.DataFrame({"date": ["ca. 1511"]}))["date_year"].tolist()
    [1511.0]
    """
    extra = {}
    for c in metadata.columns:
        if c in SKIPPED_COLUMNS or f"{c}{YEAR_SUFFIX}" in metadata.columns:
            continue
        v = metadata[c]
        if not (pd.api.types.is_numeric_dtype(v) or pd.api.types.is_datetime64_any_dtype(v)
                or pd.api.types.is_bool_dtype(v)) and _is_date_text(str(c), v):
            extra[f"{c}{YEAR_SUFFIX}"] = year_of(v)
    return metadata.assign(**extra) if extra else metadata


def _column(frame: pd.DataFrame, name: str, condition: Any) -> str:
    """The column a condition on ``name`` reads (a text date's year column for a range)."""
    year = f"{name}{YEAR_SUFFIX}"
    if isinstance(condition, tuple) and year in frame.columns and name in frame.columns \
            and not pd.api.types.is_numeric_dtype(frame[name]) \
            and not pd.api.types.is_datetime64_any_dtype(frame[name]):
        return year
    if name not in frame.columns:
        known = [str(c) for c in frame.columns if c not in SKIPPED_COLUMNS]
        raise ValueError(f"no column {name!r} to filter on; the columns are {known}")
    return name


def _conditions(query: Any, conditions: dict) -> tuple[str | None, dict]:
    if isinstance(query, dict):
        return None, {**query, **conditions}
    if query is not None and not isinstance(query, str):
        raise TypeError("query must be a pandas query string or a {column: condition} dict, "
                        f"not {type(query).__name__}")
    return (query.strip() or None) if query else None, conditions


def _bound(series: pd.Series, value: Any, high: bool) -> Any:
    if value is None or not pd.api.types.is_datetime64_any_dtype(series):
        return value
    if isinstance(value, (int, np.integer)):  # a year: its first or last instant
        return pd.Timestamp(f"{int(value) + 1}-01-01") - pd.Timedelta(1, "ns") if high \
            else pd.Timestamp(f"{int(value)}-01-01")
    return pd.Timestamp(value)


def _range(condition: tuple, name: str) -> tuple[Any, Any]:
    if len(condition) != 2:
        raise ValueError(f"a range on {name!r} is a tuple (low, high), not {condition!r}; "
                         "a list picks values")
    return condition


def _values(condition: Any) -> list:
    items = list(condition) if isinstance(condition, (list, set, frozenset, np.ndarray,
                                                      pd.Series, pd.Index)) else [condition]
    return [v.item() if isinstance(v, np.generic) else v for v in items]


def filter_mask(frame: pd.DataFrame, query: str | dict | None = None,
                **conditions: Any) -> np.ndarray:
    """Which rows of ``frame`` (:func:`filter_frame`'s table) meet every condition and the
    pandas ``query`` string: a boolean array. See the module docstring for conditions.

    Example
    -------
    >>> frame = pd.DataFrame({"n": [1, 5, 9], "g": ["a", "b", "a"]})
    >>> filter_mask(frame, "n > 2", g=["a"]).tolist()
    [False, False, True]
    """
    query, conditions = _conditions(query, conditions)
    mask = np.ones(len(frame), dtype=bool)
    for name, condition in conditions.items():
        if condition is None:
            continue
        col = _column(frame, name, condition)
        s = frame[col]
        if isinstance(condition, tuple):
            low, high = _range(condition, name)
            if low is not None:
                mask &= (s >= _bound(s, low, False)).fillna(False).to_numpy(bool)
            if high is not None:
                mask &= (s <= _bound(s, high, True)).fillna(False).to_numpy(bool)
        else:
            mask &= s.isin(_values(condition)).to_numpy(bool)
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


def filter_query(frame: pd.DataFrame, query: str | dict | None = None,
                 **conditions: Any) -> str:
    """The pandas query string of the same filter as :func:`filter_mask` (``""``: no filter);
    ``frame.query(...)`` with it selects the same rows.

    Example
    -------
    >>> frame = pd.DataFrame({"n": [1, 5, 9], "my genre": ["a", "b", "a"]})
    >>> filter_query(frame, "n > 2", **{"my genre": ["a"]})
    "`my genre` in ['a'] and (n > 2)"
    """
    query, conditions = _conditions(query, conditions)
    parts = []
    for name, condition in conditions.items():
        if condition is None:
            continue
        col = _column(frame, name, condition)
        if isinstance(condition, tuple):
            low, high = _range(condition, name)
            s = frame[col]
            if low is not None:
                parts.append(f"{_name(col)} >= {_literal(_bound(s, low, False))}")
            if high is not None:
                parts.append(f"{_name(col)} <= {_literal(_bound(s, high, True))}")
        else:
            parts.append(f"{_name(col)} in [{', '.join(_literal(v) for v in _values(condition))}]")
    if query:
        parts.append(f"({query})")
    return " and ".join(parts)


def facets(frame: pd.DataFrame, conditions: dict | None = None,
           columns: list[str] | None = None) -> dict[str, Facet]:
    """The facets of ``frame``'s columns (text columns, which have none, left out).

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
    conditions = {k: v for k, v in (conditions or {}).items() if v is not None}
    names = [c for c in (columns or frame.columns) if c not in SKIPPED_COLUMNS
             and not (str(c).endswith(YEAR_SUFFIX) and str(c)[:-len(YEAR_SUFFIX)] in frame.columns)]
    out = {}
    for name in names:
        kind = classify(frame[name], str(name))
        if kind == "text":
            continue
        others = {k: v for k, v in conditions.items()
                  if k != name and _column(frame, k, v) != f"{name}{YEAR_SUFFIX}"}
        mask = filter_mask(frame, others)
        col = f"{name}{YEAR_SUFFIX}" if kind == "date" and f"{name}{YEAR_SUFFIX}" in frame.columns \
            and not pd.api.types.is_datetime64_any_dtype(frame[name]) else name
        s = frame[col]
        if kind == "category":
            counts = _present(s[mask]).value_counts(sort=False)
            counts = counts.iloc[np.lexsort((counts.index.astype(str), -counts.to_numpy()))]
            out[str(name)] = Facet(str(name), kind, counts, None, None, int(counts.sum()),
                                   len(s) - len(_present(s)))
        else:
            present = s.dropna()
            low = present.min() if len(present) else None
            high = present.max() if len(present) else None
            low, high = (v.item() if isinstance(v, np.generic) else v for v in (low, high))
            out[str(name)] = Facet(str(name), kind, None, low, high,
                                   int((mask & s.notna().to_numpy()).sum()), int(s.isna().sum()))
    return out
