"""Reading one filter condition (private to :mod:`artopic_nb.query.filters`): which values of a
column a list of values means (case-insensitive, a typo named with the nearest values), and
whether a range's bounds are of a type the column can be compared with.

Example
-------
>>> s = pd.Series(["Rococo", "Baroque", "rococo", None])
>>> matching_values(s, ["ROCOCO"], "style")
['Rococo', 'rococo']
>>> matching_values(s, ["rocco"], "style")
Traceback (most recent call last):
...
ValueError: style: no work has the value 'rocco'; the nearest are 'Rococo', 'rococo' (string values match without regard to case; pass case_sensitive=True to tell them apart)
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["check_bounds", "matching_values", "split_flags"]

#: Keywords of the filter functions that are no column's condition.
FLAGS = ("within", "case_sensitive")
_NUMBER = (int, float, np.integer, np.floating)


def split_flags(frame: pd.DataFrame, conditions: dict) -> tuple[dict, dict]:
    """``(conditions, flags)``: ``within`` and ``case_sensitive`` given in a conditions dict
    (as ``study.where({...})`` passes them) are flags unless the frame has such a column."""
    flags = {k: conditions[k] for k in FLAGS if k in conditions and k not in frame.columns}
    for name, value in flags.items():
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} is True or False, not {value!r}")
    return {k: v for k, v in conditions.items() if k not in flags}, flags


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA


def _distinct(series: pd.Series) -> list:
    if isinstance(series.dtype, pd.CategoricalDtype):
        values = series.cat.categories.tolist()
    else:  # hashing every value once (no copy without the missing first)
        values = pd.unique(series).tolist()
    return [v.item() if isinstance(v, np.generic) else v for v in values if not _missing(v)]


def matching_values(series: pd.Series, values: list, name: str,
                    case_sensitive: bool = False) -> list:
    """The values of ``series`` that ``values`` pick: each string matches the column's values
    equal to it without regard to case (unless ``case_sensitive``), anything else matches
    itself; a missing value (None, NaN) picks the missing rows. A value that picks nothing is
    an error naming the nearest values of the column (difflib), as a typo usually is."""
    distinct = _distinct(series)
    folded: dict[str, list] = {}
    for v in distinct:
        if isinstance(v, str):
            folded.setdefault(v.casefold(), []).append(v)
    known = set(distinct)
    out, unknown = [], []
    for v in values:
        if _missing(v):
            out.append(v)
        elif isinstance(v, str) and not case_sensitive:
            found = folded.get(v.casefold(), [])
            out.extend(found) if found else unknown.append(v)
        elif v in known or (isinstance(v, _NUMBER) and not isinstance(v, bool)
                            and any(isinstance(k, _NUMBER) and k == v for k in known)):
            out.append(v)
        else:
            unknown.append(v)
    if unknown:
        raise ValueError(_no_match(name, unknown[0], distinct, case_sensitive))
    return list(dict.fromkeys(out))


def _no_match(name: str, value: Any, distinct: list, case_sensitive: bool) -> str:
    fold = (lambda v: str(v)) if case_sensitive else (lambda v: str(v).casefold())
    keys = list(dict.fromkeys(fold(v) for v in distinct))
    near = difflib.get_close_matches(fold(value), keys, n=3, cutoff=0.6)
    shown = [repr(v) for k in near for v in distinct if fold(v) == k]
    hint = f"the nearest are {', '.join(shown)}" if shown else (
        f"its values are {', '.join(repr(v) for v in distinct[:8])}"
        + (", ..." if len(distinct) > 8 else "") if distinct else "it has no values")
    why = " (string values match without regard to case; pass case_sensitive=True to tell " \
        "them apart)" if not case_sensitive and isinstance(value, str) else ""
    return f"{name}: no work has the value {value!r}; {hint}{why}"


def check_bounds(series: pd.Series, name: str, low: Any, high: Any, years: bool) -> None:
    """A range's bounds must be comparable with ``series``: numbers for numbers and years
    (``years``: a text column of dates or a date interval), years, dates or date strings for
    datetimes; ``None`` leaves an end open. Anything else is a TypeError naming ``name``."""
    datetimes = pd.api.types.is_datetime64_any_dtype(series)
    numbers = years or (pd.api.types.is_numeric_dtype(series)
                        and not pd.api.types.is_bool_dtype(series))
    if not (numbers or datetimes):
        return
    for bound in (low, high):
        if bound is None:
            continue
        number = isinstance(bound, _NUMBER) and not isinstance(bound, (bool, np.bool_)) \
            and bound == bound
        if numbers and number:
            continue
        if datetimes and not years and (number or isinstance(bound, (pd.Timestamp, dt.date,
                                                                      np.datetime64))):
            continue
        if datetimes and not years and isinstance(bound, str):
            try:
                pd.Timestamp(bound)
                continue
            except ValueError:
                pass
        what = "years as numbers, e.g. (1600, 1650)" if years else "numbers" if numbers else \
            "years (1990), dates or date strings ('1990-06-01')"
        raise TypeError(f"{name}=({low!r}, {high!r}): a range's bounds are {what} or None "
                        f"for an open end, not {bound!r} ({type(bound).__name__})")
