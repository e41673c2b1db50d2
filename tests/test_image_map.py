"""The image map without a browser: picture order, atlas pages, the plot's traits and
messages, the report's still image. (tests/browser/test_image_map_browser.py draws it.)"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from artopic_nb.data import atlas, picture_order
from artopic_nb.data.cache import Cache

pytest.importorskip("anywidget")

from artopic_nb.widgets import EmbeddingPlot, explore  # noqa: E402
from artopic_nb.widgets import _pictures as pictures_module  # noqa: E402
from artopic_nb.widgets import plot as plot_module  # noqa: E402

STATIC = Path(__file__).resolve().parents[1] / "artopic_nb" / "widgets" / "static"


@pytest.fixture()
def study(fixture_collection, tmp_path):
    from artopic_nb.pipeline.study import Study

    s = Study(fixture_collection, cache_dir=tmp_path / "cache", progress=False)
    s.embed(embedder="color").reduce().cluster(method="kmeans", n_clusters=3)
    return s


def _jpeg(colour, size=(64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, format="JPEG", quality=95)
    return buf.getvalue()


def _blobs(n=400, k=4, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 10, size=(k, 2))
    labels = rng.integers(0, k, size=n)
    return centres[labels] + rng.normal(0, 1, size=(n, 2)), labels


# -- which works first --------------------------------------------------------------------------
def test_medoids_match_brute_force_and_estimate_large_clusters():
    coords, labels = _blobs(300, 3)
    med = picture_order.medoids(coords, labels, sample=1000)  # every member compared: exact
    for c, i in med.items():
        members = np.flatnonzero(labels == c)
        d = np.sqrt(((coords[members, None] - coords[None, members]) ** 2).sum(-1)).sum(1)
        assert i == members[np.argmin(d)]
    est = picture_order.medoids(coords, labels, sample=16)  # estimated: a member near the middle
    for c, i in est.items():
        members = np.flatnonzero(labels == c)
        assert labels[i] == c
        spread = np.linalg.norm(coords[members] - coords[members].mean(0), axis=1)
        assert np.linalg.norm(coords[i] - coords[members].mean(0)) < np.median(spread)
    assert picture_order.medoids(coords, np.full(len(coords), -1)) == {}


def test_picture_ranks_start_with_medoids_then_spread_over_the_map():
    coords, labels = _blobs(2000, 4)
    labels[:50] = -1
    ranks = picture_order.picture_ranks(coords, labels)
    assert ranks.dtype == np.int32 and sorted(ranks.tolist()) == list(range(2000))
    order = np.argsort(ranks)
    med = picture_order.medoids(coords, labels)
    sizes = {c: int((labels == c).sum()) for c in med}
    assert order[:4].tolist() == [med[c] for c in sorted(sizes, key=lambda c: -sizes[c])]
    # any prefix is spread: the first 64 works reach far more of a 8x8 grid than 64 random ones
    lo, span = coords.min(0), np.ptp(coords, 0)

    def cells(ids):
        g = np.minimum(((coords[ids] - lo) / span * 8).astype(int), 7)
        return len({tuple(x) for x in g})

    rng = np.random.default_rng(1)
    assert cells(order[:64]) > np.mean([cells(rng.choice(2000, 64, replace=False)) for _ in range(20)])
    # no labels: still a permutation; the same input gives the same order
    plain = picture_order.picture_ranks(coords)
    assert sorted(plain.tolist()) == list(range(2000))
    np.testing.assert_array_equal(plain, picture_order.picture_ranks(coords))
    assert picture_order.picture_ranks(np.zeros((0, 2))).size == 0
    same = picture_order.picture_ranks(np.zeros((50, 2)), np.zeros(50, int))  # all at one point
    assert sorted(same.tolist()) == list(range(50))


def test_picture_boxes_are_what_the_view_computes():
    aspects = atlas.picture_aspects([400, 300, 1, 1000, 0, 3, 999], [300, 400, 1000, 1, 5, 2, 1000])
    boxes = atlas.picture_boxes(aspects, 32)
    assert boxes[:4].tolist() == [[32, 24], [24, 32], [1, 32], [32, 1]]
    assert boxes[4].tolist() == [32, 32]  # unknown size: square
    assert (boxes >= 1).all() and (boxes <= 32).all()
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the JavaScript side is not compared")
    src = (STATIC / "plot.js").read_text()
    fn = re.search(r"function pictureBox\(a, cell\) \{.*?\n\}", src, re.S).group(0)
    rng = np.random.default_rng(0)
    many = np.concatenate([aspects, rng.uniform(0.05, 20, 3000).astype(np.float32),
                           np.float32(32) / np.arange(1, 64, dtype=np.float32) + np.float32(0.5 / 64)])
    many = many.astype(np.float32)
    script = (fn + "\nconst a = new Float32Array(" + json.dumps(many.view(np.uint32).tolist())
              + ".length); new Uint32Array(a.buffer).set(" + json.dumps(many.view(np.uint32).tolist())
              + ");\nconsole.log(JSON.stringify([...a].map((x) => [pictureBox(x, 32), pictureBox(x, 128)])));")
    out = json.loads(subprocess.run([node, "-e", script], capture_output=True, text=True,
                                    check=True).stdout)
    assert [o[0] for o in out] == atlas.picture_boxes(many, 32).tolist()
    assert [o[1] for o in out] == atlas.picture_boxes(many, 128).tolist()


# -- atlas pages ----------------------------------------------------------------------------------
def test_atlas_page_places_each_work_in_its_cell_and_is_cached_by_content(tmp_path):
    colours = [(200, 30, 30), (30, 200, 30), (30, 30, 200), (220, 220, 40), (20, 20, 20)]
    sizes = [(64, 48), (48, 64), (64, 64), (64, 20), (30, 64)]
    calls = []

    def thumbs(i, size):
        calls.append((i, size))
        return _jpeg(colours[i], sizes[i])

    ids = list(range(5))
    aspects = atlas.picture_aspects([w for w, _ in sizes], [h for _, h in sizes])
    boxes = atlas.picture_boxes(aspects, 32)
    hashes = [f"h{i}" for i in ids]
    cache = Cache(tmp_path / "cache")
    data = atlas.atlas_page(thumbs, ids, boxes, hashes, cache, cell=32, page_size=128)
    page = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)
    assert page.shape == (64, 128, 3)  # 4 per row, 2 rows
    for k, colour in enumerate(colours):
        x0, y0 = (k % 4) * 32, (k // 4) * 32
        w, h = boxes[k]
        inner = page[y0 + 2:y0 + h - 2, x0 + 2:x0 + w - 2].reshape(-1, 3)
        assert np.abs(inner.mean(0) - colour).max() < 12, k
        if h < 28:  # the rest of the cell is the background
            assert np.abs(page[y0 + h + 3:y0 + 30, x0 + 2:x0 + 30].reshape(-1, 3).mean(0) - 238).max() < 12
    assert len(calls) == 5 and {s for _, s in calls} == {atlas.ATLAS_SOURCE}
    # the same works again: from memory, then from disk, nothing decoded
    memory = atlas.page_memory()
    assert atlas.atlas_page(thumbs, ids, boxes, hashes, cache, cell=32, page_size=128,
                            memory=memory) == data
    assert len(memory) == 1 and len(calls) == 5
    (tmp_path / "cache").rename(tmp_path / "moved")  # from memory alone
    assert atlas.atlas_page(thumbs, ids, boxes, hashes, cache, cell=32, page_size=128,
                            memory=memory) == data
    (tmp_path / "moved").rename(tmp_path / "cache")
    assert atlas.atlas_page(thumbs, ids, boxes, hashes, cache, cell=32, page_size=128) == data
    assert len(calls) == 5
    assert len(list((tmp_path / "cache" / "atlases").rglob("*.jpg"))) == 1
    # other works (another hash) are another page; a damaged page on disk is rebuilt
    atlas.atlas_page(thumbs, ids, boxes, hashes[:4] + ["other"], cache, cell=32, page_size=128)
    assert len(calls) == 10
    for f in (tmp_path / "cache" / "atlases").rglob("*.jpg"):
        f.write_bytes(f.read_bytes()[:100])
    with pytest.warns(RuntimeWarning, match="damaged"):
        again = atlas.atlas_page(thumbs, ids, boxes, hashes, cache, cell=32, page_size=128)
    assert again == data and len(calls) == 15
    # an unreadable thumbnail is a blank square, not an error; too many works is an error
    blank = atlas.atlas_page(lambda i, s: b"not a jpeg", [0], boxes[:1], cell=32, page_size=128)
    assert np.abs(np.asarray(Image.open(io.BytesIO(blank)).convert("RGB")).astype(int) - 238).max() < 12
    with pytest.raises(ValueError, match="do not fit"):
        atlas.atlas_page(thumbs, list(range(17)), np.ones((17, 2), int), cell=32, page_size=128)


def test_reduced_pages_put_each_work_in_its_small_square(tmp_path):
    colours = [((37 * i) % 256, (91 * i) % 256, (153 * i) % 256) for i in range(40)]
    sizes = [(64, 48) if i % 3 else (40, 64) for i in range(40)]
    boxes = atlas.picture_boxes(atlas.picture_aspects([w for w, _ in sizes], [h for _, h in sizes]), 32)

    def full(k):  # 16 works a page of 128 px
        ids = list(range(k * 16, min(40, (k + 1) * 16)))
        return atlas.atlas_page(lambda i, s: _jpeg(colours[i], sizes[i]), ids, boxes[ids],
                                cell=32, page_size=128)

    data = atlas.reduced_page(full, 40, 0, cell=32, page_size=128, mini_cell=8, mini_size=64)
    page = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)
    assert page.shape == (40, 64, 3)  # 8 a row, 5 rows
    small = atlas.picture_boxes(atlas.picture_aspects([w for w, _ in sizes], [h for _, h in sizes]), 8)
    for i, colour in enumerate(colours):
        x, y = (i % 8) * 8, (i // 8) * 8
        w, h = small[i]
        inner = page[y + 1:y + h - 1, x + 1:x + w - 1].reshape(-1, 3)
        assert np.abs(inner.mean(0) - colour).max() < 25, i
    second = atlas.reduced_page(full, 40, 1, cell=32, page_size=128, mini_cell=8, mini_size=32)
    second = np.asarray(Image.open(io.BytesIO(second)).convert("RGB")).astype(int)
    assert second.shape == (32, 32, 3)  # works 16..31, 4 a row
    assert np.abs(second[2:5, 2:5].reshape(-1, 3).mean(0) - colours[16]).max() < 25
    with pytest.raises(ValueError, match="does not reduce"):
        atlas.reduced_page(full, 40, cell=32, page_size=128, mini_cell=6)


# -- the plot -------------------------------------------------------------------------------------
def test_image_map_traits_and_atlas_pages(study):
    plot = EmbeddingPlot.from_study(study, draw="images")
    n = len(study.collection)
    meta = study.collection.metadata
    assert plot.draw == "images" and plot.debug is False
    np.testing.assert_allclose(np.frombuffer(plot.aspects, np.float32),
                               (meta["width"] / meta["height"]).to_numpy(), rtol=1e-6)
    ranks = np.frombuffer(plot.ranks, np.int32)
    assert sorted(ranks.tolist()) == list(range(n))
    np.testing.assert_array_equal(np.frombuffer(plot.atlas_ids, np.int32), np.arange(n))
    reply, buffers = plot.handle_request({"type": "atlas", "page": 0, "req": 7})
    assert reply == {"type": "atlas", "req": 7, "page": 0, "level": "full",
                     "version": plot.atlas_version}
    page = Image.open(io.BytesIO(buffers[0])).convert("RGB")
    per_row = plot.atlas_page_size // plot.atlas_cell
    assert page.size == (plot.atlas_page_size, -(-n // per_row) * plot.atlas_cell)
    # work 3's square holds work 3's picture
    boxes = atlas.picture_boxes(np.frombuffer(plot.aspects, np.float32), plot.atlas_cell)
    w, h = boxes[3]
    cell = np.asarray(page.crop((3 * 32, 0, 3 * 32 + w, h))).astype(float)
    thumb = np.asarray(study.collection.thumbnail(3, 64).resize((w, h))).astype(float)
    assert np.abs(cell - thumb).mean() < 12
    # the far view's page: every work in an 8-px square
    reply, buffers = plot.handle_request({"type": "atlas", "page": 0, "level": "mini"})
    mini = Image.open(io.BytesIO(buffers[0]))
    per_row = plot.mini_page_size // plot.mini_cell
    assert reply["level"] == "mini" and mini.size == (plot.mini_page_size, -(-n // per_row) * plot.mini_cell)
    with pytest.raises(ValueError, match="level"):
        plot.atlas_page(0, "huge")
    # a page that does not exist: the reply says why, the view draws dots for it
    reply, buffers = plot.handle_request({"type": "atlas", "page": 5})
    assert "IndexError" in reply["error"] and buffers == [b""]
    # thumbs requests still work (hover card)
    reply, _ = plot.handle_request({"type": "thumbs", "ids": [1], "info": True})
    assert reply["ids"] == [1] and reply["info"][0]["id"] == "1"


def test_draw_is_checked_and_points_stay_light(study):
    coords = study.coords_
    with pytest.raises(Exception, match="thumbnails"):
        EmbeddingPlot(coords, draw="images")
    with pytest.raises(Exception, match="draw must be one of"):
        EmbeddingPlot.from_study(study, draw="pictures")
    dots = EmbeddingPlot.from_study(study)
    assert dots.draw == "points" and dots.aspects == b"" and dots.ranks == b""
    dots.draw = "images"  # switched later: the pictures are prepared then
    assert len(np.frombuffer(dots.ranks, np.int32)) == len(coords)
    assert dots.atlas_version == 1


def test_large_maps_keep_the_most_representative_works_in_the_atlas(monkeypatch):
    monkeypatch.setattr(pictures_module, "ATLAS_ALL", 100)
    monkeypatch.setattr(pictures_module, "ATLAS_LARGE", 40)
    coords, labels = _blobs(300, 3)
    plot = EmbeddingPlot(coords, labels, thumbnails=lambda i, s: _jpeg((i % 255, 0, 0)),
                         draw="images")
    ranks = np.frombuffer(plot.ranks, np.int32)
    ids = np.frombuffer(plot.atlas_ids, np.int32)
    assert sorted(ranks[ids].tolist()) == list(range(40))
    # a re-clustering changes the order of pictures, not the atlas (no page is rebuilt)
    version = plot.atlas_version
    plot.set_labels((coords[:, 0] > 0).astype(int))
    assert not np.array_equal(np.frombuffer(plot.ranks, np.int32), ranks)
    np.testing.assert_array_equal(np.frombuffer(plot.atlas_ids, np.int32), ids)
    assert plot.atlas_version == version


def test_cluster_names_at_centroids(study, monkeypatch):
    plot = EmbeddingPlot.from_study(study, draw="images")
    labels = study.labels_
    by_code = {d["code"]: d for d in plot.cluster_labels}
    assert sorted(by_code) == sorted(set(labels.tolist()) - {-1})
    for c, d in by_code.items():
        assert d["text"] == str(c)
        np.testing.assert_allclose([d["x"], d["y"]], study.coords_[labels == c].mean(0), rtol=1e-5)
    plot.set_cluster_names({0: "saints", 2: "ports"})
    texts = {d["code"]: d["text"] for d in plot.cluster_labels}
    assert texts == {0: "saints", 1: "1", 2: "ports"}
    assert plot.categories[:3] == ["0: saints", "cluster 1", "2: ports"]
    # a study with names (another step adds them) shows them from the start
    real_get = study.get
    monkeypatch.setattr(study, "get", lambda name, default=None: ["a", "b", "c"]
                        if name == "cluster_names_" else real_get(name, default))
    named = EmbeddingPlot.from_study(study)
    assert [d["text"] for d in sorted(named.cluster_labels, key=lambda d: d["code"])] == ["a", "b", "c"]
    assert atlas.cluster_name_map(None) == {}
    with pytest.raises(ValueError, match="cluster"):
        atlas.cluster_name_map(__import__("pandas").DataFrame({"x": [1]}))


def test_explorer_draws_pictures_by_default(study):
    ex = explore(study)
    assert ex.plot.draw == "images"
    assert plot_module.has_pictures(study)

    class NoPictures:
        collection = None

    assert not plot_module.has_pictures(NoPictures())


def test_view_hooks_only_in_debug():
    src = (STATIC / "plot.js").read_text()
    assert "__artopic" not in src  # no globals for tests or benchmarks
    calls = [m.start() for m in re.finditer(r"\bchecksum\(\w*\)", src)]  # checksum(s) in the bundle
    assert calls and all('model.get("debug")' in src[max(0, k - 80):k] for k in calls
                         if not src[max(0, k - 9):k].endswith("function "))


# -- a still image ---------------------------------------------------------------------------------
def test_map_image_draws_pictures_frames_and_names(study):
    col = study.collection
    meta = col.metadata

    def thumbs(i, s):
        return col.thumbnail_bytes(i, s, cache=study.cache)

    im = atlas.map_image(thumbs, study.coords_, study.labels_, widths=meta["width"],
                         heights=meta["height"], size=(600, 400))
    assert im.size == (600, 400)
    pixels = np.asarray(im).reshape(-1, 3)
    assert len(np.unique(pixels // 8, axis=0)) > 500  # pictures, not a few flat colours
    named = atlas.map_image(thumbs, study.coords_, study.labels_, widths=meta["width"],
                            heights=meta["height"], size=(600, 400), names={0: "A long name"})
    assert np.abs(np.asarray(named).astype(int) - np.asarray(im).astype(int)).sum() > 0
    blank = atlas.map_image(thumbs, np.zeros((0, 2)), None, size=(50, 40))
    assert np.asarray(blank).min() == 255


def test_report_has_the_map_with_its_pictures(study, tmp_path, monkeypatch):
    import base64

    from artopic_nb.export import figure  # without matplotlib the report keeps the still image

    monkeypatch.setattr(figure, "plot_map", lambda *a, **k: (_ for _ in ()).throw(ImportError()))
    html = study.to_html(tmp_path / "report.html").read_text()
    m = re.search(r'<img class="map" src="data:image/jpeg;base64,([^"]+)"', html)
    assert m and "<h2>Map</h2>" in html
    im = Image.open(io.BytesIO(base64.b64decode(m.group(1))))
    assert im.size == (1100, 720)
    assert len(np.unique(np.asarray(im.convert("RGB")).reshape(-1, 3) // 8, axis=0)) > 500


def test_explorer_shows_cluster_names_when_the_study_gets_them(study, monkeypatch):
    ex = explore(study)
    assert sorted(d["text"] for d in ex.plot.cluster_labels) == ["0", "1", "2"]
    real_get = study.get
    monkeypatch.setattr(study, "get", lambda name, default=None: {1: "harbours"}
                        if name == "cluster_names_" else real_get(name, default))
    study.recluster(method="kmeans", n_clusters=3)
    assert ex.link.errors == []
    assert {d["code"]: d["text"] for d in ex.plot.cluster_labels}[1] == "harbours"
    assert ex.plot.categories[1] == "1: harbours"
