"""What the collection says, as descriptions: a metadata column (or several) read as the text of
each work, by the describer ``"column:<column>"``.

``describers=["column:description"]`` (or ``"column:title+tags"``, ``"column:auto"`` for the
columns ``study.embed(text="auto")`` picks, or :func:`column` with names) turns the record's
own words into descriptions, so that commonalities, claims, cluster names, search over
meaning and caption agreement run on them, beside the vision-language models or instead of
them. It loads no model and sees no pixels: it reads the record of each work
(:meth:`ColumnDescriber.describe_works`), so its texts are *from the record*, and its
``model_id`` says so (``"column:description"``; :func:`text_source` words it for a person).
The caption prompt gives the first sentence (or the first :data:`CAPTION_CHARS` characters);
the description prompt the whole text.

Example
-------
>>> d = ColumnDescriber("title+tags")
>>> d.model_id, text_source(d.model_id), text_source("hf:SmolVLM-256M-Instruct@1a2b")
('column:title+tags', 'from the record (title, tags)', 'by the model hf:SmolVLM-256M-Instruct@1a2b')
>>> caption_of("Saint John on Patmos. Saints; Eagles. Oil on wood")
'Saint John on Patmos.'
>>> caption_of("The Crucifixion; The Last Judgment. Saints; Angels")
'The Crucifixion; The Last Judgment.'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PIL import Image

from ...data.cache import make_key
from ...data.record_text import cut_texts, record_texts, text_columns
from ...text.prompts import Prompt, get_prompt
from ...text.sentences import split_sentences
from ..kinds import register
from ..protocols import Description

__all__ = ["CAPTION_CHARS", "PREFIX", "ColumnDescriber", "caption_of", "column",
           "is_from_record", "text_source"]

#: The ``model_id`` of a column describer starts with this.
PREFIX = "column:"
#: The longest caption taken from a record (a longer first sentence is cut at a word, "…").
CAPTION_CHARS = 200


def caption_of(text: str, max_chars: int = CAPTION_CHARS) -> str:
    """The first sentence of ``text`` (:func:`~artopic_nb.text.sentences.split_sentences`, but
    a semicolon does not end it: "The Crucifixion; The Last Judgment" is one title), cut at a
    word to ``max_chars`` characters with "…" when longer."""
    pieces = split_sentences(text.strip()) or [text.strip()]
    first = pieces[0].strip()
    for piece in pieces[1:]:
        if not first.endswith(";"):
            break
        first = f"{first} {piece.strip()}"
    if len(first) <= max_chars:
        return first
    cut = first[:max_chars - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > max_chars // 2 else cut).rstrip(" ,;:") + "…"


def is_from_record(model_id: Any) -> bool:
    """Whether texts of ``model_id`` come from the collection's records, not from a model."""
    return str(model_id).startswith(PREFIX)


def text_source(model_id: Any) -> str:
    """Where the texts of ``model_id`` come from, in words: ``"from the record (description)"``
    for a column describer, ``"by the model <model_id>"`` for any other."""
    if is_from_record(model_id):
        return f"from the record ({str(model_id)[len(PREFIX):].replace('+', ', ')})"
    return f"by the model {model_id}"


def _columns(columns: str | Sequence[str]) -> list[str] | str:
    if isinstance(columns, str):
        if columns.strip().lower() == "auto":
            return "auto"
        columns = columns.split("+")
    names = [str(c).strip() for c in columns if str(c).strip()]
    if not names:
        raise ValueError("a column describer needs a column: 'column:description', "
                         "'column:title+tags' or 'column:auto'")
    return names


def column(*columns: str) -> str:
    """The describer spec reading ``columns`` (``"auto"``: the columns of
    ``study.embed(text="auto")``): ``column("title", "tags") == "column:title+tags"``."""
    return PREFIX + ("auto" if _columns(list(columns)) == "auto" else "+".join(_columns(list(columns))))


@register("describer", "column", aliases=("record",),
          model="a metadata column, several joined by '+', or 'auto'",
          test_model="metadata-column",
          what="no model: a metadata column of each work's record (titles, tags, catalogue "
               "descriptions) as its caption and description")
class ColumnDescriber:
    """The record's own words as descriptions (see the module doc).

    ``columns``: a column name, names joined by ``+`` or given as a list, or ``"auto"`` (the
    columns :func:`~artopic_nb.data.record_text.text_columns` picks). A column that is not in
    the collection is an error naming the columns there are, when the works are described.
    """

    batch_size = 1024

    def __init__(self, columns: str | Sequence[str] = "auto"):
        self.columns = _columns(columns)

    def __repr__(self) -> str:
        return f"ColumnDescriber({self.model_id[len(PREFIX):]!r})"

    @property
    def model_id(self) -> str:
        return PREFIX + (self.columns if isinstance(self.columns, str) else "+".join(self.columns))

    def cache_params(self, prompt: Prompt) -> dict:
        return {"reads": "record", "caption_chars": CAPTION_CHARS if prompt.name == "caption"
                else None, "v": 2}  # v2: a semicolon does not end a caption

    def _texts(self, collection: Any, ids: Sequence[int]) -> list[str]:
        meta = collection.metadata
        found = text_columns(meta, self.columns)
        rows = meta.loc[[int(i) for i in ids]] if len(ids) else meta.iloc[:0]
        return cut_texts(record_texts(rows, found.columns))[0]

    def record_key(self, collection: Any, ids: Sequence[int]) -> str:
        """A key of the texts it reads for ``ids`` (their content, the columns): part of the
        describe step's cache key, so a changed record is read again."""
        meta = collection.metadata
        return make_key(text_columns(meta, self.columns).columns, self._texts(collection, ids))

    def describe_works(self, collection: Any, ids: Sequence[int],
                       prompt: Prompt | str) -> list[Description]:
        """One :class:`Description` per work of ``collection``: its record's text (the caption
        prompt: the first sentence); ``""`` for a work with no text in the columns."""
        prompt = get_prompt(prompt)
        texts = self._texts(collection, ids)
        if prompt.name == "caption":
            texts = [caption_of(t) for t in texts]
        return [Description(t, 0.0, 0) for t in texts]

    def describe(self, images: list[Image.Image], prompt: Prompt | str) -> list[Description]:
        """Images alone carry no record: one empty text per image. The describe step reads
        the works' records instead (:meth:`describe_works`)."""
        return [Description("", 0.0, 0) for _ in images]
