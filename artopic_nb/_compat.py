"""Every name that artopic_nb 0.1.0 had and 0.2.0 moved or renamed, in one place.

Each still works, with a :class:`DeprecationWarning` that names its new home and the version
that removes it (:data:`REMOVED_IN`). Nothing inside the package uses these names; the
package's facade imports this module once, to install them:

- the old flat modules (``artopic_nb.embed``, ``artopic_nb.study`` ...): importing one gives a
  stand-in module whose names come from their new homes (:data:`MOVED_MODULES`);
- names renamed or removed inside them (:data:`RENAMED`), such as ``describe.load_describer``
  (now :func:`artopic_nb.models.registry.load_backend`) or ``DEFAULT_MODEL``;
- ``Study.commonalities()`` (now ``Study.find_commonalities()``).

The full list of moves is in ``CHANGELOG.md``.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from typing import Any

__all__ = ["MOVED_MODULES", "REMOVED_IN", "RENAMED", "install"]

#: The release that removes every name of this module.
REMOVED_IN = "0.3.0"

_P = "artopic_nb."

#: Old module -> the modules its names now live in, the first being its new home.
MOVED_MODULES: dict[str, tuple[str, ...]] = {_P + old: tuple(_P + n for n in new) for old, new in {
    "cache": ("data.cache",),
    "collection": ("data.collection", "data.images", "data.metadata"),
    "colour": ("data.colour",),
    "file_index": ("data.file_index",),
    "images": ("data.images",),
    "metadata": ("data.metadata",),
    "claims": ("text.claims", "text.sentences"),
    "keywords": ("text.keywords",),
    "prompts": ("text.prompts", "models.protocols"),
    "summaries": ("text.summaries",),
    "text": ("text.encoder", "text.prompts"),
    "cluster": ("steps.cluster",),
    "describe": ("steps.describe", "models.registry", "models.protocols",
                 "models.backends.attributes", "models.backends.transformers",
                 "models.backends.openai", "models.backends.gguf", "models.hub"),
    "embed": ("steps.embed", "models.embedders", "models.backends.clip",
              "models.backends.color", "models.preprocess", "models.hub"),
    "embed_transformers": ("models.backends.clip",),
    "reduce": ("steps.reduce",),
    "sample": ("steps.sample",),
    "topics": ("steps.commonalities", "text.summaries", "text.keywords", "text.claims"),
    "_umap_cache": ("models.umap_kernels", "data.cache"),
    "engine": ("pipeline.runner",),
    "steps": ("pipeline.graph", "steps.base", "data.cache"),
    "study": ("pipeline.study", "pipeline.runner"),
    "study_io": ("pipeline.storage", "models.registry", "models.hub",
                 "steps.predict_genres", "steps.describe"),
    "study_queries": ("pipeline.queries",),
    "genre": ("genre.predict", "genre.embedding", "genre.llm", "genre.evaluation",
              "genre.names", "genre.calibration", "text.encoder", "models.protocols"),
    "genre_calibration": ("genre.calibration",),
    "genre_embedding": ("genre.embedding",),
    "genre_eval": ("genre.evaluation",),
    "genre_llm": ("genre.llm",),
    "genre_names": ("genre.names",),
    "hub": ("models.hub",),
    "judges": ("models.judges", "text.sentences"),
    "preprocess": ("models.preprocess",),
    "backends": ("models.registry", "models.protocols", "models.backends",
                 "models.backends.attributes", "models.backends.transformers",
                 "models.backends.openai", "models.backends.gguf", "models.hub"),
    "backends.base": ("models.protocols",),
    "backends.attributes": ("models.backends.attributes",),
    "backends.gguf": ("models.backends.gguf",),
    "backends.openai": ("models.backends.openai",),
    "backends.transformers": ("models.backends.transformers",),
    "widgets.charts": ("charts",),
}.items()}

#: (old module, old name) -> (module, name) of what replaces it.
RENAMED: dict[tuple[str, str], tuple[str, str]] = {
    ("artopic_nb", "load_describer"): (_P + "models.registry", "load_backend"),
    (_P + "describe", "Describer"): (_P + "models.protocols", "ImageDescriber"),
    (_P + "describe", "load_describer"): (_P + "models.registry", "load_backend"),
    (_P + "describe", "DEFAULT_MODEL"): (_P + "models.backends.transformers", "DEFAULT_DESCRIBER"),
    (_P + "describe", "DEFAULT_MODELS"): (_P + "models.backends.transformers", "DEFAULT_DESCRIBERS"),
    (_P + "backends", "DEFAULT_MODEL"): (_P + "models.backends.transformers", "DEFAULT_DESCRIBER"),
    (_P + "backends", "DEFAULT_MODELS"): (_P + "models.backends.transformers", "DEFAULT_DESCRIBERS"),
    (_P + "backends.transformers", "DEFAULT_MODEL"):
        (_P + "models.backends.transformers", "DEFAULT_DESCRIBER"),
    (_P + "models", "DEFAULT_MODEL"): (_P + "models", "DEFAULT_DESCRIBER"),
    (_P + "models", "DEFAULT_MODELS"): (_P + "models", "DEFAULT_DESCRIBERS"),
    (_P + "embed", "DEFAULT_MODEL"): (_P + "models.backends.clip", "DEFAULT_EMBEDDER"),
    (_P + "embed_transformers", "DEFAULT_MODEL"): (_P + "models.backends.clip", "DEFAULT_EMBEDDER"),
    (_P + "genre", "DEMO_GENRES"): (_P + "genre.names", "DEFAULT_GENRES"),
    (_P + "genre_embedding", "DEMO_GENRES"): (_P + "genre.names", "DEFAULT_GENRES"),
    (_P + "prompts", "text_model_id"): (_P + "text.prompts", "model_name"),
    (_P + "study_io", "genre_predictor"): (_P + "models.genre_predictors", "load_genre_predictor"),
    (_P + "study_io", "quiet_model_loading"): (_P + "models.hub", "quiet_model_loading"),
    (_P + "study_queries", "_known_genres"): (_P + "steps.predict_genres", "known_genres"),
    (_P + "collection", "_open_checked"): (_P + "data.images", "open_checked"),
    (_P + "collection", "_read_metadata_table"): (_P + "data.metadata", "read_metadata_table"),
    (_P + "collection", "_BASE_COLUMNS"): (_P + "data.collection", "BASE_COLUMNS"),
    (_P + "steps", "BOOKKEEPING_COLUMNS"): (_P + "data.cache", "BOOKKEEPING_COLUMNS"),
}


def _warn(old: str, new: str) -> None:
    # the warning points at the code that used the old name: the first frame outside this
    # module (warnings.warn itself skips the import machinery's frames)
    frame, level = sys._getframe(0), 1
    while frame is not None and (frame.f_globals.get("__name__") == __name__
                                 or frame.f_code.co_filename.startswith("<frozen importlib")):
        if not frame.f_code.co_filename.startswith("<frozen importlib"):
            level += 1
        frame = frame.f_back
    warnings.warn(f"{old} is now {new}; the old name goes in artopic_nb {REMOVED_IN}",
                  DeprecationWarning, stacklevel=level)


def _chart(chart: str):
    def draw(*args: Any, **kwargs: Any):
        from . import charts

        return getattr(charts, chart)(*args, **kwargs)
    return draw


#: Old functions whose replacement is a function of another shape (a chart of artopic_nb.charts).
_FUNCTIONS = {(_P + "genre", "confusion_chart"): ("artopic_nb.charts.confusion_matrix",
                                                   _chart("confusion_matrix")),
              (_P + "topics", "keywords_chart"): ("artopic_nb.charts.keywords", _chart("keywords"))}


def _lookup(old_module: str, name: str) -> Any:
    if (old_module, name) in RENAMED:
        module, new = RENAMED[(old_module, name)]
        _warn(f"{old_module}.{name}", f"{module}.{new}")
        return getattr(importlib.import_module(module), new)
    if (old_module, name) in _FUNCTIONS:
        new, function = _FUNCTIONS[(old_module, name)]
        _warn(f"{old_module}.{name}", new)
        return function
    for module in MOVED_MODULES.get(old_module, ()):
        found = importlib.import_module(module)
        if hasattr(found, name):
            return getattr(found, name)
    raise AttributeError(f"module {old_module!r} has no attribute {name!r}")


class _MovedModule(types.ModuleType):
    """A stand-in for a module of 0.1.0: its names come from their new homes."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _lookup(self.__name__, name)

    def __dir__(self) -> list[str]:
        names = set()
        for module in MOVED_MODULES[self.__name__]:
            names |= set(getattr(importlib.import_module(module), "__all__", ()))
        return sorted(names)


class _MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds the old module names; each import warns once and gives a stand-in module."""

    def find_spec(self, fullname, path, target=None):
        if fullname not in MOVED_MODULES:
            return None
        # an old package (backends) keeps its submodules importable
        is_package = any(m.startswith(fullname + ".") for m in MOVED_MODULES)
        return importlib.machinery.ModuleSpec(fullname, self, is_package=is_package)

    def create_module(self, spec):
        _warn(spec.name, MOVED_MODULES[spec.name][0])
        module = _MovedModule(spec.name)
        if spec.submodule_search_locations is not None:
            module.__path__ = []
        return module

    def exec_module(self, module):
        pass


def _study_commonalities(self, *args: Any, **kwargs: Any):
    """Deprecated name of :meth:`~artopic_nb.pipeline.study.Study.find_commonalities`."""
    _warn("study.commonalities()", "study.find_commonalities()")
    return self.find_commonalities(*args, **kwargs)


#: Old modules whose name is now a package's: their old names are served by the package.
_NOW_PACKAGES = tuple(_P + p for p in ("genre", "models", "steps", "text"))


def _package_getattr(package: str):
    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        value = _lookup(package, name)
        if (package, name) not in RENAMED and (package, name) not in _FUNCTIONS:
            home = next(m for m in MOVED_MODULES[package]
                        if hasattr(importlib.import_module(m), name))
            _warn(f"{package}.{name}", f"{home}.{name}")
        return value
    return __getattr__


def install() -> None:
    """Make the old names work (called once by ``artopic_nb/__init__.py``)."""
    if not any(isinstance(f, _MovedModuleFinder) for f in sys.meta_path):
        sys.meta_path.append(_MovedModuleFinder())
    from .pipeline.study import Study

    Study.commonalities = _study_commonalities
    for package in _NOW_PACKAGES:
        importlib.import_module(package).__getattr__ = _package_getattr(package)
    root = sys.modules["artopic_nb"]
    lazy = root.__getattr__  # the facade's names served on first use (the sources)

    def __getattr__(name: str) -> Any:
        if ("artopic_nb", name) in RENAMED:
            return _lookup("artopic_nb", name)
        return lazy(name)

    root.__getattr__ = __getattr__
