"""The step runner: one part of a :class:`~artopic_nb.pipeline.study.Study`, the bookkeeping
of its steps apart from what each step does.

:class:`StepRunner` keeps results in one mapping (:meth:`StepRunner.get`,
:meth:`StepRunner.set`), and :meth:`StepRunner.run` runs a step from its declaration in
:mod:`artopic_nb.pipeline.graph`: it checks the step's inputs ran, derives its cache key,
computes or reads the result through :meth:`Cache.get_or_compute
<artopic_nb.data.cache.Cache.get_or_compute>`, drops what depended on an older result, records
parameters and timings, and tells whoever listens (the widgets). The study's other parts
(queries, asking, shaping) hold a runner and use only these public methods.

Example
-------
>>> runner = StepRunner(collection, Cache(".artopic"))                # doctest: +SKIP
>>> runner.run("reduce", {...}); runner.get("coords_")                 # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..data.cache import Cache, digest
from ..data.memo import Memo
from ..models.hub import quiet_model_loading
from ..steps.base import Inputs
from .graph import STEPS, StepCodec, downstream, producer, step_key

__all__ = ["StepNotRunError", "StepRunner"]


class StepNotRunError(AttributeError):
    """A result was asked for before the step that makes it ran."""


class StepRunner:
    """Results, parameters, timings and notes of steps run over one collection and one cache.

    ``seed`` is the seed of every random step that is not given its own. ``memo`` keeps, for
    this runner only, intermediate values a step reuses within a session (the clustering
    algorithm's labels while edits rerun the cluster step).
    """

    def __init__(self, collection: Any, cache: Cache, seed: int = 0, progress: bool = True):
        self.collection = collection
        self.cache = cache
        self.seed = seed
        self.progress = progress
        self.params_: dict[str, dict] = {}
        self.timings_: dict[str, float] = {}
        #: per step, what it chose on its own (defaults fit to the collection) and why
        self.notes_: dict[str, str] = {}
        self.memo = Memo(max_entries=32, max_bytes=512 * 2 ** 20)
        self._results: dict[str, Any] = {}
        self._digests: dict[str, str] = {}
        self._callbacks: list[Callable[[str], None]] = []

    # -- results --------------------------------------------------------------------------------
    def get(self, name: str, default: Any = None) -> Any:
        """Result ``name`` (``"labels_"`` ...), or ``default`` when its step has not run."""
        return self._results.get(name, default)

    def result(self, name: str) -> Any:
        """Result ``name``; :class:`StepNotRunError` (saying which verb makes it) when its
        step has not run."""
        try:
            return self._results[name]
        except KeyError:
            raise StepNotRunError(f"{name} does not exist yet: run study."
                                  f"{STEPS[producer(name)].verb}() first") from None

    def set(self, name: str, value: Any) -> None:
        """Set result ``name`` (loading a saved study; a test's hand-made result)."""
        producer(name)  # a KeyError for a name no step makes
        self._results[name] = value
        self._digests.pop(name, None)

    def has(self, step: str) -> bool:
        """Whether ``step`` (a step's name or its verb) has run and its results are current."""
        names = {s.verb: s.name for s in STEPS.values()}
        if step not in STEPS and step not in names:
            raise ValueError(f"there is no step {step!r}; the steps are {list(STEPS)}")
        return all(r in self._results for r in STEPS[names.get(step, step)].results)

    def steps_done(self) -> list[str]:
        return [s for s in STEPS if self.has(s)]

    def digest(self, name: str) -> str:
        """The content digest of result ``name`` (computed once per value)."""
        if name not in self._digests:
            self._digests[name] = digest(self._results[name])
        return self._digests[name]

    def require(self, *names: str) -> None:
        """A :class:`StepNotRunError` naming the verb to run for the first missing result."""
        for name in names:
            if name not in self._results:
                raise StepNotRunError(f"run study.{STEPS[producer(name)].verb}() first")

    # -- bookkeeping ----------------------------------------------------------------------------
    def seed_for(self, seed: int | None) -> int:
        """``seed``, or the runner's when it is None."""
        return self.seed if seed is None else seed

    def note(self, step: str, text: str, say: bool = False) -> None:
        """Record (and with ``say``, print) what ``step`` chose on its own."""
        if text:
            self.notes_[step] = text
            if say:
                print(f"artopic_nb: {text}.")

    def on_change(self, callback: Callable[[str], None]) -> Callable[[], None]:
        """Call ``callback(step_name)`` whenever a step changes results; returns an undo."""
        self._callbacks.append(callback)
        return lambda: self._callbacks.remove(callback) if callback in self._callbacks else None

    @property
    def listeners(self) -> tuple[Callable[[str], None], ...]:
        """The callbacks :meth:`on_change` registered and not yet undone."""
        return tuple(self._callbacks)

    def _drop(self, step: str) -> None:
        for name in STEPS[step].results:
            self._results.pop(name, None)
            self._digests.pop(name, None)
        for record in (self.params_, self.timings_, self.notes_):
            record.pop(step, None)

    # -- running --------------------------------------------------------------------------------
    def run(self, name: str, params: dict, given: dict | None = None) -> StepRunner:
        """Run step ``name`` with ``params`` (and ``given``: what its parameters name but
        cannot hold, such as loaded models): its result from the cache, or computed and
        cached; then drop what depended on an older result, and record and announce it."""
        step = STEPS[name]
        self.require(*step.reads)
        start = time.perf_counter()
        inputs = Inputs({r: self._results[r] for r in step.reads}, self.collection, self.cache,
                        self.progress, given or {}, self.memo)
        identity = step.identity(inputs, **params) if self.cache.enabled else None
        key = None if identity is None else step_key(
            name, {r: self.digest(r) for r in step.reads}, params, identity)
        computed = []

        def compute() -> dict:
            computed.append(True)
            with quiet_model_loading(not self.progress):
                return step.compute(inputs, **params)

        results = self.cache.get_or_compute(name, key, compute, StepCodec(name))
        if step.on_hit is not None and not computed:
            results = step.on_hit(results)
        for stale in (name, *downstream(name)):
            self._drop(stale)
        self._results.update(results)
        self.params_[name] = params
        self.timings_[name] = round(time.perf_counter() - start, 3)
        for callback in list(self._callbacks):
            callback(name)
        return self
