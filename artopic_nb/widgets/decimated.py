"""The map of 10^6 works drawn as 10^5: :func:`artopic_nb.scale.plot.decimate`'s points in an
:class:`~artopic_nb.widgets.plot.EmbeddingPlot`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .plot import EmbeddingPlot

if TYPE_CHECKING:
    from ..scale.plot import Decimation

__all__ = ["decimated_plot"]


def decimated_plot(coords: Any, labels: Any = None, max_points: int = 100_000, seed: int = 0,
                   metadata: Any = None, **traits: Any) -> tuple[Any, Decimation]:
    """An :class:`~artopic_nb.widgets.EmbeddingPlot` of :func:`decimate`'s points and the
    :class:`Decimation` that resolves its selection (``view.members(plot.selected_ids)``).
    ``metadata`` (indexed by id, as ``collection.metadata``) gives the hover text of the
    drawn works; ``traits`` go to the plot."""
    from ..scale.plot import decimate  # not at import: scale's package imports its Ray code

    view = decimate(coords, labels, max_points, seed)
    coords = np.asarray(coords, dtype=np.float32)
    shown_meta = None if metadata is None else metadata.iloc[view.shown].reset_index(drop=True)
    plot = EmbeddingPlot(coords[view.shown],
                         None if labels is None else np.asarray(labels)[view.shown],
                         metadata=shown_meta, **traits)
    return plot, view
