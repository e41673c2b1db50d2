"""A labelled figure of the map, for papers and slides: every work a dot in its cluster's
colour (noise grey), each cluster's name placed where it overlaps no other name.

Why our own matplotlib function and not ``datamapplot`` 0.7.3: measured here (2 shared, busy
cores; ``/tmp/figure_bench.py``: 20 blobs with names of one to three words, 15 % noise,
3.5 x 2.6 in at 300 dpi, draw + PNG), ours took 0.6-1.8 s at 2,000 points and 0.7-1.6 s at
20,000 (60 clusters: 1.9 s), datamapplot 8.7-15 s and 8.6-20 s, plus 10-19 s to import
(numba compilation). Neither overlapped two names (boxes of the drawn text), but datamapplot
set them in 2.7 pt at column width, below what journals accept (ours: 6 pt), and showed 19 of
20. Offline, it asks fonts.googleapis.com at every call unless given ``use_system_fonts=True``
(the default call took 12 s to draw instead of 8); and it would cost 35 packages (dask,
distributed, bokeh, datashader, scikit-image, xarray ...) and take pandas back from 3.x to 2.3.
Ours needs only matplotlib (``pip install "artopic-nb[figure]"``) and its own DejaVu Sans, so
nothing is ever fetched.

Names are placed greedily, the biggest cluster first: candidate boxes on rings around the
cluster's medoid-like anchor (the member nearest its median), the first rings first, the box
that covers the fewest works of other clusters chosen among those inside the frame and clear of
the names already placed; a name that finds no room is tried smaller, then as its number, and
is left out only when even that does not fit (``fig.unlabelled``). A name placed away from its
cluster gets a thin leader line. Points are rasterized in SVG and PDF (text stays text), so a
figure of 10^5 works stays small.

Example
-------
>>> fig = study.plot_map()                             # doctest: +SKIP
>>> study.plot_map("map.pdf", size="column")           # doctest: +SKIP
>>> study.plot_map("map.png", size="slide", title="The Met's paintings")   # doctest: +SKIP
>>> draw_map(coords, labels, {0: "ports"}, size=(6, 4))                    # doctest: +SKIP
"""

from __future__ import annotations

import functools
import io
import os
import textwrap
from pathlib import Path
from typing import Any

import numpy as np

from ..data.atlas import cluster_name_map
from ..data.cache import atomic_write_bytes
from ..data.colour import NOISE_COLOR, palette

__all__ = ["SIZES", "draw_map", "figure_size", "place_labels", "plot_map", "save_figure"]

#: Named sizes in inches (width, height) and the dpi each is written at by default.
SIZES = {"column": (3.5, 2.6), "slide": (13.33, 7.5)}
_DPI = {"column": 300, "slide": 150}
_FORMATS = (".png", ".svg", ".pdf")
FONT = "DejaVu Sans"  # ships with matplotlib itself: never looked up or downloaded
EXTRA_HINT = 'pip install "artopic-nb[figure]"  (or: pip install matplotlib)'


def _matplotlib():
    try:
        import matplotlib  # noqa: F401
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(f"the labelled map figure needs matplotlib: {EXTRA_HINT}") from None
    return _map_figure(Figure), FigureCanvasAgg


@functools.cache
def _map_figure(figure_class: type) -> type:
    """A matplotlib ``Figure`` that a notebook shows as a PNG without pyplot."""

    class MapFigure(figure_class):
        def _repr_png_(self) -> bytes:
            buf = io.BytesIO()
            self.savefig(buf, format="png", dpi=min(self.dpi, 150), facecolor="white")
            return buf.getvalue()

    return MapFigure


def figure_size(size: Any) -> tuple[float, float]:
    """``size`` as inches: ``"column"`` (3.5 x 2.6), ``"slide"`` (13.33 x 7.5) or ``(w, h)``.

    >>> figure_size("slide")
    (13.33, 7.5)
    """
    if isinstance(size, str):
        if size not in SIZES:
            raise ValueError(f"size={size!r} is not known: use 'column', 'slide' or (width, "
                             "height) in inches")
        return SIZES[size]
    try:
        w, h = (float(v) for v in size)
    except (TypeError, ValueError):
        raise ValueError(f"size={size!r} is not known: use 'column', 'slide' or (width, "
                         "height) in inches") from None
    if not (0.5 <= w <= 100 and 0.5 <= h <= 100):
        raise ValueError(f"size={size!r}: width and height must be between 0.5 and 100 inches")
    return w, h


def place_labels(sizes: np.ndarray, anchors: np.ndarray, frame: tuple[float, float, float, float],
                 points: np.ndarray | None = None, owners: np.ndarray | None = None,
                 groups: np.ndarray | None = None, rings: int = 8, taken: list | None = None
                 ) -> list[tuple[float, float] | None]:
    """Centres for label boxes of ``sizes`` (w, h per label, display units) near ``anchors``,
    in the order given, none overlapping another or leaving ``frame`` (x0, y0, x1, y1);
    ``None`` for a box that finds no room. ``points`` with ``owners`` (their groups) and
    ``groups`` (each label's) steer boxes away from other groups' points. ``taken`` (boxes
    as x0, y0, x1, y1) is kept and extended.

    >>> place_labels(np.array([[10, 4], [10, 4]]), np.zeros((2, 2)), (-20, -20, 20, 20))
    [(0.0, 0.0), (0.0, 5.0)]
    """
    taken = [] if taken is None else taken
    angles = np.deg2rad(np.arange(0, 360, 22.5))
    # rings of candidate centres, step = half a label height, nearest first; straight up/down first
    order = np.argsort(np.abs(np.sin(angles)) * -1, kind="stable")
    unit = np.round(np.stack([np.cos(angles[order]), np.sin(angles[order])], axis=1), 12)
    out: list[tuple[float, float] | None] = []
    for k, ((w, h), (ax_, ay)) in enumerate(zip(sizes, anchors, strict=True)):
        steps = np.concatenate([[0.0], np.repeat(np.arange(1, rings + 1) * 1.25, len(unit))])
        dirs = np.concatenate([[[0.0, 0.0]], np.tile(unit, (rings, 1))])
        scale = np.array([w / 2 + h / 2, h])  # sideways moves go further: a label is wide
        centres = np.array([ax_, ay]) + dirs * steps[:, None] * scale
        boxes = np.concatenate([centres - [w / 2, h / 2], centres + [w / 2, h / 2]], axis=1)
        ok = ((boxes[:, 0] >= frame[0]) & (boxes[:, 1] >= frame[1])
              & (boxes[:, 2] <= frame[2]) & (boxes[:, 3] <= frame[3]))
        if taken:
            t = np.asarray(taken)
            hit = ((boxes[:, None, 0] < t[None, :, 2]) & (boxes[:, None, 2] > t[None, :, 0])
                   & (boxes[:, None, 1] < t[None, :, 3]) & (boxes[:, None, 3] > t[None, :, 1]))
            ok &= ~hit.any(axis=1)
        if not ok.any():
            out.append(None)
            continue
        cost = steps.copy()
        if points is not None and len(points):
            other = points if owners is None or groups is None else points[owners != groups[k]]
            inside = ((other[None, :, 0] > boxes[:, None, 0]) & (other[None, :, 0] < boxes[:, None, 2])
                      & (other[None, :, 1] > boxes[:, None, 1]) & (other[None, :, 1] < boxes[:, None, 3]))
            covered = inside.sum(axis=1)
            cost = cost + 3.0 * covered / max(1, covered.max())  # worth at most 3 rings out
        best = int(np.flatnonzero(ok)[np.argmin(cost[ok])])
        taken.append(boxes[best].tolist())
        out.append((float(centres[best, 0]), float(centres[best, 1])))
    return out


def _anchors(coords: np.ndarray, labels: np.ndarray, clusters: list[int]) -> np.ndarray:
    """Per cluster, the member nearest its median: always on the cluster's own points."""
    out = []
    for c in clusters:
        pts = coords[labels == c]
        out.append(pts[np.argmin(((pts - np.median(pts, axis=0)) ** 2).sum(axis=1))])
    return np.asarray(out, dtype=float).reshape(-1, 2)


def draw_map(coords, labels=None, names=None, *, size: Any = "column", title: str | None = None,
             font_family: str = FONT, font_size: float | None = None,
             point_size: float | None = None, wrap: int | None = None):
    """The labelled map as a matplotlib ``Figure`` (drawn with the Agg canvas, no pyplot):
    ``coords`` (n, 2), ``labels`` (n; -1 is noise; None: one colour, no names), ``names``
    (``{cluster: name}``; a cluster without one shows its number). ``font_size`` in points
    (default from the width: 6 pt in a column, 14 on a slide); ``wrap`` characters per line of
    a name (two lines at most, then "…"). ``fig.label_artists`` maps each named cluster to its
    text; ``fig.unlabelled`` lists clusters whose name found no room.

    >>> fig = draw_map(np.random.rand(50, 2), np.repeat([0, 1], 25), {0: "ports"})  # doctest: +SKIP
    """
    Figure, FigureCanvasAgg = _matplotlib()

    w, h = figure_size(size)
    coords = np.asarray(coords, dtype=float).reshape(-1, 2)
    n = len(coords)
    labels = (np.full(n, -2) if labels is None else np.asarray(labels).astype(np.int64))
    if len(labels) != n:
        raise ValueError(f"labels has {len(labels)} entries for {n} points in coords")
    names = cluster_name_map(names)
    dpi = _DPI["slide"] if w > 8 else _DPI["column"]
    fig = Figure(figsize=(w, h), dpi=dpi)
    FigureCanvasAgg(fig)
    top = 1.0 if not title else 1 - 0.35 * (font_size or 1.2 * _font_pt(w)) / 72 * 2.2 / h
    ax = fig.add_axes((0.01, 0.01, 0.98, top - 0.02))
    ax.set_axis_off()
    fig.label_artists, fig.unlabelled = {}, []
    base_pt = font_size or _font_pt(w)
    if title:
        fig.text(0.5, 1 - 0.02, title, ha="center", va="top", fontsize=base_pt * 1.3,
                 fontfamily=font_family, fontweight="bold", parse_math=False)
    if not n:
        return fig
    clusters = sorted(set(labels[labels >= 0].tolist()))
    colours = palette(max(clusters) + 1 if clusters else 0)
    s = point_size or float(np.clip(1400.0 * w * h / n, 0.4, 30.0) * (0.5 if w < 8 else 1.0))
    grey = labels < 0
    colour = np.array([colours[c] if c >= 0 else NOISE_COLOR for c in labels], dtype=object)
    if labels[0] == -2:
        colour[:] = "#4c72b0"
    ax.scatter(*coords[grey].T, s=s * 0.6, c=list(colour[grey]), alpha=0.5, linewidths=0,
               rasterized=True)
    ax.scatter(*coords[~grey].T, s=s, c=list(colour[~grey]), alpha=0.85, linewidths=0,
               rasterized=True)
    # equal scales on both axes (a map's distances mean the same across and up), filling the frame
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    span = np.maximum(hi - lo, 1e-9) * 1.08
    box = np.array([0.98 * w, (top - 0.02) * h])
    half = (span / box).max() * box / 2
    mid = (lo + hi) / 2
    ax.set_xlim(mid[0] - half[0], mid[0] + half[0])
    ax.set_ylim(mid[1] - half[1], mid[1] + half[1])
    if clusters:
        _label(fig, ax, coords, labels, clusters, names, base_pt, font_family,
               wrap or (18 if w < 8 else 28))
    return fig


def _font_pt(width: float) -> float:
    return float(np.clip(6.0 + (width - 3.5) * 0.8, 5.0, 16.0))


def _wrapped(text: str, width: int) -> str:
    lines = textwrap.wrap(" ".join(text.split()), width) or [text.strip() or "?"]
    return "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")


def _label(fig, ax, coords, labels, clusters, names, base_pt, family, wrap):
    from matplotlib.colors import to_rgb

    renderer = fig.canvas.get_renderer()
    to_px = ax.transData.transform
    anchors = to_px(_anchors(coords, labels, clusters))
    sizes = np.array([(labels == c).sum() for c in clusters])
    order = np.argsort(-sizes, kind="stable")
    bbox = ax.get_window_extent(renderer)
    frame = (bbox.x0, bbox.y0, bbox.x1, bbox.y1)
    sample = np.random.default_rng(0).permutation(len(coords))[:4000]
    points, owners = to_px(coords[sample]), labels[sample]
    # a pale backing rather than a stroked halo: path effects would turn SVG/PDF text to paths
    backing = {"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none",
               "alpha": 0.7}
    taken: list = []
    pad = base_pt * fig.dpi / 72 * 0.25
    # each name in its cluster's colour, darkened to read on white
    ink = {c: tuple(0.45 * np.asarray(to_rgb(colour))) for c, colour in zip(
        range(max(clusters) + 1), palette(max(clusters) + 1), strict=True)}
    for k in order:
        c = clusters[k]
        tries = [(_wrapped(names[c], wrap), base_pt), (_wrapped(names[c], wrap), base_pt * 0.8)] \
            if c in names else []
        tries += [(str(c), base_pt)] * (c not in names) + [(str(c), base_pt * 0.8)]
        for text, pt in tries:
            t = ax.text(0, 0, text, ha="center", va="center", fontsize=pt,
                        fontfamily=family, fontweight="bold", parse_math=False,
                        color=ink[c], bbox=backing, zorder=5)
            ext = t.get_window_extent(renderer)
            where = place_labels(np.array([[ext.width + 2 * pad, ext.height + 2 * pad]]),
                                 anchors[k:k + 1], frame, points, owners, np.array([c]),
                                 taken=taken)[0]
            if where is not None:
                t.set_transform(ax.transData)
                t.set_position(ax.transData.inverted().transform(where))
                fig.label_artists[c] = t
                half = np.array([ext.width, ext.height]) / 2
                edge = np.clip(anchors[k], np.asarray(where) - half, np.asarray(where) + half)
                if np.hypot(*(edge - anchors[k])) > 0.5 * ext.height:  # a leader line to it
                    ends = ax.transData.inverted().transform(np.array([anchors[k], edge]))
                    ax.plot(*ends.T, color="#666666", linewidth=0.5 * base_pt / 6, zorder=4)
                break
            t.remove()
        else:
            fig.unlabelled.append(c)


def save_figure(fig, path: str | os.PathLike, dpi: int | None = None) -> Path:
    """Write ``fig`` to ``path`` as PNG, SVG or PDF (by suffix), text kept as text (SVG) or as
    embedded TrueType (PDF, as journals ask); atomically. Returns the path."""
    import matplotlib

    path = Path(path)
    fmt = path.suffix.lower()
    if fmt not in _FORMATS:
        raise ValueError(f"path={str(path)!r}: the suffix says the format; use one of "
                         f"{', '.join(_FORMATS)}")
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42,
                                "svg.hashsalt": "artopic", "pdf.compression": 6}):
        fig.savefig(buf, format=fmt[1:], dpi=dpi or fig.dpi, facecolor="white",
                    metadata={"Creator": "artopic_nb"} if fmt != ".png" else None)
    atomic_write_bytes(path, buf.getvalue(), fsync=False)
    return path


def plot_map(study, path: str | os.PathLike | None = None, *, size: Any = "column",
             dpi: int | None = None, names=None, **kwargs: Any):
    """The study's map (``coords_``), coloured by cluster (``labels_``, when it clustered),
    names from ``study.cluster_names_`` (given, or from the commonalities) else numbers;
    ``names`` (``{cluster: name}``) overrides them. With ``path`` (``.png``, ``.svg``,
    ``.pdf``) the figure is written there and the path returned; without, the figure is
    returned (a notebook shows it). Other keywords go to :func:`draw_map`.

    >>> study.plot_map("map.svg", size="slide")     # doctest: +SKIP
    """
    if path is not None and Path(path).suffix.lower() not in _FORMATS:
        raise ValueError(f"path={str(path)!r}: the suffix says the format; use one of "
                         f"{', '.join(_FORMATS)}")
    coords = study.coords_
    given = study.get("cluster_names_") if names is None else names
    fig = draw_map(coords, study.get("labels_"), given, size=size, **kwargs)
    return fig if path is None else save_figure(fig, path, dpi)
