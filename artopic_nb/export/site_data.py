"""What a static site of a study holds, as plain data: the map (the image map widget's own
arrays), each work's short record, the clusters with their names, keywords and claims, the
facets, each work's nearest neighbours, the words to search and the full records.

Everything here is JSON-able (binary arrays as base64 of little-endian typed arrays, which
the page reads as ``Float32Array`` / ``Int32Array``); :mod:`artopic_nb.export.site` writes it
into the files the page loads. No HTML is made here: every string is data, set as text by the
page.

Example
-------
>>> facet_columns(pd.DataFrame({"genre": ["a", "b", "a"], "title": ["x", "y", "z"]}), 3)
['genre']
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pandas as pd

from ..data.colour import NOISE_COLOR, palette
from ..data.picture_order import cluster_centroids, picture_ranks

__all__ = ["b64", "cluster_entries", "facet_columns", "map_arrays", "neighbours", "records",
           "search_texts", "source_links", "text_of", "work_columns"]

#: Columns that are bookkeeping, never shown in a record or a facet.
HIDDEN_COLUMNS = ("path", "file_name", "hash", "width", "height", "date_start", "date_end")
#: Facets: categorical columns with at most this many values, the named ones first.
FACET_MAX_VALUES = 30
FACET_PREFERRED = ("genre", "department", "culture", "classification", "type", "style",
                   "school", "period", "technique", "medium", "object_type")
NOT_FACETS = ("title", "artist", "date", "rights", "attribution", "url", "homepage", "manifest",
              "canvas", "see_also", "summary", "description", "tags", "object_id", "id")
#: Columns that give a work's page at its source, in order of preference.
LINK_COLUMNS = ("homepage", "link", "source_url", "page", "web_page", "url")
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".tif", ".tiff", ".webp", ".jp2")


def b64(array: np.ndarray, dtype: str) -> str:
    """``array`` as base64 of little-endian ``dtype`` values (what the page decodes).

    >>> b64(np.array([1, 2]), "<i4")
    'AQAAAAIAAAA='
    """
    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode("ascii")


def text_of(value: Any) -> str:
    """A metadata value as text ('' for missing); lists joined with '; '."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple, np.ndarray)):
        return "; ".join(t for t in (text_of(v) for v in value) if t)
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


def _column(meta: pd.DataFrame | None, name: str, n: int) -> list[str]:
    if meta is None or name not in meta.columns:
        return [""] * n
    return [text_of(v) for v in meta[name].reindex(range(n)).tolist()]


def work_columns(meta: pd.DataFrame | None, n: int) -> dict[str, list[str]]:
    """Each work's title (else its file name), artist and date: the hover card and the grid."""
    titles = _column(meta, "title", n)
    files = _column(meta, "file_name", n)
    return {"title": [t or f for t, f in zip(titles, files, strict=True)],
            "artist": _column(meta, "artist", n), "date": _column(meta, "date", n)}


def _is_page(url: str) -> bool:
    low = url.lower().split("?")[0]
    return low.startswith(("http://", "https://")) and not low.endswith(_IMAGE_SUFFIXES) \
        and "/full/" not in low  # a IIIF image request, not a page


def source_links(meta: pd.DataFrame | None, n: int) -> list[str]:
    """Each work's page at its source (a web page, never an image file), '' when unknown."""
    links = [""] * n
    for name in reversed(LINK_COLUMNS):  # the preferred column written last wins
        for i, value in enumerate(_column(meta, name, n)):
            first = value.split()[0] if value else ""
            if first and _is_page(first):
                links[i] = first
    return links


def map_arrays(coords: np.ndarray, labels: np.ndarray, aspects: np.ndarray,
               atlas_ids: np.ndarray) -> dict[str, Any]:
    """The image map's arrays, as the widget sends them (see ``widgets/js/plot.js``)."""
    return {"coords": b64(coords, "<f4"), "codes": b64(np.where(labels >= 0, labels, -1), "<i4"),
            "aspects": b64(aspects, "<f4"),
            "ranks": b64(picture_ranks(coords, labels), "<i4"),
            "atlas_ids": b64(atlas_ids, "<i4")}


def cluster_entries(labels: np.ndarray, coords: np.ndarray, names: dict[int, str],
                    keywords: dict[int, list[str]], claims: dict[int, list[dict]]
                    ) -> tuple[list[dict], list[dict]]:
    """The clusters panel ([{id, name, size, color, keywords, claims}], noise last) and the
    names at the centroids ([{code, text, x, y}], as the widget's ``cluster_labels``)."""
    k = int(labels.max()) + 1 if len(labels) and labels.max() >= 0 else 0
    colours = palette(k)
    sizes = np.bincount(labels[labels >= 0], minlength=k) if k else []
    entries = [{"id": c, "name": names.get(c, ""), "size": int(sizes[c]), "color": colours[c],
                "keywords": keywords.get(c, [])[:8], "claims": claims.get(c, [])}
               for c in range(k) if sizes[c] > 0]
    noise = int((labels < 0).sum())
    if noise:
        entries.append({"id": -1, "name": "noise", "size": noise, "color": NOISE_COLOR,
                        "keywords": [], "claims": []})
    at = [{"code": c, "text": names.get(c) or str(c), "x": x, "y": y}
          for c, (x, y) in cluster_centroids(coords, labels).items()]
    return entries, at


def hierarchy(tree: pd.DataFrame | None, level: int, leaves: np.ndarray) -> dict | None:
    """The cluster tree for the site's "coarser" slider (``study.cluster_tree_``): the level
    the study shows, the highest level, the colours of the finest clusters and the nodes
    ``[{node, parent, level, label, size, name, keywords, clusters}]``; None with fewer than
    two clusters (nothing to merge).

    >>> from artopic_nb.steps.cluster.hierarchy import cluster_tree
    >>> lab = np.array([0, 0, 1, 1, 2, 2])
    >>> tree = cluster_tree(lab, np.array([[0.], [0.1], [1.], [1.1], [5.], [5.1]]))
    >>> h = hierarchy(tree.assign(name=""), 0, lab)
    >>> h["max"], [(n["node"], n["parent"], n["label"]) for n in h["nodes"]][3:]
    (2, [(3, 4, 0), (4, -1, 0)])
    """
    if tree is None or int((tree["level"] == 0).sum()) < 2:
        return None
    k = int(leaves.max()) + 1
    nodes = [{"node": int(r.node), "parent": int(r.parent), "level": int(r.level),
              "label": int(r.label), "size": int(r.size), "name": text_of(getattr(r, "name", "")),
              "keywords": [str(w) for w in list(r.keywords)[:5]],
              "clusters": [int(c) for c in r.clusters]}
             for r in tree.itertuples()]
    return {"level": int(level), "max": int(tree["level"].max()), "colors": palette(k),
            "noise_color": NOISE_COLOR, "nodes": nodes}


def facet_columns(meta: pd.DataFrame | None, n: int, max_facets: int = 4) -> list[str]:
    """Categorical columns with 2 to :data:`FACET_MAX_VALUES` values that repeat (a few
    works a value), the usual facet names first: what the site filters on."""
    if meta is None or not n:
        return []
    found = []
    for c in meta.columns:
        name = str(c)
        if name in HIDDEN_COLUMNS or name.lower() in NOT_FACETS or name.endswith("_year"):
            continue
        values = meta[c].reindex(range(n))
        if pd.api.types.is_float_dtype(values):
            continue
        present = values.map(text_of)
        present = present[present != ""]
        distinct = present.nunique()
        if 2 <= distinct <= min(FACET_MAX_VALUES, max(2, len(present) // 2)):
            found.append(name)
    order = {name: k for k, name in enumerate(FACET_PREFERRED)}
    found.sort(key=lambda c: (order.get(c.lower(), len(order)), meta[c].nunique()))
    return found[:max_facets]


def facet_codes(meta: pd.DataFrame, column: str, n: int) -> tuple[list[str], np.ndarray]:
    """A facet's values (most works first) and each work's value as its index (-1: none)."""
    text = pd.Series(_column(meta, column, n))
    counts = text[text != ""].value_counts(sort=True)
    values = [str(v) for v in counts.index]
    index = {v: k for k, v in enumerate(values)}
    return values, np.array([index.get(v, -1) for v in text], dtype=np.int16)


def neighbours(embeddings: np.ndarray | None, k: int, block: int = 1024) -> np.ndarray:
    """Each work's ``k`` nearest works by cosine similarity, best first (``(n, k)`` int32,
    -1 padding): exact, a block of works at a time, up to 50,000 works; an approximate index
    beyond (:class:`~artopic_nb.query.vectors.VectorIndex`, faiss when installed).

    >>> neighbours(np.array([[1, 0], [0.9, 0.1], [0, 1]]), 1).ravel().tolist()
    [1, 0, 1]
    """
    from ..query.vectors import EXACT_MAX_ROWS, VectorIndex

    n = 0 if embeddings is None else len(embeddings)
    out = np.full((n, max(k, 0)), -1, np.int32)
    if n < 2 or k <= 0:
        return out
    X = np.asarray(embeddings, dtype=np.float32)
    X = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
    kk = min(k, n - 1)
    if n > EXACT_MAX_ROWS:
        ids, _ = VectorIndex(X).search(X, top_k=kk + 1)
        for i, row in enumerate(ids):
            row = row[(row != i) & (row >= 0)][:k]
            out[i, :len(row)] = row
        return out
    for start in range(0, n, block):
        sims = X[start:start + block] @ X.T  # (b, n)
        rows = np.arange(len(sims))
        sims[rows, start + rows] = -np.inf  # not its own neighbour
        top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk] if kk < n else np.argsort(-sims, 1)
        order = np.argsort(-np.take_along_axis(sims, top, 1), axis=1, kind="stable")
        out[start:start + len(sims), :kk] = np.take_along_axis(top, order, 1)
    return out


def _descriptions(descriptions: pd.DataFrame | None) -> dict[int, list[dict]]:
    if descriptions is None or not len(descriptions) or "id" not in descriptions.columns:
        return {}
    out: dict[int, dict[str, dict]] = {}
    for d in descriptions.itertuples(index=False):
        entry = out.setdefault(int(d.id), {}).setdefault(
            str(getattr(d, "model", "")), {"model": str(getattr(d, "model", "")),
                                           "caption": "", "description": ""})
        prompt = str(getattr(d, "prompt", ""))
        if prompt in ("caption", "description"):
            entry[prompt] = text_of(getattr(d, "text", ""))
    return {i: list(models.values()) for i, models in out.items()}


def records(meta: pd.DataFrame | None, n: int, descriptions: pd.DataFrame | None,
            links: list[str]) -> list[dict]:
    """Each work's full record: its fields (every shown column with a value), rights and
    attribution, the link to its source page and its descriptions by model."""
    described = _descriptions(descriptions)
    shown = [] if meta is None else [c for c in meta.columns if str(c) not in HIDDEN_COLUMNS
                                     and str(c) not in ("title", "rights", "attribution")]
    columns = {str(c): _column(meta, c, n) for c in shown}
    rights, attribution = _column(meta, "rights", n), _column(meta, "attribution", n)
    return [{"fields": [[c, v[i]] for c, v in columns.items() if v[i]],
             "rights": rights[i], "attribution": attribution[i], "link": links[i],
             "descriptions": described.get(i, [])} for i in range(n)]


def search_texts(meta: pd.DataFrame | None, n: int, descriptions: pd.DataFrame | None) -> list[str]:
    """Each work's words to search beside its title, artist and date: its other text
    columns (not paths, hashes or links) and its descriptions."""
    parts: list[list[str]] = [[] for _ in range(n)]
    if meta is not None:
        for c in meta.columns:
            name = str(c)
            if name in HIDDEN_COLUMNS or name in ("title", "artist", "date") \
                    or name in LINK_COLUMNS or name in ("manifest", "canvas", "see_also"):
                continue
            if pd.api.types.is_numeric_dtype(meta[c]):
                continue
            for i, v in enumerate(_column(meta, c, n)):
                if v:
                    parts[i].append(v)
    for i, models in _descriptions(descriptions).items():
        if 0 <= i < n:
            parts[i] += [m[p] for m in models for p in ("caption", "description") if m[p]]
    return [" ".join(p) for p in parts]
