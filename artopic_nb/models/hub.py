"""Loading pretrained models without hanging on an unreachable model hub.

``from_pretrained`` on a machine without network retries for about half a minute before it
fails. :func:`load_pretrained` first looks in local folders and the Hugging Face cache, then
checks in two seconds whether the hub answers at all, and only then downloads. When nothing
works it raises :class:`ModelUnavailableError`, whose message says how to get the model.
"""

from __future__ import annotations

import os
import re
import socket
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ..data.fingerprint import fingerprint

__all__ = ["quiet_model_loading",
    "ModelUnavailableError",
    "auto_device",
    "auto_dtype",
    "ensure_available",
    "fingerprint",
    "hf_model_id",
    "hub_reachable",
    "load_pretrained",
    "precision_tag",
]


class ModelUnavailableError(RuntimeError):
    """A model that cannot be loaded here (not local, not cached, hub unreachable)."""


def hub_reachable(timeout: float = 2.0) -> bool:
    """Whether the Hugging Face hub answers a TCP connection within ``timeout`` seconds."""
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes"):
        return False
    host = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co")).hostname
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def _cached(name: str) -> bool:
    """Whether the Hugging Face cache holds ``name``'s main revision (its ``config.json``).

    Reads the cache's documented layout (``models--ORG--NAME/refs/main`` names the snapshot)
    rather than calling ``huggingface_hub.try_to_load_from_cache``, whose import costs a
    warm study 60 ms (a sixth of its time) to answer the same question.
    """
    try:
        from huggingface_hub import constants
    except ImportError:
        return False
    if not re.fullmatch(r"[\w.-]+(/[\w.-]+)?", name):  # not a repo id
        return False
    repo = Path(constants.HF_HUB_CACHE) / f"models--{name.replace('/', '--')}"
    try:
        revision = (repo / "refs" / "main").read_text().strip()
    except OSError:
        return False
    return (repo / "snapshots" / revision / "config.json").is_file()


def _unavailable_message(name: str, what: str) -> str:
    return (
        f"the {what} {name!r} is not in the local Hugging Face cache and the hub "
        "(huggingface.co) cannot be reached from here. To use it: run once with network "
        "access so it is cached, or download it elsewhere "
        f"(`huggingface-cli download {name}`) and pass the local folder's path instead "
        "of the name."
    )


def ensure_available(name: str | os.PathLike, what: str) -> None:
    """Raise :class:`ModelUnavailableError` now, cheaply, when ``name`` cannot be loaded.

    Checks a local folder, then the Hugging Face cache, then whether the hub answers;
    it imports neither torch nor transformers, so a fallback decision costs milliseconds.
    """
    name = str(name)
    folder = Path(name).expanduser()
    if folder.is_dir():
        return
    if folder.suffix or name.startswith((".", "/", "~")):
        raise ModelUnavailableError(f"the {what} folder {name} does not exist")
    if _cached(name) or hub_reachable():
        return
    raise ModelUnavailableError(_unavailable_message(name, what))


def load_pretrained(loader: Callable[..., Any], name: str | os.PathLike, what: str, **kwargs) -> Any:
    """``loader(name, **kwargs)`` from a local folder, the HF cache, or the hub, in that order.

    ``what`` names the kind of model in error messages ("image embedding model", ...). A
    model that needs a package which is not installed (LFM2-VL's image processor needs
    torchvision, for example) is unavailable too, with the package named.
    """
    try:
        return _load_pretrained(loader, str(name), what, **kwargs)
    except (ImportError, ModelUnavailableError) as exc:
        missing = _missing_package(exc)
        if missing is None:
            raise
        raise ModelUnavailableError(
            f"the {what} {str(name)!r} needs {missing}, which is not installed. Install it "
            "(for torchvision, the build that matches your torch), or choose another model."
        ) from exc


def _missing_package(exc: BaseException) -> str | None:
    """The package a transformers error says is missing ("... requires the Torchvision
    library ...", "Missing optional dependencies: torchvision."), or None."""
    while exc is not None:
        text = " ".join(str(exc).split())
        found = re.search(r"Missing optional dependencies: ([\w ,.-]+?)\.(?: |$)", text) or \
            re.search(r"requires the (\w[\w-]*) library", text)
        if found:
            return found.group(1).lower()
        exc = exc.__cause__
    return None


def _load_pretrained(loader: Callable[..., Any], name: str, what: str, **kwargs) -> Any:
    if Path(name).expanduser().is_dir():
        try:
            return loader(str(Path(name).expanduser()), **kwargs)
        except (OSError, ValueError) as exc:
            raise ModelUnavailableError(
                f"could not load the {what} from the folder {name}: {exc}"
            ) from exc
    try:
        return loader(name, local_files_only=True, **kwargs)
    except (OSError, ValueError):
        pass
    if hub_reachable():
        try:
            return loader(name, **kwargs)
        except (OSError, ValueError) as exc:
            raise ModelUnavailableError(f"could not load the {what} {name!r}: {exc}") from exc
    raise ModelUnavailableError(_unavailable_message(name, what))


def auto_device(device: str = "auto") -> str:
    """``device`` itself, or for ``"auto"`` the best available: cuda, then mps, then cpu."""
    import torch

    if device != "auto":
        return device
    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def auto_dtype(dtype, device: str):
    """A torch dtype: as given, or for ``"auto"`` bfloat16 (else float16) on cuda, float16 on
    mps and float32 on cpu."""
    import torch

    if dtype not in (None, "auto"):
        return getattr(torch, dtype) if isinstance(dtype, str) else dtype
    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device.startswith("mps"):
        return torch.float16
    return torch.float32


def precision_tag(dtype, quantize: bool = False) -> str:
    """What a model id adds for the precision a model runs in: nothing for float32, ``+bf16``
    or ``+fp16`` for half precision (any other dtype by its torch name), and ``+int8`` when
    its linear layers are quantized. Results computed in another precision differ, so they
    must not share cache keys ("auto" is bfloat16 on a GPU, float32 on a CPU)."""
    name = str(dtype).removeprefix("torch.")
    tag = {"float32": "", "bfloat16": "+bf16", "float16": "+fp16"}.get(name, f"+{name}")
    return tag + ("+int8" if quantize else "")


def quantize_int8(model, device: str):
    """The model with its linear layers in int8 (dynamic quantization, CPU only)."""
    import warnings

    import torch

    if device != "cpu":
        raise ValueError(f"quantize=True runs on the CPU only, not on {device!r}")
    with warnings.catch_warnings():  # torch.ao's own notices about its future home (torchao)
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def hf_model_id(model: str | os.PathLike) -> str:
    """The id of a ``transformers`` model in tables and cache keys, one scheme for every kind:
    ``hf:<hub id>``, and for a local folder or file (a ``.gguf``) ``hf:<its name>@<content
    fingerprint>``: the fingerprint follows the weights, the name keeps tables readable."""
    path = Path(model).expanduser()
    if path.is_dir():
        return f"hf:{path.name}@{fingerprint(path.iterdir())}"
    if path.is_file():
        return f"hf:{path.stem}@{fingerprint([path])}"
    return f"hf:{model}"


@contextmanager
def quiet_model_loading(quiet: bool):
    """Hide transformers' own progress bars ("Loading weights") while ``quiet``."""
    if not quiet:
        yield
        return
    if "transformers" in sys.modules:
        from transformers.utils import logging as bars
        is_on, off, on = bars.is_progress_bar_enabled, bars.disable_progress_bar, \
            bars.enable_progress_bar
    else:  # transformers reads this switch when it is imported; importing it here costs seconds
        from huggingface_hub import utils as bars
        is_on = lambda: not bars.are_progress_bars_disabled()  # noqa: E731
        off, on = bars.disable_progress_bars, bars.enable_progress_bars
    was_on = is_on()
    off()
    try:
        yield
    finally:
        if was_on:
            on()
