"""Shared pieces of the widgets: strict constructors, colours, thumbnail requests.

Thumbnails never travel in a widget's state. A view asks for the ones it needs with a
custom message (``{"type": "thumbs", "ids": [...], "size": 128, "info": false}``); the
kernel answers with one binary buffer of packed JPEGs and their byte lengths, which the view
keeps (as blob URLs) for the rest of its life. So a label update never re-sends an image,
and a 100,000-point plot costs nothing until a point is hovered.
"""

from __future__ import annotations

import difflib
import pathlib
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import anywidget
import numpy as np
import pandas as pd

STATIC = pathlib.Path(__file__).parent / "static"


def esm(name: str) -> pathlib.Path:
    """The ES module of view ``name``: the file ``static/<name>.js`` itself.

    A path, not its text, so anywidget reads it when the widget is shown and reloads the view
    when the file changes (``ANYWIDGET_HMR=1``). Each view is one self-contained module (a
    view is loaded from a blob URL, which can import no sibling file): an esbuild bundle of
    the ES module sources in ``widgets/js/`` (``npm run build``; see docs/frontend.md),
    committed, so nothing here needs Node or the sources.

    >>> esm("plot").name
    'plot.js'
    """
    path = STATIC / f"{name}.js"
    if not path.is_file():
        raise FileNotFoundError(f"no view module {path}")
    return path


#: Largest number of thumbnails one request is answered with (bounds a message's size).
MAX_THUMBS_PER_REQUEST = 64
#: Sizes a view may ask for (pixels of the longer side); anything else is clamped.
THUMB_SIZES = (64, 96, 128, 192, 256, 384, 512)
#: Metadata columns shown as an artwork's description (in this order, those present).
INFO_COLUMNS = ("title", "artist", "date", "genre")
#: Bookkeeping columns of ImageCollection.metadata, never offered for colouring.
INTERNAL_COLUMNS = ("path", "file_name", "hash")

# tab20, reordered so the first ten are the strong colours.

ThumbnailSource = Callable[[int, int], bytes]


def check_kwargs(widget: anywidget.AnyWidget, kwargs: dict[str, Any]) -> None:
    """Raise TypeError for keyword arguments that are not public traits of ``widget``."""
    allowed = {name for name in widget.trait_names() if not name.startswith("_")}
    unknown = sorted(set(kwargs) - allowed)
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, sorted(allowed), n=1)
            hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise TypeError(f"{type(widget).__name__} got unexpected keyword argument(s) "
                        f"{', '.join(hints)}")


def as_int_list(ids: Sequence[int] | np.ndarray | None) -> list[int]:
    if ids is None:
        return []
    return [int(i) for i in np.asarray(ids, dtype=np.int64).ravel()]


def clean_text(value: Any) -> str:
    """Metadata value as display text ('' for missing). The views set it as text, never HTML."""
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def artwork_title(metadata: pd.DataFrame | None, i: int) -> str:
    """The title of artwork ``i``, else its file name ('' when the metadata has neither)."""
    if metadata is None or i not in metadata.index:
        return ""
    for col in ("title", "file_name"):
        text = clean_text(metadata.at[i, col]) if col in metadata.columns else ""
        if text:
            return text
    return ""


def artwork_info(metadata: pd.DataFrame | None, i: int) -> dict[str, str]:
    """Title, artist, date and genre of artwork ``i`` (those the metadata has)."""
    info = {"id": str(i)}
    if metadata is None or i not in metadata.index:
        return info
    row = metadata.loc[i]
    for col in INFO_COLUMNS:
        if col in metadata.columns:
            info[col] = clean_text(row[col])
    if not info.get("title") and "file_name" in metadata.columns:
        info["title"] = artwork_title(metadata, i)
    return info


def study_thumbnails(study) -> ThumbnailSource:
    collection = study.collection
    return lambda i, size: collection.thumbnail_bytes(int(i), int(size), cache=study.cache)


class ArtopicWidget(anywidget.AnyWidget):
    """Base of the widgets: rejects unknown keyword arguments, answers thumbnail requests."""

    def __init__(self, *, thumbnails: ThumbnailSource | None = None,
                 metadata: pd.DataFrame | None = None, **kwargs):
        check_kwargs(self, kwargs)
        self._thumbnails = thumbnails
        self._metadata = metadata
        super().__init__(**kwargs)
        self.on_msg(self._on_custom_msg)

    # -- thumbnail requests -----------------------------------------------------------------
    def _on_custom_msg(self, _widget, content, _buffers) -> None:
        reply, buffers = self.handle_request(content)
        if reply is not None:
            self.send(reply, buffers)

    def handle_request(self, content: dict) -> tuple[dict | None, list[bytes]]:
        """Answer one request from a view: ``(reply, buffers)``; ``(None, [])`` if not ours."""
        if not isinstance(content, dict) or content.get("type") != "thumbs":
            return None, []
        size = int(content.get("size", 128))
        size = min(THUMB_SIZES, key=lambda s: abs(s - size))
        n = self._n_items()
        ids = [int(i) for i in content.get("ids", [])[:MAX_THUMBS_PER_REQUEST]
               if isinstance(i, int) and 0 <= int(i) < n]
        want_info = bool(content.get("info", False))
        chunks, lengths, infos, errors = [], [], [], []
        for i in ids:
            data = b""
            if self._thumbnails is not None:
                try:
                    data = bytes(self._thumbnails(i, size))
                except Exception as exc:  # an unreadable image shows as a blank tile
                    errors.append(f"{i}: {exc}")
            chunks.append(data)
            lengths.append(len(data))
            if want_info:
                infos.append(self._info(i))
        reply = {"type": "thumbs", "req": content.get("req"), "ids": ids, "lengths": lengths,
                 "size": size}
        if want_info:
            reply["info"] = infos
        if errors:
            reply["errors"] = errors[:10]
        return reply, [b"".join(chunks)]

    def _n_items(self) -> int:
        return 0 if self._metadata is None else len(self._metadata)

    def _info(self, i: int) -> dict[str, str]:
        return artwork_info(self._metadata, i)


def format_exception(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
