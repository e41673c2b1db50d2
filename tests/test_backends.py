"""Backends as a package: the two protocols, load_backend, per-model option specs, model ids
that follow the weights and the precision they run in."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import pytest
from PIL import Image

import artopic_nb as an
from artopic_nb import models
from artopic_nb.data.cache import Cache
from artopic_nb.data.collection import ImageCollection
from artopic_nb.models import registry as B
from artopic_nb.models.backends.openai import OpenAIDescriber
from artopic_nb.models.hub import hf_model_id, precision_tag
from artopic_nb.models.protocols import DescriberError
from artopic_nb.models.registry import (
    AttributeDescriber,
    ImageDescriber,
    TextModel,
    TransformersDescriber,
    load_backend,
)
from artopic_nb.steps.describe import describe_collection

sys.path.insert(0, str(Path(__file__).parent))
from _tiny_vlm import build_tiny_llama, build_tiny_llava  # noqa: E402

SECRET = "sk-test-DO-NOT-LEAK-51c0"


@pytest.fixture(scope="module")
def llava_dir(tmp_path_factory):
    return build_tiny_llava(tmp_path_factory.mktemp("models") / "tiny-llava")


@pytest.fixture(scope="module")
def two_images(tmp_path_factory):
    folder = tmp_path_factory.mktemp("images")
    paths = [folder / f"{c}.png" for c in ("red", "navy")]
    for p in paths:
        Image.new("RGB", (40, 30), p.stem).save(p)
    return ImageCollection.from_paths(paths, progress=False)


# -- stale keys: the precision a model runs in ----------------------------------------------------

def test_describer_ids_and_keys_follow_the_dtype(llava_dir, two_images, tmp_path):
    """A bf16 result must not be reused for float32 (it was: ids and keys left out dtype)."""
    f32 = TransformersDescriber(llava_dir, max_new_tokens=3, dtype="float32", device="cpu")
    bf16 = TransformersDescriber(llava_dir, max_new_tokens=3, dtype="bfloat16", device="cpu")
    assert f32.model_id != bf16.model_id and bf16.model_id == f32.model_id + "+bf16"
    assert TransformersDescriber(llava_dir, device="cpu").model_id == f32.model_id  # auto on cpu
    cache = Cache(tmp_path / "cache")
    first = describe_collection(f32, two_images, prompts=["caption"], cache=cache, progress=False)
    again = describe_collection(bf16, two_images, prompts=["caption"], cache=cache, progress=False)
    assert not first.cached.any() and not again.cached.any()  # generated afresh, not reused
    assert set(again.model) == {bf16.model_id}


def test_precision_tags_and_the_one_local_id_scheme(llava_dir, tmp_path):
    import torch

    assert precision_tag(torch.float32) == "" and precision_tag("float16") == "+fp16"
    assert precision_tag(torch.bfloat16, quantize=True) == "+bf16+int8"
    assert hf_model_id(llava_dir).startswith("hf:tiny-llava@")
    assert hf_model_id("org/model") == "hf:org/model"
    weights = tmp_path / "m.gguf"
    weights.write_bytes(b"GGUF" + bytes(100))
    assert hf_model_id(weights).startswith("hf:m@")


# -- protocols and roles --------------------------------------------------------------------------

def test_protocols_tell_describers_from_text_models(llava_dir, tmp_path):
    vlm = TransformersDescriber(llava_dir)
    attrs, http = AttributeDescriber(), OpenAIDescriber("m", "http://127.0.0.1:9/v1")
    assert all(isinstance(b, ImageDescriber) for b in (vlm, attrs, http))
    assert isinstance(vlm, TextModel) and isinstance(http, TextModel)
    assert not isinstance(attrs, TextModel)
    with pytest.raises(DescriberError, match="not a text model"):
        B.load_text_model(attrs)
    text_only = load_backend(f"hf:{build_tiny_llama(tmp_path / 'llama')}")
    with pytest.raises(DescriberError, match="text-only"):
        B.as_image_describer(text_only)
    with pytest.raises(DescriberError, match="lacks batch_size, cache_params"):
        B.as_image_describer(type("Half", (), {"model_id": "x", "describe": None})())


def test_gguf_text_model_has_no_describe_and_an_id_from_its_file(tmp_path):
    weights = tmp_path / "tiny.gguf"
    weights.write_bytes(b"GGUF" + bytes(100))
    from artopic_nb.models.backends.gguf import GGUFTextModel

    llm = GGUFTextModel(weights, device="cpu")
    assert isinstance(llm, TextModel) and not isinstance(llm, ImageDescriber)
    assert llm.model_id == hf_model_id(weights)
    with pytest.raises(DescriberError, match="text-only"):
        B.as_image_describer(llm)
    with pytest.raises(ValueError, match="GGUF"):
        TransformersDescriber(weights).load()


# -- specs: options travel with their model -------------------------------------------------------

def test_model_specs_carry_their_own_options(llava_dir):
    hf = models.hf(llava_dir, quantize=True, max_new_tokens=2)
    assert an.models is models and hf.backend == "hf" and str(hf) == f"hf:{llava_dir}"
    lazy = load_backend(hf, load=False)  # an id for a cache key without loading the weights
    assert lazy._model is None
    d = load_backend(hf)
    assert isinstance(d, TransformersDescriber) and d.quantize and d.max_new_tokens == 2
    assert d.model_id == lazy.model_id and d.model_id.endswith("+int8")
    http = load_backend(models.openai("qwen2.5vl", url="http://localhost:11434/v1", concurrency=2))
    assert isinstance(http, OpenAIDescriber) and http.max_concurrency == 2
    assert http.model_id == "openai:qwen2.5vl@localhost:11434/v1"
    # the old bug: one set of options for every model; now each spec has its own
    loaded = [load_backend(s) for s in (hf, models.openai("m", url="http://h:1/v1"),
                                        models.attributes())]
    assert [type(b).__name__ for b in loaded] == [
        "TransformersDescriber", "OpenAIDescriber", "AttributeDescriber"]
    with pytest.raises(TypeError, match="quantise"):
        models.hf("org/model", quantise=True)  # a typo fails when the spec is made
    with pytest.raises(TypeError, match="go with a model spec"):
        load_backend(AttributeDescriber(), batch_size=2)


def test_spec_strings_parse_to_specs(tmp_path):
    assert models.parse("attributes") == models.attributes()
    assert models.parse("smollm2") == models.parse("hf:smollm2") == models.smollm2()
    assert models.smollm2().backend == "gguf"
    assert models.parse("openai:qwen2.5vl:7b@http://localhost:11434/v1") == models.ModelSpec(
        "openai", "qwen2.5vl:7b", {"base_url": "http://localhost:11434/v1"})
    assert models.parse("openai:gpt-4o-mini").model == "gpt-4o-mini"
    assert models.parse("hf:org/model") == models.ModelSpec("hf", "org/model")
    assert models.parse(f"gguf:{tmp_path / 'x.gguf'}").backend == "gguf"
    assert models.parse(tmp_path).backend == "hf"  # an existing folder
    with pytest.raises(ValueError, match="unknown model spec"):
        models.parse("gemini-pro")


def test_api_key_stays_out_of_spec_repr_str_and_pickles():
    spec = models.openai("m", url="http://h:1/v1", api_key=SECRET)
    assert SECRET not in repr(spec) and SECRET not in str(spec)
    assert SECRET.encode() not in pickle.dumps(spec)
    assert load_backend(spec)._api_key == SECRET


def test_old_names_still_import_with_a_warning():
    from artopic_nb.models.backends.gguf import smollm2_gguf_path

    with pytest.warns(DeprecationWarning, match="0.3.0"):
        import artopic_nb.describe as old
    with pytest.warns(DeprecationWarning, match="load_backend"):
        assert old.load_describer is load_backend
    assert old.TransformersDescriber is TransformersDescriber
    assert old.smollm2_gguf_path is smollm2_gguf_path
    with pytest.warns(DeprecationWarning, match="load_backend"):
        assert an.load_describer("attributes").model_id == "attributes"


def test_a_new_backend_is_one_class_that_registers_itself(fixture_collection, tmp_path):
    """What a backend file of one's own does: register a class; specs and studies find it."""
    import artopic_nb as an
    from artopic_nb.models import backends, parse
    from artopic_nb.models.kinds import unregister
    from artopic_nb.models.protocols import Description
    from artopic_nb.models.registry import load_image_describer

    @an.models.register("describer", "echo", model="any word", what="repeats a word")
    class EchoDescriber:
        batch_size = 4

        def __init__(self, model, words: int = 2):
            self.model_id, self.words = f"echo:{model}", words

        def cache_params(self, prompt):
            return {"words": self.words}

        def describe(self, images, prompt):
            return [Description(" ".join(["painting"] * self.words), 0.0, self.words)
                    for _ in images]

    try:
        assert parse("echo:v1").backend == "echo"
        assert load_image_describer("echo:v1", words=3).words == 3
        study = an.Study(fixture_collection, cache_dir=tmp_path, progress=False)
        study.embed("color").reduce(method="pca").cluster("kmeans", n_clusters=2)
        study.sample(per_cluster=1).describe(["echo:v1"], prompts=("caption",))
        assert set(study.descriptions_["text"]) == {"painting painting"}
        row = an.models.available("describer").set_index("name").loc["echo"]
        assert row["loads_here"] and row["description"] == "repeats a word"
        assert an.models.load("describer", "echo:v2").model_id == "echo:v2"
    finally:
        unregister("describer", "echo")
    assert "echo" not in backends.BACKENDS


def test_the_older_backend_decorator_registers_by_what_the_class_does():
    from artopic_nb.models import backends
    from artopic_nb.models.kinds import REGISTRY, unregister

    @backends.register("echo-llm")
    class EchoLLM:
        def __init__(self, model):
            self.model_id = f"echo-llm:{model}"

        def complete(self, prompts, max_new_tokens=8):
            return list(prompts)

    try:
        assert ("text_model", "echo-llm") in REGISTRY and ("describer", "echo-llm") not in REGISTRY
        assert B.load_text_model("echo-llm:x").complete(["hi"]) == ["hi"]
    finally:
        unregister("text_model", "echo-llm")
    assert "echo-llm" not in backends.BACKENDS
