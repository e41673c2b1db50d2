"""Art dates as intervals (artopic_nb.data.dates): the corpus of real museum strings, each form
the grammar reads, garbage that must never become a year, speed, and a collection's
date_start / date_end columns."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import artopic_nb as an
from artopic_nb.data.collection import ImageCollection
from artopic_nb.data.dates import add_date_columns, date_column, parse, year_bounds
from artopic_nb.data.skips import CollectionNotice
from artopic_nb.query import over_time, period_summary, time_bins, work_dates

CORPUS = Path(__file__).parent / "data" / "dates" / "corpus.csv"


def _interval(text: str, **rules) -> tuple:
    row = parse([text], **rules).iloc[0]
    return (None if pd.isna(row["start"]) else int(row["start"]),
            None if pd.isna(row["end"]) else int(row["end"]),
            None if pd.isna(row["precision"]) else row["precision"],
            None if pd.isna(row["qualifier"]) else row["qualifier"])


# -- the corpus ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return pd.read_csv(CORPUS, dtype=str, keep_default_na=False)


def test_the_corpus_is_at_least_200_real_strings_with_their_sources(corpus):
    assert len(corpus) >= 200
    assert corpus["source"].str.len().gt(0).all()
    assert {"Met", "Tate"} <= {s.split()[0] for s in corpus["source"]}
    dated = corpus[corpus["expected_start"] != ""]
    assert (dated["expected_start"].astype(int) <= dated["expected_end"].astype(int)).all()


def test_parse_gets_the_expected_interval_for_at_least_97_percent(corpus):
    table = parse(corpus["text"])
    expected_start = pd.to_numeric(corpus["expected_start"]).astype("Int64")
    expected_end = pd.to_numeric(corpus["expected_end"]).astype("Int64")
    garbage = expected_start.isna()
    right = (table["start"].fillna(-99999) == expected_start.fillna(-99999)) \
        & (table["end"].fillna(-99999) == expected_end.fillna(-99999)) \
        & (table["parsed"] == ~garbage)
    wrong = corpus.assign(start=table["start"], end=table["end"])[~right]
    assert right.mean() >= 0.97, wrong[["text", "expected_start", "expected_end", "start", "end"]]
    assert not table.loc[garbage.to_numpy(), "parsed"].any()  # never a year for garbage


def test_the_museums_own_intervals_mostly_agree(corpus):
    met = corpus[corpus["museum_end"] != ""]
    table = parse(met["text"])
    start, end = met["museum_start"].astype(int), met["museum_end"].astype(int)
    overlap = (table["start"] <= end) & (table["end"] >= start)
    near = ((table["start"] - start).abs() <= 5) & ((table["end"] - end).abs() <= 5)
    assert overlap.all() and near.mean() >= 0.95


# -- each form ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # abbreviated ranges, en dash or hyphen
    ("1304-06", (1304, 1306, "year", "exact")),
    ("1266–75", (1266, 1275, "year", "exact")),
    ("c.1786-9", (1781, 1794, "year", "circa")),
    ("1598–1602", (1598, 1602, "year", "exact")),
    ("1695–05", (1695, 1705, "year", "exact")),
    ("1650/51", (1650, 1651, "year", "exact")),
    ("from 1650 to 1660", (1650, 1660, "year", "exact")),
    ("between 1650 and 1660", (1650, 1660, "year", "exact")),
    # circa, by the documented rule (5 years a side for a year)
    ("c. 1515", (1510, 1520, "year", "circa")),
    ("ca. 1846–67", (1841, 1872, "year", "circa")),
    ("around 1450", (1445, 1455, "year", "circa")),
    ("circa 1650", (1645, 1655, "year", "circa")),
    ("1650–ca. 1660", (1650, 1665, "year", "circa")),
    ("ca. 16th century", (1475, 1624, "century", "circa")),
    # decades
    ("1660s", (1660, 1669, "decade", "exact")),
    ("probably 1630s", (1630, 1639, "decade", "probable")),
    ("the 1660's", (1660, 1669, "decade", "exact")),
    ("1630s–40s", (1630, 1649, "decade", "exact")),
    ("early 1490s", (1490, 1493, "decade", "exact")),
    ("late 1480s", (1487, 1489, "decade", "exact")),
    # centuries, halves, thirds, quarters
    ("16th century", (1500, 1599, "century", "exact")),
    ("first half of the 14th century", (1300, 1349, "half-century", "exact")),
    ("second half of the 14th century", (1350, 1399, "half-century", "exact")),
    ("late 16th century", (1567, 1599, "third-century", "exact")),
    ("early 1600s", (1600, 1633, "third-century", "exact")),
    ("mid-17th century", (1634, 1666, "third-century", "exact")),
    ("last quarter of the 15th century", (1475, 1499, "quarter-century", "exact")),
    ("second third of the 17th century", (1634, 1666, "third-century", "exact")),
    ("15th–16th century", (1400, 1599, "century", "exact")),
    ("late 15th–early 16th century", (1467, 1533, "third-century", "exact")),
    ("mid to late 16th century", (1534, 1599, "third-century", "exact")),
    ("1600s", (1600, 1699, "century", "exact")),
    ("XVIIth century", (1600, 1699, "century", "exact")),
    ("seventeenth century", (1600, 1699, "century", "exact")),
    # BCE / CE
    ("500 B.C.", (-500, -500, "year", "exact")),
    ("ca. 1295–1213 BC", (-1300, -1208, "year", "circa")),
    ("664–332 BCE", (-664, -332, "year", "exact")),
    ("5th century B.C.", (-500, -401, "century", "exact")),
    ("early 5th century B.C.", (-500, -467, "third-century", "exact")),
    ("1st century B.C. or 1st century A.D.", (-100, 99, "century", "uncertain")),
    ("A.D. 79", (79, 79, "year", "exact")),
    ("300 BCE–100 CE", (-300, 100, "year", "exact")),
    ("2nd millennium B.C.", (-2000, -1001, "millennium", "exact")),
    # months, seasons, days; places after a comma
    ("October 1889, Saint-Rémy", (1889, 1889, "month", "exact")),
    ("Autumn 1887, Paris", (1887, 1887, "season", "exact")),
    ("Paris, 1887", (1887, 1887, "year", "exact")),
    ("March 15, 1889", (1889, 1889, "day", "exact")),
    ("15 March 1889", (1889, 1889, "day", "exact")),
    ("Dec. 1888–Jan. 1889", (1888, 1889, "month", "exact")),
    ("March–April 1889", (1889, 1889, "month", "exact")),
    # open bounds (20 years, 10 for shortly)
    ("after 1649", (1649, 1669, "year", "after")),
    ("before 1674", (1654, 1674, "year", "before")),
    ("shortly after 1450", (1450, 1460, "year", "after")),
    ("1650 or later", (1650, 1670, "year", "after")),
    ("by 1674", (1654, 1674, "year", "before")),
    ("exhibited 1844", (1824, 1844, "year", "before")),
    # probable, uncertain, dated
    ("1494(?)", (1494, 1494, "year", "uncertain")),
    ("1494?", (1494, 1494, "year", "uncertain")),
    ("possibly ca. 1320", (1315, 1325, "year", "circa")),
    ("datable to 1698", (1698, 1698, "year", "probable")),
    ("[1650]", (1650, 1650, "year", "probable")),
    ("dated 1694–95", (1694, 1695, "year", "dated")),
    ("signed and dated 1650", (1650, 1650, "year", "dated")),
    # two dates of one work; a later state
    ("c.1803, c.1805-10", (1798, 1815, "year", "circa")),
    ("1794/c.1830-5", (1794, 1840, "year", "circa")),
    ("1826-7, reprinted 1892", (1826, 1827, "year", "exact")),
    ("modeled 1650, cast 1700", (1650, 1650, "year", "exact")),
    ("published 1850", (1830, 1850, "year", "before")),
    ("Date: 1650;", (1650, 1650, "year", "exact")),
    ("Kamakura period (1185–1333)", (1185, 1333, "year", "exact")),
    ("Kamakura period (1185–1333), ca. 1300", (1295, 1305, "year", "circa")),
    # EDTF
    ("1650~", (1645, 1655, "year", "circa")),
    ("1650?", (1650, 1650, "year", "uncertain")),
    ("1650%", (1645, 1655, "year", "circa")),
    ("165X", (1650, 1659, "decade", "exact")),
    ("16XX", (1600, 1699, "century", "exact")),
    ("1650/1660", (1650, 1660, "year", "exact")),
    ("1650-05-03", (1650, 1650, "day", "exact")),
    ("1650-05", (1650, 1650, "month", "exact")),
    ("1650-21", (1650, 1650, "season", "exact")),
    ("1650/..", (1650, 1670, "year", "after")),
    ("../1650", (1630, 1650, "year", "before")),
    ("[1650, 1660]", (1650, 1660, "year", "uncertain")),
    ("{1650..1660}", (1650, 1660, "year", "exact")),
    ("-0499", (-500, -500, "year", "exact")),  # EDTF counts astronomically
    # IIIF navDate
    ("1650-01-01T00:00:00Z", (1650, 1650, "year", "exact")),
    ("1889-10-12T00:00:00+00:00", (1889, 1889, "day", "exact")),
    ("2022-04-28T05:17:24.89Z", (2022, 2022, "day", "exact")),
])
def test_each_form(text, expected):
    assert _interval(text) == expected


@pytest.mark.parametrize("text", [
    "jún.04", "-", "n.d.", "unknown", "", "   ", "?", "s.d.", "undated", "date not known",
    "Paris", "Saint-Rémy", "04", "12/04", "1975.1.2", "copy after Rubens", "25 Jan",
    "19999", "3000", "2024-13-45", "ca.", "15th", "N/A", "---", "no date", "untitled 12",
])
def test_garbage_is_never_a_year(text):
    row = parse([text]).iloc[0]
    assert not row["parsed"] and pd.isna(row["start"]) and pd.isna(row["end"])
    assert isinstance(row["reason"], str) and row["reason"]


def test_missing_values_numbers_and_a_single_string():
    table = parse(pd.Series([None, np.nan, pd.NA, 1650, 1702.0, "1890"], index=list("abcdef")))
    assert table.index.tolist() == list("abcdef")
    assert table["reason"].iloc[:3].tolist() == ["empty"] * 3
    assert table["start"].iloc[3:].tolist() == [1650, 1702, 1890]
    assert parse("ca. 1650")["start"].tolist() == [1645]
    assert table["start"].dtype == "Int64" and table["parsed"].dtype == bool


def test_the_circa_and_open_rules_are_parameters():
    assert _interval("ca. 1650", circa=0)[:2] == (1650, 1650)
    assert _interval("ca. 1650", circa=10)[:2] == (1640, 1660)
    assert _interval("ca. 16th century", circa=10)[:2] == (1450, 1649)
    assert _interval("after 1649", open_years=50)[:2] == (1649, 1699)
    assert _interval("before 1674", open_years=0)[:2] == (1674, 1674)
    with pytest.raises(ValueError, match="circa is a whole number"):
        parse(["1650"], circa=-1)
    with pytest.raises(ValueError, match="open_years"):
        parse(["1650"], open_years="20")


def test_a_million_strings_parse_in_under_ten_seconds(corpus):
    rng = np.random.default_rng(0)
    strings = pd.Series(rng.choice(corpus["text"].to_numpy(), 1_000_000), dtype=object)
    began = time.perf_counter()
    table = parse(strings)
    seconds = time.perf_counter() - began
    assert len(table) == 1_000_000 and seconds < 10, seconds
    first = parse(corpus["text"]).set_index("text")["start"].to_dict()
    sample = table.sample(1000, random_state=0)
    assert all(pd.isna(first[t]) if pd.isna(s) else first[t] == s
               for t, s in zip(sample["text"], sample["start"], strict=True))


def test_public_as_an_dates():
    assert an.dates.parse is parse
    assert "dates" in dir(an)


# -- a collection's date columns ----------------------------------------------------------------

def test_date_column_by_name_and_kind():
    assert date_column(pd.DataFrame(columns=["title", "Date"])) == "Date"
    assert date_column(pd.DataFrame(columns=["navDate", "year"])) == "navDate"
    assert date_column(pd.DataFrame(columns=["objectDate"])) == "objectDate"
    assert date_column(pd.DataFrame(columns=["title", "genre"])) is None
    start, end, _ = year_bounds(pd.Series(pd.to_datetime(["1990-05-01", None])))
    assert start.tolist()[0] == 1990 and pd.isna(start.iloc[1])


def test_add_date_columns_says_how_many_were_not_read():
    meta = pd.DataFrame({"Date": ["ca. 1650", "jún.04", "1702", "", "frobnicated 12", None]})
    with pytest.warns(CollectionNotice) as caught:
        out = add_date_columns(meta)
    assert out["date_start"].tolist()[0:3:2] == [1645, 1702]
    assert out["date_start"].isna().tolist() == [False, True, False, True, True, True]
    (line,) = [str(w.message) for w in caught]
    assert "\n" not in line
    assert "2 of 6 dates in 'Date' could not be read" in line
    assert "'jún.04'" in line and "'frobnicated 12'" in line
    assert "2 of 6 works have no date" in line
    assert "date_start" not in meta.columns  # the input is left as it was
    with warnings.catch_warnings():
        warnings.simplefilter("error", CollectionNotice)  # missing dates alone: no notice
        quiet = add_date_columns(pd.DataFrame({"date": ["1650", None, "", "n.d."]}))
    assert quiet["date_start"].notna().tolist() == [True, False, False, False]


def test_a_collection_gets_date_columns_and_one_without_has_none(fixture_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("error", CollectionNotice)  # every fixture date is read
        col = ImageCollection.from_folder(fixture_dir, fixture_dir / "metadata.csv",
                                          progress=False)
    meta = col.metadata
    assert meta["date_start"].notna().all() and (meta["date_start"] <= meta["date_end"]).all()
    first = meta.set_index("date").loc["first half of the 14th century"]
    assert (first["date_start"], first["date_end"]) == (1300, 1349)
    assert col.subset([0, 1]).metadata["date_start"].tolist() == meta["date_start"][:2].tolist()
    bare = ImageCollection.from_folder(fixture_dir, progress=False)
    assert "date_start" not in bare.metadata.columns
    theirs = pd.DataFrame({"file_name": meta["file_name"], "date": "1700",
                           "date_start": 1, "date_end": 2})
    kept = ImageCollection.from_folder(fixture_dir, theirs, progress=False).metadata
    assert kept["date_start"].eq(1).all()  # a collection's own interval is kept


# -- groups over time ---------------------------------------------------------------------------

def test_over_time_spreads_an_uncertain_date_over_the_periods_it_covers():
    table = over_time([0, 0, 1, 1], [1640, 1652, 1700, None], [1659, 1652, 1724, None],
                      bins=[1625, 1650, 1675, 1700, 1725])
    counts = table.pivot(index="period", columns="cluster", values="count")
    assert counts.loc["1625–1649", 0] == pytest.approx(0.5)  # 1640-1659: half before 1650
    assert counts.loc["1650–1674", 0] == pytest.approx(1.5)  # the other half, and 1652
    assert counts.loc["1700–1724", 1] == pytest.approx(1.0)
    assert table["count"].sum() == pytest.approx(3.0) and table.attrs["undated"] == 1
    shares = table.groupby("period")["share"].sum()
    assert shares.tolist() == pytest.approx([1.0, 1.0, 0.0, 1.0])  # 1675-1699 is empty
    assert table[["start", "end"]].iloc[0].tolist() == [1625, 1649]
    clipped = over_time([0], [1600], [1699], bins=[1650, 1700])  # years outside are left out
    assert clipped["count"].tolist() == pytest.approx([0.5])


def test_over_time_bins_are_round_periods():
    assert time_bins(1602, 1689, 25).tolist()[:3] == [1600, 1605, 1610]
    for first, last, bins in [(1300, 1912, 25), (-500, 1900, 25), (1650, 1650, 25),
                              (1600, 1699, 4)]:
        edges = time_bins(first, last, bins)
        assert len(edges) - 1 <= bins and edges[0] <= first and edges[-1] > last
        assert np.diff(edges).min() == np.diff(edges).max()  # one width
    with pytest.raises(ValueError, match="increasing whole years"):
        time_bins(1600, 1700, [1700, 1600])
    with pytest.raises(ValueError, match="one value per work"):
        over_time([0, 1], [1600], [1600])
    with pytest.raises(TypeError, match="date_start are years as numbers"):
        over_time([0], ["ca. 1650"], [1650])
    with pytest.raises(ValueError, match="after its date_end"):
        over_time([0], [1700], [1600])


def test_time_views_say_they_need_a_date_column():
    start, end = work_dates(pd.DataFrame({"navDate": ["1650-01-01T00:00:00Z"]}))
    assert (start.tolist(), end.tolist()) == ([1650], [1650])
    own = pd.DataFrame({"date_start": [1600], "date_end": [1610], "date": ["x"]})
    assert work_dates(own)[1].tolist() == [1610]
    with pytest.raises(ValueError, match=r"time views need a date column: one of date, "
                                         r"navdate.*the columns are \['title'\]"):
        work_dates(pd.DataFrame({"title": ["a"]}))


def test_a_sentence_per_cluster_on_its_period():
    rng = np.random.default_rng(0)
    start = np.concatenate([rng.integers(1600, 1671, 40), [1500], rng.integers(1850, 1890, 10)])
    end = start + np.concatenate([rng.integers(0, 5, 40), [99], rng.integers(0, 3, 10)])
    labels = [3] * 41 + [7] * 10
    summary = period_summary(labels + [7, 9], np.append(start, [np.nan, np.nan]),
                             np.append(end, [np.nan, np.nan]))
    three = summary.loc[3]
    assert three["sentence"].startswith(f"mostly {three['low']}–{three['high']}; median ")
    assert 1600 <= three["low"] <= 1610 and 1660 <= three["high"] <= 1675
    assert 1620 <= three["median"] <= 1650 and three["sentence"].endswith("(41 dated works)")
    assert summary.loc[7, "sentence"].endswith("(10 dated works); 1 without a date")
    assert summary.loc[9, "sentence"] == "no dated works; 1 without a date"
    assert pd.isna(summary.loc[9, "median"])


def test_the_demo_over_time_table_and_chart():
    from artopic_nb import charts
    from artopic_nb.datasets import met_paintings

    meta = met_paintings(progress=False).metadata
    table = over_time(meta["genre"], meta["date_start"], meta["date_end"], by="genre", bins=25)
    assert table["period"].nunique() <= 25 and table.attrs["undated"] == 0
    assert table["count"].sum() == pytest.approx(len(meta))
    chart = charts.over_time(table).to_dict()
    assert chart["mark"]["type"] == "area" and chart["encoding"]["y"]["stack"] == "zero"
    assert chart["encoding"]["y"]["field"] == "share"
    clusters = over_time(np.arange(len(meta)) % 3 - 1, meta["date_start"], meta["date_end"])
    spec = charts.over_time(clusters, value="count", names={0: "still lifes"}).to_dict()
    assert spec["encoding"]["color"]["scale"]["domain"] == ["still lifes", "cluster 1", "noise"]
    assert spec["encoding"]["color"]["scale"]["range"][-1] == "#b4b4b4"  # noise in grey
    with pytest.raises(ValueError, match="query.over_time"):
        charts.over_time(meta[["title"]])
