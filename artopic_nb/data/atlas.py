"""Pictures of a map: sprite atlases of thumbnails and a still image.

The image map (``EmbeddingPlot(draw="images")``) draws every work as its thumbnail at its map
position. These pieces live here, below the widgets, so that the report can use them too (the
order in which works earn a picture is :mod:`artopic_nb.data.picture_order`):

- :func:`atlas_page`: the thumbnails of up to ``(page_size // cell) ** 2`` works packed into
  one JPEG page, each fitted into a ``cell`` x ``cell`` square at its top-left corner, row by
  row. A page is cached by content (the works' image hashes and the layout), so a second
  build costs one file read. :func:`reduced_page` makes the far view's pages from them.
- :func:`map_image`: the map with its pictures as a PIL image (the report's still image).

Example
-------
>>> picture_boxes(picture_aspects([400, 300], [300, 300]), ATLAS_CELL).tolist()
[[32, 24], [32, 32]]
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from PIL import Image, ImageDraw, ImageFont, JpegImagePlugin

from .cache import Cache, make_key
from .colour import NOISE_COLOR, palette
from .images import DECODE_VERSION, check_jpeg
from .memo import Memo
from .picture_order import cluster_centroids, picture_ranks

__all__ = ["ATLAS_CELL", "ATLAS_PAGE", "ATLAS_SOURCE", "MINI_CELL", "MINI_PAGE", "atlas_page",
           "cluster_name_map", "map_image", "picture_aspects", "picture_boxes", "reduced_page",
           "works_per_page"]

#: Version of the page layout and encoding (part of every page's cache key).
ATLAS_VERSION = 1
#: Side of a work's square in an atlas page (pixels), and of a page (1,024 works a page, so
#: that the first page, the most representative works, arrives and decodes quickly).
ATLAS_CELL = 32
ATLAS_PAGE = 1024
#: The far view's pages: 8-px squares, 65,536 works a page (a picture a few pixels across on
#: screen needs no more; one small page draws every work of 10^4 at once).
MINI_CELL = 8
MINI_PAGE = 2048
#: Cached thumbnail size the pages are made from (decoded at reduced scale to the cell).
ATLAS_SOURCE = 64
ATLAS_QUALITY = 85
#: Pages kept in memory (bytes in all), so a view shown twice reads no file.
PAGE_MEMORY_BYTES = 96 * 1024 * 1024

Thumbnails = Callable[[int, int], bytes]


# -- atlas pages --------------------------------------------------------------------------------
def picture_aspects(widths, heights) -> np.ndarray:
    """float32 width / height of each work (1 for a work of unknown size).

    >>> picture_aspects([400, 0], [300, 10]).tolist()
    [1.3333333730697632, 1.0]
    """
    w = np.asarray(widths, dtype=np.float64)
    h = np.asarray(heights, dtype=np.float64)
    ok = (w > 0) & (h > 0)
    return np.where(ok, w / np.where(ok, h, 1.0), 1.0).astype(np.float32)


def picture_boxes(aspects, cell: int) -> np.ndarray:
    """``(n, 2)`` width and height of each work fitted into a ``cell`` square, aspect kept, at
    least 1 px. The view computes the same numbers from the same float32 ``aspects`` (double
    arithmetic, round half up), so it knows where each picture lies in a page.

    >>> picture_boxes(picture_aspects([400, 300], [300, 300]), 32).tolist()
    [[32, 24], [32, 32]]
    """
    a = np.asarray(aspects, dtype=np.float32).astype(np.float64)
    long_ = np.full(len(a), float(cell))
    w = np.where(a >= 1, long_, np.floor(cell * a + 0.5))
    h = np.where(a >= 1, np.floor(cell / np.where(a > 0, a, 1.0) + 0.5), long_)
    return np.clip(np.stack([w, h], 1), 1, cell).astype(np.int32)


def cluster_name_map(names) -> dict[int, str]:
    """Cluster names as ``{cluster: name}`` from a dict, a Series, a DataFrame with ``cluster``
    and ``name`` columns, or a list (indexed by cluster); None gives ``{}``.

    >>> cluster_name_map(["ports", "saints"])
    {0: 'ports', 1: 'saints'}
    """
    if names is None:
        return {}
    if hasattr(names, "columns"):
        if {"cluster", "name"} <= set(names.columns):
            names = dict(zip(names["cluster"], names["name"], strict=True))
        else:
            raise ValueError("cluster names as a DataFrame need 'cluster' and 'name' columns")
    elif hasattr(names, "items"):
        names = dict(names.items())
    else:
        names = dict(enumerate(names))
    out = {}
    for c, name in names.items():
        if name is not None and str(name) and str(name) != "nan":
            out[int(c)] = str(name)
    return out


def works_per_page(cell: int = ATLAS_CELL, page_size: int = ATLAS_PAGE) -> int:
    return (page_size // cell) ** 2


def page_memory() -> Memo:
    """A memory for encoded pages (:data:`PAGE_MEMORY_BYTES` at most), for one image map to
    pass to :func:`atlas_page` and :func:`reduced_page`."""
    return Memo(max_entries=100_000, max_bytes=PAGE_MEMORY_BYTES)


def _remembered(key: str, cache: Cache | None, memory: Memo | None) -> bytes | None:
    """A page from ``memory``, else from ``cache`` (then kept in ``memory``), else None."""
    data = None if memory is None else memory.get(key)
    if data is None and cache is not None and cache.enabled:
        data = cache.get_bytes("atlases", key, "jpg", validate=check_jpeg)
        if data is not None and memory is not None:
            memory.put(key, data)
    return data


def _keep(key: str, data: bytes, cache: Cache | None, memory: Memo | None) -> None:
    if memory is not None:
        memory.put(key, data)
    if cache is not None and cache.enabled:
        cache.put_bytes("atlases", key, "jpg", data)


def page_key(hashes: Sequence[str], cell: int, page_size: int, source: int, quality: int) -> str:
    return make_key("atlas-page", ATLAS_VERSION, DECODE_VERSION, cell, page_size, source, quality,
                    list(hashes))


def _fitted(data: bytes, box: tuple[int, int]) -> Image.Image | None:
    if not data:
        return None
    try:
        if data[:2] == b"\xff\xd8":  # a JPEG (every cached thumbnail): skip Image.open's probing
            im = JpegImagePlugin.JpegImageFile(io.BytesIO(data))
        else:
            im = Image.open(io.BytesIO(data), formats=("PNG", "WEBP", "JPEG"))
        im.draft("RGB", box)  # JPEG: decode at the smallest scale still >= box
        im.load()
        if im.mode != "RGB":
            im = im.convert("RGB")
        if im.size != box:
            im = im.resize(box, Image.Resampling.BILINEAR, reducing_gap=2.0)
        return im
    except Exception:  # an unreadable thumbnail is a blank square
        return None


def atlas_page(thumbnails: Thumbnails, ids: Sequence[int], boxes: np.ndarray,
               hashes: Sequence[str] | None = None, cache: Cache | None = None, *,
               cell: int = ATLAS_CELL, page_size: int = ATLAS_PAGE, source: int = ATLAS_SOURCE,
               quality: int = ATLAS_QUALITY, workers: int | None = None,
               memory: Memo | None = None) -> bytes:
    """One atlas page (JPEG) of the works ``ids``: work ``k`` in the cell at column
    ``k % (page_size // cell)``, row ``k // (page_size // cell)``, fitted to ``boxes[k]`` at the
    cell's top-left corner; the page is as tall as its rows.

    ``thumbnails(i, size)`` gives work ``i``'s JPEG thumbnail (``collection.thumbnail_bytes``);
    with ``hashes`` (the works' content hashes) the page is cached by content in ``cache`` (and
    in memory), so the same works in the same layout are read, not rebuilt. ``workers``
    threads ask for the thumbnails (default: one; more help only where ``thumbnails`` waits,
    on a disk or a network, rather than computes).

    Example
    -------
    >>> jpeg = atlas_page(col.thumbnail_bytes, range(100), picture_boxes(w, h, 32))  # doctest: +SKIP
    """
    ids = [int(i) for i in ids]
    per_row = page_size // cell
    if len(ids) > per_row * per_row:
        raise ValueError(f"{len(ids)} works do not fit one page of {per_row * per_row}")
    boxes = np.asarray(boxes).reshape(-1, 2)
    if len(boxes) != len(ids):
        raise ValueError(f"{len(boxes)} boxes for {len(ids)} works")
    key = None
    if hashes is not None:
        key = page_key(hashes, cell, page_size, source, quality)
        data = _remembered(key, cache, memory)
        if data is not None:
            return data

    def one(k: int) -> Image.Image | None:
        try:
            data = thumbnails(ids[k], source)
        except Exception:  # an unreadable image is a blank square, as in the grid
            return None
        return _fitted(data, (int(boxes[k, 0]), int(boxes[k, 1])))

    rows = max(1, -(-len(ids) // per_row))
    page = Image.new("RGB", (page_size, rows * cell), (238, 238, 238))
    if workers and workers > 1:  # for thumbnails that are slow to come (made, or remote)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            pictures = list(pool.map(one, range(len(ids)), chunksize=64))
    else:  # cached thumbnails: the work is Python's, threads only contend for the GIL
        pictures = [one(k) for k in range(len(ids))]
    for k, im in enumerate(pictures):
        if im is not None:
            page.paste(im, ((k % per_row) * cell, (k // per_row) * cell))
    buf = io.BytesIO()
    page.save(buf, format="JPEG", quality=quality)
    data = buf.getvalue()
    if key is not None:
        _keep(key, data, cache, memory)
    return data


def reduced_page(full_pages: Callable[[int], bytes], n_works: int, mini_page: int = 0,
                 hashes: Sequence[str] | None = None, cache: Cache | None = None, *,
                 cell: int = ATLAS_CELL, page_size: int = ATLAS_PAGE, mini_cell: int = MINI_CELL,
                 mini_size: int = MINI_PAGE, quality: int = ATLAS_QUALITY,
                 memory: Memo | None = None) -> bytes:
    """A far-view page (``mini_cell`` squares, ``mini_size`` wide) made from the full pages
    ``full_pages(k)`` by reducing them, not from the thumbnails again: works
    ``mini_page * per .. (mini_page + 1) * per - 1`` of ``n_works`` in the same order, so
    work ``k`` of the page is at column ``k % (mini_size // mini_cell)``. Each picture fills
    its reduced box (the view reads ``picture_boxes(aspects, mini_cell)`` of it, at most a
    quarter pixel less). Cached by content like :func:`atlas_page`.

    >>> jpeg = reduced_page(lambda k: atlas_page(thumbs, ids[k * 1024:(k + 1) * 1024], ...),
    ...                     len(ids))                                      # doctest: +SKIP
    """
    f = cell // mini_cell
    per_row, mini_row = page_size // cell, mini_size // mini_cell
    if cell % mini_cell or mini_row % per_row:
        raise ValueError(f"a {cell}-px page does not reduce to {mini_cell}-px squares {mini_row} a row")
    per, mini_per = per_row * per_row, mini_row * mini_row
    first = mini_page * mini_per
    count = max(0, min(mini_per, n_works - first))
    key = None
    if hashes is not None:
        key = page_key(list(hashes) + ["reduced", str(cell), str(page_size)], mini_cell, mini_size,
                       ATLAS_SOURCE, quality)
        data = _remembered(key, cache, memory)
        if data is not None:
            return data
    rows = max(1, -(-count // mini_row))
    page = Image.new("RGB", (mini_size, rows * mini_cell), (238, 238, 238))
    for k in range(first // per, -(-(first + count) // per)):
        full = Image.open(io.BytesIO(full_pages(k))).convert("RGB")
        small = full.reduce(f)
        for r in range(-(-min(per, first + count - k * per) // per_row)):
            w = k * per + r * per_row - first  # the row's first work, in this mini page
            strip = small.crop((0, r * mini_cell, per_row * mini_cell, (r + 1) * mini_cell))
            page.paste(strip, ((w % mini_row) * mini_cell, (w // mini_row) * mini_cell))
    buf = io.BytesIO()
    page.save(buf, format="JPEG", quality=quality)
    data = buf.getvalue()
    if key is not None:
        _keep(key, data, cache, memory)
    return data


# -- a still image ------------------------------------------------------------------------------
def map_image(thumbnails: Thumbnails, coords: np.ndarray, labels: np.ndarray | None = None, *,
              widths=None, heights=None, names: dict[int, str] | None = None,
              size: tuple[int, int] = (1200, 800), picture: int | None = None,
              max_pictures: int = 1500, source: int | None = None, background=(255, 255, 255)
              ) -> Image.Image:
    """The map as a picture: every work a dot in its cluster's colour, and up to
    ``max_pictures`` works (in :func:`picture_ranks` order, those that find room) drawn as
    their thumbnails with a frame in their cluster's colour; cluster names (or numbers) at the
    centroids. ``picture`` is the pictures' longer side in pixels (default: from the number of
    works and the image size); ``source`` the thumbnail size they are made from (default: the
    atlas's, 64, when it is large enough, so the image map's cached thumbnails serve).

    Example
    -------
    >>> im = map_image(lambda i, s: col.thumbnail_bytes(i, s), study.coords_, study.labels_)  # doctest: +SKIP
    >>> im.save("map.jpg")                                                                  # doctest: +SKIP
    """
    coords = np.asarray(coords, dtype=np.float64)
    n = len(coords)
    W, H = size
    im = Image.new("RGB", (W, H), background)
    if not n:
        return im
    labels = None if labels is None else np.asarray(labels).astype(np.int64)
    k = 0 if labels is None or not (labels >= 0).any() else int(labels.max()) + 1
    colours = [_rgb(c) for c in palette(k)]
    noise = _rgb(NOISE_COLOR)
    if picture is None:
        picture = int(np.clip(np.sqrt(0.45 * W * H / min(n, max_pictures)), 24, 96))
    if source is None:
        source = ATLAS_SOURCE if picture <= ATLAS_SOURCE else 128
    pad = picture // 2 + 4
    lo, hi = coords.min(0), coords.max(0)
    span = np.maximum(hi - lo, 1e-12)
    scale = min((W - 2 * pad) / span[0], (H - 2 * pad) / span[1])
    off = np.array([(W - span[0] * scale) / 2, (H - span[1] * scale) / 2])
    sx = (coords[:, 0] - lo[0]) * scale + off[0]
    sy = H - ((coords[:, 1] - lo[1]) * scale + off[1])
    draw = ImageDraw.Draw(im)
    for i in np.argsort(labels >= 0, kind="stable") if labels is not None else range(n):
        c = noise if labels is None or labels[i] < 0 else colours[labels[i]]
        r = 2
        draw.ellipse((sx[i] - r, sy[i] - r, sx[i] + r, sy[i] + r), fill=c)
    # pictures: rank order, each where it does not cover an earlier one by more than a third
    boxes = picture_boxes(picture_aspects(np.ones(n) if widths is None else widths,
                                          np.ones(n) if heights is None else heights), picture)
    order = np.argsort(picture_ranks(coords, labels))
    cellsz = max(4, picture * 2 // 3)
    used: set[tuple[int, int]] = set()
    chosen = []
    for i in order:
        key = (int(sx[i] // cellsz), int(sy[i] // cellsz))
        if key in used:
            continue
        used.add(key)
        chosen.append(int(i))
        if len(chosen) >= max_pictures:
            break
    frame = 2
    for i in reversed(chosen):  # the most representative on top
        try:
            pic = _fitted(thumbnails(i, source), (int(boxes[i, 0]), int(boxes[i, 1])))
        except Exception:
            pic = None
        if pic is None:
            continue
        w, h = pic.size
        x0, y0 = int(round(sx[i] - w / 2)), int(round(sy[i] - h / 2))
        c = noise if labels is None or labels[i] < 0 else colours[labels[i]]
        draw.rectangle((x0 - frame, y0 - frame, x0 + w + frame - 1, y0 + h + frame - 1), fill=c)
        im.paste(pic, (x0, y0))
    if labels is not None:
        font = _font(max(12, min(22, W // 60)))
        for c, (cx, cy) in cluster_centroids(coords, labels).items():
            text = (names or {}).get(c) or str(c)
            x = (cx - lo[0]) * scale + off[0]
            y = H - ((cy - lo[1]) * scale + off[1])
            draw.text((x, y), text, fill=(20, 20, 20), font=font, anchor="mm",
                      stroke_width=3, stroke_fill=(255, 255, 255))
    return im


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    v = int(hex_colour.lstrip("#")[:6], 16)
    return (v >> 16) & 255, (v >> 8) & 255, v & 255


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: the bitmap font has one size
        return ImageFont.load_default()
