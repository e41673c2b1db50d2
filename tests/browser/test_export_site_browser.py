"""The exported static site in headless Chromium, opened from file:// exactly as a double-click
opens it: the image map drawn by the widget's renderer (many distinct colours), hover, a typed
word narrowing the grid, a facet value filtering the map, a click opening a work's record with
its rights line and source link, "Similar works" listing its neighbours, a click on the map;
no console error, and every request a file:// URL inside the site's folder. No JupyterLab."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest

pytestmark = pytest.mark.browser

RESTRICTED = (1, 4)
RIGHTS_FREE = "http://creativecommons.org/publicdomain/zero/1.0/"
RIGHTS_INC = "http://rightsstatements.org/vocab/InC/1.0/"
PAGES_DRAWN = """async () => {
    const c = document.querySelector('canvas.artopic-plot-canvas');
    const p = c && c.dataset.pages;
    if (!p || p.split('/')[0] !== p.split('/')[1]) return false;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return true;
}"""


@pytest.fixture(scope="module")
def exported(fixture_collection, tmp_path_factory):
    from artopic_nb.data.collection import ImageCollection
    from artopic_nb.pipeline.study import Study

    meta = fixture_collection.metadata.copy()
    meta["rights"] = RIGHTS_FREE
    meta.loc[list(RESTRICTED), "rights"] = RIGHTS_INC
    meta["attribution"] = "The Metropolitan Museum of Art"
    meta["url"] = [f"https://www.metmuseum.org/art/collection/search/{i}" for i in range(len(meta))]
    root = tmp_path_factory.mktemp("site")
    study = Study(ImageCollection(meta, name="fixture"), cache_dir=root / "cache", progress=False)
    study.embed(embedder="color").reduce(method="pca").cluster("kmeans", n_clusters=4)
    page = study.export_site(root / "site", similar=5)
    single = study.export_site(root / "one.html", single_file=True)
    return study, page, single


@pytest.fixture(scope="module")
def chromium(chromium_browser):
    """The session's headless Chromium (tests/browser/conftest.py): no JupyterLab needed."""
    return chromium_browser


def _open(chromium, url: str):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.problems, page.requests = [], []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("request", lambda r: page.requests.append(r.url))
    page.goto(url)
    page.wait_for_selector(".artopic-site[data-ready='1']")
    # every atlas page drawn (works without a picture stay dots, so the map's "every work on
    # screen a picture" mark, data-pictures-drawn-at, never comes for this site)
    page.wait_for_function(PAGES_DRAWN)
    return context, page


def _colours(page, selector: str) -> tuple[int, float]:
    from PIL import Image

    png = page.locator(selector).screenshot()
    px = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3) // 16
    _, counts = np.unique(px, axis=0, return_counts=True)
    return len(counts), counts.max() / counts.sum()


def _grid_ids(page) -> list[int]:
    return [int(x) for x in page.eval_on_selector_all(".artopic-site-grid .artopic-site-tile",
                                                      "ts => ts.map(t => t.dataset.id)")]


def _screen(page, xy):
    page.evaluate("() => window.scrollTo(0, 0)")  # the map at the top of the page, in view
    view = json.loads(page.locator("canvas.artopic-plot-canvas").get_attribute("data-view"))
    box = page.locator("canvas.artopic-plot-overlay").bounding_box()
    return (float(box["x"] + (xy[0] - view["cx"]) * view["scale"] + view["width"] / 2),
            float(box["y"] + view["height"] / 2 - (xy[1] - view["cy"]) * view["scale"]))


def _words(study, i: int) -> str:
    row = study.collection.metadata.loc[i]
    return " ".join(str(v) for k, v in row.items() if k not in ("path", "hash", "file_name")).lower()


def test_site_from_file_url_map_search_facets_record_similar(exported, chromium, artifacts):
    study, index, _ = exported
    folder = index.parent
    context, page = _open(chromium, index.as_uri())
    try:
        canvas = page.locator("canvas.artopic-plot-canvas")
        assert canvas.get_attribute("data-renderer") in ("webgl2", "canvas-fallback")
        distinct, top = _colours(page, ".artopic-plot-stage")
        assert distinct > 400 and top < 0.9, (distinct, top)  # pictures, not flat dots
        page.screenshot(path=str(artifacts / "export-site.png"))
        n = len(study.coords_)
        assert _grid_ids(page) == list(range(n))
        # hover: the card says the work's title, artist and date
        meta = study.collection.metadata
        target = 0
        page.mouse.move(*_screen(page, study.coords_[target]))
        page.wait_for_selector(".artopic-plot-tooltip[data-id='0']", state="visible")
        page.wait_for_function("() => document.querySelector('.artopic-plot-tooltip-title').textContent !== '#0'")
        assert page.inner_text(".artopic-plot-tooltip-title") == meta.at[0, "title"]
        assert meta.at[0, "artist"] in page.inner_text(".artopic-plot-tooltip-sub")
        page.mouse.move(2, 2)

        # search: a word some works carry narrows the grid to exactly those
        word = "saint"
        carriers = sorted(i for i in range(n) if re.search(rf"\b{word}", _words(study, i)))
        assert 0 < len(carriers) < n
        page.fill(".artopic-site-search", word)
        page.wait_for_function(f"() => document.querySelector('.artopic-site-grid').dataset.count === '{len(carriers)}'")
        assert _grid_ids(page) == carriers
        assert page.locator(".artopic-plot").get_attribute("data-filtered") == str(len(carriers))
        page.click(".artopic-site-clear")
        page.wait_for_function(f"() => document.querySelector('.artopic-site-grid').dataset.count === '{n}'")

        # a facet value filters the map and the grid; the other facets count within it
        value = "religious"
        chosen = [int(i) for i in np.flatnonzero(meta["genre"].to_numpy() == value)]
        page.click(f".artopic-site-facet-value[data-facet='genre'][data-value='{value}']")
        page.wait_for_function(f"() => document.querySelector('.artopic-plot').dataset.filtered === '{len(chosen)}'")
        assert _grid_ids(page) == chosen
        pressed = page.get_attribute(f".artopic-site-facet-value[data-value='{value}']", "aria-pressed")
        assert pressed == "true"
        page.click(".artopic-site-clear")
        page.wait_for_function("() => document.querySelector('.artopic-plot').dataset.filtered === ''")

        # a tile opens the work's record: its rights line and its source link
        work = RESTRICTED[0]
        page.click(f".artopic-site-grid .artopic-site-tile[data-id='{work}']")
        page.wait_for_selector(f".artopic-site-record[data-id='{work}'] .artopic-site-rights")
        assert page.inner_text(".artopic-site-record-title") == meta.at[work, "title"]
        rights = page.inner_text(".artopic-site-rights")
        assert RIGHTS_INC in rights and "The Metropolitan Museum of Art" in rights
        assert page.get_attribute(".artopic-site-source", "href") == meta.at[work, "url"]
        assert page.locator(".artopic-site-record img").count() == 0  # its picture is not here
        assert page.locator(f".artopic-site-grid .artopic-site-tile[data-id='{work}'] img").count() == 0

        # "Similar works" lists its neighbours, nearest first
        X = study.embeddings_ / np.linalg.norm(study.embeddings_, axis=1, keepdims=True)
        sims = X @ X[work]
        sims[work] = -np.inf
        page.click(".artopic-site-similar-btn")
        page.wait_for_selector(".artopic-site-similar .artopic-site-tile")
        shown = [int(x) for x in page.eval_on_selector_all(".artopic-site-similar .artopic-site-tile",
                                                           "ts => ts.map(t => t.dataset.id)")]
        assert len(shown) == 5 and work not in shown
        assert np.allclose(sims[shown], np.sort(sims)[::-1][:5], atol=1e-5)
        page.click(".artopic-site-close")

        # a click on a picture in the map opens its record (and rings it)
        other = 7
        page.mouse.click(*_screen(page, study.coords_[other]))
        page.wait_for_selector(".artopic-site-record:not([hidden]) .artopic-site-rights")
        opened = int(page.get_attribute(".artopic-site-record", "data-id"))
        assert page.inner_text(".artopic-site-record-title") == meta.at[opened, "title"]
        xy = study.coords_
        assert np.linalg.norm(xy[opened] - xy[other]) <= np.linalg.norm(xy - xy[other], axis=1).max() / 10
        page.click(".artopic-site-close")
        # the lasso (the map's own) selects works: the grid shows the selection
        page.click(".artopic-plot-mode[data-mode='lasso']")
        x0, y0 = _screen(page, xy.min(0))
        x1, y1 = _screen(page, xy.max(0))
        corners = [(x0 - 30, y0 + 30), (x1 + 30, y0 + 30), (x1 + 30, y1 - 30), (x0 - 30, y1 - 30)]
        page.mouse.move(*corners[0])
        page.mouse.down()
        for c in corners[1:] + corners[:1]:
            page.mouse.move(*c, steps=6)
        page.mouse.up()
        page.wait_for_function("() => document.querySelector('.artopic-site-gridlabel').textContent.startsWith('Selection')")
        assert _grid_ids(page) == list(range(n))  # around every work
        page.wait_for_timeout(300)
        assert page.problems == []
        # every request a file inside the folder (blob: URLs are the hover card's pictures,
        # made in the page from bytes it has: nothing is fetched for them)
        outside = [u for u in page.requests
                   if not u.startswith((folder.as_uri() + "/", "blob:null/"))]
        assert outside == [], outside
        assert any("/data/atlas-full-0.js" in u for u in page.requests)
    finally:
        context.close()


def test_single_file_site_draws_alone(exported, chromium):
    _, _, single = exported
    context, page = _open(chromium, single.as_uri())
    try:
        distinct, _top = _colours(page, ".artopic-plot-stage")
        assert distinct > 400
        page.fill(".artopic-site-search", "portrait")
        page.wait_for_function("() => document.querySelector('.artopic-plot').dataset.filtered !== ''")
        assert page.problems == []
        assert [u for u in page.requests if not u.startswith("blob:null/")] == [single.as_uri()]
    finally:
        context.close()


def test_hierarchy_slider_regroups_and_tables_show(exported, chromium):
    """The clusters panel's "coarser →" slider cuts the tree as study.cluster(level=L) does:
    the panel lists that level's groups with their sizes, the map takes their colours (its
    legend counts its codes), the grid shows a group's works; the report's tables are text."""
    from artopic_nb.steps.cluster.hierarchy import labels_at_level

    study, index, _ = exported
    tree = study.cluster_tree_
    leaves = study.labels_
    context, page = _open(chromium, index.as_uri())
    try:
        slider = page.locator(".artopic-site-level input")
        assert slider.get_attribute("max") == "3"

        def groups():
            return page.eval_on_selector_all(
                ".artopic-site-cluster", "bs => bs.map(b => [Number(b.dataset.cluster),"
                " Number(b.querySelector('.artopic-site-count').textContent.replace(/,/g, ''))])")
        assert len(groups()) == 4
        for level in (2, 3, 0):
            slider.fill(str(level))
            want = labels_at_level(leaves, tree, n_clusters=4 - level)
            shown = [tuple(g) for g in groups()]
            assert sorted(shown) == sorted((int(c), int((want == c).sum())) for c in np.unique(want))
            legend = page.eval_on_selector_all(  # the map's legend: from its codes
                ".artopic-plot-legend-item", "is => is.map(i => [Number(i.dataset.code),"
                " Number(i.querySelector('.artopic-plot-legend-count').textContent)])")
            assert sorted(tuple(x) for x in legend) == sorted(shown)
        slider.fill("3")
        page.click(".artopic-site-cluster")
        page.wait_for_function("() => document.querySelector('.artopic-site-grid').dataset.count"
                               f" === '{len(leaves)}'")
        tables = page.eval_on_selector_all(".artopic-site-table", "ds => ds.map(d => d.dataset.table)")
        assert {"provenance", "steps", "clusters"} <= set(tables)
        rows = page.eval_on_selector_all(".artopic-site-table[data-table='clusters'] tbody tr",
                                         "rs => rs.length")
        assert rows == 4
        assert page.problems == []
    finally:
        context.close()
