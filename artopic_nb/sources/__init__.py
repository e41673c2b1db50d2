"""Where art collections live: IIIF, URL tables, Hugging Face datasets, WikiArt, SemArt.

Every source returns the same :class:`~artopic_nb.data.collection.ImageCollection`, its labels
as metadata (a known genre in ``genre``), so every later step, widget and report works
unchanged. Downloads (IIIF, URL tables) go through one layer,
:mod:`artopic_nb.sources.download`: concurrent, polite, cached, failures in ``.skipped``.

=======================  ===================================================================
``from_iiif(url)``        a IIIF Presentation 2 / 3 manifest or collection
``from_dataframe(df)``    a table with a column of image URLs (``from_csv`` for a file)
``from_huggingface(x)``   a ``datasets`` dataset: local ``save_to_disk`` / parquet, or hub
``load_wikiart(root)``    WikiArt, ArtGAN layout
``load_semart(root)``     SemArt
=======================  ===================================================================

:func:`open_source` reads the command line's ``SOURCE`` (``artopic run SOURCE``).
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path
from urllib.parse import parse_qsl

from ..data.collection import ImageCollection
from .download import DownloadCache, Downloader, default_cache_dir
from .huggingface import from_huggingface
from .iiif import from_iiif
from .semart import load_semart
from .tables import from_csv, from_dataframe
from .wikiart import load_wikiart

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
]

#: The prefixes of :func:`open_source`, and whether the source downloads (takes cache_dir=).
PREFIXES = {"iiif": (from_iiif, True), "hf": (from_huggingface, True),
            "wikiart": (load_wikiart, False), "semart": (load_semart, False)}


def _options(text: str) -> dict:
    """``n=200&labels=genre`` as keyword arguments (whole numbers as ints)."""
    return {k: int(v) if v.lstrip("-").isdigit() else v
            for k, v in parse_qsl(text, keep_blank_values=True)}


def open_source(
    spec: str,
    *,
    metadata: str | os.PathLike | None = None,
    url_column: str | None = None,
    cache_dir: str | os.PathLike | None = None,
    progress: bool = True,
) -> ImageCollection:
    """The collection a command line names.

    ``iiif:URL`` (a manifest or collection), ``hf:NAME_OR_PATH``, ``wikiart:ROOT``,
    ``semart:ROOT``; a ``.csv`` file (or any file with ``url_column``) is a URL table
    (``url_column`` defaults to ``url``); anything else is a folder of images (with
    ``metadata``, a CSV joined on file name). ``hf:``, ``wikiart:`` and ``semart:`` take
    their options after a ``?``: ``hf:huggan/wikiart?labels=genre&per_label=20``,
    ``wikiart:data/wikiart?per_genre=10``, ``semart:SemArt?split=val&n=200``.
    ``cache_dir`` is the download cache (default :func:`default_cache_dir`).
    """
    prefix, colon, rest = spec.partition(":")
    if colon and prefix in PREFIXES:
        loader, downloads = PREFIXES[prefix]
        target, _, query = (rest, "", "") if prefix == "iiif" else rest.partition("?")
        options = {**_options(query), "progress": progress}
        if downloads and cache_dir is not None:
            options["cache_dir"] = cache_dir
        accepted = inspect.signature(loader).parameters
        unknown = sorted(set(options) - set(accepted))
        if unknown:
            raise ValueError(f"{prefix}: does not take {', '.join(unknown)} (it takes: "
                             f"{', '.join(p for p in accepted if p not in ('progress', 'cache_dir'))})")
        return loader(target, **options)
    path = Path(spec)
    if path.is_file() and (url_column or path.suffix.lower() == ".csv"):
        return from_csv(path, url_column or "url", cache_dir=cache_dir, progress=progress)
    return ImageCollection.from_folder(path, metadata, progress=progress)
