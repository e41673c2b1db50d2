"""Where art collections live: IIIF, URL tables, Hugging Face datasets, WikiArt, SemArt.

Every source returns the same :class:`~artopic_nb.data.collection.ImageCollection`, its labels
as metadata (a known genre in ``genre``), so every later step, widget and report works
unchanged. Downloads (IIIF, URL tables) go through one layer,
:mod:`artopic_nb.sources.download`: concurrent, polite, cached, failures in ``.skipped``.

=======================  ===================================================================
``from_iiif(url)``        a IIIF Presentation 2 / 3 manifest or collection
``from_dataframe(df)``    a table with a column of image URLs (``from_csv`` for a file)
``from_huggingface(x)``   a ``datasets`` dataset: local ``save_to_disk`` / parquet, or hub
``load_wikiart(root)``    WikiArt: ArtGAN's label files as published, a partial download
``load_semart(root)``     SemArt as released
=======================  ===================================================================

:func:`open_source` reads the command line's ``SOURCE`` (``artopic run SOURCE``).
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path
from urllib.parse import parse_qsl

from ..data.collection import ImageCollection
from ..data.skips import notify
from .download import DownloadCache, Downloader, default_cache_dir
from .huggingface import from_huggingface
from .iiif import from_iiif
from .semart import load_semart
from .tables import from_csv, from_dataframe
from .wikiart import find_label_files, load_wikiart

__all__ = [
    "DownloadCache",
    "Downloader",
    "default_cache_dir",
    "from_csv",
    "from_dataframe",
    "from_huggingface",
    "from_iiif",
    "load_semart",
    "load_wikiart",
    "open_source",
    "wikiart_hint",
]

#: The prefixes of :func:`open_source`, and whether the source downloads (takes cache_dir=).
PREFIXES = {"iiif": (from_iiif, True), "hf": (from_huggingface, True),
            "wikiart": (load_wikiart, False), "semart": (load_semart, False)}
#: Options of the download layer a downloading source passes on.
DOWNLOAD_OPTIONS = ("retry_failed", "refresh", "max_bytes", "max_per_host", "min_interval",
                    "timeout", "retries", "failure_ttl")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _value(text: str):
    """An option's value: a whole number as an int, yes/no words as booleans, else text."""
    if text.lstrip("-").isdigit():
        return int(text)
    if text.lower() in _TRUE + _FALSE:
        return text.lower() in _TRUE
    return text


def _options(text: str) -> dict:
    """``n=200&labels=genre`` as keyword arguments (whole numbers as ints, yes/no as bools)."""
    return {k: _value(v) for k, v in parse_qsl(text, keep_blank_values=True)}


def _accepted(loader) -> list[str]:
    params = inspect.signature(loader).parameters
    names = [p for p, v in params.items() if v.kind is not inspect.Parameter.VAR_KEYWORD]
    if any(v.kind is inspect.Parameter.VAR_KEYWORD for v in params.values()):
        names += DOWNLOAD_OPTIONS
    return names


def _split_iiif(rest: str, accepted: list[str]) -> tuple[str, dict]:
    """A IIIF URL and the options after its last ``?``: only the names the loader takes are
    options; any other query parameter stays in the URL (``manifest.json?id=3&n=5`` keeps
    ``id=3``)."""
    url, mark, query = rest.rpartition("?")
    if not mark:
        return rest, {}
    pairs = parse_qsl(query, keep_blank_values=True)
    ours = {k: _value(v) for k, v in pairs if k in accepted}
    if not ours:
        return rest, {}
    theirs = "&".join(f"{k}={v}" for k, v in pairs if k not in accepted)
    return url + (f"?{theirs}" if theirs else ""), ours


def open_source(
    spec: str,
    *,
    metadata: str | os.PathLike | None = None,
    url_column: str | None = None,
    cache_dir: str | os.PathLike | None = None,
    retry_failed: bool = False,
    progress: bool = True,
) -> ImageCollection:
    """The collection a command line names.

    ``iiif:URL`` (a manifest or collection), ``hf:NAME_OR_PATH``, ``wikiart:ROOT``,
    ``semart:ROOT``; a ``.csv`` file (or any file with ``url_column``) is a URL table
    (``url_column`` defaults to ``url``); anything else is a folder of images (with
    ``metadata``, a CSV joined on file name; a folder holding ArtGAN's label files is
    loaded as asked, with a notice to use ``wikiart:`` for its labels). Each prefix takes its loader's options after
    a ``?``: ``iiif:URL?all_canvases=1&max_depth=3&size=512&n=200``,
    ``hf:huggan/wikiart?labels=genre&per_label=20``, ``wikiart:data/wikiart?per_genre=10``,
    ``semart:SemArt?split=val&n=200`` (``1`` / ``0``, ``yes`` / ``no`` for switches).
    ``cache_dir`` is the download cache (default :func:`default_cache_dir`);
    ``retry_failed`` asks again for downloads known to fail.
    """
    prefix, colon, rest = spec.partition(":")
    if colon and prefix in PREFIXES:
        loader, downloads = PREFIXES[prefix]
        accepted = _accepted(loader)
        if prefix == "iiif":
            target, options = _split_iiif(rest, accepted)
        else:
            target, _, query = rest.partition("?")
            options = _options(query)
        options["progress"] = progress
        if downloads and cache_dir is not None:
            options["cache_dir"] = cache_dir
        if retry_failed and "retry_failed" in accepted:
            options["retry_failed"] = True
        unknown = sorted(set(options) - set(accepted))
        if unknown:
            raise ValueError(f"{prefix}: does not take {', '.join(unknown)} (it takes: "
                             f"{', '.join(p for p in accepted if p not in ('progress', 'cache_dir'))})")
        return loader(target, **options)
    path = Path(spec)
    if path.is_file() and (url_column or path.suffix.lower() == ".csv"):
        return from_csv(path, url_column or "url", cache_dir=cache_dir, progress=progress,
                        retry_failed=retry_failed)
    hint = wikiart_hint(path)
    if hint:
        notify(hint)
    col = ImageCollection.from_folder(path, metadata, progress=progress)
    if hint:
        col.notes = [*col.notes, hint]
    return col


def wikiart_hint(folder: Path) -> str | None:
    """For a plain folder that holds ArtGAN's label files: the line that says to open it as
    ``wikiart:`` (read as a folder, its genre, style and artist labels go unused); else None.

    >>> wikiart_hint(Path("no/such/folder")) is None
    True
    """
    if not folder.is_dir():
        return None
    found = find_label_files(folder)
    if not found:
        return None
    shown = ", ".join(sorted(p.relative_to(folder).as_posix() for p in found.values())[:2])
    return (f"this looks like WikiArt (ArtGAN label files found: {shown} ...): use "
            f"wikiart:{folder} for its labels")
