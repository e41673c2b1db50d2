"""Model backends, one file each: a way of running a model (``transformers`` in process, a
GGUF file, an OpenAI-compatible server, CLIP/SigLIP image towers, or no model at all).

A backend that a spec can name registers itself with :func:`register`; adding one is one new
file here (its class decorated with ``@register("name")``), nothing else::

    @register("mybackend")
    class MyDescriber:
        def __init__(self, model, **options): ...

after which ``"mybackend:<model>"`` and ``ModelSpec("mybackend", ...)`` load it.
"""

from __future__ import annotations

import importlib
import pkgutil

__all__ = ["BACKENDS", "backend_class", "register"]

#: Spec backend name -> the class it builds, filled by :func:`register` as modules load.
BACKENDS: dict[str, type] = {}


def register(*names: str):
    """Class decorator: the spec backend ``names`` build this class."""
    def add(cls: type) -> type:
        for name in names:
            BACKENDS[name] = cls
        return cls
    return add


def backend_class(name: str) -> type:
    """The class registered for backend ``name`` (every backend module is imported first)."""
    if name not in BACKENDS:
        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")
    try:
        return BACKENDS[name]
    except KeyError:
        raise ValueError(f"no model backend {name!r}; the backends are "
                         f"{sorted(BACKENDS)}") from None
