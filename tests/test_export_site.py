"""The static site (artopic_nb.export.site): the files written, the data parts as valid
scripts, escaping, refusals, rights, the single file, neighbours, facets and the command line.
What only a browser shows is in tests/browser/test_export_site_browser.py."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from artopic_nb.data.collection import ImageCollection
from artopic_nb.export import site as site_mod
from artopic_nb.export.rights import may_republish, picture_mask
from artopic_nb.export.site_files import MARKER, safe_json
from artopic_nb.pipeline.study import Study

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
PART = re.compile(r'^window\.ARTOPIC_PARTS=window\.ARTOPIC_PARTS\|\|\{\};ARTOPIC_PARTS\[(".*?")\]=(.*);\n$',
                  re.S)


@pytest.fixture(scope="module")
def study(fixture_collection, tmp_path_factory):
    s = Study(fixture_collection, cache_dir=tmp_path_factory.mktemp("cache"), progress=False)
    return s.embed(embedder="color").reduce(method="pca").cluster("kmeans", n_clusters=4)


def parts_of(folder) -> dict:
    """Every data file's part, read as its script would store it."""
    out = {}
    for f in sorted((folder / "data").glob("*.js")):
        m = PART.match(f.read_text(encoding="utf-8"))
        assert m, f"{f.name} is not one part assignment"
        assert json.loads(m.group(1)) == f.stem
        out[f.stem] = json.loads(m.group(2))
    return out


def decode(b64: str, dtype: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(b64), dtype)


def test_a_folder_site_is_written_with_every_part(study, tmp_path):
    page = study.export_site(tmp_path / "site", similar=5)
    folder = tmp_path / "site"
    assert page == folder / "index.html"
    assert json.loads((folder / MARKER).read_text())["works"] == len(study.coords_)
    assert {p.name for p in (folder / "assets").iterdir()} == {"site.js", "plot.css", "site.css"}
    parts = parts_of(folder)
    n = len(study.coords_)
    assert {"site", "map", "works", "search", "records-0", "thumbs-0", "atlas-full-0",
            "atlas-mini-0"} <= set(parts)
    m = parts["map"]
    assert m["n"] == n and m["draw"] == "images"
    assert np.allclose(decode(m["coords"], "<f4").reshape(-1, 2), study.coords_, atol=1e-6)
    assert decode(m["codes"], "<i4").tolist() == study.labels_.tolist()
    assert sorted(decode(m["ranks"], "<i4").tolist()) == list(range(n))
    assert sorted(decode(m["atlas_ids"], "<i4").tolist()) == list(range(n))
    assert {c["code"] for c in m["cluster_labels"]} == set(study.labels_.tolist()) - {-1}
    for level in ("full", "mini"):  # the atlas pages are JPEGs
        assert base64.b64decode(parts[f"atlas-{level}-0"])[:2] == b"\xff\xd8"
    thumbs = parts["thumbs-0"]
    assert len(thumbs) == min(n, 256) and all(base64.b64decode(t)[:2] == b"\xff\xd8" for t in thumbs)
    w = parts["works"]
    assert w["title"][0] == study.collection.metadata.at[0, "title"]
    assert decode(w["thumbs"], "u1").tolist() == [1] * n
    assert [c["size"] for c in parts["site"]["clusters"]] == \
        np.bincount(study.labels_[study.labels_ >= 0]).tolist()
    # relative paths only: nothing fetched from elsewhere
    html = page.read_text()
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    assert '<script src="data/site.js">' in html and '<script src="assets/site.js">' in html


def test_data_files_run_as_scripts_in_node(study, tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not here: the parts were read as JSON above")
    study.export_site(tmp_path / "site", similar=3)
    code = ("const vm=require('vm'),fs=require('fs');const ctx={window:{}};ctx.window=ctx;"
            "vm.createContext(ctx);for(const f of fs.readdirSync(process.argv[1]))"
            "vm.runInContext(fs.readFileSync(process.argv[1]+'/'+f,'utf8'),ctx);"
            "const p=ctx.ARTOPIC_PARTS;console.log(JSON.stringify([Object.keys(p).length,"
            "p.map.n,p.works.title.length]))")
    run = subprocess.run([node, "-e", code, str(tmp_path / "site" / "data")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    count, n, titles = json.loads(run.stdout)
    assert count == len(list((tmp_path / "site" / "data").glob("*.js")))
    assert n == titles == len(study.coords_)


def test_similar_works_are_the_nearest_by_embedding(study, tmp_path):
    study.export_site(tmp_path / "site", similar=4)
    w = parts_of(tmp_path / "site")["works"]
    near = decode(w["similar"], "<i4").reshape(-1, 4)
    X = study.embeddings_ / np.linalg.norm(study.embeddings_, axis=1, keepdims=True)
    for i in (0, 5, 11):
        sims = X @ X[i]
        sims[i] = -np.inf
        assert i not in near[i]
        assert np.allclose(np.sort(sims[near[i]])[::-1], np.sort(sims)[::-1][:4], atol=1e-5)


def test_facets_are_categorical_columns_with_few_values(study, tmp_path):
    study.export_site(tmp_path / "site")
    w = parts_of(tmp_path / "site")["works"]
    facets = {f["column"]: f for f in w["facets"]}
    assert "genre" in facets and "title" not in facets and "date" not in facets
    genre = facets["genre"]
    codes = decode(genre["codes"], "<i2")
    meta = study.collection.metadata
    assert [genre["values"][c] for c in codes] == meta["genre"].tolist()
    with pytest.raises(ValueError, match="facets=.*no such metadata column"):
        study.export_site(tmp_path / "other", facets=["nope"])
    assert not (tmp_path / "other").exists()


def test_names_with_html_stay_text(fixture_collection, tmp_path):
    meta = fixture_collection.metadata.copy()
    meta.loc[2, "title"] = XSS
    meta.loc[3, "artist"] = "</script><b>bold</b>"
    col = ImageCollection(meta, name="images")
    s = Study(col, cache_dir=tmp_path / "cache", progress=False)
    s.embed(embedder="color").reduce(method="pca").cluster("kmeans", n_clusters=3)
    s.rename_cluster(0, "<b>Saints</b> & <i>martyrs</i>")
    page = s.export_site(tmp_path / "site", title=f"Map {XSS}")
    html = page.read_text()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    for f in (tmp_path / "site" / "data").glob("*.js"):  # no markup can leave a part's value
        text = f.read_text(encoding="utf-8")
        assert "<" not in text and ">" not in text, f.name
    parts = parts_of(tmp_path / "site")
    assert parts["works"]["title"][2] == XSS  # the value itself is kept, as data
    assert any(c["name"] == "<b>Saints</b> & <i>martyrs</i>" for c in parts["site"]["clusters"])
    single = s.export_site(tmp_path / "one.html", single_file=True, title=XSS)
    text = single.read_text()
    assert text.count("<script>") == text.count("</script>")  # no value closed a script
    assert "<script>alert" not in text and "</script><b>" not in text
    assert safe_json("</script>") == '"\\u003c/script\\u003e"'


def test_a_study_without_clusters_is_refused(fixture_collection, tmp_path):
    s = Study(fixture_collection, cache_dir=None, progress=False).embed(embedder="color")
    with pytest.raises(ValueError, match="run study.*cluster"):
        s.export_site(tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_a_folder_that_is_not_an_export_is_refused_and_kept(study, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "thesis.tex").write_text("precious")
    with pytest.raises(FileExistsError, match="not an earlier export"):
        study.export_site(folder)
    assert [p.name for p in folder.iterdir()] == ["thesis.tex"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left
    other = tmp_path / "page.html"
    other.write_text("<html>mine</html>")
    with pytest.raises(FileExistsError):
        study.export_site(other, single_file=True)
    assert other.read_text() == "<html>mine</html>"


def test_an_earlier_export_or_an_empty_folder_is_replaced(study, tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()  # empty: nothing to lose
    study.export_site(folder, similar=2)
    (folder / "data" / "stale-part.js").write_text("old")
    study.export_site(folder, similar=3)
    assert not (folder / "data" / "stale-part.js").exists()
    assert parts_of(folder)["works"]["k"] == 3
    one = study.export_site(tmp_path / "map.html", single_file=True)
    study.export_site(tmp_path / "map.html", single_file=True)  # its own page: replaced
    assert one.is_file() and sorted(p.name for p in tmp_path.iterdir()) == ["map.html", "site"]


def test_rights_that_forbid_republishing_make_dots(fixture_collection, tmp_path):
    meta = fixture_collection.metadata.copy()
    meta["rights"] = "http://creativecommons.org/publicdomain/zero/1.0/"
    meta.loc[[1, 4], "rights"] = "http://rightsstatements.org/vocab/InC/1.0/"
    meta.loc[6, "rights"] = ""
    meta["attribution"] = "Courtesy of a museum"
    s = Study(ImageCollection(meta, name="images"), cache_dir=tmp_path / "cache", progress=False)
    s.embed(embedder="color").reduce(method="pca").cluster("kmeans", n_clusters=3)
    s.export_site(tmp_path / "site")
    parts = parts_of(tmp_path / "site")
    atlas = set(decode(parts["map"]["atlas_ids"], "<i4").tolist())
    assert 1 not in atlas and 4 not in atlas and {0, 6} <= atlas
    assert decode(parts["works"]["thumbs"], "u1")[[1, 4, 6]].tolist() == [0, 0, 1]
    assert parts["thumbs-0"][1] == "" and parts["thumbs-0"][0]
    rec = parts["records-0"][1]
    assert "InC" in rec["rights"] and rec["attribution"] == "Courtesy of a museum"
    assert any("2 works are drawn as dots" in n for n in parts["site"]["notices"])
    s.export_site(tmp_path / "all", pictures="all")
    assert len(decode(parts_of(tmp_path / "all")["map"]["atlas_ids"], "<i4")) == len(meta)
    s.export_site(tmp_path / "none", pictures="none")
    assert parts_of(tmp_path / "none")["map"]["draw"] == "points"
    with pytest.raises(ValueError, match="pictures must be one of"):
        s.export_site(tmp_path / "bad", pictures="some")


def test_rights_statements_are_read_cautiously():
    allowed = ["http://creativecommons.org/publicdomain/mark/1.0/", "CC0", "Public Domain",
               "https://creativecommons.org/licenses/by/4.0/", "CC BY-SA 4.0",
               "http://rightsstatements.org/vocab/NoC-US/1.0/", "http://rightsstatements.org/vocab/NKC/1.0/"]
    refused = ["http://rightsstatements.org/vocab/InC-EDU/1.0/", "https://creativecommons.org/licenses/by-nc/4.0/",
               "https://creativecommons.org/licenses/by-nd/4.0/", "http://rightsstatements.org/vocab/CNE/1.0/",
               "http://rightsstatements.org/vocab/NoC-NC/1.0/", "© 2020 The artist",
               "All rights reserved", "CC BY-NC-SA", "ask the museum"]
    assert [may_republish(r) for r in allowed] == [True] * len(allowed)
    assert [may_republish(r) for r in refused] == [False] * len(refused)
    assert [may_republish(r) for r in (None, "", float("nan"))] == [None] * 3
    mask, counts = picture_mask(None, 3)
    assert mask.tolist() == [True] * 3 and counts["unknown"] == 3


def test_works_without_thumbnails_are_dots_with_a_notice(fixture_dir, tmp_path):
    images = tmp_path / "images"
    shutil.copytree(fixture_dir, images)
    col = ImageCollection.from_folder(images, images / "metadata.csv", progress=False)
    s = Study(col, cache_dir=None, progress=False)
    s.embed(embedder="color").reduce(method="pca").cluster("kmeans", n_clusters=3)
    for p in col.metadata["path"].iloc[:5]:  # as remote images never downloaded: no picture
        (images / p).unlink() if (images / p).exists() else Path(p).unlink()
    s.export_site(tmp_path / "site")
    parts = parts_of(tmp_path / "site")
    thumbs = decode(parts["works"]["thumbs"], "u1")
    assert thumbs[:5].tolist() == [0] * 5 and thumbs[5:].all()
    assert not set(decode(parts["map"]["atlas_ids"], "<i4").tolist()) & set(range(5))
    assert any("5 works have no thumbnail" in n for n in parts["site"]["notices"])


class _Big:
    """A stand-in with 2,001 clustered works (single_file's limit is checked first)."""

    def __init__(self):
        self.collection = SimpleNamespace(metadata=pd.DataFrame({"title": ["x"] * 2001}))

    def get(self, name, default=None):
        return {"labels_": np.zeros(2001, int), "coords_": np.zeros((2001, 2))}.get(name, default)


def test_single_file_inlines_everything_and_refuses_big_studies(study, tmp_path):
    page = study.export_site(tmp_path / "one", single_file=True)
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == [MARKER, "index.html"]
    html = page.read_text()
    assert " src=" not in html and "<link" not in html  # nothing beside it
    for name in ("site", "map", "works", "thumbs-0", "atlas-full-0", "records-0", "search"):
        assert f'ARTOPIC_PARTS["{name}"]=' in html
    assert "artopic-plot-toolbar" in html  # the map's styles inlined
    with pytest.raises(ValueError, match="up to 2,000 works; this study has 2,001"):
        site_mod.export_site(_Big(), tmp_path / "big", single_file=True)
    assert not (tmp_path / "big").exists()


def test_report_is_copied_and_linked(study, tmp_path):
    report = tmp_path / "report.html"
    report.write_text("<html>the report</html>")
    study.export_site(tmp_path / "site", report=report)
    assert (tmp_path / "site" / "report.html").read_text() == "<html>the report</html>"
    assert parts_of(tmp_path / "site")["site"]["report"] == "report.html"
    with pytest.raises(FileNotFoundError, match="report="):
        study.export_site(tmp_path / "again", report=tmp_path / "missing.html")


def test_command_line_export(study, tmp_path, capsys):
    from artopic_nb.cli import main

    saved = study.save(tmp_path / "study")
    (tmp_path / "report.html").write_text("<html>r</html>")  # as artopic run writes it
    assert main(["export", str(saved), str(tmp_path / "site"), "--similar", "3"]) == 0
    assert "site: " in capsys.readouterr().out
    assert (tmp_path / "site" / "report.html").is_file()
    assert parts_of(tmp_path / "site")["works"]["k"] == 3
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("keep")
    assert main(["export", str(saved), str(tmp_path / "other")]) == 2
    assert "not an earlier export" in capsys.readouterr().err
    assert (tmp_path / "other" / "notes.txt").read_text() == "keep"


def test_explorer_button_writes_the_site_and_says_where(study, tmp_path, monkeypatch):
    from artopic_nb.widgets import explore

    monkeypatch.chdir(tmp_path)  # a notebook's folder
    ex = explore(study)
    ex.export_button.click()
    page = tmp_path / "site" / "index.html"
    assert page.is_file() and (tmp_path / "site" / MARKER).is_file()
    assert str(page.resolve()) in ex.export_note.value
    ex.export_button.click()  # again: its own earlier export is replaced
    assert page.is_file()
    (tmp_path / "site" / MARKER).unlink()  # now a folder that is not an export: refused
    ex.export_button.click()
    assert "not written" in ex.export_note.value and page.is_file()
    assert "not an earlier export" in str(ex.errors.outputs)


def test_hierarchy_and_report_tables_are_in_the_site(fixture_collection, tmp_path):
    from artopic_nb.export.tables import report_tables
    from artopic_nb.steps.cluster.hierarchy import labels_at_level

    s = Study(fixture_collection, cache_dir=tmp_path / "cache", progress=False)
    s.embed(embedder="color").reduce(method="pca").cluster("kmeans", n_clusters=5, level=2)
    parts = parts_of(s.export_site(tmp_path / "site").parent)
    h = parts["site"]["hierarchy"]
    assert (h["level"], h["max"], len(h["nodes"])) == (2, 4, 9)
    leaves = decode(parts["works"]["leaves"], "<i4")  # the finest clusters, the map shows level 2
    assert leaves.tolist() == s.get("curated_labels_").tolist()
    tree = s.cluster_tree_
    assert parts["works"]["labels"] == labels_at_level(leaves, tree, n_clusters=3).tolist()
    assert [n["clusters"] for n in h["nodes"]] == [list(c) for c in tree["clusters"]]
    # the report's tables as text: the same rows the report shows, counts as whole numbers
    tables = {t["key"]: t for t in parts["site"]["tables"]}
    assert list(tables) == [t["key"] for t in report_tables(s)]
    assert {"provenance", "steps", "clusters"} <= set(tables)
    clusters = tables["clusters"]
    assert clusters["columns"][:3] == ["cluster", "size", "share"]
    assert [r[1] for r in clusters["rows"]] == [str(int(v)) for v in s.cluster_summary()["size"]]
    assert all(len(r) == len(clusters["columns"]) for r in clusters["rows"])
    # one cluster: nothing to merge, no slider
    one = Study(fixture_collection, cache_dir=tmp_path / "cache", progress=False)
    one.embed(embedder="color").reduce(method="pca").cluster("kmeans", n_clusters=1)
    parts = parts_of(one.export_site(tmp_path / "one").parent)
    assert parts["site"]["hierarchy"] is None and "leaves" not in parts["works"]
