"""Altair charts of a study: cluster sizes, keywords per cluster, genre confusion matrix,
clusters over time.

Each function returns a plain ``alt.Chart`` (renders in notebooks, saves to HTML / PNG);
:func:`jupyter_chart` wraps one as an interactive ``alt.JupyterChart`` that renders offline
(vega's JavaScript is bundled by ``vl-convert-python`` instead of loaded from a CDN).

Example
-------
>>> from artopic_nb.widgets import charts
>>> charts.cluster_sizes(study.labels_)                        # doctest: +SKIP
>>> charts.keywords(keywords_df)     # columns cluster, term, score   # doctest: +SKIP
>>> charts.jupyter_chart(charts.confusion_matrix(report.confusion))  # doctest: +SKIP
>>> charts.over_time(artopic_nb.query.over_time(labels, starts, ends))  # doctest: +SKIP
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .data.colour import palette

if TYPE_CHECKING:
    import altair as alt

    from ..genre.evaluation import GenreReport
    from ..pipeline.study import Study
    from ..steps.commonalities import Commonalities

__all__ = ["cluster_sizes", "keywords", "confusion_matrix", "over_time", "jupyter_chart",
           "enable_offline", "enable_offline_on_import"]

_offline_enabled = False


def enable_offline() -> None:
    """Render every altair chart without the internet: vega comes from the installed
    ``vl-convert-python``, not a CDN (both for ``JupyterChart`` and for plain charts, whose
    default renderer loads vega from cdn.jsdelivr.net). Importing :mod:`artopic_nb.widgets`
    arranges for it to run when altair is first imported (:func:`enable_offline_on_import`).
    """
    global _offline_enabled
    if _offline_enabled:
        return
    import altair as alt

    try:
        alt.JupyterChart.enable_offline()
        alt.renderers.enable("jupyter", offline=True)
    except ImportError as exc:  # vl-convert-python missing
        raise ImportError("charts offline need vl-convert-python: "
                          "pip install vl-convert-python") from exc
    _offline_enabled = True


def enable_offline_on_import() -> None:
    """:func:`enable_offline` now if altair is imported, else right after its import.

    Importing altair and bundling vega cost 2-3 s, which a map or a grid does not need: so
    importing the widgets leaves them to the first chart (ours, or one that ``genre`` or
    ``topics`` returns), which still renders offline.
    """
    if "altair" in sys.modules:
        enable_offline()
    elif not any(isinstance(finder, _AfterAltairImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AfterAltairImport())


class _AfterAltairImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself; it wraps altair's loader so that its import ends in
    :func:`enable_offline`, then leaves ``sys.meta_path``."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "altair":
            return None
        try:
            sys.meta_path.remove(self)
        except ValueError:  # another thread's import got here first
            return None
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenEnableOffline(spec.loader)
        return spec


class _ThenEnableOffline(importlib.abc.Loader):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        module.__loader__ = module.__spec__.loader = self.loader  # altair keeps its own loader
        self.loader.exec_module(module)
        try:
            enable_offline()
        except Exception as exc:  # never fail the user's import of altair over this
            warnings.warn(f"artopic_nb: could not make altair charts render offline: {exc}",
                          stacklevel=2)


def jupyter_chart(chart: alt.TopLevelMixin, **kwargs: Any) -> alt.JupyterChart:
    """``chart`` as an ``alt.JupyterChart`` (selections readable from Python), offline."""
    import altair as alt

    enable_offline()
    return alt.JupyterChart(chart, **kwargs)


def cluster_sizes(labels: np.ndarray | Sequence[int] | Study, *, width: int = 420,
                  title: str = "Works per cluster") -> alt.Chart:
    """Bar chart of cluster sizes (noise as a grey bar). ``labels``: array or a Study."""
    import altair as alt

    if hasattr(labels, "labels_"):
        labels = labels.labels_
    labels = np.asarray(labels, dtype=np.int64)
    values, counts = np.unique(labels, return_counts=True)
    df = pd.DataFrame({
        "cluster": ["noise" if v < 0 else f"cluster {v}" for v in values],
        "order": [10**9 if v < 0 else int(v) for v in values],
        "works": counts.astype(int),
    })
    k = int((values >= 0).sum())
    domain = [f"cluster {v}" for v in values if v >= 0] + (["noise"] if (values < 0).any() else [])
    colors = palette(k) + (["#b4b4b4"] if (values < 0).any() else [])
    return alt.Chart(df, title=title).mark_bar().encode(
        x=alt.X("cluster:N", sort=alt.SortField("order"), title=None),
        y=alt.Y("works:Q", title="works"),
        color=alt.Color("cluster:N", scale=alt.Scale(domain=domain, range=colors), legend=None),
        tooltip=["cluster:N", "works:Q"],
    ).properties(width=width, height=220)


def keywords(df: pd.DataFrame | Commonalities, *, top_k: int = 8, columns: int = 3, width: int = 160) -> alt.FacetChart:
    """Top keywords of each cluster as small bar charts, one panel a cluster.

    ``df``: DataFrame(cluster, term, score), or a study's ``commonalities_``
    (:class:`~artopic_nb.steps.commonalities.Commonalities`). With an ``aspect`` column (the keywords of
    :func:`~artopic_nb.steps.commonalities.cluster_keywords`), the ``top_k`` visual and the ``top_k``
    content terms of each cluster, coloured by aspect; else the ``top_k`` terms by score.
    """
    import altair as alt

    df = getattr(df, "keywords", df)  # Commonalities -> its keywords frame
    missing = {"cluster", "term", "score"} - set(df.columns)
    if missing:
        raise ValueError(f"keywords() needs the columns cluster, term, score; missing {sorted(missing)}")
    by_aspect = "aspect" in df.columns
    group = ["cluster", "aspect"] if by_aspect else ["cluster"]
    data = df[[*group, "term", "score"]].copy()
    data["score"] = data["score"].astype(float)
    data = (data.sort_values(["cluster", "score"], ascending=[True, False], kind="stable")
            .groupby(group, sort=True).head(top_k))
    data["cluster"] = data["cluster"].map(lambda c: "noise" if str(c) == "-1" else f"cluster {c}")
    colour = (alt.Color("aspect:N", scale=alt.Scale(domain=["visual", "content"]))
              if by_aspect else alt.Color("cluster:N", legend=None))
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("score:Q", title="score"),
        y=alt.Y("term:N", sort="-x", title=None),
        color=colour,
        tooltip=[f"{g}:N" for g in group] + ["term:N", alt.Tooltip("score:Q", format=".3f")],
    ).properties(width=width, height=alt.Step(14)).facet(
        facet=alt.Facet("cluster:N", title=None), columns=columns,
    ).resolve_scale(y="independent")


def confusion_matrix(confusion: pd.DataFrame | GenreReport, *, normalize: bool = True, width: int = 320,
                     title: str | None = None) -> alt.LayerChart:
    """Heat map of a confusion matrix.

    ``confusion``: a :class:`~artopic_nb.genre.evaluation.GenreReport` (titled with its model), or
    a frame: wide (index known genre, columns predicted genre, cells counts) as
    ``GenreReport.confusion`` is, or long with columns ``known``, ``predicted``, ``count``.
    ``normalize`` colours by the share of each known genre (row), and labels cells with counts.
    """
    import altair as alt

    model = getattr(confusion, "model", None)
    if title is None:
        title = f"Genre confusion{' — ' + model if model else ''}"
    confusion = getattr(confusion, "confusion", confusion)  # a GenreReport -> its matrix

    if {"known", "predicted", "count"} <= set(confusion.columns):
        long = confusion[["known", "predicted", "count"]].copy()
    else:
        wide = confusion.copy()
        wide.index = wide.index.map(str)
        wide.index.name = "known"
        wide.columns = wide.columns.map(str)
        long = wide.reset_index().melt(id_vars="known", var_name="predicted", value_name="count")
    long["count"] = long["count"].astype(float)
    totals = long.groupby("known")["count"].transform("sum").replace(0, np.nan)
    long["share"] = (long["count"] / totals).fillna(0.0)
    known_order = list(dict.fromkeys(long["known"]))
    pred_order = list(dict.fromkeys(long["predicted"]))
    value = "share:Q" if normalize else "count:Q"
    base = alt.Chart(long).encode(
        x=alt.X("predicted:N", sort=pred_order, title="predicted"),
        y=alt.Y("known:N", sort=known_order, title="known"),
    )
    heat = base.mark_rect().encode(
        color=alt.Color(value, scale=alt.Scale(scheme="blues"),
                        title="row share" if normalize else "count"),
        tooltip=["known:N", "predicted:N", "count:Q", alt.Tooltip("share:Q", format=".0%")],
    )
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("count:Q", format=".0f"),
        color=alt.condition(alt.datum.share > 0.5, alt.value("white"), alt.value("black")),
    )
    side = max(120, min(width, 28 * max(len(pred_order), 1)))
    return (heat + text).properties(width=side, height=max(120, 24 * max(len(known_order), 1)),
                                    title=title)


def over_time(table: pd.DataFrame, *, value: str = "share", names: dict | None = None,
              width: int = 480, height: int = 220, title: str | None = None) -> alt.Chart:
    """Stacked areas of each group's works over the periods, from the table of
    :func:`artopic_nb.query.time.over_time` (columns period, start, end, the group, count,
    share). ``value``: ``"share"`` (of each period's dated works: the areas fill the height)
    or ``"count"`` (works, uncertain dates spread). Integer groups are clusters (``-1`` is
    noise, in grey), drawn in the clusters' colours and named by ``names`` (id -> name)."""
    import altair as alt

    if value not in ("share", "count"):
        raise ValueError(f"value is 'share' or 'count', not {value!r}")
    by = next((c for c in table.columns if c not in ("period", "start", "end", "count", "share")),
              None)
    if by is None or not {"period", "start", "end", value} <= set(table.columns):
        raise ValueError("over_time() charts the table of artopic_nb.query.over_time (columns "
                         f"period, start, end, a group, count, share), not {list(table.columns)}")
    data = table.assign(year=(table["start"] + table["end"] + 1) / 2)
    groups = list(dict.fromkeys(data[by]))
    clusters = pd.api.types.is_integer_dtype(data[by])
    if clusters:
        label = {g: "noise" if g < 0 else (names or {}).get(g, f"cluster {g}") for g in groups}
        ordered = sorted(groups, key=lambda g: (g < 0, g))
        domain = [label[g] for g in ordered]
        real = [g for g in ordered if g >= 0]
        colours = palette(len(real)) + (["#b4b4b4"] if len(real) < len(ordered) else [])
        data = data.assign(group=data[by].map(label))
        colour = alt.Color("group:N", title=by, scale=alt.Scale(domain=domain, range=colours),
                           sort=domain)
    else:
        data = data.assign(group=data[by].astype(str))
        colour = alt.Color("group:N", title=by)
    undated = table.attrs.get("undated", 0)
    heading = title or f"Works per {by} over time" + (f" ({undated:,} undated left out)"
                                                      if undated else "")
    return alt.Chart(data, title=heading).mark_area(interpolate="monotone").encode(
        x=alt.X("year:Q", title="year", axis=alt.Axis(format="d"),
                scale=alt.Scale(domain=[int(data["start"].min()), int(data["end"].max()) + 1])),
        y=alt.Y(f"{value}:Q", stack="zero", title="share of the period's works"
                if value == "share" else "works", axis=alt.Axis(format=".0%") if value == "share"
                else alt.Axis()),
        color=colour,
        tooltip=["period:N", alt.Tooltip("group:N", title=by),
                 alt.Tooltip("count:Q", format=".1f", title="works"),
                 alt.Tooltip("share:Q", format=".0%")],
    ).properties(width=width, height=height)
