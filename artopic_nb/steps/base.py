"""What a step is: its declaration, and what its computation is given.

Each module of :mod:`artopic_nb.steps` declares one :class:`Step` beside the code that
computes it. The declaration is all the runner (:mod:`artopic_nb.pipeline.runner`) needs:
which earlier results the step reads, what it makes and how each result is stored, which
parameters enter its cache key, what else its result depends on (:attr:`Step.identity`: model
weights, prompt versions, the images' content), its version and the libraries whose versions
change its numbers. Adding a step is one module with one ``STEP`` and its entry in
:data:`artopic_nb.pipeline.graph.STEPS`.

Example
-------
>>> def double(inputs, *, factor):
...     return {"doubled_": inputs["embeddings_"] * factor}
>>> step = Step("double", reads=("embeddings_",), results={"doubled_": "npy"},
...             params=("factor",), compute=double)
>>> step.verb
'double'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Inputs", "Step"]


@dataclass
class Inputs(Mapping):
    """What a step's computation is given: the results it reads (``inputs["labels_"]``),
    the collection, the cache, whether to show progress, what the study resolved for it
    that its parameters name but cannot hold (``inputs.given["embedder"]``: a loaded model;
    ``inputs.given["ids"]``: the works to describe), and the runner's memo."""

    results: dict[str, Any]
    collection: Any
    cache: Any
    progress: bool = True
    given: dict[str, Any] = field(default_factory=dict)
    #: the runner's in-memory store (:class:`~artopic_nb.data.memo.Memo`) for intermediate
    #: values a step reuses within a session (None: nothing kept)
    memo: Any = None

    def __getitem__(self, name: str) -> Any:
        return self.results[name]

    def __iter__(self):
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)


def _no_identity(inputs: Inputs, **params: Any) -> dict:
    return {}


@dataclass(frozen=True)
class Step:
    """One pipeline step, declared once.

    ``reads``: the results of earlier steps it reads; ``results``: result name -> how it is
    stored (``"npy"``, ``"parquet"``, ``"json"``, or ``"frames"`` for an object of class
    ``frames`` that round-trips through ``to_frames`` / ``from_frames``); ``params``: the
    parameters that enter its key; ``compute(inputs, **params)``: its results as a dict;
    ``identity(inputs, **params)``: everything else its key depends on (None: the result
    cannot be named in full, so it is computed and not cached); ``on_hit``: applied to a
    result read from the cache; ``verb``: the :class:`~artopic_nb.pipeline.study.Study`
    method that runs it (default: its name); ``version``: bumped when the computation
    changes; ``libraries``: the distributions whose versions its numbers depend on.
    """

    name: str
    reads: tuple[str, ...]
    results: dict[str, str]
    params: tuple[str, ...]
    compute: Callable[..., dict]
    identity: Callable[..., dict | None] = _no_identity
    on_hit: Callable[[dict], dict] | None = None
    frames: type | None = None
    verb: str = ""
    version: int = 1
    libraries: tuple[str, ...] = ()

    def __post_init__(self):
        if not self.verb:
            object.__setattr__(self, "verb", self.name)
