"""Asking a study: study.search / similar / where / facets, and the explorer's ask panel
(search box -> grid and map, facets -> mask and query string, similar works from the viewer)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from artopic_nb.pipeline.study import Study
from artopic_nb.query import exact_search


@pytest.fixture(scope="module")
def study(fixture_collection, tmp_path_factory):
    s = Study(fixture_collection, cache_dir=tmp_path_factory.mktemp("ask_cache"), progress=False)
    s.embed(embedder="color").reduce().cluster(method="kmeans", n_clusters=3)
    s.descriptions_ = pd.DataFrame([
        {"id": i, "model": "model-A", "prompt": "description", "seconds": 0.1, "tokens": 9,
         "text": "a ship on a grey sea" if i % 5 == 0 else f"a quiet scene, work {i}"}
        for i in range(len(fixture_collection))])
    return s


def _saints(study) -> list[int]:
    titles = study.collection.metadata["title"]
    return sorted(np.flatnonzero(titles.str.contains("Saint")).tolist())


def test_search_words_in_titles_and_descriptions(study):
    found = study.search("saint", over="words")
    assert sorted(found["id"]) == _saints(study)
    assert list(found.columns) == ["id", "score", "matched", "snippet", "over", "title"]
    assert set(found["matched"]) == {"title"} and found["title"].str.contains("Saint").all()
    ships = study.search("ships", top_k=50, over="words")  # stemmed: "ship" in descriptions
    assert sorted(ships["id"]) == [i for i in range(len(study.collection)) if i % 5 == 0]
    assert set(ships["matched"]) == {"description"}
    assert ships["snippet"].str.contains("«ship»").all()


def test_nonsense_finds_nothing_and_says_so(study, capsys, tmp_path):
    """Meaning search keeps only what is closer than chance (real MiniLM, offline)."""
    study = Study(study.collection, cache_dir=tmp_path, progress=False)  # a cache of its own
    study.embed(embedder="color")
    study.descriptions_ = pd.DataFrame([
        {"id": i, "model": "model-A", "prompt": "description", "seconds": 0.1, "tokens": 9,
         "text": "a ship on a grey sea" if i % 5 == 0 else f"a quiet scene, work {i}"}
        for i in range(len(study.collection))])
    found = study.search("xyzzy")
    assert found.empty and "nothing matches 'xyzzy'" in found.attrs["note"]
    assert "no work has these words" in capsys.readouterr().out
    ships = study.search("a boat on the water", over="texts")
    assert len(ships) and set(ships["id"]) <= {0, 5, 10, 15, 20}
    assert ships["score"].gt(study.asking._text_index().floor).all()
    assert set(ships["matched"]) == {"description"}


def test_search_all_fuses_what_can_run_and_says_what_cannot(study, monkeypatch):
    class Encoder:  # meaning by shared words, so that no model is loaded here
        model_id = "test-words"

        def encode(self, texts, **_):
            return np.array([[t.count("ship") + 0.1, t.count("quiet") + 0.1] for t in texts])

    import artopic_nb.query.meaning as meaning

    monkeypatch.setattr(meaning, "load_sentence_encoder", lambda model=None: Encoder())
    study.asking.clear()
    found = study.search("ship", top_k=5)
    assert found.attrs["over"] == ["words", "texts"]
    assert "cannot search images by text" in found.attrs["skipped"]["images"]
    assert set(found["id"]) <= {0, 5, 10, 15, 20} and len(found) == 5
    assert (found["score"].diff().dropna() <= 0).all()
    texts = study.search("ship", top_k=3, over="texts")
    assert texts["over"].eq("texts").all() and set(texts["id"]) <= {0, 5, 10, 15, 20}
    with pytest.raises(ValueError, match="cannot search images by text"):
        study.search("ship", over="images")
    with pytest.raises(ValueError, match="over must be one of"):
        study.search("ship", over="pixels")
    study.asking.clear()


def test_similar_leaves_the_work_out_and_matches_exact_search(study, fixture_collection):
    X = study.embeddings_
    near = study.similar(3, top_k=5)
    assert 3 not in near["id"].tolist() and len(near) == 5
    truth, scores = exact_search(X, X[3], 5, exclude=[3])
    assert near["id"].tolist() == truth[0].tolist()
    np.testing.assert_allclose(near["score"], scores[0], rtol=1e-5)
    # its image file: the same answer (the work has the same bytes, so it is left out too)
    by_file = study.similar(str(fixture_collection.paths[3]), top_k=5)
    assert by_file["id"].tolist() == near["id"].tolist()
    with pytest.raises(ValueError, match="ids run from 0"):
        study.similar(len(X))


def test_similar_by_a_pil_image_finds_the_work_first(study, fixture_collection):
    from PIL import Image

    image = Image.open(fixture_collection.paths[7]).convert("RGB")
    assert study.similar(image, top_k=1)["id"].tolist() == [7]


def test_where_as_frame_mask_and_query_string(study):
    meta = study.collection.metadata
    portraits = np.flatnonzero(meta["genre"] == "portrait").tolist()
    rows = study.where(genre=["portrait"])
    assert rows.index.tolist() == portraits
    mask = study.where(genre=["portrait"], as_mask=True)
    assert mask.dtype == bool and np.flatnonzero(mask).tolist() == portraits
    query = study.where_query(genre=["portrait"], date=(1500, 1900))
    assert query == "genre in ['portrait'] and date_start <= 1900 and date_end >= 1500"
    both = study.where(genre=["portrait"], date=(1500, 1900))
    assert study.where(query).index.tolist() == both.index.tolist()
    assert study.where().shape[0] == len(meta)
    facets = study.facets({"genre": ["portrait"]})
    assert facets["genre"].counts.to_dict() == meta["genre"].value_counts().to_dict()
    assert facets["date"].count == len(portraits)


def test_indexes_are_rebuilt_when_the_descriptions_change(study):
    before = study.search("ship", top_k=50, over="words")
    old = study.descriptions_
    try:
        study.descriptions_ = old.assign(text=old["text"].str.replace("ship", "boat"))
        assert study.search("ship", over="words").empty
    finally:
        study.descriptions_ = old
    pd.testing.assert_frame_equal(study.search("ship", top_k=50, over="words"), before)


def test_ask_panel_drives_the_grid_and_the_map(study):
    from artopic_nb.widgets import explore

    ex = explore(study)
    panel = ex.ask
    panel.search("saint", over="words")
    saints = panel.results["id"].tolist()
    assert sorted(saints) == _saints(study)
    assert ex.grid.ids == saints and ex.grid.selection_label == "search: saint"
    assert ex.plot.highlighted_ids == saints
    assert "Saint" in panel.listing.value
    # a filter: the plot's mask, the grid's works, the facets' query string
    panel.search("")
    panel.set_filter(genre=["portrait"])
    portraits = np.flatnonzero(study.collection.metadata["genre"] == "portrait").tolist()
    assert np.flatnonzero(panel.mask).tolist() == portraits
    assert panel.query == "genre in ['portrait']"
    assert np.flatnonzero(ex.plot.filtered).tolist() == portraits
    assert ex.grid.ids == portraits and ex.grid.selection_label == "filter"
    assert panel._facet_widgets["genre"].value == ("portrait",)
    # a search answers among the filtered works
    panel.search("scene", over="words")
    assert set(panel.results["id"]) <= set(portraits)
    # the facet widget does what set_filter does
    panel.clear()
    assert ex.plot.filtered is None and panel.query == ""
    panel._facet_widgets["genre"].value = ("religious",)
    assert panel.conditions == {"genre": ["religious"]}
    panel.clear()
    # "similar works" in the viewer: the work, then its nearest works, in order
    ex.viewer.show(3)
    ex.viewer.ask_similar()
    near = study.similar(3, top_k=panel.top_k)["id"].tolist()
    assert ex.grid.ids == [3] + near and ex.grid.selection_label.startswith("similar to")
    # errors show in the explorer's error area, not as exceptions in a callback
    panel.over.value = "images"
    panel.box.value = "ship"  # as typing it and pressing Enter
    assert any("cannot search images by text" in e for e in ex.link.errors)
