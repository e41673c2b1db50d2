"""Text embeddings from any OpenAI-compatible ``/embeddings`` endpoint: OpenAI, Ollama, vLLM,
llama.cpp's server, text-embeddings-inference, ``transformers serve``.

Registered as the text encoder ``"openai"``: ``"openai:<model>@<url>"`` (``url`` the API root,
usually ending in ``/v1``; without it, OpenAI). Texts go in batches, each answer's rows are
put back in the order of their ``index`` and L2-normalised; 429 / 5xx answers, timeouts and
failed connections are retried with backoff by the ``openai`` client. The key is read from
``api_key`` or the ``api_key_env`` environment variable when the first request is made, and
is never part of ``model_id``, ``repr`` or a message.

Example
-------
>>> enc = OpenAITextEncoder("nomic-embed-text@http://localhost:11434/v1")
>>> enc.model_id
'openai-embeddings:nomic-embed-text@localhost:11434/v1'
>>> enc.encode(["a ship at sea"]).shape          # doctest: +SKIP
(1, 768)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...text.encoder import l2_normalise
from ..kinds import register
from ..protocols import DescriberError
from .openai import OpenAIClient, _server_message

__all__ = ["OpenAITextEncoder"]


@register("text_encoder", "openai", packages=("openai",), model="<model>@<server url>",
          test_model="openai-embeddings",
          what="an embeddings model behind an OpenAI-compatible server (/v1/embeddings)")
class OpenAITextEncoder(OpenAIClient):
    """A text encoder behind an OpenAI-compatible embeddings endpoint.

    Parameters
    ----------
    model:
        The model name the server knows, optionally ``"<model>@<url>"``.
    base_url:
        The API root (``http://localhost:11434/v1`` for Ollama); ``None``: the one after
        ``@`` in ``model``, else OpenAI.
    api_key, api_key_env:
        The key, or the environment variable that holds it (``OPENAI_API_KEY``).
    batch_size:
        Texts per request.
    max_chars:
        Characters of a text sent (the rest cut: servers refuse texts over their window);
        :meth:`too_long` says which were cut.
    dimensions:
        Asked of models that can shorten their vectors (``text-embedding-3-*``); part of
        ``model_id``.
    timeout, max_retries:
        Seconds to wait for one answer; retries of failed requests (the ``openai`` client's
        backoff).
    """

    def __init__(self, model: str, base_url: str | None = None, api_key: str | None = None,
                 api_key_env: str = "OPENAI_API_KEY", batch_size: int = 64,
                 max_chars: int = 8000, dimensions: int | None = None, timeout: float = 60.0,
                 max_retries: int = 4):
        name, at, url = str(model).partition("@")
        if at and not url.startswith(("http://", "https://")):
            raise ValueError(f"the text encoder 'openai:{model}' names no server after '@'; "
                             "write 'openai:<model>@http://host:port/v1'")
        self.model = name
        self.base_url = base_url or (url if at else None)
        self.api_key_env = api_key_env
        self.batch_size = max(1, int(batch_size))
        self.max_chars = int(max_chars)
        self.dimensions = dimensions
        self.timeout = timeout
        self.max_retries = max_retries
        self._keep_key(api_key)

    def __repr__(self) -> str:
        return f"OpenAITextEncoder({self.model!r}, base_url={self.url!r})"

    @property
    def model_id(self) -> str:
        size = f"/d{self.dimensions}" if self.dimensions else ""
        return f"openai-embeddings:{self.model}{size}@{self.url.split('://', 1)[-1]}"

    def too_long(self, texts: Sequence[str]) -> np.ndarray:
        """Which ``texts`` are cut to ``max_chars`` characters before they are sent."""
        return np.array([len(t) > self.max_chars for t in texts], dtype=bool)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit row per text, in order (an empty text is sent as one space)."""
        import openai

        sent = [(t[:self.max_chars] or " ") for t in texts]
        rows: list[np.ndarray] = []
        extra = {"dimensions": self.dimensions} if self.dimensions else {}
        for start in range(0, len(sent), self.batch_size):
            batch = sent[start:start + self.batch_size]
            try:
                resp = self.client().embeddings.create(
                    model=self.model, input=batch, encoding_format="float", **extra)
            except openai.APIStatusError as exc:
                raise DescriberError(f"{self.url} answered HTTP {exc.status_code} for the "
                                     f"embeddings of model {self.model!r}: "
                                     f"{_server_message(exc)}") from exc
            except openai.APIConnectionError as exc:
                raise DescriberError(f"cannot reach {self.url} for embeddings ({type(exc).__name__}"
                                     "): start the server or check the url") from exc
            data = sorted(getattr(resp, "data", None) or [], key=lambda d: d.index)
            if len(data) != len(batch):
                raise DescriberError(f"{self.url} sent {len(data)} embeddings for {len(batch)} "
                                     f"texts (model {self.model!r})")
            rows.append(np.asarray([d.embedding for d in data], dtype=np.float32))
        if not rows:
            return np.zeros((0, 1), dtype=np.float32)
        return l2_normalise(np.concatenate(rows))
