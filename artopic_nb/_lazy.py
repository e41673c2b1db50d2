"""Public names imported on first use (PEP 562), where importing them costs start-up time.

Example
-------
>>> __getattr__, __dir__ = from_module_on_use(__name__, ("from_iiif",), "artopic_nb.sources")
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from typing import Any


def from_module_on_use(module: str, names: Sequence[str], source: str
                       ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A ``__getattr__`` and ``__dir__`` for ``module`` that serve ``names`` from ``source``,
    importing ``source`` when one of them is first asked for."""

    def __getattr__(name: str) -> Any:
        if name in names:
            return getattr(importlib.import_module(source), name)
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted([*vars(sys.modules[module]), *names])

    return __getattr__, __dir__
