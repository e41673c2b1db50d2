"""Image embeddings: CLIP / SigLIP through ``transformers``, or a no-model colour/texture embedder.

An *embedder* is any object with a ``model_id`` (a stable string used in cache keys) and
``embed(collection, ids=None, progress=True) -> float32 array`` of L2-normalised rows.
:func:`embed_collection` adds the cache: rows already computed for an image's content hash
and the same embedder are read back, and only the missing ones are computed, in chunks
that are written as they finish (an interrupted run loses at most one chunk).

Example
-------
>>> emb = load_embedder("auto")                      # doctest: +SKIP
>>> X = embed_collection(emb, col, cache=Cache(".artopic"))   # doctest: +SKIP
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
from PIL import Image
from tqdm.auto import tqdm

from .cache import Cache, make_key
from .collection import DECODE_VERSION
from .colour import srgb_to_lab
from .hub import (
    ModelUnavailableError,
    auto_device,
    auto_dtype,
    ensure_available,
    fingerprint,
    load_pretrained,
    quantize_int8,
)
from .text import l2_normalise

__all__ = [
    "DEFAULT_MODEL",
    "Embedder",
    "ColorTextureEmbedder",
    "TransformersEmbedder",
    "embed_collection",
    "load_embedder",
    "ModelUnavailableError",
]

DEFAULT_MODEL = "openai/clip-vit-base-patch32"


@runtime_checkable
class Embedder(Protocol):
    """What :func:`embed_collection` needs from an image embedder."""

    model_id: str

    def embed(self, collection, ids: Sequence[int] | None = None, progress: bool = True) -> np.ndarray:
        ...


def _resolve_ids(collection, ids) -> np.ndarray:
    return np.arange(len(collection)) if ids is None else np.asarray(ids, dtype=np.int64)


# ---------------------------------------------------------------------------------------------
# No-model embedder
# ---------------------------------------------------------------------------------------------

class ColorTextureEmbedder:
    """A no-model embedder: colour, light, edges, texture and layout, in 147 numbers.

    Needs no download and runs anywhere; it groups works by how they *look* (palette,
    brightness, contrast, brushwork density, composition), not by what they show, so
    clusters are coarser than with CLIP. Features, each block scaled to unit length and
    weighted, then the whole vector L2-normalised:

    - a joint a*b* histogram (8x8) and an L* histogram (8 bins) in CIELAB, square-rooted;
    - lightness and chroma statistics (mean, std, 10th/50th/90th percentiles);
    - edge statistics: gradient-magnitude mean/std, an 8-bin orientation histogram and
      a 6-bin magnitude histogram (texture density);
    - coarse layout: mean L*a*b* on a 4x4 grid, and the log aspect ratio.
    """

    model_id = "color-texture-v1"
    size = 128

    def __init__(self, n_threads: int | None = None):
        self.n_threads = n_threads or min(8, (os.cpu_count() or 1) + 1)

    def __repr__(self) -> str:
        return "ColorTextureEmbedder()"

    def features(self, image: Image.Image) -> np.ndarray:
        """The unnormalised feature vector of one RGB image."""
        aspect = np.log(image.width / max(image.height, 1))
        small = image.convert("RGB").resize((self.size, self.size), Image.Resampling.BILINEAR)
        lab = srgb_to_lab(np.asarray(small))
        L, a, b = lab[..., 0], lab[..., 1], lab[..., 2]
        chroma = np.hypot(a, b)

        ab_hist, _, _ = np.histogram2d(a.ravel(), b.ravel(), bins=8, range=[[-64, 64], [-64, 64]])
        l_hist, _ = np.histogram(L, bins=8, range=(0, 100))
        colour = np.sqrt(np.concatenate([ab_hist.ravel(), l_hist]) / L.size)

        stats = np.array([
            L.mean(), L.std(), *np.percentile(L, [10, 50, 90]),
            chroma.mean(), chroma.std(), *np.percentile(chroma, [10, 50, 90]),
        ]) / 100.0

        gy, gx = np.gradient(L)
        mag = np.hypot(gx, gy)
        angle = np.mod(np.arctan2(gy, gx), np.pi)
        orient, _ = np.histogram(angle, bins=8, range=(0, np.pi), weights=mag)
        orient = orient / max(orient.sum(), 1e-9)
        mag_hist, _ = np.histogram(mag, bins=[0, 1, 2, 4, 8, 16, np.inf])
        edges = np.concatenate([[mag.mean() / 10, mag.std() / 10], orient, mag_hist / mag.size])

        grid = lab.reshape(4, self.size // 4, 4, self.size // 4, 3).mean(axis=(1, 3))
        layout = np.concatenate([(grid / np.array([100.0, 64.0, 64.0])).ravel(), [aspect]])

        blocks = [(colour, 1.0), (stats, 0.6), (edges, 0.6), (layout, 0.8)]
        return np.concatenate([w * v / max(np.linalg.norm(v), 1e-9) for v, w in blocks])

    def iter_embed(self, collection, ids, batch_size: int = 32):
        """Yield (batch ids, L2-normalised rows) batch by batch."""
        ids = _resolve_ids(collection, ids)

        def one(i: int) -> np.ndarray:
            return self.features(collection.image(int(i), max_size=2 * self.size))

        with ThreadPoolExecutor(self.n_threads) as pool:
            for start in range(0, len(ids), batch_size):
                batch = ids[start:start + batch_size]
                yield batch, l2_normalise(np.stack(list(pool.map(one, batch))))

    def embed(self, collection, ids=None, progress: bool = True) -> np.ndarray:
        return _collect(self.iter_embed(collection, ids), _resolve_ids(collection, ids),
                        "Embedding (colour/texture)", progress, dim=147)


def _collect(batches, ids, desc: str, progress: bool, dim: int) -> np.ndarray:
    out = []
    with tqdm(total=len(ids), desc=desc, unit="img", disable=not progress) as bar:
        for _, rows in batches:
            out.append(rows)
            bar.update(len(rows))
    return np.concatenate(out) if out else np.zeros((0, dim), np.float32)


# ---------------------------------------------------------------------------------------------
# transformers embedder
# ---------------------------------------------------------------------------------------------

class TransformersEmbedder:
    """CLIP, SigLIP or any ``transformers`` model with ``get_image_features``.

    Parameters
    ----------
    model:
        A hub id (default ``openai/clip-vit-base-patch32``) or a local folder.
    batch_size:
        Images per forward pass.
    device:
        ``"auto"`` (cuda, then mps, then cpu) or a torch device string.
    dtype:
        ``"auto"``: bfloat16 (float16 where unsupported) on cuda, float16 on mps, float32
        on cpu.
    decode_threads:
        Threads that decode and preprocess the next batches while the model runs.
    quantize:
        ``True`` runs the linear layers in int8 (PyTorch dynamic quantization) on the CPU:
        about 1.4x the images/s of float32 for CLIP ViT-B/32, with embeddings at cosine
        0.999 to the float32 ones (``benchmarks/embed_throughput.py --modes``). Its cache
        entries are kept apart from float32 ones (``model_id`` ends in ``+int8``).

    The model loads on first use; :meth:`load` loads it now (and raises
    :class:`~artopic_nb.hub.ModelUnavailableError` with instructions when it cannot).
    """

    def __init__(self, model: str | os.PathLike = DEFAULT_MODEL, batch_size: int = 32,
                 device: str = "auto", dtype: str = "auto", decode_threads: int | None = None,
                 quantize: bool = False):
        self.model = str(model)
        self.batch_size = batch_size
        self.device = device
        self.dtype = dtype
        self.decode_threads = decode_threads
        self.quantize = quantize
        self._model = None
        self._processor = None
        self._fast_preprocess = None

    def __repr__(self) -> str:
        return f"TransformersEmbedder({self.model!r}, batch_size={self.batch_size})"

    @property
    def model_id(self) -> str:
        """``hf:<hub id>``, or for a local folder ``hf-folder:<hash of its config and weights>``
        (so moving or renaming the folder keeps its cache entries)."""
        folder = Path(self.model).expanduser()
        base = f"hf-folder:{fingerprint(folder.iterdir())}" if folder.is_dir() else f"hf:{self.model}"
        return base + ("+int8" if self.quantize else "")

    def load(self) -> TransformersEmbedder:
        if self._model is not None:
            return self
        ensure_available(self.model, "image embedding model")
        from transformers import AutoImageProcessor, AutoModel

        self._processor = load_pretrained(AutoImageProcessor.from_pretrained, self.model,
                                          "image embedding model")
        model = load_pretrained(AutoModel.from_pretrained, self.model, "image embedding model")
        if not hasattr(model, "get_image_features"):
            raise ValueError(f"{self.model!r} ({type(model).__name__}) has no get_image_features; "
                             "use an image-text model such as CLIP or SigLIP")
        self._device = auto_device(self.device)
        self._model = model.to(self._device, dtype=auto_dtype(self.dtype, self._device)).eval()
        if self.quantize:
            self._model = quantize_int8(self._model, self._device)
        self._fast_preprocess = fast_preprocessor(self._processor)
        return self

    def _preprocess(self, images: list[Image.Image]):
        return self._processor(images=images, return_tensors="pt")["pixel_values"]

    def _prepare(self, collection, batch, pool, min_side: int):
        """Pixel values of one batch; each image decoded (and, on the fast path, resized and
        cropped) in the thread pool."""
        fast = self._fast_preprocess

        def load(i):
            image = collection.image(int(i), min_side=min_side)
            return fast.crop(image) if fast else image

        items = list(pool.map(load, batch))
        return fast.pixel_values(items) if fast else self._preprocess(items)

    def forward(self, pixel_values) -> np.ndarray:
        """Embeddings (L2-normalised, float32) of a preprocessed batch."""
        import torch

        with torch.inference_mode():
            pv = pixel_values.to(self._device, dtype=self._model.dtype)
            out = self._model.get_image_features(pixel_values=pv)
            if not isinstance(out, torch.Tensor):  # transformers 5 returns a model output
                out = out.pooler_output if getattr(out, "pooler_output", None) is not None \
                    else out.image_embeds
            return l2_normalise(out.float().cpu().numpy())

    def iter_embed(self, collection, ids):
        """Yield (batch ids, rows); decoding of later batches overlaps the forward pass."""
        self.load()
        ids = _resolve_ids(collection, ids)
        batches = [ids[i:i + self.batch_size] for i in range(0, len(ids), self.batch_size)]
        # The processor resizes to ~224 px anyway, and a JPEG decoded at reduced scale
        # (shorter side still >= that) is several times faster than a full decode.
        min_side = _processor_size(self._processor)
        threads = self.decode_threads or max(1, min(4, (os.cpu_count() or 2) - 1))
        with ThreadPoolExecutor(threads) as pool:
            def prepare(batch):
                return batch, self._prepare(collection, batch, pool, min_side)

            for batch, pixel_values in _prefetch(prepare, batches, depth=2):
                yield batch, self.forward(pixel_values)

    def embed(self, collection, ids=None, progress: bool = True) -> np.ndarray:
        return _collect(self.iter_embed(collection, ids), _resolve_ids(collection, ids),
                        f"Embedding ({Path(self.model).name})", progress, dim=0)


class FastPreprocessor:
    """What a CLIP/SigLIP image processor does, split so that it runs fast off the GIL.

    The PIL image processors resize (shortest edge, or to height x width), centre-crop,
    rescale and normalise, converting between PIL and numpy per image in float arrays.
    Here :meth:`crop` does the geometry on the PIL image (in the decoding threads) and
    :meth:`pixel_values` rescales and normalises a whole uint8 batch in one torch
    operation: about 2 ms per image instead of 5. Build it with :func:`fast_preprocessor`,
    which checks it against the processor first.
    """

    def __init__(self, processor):
        def get(name):
            return getattr(processor, name, None)

        def field(d, key):
            return (d.get(key) if isinstance(d, dict) else getattr(d, key, None)) if d else None

        size, crop = get("size"), get("crop_size")
        self.shortest = field(size, "shortest_edge")
        self.height, self.width = field(size, "height"), field(size, "width")
        if not get("do_resize") or not (self.shortest or (self.height and self.width)) \
                or get("do_pad") or not isinstance(get("resample"), int):
            raise ValueError("not a resize / crop / normalise processor")
        self.crop_hw = (field(crop, "height"), field(crop, "width")) if get("do_center_crop") else None
        if self.crop_hw and not all(self.crop_hw):
            raise ValueError("centre crop without a size")
        self.resample = Image.Resampling(get("resample"))
        mean = np.asarray(get("image_mean") if get("do_normalize") else (0.0,) * 3, np.float32)
        std = np.asarray(get("image_std") if get("do_normalize") else (1.0,) * 3, np.float32)
        factor = get("rescale_factor") if get("do_rescale") else 1.0
        self.scale = (factor / std).astype(np.float32).reshape(1, 3, 1, 1)
        self.shift = (mean / std).astype(np.float32).reshape(1, 3, 1, 1)

    def crop(self, image: Image.Image) -> np.ndarray:
        """The resized, cropped image as uint8 (H, W, 3)."""
        w, h = image.size
        if self.shortest:  # as transformers' get_resize_output_image_size(default_to_square=False)
            s = self.shortest
            new = (s, int(s * h / w)) if w <= h else (int(s * w / h), s)
        else:
            new = (self.width, self.height)
        image = image.convert("RGB").resize(new, self.resample)
        if self.crop_hw:
            ch, cw = self.crop_hw
            left, top = (new[0] - cw) // 2, (new[1] - ch) // 2
            image = image.crop((left, top, left + cw, top + ch))
        return np.asarray(image)

    def pixel_values(self, crops: Sequence[np.ndarray]):
        """float32 (N, 3, H, W), rescaled and normalised, from :meth:`crop` outputs."""
        import torch

        x = torch.from_numpy(np.stack(crops)).permute(0, 3, 1, 2)
        x = x.to(torch.float32, memory_format=torch.contiguous_format)
        return x.mul_(torch.from_numpy(self.scale)).sub_(torch.from_numpy(self.shift))

    def __call__(self, images: Sequence[Image.Image]):
        return self.pixel_values([self.crop(image) for image in images])


def fast_preprocessor(processor) -> FastPreprocessor | None:
    """A :class:`FastPreprocessor` whose output equals ``processor``'s, or None.

    Checked on a probe image, so a processor with any other step keeps its own path.
    """
    try:
        fast = FastPreprocessor(processor)
        rng = np.random.default_rng(0)  # odd-sized and textured: any difference shows
        probe = Image.fromarray(rng.integers(0, 256, (61, 83, 3), dtype=np.uint8))
        expected = np.asarray(processor(images=[probe], return_tensors="np")["pixel_values"])
        got = fast([probe]).numpy()
        ok = got.shape == expected.shape and float(np.abs(got - expected).max()) < 1e-4
    except Exception:  # a processor we do not understand keeps its own path
        return None
    return fast if ok else None


def _processor_size(processor) -> int:
    """The side length the processor resizes to (224 for CLIP ViT-B/32)."""
    size = getattr(processor, "size", None)
    values = [size.get(k) if isinstance(size, dict) else getattr(size, k, None)
              for k in ("shortest_edge", "height", "width")]
    values = [int(v) for v in values if v]
    return max(values) if values else 224


def _prefetch(fn, items, depth: int = 2):
    """Yield ``fn(item)`` for each item, computing up to ``depth`` ahead in a background thread."""
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    sentinel = object()

    def worker():
        try:
            for item in items:
                if stop.is_set():
                    return
                q.put((fn(item), None))
        except BaseException as exc:  # hand the error to the consumer
            q.put((None, exc))
        q.put((sentinel, None))

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    try:
        while True:
            value, exc = q.get()
            if exc is not None:
                raise exc
            if value is sentinel:
                return
            yield value
    finally:
        stop.set()
        while thread.is_alive():  # unblock a worker waiting on a full queue
            try:
                q.get_nowait()
            except queue.Empty:
                thread.join(0.05)


# ---------------------------------------------------------------------------------------------
# choosing an embedder, and the cache
# ---------------------------------------------------------------------------------------------

_NO_MODEL_NAMES = ("color", "colour", "color-texture", "no-model", "none")


def load_embedder(model: str | os.PathLike | Embedder = "auto", **kwargs) -> Embedder:
    """An embedder from a name.

    ``"auto"``: CLIP ViT-B/32 when it can be loaded (local cache or hub), otherwise one
    printed notice and the no-model :class:`ColorTextureEmbedder`. ``"color"``: the no-model
    embedder. Any other string: a ``transformers`` hub id or local folder, loaded now; when
    it cannot be loaded, :class:`ModelUnavailableError` says how to get it. An object with
    ``model_id`` and ``embed`` is returned as is.
    """
    if not isinstance(model, (str, os.PathLike)):
        if not isinstance(model, Embedder):
            raise TypeError(f"model must be a name, a path or an embedder, not {type(model).__name__}")
        return model
    name = str(model)
    if name.lower() in _NO_MODEL_NAMES:
        return ColorTextureEmbedder()
    if name == "auto":
        try:
            return TransformersEmbedder(DEFAULT_MODEL, **kwargs).load()
        except ModelUnavailableError as exc:
            print(f"artopic_nb: CLIP could not be loaded ({exc.args[0].split('. ')[0]}); "
                  "using the no-model colour/texture embedder instead. Clusters will follow "
                  "palette, light and texture rather than subject matter.")
            return ColorTextureEmbedder()
    return TransformersEmbedder(name, **kwargs).load()


def embed_collection(embedder: Embedder, collection, cache: Cache | None = None,
                     ids: Sequence[int] | None = None, chunk_size: int = 256,
                     progress: bool = True) -> np.ndarray:
    """Embeddings of ``collection`` (rows in id order), computing only what the cache lacks.

    Each row is cached under (image content hash, ``embedder.model_id``), so duplicates
    are computed once and a rerun after an interruption resumes where it stopped.
    """
    cache = cache if cache is not None else Cache(None)
    ids = _resolve_ids(collection, ids)
    hashes = collection.hashes
    keys = {h: make_key(h, embedder.model_id, DECODE_VERSION) for h in {hashes[i] for i in ids}}
    rows: dict[str, np.ndarray] = {}
    for h, key in keys.items():
        row = cache.get_array("embeddings", key)
        if row is not None:
            rows[h] = row
    todo_hashes = [h for h in keys if h not in rows]
    first_id = {}
    for i in ids:
        first_id.setdefault(hashes[i], int(i))
    todo = [first_id[h] for h in todo_hashes]
    if todo:
        batches = embedder.iter_embed(collection, todo) if hasattr(embedder, "iter_embed") else (
            (todo[s:s + chunk_size], embedder.embed(collection, todo[s:s + chunk_size], progress=False))
            for s in range(0, len(todo), chunk_size)
        )
        name = getattr(embedder, "model_id", type(embedder).__name__)
        with tqdm(total=len(todo), desc=f"Embedding ({name})", unit="img",
                  disable=not progress) as bar:
            for batch, vectors in batches:
                for i, vec in zip(batch, vectors, strict=True):
                    rows[hashes[i]] = vec
                    cache.put_array("embeddings", keys[hashes[i]], vec)
                bar.update(len(batch))
    if not len(ids):
        return np.zeros((0, 0), np.float32)
    return np.stack([rows[hashes[i]] for i in ids]).astype(np.float32)
