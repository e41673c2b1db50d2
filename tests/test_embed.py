import numpy as np
import pytest
from PIL import Image

from artopic_nb import Cache
from artopic_nb.embed import (
    ColorTextureEmbedder,
    Embedder,
    TransformersEmbedder,
    embed_collection,
    fast_preprocessor,
    load_embedder,
)
from artopic_nb.hub import ModelUnavailableError


def test_colour_texture_embedder_is_normalised_and_deterministic(fixture_collection):
    emb = ColorTextureEmbedder()
    a = emb.embed(fixture_collection, progress=False)
    b = emb.embed(fixture_collection, progress=False)
    assert a.dtype == np.float32 and a.shape == (len(fixture_collection), 147)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(a, b)
    assert isinstance(emb, Embedder)


def test_colour_texture_features_follow_colour():
    emb = ColorTextureEmbedder()
    red, red2, blue = (emb.features(Image.new("RGB", (64, 80), c))
                       for c in [(220, 20, 20), (200, 30, 30), (20, 20, 220)])

    def cos(x, y):
        return float(x @ y / np.linalg.norm(x) / np.linalg.norm(y))

    assert cos(red, red2) > cos(red, blue)


def test_tiny_clip_through_transformers_embedder(fixture_collection, tiny_clip_dir):
    emb = TransformersEmbedder(tiny_clip_dir, batch_size=4)
    X = emb.embed(fixture_collection, progress=False)
    assert X.shape == (len(fixture_collection), 12) and X.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-5)
    # the same rows as one image at a time through the model's own processor
    import torch

    img = fixture_collection.image(3, min_side=32)
    pv = emb._processor(images=[img], return_tensors="pt")["pixel_values"]
    with torch.inference_mode():
        out = emb._model.get_image_features(pixel_values=pv)
    ref = out if isinstance(out, torch.Tensor) else out.pooler_output
    ref = ref[0].numpy() / np.linalg.norm(ref[0].numpy())
    np.testing.assert_allclose(X[3], ref, atol=1e-5)
    assert emb.model_id.startswith("hf-folder:")
    assert emb._fast_preprocess is not None  # the rows above came through the fast path


@pytest.mark.parametrize("kind", ["clip", "siglip"])
def test_fast_preprocessing_equals_the_processor(fixture_collection, kind):
    from transformers import CLIPImageProcessor, SiglipImageProcessor

    processor = (CLIPImageProcessor() if kind == "clip"
                 else SiglipImageProcessor(size={"height": 224, "width": 224}))
    fast = fast_preprocessor(processor)
    assert fast is not None
    for i in (0, 5, 11):  # real paintings, portrait and landscape shapes
        image = fixture_collection.image(i, min_side=224)
        expected = processor(images=[image], return_tensors="np")["pixel_values"][0]
        np.testing.assert_allclose(fast([image]).numpy()[0], expected, atol=1e-5)


def test_a_processor_with_other_steps_keeps_its_own_path():
    from transformers import CLIPImageProcessor

    class Shifted(CLIPImageProcessor):  # one step the fast path does not know
        def __call__(self, *args, **kwargs):
            out = super().__call__(*args, **kwargs)
            out["pixel_values"] = out["pixel_values"] + 0.5
            return out

    assert fast_preprocessor(Shifted()) is None
    assert fast_preprocessor(object()) is None


def test_model_id_changes_with_the_weights(tiny_clip_dir, tmp_path):
    import shutil

    other = tmp_path / "tiny_clip"
    shutil.copytree(tiny_clip_dir, other)
    assert TransformersEmbedder(other).model_id == TransformersEmbedder(tiny_clip_dir).model_id
    (other / "config.json").write_text((other / "config.json").read_text().replace("12", "13", 1))
    assert TransformersEmbedder(other).model_id != TransformersEmbedder(tiny_clip_dir).model_id


def test_cache_hits_on_second_run(fixture_collection, tmp_path):
    calls = []

    class Counting(ColorTextureEmbedder):
        def features(self, image):
            calls.append(1)
            return super().features(image)

    cache = Cache(tmp_path)
    first = embed_collection(Counting(), fixture_collection, cache, progress=False)
    n_unique = len(set(fixture_collection.hashes))
    assert len(calls) == n_unique
    second = embed_collection(Counting(), fixture_collection, cache, progress=False)
    assert len(calls) == n_unique  # nothing recomputed
    np.testing.assert_array_equal(first, second)


def test_auto_falls_back_with_one_notice(capsys, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    emb = load_embedder("auto")
    assert isinstance(emb, ColorTextureEmbedder)
    out = capsys.readouterr().out
    assert out.count("artopic_nb:") == 1 and "colour/texture" in out


def test_explicit_model_that_cannot_load_says_how(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailableError, match="local folder"):
        load_embedder("openai/clip-vit-base-patch32")
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        load_embedder("./no/such/model_folder")


def test_load_embedder_rejects_other_objects():
    with pytest.raises(TypeError, match="embedder"):
        load_embedder(42)


def test_model_id_tells_apart_same_shaped_weights(tiny_clip_dir, tmp_path):
    import torch
    from transformers import CLIPModel

    torch.manual_seed(1)
    other = tmp_path / "retrained"
    model = CLIPModel.from_pretrained(tiny_clip_dir)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p))
    model.save_pretrained(other)
    assert TransformersEmbedder(other).model_id != TransformersEmbedder(tiny_clip_dir).model_id


def test_int8_quantized_embedder_stays_close_to_float32(fixture_collection, tiny_clip_dir):
    fp32 = TransformersEmbedder(tiny_clip_dir).embed(fixture_collection, progress=False)
    int8 = TransformersEmbedder(tiny_clip_dir, quantize=True, device="cpu")
    assert int8.model_id.endswith("+int8")
    q = int8.embed(fixture_collection, progress=False)
    assert q.shape == fp32.shape
    assert float(np.mean(np.sum(q * fp32, axis=1))) > 0.95
