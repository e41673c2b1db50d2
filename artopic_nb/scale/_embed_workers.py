"""The work :func:`~artopic_nb.scale.embed_on_ray` sends to the cluster: the read tasks that
read, check, decode and crop each image (with the embedder's own preprocessing, as on one
machine), and the actors that hold one model each and turn crops (or files, for any other
embedder) into rows of :data:`COLUMNS`.

Kept apart from :mod:`artopic_nb.scale.embed` (which builds the dataset and writes its rows
into the cache) so that what runs in Ray's workers is in one place; these functions and
classes are pickled by reference, so they live at module level.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from PIL import Image

from ..data.collection import ImageCollection
from ..data.images import ImageLoadError, decode_image, open_checked
from ..models.backends.clip import TransformersEmbedder
from ..models.embedders import as_embedder
from ..models.hub import load_pretrained
from ..models.preprocess import fast_preprocessor, processor_size

#: The columns of :func:`~artopic_nb.scale.embedding_dataset`'s rows (and of its parquet shards).
COLUMNS = ("hash", "path", "model_id", "embedding", "error")


def _load_preprocessing(embedder: TransformersEmbedder) -> tuple[Any, Any, int]:
    """(image processor, its fast version or None, the side it resizes to) of ``embedder``."""
    from transformers import AutoImageProcessor

    processor = load_pretrained(AutoImageProcessor.from_pretrained, embedder.model,
                                "image embedding model")
    return processor, fast_preprocessor(processor), processor_size(processor)


# ---------------------------------------------------------------------------------------------
# the work done on the cluster
# ---------------------------------------------------------------------------------------------

def _read_crop(path: str, expected_hash: str, fast: Any, min_side: int, max_pixels: int
               ) -> tuple[bytes, int, int, str]:
    """One image as on one machine (decoded at reduced scale, cropped), or why it failed."""
    try:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ImageLoadError(path, f"unreadable ({exc.strerror or exc})") from None
        if hashlib.sha256(data).hexdigest() != expected_hash:
            raise ImageLoadError(path, "changed since the collection was read (its content "
                                       "hash differs); read the collection again")
        image = decode_image(open_checked(data, path, max_pixels), path, None, min_side)
        pixels = fast.crop(image) if fast is not None else np.asarray(image)
    except ImageLoadError as exc:
        return b"", 0, 0, exc.reason
    return pixels.tobytes(), pixels.shape[0], pixels.shape[1], ""


def _decode_block(block: pd.DataFrame, fast: Any, min_side: int, max_pixels: int,
                  threads: int = 2) -> pd.DataFrame:
    """The read task: each file read, checked, decoded and cropped (uint8 bytes + shape)."""
    with ThreadPoolExecutor(threads) as pool:  # decoding releases the GIL; reads overlap
        done = list(pool.map(lambda row: _read_crop(*row, fast, min_side, max_pixels),
                             zip(block["path"], block["hash"], strict=True)))
    pixels, height, width, error = zip(*done, strict=True) if done else ((), (), (), ())
    return pd.DataFrame({"hash": block["hash"], "path": block["path"], "pixels": list(pixels),
                         "height": np.asarray(height, np.int32),
                         "width": np.asarray(width, np.int32), "error": list(error)})


def _output(batch: dict[str, np.ndarray], model_id: str, vectors: np.ndarray,
            errors: Any) -> dict[str, np.ndarray]:
    n = len(batch["hash"])
    return {"hash": batch["hash"], "path": batch["path"],
            "model_id": np.full(n, model_id, dtype=object), "embedding": vectors,
            "error": np.asarray(errors, dtype=object)}


class _EmbedActor:
    """One model per actor: crops in, L2-normalised float32 rows (as bytes) out."""

    def __init__(self, embedder: TransformersEmbedder, model_id: str):
        self.embedder = embedder.load()
        if self.embedder.model_id != model_id:  # a node whose weights or precision differ
            raise RuntimeError(f"this node's embedder is {self.embedder.model_id}, not "
                               f"{model_id}: its rows would go under another key")

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        n = len(batch["hash"])
        vectors = np.array([b""] * n, dtype=object)
        ok = np.flatnonzero(batch["error"] == "")
        if len(ok):
            crops = [np.frombuffer(batch["pixels"][j], np.uint8).reshape(
                int(batch["height"][j]), int(batch["width"][j]), 3) for j in ok]
            fast = self.embedder._fast_preprocess  # built and checked by load(), as on one machine
            if fast is not None:
                pixel_values = fast.pixel_values(crops)
            else:  # a processor the fast path does not reproduce: its own code
                pixel_values = self.embedder._preprocess([Image.fromarray(c) for c in crops])
            for j, row in zip(ok, self.embedder.forward(pixel_values), strict=True):
                vectors[j] = np.ascontiguousarray(row, np.float32).tobytes()
        return _output(batch, self.embedder.model_id, vectors, batch["error"])


class _AnyEmbedderActor:
    """Any :class:`~artopic_nb.steps.embed.Embedder`: its own ``iter_embed`` on each batch's files,
    image by image when the batch holds one it cannot read."""

    def __init__(self, embedder: Any, max_pixels: int):
        self.embedder = as_embedder(embedder)
        self.max_pixels = max_pixels

    def _rows(self, frame: pd.DataFrame) -> np.ndarray:
        col = ImageCollection(frame, max_pixels=self.max_pixels)
        return np.concatenate([rows for _, rows in self.embedder.iter_embed(col)])

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        frame = pd.DataFrame({"path": batch["path"], "hash": batch["hash"],
                              "file_name": [os.path.basename(p) for p in batch["path"]],
                              "width": 0, "height": 0})
        n = len(frame)
        vectors, errors = np.array([b""] * n, dtype=object), [""] * n
        try:
            rows = list(self._rows(frame))
        except ImageLoadError:
            rows = []
            for j in range(n):
                try:
                    rows.append(self._rows(frame.iloc[[j]])[0])
                except ImageLoadError as exc:
                    rows.append(None)
                    errors[j] = exc.reason
        for j, row in enumerate(rows):
            if row is not None:
                vectors[j] = np.ascontiguousarray(row, np.float32).tobytes()
        return _output(batch, self.embedder.model_id, vectors, errors)
