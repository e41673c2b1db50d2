import numpy as np
import pytest
from PIL import Image

from artopic_nb import Cache
from artopic_nb.models.backends.clip import TransformersEmbedder
from artopic_nb.models.backends.color import ColorTextureEmbedder
from artopic_nb.models.embedders import EmbedInChunks, load_embedder
from artopic_nb.models.hub import ModelUnavailableError, hf_model_id
from artopic_nb.models.preprocess import fast_preprocessor
from artopic_nb.steps.embed import Embedder, as_embedder, embed_collection


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
    assert emb.model_id.startswith(f"hf:{tiny_clip_dir.name}@")  # one scheme with describers
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

    other = tmp_path / tiny_clip_dir.name  # moved: same name, same weights, same id
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


# -- the Embedder protocol ------------------------------------------------------------------------

def test_both_embedders_follow_one_protocol_with_one_streaming_signature(tiny_clip_dir):
    import inspect

    colour, clip = ColorTextureEmbedder(), TransformersEmbedder(tiny_clip_dir)
    assert isinstance(colour, Embedder) and isinstance(clip, Embedder)
    signatures = {str(inspect.signature(type(e).iter_embed)) for e in (colour, clip)}
    assert signatures == {str(inspect.signature(Embedder.iter_embed))}
    assert as_embedder(colour) is colour and load_embedder(clip) is clip


@pytest.mark.parametrize("make", [ColorTextureEmbedder, "clip"])
def test_iter_embed_streams_the_rows_of_embed(fixture_collection, tiny_clip_dir, make):
    emb = TransformersEmbedder(tiny_clip_dir) if make == "clip" else make()
    ids = [7, 2, 5, 11, 0]
    batches = list(emb.iter_embed(fixture_collection, ids, batch_size=2))
    assert [b.tolist() for b, _ in batches] == [[7, 2], [5, 11], [0]]
    np.testing.assert_allclose(np.concatenate([rows for _, rows in batches]),
                               emb.embed(fixture_collection, ids, progress=False), atol=1e-6)


def test_an_embedder_with_only_embed_is_streamed_in_chunks(fixture_collection, tmp_path):
    inner = ColorTextureEmbedder()

    class Mine:  # a user's embedder: model_id and embed, nothing else
        model_id = "mine-v1"

        def __init__(self):
            self.calls = []

        def embed(self, collection, ids=None, progress=True):
            self.calls.append(list(ids))
            return inner.embed(collection, ids, progress=False)

    mine = Mine()
    assert not isinstance(mine, Embedder)
    wrapped = load_embedder(mine)
    assert isinstance(wrapped, EmbedInChunks) and isinstance(wrapped, Embedder)
    assert wrapped.model_id == "mine-v1"
    X = embed_collection(mine, fixture_collection, Cache(tmp_path), chunk_size=10,
                         progress=False)
    n_unique = len(set(fixture_collection.hashes))
    assert [len(c) for c in mine.calls] == [10, 10, n_unique - 20][:len(mine.calls)]
    assert all(isinstance(i, int) for c in mine.calls for i in c)
    np.testing.assert_allclose(X, inner.embed(fixture_collection, progress=False), atol=1e-6)
    with pytest.raises(TypeError, match="model_id and embed"):
        as_embedder(object())


# -- what the cache key depends on -----------------------------------------------------------------

def test_local_folders_are_named_as_describers_name_them(tiny_clip_dir):
    emb = TransformersEmbedder(tiny_clip_dir, device="cpu")
    assert emb.model_id == hf_model_id(tiny_clip_dir)  # float32: no precision suffix
    assert emb.model_id == TransformersEmbedder(tiny_clip_dir, device="cpu", dtype="auto").model_id
    assert TransformersEmbedder("org/some-clip", device="cpu").model_id == "hf:org/some-clip"


def test_precision_is_part_of_the_cache_key(fixture_collection, tiny_clip_dir, tmp_path):
    """Rows computed in bfloat16 (what "auto" picks on a GPU) are never read back for float32
    on the CPU, nor int8 rows for float32: each precision has its own model_id and rows."""
    import torch

    fp32 = TransformersEmbedder(tiny_clip_dir, device="cpu", dtype=torch.float32)
    bf16 = TransformersEmbedder(tiny_clip_dir, device="cpu", dtype=torch.bfloat16)
    int8 = TransformersEmbedder(tiny_clip_dir, device="cpu", quantize=True)
    ids = {e.model_id for e in (fp32, bf16, int8)}
    assert len(ids) == 3  # before: bf16 shared fp32's id, and so its cached rows
    assert ids == {hf_model_id(tiny_clip_dir), hf_model_id(tiny_clip_dir) + "+bf16",
                   hf_model_id(tiny_clip_dir) + "+int8"}
    assert TransformersEmbedder(tiny_clip_dir, device="cpu", dtype="bfloat16").model_id \
        == bf16.model_id

    cache = Cache(tmp_path)
    first = embed_collection(bf16, fixture_collection, cache, progress=False)
    assert bf16.model_id.endswith("+bf16")  # the same id after loading
    hits = cache.hits
    second = embed_collection(fp32, fixture_collection, cache, progress=False)
    assert cache.hits == hits  # nothing of bfloat16's reused
    assert not np.array_equal(first, second)
    embed_collection(fp32, fixture_collection, cache, progress=False)
    assert cache.hits == hits + len(set(fixture_collection.hashes))  # its own rows are
