"""The works on a time line: the date layout's positions (query.timeline.date_layout), the
histogram of dates, and the map's date layout (EmbeddingPlot.map_layout) with and without a
date column."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("anywidget")

import ipywidgets as W  # noqa: E402
import traitlets as t  # noqa: E402

from artopic_nb.pipeline.study import Study  # noqa: E402
from artopic_nb.query.timeline import date_histogram, date_layout  # noqa: E402
from artopic_nb.widgets.plot import EmbeddingPlot  # noqa: E402


def _works(n=600, seed=0):
    rng = np.random.default_rng(seed)
    start = rng.integers(1300, 1900, n).astype(float)
    end = start + rng.integers(0, 60, n)
    start[:25] = end[:25] = np.nan  # undated
    labels = rng.integers(-1, 6, n)
    labels[(start > 1700) & (labels >= 0)] = 5  # cluster 5: mostly late
    return labels, start, end


def test_x_is_the_middle_of_each_interval_on_one_time_line():
    labels, start, end = _works()
    layout = date_layout(labels, start, end)
    dated = ~np.isnan(start)
    mid = (start + end) / 2
    a, b = layout.year_x
    assert b > 0
    np.testing.assert_allclose(layout.xy[dated, 0], a + b * mid[dated], rtol=0, atol=1e-3)
    assert layout.x_of(1500) == pytest.approx(a + b * 1500)
    for x, year in layout.ticks:  # the ticks sit where their years are
        assert x == pytest.approx(layout.x_of(year), abs=1e-6)
    assert layout.dated.tolist() == dated.tolist()


def test_a_row_a_cluster_ordered_by_median_year_noise_last():
    labels, start, end = _works()
    layout = date_layout(labels, start, end)
    rows = layout.rows
    assert sorted(rows.index) == sorted(set(labels.tolist()))
    assert rows.loc[-1, "row"] == len(rows) - 1  # noise at the bottom
    for group, row in rows.iterrows():  # every work inside its own row's band
        y = layout.xy[labels == group, 1]
        assert (y <= row["top"]).all() and (y >= row["bottom"]).all()
        assert row["works"] == (labels == group).sum()
    bands = rows.sort_values("row")
    assert (bands["bottom"].to_numpy()[:-1] > bands["top"].to_numpy()[1:]).all()  # no overlap
    mid = (start + end) / 2
    medians = [np.nanmedian(mid[labels == g]) for g in bands.index if g >= 0]
    assert medians == sorted(medians)
    assert rows.loc[5, "row"] == len(rows) - 2  # the late cluster: the last before noise


def test_undated_works_go_to_the_strip_and_the_layout_is_deterministic():
    labels, start, end = _works()
    layout = date_layout(labels, start, end)
    undated = np.isnan(start)
    assert layout.undated == undated.sum() == 25
    assert layout.strip_x > layout.xy[~undated, 0].max()
    assert (layout.xy[undated, 0] >= layout.strip_x).all()
    again = date_layout(labels.copy(), start.copy(), end.copy())
    assert np.array_equal(layout.xy, again.xy)
    # stacked: works of one row and year do not sit on one another
    xy = layout.xy[~undated]
    assert len(np.unique(xy.round(4), axis=0)) == len(xy)
    every = date_layout(labels, np.where(undated, 1500, start), np.where(undated, 1500, end))
    assert every.undated == 0 and every.strip_x is None


def test_date_layout_names_what_it_needs():
    with pytest.raises(ValueError, match="needs works with a date"):
        date_layout([0, 1], [None, None], [None, None])
    with pytest.raises(ValueError, match="one year per work"):
        date_layout([0, 1], [1600], [1600])
    with pytest.raises(ValueError, match="aspect"):
        date_layout([0], [1600], [1600], aspect=0)


def test_date_histogram_spreads_each_dated_work():
    labels, start, end = _works()
    edges, counts = date_histogram(start, end, bins=30)
    assert len(edges) == len(counts) + 1 and len(counts) <= 30
    assert counts.sum() == pytest.approx((~np.isnan(start)).sum())
    assert edges[0] <= np.nanmin(start) and edges[-1] > np.nanmax(end)


# -- the map's date layout -------------------------------------------------------------------
@pytest.fixture(scope="module")
def study(fixture_collection, tmp_path_factory):
    s = Study(fixture_collection, cache_dir=tmp_path_factory.mktemp("timeline"), progress=False)
    return s.embed(embedder="color").reduce(method="pca").cluster("kmeans", n_clusters=3)


def test_plot_date_layout_places_works_by_year_and_cluster(study):
    plot = EmbeddingPlot.from_study(study, layout="date")
    meta = study.collection.metadata
    expected = date_layout(study.labels_, meta["date_start"], meta["date_end"])
    shown = np.frombuffer(plot.coords, np.float32).reshape(-1, 2)
    assert plot.map_layout == "date" and plot.layouts == ["map", "date"]
    np.testing.assert_array_equal(shown, expected.xy)
    assert [a["kind"] for a in plot.layout_axis].count("tick") == len(expected.ticks)
    assert {lab["code"] for lab in plot.cluster_labels} == set(study.labels_.tolist())
    assert all(lab["align"] == "left" for lab in plot.cluster_labels)
    undated = int(meta["date_start"].isna().sum())
    assert ("without a date" in plot.layout_note) == (undated > 0)
    version = plot.data_version
    plot.map_layout = "map"  # back: the reduction's coordinates, no time line
    np.testing.assert_allclose(plot.coordinates, study.coords_, rtol=1e-6)
    assert plot.layout_axis == [] and plot.data_version > version
    plot.map_layout = "date"
    plot.set_labels(np.zeros(len(study.labels_), np.int64))  # one cluster: one row
    assert len(plot.cluster_labels) == 1
    shown = np.frombuffer(plot.coords, np.float32).reshape(-1, 2)
    assert len(np.unique(plot.cluster_labels[0]["y"])) == 1 and shown[:, 1].max() < 0
    with pytest.raises(t.TraitError, match="map_layout must be one of"):
        plot.map_layout = "time"


def test_plot_without_a_date_column_says_time_views_need_one(study, fixture_collection):
    meta = fixture_collection.metadata.drop(columns=["date", "date_start", "date_end"])
    plot = EmbeddingPlot(study.coords_, study.labels_, metadata=meta)
    assert plot.layouts == ["map"] and "time views need a date column" in plot.layout_note
    with pytest.raises(t.TraitError, match="time views need a date column"):
        plot.map_layout = "date"
    with pytest.raises(t.TraitError, match="time views need a date column"):
        EmbeddingPlot(study.coords_, study.labels_, metadata=meta, layout="date")
    # ipywidgets' own layout (CSS) still goes through
    css = EmbeddingPlot(study.coords_, metadata=meta, layout=W.Layout(width="300px"))
    assert css.layout.width == "300px" and css.map_layout == "map"
    given = EmbeddingPlot(study.coords_, study.labels_, metadata=meta, map_layout="date",
                          dates=(meta.index * 10 + 1500, meta.index * 10 + 1509))
    assert given.map_layout == "date" and given.layout_note == ""


# -- the time histogram in the ask panel -------------------------------------------------------
def test_brushing_the_time_histogram_filters_as_where_date_does(study):
    from artopic_nb.widgets.ask_panel import AskPanel

    plot = EmbeddingPlot.from_study(study)
    panel = AskPanel(study, plot)
    hist = panel.time
    dated = int(study.collection.metadata["date_start"].notna().sum())
    assert hist is not None and sum(hist.counts) == pytest.approx(dated)
    assert "date" not in panel._facet_widgets  # the histogram, not a slider
    hist.set_state({"brushed": [1500.0, 1650.0]})  # as a drag in the view
    expected = study.where(date=(1500, 1650), as_mask=True)
    assert 0 < expected.sum() < len(expected)
    assert panel.conditions == {"date": (1500, 1650)}
    assert np.array_equal(panel.mask, expected)
    assert np.array_equal(plot.filtered, expected)
    assert panel.query == study.where_query(date=(1500, 1650))
    assert np.array_equal(study.where(panel.query, as_mask=True), expected)
    # the other facets' filter: the bars of what they keep; the brush stays
    panel.set_filter(genre=["portrait"])
    portraits = study.where(genre=["portrait"], as_mask=True)
    assert sum(hist.passing) == pytest.approx(
        study.collection.metadata.loc[portraits, "date_start"].notna().sum())
    assert hist.brushed == [1500.0, 1650.0]
    assert np.array_equal(panel.mask, expected & portraits)
    panel.set_filter(date=(1600, 1700))  # from Python: the brush follows
    assert hist.brushed == [1600.0, 1700.0]
    hist.set_state({"brushed": []})  # a click clears it
    assert panel.conditions == {"genre": ["portrait"]}
    panel.clear()
    assert hist.brushed == [] and hist.passing == [] and plot.filtered is None
    with pytest.raises(ValueError, match="from low to high"):
        hist.brush(1700, 1600)


def test_ask_panel_without_a_date_column_says_time_views_need_one(fixture_collection):
    from artopic_nb.widgets.ask_panel import AskPanel

    meta = fixture_collection.metadata.drop(columns=["date", "date_start", "date_end"])
    undated = Study(type(fixture_collection)(meta), cache_dir=None, progress=False)
    undated.embed(embedder="color").reduce(method="pca").cluster("kmeans", n_clusters=2)
    panel = AskPanel(undated, EmbeddingPlot.from_study(undated))
    assert panel.time is None
    html_text = " ".join(w.value for w in _walk(panel) if isinstance(w, W.HTML))
    assert "time views need a date column" in html_text
    panel.set_filter(genre=["asian art"])  # the other facets still work
    assert panel.mask.sum() == (meta["genre"] == "asian art").sum()


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


# -- the over-time panel of the explorer -------------------------------------------------------
def test_over_time_panel_draws_when_opened_and_follows_the_study(study, fixture_collection):
    from artopic_nb.widgets.time_panel import OverTimePanel

    panel = OverTimePanel(study)
    assert not panel.drawn and panel.chart is None  # closed: nothing loaded
    panel.selected_index = 0  # opened, as a click does
    assert panel.drawn and panel.chart is not None
    assert panel.table.equals(study.over_time(bins=25))
    for sentence in study.periods()["sentence"]:
        assert sentence in panel.sentences.value
    study.rename_cluster(0, "Early panels")
    panel.on_study("cluster")
    assert "0: Early panels" in panel.sentences.value
    study.undo()
    meta = fixture_collection.metadata.drop(columns=["date", "date_start", "date_end"])
    undated = Study(type(fixture_collection)(meta), cache_dir=None, progress=False)
    undated.embed(embedder="color").reduce(method="pca").cluster("kmeans", n_clusters=2)
    empty = OverTimePanel(undated, open=True)
    assert "time views need a date column" in empty.note.value and empty.chart is None


def test_report_section_over_time(study, fixture_collection):
    from artopic_nb.export.time_section import over_time_html

    parts = over_time_html(study)
    assert parts[0] == "<h2>Over time</h2>"
    assert "src='data:image/png;base64,iVBORw0KGgo" in parts[1]  # a PNG, drawn offline
    for sentence in study.periods()["sentence"]:
        assert sentence in parts[2]
    meta = fixture_collection.metadata.drop(columns=["date", "date_start", "date_end"])
    undated = Study(type(fixture_collection)(meta), cache_dir=None, progress=False)
    undated.embed(embedder="color").reduce(method="pca").cluster("kmeans", n_clusters=2)
    parts = over_time_html(undated)
    assert len(parts) == 2 and "time views need a date column" in parts[1]


def test_explorer_has_the_over_time_section_and_the_time_histogram(study):
    from artopic_nb.widgets import explore

    ex = explore(study)
    assert ex.over_time in ex.children and ex.over_time.chart is None  # closed: not drawn
    assert ex.ask.time is not None
    ex.over_time.selected_index = 0
    assert ex.over_time.chart is not None
    study.rename_cluster(1, "Late works")  # the study's change redraws it
    try:
        assert "1: Late works" in ex.over_time.sentences.value
    finally:
        study.undo()
        ex.unlink()


def test_the_report_has_the_over_time_section(study):
    from artopic_nb.report import render_report

    page = render_report(study)
    section = page[page.index("<h2>Over time</h2>"):]
    assert section.index("<h2>Over time</h2>") < section.index("data:image/png")
    assert study.periods()["sentence"].iloc[0] in section
