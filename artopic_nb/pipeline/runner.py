"""The bookkeeping of a study's steps, apart from what each step does.

:class:`StepRunner` keeps results in one mapping (exposed as properties that exist once their
step ran, and :meth:`StepRunner.get`), and :meth:`StepRunner._run` runs a step from its
declaration in :mod:`artopic_nb.pipeline.graph`: it checks the step's inputs ran, derives its cache
key, computes or reads the result through :meth:`Cache.get_or_compute
<artopic_nb.data.cache.Cache.get_or_compute>`, drops what depended on an older result, records
parameters and timings, and tells whoever listens (the widgets).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from typing import Any

from ..data.cache import Cache
from .graph import STEPS, StepCodec, digest, downstream, producer, step_key
from .storage import quiet_model_loading

__all__ = ["StepNotRunError", "StepRunner", "renamed"]

#: The method that runs a step, where it differs from the step's name.
_METHOD = {"commonalities": "find_commonalities"}


def renamed(old: str, new: str, value: Any) -> Any:
    """``value``, given under a parameter's old name: warns that it is now ``new``."""
    warnings.warn(f"{old}= is now {new}= (the old name goes in the next release)",
                  DeprecationWarning, stacklevel=3)
    return value


class StepNotRunError(AttributeError):
    """A result was asked for before the step that makes it ran."""


def _result(name: str, step: str) -> property:
    def get(self):
        try:
            return self._results[name]
        except KeyError:
            raise StepNotRunError(f"{name} does not exist yet: run "
                                  f"study.{_METHOD.get(step, step)}() first") from None

    def set_(self, value):
        self._results[name] = value
        self._digests.pop(name, None)

    return property(get, set_, doc=f"Result of :meth:`Study.{_METHOD.get(step, step)}`.")



class StepRunner:
    """Results, parameters, timings and notes of steps run over one cache.

    ``seed`` is the seed of every random step that is not given its own.
    """

    def __init__(self, cache: Cache, seed: int = 0, progress: bool = True):
        self.cache = cache
        self.seed = seed
        self.progress = progress
        self.params_: dict[str, dict] = {}
        self.timings_: dict[str, float] = {}
        #: per step, what it chose on its own (defaults fit to the collection) and why
        self.notes_: dict[str, str] = {}
        self._results: dict[str, Any] = {}
        self._digests: dict[str, str] = {}
        self._callbacks: list[Callable[[str], None]] = []

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for step in STEPS.values():
            for name in step.results:
                setattr(cls, name, _result(name, step.name))

    def get(self, name: str, default: Any = None) -> Any:
        """Result ``name`` (e.g. ``"labels_"``), or ``default`` when its step has not run."""
        return self._results.get(name, default)

    def has(self, step: str) -> bool:
        """Whether ``step`` has run (and its results are current)."""
        step = {v: k for k, v in _METHOD.items()}.get(step, step)
        return all(r in self._results for r in STEPS[step].results)

    def steps_done(self) -> list[str]:
        return [s for s in STEPS if self.has(s)]

    def on_change(self, callback: Callable[[str], None]) -> Callable[[], None]:
        """Call ``callback(step_name)`` whenever a step changes results; returns an undo."""
        self._callbacks.append(callback)
        return lambda: self._callbacks.remove(callback) if callback in self._callbacks else None

    def _digest(self, name: str) -> str:
        if name not in self._digests:
            self._digests[name] = digest(self._results[name])
        return self._digests[name]

    def _drop(self, step: str) -> None:
        for name in STEPS[step].results:
            self._results.pop(name, None)
            self._digests.pop(name, None)
        for record in (self.params_, self.timings_, self.notes_):
            record.pop(step, None)

    def _note(self, step: str, text: str, say: bool = False) -> None:
        """Record (and with ``say``, print) what ``step`` chose on its own."""
        if text:
            self.notes_[step] = text
            if say:
                print(f"artopic_nb: {text}.")

    def _require(self, *names: str) -> None:
        for name in names:
            if name not in self._results:
                step = producer(name)
                raise StepNotRunError(f"run study.{_METHOD.get(step, step)}() first")

    def _run(self, name: str, params: dict, compute: Callable[[], dict],
             identity: dict | None = None, on_hit: Callable[[dict], dict] | None = None) -> StepRunner:
        """Run step ``name``: its result from the cache (passed through ``on_hit``) or
        ``compute()``; ``identity=None`` computes without caching (an input that cannot be
        named, such as a model object)."""
        step = STEPS[name]
        self._require(*step.reads)
        start = time.perf_counter()
        key = None if identity is None or not self.cache.enabled else step_key(
            name, {r: self._digest(r) for r in step.reads}, params, identity)
        computed = []

        def compute_quietly() -> dict:
            computed.append(True)
            with quiet_model_loading(not self.progress):
                return compute()

        results = self.cache.get_or_compute(name, key, compute_quietly, StepCodec(name))
        if on_hit is not None and not computed:
            results = on_hit(results)
        for stale in (name, *downstream(name)):
            self._drop(stale)
        self._results.update(results)
        self.params_[name] = params
        self.timings_[name] = round(time.perf_counter() - start, 3)
        for callback in list(self._callbacks):
            callback(name)
        return self

    def _seed(self, seed: int | None) -> int:
        return self.seed if seed is None else seed

