"""The report's tables as plain data, built once for the two places that show them: the HTML
report (:mod:`artopic_nb.report`) and the static site's "Tables" view
(:mod:`artopic_nb.export.site`).

Each table is a :class:`pandas.DataFrame` with a key, a title and a note; :func:`table_data`
turns one into ``{"columns": [...], "rows": [[text, ...], ...]}``, each cell formatted by its
own type (a count stays ``174``, never ``174.00``), which the report writes as ``<table>`` and
the site builds with ``textContent`` (so a cluster name with HTML in it stays text).

Example
-------
>>> import pandas as pd
>>> table_data(pd.DataFrame({"size": [174, 3], "share": [0.9, 0.1]},
...                         index=pd.Index([0, 1], name="cluster")))
{'columns': ['cluster', 'size', 'share'], 'rows': [['0', '174', '0.90'], ['1', '3', '0.10']]}
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

__all__ = ["NO_MODEL", "cell_text", "report_tables", "table_data"]

#: How the provenance table marks a no-model fallback after the model's name.
NO_MODEL = " (no model)"


def cell_text(value, float_format: str = "{:.2f}") -> str:
    """A table cell as text: a count as a whole number, other floats with ``float_format``,
    a missing value empty.

    >>> cell_text(174.0), cell_text(np.int64(3)), cell_text(0.5), cell_text(None)
    ('174.00', '3', '0.50', '')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return "" if pd.isna(value) else float_format.format(value)
    return str(value)


def table_data(df: pd.DataFrame, float_format: str = "{:.2f}") -> dict:
    """``df`` (its index as the first column) as ``{"columns", "rows"}`` of text; rows are
    read column by column (``itertuples``), so a count beside a float column stays whole."""
    columns = [str(df.index.name or "")] + [str(c) for c in df.columns]
    rows = [[cell_text(v, float_format) for v in row]
            for row in df.itertuples(index=True, name=None)]
    return {"columns": columns, "rows": rows}


def report_tables(study) -> list[dict]:
    """The report's tables that the study has, in the report's order:
    ``[{"key", "title", "note", "frame"}]`` with keys ``provenance`` (the models behind each
    result), ``steps``, ``agreement`` (with known labels), ``clusters``, ``edits`` and
    ``genres`` (predicted from captions, when scored).

    >>> [t["key"] for t in report_tables(study)]        # doctest: +SKIP
    ['provenance', 'steps', 'agreement', 'clusters', 'genres']
    """
    out: list[dict] = []

    def add(key: str, title: str, frame: pd.DataFrame | None, note: str = "") -> None:
        if frame is not None and len(frame):
            out.append({"key": key, "title": title, "note": note, "frame": frame})

    prov = study.provenance()
    if len(prov):
        shown = prov.assign(model=[f"{m}{NO_MODEL}" if n else m
                                   for m, n in zip(prov["model"], prov["no_model"], strict=True)])
        add("provenance", "What these results rest on",
            shown.set_index("result")[["model", "means"]].rename(columns={"means": "what it means"}))
    done = study.steps_done()
    add("steps", "Steps", pd.DataFrame(
        [{"parameters": json.dumps(study.params_.get(s, {})),
          "seconds": float(study.timings_.get(s, 0.0)), "note": study.notes_.get(s, "")}
         for s in done], index=pd.Index(done, name="step")))
    if not study.has("cluster"):
        return out
    add("agreement", "Agreement with known labels", study.agreement(by="all"),
        "The clusters against each label column the collection has: n_works have a label, "
        "n_labels distinct ones.")
    names = dict(study.get("cluster_names_") or {})
    summary = study.cluster_summary()
    if names:  # the names given or found (study.rename_cluster, find_commonalities)
        summary.insert(0, "name", [names.get(int(c), "") for c in summary.index])
    add("clusters", "Clusters", summary)
    edits = study.get("edits_")
    if edits is not None and len(edits):
        add("edits", "Edits", edits.drop(columns="ids"),
            "The clusters above are the algorithm's with these edits applied, in this order "
            "(study.edits_).")
    if study.has("predict_genres"):
        add("genres", "Genres predicted from captions", study.genre_report())
    return out
