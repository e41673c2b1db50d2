"""Ray, imported only when used: the extra's hint, joining or starting a cluster, and what
the cluster has (CPUs, GPUs).

Nothing in :mod:`artopic_nb` imports ``ray`` at import time; every function of
:mod:`artopic_nb.scale` calls :func:`require_ray` first, so a missing extra is one clear
``ImportError`` at the first use.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["EXTRA_HINT", "cluster_resources", "connect", "frame_blocks", "require_ray"]

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


def frame_blocks(frame: pd.DataFrame, rows_per_block: int) -> list[pd.DataFrame]:
    """``frame`` cut into blocks of ``rows_per_block`` rows: the unit Ray Data schedules,
    retries after a lost worker, and hands back as results stream in.

    >>> [len(b) for b in frame_blocks(pd.DataFrame({"a": range(5)}), 2)]
    [2, 2, 1]
    """
    size = max(1, int(rows_per_block))
    return [frame.iloc[i:i + size].reset_index(drop=True)
            for i in range(0, max(len(frame), 1), size)] if len(frame) else [frame]

