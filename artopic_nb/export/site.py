"""A static site of a study: the image map, grids, records, search, similar works and facets,
opened by double-click (``file://``) or from any static host, with no Python, no server and
nothing fetched from elsewhere.

The map is the image map widget's own renderer (``widgets/js/map/``), bundled with the site's
code (``widgets/js/site/``: a model object that reads data files instead of a kernel, the
grid, the record, search with minisearch, facets) into one classic script,
``export/static/site.js`` (``npm run build``). The data are the widget's arrays and JPEG atlas
pages made from the study's cached thumbnails, written as *parts* (scripts that store a value,
:mod:`artopic_nb.export.site_files`), because a page from ``file://`` can neither fetch nor
decode a picture it did not get as bytes from a script (an ``<img>`` from disk taints WebGL).

The folder::

    index.html            the page (relative paths only)
    artopic-site.json     the marker: what a later export may replace
    assets/               site.js, plot.css, site.css
    data/site.js map.js works.js    loaded with the page
    data/atlas-{full,mini}-K.js     the atlas pages (base64 JPEG), asked for by the map
    data/thumbs-K.js      256 works' thumbnails a file (grid, record, hover, close-up)
    data/records-K.js     500 works' full records a file; data/search.js the words to search
    report.html           when asked for (``report=True``, or a report file to copy)

``single_file=True`` writes everything into one HTML file, up to :data:`SINGLE_FILE_MAX`
works. Works whose rights statement does not allow republishing (:mod:`artopic_nb.export.rights`)
are drawn as dots and keep their record, unless ``pictures="all"``.

Example
-------
>>> study.export_site("site/")                       # doctest: +SKIP
PosixPath('site/index.html')
>>> study.export_site("map.html", single_file=True)   # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__
from ..data.atlas import (
    ATLAS_CELL,
    ATLAS_PAGE,
    MINI_CELL,
    MINI_PAGE,
    atlas_page,
    cluster_name_map,
    page_memory,
    picture_aspects,
    picture_boxes,
    reduced_page,
    works_per_page,
)
from ..data.colour import NOISE_COLOR, palette
from . import site_data as sd
from .rights import picture_mask
from .site_files import (
    check_target,
    copy_assets,
    install,
    page_html,
    part_script,
    staging_folder,
    write_marker,
)
from .tables import report_tables, table_data

__all__ = ["SINGLE_FILE_MAX", "export_site"]

#: single_file=True refuses studies larger than this (one HTML of every picture and record).
SINGLE_FILE_MAX = 2000
THUMB_CHUNK, RECORD_CHUNK = 256, 500
#: The grid's, the record's and the hover card's thumbnails (px): a grid tile's height. 112 px
#: JPEGs are about 3.3 kB (128 px: 4 kB), so 10^4 works' site stays near 50 MB with base64.
THUMB_SIZE = 112
#: As the widget: every work in the atlas up to ATLAS_ALL works, the first ATLAS_LARGE by
#: picture order beyond (the others' pictures come from the thumbnails, close in).
ATLAS_ALL, ATLAS_LARGE = 16384, 8192


def _study_parts(study) -> tuple[np.ndarray, np.ndarray, Any]:
    labels, coords = study.get("labels_"), study.get("coords_")
    if labels is None or coords is None:
        raise ValueError("export_site needs a clustered study: run study.embed().reduce()"
                         ".cluster() first (no clusters yet)")
    return np.asarray(coords, np.float32), np.asarray(labels, np.int64), study.collection


def _thumbs(collection, cache, ids, size: int, workers: int = 4) -> list[bytes]:
    """Each work's cached JPEG thumbnail at ``size`` (b"" where there is none: an image that
    is not here, a remote one never downloaded)."""
    def one(i: int) -> bytes:
        try:
            return collection.thumbnail_bytes(int(i), size, cache=cache)
        except Exception:  # no image here: the work is drawn as a dot
            return b""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, ids, chunksize=32))


def _claims(study, clusters) -> tuple[dict[int, list[str]], dict[int, list[dict]]]:
    com = study.get("commonalities_")
    if com is None:
        return {}, {}
    keywords = {c: com.keywords_of(c) for c in clusters}
    claims: dict[int, list[dict]] = {}
    table = getattr(com, "claims", None)
    if table is not None and len(table):
        for c in clusters:
            rows = com.claims_of(c).head(8)
            claims[c] = [{"claim": sd.text_of(r.get("claim")), "aspect": sd.text_of(r.get("aspect")),
                          "support": _num(r.get("support")), "lift": _num(r.get("lift"))}
                         for r in rows.to_dict("records")]
    return keywords, claims


def _num(value) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if not np.isfinite(v) else round(v, 3)


def _names(study) -> dict[int, str]:
    try:
        return cluster_name_map(study.get("cluster_names_"))
    except Exception:  # names are a nicety: numbers stand in
        return {}


def _atlas_ids(allowed: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    ids = np.flatnonzero(allowed).astype(np.int32)
    if len(allowed) > ATLAS_ALL:
        ids = ids[np.argsort(ranks[ids], kind="stable")][:ATLAS_LARGE]
    return ids


class _Writer:
    """Writes parts as files under ``data/`` (a folder site) or keeps them (a single file)."""

    def __init__(self, root: Path, single_file: bool):
        self.root, self.single_file, self.inline = root, single_file, {}
        if not single_file:
            (root / "data").mkdir(parents=True)

    def put(self, name: str, value: Any) -> None:
        if self.single_file:
            self.inline[name] = value
        else:
            (self.root / "data" / f"{name}.js").write_text(part_script(name, value), encoding="utf-8")


def _atlas_parts(out: _Writer, study, collection, ids: np.ndarray, aspects: np.ndarray
                 ) -> dict[str, int]:
    meta, memory = collection.metadata, page_memory()
    hashes = [str(h) for h in meta["hash"].reindex(ids).tolist()] if "hash" in meta.columns else None

    def thumbs(i: int, size: int) -> bytes:
        return collection.thumbnail_bytes(int(i), size, cache=study.cache)
    per, pages = works_per_page(ATLAS_CELL, ATLAS_PAGE), {}

    def full(k: int) -> bytes:
        chunk = ids[k * per:(k + 1) * per]
        return atlas_page(thumbs, chunk, picture_boxes(aspects[chunk], ATLAS_CELL),
                          None if hashes is None else hashes[k * per:(k + 1) * per], study.cache,
                          memory=memory)
    pages["full"] = -(-len(ids) // per)
    for k in range(pages["full"]):
        out.put(f"atlas-full-{k}", sd.base64.b64encode(full(k)).decode("ascii"))
    mini_per = works_per_page(MINI_CELL, MINI_PAGE)
    pages["mini"] = -(-len(ids) // mini_per)
    for k in range(pages["mini"]):
        page = reduced_page(full, len(ids), k, None if hashes is None else
                            hashes[k * mini_per:(k + 1) * mini_per], study.cache, memory=memory)
        out.put(f"atlas-mini-{k}", sd.base64.b64encode(page).decode("ascii"))
    return pages


def _facets(meta, n: int, facets) -> list[dict]:
    columns = sd.facet_columns(meta, n) if facets is None else list(facets)
    missing = [c for c in columns if meta is None or c not in meta.columns]
    if missing:
        raise ValueError(f"facets={missing!r}: no such metadata column; the columns are "
                         f"{[] if meta is None else [str(c) for c in meta.columns]}")
    out = []
    for c in columns:
        values, codes = sd.facet_codes(meta, c, n)
        out.append({"column": str(c), "values": values, "codes": sd.b64(codes, "<i2"),
                    "colors": palette(len(values))})
    return out


def export_site(study, folder: str | os.PathLike, *, single_file: bool = False,
                pictures: str = "rights", similar: int = 10, thumb_size: int = THUMB_SIZE,
                facets: list[str] | None = None, title: str | None = None,
                report: bool | str | os.PathLike = False) -> Path:
    """Write a static site of ``study`` to ``folder`` (see the module docstring); returns the
    path of its ``index.html``.

    ``single_file``: one HTML file (``folder`` is then that file when it ends in ``.html``,
    else ``folder/index.html``), up to :data:`SINGLE_FILE_MAX` works. ``pictures``:
    ``"rights"`` (works whose rights do not allow it are dots), ``"all"`` or ``"none"``.
    ``similar``: neighbours listed per work (from ``study.embeddings_``). ``thumb_size``: the
    thumbnails of the grid and the record (pixels; cached in the study's cache, so only a
    first export makes them). ``facets``: metadata columns to filter on
    (default: a few categorical columns with few values). ``report``: True writes the study's
    HTML report beside the page; a path copies that report file.

    A folder that exists and is not an earlier export (no ``artopic-site.json``) is refused,
    and nothing in it is touched; an earlier export is replaced once the new one is built.

    >>> export_site(study, "site/", similar=5)         # doctest: +SKIP
    """
    coords, labels, collection = _study_parts(study)
    n = len(coords)
    if single_file and n > SINGLE_FILE_MAX:
        raise ValueError(f"single_file=True writes one HTML with every picture and record, for "
                         f"up to {SINGLE_FILE_MAX:,} works; this study has {n:,}: export a folder "
                         "(single_file=False), which loads its parts as needed")
    if int(thumb_size) < 16:
        raise ValueError(f"thumb_size must be at least 16 pixels, not {thumb_size!r}")
    target = Path(folder)
    page_name = "index.html"
    if single_file and target.suffix.lower() in (".html", ".htm"):
        page_name, target = target.name, target
    if page_name != "index.html" and report not in (False, None):
        raise ValueError("report= writes report.html beside the page: give a folder, not "
                         f"{str(folder)!r}, to export a single file with its report")
    check_target(target)
    meta = collection.metadata
    allowed, rights = picture_mask(meta, n, pictures)
    facet_list = _facets(meta, n, facets)  # a bad column fails before anything is written
    staged = staging_folder(target)
    try:
        root = staged
        out = _Writer(root, single_file)
        site = _write_parts(out, study, collection, coords, labels, allowed, rights, facet_list,
                            similar=int(similar), thumb_size=int(thumb_size), title=title,
                            single_file=single_file, report=report, root=root)
        text = page_html(site["title"], parts=["site", "map", "works"], inline_parts=out.inline,
                         single_file=single_file)
        if single_file and page_name != "index.html":
            file = staged.with_suffix(".html")
            file.write_text(text, encoding="utf-8")
            shutil.rmtree(staged)
            staged = file
        else:
            (root / "index.html").write_text(text, encoding="utf-8")
            if not single_file:
                copy_assets(root)
            write_marker(root, {"artopic_site": 1, "artopic_nb": __version__, "works": n,
                                "single_file": single_file, "title": site["title"]})
        install(staged, target)
    except BaseException:
        if staged.exists():
            shutil.rmtree(staged) if staged.is_dir() else staged.unlink()
        raise
    return target if page_name != "index.html" else target / "index.html"


def _write_parts(out: _Writer, study, collection, coords, labels, allowed, rights, facet_list,
                 *, similar, thumb_size, title, single_file, report, root) -> dict:
    n, meta = len(coords), collection.metadata
    # the grid's thumbnails first: a work without one (an image not here) is a dot; the atlas
    # reads the 64-px ones only for the pages it has not cached
    has = _thumb_parts(out, study, collection, allowed, thumb_size).astype(bool)
    if meta is not None and {"width", "height"} <= set(meta.columns):
        aspects = picture_aspects(meta["width"].reindex(range(n)).fillna(0).to_numpy(),
                                  meta["height"].reindex(range(n)).fillna(0).to_numpy())
    else:
        aspects = np.ones(n, np.float32)
    arrays = sd.map_arrays(coords, labels, aspects, np.zeros(0, np.int32))
    ranks = np.frombuffer(sd.base64.b64decode(arrays["ranks"]), "<i4")
    ids = _atlas_ids(has, ranks)
    arrays["atlas_ids"] = sd.b64(ids, "<i4")
    pages = _atlas_parts(out, study, collection, ids, aspects) if len(ids) else \
        {"full": 0, "mini": 0}
    names = _names(study)
    clusters = sorted(int(c) for c in np.unique(labels[labels >= 0]))
    keywords, claims = _claims(study, clusters)
    entries, at = sd.cluster_entries(labels, coords, names, keywords, claims)
    k = len(clusters) and int(labels.max()) + 1
    out.put("map", {"n": n, **arrays, "draw": "images" if len(ids) else "points",
                    "colors": palette(k), "categories": [f"{c}: {names[c]}" if c in names
                                                         else f"cluster {c}" for c in range(k)],
                    "counts": np.bincount(labels[labels >= 0], minlength=k).tolist() if k else [],
                    "noise_count": int((labels < 0).sum()), "noise_color": NOISE_COLOR,
                    "cluster_labels": at, "pages": pages, "atlas_cell": ATLAS_CELL,
                    "atlas_page_size": ATLAS_PAGE, "mini_cell": MINI_CELL,
                    "mini_page_size": MINI_PAGE})
    leaves = study.get("curated_labels_")
    leaves = labels if leaves is None else np.asarray(leaves, np.int64)
    tree = getattr(study, "cluster_tree_", None)  # None: a stand-in without shaping (benchmarks)
    level = int((getattr(study, "params_", {}) or {}).get("cluster", {}).get("level", 0) or 0)
    links = sd.source_links(meta, n)
    near = sd.neighbours(study.get("embeddings_"), similar)
    out.put("works", {**sd.work_columns(meta, n), "labels": labels.tolist(),
                      "facets": facet_list, "similar": sd.b64(near, "<i4"),
                      "k": int(near.shape[1]) if near.ndim == 2 else 0,
                      "thumbs": sd.b64(has, "u1"), "links": sd.b64([bool(x) for x in links], "u1"),
                      **({} if np.array_equal(leaves, labels) else {"leaves": sd.b64(leaves, "<i4")})})
    recs = sd.records(meta, n, study.get("descriptions_"), links)
    for c in range(0, n, RECORD_CHUNK):
        out.put(f"records-{c // RECORD_CHUNK}", recs[c:c + RECORD_CHUNK])
    out.put("search", sd.search_texts(meta, n, study.get("descriptions_")))
    notices = _notices(rights, allowed, int((allowed & ~has).sum()), n)
    site = {"title": title or f"{getattr(collection, 'name', 'collection')}: a map of {n:,} works",
            "n": n, "clusters": entries, "notices": notices, "rights": rights,
            "hierarchy": sd.hierarchy(tree, level, leaves), "tables": _tables(study),
            "report": _report(study, report, root), "thumb_chunk": THUMB_CHUNK,
            "record_chunk": RECORD_CHUNK, "thumb_size": thumb_size, "single_file": single_file,
            "artopic_nb": __version__}
    out.put("site", site)
    return site


def _thumb_parts(out: _Writer, study, collection, allowed: np.ndarray, size: int) -> np.ndarray:
    n = len(allowed)
    got = np.zeros(n, np.uint8)
    for start in range(0, n, THUMB_CHUNK):
        ids = np.arange(start, min(n, start + THUMB_CHUNK))
        want = ids[allowed[ids]]
        data = dict(zip(want.tolist(), _thumbs(collection, study.cache, want, size), strict=True))
        chunk = [sd.base64.b64encode(data[i]).decode("ascii") if data.get(i) else ""
                 for i in ids.tolist()]
        got[ids] = [1 if t else 0 for t in chunk]
        out.put(f"thumbs-{start // THUMB_CHUNK}", chunk)
    return got


def _notices(rights: dict, allowed: np.ndarray, missing: int, n: int) -> list[str]:
    notes = []
    dots = int((~allowed).sum())
    if rights["restricted"] and dots:
        notes.append(f"{dots:,} works are drawn as dots, with their record: their rights "
                     "statement does not allow republishing the picture.")
    elif dots == n and n:
        notes.append("Pictures were left out of this export: every work is a dot.")
    if missing:
        notes.append(f"{missing:,} works have no thumbnail here (images not downloaded or not "
                     "readable): drawn as dots.")
    return notes


def _tables(study) -> list[dict]:
    """The report's tables (:func:`~artopic_nb.export.tables.report_tables`) as text."""
    if not hasattr(study, "provenance"):  # a stand-in with only the map's results (benchmarks)
        return []
    return [{"key": t["key"], "title": t["title"], "note": t["note"], **table_data(t["frame"])}
            for t in report_tables(study)]


def _report(study, report, root: Path) -> str | None:
    if report is False or report is None:
        return None
    if report is True:
        study.to_html(root / "report.html")
    else:
        src = Path(report)
        if not src.is_file():
            raise FileNotFoundError(f"report={str(report)!r}: no such report file")
        shutil.copyfile(src, root / "report.html")
    return "report.html"
