"""Ray, imported only when used: the extra's hint, joining or starting a cluster, and what
the cluster has (CPUs, GPUs).

Nothing in :mod:`artopic_nb` imports ``ray`` at import time; every function of
:mod:`artopic_nb.scale` calls :func:`require_ray` first, so a missing extra is one clear
``ImportError`` at the first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

__all__ = ["EXTRA_HINT", "RayRun", "actor_layout", "cluster_resources", "connect", "frame_blocks",
           "require_ray"]

EXTRA_HINT = 'pip install "artopic-nb[scale]"  (Ray Data, ray[data]==2.60.0)'


def require_ray() -> Any:
    """The ``ray`` module with Ray Data, or an ImportError naming the extra to install.

    Example
    -------
    >>> ray = require_ray()          # doctest: +SKIP
    """
    try:
        import ray
        import ray.data  # noqa: F401  (the part we use; a bare ray install lacks pyarrow glue)
    except ImportError as exc:
        raise ImportError(f"artopic_nb.scale runs on Ray Data, which is not installed: "
                          f"{EXTRA_HINT}") from exc
    return ray


def connect(address: str | None = None, progress: bool = True) -> Any:
    """Ray, connected: the running instance when this process already joined one, else
    ``ray.init(address)`` (``None``: ``RAY_ADDRESS`` or a new local instance; ``"auto"``: the
    cluster this machine belongs to; ``"ray://host:10001"``: a remote cluster through Ray
    Client). Ray Data's progress bars follow ``progress``.

    Example
    -------
    >>> ray = connect("auto")        # doctest: +SKIP
    """
    ray = require_ray()
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False if address is None else None,
                 log_to_driver=progress)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = progress
    context.print_on_execution_start = progress
    return ray


def cluster_resources() -> dict[str, float]:
    """The cluster's total ``CPU`` and ``GPU`` (0 when it has none)."""
    ray = require_ray()
    resources = ray.cluster_resources()
    return {"CPU": float(resources.get("CPU", 0)), "GPU": float(resources.get("GPU", 0))}


def actor_layout(gpus: float, actors: int | None, cpus_per_actor: float | None
                 ) -> tuple[int, float]:
    """(actors, CPUs per actor) of a model's actor pool: one actor per GPU with one CPU beside
    it; on a CPU-only cluster one actor per CPU (one thread each: separate processes scale
    better than torch's threads in one, 24.2 against 21.0 images/s for CLIP B/32 on 2 CPUs in
    ``benchmarks/scale_ray.py``; each holds a copy of the model, so on many-core nodes
    ``cpus_per_actor=4`` trades a little speed for a quarter of the memory). Values given are
    kept."""
    resources = cluster_resources()
    if cpus_per_actor is None:
        cpus_per_actor = 1.0
    if actors is None:
        actors = int(resources["GPU"] // gpus) if gpus else int(resources["CPU"] // cpus_per_actor)
    return max(1, int(actors)), cpus_per_actor


def frame_blocks(frame: pd.DataFrame, rows_per_block: int) -> list[pd.DataFrame]:
    """``frame`` cut into blocks of ``rows_per_block`` rows: the unit Ray Data schedules,
    retries after a lost worker, and hands back as results stream in.

    >>> [len(b) for b in frame_blocks(pd.DataFrame({"a": range(5)}), 2)]
    [2, 2, 1]
    """
    size = max(1, int(rows_per_block))
    return [frame.iloc[i:i + size].reset_index(drop=True)
            for i in range(0, max(len(frame), 1), size)] if len(frame) else [frame]



@dataclass
class RayRun:
    """What a job on the cluster did: ``model_id`` (the model where the actors ran, precision
    included: part of every row's key), ``computed`` (rows made now), ``cached`` (found in
    the cache), ``failed`` (a DataFrame of what could not be made, and why) and ``seconds``."""

    model_id: str
    computed: int
    cached: int
    failed: pd.DataFrame
    seconds: float
    made: ClassVar[str] = "computed"

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.model_id!r}: {self.computed} {self.made}, "
                f"{self.cached} from the cache, {len(self.failed)} failed, "
                f"{self.seconds:.1f} s)")
