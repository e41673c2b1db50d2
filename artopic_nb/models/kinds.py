"""The one registry of models, for every kind: :func:`register`, :class:`Registration`.

Every way of running a model registers itself the same way, with what it needs::

    @register("text_encoder", "my-encoder", packages=("sentence_transformers",),
              model="a sentence-transformers folder", what="my own sentence encoder")
    class MyEncoder:
        def __init__(self, model, **options): ...

The kinds are :data:`KINDS`: ``embedder`` (images to vectors), ``text_encoder`` (texts to
vectors), ``describer`` (images to text), ``text_model`` (text to text), ``judge`` (does a
text support a claim?) and ``genre_predictor`` (captions to genres). A registration names its
needs: Python ``packages`` (import names), ``files`` that must be on disk (a function giving
their paths), the ``model`` it takes when one is named (``"clip:<folder>"``) and the
``default`` model it loads when none is. :meth:`Registration.missing` checks them cheaply
(installed packages, files on disk, the Hugging Face cache; no model is loaded, no network
asked). Loading is one function per kind (:func:`artopic_nb.models.load`);
:func:`artopic_nb.models.available` lists every registration in a table.

``test_model`` names the family of model the contract tests build for a registration that
takes one (``"clip"``, ``"vlm"``, ``"causal-lm"`` ...): a new registration is tested by being
registered (``tests/test_model_contracts.py``).

Example
-------
>>> reg = Registration("judge", "lexical", object, what="word match")
>>> reg.missing()
''
>>> Registration("judge", "x", object, packages=("no_such_package_xyz",)).missing()
'package no_such_package_xyz is not installed'
"""

from __future__ import annotations

import importlib.util
import inspect
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["BACKENDS", "KINDS", "REGISTRY", "Registration", "build", "find", "register", "registrations",
           "unregister"]

#: Every kind of model, with what it turns into what.
KINDS: dict[str, str] = {
    "embedder": "images to vectors (float32 unit rows)",
    "text_encoder": "texts to vectors (float32 unit rows)",
    "describer": "images to text, one per image and prompt",
    "text_model": "text prompts to text answers",
    "judge": "a verdict per (claim, description or image)",
    "genre_predictor": "captions to one of the given genres",
}

#: (kind, name) -> its :class:`Registration`, filled by :func:`register` as modules load.
REGISTRY: dict[tuple[str, str], Registration] = {}

#: Spec backend name -> the class it builds (``"hf"``, ``"gguf"``, ``"openai"`` ...): the
#: describer and text-model classes registered here, read by :mod:`artopic_nb.models.specs`.
BACKENDS: dict[str, type] = {}

#: Kinds whose registered classes are also spec backends (``"<name>:<model>"`` strings of
#: :func:`artopic_nb.models.parse`).
SPEC_KINDS = ("describer", "text_model")


@dataclass(frozen=True)
class Registration:
    """One way of running one kind of model, and what it needs.

    ``factory(model=None, **options)`` builds it (a class, or a function); ``aliases`` are
    other names a spec may use; ``packages`` import names that must be installed; ``files``
    a function returning paths that must exist; ``model`` what a named model is (empty: it
    takes none); ``default`` the model it loads when none is named (checked on disk);
    ``test_model`` the model family the contract tests build for it; ``what`` one line.
    """

    kind: str
    name: str
    factory: Callable[..., Any]
    aliases: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    files: Callable[[], Iterable[str | os.PathLike]] | None = None
    model: str = ""
    default: str | None = None
    test_model: str = ""
    what: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def needs(self) -> str:
        """What it needs, in words ("packages torch, transformers; a CLIP hub id or folder")."""
        parts = []
        if self.packages:
            parts.append("packages " + ", ".join(self.packages))
        if self.files is not None:
            parts.append("files on disk" + (f" ({self.what_files()})" if self.what_files() else ""))
        if self.model:
            parts.append(self.model + (f" (default {self.default})" if self.default else ""))
        return "; ".join(parts) or "nothing"

    def what_files(self) -> str:
        try:
            return ", ".join(Path(p).name for p in self.files())  # type: ignore[misc]
        except Exception:  # noqa: BLE001 - a missing file is what missing() reports
            return ""

    def missing(self, model: str | None = None, *, check_model: bool = True) -> str:
        """Why it cannot load here as named ("" when it can): a package not installed, a
        file not on disk, or (unless not ``check_model``) its default model (``model``: that
        model) not on disk."""
        for package in self.packages:
            if importlib.util.find_spec(package) is None:
                return f"package {package} is not installed"
        if self.files is not None:
            try:
                absent = [str(p) for p in self.files() if not Path(p).exists()]
            except Exception as exc:  # noqa: BLE001 - the file's own locator said why
                return str(exc).split(". ")[0]
            if absent:
                return f"file {absent[0]} is not on disk"
        model = model if model is not None else self.default
        if check_model and model is not None and not _on_disk(model):
            return (f"model {model} is not on disk (not a folder here, not in the Hugging Face "
                    f"cache); name a local folder: \"{self.name}:<folder>\"")
        return ""

    def build(self, model: str | None = None, **options: Any) -> Any:
        """``factory(model, **options)`` (without ``model`` when None)."""
        return self.factory(**options) if model is None else self.factory(model, **options)

    def accepts(self, option: str) -> bool:
        """Whether the factory names keyword ``option`` (a ``**options`` catch-all does not
        count: context such as ``llm=`` goes only to the factories that ask for it)."""
        try:
            params = inspect.signature(self.factory).parameters
        except (TypeError, ValueError):
            return False
        return option in params and params[option].kind in (
            inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _on_disk(model: str) -> bool:
    """A local folder or file, or a hub id in the Hugging Face cache (no network)."""
    if Path(model).expanduser().exists():
        return True
    from .hub import _cached

    return _cached(model)


def register(kind: str, name: str, *, aliases: Iterable[str] = (), packages: Iterable[str] = (),
             files: Callable[[], Iterable[str | os.PathLike]] | None = None, model: str = "",
             default: str | None = None, test_model: str = "", what: str = ""):
    """Decorator: ``name`` (and ``aliases``) of ``kind`` build the decorated class or function.

    A describer or text-model class also becomes a spec backend (``"<name>:<model>"``).
    Registering a (kind, name) again replaces it. Raises ValueError for an unknown kind.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {list(KINDS)}, not {kind!r}")

    def add(factory: Callable[..., Any]) -> Callable[..., Any]:
        doc = (inspect.getdoc(factory) or "").split("\n\n")[0].replace("\n", " ")
        REGISTRY[(kind, name)] = Registration(
            kind, name, factory, tuple(aliases), tuple(packages), files, model, default,
            test_model, what or doc.split(". ")[0])
        if kind in SPEC_KINDS and inspect.isclass(factory):
            BACKENDS[name] = factory
        return factory
    return add


def unregister(kind: str, name: str) -> None:
    """Remove a registration (a test's own plug-in, say); the spec backend goes with it."""
    reg = REGISTRY.pop((kind, name), None)
    if reg is not None and kind in SPEC_KINDS and not any(
            k in SPEC_KINDS and n == name for k, n in REGISTRY):
        BACKENDS.pop(name, None)


def registrations(kind: str | None = None) -> list[Registration]:
    """The registrations of ``kind`` (all kinds: None), in the order of :data:`KINDS`."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {list(KINDS)}, not {kind!r}")
    order = list(KINDS)
    return sorted((r for r in REGISTRY.values() if kind is None or r.kind == kind),
                  key=lambda r: (order.index(r.kind), r.name))


def find(kind: str, spec: str) -> tuple[Registration, str | None] | None:
    """(registration, named model or None) that the string ``spec`` names within ``kind``:
    ``"<name>"`` or ``"<name>:<model>"`` for a registered name or alias (any case); None."""
    by_name = {n.lower(): r for r in registrations(kind) for n in r.names}
    text = str(spec).strip()
    if text.lower() in by_name:
        return by_name[text.lower()], None
    prefix, colon, model = text.partition(":")
    if colon and prefix.lower() in by_name:
        return by_name[prefix.lower()], model or None
    return None


def build(kind: str, spec: str, context: dict[str, Any] | None = None,
          **options: Any) -> Any | None:
    """The model of ``kind`` the string ``spec`` names, built with ``options`` and those of
    ``context`` its factory takes (``llm=``, ``collection=`` ...); None for an unknown name."""
    found = find(kind, spec)
    if found is None:
        return None
    reg, model = found
    extra = {k: v for k, v in (context or {}).items() if v is not None and reg.accepts(k)}
    return reg.build(model, **extra, **options)
