"""Any OpenAI-compatible chat-completions server: OpenAI, vLLM, Ollama, ``transformers serve``.

Images go as base64 JPEG data URLs, requests run with bounded concurrency, and 429 / 5xx /
timeouts are retried with backoff (``Retry-After`` honoured) by the ``openai`` client. An
:class:`OpenAIDescriber` is both an image describer and a text model (``complete``); a
text-only model behind the server silently drops images, so describe with a vision model.
"""

from __future__ import annotations

import base64
import io
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from PIL import Image

from ...text.prompts import Prompt, get_prompt
from ..kinds import register
from ..protocols import DescriberError, Description, max_new_tokens_for

__all__ = ["OpenAIClient", "OpenAIDescriber"]


def _public_url(url: str) -> str:
    """``url`` without user info, query or fragment (where credentials may hide)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}".rstrip("/") if parts.scheme else url


class OpenAIClient:
    """What every backend behind an OpenAI-compatible server shares: the server's address
    (``url``, without credentials), the ``openai.OpenAI`` client made on first use
    (:meth:`client`), and pickling without the key or the live client. A subclass sets
    ``base_url``, ``api_key_env``, ``timeout``, ``max_retries`` and calls :meth:`_keep_key`."""

    base_url: str | None
    api_key_env: str
    timeout: float
    max_retries: int

    def _keep_key(self, api_key: str | None) -> None:
        self._api_key = api_key
        self._client = None
        self._lock = threading.Lock()

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

    def client(self):
        """The ``openai.OpenAI`` client (made on first use)."""
        with self._lock:
            if self._client is None:
                import openai

                key = self._api_key or os.environ.get(self.api_key_env) or "not-needed"
                self._client = openai.OpenAI(base_url=self.base_url, api_key=key,
                                             timeout=self.timeout, max_retries=self.max_retries)
            return self._client


def _data_url(image: Image.Image, max_side: int, quality: int) -> str:
    image = image if image.mode == "RGB" else image.convert("RGB")
    if max(image.size) > max_side:
        image = image.copy()
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


@register("describer", "openai", packages=("openai",), model="<model>@<server url>",
          test_model="openai-server", what="a vision-language model behind an OpenAI-compatible server")
@register("text_model", "openai", packages=("openai",), model="<model>@<server url>",
          test_model="openai-server", what="a language model behind an OpenAI-compatible server")
class OpenAIDescriber(OpenAIClient):
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
        self._keep_key(api_key)

    def __repr__(self) -> str:
        return (f"OpenAIDescriber({self.model!r}, base_url={self.url!r}, "
                f"max_concurrency={self.max_concurrency})")

    @property
    def model_id(self) -> str:
        return f"openai:{self.model}@{self.url.split('://', 1)[-1]}"

    @property
    def batch_size(self) -> int:
        """Images per :meth:`describe` call in :func:`describe_collection` (so, per cache write)."""
        return max(1, 2 * self.max_concurrency)

    def cache_params(self, prompt: Prompt) -> dict:
        """Generation settings that change the text (part of cache keys)."""
        return {"max_tokens": max_new_tokens_for(self.max_new_tokens, prompt),
                "temperature": self.temperature, "image_max_side": self.image_max_side}

    def _chat(self, content, max_tokens: int) -> Description:
        import openai

        url = self.url
        t0 = time.perf_counter()
        try:
            resp = self.client().chat.completions.create(
                model=self.model, messages=[{"role": "user", "content": content}],
                max_tokens=max_tokens, temperature=self.temperature,
            )
        except (openai.OpenAIError, ValueError) as exc:
            raise DescriberError(self._explain(exc)) from exc
        seconds = time.perf_counter() - t0
        choices = getattr(resp, "choices", None)
        if not choices:
            raise DescriberError(f"{url} answered with no choices for model {self.model!r}")
        message = getattr(choices[0], "message", None)
        text = (getattr(message, "content", None) or "").strip()
        usage = getattr(resp, "usage", None)
        tokens = int(getattr(usage, "completion_tokens", 0) or 0)
        return Description(text, seconds, tokens)

    def _explain(self, exc: Exception) -> str:
        """What a failed request means and what to do, for a person (never with the key)."""
        import openai

        url, tries, said = self.url, self.max_retries + 1, _server_message(exc)
        model, status = repr(self.model), getattr(exc, "status_code", None)
        explained = [  # the first class that matches wins: subclasses before their parents
            (openai.AuthenticationError,
             f"{url} refused the API key (HTTP 401): set the {self.api_key_env} environment "
             "variable or pass api_key=... (the key is never printed)"),
            (openai.PermissionDeniedError, f"{url} denied access to model {model} (HTTP 403)"),
            (openai.NotFoundError,
             f"{url} answered 404 for model {model}: the model is not served there, or "
             "base_url is wrong (OpenAI-compatible APIs usually end in /v1). "
             f"Server said: {said}"),
            (openai.RateLimitError,
             f"{url} kept answering 429 (rate limited) after {tries} tries; lower "
             "max_concurrency or try again later"),
            (openai.InternalServerError, f"{url} failed with HTTP {status} after {tries} tries: "
                                         f"{said}"),
            (openai.BadRequestError,
             f"{url} rejected the request for model {model} (HTTP 400): {said}"),
            (openai.APITimeoutError,
             f"no answer from {url} within {self.timeout:g} s ({tries} tries); the server "
             "is overloaded or stalled: raise timeout= or lower max_concurrency"),
            (openai.APIConnectionError,
             f"cannot connect to {url} ({tries} tries): the server seems down (connection "
             "refused or host unreachable). Start it (`transformers serve`, `ollama serve`, "
             "`vllm serve` ...) or check base_url."),
            (openai.APIStatusError, f"{url} answered HTTP {status}: {said}"),
            ((openai.APIResponseValidationError, ValueError),
             f"{url} sent a malformed answer (not chat-completion JSON): {type(exc).__name__}"),
        ]
        return next((message for cls, message in explained if isinstance(exc, cls)),
                    f"{url} failed: {type(exc).__name__}: {said}")

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
        """One :class:`~artopic_nb.models.protocols.Description` per image, in order; at most ``max_concurrency`` in flight."""
        prompt = get_prompt(prompt)
        max_tokens = max_new_tokens_for(self.max_new_tokens, prompt)

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
