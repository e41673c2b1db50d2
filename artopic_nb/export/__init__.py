"""Taking a study out of the kernel: a labelled figure of the map for papers and slides
(:mod:`artopic_nb.export.figure`; matplotlib, ``pip install "artopic-nb[figure]"``), and a
static site of the collection that opens without Python (:mod:`artopic_nb.export.site`).

Example
-------
>>> from artopic_nb.export import plot_map
>>> plot_map(study, "map.pdf", size="column")        # doctest: +SKIP
>>> export_site(study, "site/")                       # doctest: +SKIP
"""

from __future__ import annotations

from .figure import SIZES, draw_map, plot_map, save_figure
from .site import export_site

__all__ = ["SIZES", "draw_map", "export_site", "plot_map", "save_figure"]
