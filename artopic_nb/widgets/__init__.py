"""Notebook widgets of a study (anywidget): the map, a grid per cluster, a caption viewer,
the three linked in :func:`explore`; the altair charts of :mod:`artopic_nb.charts` are here
as ``charts`` too.

Importing this package needs ``anywidget`` and ``ipywidgets``; the core of artopic_nb never
imports it, so scripts and batch jobs run without a notebook stack.

>>> import artopic_nb.widgets as aw
>>> ex = aw.explore(study)           # doctest: +SKIP
"""

from .. import charts
from .captions import CaptionViewer
from .decimated import decimated_plot
from .explorer import Explorer, Link, explore, link_views
from .grid import ClusterGrid
from .plot import EmbeddingPlot
from .timeline import TimeHistogram

# A teaching machine or Binder may have no route to a CDN: altair charts render offline,
# set up when altair is first imported (importing it here would cost 2 s of every first map).
charts.enable_offline_on_import()

__all__ = ["CaptionViewer", "ClusterGrid", "EmbeddingPlot", "Explorer", "Link", "charts",
           "TimeHistogram", "decimated_plot", "explore", "link_views"]
