"""Widgets without a browser: traits, simulated front-end updates, links, re-clustering."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("anywidget")

from artopic_nb.widgets import CaptionViewer, ClusterGrid, EmbeddingPlot, Explorer, charts, explore
from artopic_nb.widgets.plot import color_codes  # noqa: E402

STATIC = Path(__file__).resolve().parents[1] / "artopic_nb" / "widgets" / "static"
XSS_TITLE = '<img src=x onerror="window.__xss=1">'


@pytest.fixture()
def study(fixture_collection, tmp_path):
    from artopic_nb.pipeline.study import Study

    s = Study(fixture_collection, cache_dir=tmp_path / "cache", progress=False)
    s.embed(embedder="color").reduce().cluster(method="kmeans", n_clusters=3).sample(per_cluster=2)
    return s


def _decode(plot: EmbeddingPlot):
    return (np.frombuffer(plot.coords, np.float32).reshape(-1, 2),
            np.frombuffer(plot.codes, np.int32))


def _checksum(codes: np.ndarray) -> int:  # the front end's data-codes-checksum
    i = np.arange(len(codes))
    return int(((codes.astype(np.int64) + 2) * (i % 1000 + 1)).sum())


# -- EmbeddingPlot ----------------------------------------------------------------------------
def test_plot_binary_buffers_and_defaults():
    rng = np.random.default_rng(0)
    coords = rng.normal(size=(1000, 2))
    labels = rng.integers(-1, 5, size=1000)
    plot = EmbeddingPlot(coords, labels)
    xy, codes = _decode(plot)
    assert isinstance(plot.coords, bytes) and isinstance(plot.codes, bytes)
    assert plot.n_points == 1000 and xy.dtype == np.float32
    np.testing.assert_allclose(xy, coords.astype(np.float32))
    np.testing.assert_array_equal(codes, np.where(labels < 0, -1, labels))
    assert plot.color_by == "cluster" and plot.color_options == ["cluster"]
    assert plot.categories == [f"cluster {c}" for c in range(5)]
    assert plot.noise_label == "noise" and plot.noise_count == int((labels < 0).sum())
    assert sum(plot.counts) + plot.noise_count == 1000
    assert plot.selected_ids == [] and plot.highlighted_ids == [] and plot.hidden_categories == []
    # the state crosses the wire as binary buffers, not JSON lists
    state = plot.get_state()
    assert isinstance(state["coords"], bytes | memoryview) and isinstance(state["codes"], bytes | memoryview)


def test_plot_rejects_unknown_kwargs_and_bad_shapes():
    with pytest.raises(TypeError, match="colour_by.*did you mean 'color_by'"):
        EmbeddingPlot(np.zeros((3, 2)), colour_by="cluster")
    with pytest.raises(ValueError, match="shape"):
        EmbeddingPlot(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="labels"):
        EmbeddingPlot(np.zeros((3, 2)), labels=[0, 1])
    with pytest.raises(TypeError):
        ClusterGrid([0, 1], pagesize=3)
    with pytest.raises(TypeError):
        CaptionViewer(None, artwork=3)


def test_plot_color_by_metadata_genre_and_predictions(study):
    preds = pd.DataFrame({"id": [0, 1, 2], "model": ["m1", "m1", "m1"],
                          "predicted": ["landscape", "portrait", "landscape"],
                          "known": ["a", "b", "c"]})
    plot = EmbeddingPlot(study.coords_, study.labels_, metadata=study.collection.metadata,
                         genre_predictions=preds)
    assert plot.color_options[:3] == ["cluster", "genre", "predicted: m1"]
    assert "path" not in plot.color_options and "hash" not in plot.color_options
    plot.color_by = "genre"
    genres = study.collection.metadata["genre"]
    assert plot.categories == sorted(genres.dropna().unique())
    codes = _decode(plot)[1]
    assert [plot.categories[c] for c in codes] == list(genres)
    v = plot.data_version
    plot.set_state({"color_by": "predicted: m1"})  # the front end's colour menu
    assert plot.data_version > v
    assert plot.categories == ["landscape", "portrait"] and plot.noise_label == "not predicted"
    assert list(_decode(plot)[1][:4]) == [0, 1, 0, -1]
    with pytest.raises(Exception, match="color_by must be one of"):
        plot.color_by = "nope"


def test_color_codes_numeric_bins_and_many_categories():
    codes, cats, _ = color_codes(pd.Series(np.arange(100.0)))
    assert len(cats) == 6 and codes.min() == 0 and codes.max() == 5
    values = pd.Series([f"artist {i}" for i in range(40)] + [None])
    codes, cats, missing = color_codes(values)
    assert len(cats) == 20 and cats[-1] == "other" and codes[-1] == -1 and missing == "missing"


def test_plot_frontend_updates_and_hidden_categories():
    plot = EmbeddingPlot(np.zeros((10, 2)), np.arange(10) % 3)
    plot.set_state({"selected_ids": [1, 4], "hidden_categories": [2, -1],
                    "rendered_points": 10, "rendered_version": plot.data_version})
    assert plot.selected_ids == [1, 4] and plot.hidden_categories == [2, -1]
    assert plot.rendered_points == 10
    plot.set_labels(np.arange(10) % 2)  # a re-clustering resets the legend toggles
    assert plot.hidden_categories == [] and plot.selected_ids == [1, 4]
    assert plot.categories == ["cluster 0", "cluster 1"]


def test_plot_thumbnail_request_is_binary_and_has_info():
    meta = pd.DataFrame({"title": ["a", XSS_TITLE], "artist": ["x", "y"]})
    plot = EmbeddingPlot(np.zeros((2, 2)), [0, -1], metadata=meta,
                         thumbnails=lambda i, size: bytes([i]) * (size // 32))
    reply, buffers = plot.handle_request({"type": "thumbs", "ids": [1, 0, 99], "size": 128,
                                          "info": True, "req": 7})
    assert reply["ids"] == [1, 0] and reply["lengths"] == [4, 4] and reply["req"] == 7
    assert buffers == [b"\x01" * 4 + b"\x00" * 4]
    assert reply["info"][0]["title"] == XSS_TITLE  # travels as plain data
    assert reply["info"][0]["group"] == "noise" and reply["info"][1]["group"] == "cluster 0"
    assert plot.handle_request({"type": "other"}) == (None, [])


def test_plot_100k_points_state_is_small():
    rng = np.random.default_rng(0)
    plot = EmbeddingPlot(rng.normal(size=(100_000, 2)), rng.integers(-1, 30, 100_000))
    assert len(plot.coords) == 800_000 and len(plot.codes) == 400_000
    assert plot.rendered_points == 0


# -- ClusterGrid and CaptionViewer ------------------------------------------------------------
def test_grid_clusters_pages_selection_and_click(study):
    grid = ClusterGrid.from_study(study, page_size=4)
    sizes = np.bincount(study.labels_)
    assert [c["size"] for c in grid.clusters] == list(sizes)
    assert grid.source == "cluster" and grid.cluster == 0 and grid.total == sizes[0]
    assert len(grid.tiles) == min(4, sizes[0])
    sampled = set(study.samples_["id"])
    assert all(t["sampled"] == (t["id"] in sampled) for t in grid.tiles)
    grid.set_state({"page": 1})
    assert [t["id"] for t in grid.tiles] == grid.ids[4:8]
    grid.set_state({"cluster": 2})  # picker: back to page 0
    assert grid.page == 0 and grid.ids == list(np.flatnonzero(study.labels_ == 2))
    grid.show_selection([5, 3, 9])
    assert grid.source == "selection" and [t["id"] for t in grid.tiles] == [5, 3, 9]
    assert grid.selection_size == 3
    grid.show_selection([])
    assert grid.source == "cluster"
    grid.set_state({"selected_id": 3})
    assert grid.selected_id == 3
    reply, buffers = grid.handle_request({"type": "thumbs", "ids": [0, 1], "size": 128})
    assert buffers[0][:2] == b"\xff\xd8" and sum(reply["lengths"]) == len(buffers[0])


def test_viewer_record_with_two_models_and_navigation(study):
    desc = pd.DataFrame({
        "id": [4, 4, 4, 4], "model": ["A", "A", "B", "B"],
        "prompt": ["caption", "description", "caption", "description"],
        "text": ["cap A", "desc A", "cap B", "desc B"], "seconds": 0.1, "tokens": 5,
    })
    preds = pd.DataFrame({"id": [4, 4], "model": ["A", "B"], "predicted": ["portrait", "x"],
                          "known": ["portrait", "portrait"]})
    study.descriptions_ = desc
    study.genre_predictions_ = preds
    viewer = CaptionViewer.from_study(study)
    assert viewer.record == {} and viewer.image == b""
    viewer.show(4, sequence=[2, 4, 6], label="cluster 1")
    r = viewer.record
    assert r["id"] == 4 and r["title"] == study.collection.metadata.at[4, "title"]
    assert [(m["model"], m["caption"], m["description"], m["predicted"]) for m in r["models"]] \
        == [("A", "cap A", "desc A", "portrait"), ("B", "cap B", "desc B", "x")]
    assert r["known_genre"] == study.collection.metadata.at[4, "genre"]
    assert viewer.image[:2] == b"\xff\xd8"
    viewer.step(1)
    assert viewer.artwork_id == 6 and viewer.record["models"] == []
    viewer.step(1)
    assert viewer.artwork_id == 2
    viewer.set_state({"artwork_id": 4})  # the front end's previous / next
    assert viewer.record["id"] == 4


def test_viewer_without_descriptions(study):
    assert "descriptions_" not in study.__dict__
    viewer = CaptionViewer.from_study(study, artwork_id=1)
    assert viewer.record["models"] == [] and viewer.record["cluster"] == int(study.labels_[1])


# -- Explorer: links, re-clustering, unlink, errors -------------------------------------------
def test_explorer_links_selection_grid_viewer(study):
    ex = explore(study)
    assert isinstance(ex, Explorer)
    ex.plot.set_state({"selected_ids": [2, 7, 11]})  # a box selection in the browser
    assert ex.grid.source == "selection" and [t["id"] for t in ex.grid.tiles] == [2, 7, 11]
    assert ex.viewer.sequence == [2, 7, 11] and ex.viewer.artwork_id == 2
    ex.grid.set_state({"selected_id": 7})  # a click on a tile
    assert ex.viewer.artwork_id == 7 and ex.plot.highlighted_ids == [7]
    assert ex.viewer.record["id"] == 7
    ex.viewer.set_state({"artwork_id": 11})  # "next" in the viewer
    assert ex.plot.highlighted_ids == [11] and ex.grid.selected_id == 11
    assert ex.link.errors == []


def test_explorer_recluster_updates_every_view_without_rebuilding(study):
    ex = explore(study)
    plot, grid, viewer = ex.plot, ex.grid, ex.viewer
    ex.grid.set_state({"selected_id": 5})
    version = plot.data_version
    ex.method.value = "kmeans"
    ex.n_clusters.value = 5  # the control calls study.recluster(...)
    assert (ex.plot, ex.grid, ex.viewer) == (plot, grid, viewer)  # same widgets
    assert study.params_["cluster"]["n_clusters"] == 5
    labels = study.labels_
    assert len(set(labels)) == 5
    assert plot.data_version > version
    np.testing.assert_array_equal(_decode(plot)[1], labels)
    assert plot.categories == [f"cluster {c}" for c in range(5)]
    assert [c["size"] for c in grid.clusters] == list(np.bincount(labels))
    assert viewer.record["cluster"] == int(labels[5])
    assert "5 clusters" in ex.status.value and ex.last_timing["kernel_ms"] > 0
    # a re-clustering in another cell reaches the views too
    study.recluster(n_clusters=3)
    np.testing.assert_array_equal(_decode(plot)[1], study.labels_)
    assert len(grid.clusters) == 3
    # ... and so do the controls and the status line, without re-clustering again
    assert ex.n_clusters.value == 3 and "3 clusters" in ex.status.value
    study.recluster(method="hdbscan", min_cluster_size=4)
    assert ex.method.value == "hdbscan" and ex.min_cluster_size.value == 4
    assert not ex.min_cluster_size.disabled and ex.n_clusters.disabled
    assert study.params_["cluster"]["min_cluster_size"] == 4
    assert ex.link.errors == []


def test_explorer_hdbscan_controls_and_noise(study):
    ex = explore(study)
    ex.method.value = "hdbscan"
    assert ex.n_clusters.disabled and not ex.min_cluster_size.disabled
    ex.min_cluster_size.value = 3
    assert study.params_["cluster"]["method"] == "hdbscan"
    assert study.params_["cluster"]["min_cluster_size"] == 3
    np.testing.assert_array_equal(_decode(ex.plot)[1], np.where(study.labels_ < 0, -1, study.labels_))
    assert ex.link.errors == []


def test_unlink_stops_updates(study):
    ex = explore(study)
    ex.unlink()
    codes = ex.plot.codes
    study.recluster(n_clusters=2)
    assert ex.plot.codes == codes  # the study's hook is gone
    ex.plot.set_state({"selected_ids": [1, 2]})
    assert ex.grid.source == "cluster"
    ex.grid.set_state({"selected_id": 3})
    assert ex.viewer.artwork_id == -1 and ex.plot.highlighted_ids == []
    ex.n_clusters.value = 4  # controls unhooked as well
    assert study.params_["cluster"]["n_clusters"] == 2
    assert study.runner.listeners == ()


def test_errors_in_callbacks_are_shown_not_swallowed(study, monkeypatch):
    ex = explore(study)

    def broken(**_params):
        raise RuntimeError("the clustering broke")

    monkeypatch.setattr(study, "recluster", broken)
    ex.min_cluster_size.value = 4
    ex.method.value = "agglomerative"
    assert len(ex.link.errors) >= 1 and "the clustering broke" in ex.link.errors[-1]
    outputs = ex.errors.outputs
    assert outputs and "the clustering broke" in outputs[-1]["text"]
    assert "failed" in ex.status.value


def test_explorer_needs_a_clustered_study(fixture_collection):
    from artopic_nb.pipeline.study import Study

    s = Study(fixture_collection, cache_dir=None, progress=False)
    with pytest.raises(ValueError, match="reduce"):
        explore(s)


# -- data stays data: no HTML injection ---------------------------------------------------------
def test_malicious_title_travels_as_plain_data(study):
    study.collection.metadata.loc[3, "title"] = XSS_TITLE
    ex = explore(study)
    ex.grid.show_selection([3])
    assert ex.grid.tiles[0]["title"] == XSS_TITLE
    ex.grid.set_state({"selected_id": 3})
    assert ex.viewer.record["title"] == XSS_TITLE
    reply, _ = ex.plot.handle_request({"type": "thumbs", "ids": [3], "info": True})
    assert reply["info"][0]["title"] == XSS_TITLE


def test_js_never_uses_innerhtml_or_cdn_imports():
    sources = {p.name: p.read_text() for p in STATIC.glob("*.js")}
    assert {"plot.js", "grid.js", "captions.js"} <= set(sources)
    for name, src in sources.items():
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", src), name
        assert not re.search(r"""import\s.*from\s+["']https?:""", src), name
        # every file is a view (esbuild writes `export { x as default }`)
        assert re.search(r"export default|\bas default\b", src) and "model.off" in src, name
    for css in STATIC.glob("*.css"):
        for line in css.read_text().splitlines():
            if "{" in line:  # every rule is scoped under the widget's class
                assert line.lstrip().startswith(".artopic-"), (css.name, line)


def test_esm_is_read_from_the_package_not_the_working_directory(tmp_path, monkeypatch):
    from artopic_nb.widgets._base import STATIC as package_static

    assert package_static.is_absolute()
    monkeypatch.chdir(tmp_path)
    for cls, name in ((EmbeddingPlot, "plot"), (ClusterGrid, "grid"), (CaptionViewer, "captions")):
        # the file itself (a path, so anywidget can reload the view when it changes)
        assert str(cls._esm) == (STATIC / f"{name}.js").read_text()
        assert Path(cls._esm._path) == STATIC / f"{name}.js"
        assert str(cls._css) == (STATIC / f"{name}.css").read_text()
        src = (STATIC / f"{name}.js").read_text()  # the helpers each view needs are in its file
        assert "function u8(" in src and "function el_(" in src, name
    assert not (STATIC / "_shared.js").exists()


# -- charts -------------------------------------------------------------------------------------
def test_charts_build_and_serialise(study):
    labels = np.array([0, 0, 1, -1, 2, 2, 2])
    spec = charts.cluster_sizes(labels).to_dict()
    values = spec["datasets"][next(iter(spec["datasets"]))]
    assert {v["cluster"]: v["works"] for v in values} == {"cluster 0": 2, "cluster 1": 1,
                                                         "cluster 2": 3, "noise": 1}
    assert charts.cluster_sizes(study).to_dict()["mark"]["type"] == "bar"
    kw = pd.DataFrame({"cluster": [0, 0, 0, 1], "term": ["gold", "saint", "red", "sea"],
                       "score": [0.5, 0.3, 0.1, 0.9]})
    kspec = charts.keywords(kw, top_k=2).to_dict()
    kvalues = kspec["datasets"][next(iter(kspec["datasets"]))]
    assert sorted(v["term"] for v in kvalues) == ["gold", "saint", "sea"]
    with pytest.raises(ValueError, match="term"):
        charts.keywords(pd.DataFrame({"cluster": [0]}))
    conf = pd.DataFrame([[3, 1], [0, 2]], index=["portrait", "landscape"],
                        columns=["portrait", "landscape"])
    cspec = charts.confusion_matrix(conf).to_dict()
    assert len(cspec["layer"]) == 2
    long = pd.DataFrame({"known": ["a", "a"], "predicted": ["a", "b"], "count": [1, 3]})
    charts.confusion_matrix(long, normalize=False).to_dict()


def test_jupyter_chart_is_offline():
    import altair as alt

    pytest.importorskip("vl_convert")
    chart = charts.jupyter_chart(charts.cluster_sizes([0, 1, 1]))
    assert isinstance(chart, alt.JupyterChart)
    esm = alt.JupyterChart._esm
    assert "cdn.jsdelivr" not in esm and "https://" not in esm[:2000]


def test_rights_travel_with_every_work_to_the_grid_and_the_report(study, tmp_path):
    from artopic_nb.widgets import ClusterGrid

    meta = study.collection.metadata.copy()
    meta["rights"] = "http://creativecommons.org/publicdomain/zero/1.0/"
    meta["attribution"] = "Courtesy of a museum"
    grid = ClusterGrid(study.labels_, metadata=meta)
    assert all(t["rights"].startswith("http://creativecommons.org") for t in grid.tiles)
    assert "Courtesy of a museum" in grid.tiles[0]["rights"]
    plain = ClusterGrid(study.labels_, metadata=study.collection.metadata)
    assert all(t["rights"] == "" for t in plain.tiles)
