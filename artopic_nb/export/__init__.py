"""Taking a study out of the kernel: a labelled figure of the map for papers and slides
(:mod:`artopic_nb.export.figure`; matplotlib, ``pip install "artopic-nb[figure]"``).

Example
-------
>>> from artopic_nb.export import plot_map
>>> plot_map(study, "map.pdf", size="column")        # doctest: +SKIP
"""

from __future__ import annotations

from .figure import SIZES, draw_map, plot_map, save_figure

__all__ = ["SIZES", "draw_map", "plot_map", "save_figure"]
