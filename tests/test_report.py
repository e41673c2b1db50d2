"""The HTML report's tables and the list of skipped files beside it (issue 27): counts print
as integers everywhere, and a partial download's absent images are counted, not listed in a
file bigger than the report."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import artopic_nb as an
from artopic_nb.data.skips import NOT_ON_DISK
from artopic_nb.report import _table, skipped_list_format

COUNTS = {"n_clusters", "n_works", "n_labels", "size", "medoid_id", "n", "n_unparsed",
          "n_unknown", "count"}


def _tables(html: str) -> list[pd.DataFrame]:
    """Every ``<table>`` of the report as text cells (header row first)."""
    out = []
    for table in re.findall(r"<table>(.*?)</table>", html, flags=re.S):
        rows = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
                for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)]
        out.append(pd.DataFrame(rows[1:], columns=rows[0]))
    return out


def test_a_count_beside_floats_is_an_integer():
    """A row of floats and ints read row by row becomes floats (``174.00``); read column by
    column each keeps its type."""
    df = pd.DataFrame({"ari": [0.5], "n_clusters": [8], "n_works": [174], "label": ["genre"],
                       "missing": [float("nan")]}, index=pd.Index(["genre"], name="label"))
    cells = _tables(_table(df))[0].iloc[0].tolist()
    assert cells == ["genre", "0.50", "8", "174", "genre", ""]


def test_every_count_in_the_report_is_an_integer(fixture_collection, tmp_path):
    study = an.Study(fixture_collection, cache_dir=tmp_path / "cache", progress=False)
    study.embed(embedder="color").reduce(method="pca").cluster("kmeans", n_clusters=3)
    study.sample(per_cluster=2).describe(describers=["attributes"]).predict_genres()
    html = study.to_html(tmp_path / "report.html").read_text()
    tables = _tables(html)
    seen = set()
    for table in tables:
        for column in COUNTS & set(table.columns):
            seen.add(column)
            bad = [v for v in table[column] if not re.fullmatch(r"\d+", v)]
            assert not bad, (column, bad)
    # the agreement (n_clusters, n_works, n_labels), clusters (size) and genre (n) tables
    assert {"n_clusters", "n_works", "n_labels", "size", "n"} <= seen


def _skipped(n_absent: int, n_other: int) -> pd.DataFrame:
    return pd.DataFrame({"path": [f"S/a{i}.jpg" for i in range(n_absent)]
                         + [f"b{i}.jpg" for i in range(n_other)],
                         "reason": [NOT_ON_DISK] * n_absent + ["truncated file"] * n_other})


def test_the_skipped_list_is_compressed_for_a_partial_download():
    assert skipped_list_format(_skipped(0, 3)) == "csv"
    assert skipped_list_format(_skipped(5, 3)) == "csv.gz"  # listed images not on disk
    assert skipped_list_format(_skipped(0, 10_001)) == "csv.gz"  # a long list
    assert skipped_list_format(_skipped(0, 0)) is None
    assert skipped_list_format(_skipped(5, 0), "csv") == "csv"
    assert skipped_list_format(_skipped(5, 0), "none") is None
    with pytest.raises(ValueError, match="skipped_list='zip': use one of auto, csv"):
        skipped_list_format(_skipped(1, 0), "zip")


def test_write_report_writes_one_list_and_removes_the_other(fixture_collection, tmp_path):
    col = an.ImageCollection(fixture_collection.metadata, _skipped(2_000, 2),
                             root=fixture_collection.root, name="partial")
    study = an.Study(col, cache_dir=tmp_path / "cache", progress=False)
    study.embed(embedder="color").reduce(method="pca").cluster("kmeans", n_clusters=2)
    (tmp_path / "report_skipped.csv").write_text("path,reason\nold,run\n")  # an earlier run's
    report = study.to_html(tmp_path / "report.html")
    listed = tmp_path / "report_skipped.csv.gz"
    assert not (tmp_path / "report_skipped.csv").exists()
    assert len(pd.read_csv(listed)) == 2_002
    assert listed.stat().st_size < 20_000  # 2,000 paths compress well
    html = report.read_text()
    assert "2,000 listed images are not on disk" in html and "report_skipped.csv.gz" in html
    assert "a1999.jpg" not in html  # counted, not listed
    first = listed.read_bytes()
    study.to_html(tmp_path / "report.html")
    assert listed.read_bytes() == first  # the same list, the same bytes (no time stamp)
    study.to_html(tmp_path / "report.html", skipped_list="none")
    assert not listed.exists() and "report_skipped" not in report.read_text()
