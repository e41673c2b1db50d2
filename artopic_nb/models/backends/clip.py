"""The image embedder for CLIP, SigLIP or any ``transformers`` model with ``get_image_features``.

:class:`TransformersEmbedder` follows :class:`~artopic_nb.steps.embed.Embedder`; its ``model_id``
names the weights (:func:`~artopic_nb.models.hub.hf_model_id`) and the precision they run in
(:func:`~artopic_nb.models.hub.precision_tag`). Its input pipeline (decoding threads, fast
preprocessing, prefetch) is in :mod:`artopic_nb.models.preprocess`. Import it from
:mod:`artopic_nb.steps.embed` or :mod:`artopic_nb`.

Example
-------
>>> emb = TransformersEmbedder("models/my_clip", batch_size=64).load()   # doctest: +SKIP
>>> X = emb.embed(col)                                                   # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from ...text.encoder import l2_normalise
from ..hub import (
    auto_device,
    auto_dtype,
    ensure_available,
    hf_model_id,
    load_pretrained,
    precision_tag,
    quantize_int8,
)
from ..preprocess import Batches, fast_preprocessor, pixel_batches, resolve_ids, stack_rows

if TYPE_CHECKING:
    from ...data.collection import ImageCollection

__all__ = ["DEFAULT_EMBEDDER", "TransformersEmbedder"]

DEFAULT_EMBEDDER = "openai/clip-vit-base-patch32"


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
        on cpu; or a torch dtype (``torch.bfloat16``) or its name (``"bfloat16"``). The
        precision it runs in is part of ``model_id`` (``+bf16``, ``+fp16``; nothing for
        float32): rows computed in half precision on a GPU are never reused for float32.
    decode_threads:
        Threads that decode and preprocess the next batches while the model runs.
    quantize:
        ``True`` runs the linear layers in int8 (PyTorch dynamic quantization) on the CPU:
        about 1.4x the images/s of float32 for CLIP ViT-B/32, with embeddings at cosine
        0.999 to the float32 ones (``benchmarks/embed_throughput.py --modes``). Its cache
        entries are kept apart from float32 ones (``model_id`` ends in ``+int8``).

    The model loads on first use; :meth:`load` loads it now (and raises
    :class:`~artopic_nb.models.hub.ModelUnavailableError` with instructions when it cannot).

    Example
    -------
    >>> emb = TransformersEmbedder("openai/clip-vit-base-patch32", dtype="bfloat16")  # doctest: +SKIP
    >>> emb.model_id                                                                 # doctest: +SKIP
    'hf:openai/clip-vit-base-patch32+bf16'
    >>> TransformersEmbedder("models/my_clip").model_id                              # doctest: +SKIP
    'hf:my_clip@3f9c2a7d1b0e4c55'
    """

    def __init__(self, model: str | os.PathLike = DEFAULT_EMBEDDER, batch_size: int = 32,
                 device: str = "auto", dtype: Any = "auto", decode_threads: int | None = None,
                 quantize: bool = False):
        self.model = str(model)
        self.batch_size = batch_size
        self.device = device
        self.dtype = dtype
        self.decode_threads = decode_threads
        self.quantize = quantize
        self._model = None
        self._processor = None
        self._tokenizer = None
        self._fast_preprocess = None
        self._device: str | None = None

    def __repr__(self) -> str:
        return f"TransformersEmbedder({self.model!r}, batch_size={self.batch_size})"

    @property
    def model_id(self) -> str:
        """:func:`~artopic_nb.models.hub.hf_model_id` of the weights (``hf:<hub id>``, or for a local
        folder ``hf:<folder name>@<fingerprint of its config and weights>``, the scheme the
        describers use; moving the folder keeps its cache entries), then the precision they
        run in (:func:`~artopic_nb.models.hub.precision_tag`: ``+bf16``, ``+fp16``, ``+int8``)."""
        dtype = auto_dtype(self.dtype, self._device or auto_device(self.device))
        return hf_model_id(self.model) + precision_tag(dtype, self.quantize)

    def load(self) -> TransformersEmbedder:
        """Load the processor and the model now; returns ``self``."""
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

    def forward(self, pixel_values: Any) -> np.ndarray:
        """Embeddings (L2-normalised, float32) of a preprocessed batch (a torch tensor)."""
        import torch

        with torch.inference_mode():
            pv = pixel_values.to(self._device, dtype=self._model.dtype)
            out = self._model.get_image_features(pixel_values=pv)
            if not isinstance(out, torch.Tensor):  # transformers 5 returns a model output
                out = out.pooler_output if getattr(out, "pooler_output", None) is not None \
                    else out.image_embeds
            return l2_normalise(out.float().cpu().numpy())

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        """Rows of ``texts`` by the model's text tower (L2-normalised, float32), in the space
        of its image rows: ``X @ emb.embed_texts(["a ship at sea"])[0]`` ranks images by the
        text. Reads the tokenizer saved with the model.

        Example
        -------
        >>> emb.embed_texts(["a ship at sea"]).shape     # doctest: +SKIP
        (1, 512)
        """
        import torch

        self.load()
        if not hasattr(self._model, "get_text_features"):
            raise ValueError(f"{self.model!r} ({type(self._model).__name__}) has no text tower "
                             "(get_text_features); search images by text with CLIP or SigLIP")
        if self._tokenizer is None:
            from transformers import AutoTokenizer

            self._tokenizer = load_pretrained(AutoTokenizer.from_pretrained, self.model,
                                              "image embedding model's tokenizer")
        siglip = "siglip" in type(self._model).__name__.lower()
        config = getattr(self._model.config, "text_config", self._model.config)
        max_length = int(getattr(config, "max_position_embeddings", 77))
        rows = []
        for start in range(0, len(texts), self.batch_size):
            batch = [str(t) for t in texts[start:start + self.batch_size]]
            # SigLIP was trained on texts padded to full length, without an attention mask
            enc = self._tokenizer(batch, padding="max_length" if siglip else True,
                                  truncation=True, max_length=max_length, return_tensors="pt")
            keep = ("input_ids",) if siglip else ("input_ids", "attention_mask")
            inputs = {k: v.to(self._device) for k, v in enc.items() if k in keep}
            with torch.inference_mode():
                out = self._model.get_text_features(**inputs)
                if not isinstance(out, torch.Tensor):  # transformers 5 returns a model output
                    out = out.pooler_output if getattr(out, "pooler_output", None) is not None \
                        else out.text_embeds
            rows.append(l2_normalise(out.float().cpu().numpy()))
        width = self._model.config.projection_dim if hasattr(self._model.config, "projection_dim") \
            else 0
        return np.concatenate(rows) if rows else np.zeros((0, width), np.float32)

    def iter_embed(self, collection: ImageCollection, ids: Sequence[int] | None = None,
                   batch_size: int | None = None) -> Batches:
        """Yield (batch ids, rows); decoding of later batches overlaps the forward pass."""
        self.load()
        ids = resolve_ids(collection, ids)
        size = batch_size or self.batch_size
        batches = [ids[i:i + size] for i in range(0, len(ids), size)]
        threads = self.decode_threads or max(1, min(4, (os.cpu_count() or 2) - 1))
        for batch, pixel_values in pixel_batches(collection, batches, self._processor,
                                                 self._fast_preprocess, threads):
            yield batch, self.forward(pixel_values)

    def embed(self, collection: ImageCollection, ids: Sequence[int] | None = None,
              progress: bool = True) -> np.ndarray:
        """The rows of ``ids`` (all images: None), float32, L2-normalised."""
        ids = resolve_ids(collection, ids)
        return stack_rows(self.iter_embed(collection, ids), len(ids), Path(self.model).name,
                          progress)
