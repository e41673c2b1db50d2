"""Hugging Face ``datasets`` with an image column (``pip install "artopic-nb[sources]"``).

:func:`from_huggingface` takes a local folder written by ``Dataset.save_to_disk``, a
folder of parquet files (a hub dataset's ``data/train-*.parquet``), an ``imagefolder``
(image files with a ``metadata.csv``; read where they lie, without ``datasets``), a hub name
(streamed: nothing is downloaded beyond the rows read), or a ``Dataset`` /
``IterableDataset`` object.
The sample is seeded and fair across ``labels`` (``per_label`` of each, or ``n`` dealt
round-robin), and drawn from the label column alone before any image is read. Each chosen
image's bytes are kept in the download cache, named by their SHA-256, so the collection's
files are plain image files. Class-label columns become their names; the other scalar
columns are kept as metadata; ``genre=`` names the column of known genres when it is not
``genre``.

Example
-------
>>> import artopic_nb as an
>>> col = an.from_huggingface("huggan/wikiart", labels="genre", per_label=20)  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from ..data.collection import DEFAULT_MAX_PIXELS, ImageCollection
from ._imagefolder import from_imagefolder, is_imagefolder
from ._sampling import fair_sample
from .download import DownloadCache, _Refused, check_image, collection_from_files

__all__ = ["from_huggingface"]

_SPLITS = ("train", "validation", "val", "test")


def _datasets():
    try:
        import datasets
    except ImportError:
        raise ImportError('reading Hugging Face datasets needs the `datasets` package: '
                          'pip install "artopic-nb[sources]"') from None
    return datasets


def _parquet_files(folder: Path, split: str) -> list[Path]:
    """The parquet files of ``split`` in a folder (hub layouts ``data/train-0000-of-0001``,
    ``train/*.parquet``, ``train.parquet``); all of them when none is named by a split."""
    files = sorted(folder.rglob("*.parquet"))

    def split_of(path: Path) -> str | None:
        parts = [path.stem.split("-")[0], *(p.name for p in path.relative_to(folder).parents)]
        return next((s for s in parts if s in _SPLITS), None)

    named = [f for f in files if split_of(f) == split]
    return named or ([f for f in files if split_of(f) is None] or files
                     if not any(split_of(f) for f in files) else [])


class _Source:
    """Rows of a local dataset: its features, a column by name, and rows by position."""

    def __init__(self, features, column, rows, length: int):
        self.features, self.column, self.rows, self.length = features, column, rows, length


def _local_source(obj, split: str, image: str | None) -> _Source:
    datasets = _datasets()
    if isinstance(obj, datasets.DatasetDict):
        if split not in obj:
            raise ValueError(f"the dataset has no split {split!r} (splits: {list(obj)})")
        obj = obj[split]
    if isinstance(obj, datasets.Dataset):
        image = image or _image_column(obj.features)
        obj = obj.cast_column(image, datasets.Image(decode=False))
        return _Source(obj.features, lambda c: obj[c],
                       lambda positions: obj.select(positions).to_list(), len(obj))
    folder = Path(obj)
    if (folder / "dataset_dict.json").exists() or (folder / "dataset_info.json").exists():
        return _local_source(datasets.load_from_disk(str(folder)), split, image)
    files = _parquet_files(folder, split)
    if not files:
        raise ValueError(f"{folder} holds no save_to_disk dataset and no parquet files"
                         f"{' for split ' + repr(split) if any(folder.rglob('*.parquet')) else ''}")
    import pyarrow.dataset as pads

    table = pads.dataset([str(f) for f in files], format="parquet")
    features = datasets.Features.from_arrow_schema(table.schema)
    return _Source(features, lambda c: table.to_table(columns=[c]).column(c).to_pylist(),
                   lambda positions: table.take(positions).to_pylist(), table.count_rows())


def _looks_local(name: str) -> bool:
    """Whether a name that is not on disk can only be a path (a hub name is ``owner/name``):
    absolute, ``./``, ``../``, ``~``, a backslash, more than one slash, or a trailing one."""
    return (Path(name).is_absolute() or name.startswith((".", "~")) or "\\" in name
            or name.count("/") > 1 or name.endswith("/"))


def _image_column(features) -> str:
    datasets = _datasets()
    found = [c for c, f in features.items() if isinstance(f, datasets.Image)]
    if not found:
        raise ValueError(f"the dataset has no image column (features: {dict(features)}); "
                         "name it with image=")
    return found[0]


def _label_names(features, column: str | None):
    """A function from a label column's raw value to its name (class labels' names)."""
    feature = features.get(column) if column else None
    names = getattr(feature, "names", None)
    if not names:
        return lambda v: v
    return lambda v: names[v] if isinstance(v, int) and 0 <= v < len(names) else None


def _stream_sample(stream: Iterable[dict], label, expected, n, per_label, seed, max_scan: int
                   ) -> Iterator[tuple[int, dict]]:
    """A fair sample of a stream: the first rows of each label met (the stream is shuffled
    with a seed); at most ``max_scan`` rows are read, fewer once each ``expected`` label
    (the class names, when known) has its share."""
    cap = per_label if per_label is not None else n
    buckets: dict = {}
    for index, row in enumerate(stream):
        if index >= max_scan:
            break
        bucket = buckets.setdefault(label(row), [])
        if len(bucket) < cap:
            bucket.append((index, row))
        if expected and all(len(buckets.get(k, ())) >= cap for k in expected):
            break
    rows = [r for b in buckets.values() for r in b]
    for position in fair_sample([label(r) for _, r in rows], n, per_label, seed):
        yield rows[position]


def from_huggingface(
    name_or_path,
    split: str = "train",
    *,
    image: str | None = None,
    labels: str | None = None,
    n: int | None = None,
    per_label: int | None = None,
    genre: str | None = None,
    seed: int = 0,
    max_scan: int | None = None,
    cache_dir: str | os.PathLike | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    progress: bool = True,
) -> ImageCollection:
    """A collection of a Hugging Face dataset's images, with its other columns as metadata.

    ``name_or_path``: a hub name, a local folder (``save_to_disk``, parquet files, or an
    ``imagefolder``: images with a ``metadata.csv`` / ``metadata.jsonl``, or one folder per
    class), or a ``Dataset`` / ``IterableDataset``. A path that does not exist is "no such
    folder" before any hub is asked.

    ``image``: the image column (default: the first ``Image`` feature). ``labels``: the
    column the sample is fair across; ``per_label`` works of each label and/or ``n`` in
    all (seeded by ``seed``); neither takes every row of a local dataset, while a hub
    dataset (streamed) needs one of them. ``max_scan``: how many streamed rows may be read
    to fill the sample (default 20 x the sample, at least 1,000). ``genre``: the column of
    known genres, copied to ``genre``. The images' bytes go to the download cache
    (``cache_dir``); those that are not images or are over ``max_pixels`` are skipped.
    """
    if per_label is not None and labels is None:
        raise ValueError("per_label= needs labels=, the column to sample across")
    if isinstance(name_or_path, (str, os.PathLike)):
        local = Path(name_or_path).expanduser()
        if not local.exists() and _looks_local(str(name_or_path)):
            raise FileNotFoundError(f"no such folder: {local}")
        if local.is_dir() and is_imagefolder(local):
            return from_imagefolder(local, split, labels=labels, n=n, per_label=per_label,
                                    genre=genre, seed=seed, progress=progress)
    datasets = _datasets()
    is_stream = isinstance(name_or_path, datasets.IterableDataset)
    if isinstance(name_or_path, (str, os.PathLike)):
        source_name = str(name_or_path)
    else:
        source_name = getattr(getattr(name_or_path, "info", None), "dataset_name", None) \
            or "dataset"
    hub = isinstance(name_or_path, (str, os.PathLike)) and not Path(name_or_path).exists()
    if (hub or is_stream) and n is None and per_label is None:
        raise ValueError(f"{source_name!r} is streamed: give n= or per_label= to say how many "
                         "works to take from it")
    if hub:
        try:
            name_or_path = datasets.load_dataset(str(name_or_path), split=split, streaming=True)
        except Exception as exc:
            raise ValueError(
                f"no such folder: {name_or_path}; and as a Hugging Face dataset name, the hub "
                f"could not be reached ({type(exc).__name__}: {exc}). Download it where the hub "
                "is reachable and pass the folder (Dataset.save_to_disk, the parquet files, or "
                "an imagefolder: images with a metadata.csv)"
            ) from None
        is_stream = True
    if is_stream:
        stream = name_or_path
        image = image or _image_column(stream.features)
        stream = stream.cast_column(image, datasets.Image(decode=False))
        features = stream.features
        names = getattr(features.get(labels), "names", None) if labels else [None]
        to_name = _label_names(features, labels)
        wanted = n if n is not None else per_label * len(names or range(50))
        picked = list(_stream_sample(
            stream.shuffle(seed=seed, buffer_size=1000),
            (lambda r: to_name(r[labels])) if labels else (lambda r: None), names,
            n, per_label, seed, max_scan or max(1000, 20 * wanted)))
    else:
        source = _local_source(name_or_path, split, image)
        features = source.features
        image = image or _image_column(features)
        to_name = _label_names(features, labels)
        label_values = [to_name(v) for v in source.column(labels)] if labels else [None] * source.length
        positions = fair_sample(label_values, n, per_label, seed)
        picked = list(zip(positions, source.rows(positions) if positions else [], strict=True))
    return _collection(picked, features, image, genre, source_name, split, cache_dir,
                       max_pixels, progress)


def _collection(picked, features, image, genre, source_name, split, cache_dir, max_pixels,
                progress) -> ImageCollection:
    cache = DownloadCache(cache_dir)
    check = check_image(max_pixels)
    converters = {c: _label_names(features, c) for c in features if c != image}
    files, origins, records, skipped = [], [], [], []
    for index, row in picked:
        origin = f"{source_name}[{split}][{index}]"
        record = {c: convert(row.get(c)) for c, convert in converters.items()}
        record = {c: v if v is None or isinstance(v, (str, int, float, bool)) else str(v)
                  for c, v in record.items()}
        record["source_row"] = index
        if genre is not None:
            record["genre"] = record.get(genre)
        try:
            data = _image_bytes(row.get(image))
            files.append(cache.store_blob(data, check(data, "")))
        except _Refused as exc:
            files.append(None)
            skipped.append((origin, exc.reason))
        origins.append(origin)
        records.append(record)
    name = Path(str(source_name)).name or "dataset"
    return collection_from_files(files, origins, pd.DataFrame(records), skipped, name=name,
                                 max_pixels=max_pixels, progress=progress)


def _image_bytes(value) -> bytes:
    """The encoded bytes of a dataset's image value (``{"bytes", "path"}`` or a path)."""
    if isinstance(value, dict) and value.get("bytes"):
        return value["bytes"]
    path = value.get("path") if isinstance(value, dict) else value
    if isinstance(path, str) and Path(path).is_file():
        return Path(path).read_bytes()
    raise _Refused(f"no image bytes{f' (and no file at {path})' if path else ''}")
