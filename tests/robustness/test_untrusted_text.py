"""Untrusted text from a metadata CSV is escaped in every HTML output."""

from __future__ import annotations

import html

import pytest

import artopic_nb as an

from ._helpers import GOOD, copy_good, run_study

PAYLOADS = {
    "title": "<img src=x onerror=alert(1)>",
    "artist": '"><script>alert(2)</script>',
    "genre": "</td><iframe src=javascript:alert(3)>",
}


@pytest.fixture
def hostile_study(tmp_path):
    folder = copy_good(tmp_path / "images")
    rows = ["file_name,title,artist,genre"]
    for name in GOOD:
        cells = [PAYLOADS["title"], PAYLOADS["artist"], PAYLOADS["genre"]]
        rows.append(",".join([name] + ['"' + c.replace('"', '""') + '"' for c in cells]))
    (tmp_path / "meta.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    col = an.load_folder(folder, metadata=tmp_path / "meta.csv", progress=False)
    assert col.metadata.title.tolist() == [PAYLOADS["title"]] * len(GOOD)  # read verbatim
    return run_study(col, tmp_path / "cache")


def test_html_report_escapes_metadata(hostile_study, tmp_path):
    out = hostile_study.to_html(tmp_path / "report.html").read_text(encoding="utf-8")
    for raw in PAYLOADS.values():
        assert raw not in out
        assert html.escape(raw, quote=True) in out
    assert "<script" not in out.lower() and "<iframe" not in out.lower()
    assert "<img src=x" not in out


def test_notebook_reprs_escape_metadata(hostile_study):
    for out in (hostile_study.collection._repr_html_(), hostile_study._repr_html_()):
        for raw in PAYLOADS.values():
            assert raw not in out
        assert "<script" not in out.lower()
