"""Colour codes of a column for the map: integer codes, category names, the missing entry's
name (:func:`color_codes`); re-exported by :mod:`artopic_nb.widgets.plot`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._base import clean_text

__all__ = ["MAX_CATEGORIES", "NUMERIC_BINS", "color_codes"]

#: Categorical columns keep this many most frequent values; the rest become "other".
MAX_CATEGORIES = 20
#: Numeric columns with more distinct values than this are binned into quantiles.
NUMERIC_BINS = 6


def color_codes(values: pd.Series | np.ndarray, kind: str = "category",
                missing_label: str = "missing") -> tuple[np.ndarray, list[str], str]:
    """Integer codes (``-1`` for missing/noise), category names and the ``-1`` entry's name.

    ``kind="cluster"``: ``values`` are cluster labels (``-1`` noise) and keep their numbers.
    Otherwise numeric columns with many values are binned into quantiles and categorical ones
    keep their :data:`MAX_CATEGORIES` most frequent values (the rest become ``"other"``).
    """
    if kind == "cluster":
        labels = np.asarray(values, dtype=np.int64)
        k = int(labels.max()) + 1 if labels.size and labels.max() >= 0 else 0
        codes = np.where(labels >= 0, labels, -1).astype(np.int32)
        return codes, [f"cluster {c}" for c in range(k)], "noise"
    s = pd.Series(values).reset_index(drop=True)
    missing = s.isna().to_numpy()
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s) \
            and s.nunique(dropna=True) > MAX_CATEGORIES:
        binned = pd.qcut(s, NUMERIC_BINS, duplicates="drop")
        cats = [f"{iv.left:.4g} – {iv.right:.4g}" for iv in binned.cat.categories]
        codes = binned.cat.codes.to_numpy().astype(np.int32)
        return codes, cats, missing_label
    text = s.map(clean_text)
    text[missing] = ""
    counts = text[~missing & (text != "")].value_counts(sort=True)
    keep = list(counts.index[:MAX_CATEGORIES - 1]) if len(counts) > MAX_CATEGORIES \
        else list(counts.index)
    keep.sort()
    index = {v: c for c, v in enumerate(keep)}
    other = len(keep)
    codes = np.array([-1 if (m or v == "") else index.get(v, other)
                      for v, m in zip(text, missing, strict=True)], dtype=np.int32)
    cats = keep + (["other"] if len(counts) > len(keep) else [])
    return codes, cats, missing_label
