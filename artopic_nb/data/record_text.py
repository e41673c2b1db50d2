"""The collection's own words: which metadata columns are text, and each work's text from them.

Museum records and published datasets say what the works show: titles, subject tags
("Bodhisattvas; Buddhism"), medium, culture, catalogue descriptions. :func:`text_columns`
picks those columns (``"auto"``) or checks the ones named, and :func:`record_texts` joins each
work's values into one text. The embed step encodes these texts (``study.embed(text=...)``)
and the column describer turns them into descriptions (``describers=["column:description"]``).

``"auto"`` takes the columns whose *name* says they describe the work (:data:`TEXT_ROLES`:
titles; subjects, tags, keywords; medium, technique, materials; culture; inscriptions;
descriptions and captions) and whose *values* are words: never identifiers, paths, URLs,
hashes or numbers. A column of free text under another name (catalogue notes in another
language, say) is taken when no column has such a name and its values read as prose
(:data:`PROSE_MIN_WORDS` words or more, mostly distinct). Names of people (artist), dates,
departments and known labels (genre, style ...) are not descriptions of what a work shows,
and the study scores its clusters against the labels: feeding them in would be circular.

Example
-------
>>> import pandas as pd
>>> meta = pd.DataFrame({"title": ["A ship", "Roses"], "tags": [["Ships", "Sea"], None],
...                      "url": ["https://x/1", "https://x/2"], "genre": ["marine", "flowers"]})
>>> found = text_columns(meta, "auto")
>>> found.columns, found.left_out["url"]
(['title', 'tags'], 'URLs')
>>> record_texts(meta, found.columns)
['A ship. Ships; Sea', 'Roses']
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MAX_TEXT_CHARS", "PROSE_MIN_WORDS", "TEXT_ROLES", "TextColumns", "clean_value",
           "cut_texts", "record_texts", "text_columns"]

#: Column names (lower case, ``_``/``-``/spaces ignored, a plural ``s`` optional) that say a
#: column describes the work, in the order their values are joined: short fields first, so
#: that a long description is what a length limit cuts, never a title.
TEXT_ROLES = (
    ("title",), ("subject", "tag", "keyword", "theme", "iconography", "depict"),
    ("medium", "technique", "material", "objectname"), ("culture",), ("inscription",),
    ("caption", "description", "text", "summary", "abstract"),
)
#: A column under no descriptive name is taken by ``"auto"`` as prose when its median text
#: has this many words or more and most of its values differ.
PROSE_MIN_WORDS = 8
#: The longest text kept of one work (characters; the rest is cut and counted). Encoders read
#: less (MiniLM: 256 tokens); this bounds the memory a runaway value can take.
MAX_TEXT_CHARS = 20_000
#: Columns every collection has (file facts, not words about the work).
_FILE_COLUMNS = ("path", "file_name", "hash", "width", "height")

_URL = re.compile(r"^(https?|ftp|s3|gs)://|^www\.", re.I)
_PATH = re.compile(r"^(/|~|[A-Za-z]:[\\/]|\.{1,2}[\\/])|[\\/][^\\/\s]+\.[A-Za-z0-9]{2,5}$")
_HASH = re.compile(r"^[0-9a-fA-F]{16,}$")
_NUMBER = re.compile(r"^[+-]?(\d[\d,_ ]*)(\.\d+)?([eE][+-]?\d+)?$")
_IDENTIFIER = re.compile(r"^[\w.:/#-]*\d[\w.:/#-]*$")  # no spaces and at least one digit
_WORD = re.compile(r"[^\W\d_]{2,}")  # two letters or more, in any script
_SPACE = re.compile(r"\s+")
#: Why a column under one of these names is not taken by ``"auto"`` (first match wins).
_NOT_DESCRIPTIONS = (
    (("genre", "style", "movement", "school", "period", "timeframe", "type", "classification",
      "department", "label", "class", "category", "wikiartgenre"),
     "labels"),
    (("artist", "author", "creator", "maker", "painter", "attribution", "name"), "names"),
    (("date", "year", "century", "created", "begin", "end"), "dates"),
)


@dataclass
class TextColumns:
    """The columns whose values make each work's text, and why ``"auto"`` left others out.

    ``columns``: in the order their values are joined; ``chosen_by``: ``"auto"`` or
    ``"given"``; ``left_out``: column -> why it is not taken (``"auto"`` only): ``"empty"``,
    ``"numbers"``, ``"URLs"``, ``"hashes"``, ``"paths"``, ``"identifiers"``, ``"no words"``,
    ``"labels"``, ``"names"``, ``"dates"``, ``"not descriptions"``, ``"prose under another
    name"``."""

    columns: list[str]
    chosen_by: str
    left_out: dict[str, str] = field(default_factory=dict)


def clean_value(value: Any) -> str:
    """One metadata value as text: strings stripped, spaces collapsed and Unicode in NFC;
    lists, tuples, sets and arrays joined with ``"; "``; missing values (None, NaN, NA) and
    blanks ``""``; bytes decoded as UTF-8; anything else ``str(value)``.

    >>> clean_value(["Ships", None, " Sea "]), clean_value(float("nan")), clean_value(1650)
    ('Ships; Sea', '', '1650')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Series)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
        return "; ".join(t for t in (clean_value(v) for v in items) if t)
    if isinstance(value, dict):
        return "; ".join(t for t in (clean_value(v) for v in value.values()) if t)
    text = unicodedata.normalize("NFC", str(value))
    return _SPACE.sub(" ", text).strip()


def _key(name: Any) -> str:
    return re.sub(r"[\s_\-]+", "", str(name).lower())


def _role(name: Any) -> int | None:
    """The index in :data:`TEXT_ROLES` of a column's name, or None."""
    key = _key(name)
    for i, words in enumerate(TEXT_ROLES):
        if any(key in (w, w + "s", w + "es") for w in words):
            return i
    return None


def _not_words(values: list[str], numeric: bool) -> str:
    """Why non-empty ``values`` are not words ("" when they are)."""
    if numeric:
        return "numbers"
    share = lambda pattern: sum(bool(pattern.search(v)) for v in values) / len(values)  # noqa: E731
    for pattern, what in ((_URL, "URLs"), (_HASH, "hashes"), (_PATH, "paths"),
                          (_NUMBER, "numbers")):
        if share(pattern) > 0.5:
            return what
    if share(_IDENTIFIER) > 0.5 and len(set(values)) > 0.9 * len(values):
        return "identifiers"
    if share(_WORD) < 0.5:
        return "no words"
    return ""


def _named_reason(name: Any) -> str:
    """Why a column is not a description, by its name ("" when its name does not say)."""
    key = _key(name)
    for words, why in _NOT_DESCRIPTIONS:
        if any(w in key for w in words):
            return why
    return ""


def _column_values(metadata: pd.DataFrame, column: str) -> list[str]:
    return [clean_value(v) for v in metadata[column].tolist()]


def _is_prose(values: list[str]) -> bool:
    words = sorted(len(v.split()) for v in values)
    return words[len(words) // 2] >= PROSE_MIN_WORDS and len(set(values)) > 0.5 * len(values)


def text_columns(metadata: pd.DataFrame, text: str | Sequence[str]) -> TextColumns:
    """The text columns of ``metadata``: ``text="auto"`` picks them (see the module doc), a
    column name or a list of names is checked. Raises ValueError for a column that is not
    there (naming the columns there are) or one that is empty in every work, and for
    ``"auto"`` on metadata with no text column ("" when there is nothing to choose from is
    for the caller to say: it gets ``columns=[]``).

    >>> import pandas as pd
    >>> text_columns(pd.DataFrame({"title": ["a"]}), ["titel"])
    Traceback (most recent call last):
    ...
    ValueError: text column 'titel' is not in the metadata; its columns are: title
    """
    names = [c for c in metadata.columns if str(c) not in _FILE_COLUMNS]
    if isinstance(text, str) and text == "auto":
        return _auto(metadata, names)
    given = [text] if isinstance(text, str) else list(text)
    if not given or not all(isinstance(c, str) for c in given):
        raise ValueError(f"text must be 'auto', a column name or a list of column names, "
                         f"not {text!r}")
    for column in given:
        if column not in metadata.columns:
            raise ValueError(f"text column {column!r} is not in the metadata; its columns are: "
                             f"{', '.join(map(str, names)) or '(none but the file facts)'}")
        if not any(_column_values(metadata, column)):
            raise ValueError(f"text column {column!r} is empty in every work; columns with "
                             f"values: {', '.join(_filled(metadata, names)) or '(none)'}")
    return TextColumns(list(dict.fromkeys(given)), "given")


def _filled(metadata: pd.DataFrame, names: list) -> list[str]:
    return [str(c) for c in names if any(_column_values(metadata, c))]


def _auto(metadata: pd.DataFrame, names: list) -> TextColumns:
    chosen: list[tuple[int, int, str]] = []
    prose: list[str] = []
    left_out: dict[str, str] = {}
    for position, column in enumerate(names):
        values = [v for v in _column_values(metadata, column) if v]
        if not values:
            left_out[str(column)] = "empty"
            continue
        role = _role(column)
        why = ("" if role is not None else _named_reason(column)) or _not_words(
            values, pd.api.types.is_numeric_dtype(metadata[column].dtype)
            and not pd.api.types.is_bool_dtype(metadata[column].dtype))
        if why:
            left_out[str(column)] = why
        elif role is not None:
            chosen.append((role, position, str(column)))
        elif _is_prose(values):
            prose.append(str(column))
        else:
            left_out[str(column)] = "not descriptions"
    columns = [c for _, _, c in sorted(chosen)]
    if not columns:
        columns = prose
    else:
        left_out.update({c: "prose under another name" for c in prose})
    return TextColumns(columns, "auto", left_out)


def record_texts(metadata: pd.DataFrame, columns: Sequence[str], sep: str = ". ") -> list[str]:
    """Each work's text: the cleaned values of ``columns`` (:func:`clean_value`), the blank
    ones left out, joined with ``sep`` (a value's own closing full stop dropped before it).
    ``""`` for a work with no text in any of them. :func:`cut_texts` bounds their length."""
    if not columns:
        return [""] * len(metadata)
    texts = []
    for values in zip(*[_column_values(metadata, c) for c in columns], strict=True):
        kept = [v for v in values if v]
        texts.append(sep.join([v.rstrip(" .") for v in kept[:-1]] + kept[-1:]))
    return texts


def cut_texts(texts: Sequence[str], max_chars: int = MAX_TEXT_CHARS) -> tuple[list[str], int]:
    """``texts`` cut to ``max_chars`` characters (at a space where one is near), and how
    many were cut.

    >>> cut_texts(["short", "a much longer text"], max_chars=10)
    (['short', 'a much'], 1)
    """
    out, n = [], 0
    for text in texts:
        if len(text) > max_chars:
            n += 1
            cut = text[:max_chars]
            space = cut.rfind(" ")
            text = cut[:space] if space > max_chars // 2 else cut
        out.append(text)
    return out, n
