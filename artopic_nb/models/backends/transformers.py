"""``transformers`` models in this process: vision-language models that describe images, and
language models that complete text.

:class:`TransformersDescriber` runs SmolVLM/Idefics3, Qwen2-VL, LLaVA, Gemma 3, LFM2-VL ...
(anything ``AutoModelForImageTextToText`` loads and whose processor has a chat template),
batched, greedy, on cuda/mps/cpu. Plain captioning models without a chat template (BLIP,
GIT) are supported best-effort: they caption and ignore the prompt. It is both an
:class:`~artopic_nb.models.protocols.ImageDescriber` and a text model (``complete``).
:class:`TransformersTextModel` is the text side alone (what
:class:`~artopic_nb.models.backends.gguf.GGUFTextModel` builds on).
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from PIL import Image

from ...text.prompts import Prompt, get_prompt
from ..hub import (
    auto_device,
    auto_dtype,
    ensure_available,
    hf_model_id,
    load_pretrained,
    precision_tag,
    quantize_int8,
)
from ..kinds import register
from ..protocols import DescriberError, Description, max_new_tokens_for

__all__ = ["DEFAULT_DESCRIBER", "DEFAULT_DESCRIBERS", "TransformersDescriber", "TransformersTextModel"]

#: The default in-process model. SmolVLM-256M-Instruct is the smallest instruction-tuned
#: VLM in ``transformers`` that follows a describing prompt: ~0.5 GB in float16, a few
#: seconds a caption on a laptop CPU, and no remote code.
DEFAULT_DESCRIBER = "HuggingFaceTB/SmolVLM-256M-Instruct"
#: Two small models from *different* families (SmolVLM: SigLIP + SmolLM2; LFM2-VL:
#: SigLIP2 NaFlex + LFM2), both native in ``transformers`` (no remote code) and laptop-CPU
#: sized (256M and 450M parameters), so the study's two-model comparison compares two
#: independent "eyes" rather than two sizes of one. LFM2-VL's image processor needs
#: torchvision (without it the model is unavailable, named as such, and the default falls
#: back). Pass any other pair to ``Study.describe``.
DEFAULT_DESCRIBERS = (DEFAULT_DESCRIBER, "LiquidAI/LFM2-VL-450M")

_WHAT = "describing model"


class TransformersTextModel:
    """A ``transformers`` language model (or vision-language model) that completes text.

    Parameters
    ----------
    model:
        A hub id (default :data:`~artopic_nb.models.specs.DEFAULT_DESCRIBER`) or a local model folder.
    max_new_tokens:
        Cap on generated tokens; ``None`` uses each prompt's own ``max_new_tokens``.
    batch_size:
        Images (or prompts) per ``generate`` call; left padding keeps batches exact.
    device:
        ``"auto"`` (cuda, then mps, then cpu) or a torch device string.
    dtype:
        ``"auto"``: bfloat16 (float16 where unsupported) on cuda, float16 on mps, float32 on
        cpu. The precision it runs in is part of ``model_id`` (``+bf16``, ``+fp16``; nothing
        for float32), since the text differs from one precision to another.
    do_sample:
        Greedy (``False``, the default) gives reproducible, cacheable text.
    repetition_penalty:
        Above 1 discourages repeating tokens (small models loop without it); part of the
        cache key. ``None`` keeps the model's own setting.
    min_new_tokens:
        Forces a fixed length (benchmarks); part of the cache key.
    quantize:
        ``True`` runs the linear layers in int8 (PyTorch dynamic quantization) on the CPU:
        about 1.5x faster for a SmolVLM-256M-sized model on 2 cores, image features at
        cosine 0.999 to float32 (``benchmarks/describe_throughput.py --quantize``). The text can
        differ from float32's, so its cache entries are kept apart (``model_id`` ends in
        ``+int8``).

    The model loads on first use; :meth:`load` loads it now and raises
    :class:`~artopic_nb.models.hub.ModelUnavailableError` saying how to get a model that is
    neither local, cached, nor downloadable.
    """

    def __init__(self, model: str | os.PathLike = DEFAULT_DESCRIBER, max_new_tokens: int | None = None,
                 batch_size: int = 4, device: str = "auto", dtype: Any = "auto",
                 do_sample: bool = False, min_new_tokens: int | None = None,
                 repetition_penalty: float | None = None, quantize: bool = False):
        self.model = str(model)
        self.max_new_tokens = max_new_tokens
        self.batch_size = batch_size
        self.device = device
        self.dtype = dtype
        self.do_sample = do_sample
        self.min_new_tokens = min_new_tokens
        self.repetition_penalty = repetition_penalty
        self.quantize = quantize
        self._model = None
        self._device = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.model!r}, batch_size={self.batch_size})"

    @property
    def model_id(self) -> str:
        """:func:`~artopic_nb.models.hub.hf_model_id` of the weights, and the precision they run in."""
        _, dtype = self._placement()
        return self._weights_id() + precision_tag(dtype, self.quantize)

    def _weights_id(self) -> str:
        return hf_model_id(self.model)

    def _weights(self) -> str:
        """The hub id or folder ``from_pretrained`` loads."""
        if self.model.lower().endswith(".gguf") or self.model.lower() == "smollm2":
            raise ValueError(f"{self.model!r} is a GGUF model: load it with "
                             "artopic_nb.load_backend('gguf:<file>') or 'smollm2'")
        ensure_available(self.model, _WHAT)  # fail in milliseconds, before importing torch
        return self.model

    def _placement(self) -> tuple[str, Any]:
        """(device, torch dtype) the model runs on, decided once."""
        if self._device is None:
            self._device = auto_device(self.device)
        return self._device, auto_dtype(self.dtype, self._device)

    @property
    def kind(self) -> str:
        """``"chat"`` (VLM with a chat template), ``"captioner"`` or ``"text"``; loads the model."""
        self.load()
        return self._kind

    # -- loading -------------------------------------------------------------------------------
    def load(self) -> TransformersTextModel:
        with self._lock:
            if self._model is None:
                self._load()
        return self

    def _load(self) -> None:
        name = self._weights()
        from transformers import (
            AutoConfig,
            AutoModelForCausalLM,
            AutoModelForImageTextToText,
            AutoProcessor,
            AutoTokenizer,
        )
        from transformers.models.auto import modeling_auto

        config = load_pretrained(AutoConfig.from_pretrained, name, _WHAT)
        model_type = getattr(config, "model_type", "")
        vision = model_type in modeling_auto.MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES
        if not vision and model_type not in modeling_auto.MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
            raise ValueError(
                f"{self.model!r} is a {model_type!r} model, which is neither an image-text-to-text "
                "model nor a causal language model; it cannot describe images or complete text"
            )
        device, dtype = self._placement()
        if vision:
            processor = load_pretrained(AutoProcessor.from_pretrained, name, _WHAT)
            model = load_pretrained(AutoModelForImageTextToText.from_pretrained, name, _WHAT,
                                    dtype=dtype)
            tokenizer = getattr(processor, "tokenizer", processor)
            self._kind = "chat" if getattr(processor, "chat_template", None) else "captioner"
        else:
            tokenizer = load_pretrained(AutoTokenizer.from_pretrained, name, _WHAT)
            model = load_pretrained(AutoModelForCausalLM.from_pretrained, name, _WHAT, dtype=dtype)
            processor = tokenizer
            self._kind = "text"
        # Decoder-only generation needs the padding on the left, where it does not sit
        # between the prompt and the generated tokens.
        tokenizer.padding_side = "left"
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        self._processor = processor
        self._tokenizer = tokenizer
        model = model.to(device).eval()
        self._model = quantize_int8(model, device) if self.quantize else model

    # -- generation ----------------------------------------------------------------------------
    def _eos_ids(self) -> set[int]:
        eos = getattr(self._model.generation_config, "eos_token_id", None)
        if eos is None:
            eos = self._tokenizer.eos_token_id
        ids = set(eos if isinstance(eos, (list, tuple)) else [eos])
        return {i for i in ids if i is not None}

    def _generate(self, inputs, max_new_tokens: int) -> tuple[list[str], list[int]]:
        import torch

        model = self._model
        inputs = {k: v.to(self._device) for k, v in inputs.items() if hasattr(v, "to")}
        for k, v in inputs.items():
            if v.is_floating_point():
                inputs[k] = v.to(model.dtype)
        kwargs = {"max_new_tokens": max_new_tokens, "do_sample": self.do_sample}
        if self._kind != "captioner":  # BLIP's generate sets its own (and refuses a second)
            kwargs["pad_token_id"] = self._tokenizer.pad_token_id
        if self.min_new_tokens:
            kwargs["min_new_tokens"] = min(self.min_new_tokens, max_new_tokens)
        if self.repetition_penalty is not None:
            kwargs["repetition_penalty"] = self.repetition_penalty
        with torch.inference_mode():
            out = model.generate(**inputs, **kwargs)
        if model.config.is_encoder_decoder or "input_ids" not in inputs:
            out = out[:, 1:]  # generation began from one decoder start token (BLIP, GIT)
        else:
            out = out[:, inputs["input_ids"].shape[1]:]
        eos, pad = self._eos_ids(), self._tokenizer.pad_token_id
        counts = []
        for row in out.tolist():
            n = 0
            for t in row:
                if t in eos:
                    n += 1
                    break
                n += t != pad
            counts.append(n)
        texts = self._tokenizer.batch_decode(out, skip_special_tokens=True)
        return [t.strip() for t in texts], counts

    def complete(self, prompts: list[str], max_new_tokens: int = 128) -> list[str]:
        """Text answers to text-only prompts (chat template when the model has one)."""
        self.load()
        if self._kind == "captioner":
            raise DescriberError(f"{self.model!r} is a captioning model without a chat template; "
                                 "it cannot answer text prompts")
        if self.max_new_tokens is not None:
            max_new_tokens = min(max_new_tokens, self.max_new_tokens)
        tok = self._tokenizer
        template_owner = self._processor if self._kind == "chat" else tok
        answers: list[str] = []
        for start in range(0, len(prompts), self.batch_size):
            batch = prompts[start:start + self.batch_size]
            if getattr(template_owner, "chat_template", None):
                content = (lambda p: [{"type": "text", "text": p}]) if self._kind == "chat" else (
                    lambda p: p)
                texts = [template_owner.apply_chat_template(
                    [{"role": "user", "content": content(p)}], add_generation_prompt=True,
                    tokenize=False) for p in batch]
                inputs = tok(texts, return_tensors="pt", padding=True, add_special_tokens=False)
            else:
                inputs = tok(list(batch), return_tensors="pt", padding=True)
            texts, _ = self._generate(inputs, max_new_tokens)
            answers += texts
        return answers


_TORCH = ("torch", "transformers")


@register("describer", "hf", packages=_TORCH, model="a vision-language hub id or folder",
          default=DEFAULT_DESCRIBER, test_model="vlm",
          what="a transformers vision-language model (or captioner) in this process")
@register("text_model", "hf", packages=_TORCH, model="a language model hub id or folder",
          default=DEFAULT_DESCRIBER, test_model="causal-lm",
          what="a transformers language model in this process")
@register("describer", "auto",
          what=f"{DEFAULT_DESCRIBER} when it loads here, else (said out loud) the attribute describer")
class TransformersDescriber(TransformersTextModel):
    """A ``transformers`` vision-language model in this process: describes images and completes
    text. Parameters: those of :class:`TransformersTextModel`.

    Captioning models without a chat template (BLIP, GIT) caption and ignore the prompt text
    (best-effort). Given a text-only model, :meth:`describe` raises (use
    :func:`~artopic_nb.models.registry.load_backend`, which says so when the model loads).
    """

    def cache_params(self, prompt: Prompt) -> dict:
        """Generation settings that change the text (part of cache keys)."""
        return {"max_new_tokens": max_new_tokens_for(self.max_new_tokens, prompt),
                "min_new_tokens": self.min_new_tokens, "do_sample": self.do_sample,
                "repetition_penalty": self.repetition_penalty}

    def _chat_inputs(self, images: list[Image.Image], text: str):
        import transformers

        conversations = [[{"role": "user", "content": [{"type": "image", "image": img},
                                                        {"type": "text", "text": text}]}]
                         for img in images]
        kwargs = dict(add_generation_prompt=True, tokenize=True, return_dict=True,
                      return_tensors="pt")
        if int(transformers.__version__.split(".")[0]) >= 5:
            kwargs["processor_kwargs"] = {"padding": True}
        else:  # transformers 4.x passes extra keyword arguments to the processor
            kwargs["padding"] = True
        return self._processor.apply_chat_template(conversations, **kwargs)

    def describe(self, images: list[Image.Image], prompt: Prompt | str) -> list[Description]:
        """One :class:`~artopic_nb.models.protocols.Description` per image, in order."""
        prompt = get_prompt(prompt)
        self.load()
        if self._kind == "text":
            raise DescriberError(f"{self.model!r} is a text-only model: it cannot see images; "
                                 "use it for complete(), and a vision-language model to describe")
        max_new = max_new_tokens_for(self.max_new_tokens, prompt)
        results: list[Description] = []
        for start in range(0, len(images), self.batch_size):
            batch = [img if img.mode == "RGB" else img.convert("RGB")
                     for img in images[start:start + self.batch_size]]
            t0 = time.perf_counter()
            if self._kind == "chat":
                inputs = self._chat_inputs(batch, prompt.text)
            else:  # a plain captioner (BLIP, GIT): the image alone, the prompt is not used
                inputs = self._processor(images=batch, return_tensors="pt")
            texts, counts = self._generate(inputs, max_new)
            seconds = (time.perf_counter() - t0) / len(batch)
            results += [Description(t, seconds, n) for t, n in zip(texts, counts, strict=True)]
        return results
