"""The report's section on time: the clusters over time as a still image (the altair chart of
:func:`artopic_nb.charts.over_time`, drawn to PNG by ``vl-convert``, offline) and a sentence
per cluster on its period (``study.periods()``). Without a date column the section is one
line that says time views need one.

Example
-------
>>> "\\n".join(over_time_html(study))          # what report.render_report adds  # doctest: +SKIP
>>> open("over_time.png", "wb").write(over_time_png(study))                    # doctest: +SKIP
"""

from __future__ import annotations

import base64
import html

import numpy as np

__all__ = ["over_time_html", "over_time_png"]


def over_time_png(study, *, bins: int = 25, width: int = 640, scale: float = 1.5) -> bytes:
    """The chart of ``study.over_time(bins=bins)`` (each cluster's share of each period's
    works) as PNG bytes; a ValueError (time views need a date column) without dates."""
    import vl_convert as vlc

    from ..charts import over_time

    table = study.over_time(bins=bins)
    names = dict(study.get("cluster_names_") or {})
    chart = over_time(table, names=names, width=width, height=240)
    return bytes(vlc.vegalite_to_png(chart.to_dict(), scale=scale))


def over_time_html(study, *, bins: int = 25) -> list[str]:
    """The section's HTML parts: a heading, the chart as an inline PNG, the sentences."""
    out = ["<h2>Over time</h2>"]
    try:
        periods = study.periods()
    except ValueError as exc:  # no date column: say what time views need
        return out + [f"<p class='muted'>{html.escape(str(exc))}</p>"]
    try:
        png = base64.b64encode(over_time_png(study, bins=bins)).decode("ascii")
        out.append(f"<img class='chart' style='max-width:100%' src='data:image/png;base64,{png}' "
                   "alt='each cluster&#39;s "
                   "share of the works of each period, stacked'>")
    except ImportError:  # vl-convert-python missing: the sentences still say it
        out.append("<p class='muted'>(the chart needs vl-convert-python)</p>")
    names = dict(study.get("cluster_names_") or {})
    items = []
    for cluster, row in periods.iterrows():
        c = int(cluster) if isinstance(cluster, (int, np.integer)) else cluster
        name = "noise" if isinstance(c, int) and c < 0 else \
            f"Cluster {c}" + (f" · {names[c]}" if c in names else "")
        items.append(f"<li><b>{html.escape(name)}</b>: {html.escape(str(row['sentence']))}</li>")
    out.append("<ul>" + "".join(items) + "</ul>")
    return out
