"""The study's time views: study.over_time, study.periods and study.where(date=...) over the
works' date intervals (the fixture's catalogue dates, as the Met writes them)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from artopic_nb.pipeline.study import Study


@pytest.fixture(scope="module")
def study(fixture_collection, tmp_path_factory):
    s = Study(fixture_collection, cache_dir=tmp_path_factory.mktemp("time"), progress=False)
    return s.embed(embedder="color").reduce(method="pca").cluster("kmeans", n_clusters=3)


def test_over_time_spreads_every_dated_work_over_its_periods(study):
    table = study.over_time(bins=8)
    assert set(table.columns) >= {"period", "start", "end", "cluster", "count", "share"}
    dated = study.collection.metadata["date_start"].notna().sum()
    assert table["count"].sum() == pytest.approx(dated)  # each work counted once in all
    assert table.attrs["undated"] == len(study.labels_) - dated
    per_period = table.groupby("period")["share"].sum()
    assert np.allclose(per_period[per_period > 0], 1)
    assert set(table["cluster"]) == set(study.labels_.tolist())
    by_genre = study.over_time(by="genre", bins=4)
    assert set(by_genre["genre"]) == set(study.collection.metadata["genre"].dropna())


def test_periods_say_each_clusters_time(study):
    periods = study.periods()
    assert list(periods.index) == sorted(set(study.labels_.tolist()))
    assert periods["sentence"].str.match(r"mostly -?\d+–-?\d+; median -?\d+").all()


def test_where_date_keeps_overlapping_or_inside_intervals(study):
    meta = study.collection.metadata
    overlap = study.where(date=(1600, 1650))
    inside = study.where(date=(1600, 1650), within=True)
    assert set(inside.index) <= set(overlap.index)
    assert ((overlap["date_start"] <= 1650) & (overlap["date_end"] >= 1600)).all()
    assert ((inside["date_start"] >= 1600) & (inside["date_end"] <= 1650)).all()
    expected = ((meta["date_start"] <= 1650) & (meta["date_end"] >= 1600)).fillna(False)
    assert sorted(overlap.index) == sorted(np.flatnonzero(expected.to_numpy(bool)))


def test_time_views_name_what_they_need(study, fixture_collection):
    with pytest.raises(ValueError, match="no column 'nope'"):
        study.over_time(by="nope")
    meta = fixture_collection.metadata.drop(columns=["date", "date_start", "date_end"])
    undated = Study(type(fixture_collection)(meta), cache_dir=None, progress=False)
    with pytest.raises(ValueError, match="time views need a date column"):
        undated.over_time(by="genre")
    assert isinstance(undated.where(genre=["asian art"]), pd.DataFrame)


@pytest.mark.parametrize("fractional", [False, True])
def test_period_counts_equal_the_per_work_weights(fractional):
    """The difference-array counts (whole years) equal each work's share of each period
    summed; fractional years take the weights themselves. Edges beyond the works' years,
    a one-year period and a work dated after the last edge included."""
    from artopic_nb.query import time as T

    rng = np.random.default_rng(3)
    start = rng.integers(1300, 1900, 2000).astype(float)
    end = start + rng.integers(0, 80, 2000)
    if fractional:
        start += rng.random(2000) / 2
    codes = rng.integers(0, 5, 2000)
    for edges in (T.time_bins(1300, 1980, 25), np.array([1200, 1400, 1401, 1500, 1950]),
                  np.array([1500, 1600])):
        w = T._spread(start, end, edges.astype(float))
        want = np.stack([np.bincount(codes, weights=w[:, j], minlength=5)
                         for j in range(len(edges) - 1)], axis=1)
        np.testing.assert_allclose(T._period_counts(codes, 5, start, end, edges), want,
                                   rtol=0, atol=1e-9)
