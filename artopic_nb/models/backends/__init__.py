"""Model backends, one file each: a way of running a model (``transformers`` in process, a
GGUF file, an OpenAI-compatible server, CLIP/SigLIP image towers, or no model at all).

A backend registers itself in the one registry of models (:func:`artopic_nb.models.register`),
with its kind and what it needs; adding one is one new file here, nothing else::

    from artopic_nb.models import register

    @register("describer", "mybackend", packages=("torch",), model="a model name")
    class MyDescriber:
        def __init__(self, model, **options): ...

after which ``"mybackend:<model>"`` and ``ModelSpec("mybackend", ...)`` load it, it is listed
by :func:`artopic_nb.models.available`, and the contract tests run it.
:func:`register` here is the older form (spec names only; the kind is read from the class).
"""

from __future__ import annotations

import importlib
import pkgutil

from ..kinds import BACKENDS
from ..kinds import register as register_kind

__all__ = ["BACKENDS", "backend_class", "import_all", "register"]


def register(*names: str):
    """Class decorator (the 0.2.0 form): the spec backend ``names`` build this class. It is
    registered as a ``describer`` when it has ``describe``, a ``text_model`` when it has
    ``complete``. Prefer ``artopic_nb.models.register(kind, name, ...)``."""
    def add(cls: type) -> type:
        kinds = [k for k, method in (("describer", "describe"), ("text_model", "complete"))
                 if callable(getattr(cls, method, None))] or ["describer"]
        for name in names:
            for kind in kinds:
                register_kind(kind, name)(cls)
        return cls
    return add


def import_all() -> None:
    """Import every backend module of this folder, so that each has registered itself."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def backend_class(name: str) -> type:
    """The class registered for backend ``name`` (every backend module is imported first)."""
    if name not in BACKENDS:
        import_all()
    try:
        return BACKENDS[name]
    except KeyError:
        raise ValueError(f"no model backend {name!r}; the backends are "
                         f"{sorted(BACKENDS)}") from None
