"""A self-contained HTML report of a study: one file, thumbnails inline, no scripts.

Every piece of text that comes from metadata or a model (titles, artists, captions ...)
is escaped, so a title like ``<img src=x onerror=alert(1)>`` shows as text.

Example
-------
>>> write_report(study, "report.html")      # doctest: +SKIP
"""

from __future__ import annotations

import base64
import datetime as _dt
import gzip
import html
import os
from pathlib import Path

import pandas as pd

from .data.cache import atomic_write_bytes, atomic_write_text
from .export.tables import NO_MODEL, report_tables, table_data
from .export.time_section import over_time_html

__all__ = ["render_report", "skipped_list_format", "write_report"]

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:1200px}
h1{margin-bottom:.2rem} .muted{color:#666}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}
td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}
.grid{display:flex;flex-wrap:wrap;gap:.5rem;margin-bottom:1.5rem}
.map{max-width:100%;border:1px solid #ddd}
.tile{width:150px;font-size:.75rem}
.tile img{width:150px;height:150px;object-fit:cover;border-radius:4px;background:#eee}
.tile.sampled img{outline:3px solid #d62728}
.cap{margin:.2rem 0;color:#333} .model{font-weight:600}
.weak{background:#fde2e1} .flag{color:#b3261e}
.fallback{background:#fff4e5;border-left:4px solid #e8a33d;padding:.4rem .6rem}
ul.apart{margin:.3rem 0}
details.claims{margin:.3rem 0 .8rem} details.claims summary{cursor:pointer;color:#333}
"""


def _e(value) -> str:
    """Escape any value for HTML text and attributes."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


def _table(df: pd.DataFrame, float_format: str = "{:.2f}") -> str:
    """An HTML table of ``df`` (:func:`~artopic_nb.export.tables.table_data`: each column
    formatted by its own type, so a count beside a float column stays an integer)."""
    data = table_data(df, float_format)
    head = "".join(f"<th>{_e(c)}</th>" for c in data["columns"])
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>"
                   for row in data["rows"])
    return f"<table><tr>{head}</tr>{body}</table>"


def _section(tables: dict, key: str, heading: str = "h2") -> list[str]:
    """One of :func:`~artopic_nb.export.tables.report_tables`: its heading, note and table
    (nothing when the study has no such table)."""
    t = tables.get(key)
    if t is None:
        return []
    note = [f"<p class='muted'>{_e(t['note'])}</p>"] if t["note"] else []
    return [f"<{heading}>{_e(t['title'])}</{heading}>", *note, _table(t["frame"])]


def _img(study, i: int, size: int = 192) -> str:
    data = base64.b64encode(study.collection.thumbnail_bytes(i, size, cache=study.cache)).decode("ascii")
    return f'<img src="data:image/jpeg;base64,{data}" alt="artwork {i}" loading="lazy">'


def _map(study) -> str:
    """The map: the labelled figure (:mod:`artopic_nb.export.figure`: names placed without
    overlap) as an inline PNG; without matplotlib, the still image with its pictures (each
    framed in its cluster's colour, names or numbers at the centroids) as a JPEG."""
    import io

    from .data.atlas import cluster_name_map, map_image

    try:
        from .export.figure import plot_map

        buf = io.BytesIO()
        plot_map(study, size=(11, 7.2)).savefig(buf, format="png", dpi=100, facecolor="white")
        data = base64.b64encode(buf.getvalue()).decode("ascii")
        return (f'<img class="map" src="data:image/png;base64,{data}" alt="the map: each work '
                "a dot in its cluster's colour, the clusters' names beside them\">")
    except ImportError:  # matplotlib absent ("artopic-nb[figure]"): the still image
        pass

    meta = study.collection.metadata
    im = map_image(lambda i, size: study.collection.thumbnail_bytes(i, size, cache=study.cache),
                   study.coords_, study.get("labels_"), widths=meta.get("width"),
                   heights=meta.get("height"), names=cluster_name_map(study.get("cluster_names_")),
                   size=(1100, 720), max_pictures=600)
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=82)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<img class="map" src="data:image/jpeg;base64,{data}" alt="the map: each work at '
            'its place, framed in its cluster\'s colour">')


def _tile(study, i: int, sampled: bool, captions: dict) -> str:
    meta = study.collection.metadata
    title = meta.at[i, "title"] if "title" in meta.columns else meta.at[i, "file_name"]
    artist = meta.at[i, "artist"] if "artist" in meta.columns else ""
    genre = meta.at[i, "genre"] if "genre" in meta.columns else ""
    caps = "".join(
        f'<div class="cap"><span class="model">{_e(model)}:</span> {_e(text)}</div>'
        for model, text in captions.get(i, [])
    )
    return (f'<div class="tile{" sampled" if sampled else ""}">{_img(study, i)}'
            f"<div><b>{_e(title)}</b></div><div class='muted'>{_e(artist)}</div>"
            f"<div class='muted'>{_e(genre)}</div>{_rights(meta, i)}{caps}</div>")


def _rights(meta: pd.DataFrame, i: int) -> str:
    """The rights statement and attribution a source gave (IIIF), kept with every work."""
    from .data.metadata import rights_text

    text = rights_text(meta, i)
    return f"<div class='muted'>{_e(text)}</div>" if text else ""


def _captions_by_id(study) -> dict[int, list[tuple[str, str]]]:
    if not study.has("describe"):
        return {}
    df = study.descriptions_
    df = df[df["prompt"] == "caption"]
    out: dict[int, list[tuple[str, str]]] = {}
    for row in df.itertuples():
        out.setdefault(int(row.id), []).append((row.model, row.text))
    return out


def render_report(study, max_per_cluster: int = 24, title: str | None = None,
                  skipped_csv: str | None = None) -> str:
    """The report as an HTML string; ``skipped_csv`` names the file beside it that lists
    every skipped row (:func:`write_report` writes it)."""
    col = study.collection
    title = title or f"artopic_nb study: {col.name}"
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p class='muted'>{len(col):,} images, {_skipped_count(col.skipped)}; generated "
        f"{_dt.datetime.now().strftime('%Y-%m-%d %H:%M')}</p>",
    ]
    tables = {t["key"]: t for t in report_tables(study)}
    parts += _provenance_html(study, tables)
    parts += _section(tables, "steps")
    if study.has("reduce"):
        parts.append(f"<p>Reduction: <code>{_e(study.reducer_)}</code></p>")
    if study.has("reduce") and len(col):
        parts += ["<h2>Map</h2>", _map(study)]
    if study.has("cluster"):
        names = dict(study.get("cluster_names_") or {})
        parts += _section(tables, "agreement") + _section(tables, "clusters")
        parts += _section(tables, "edits", "h3")
        parts += _section_extras(study, tables) + over_time_html(study)  # charts, then time
        sampled = set(study.samples_.id.tolist()) if study.has("sample") else set()
        captions = _captions_by_id(study)
        labels = study.labels_
        for c in sorted(set(labels.tolist()), key=lambda c: (c < 0, c)):
            members = [int(i) for i in (labels == c).nonzero()[0]]
            members.sort(key=lambda i: (i not in sampled, i))
            name = "Noise (not in any cluster)" if c < 0 else f"Cluster {c}" + (
                f" · {names[c]}" if c in names else "")
            shown = members[:max_per_cluster]
            parts.append(f"<h3>{_e(name)} <span class='muted'>({len(members)} works"
                         f"{', first ' + str(len(shown)) + ' shown' if len(shown) < len(members) else ''}"
                         ")</span></h3>")
            parts.append(_commonality_html(study, c))
            parts.append("<div class='grid'>" + "".join(
                _tile(study, i, i in sampled, captions) for i in shown) + "</div>")
    parts += _skipped_html(col.skipped, skipped_csv)
    parts.append("</body></html>")
    return "\n".join(parts)


def _provenance_html(study, tables: dict) -> list[str]:
    """The first section: the models behind each result (``study.provenance()``), each
    no-model fallback said plainly first, with what it means."""
    if "provenance" not in tables:
        return []
    table = tables["provenance"]["frame"]  # model "... (no model)" for a fallback
    fallbacks = [f"<p class='fallback'><b>No model for the {_e(result)}</b> (<code>"
                 f"{_e(model.removesuffix(NO_MODEL))}</code>): {_e(means)}.</p>"
                 for result, model, means in table.itertuples() if model.endswith(NO_MODEL)]
    heading, *rest = _section(tables, "provenance")
    return [heading, *fallbacks, *rest]


def _skipped_count(skipped: pd.DataFrame) -> str:
    """``3 skipped`` (``, 80,446 listed images not on disk`` when some were absent)."""
    from .data.skips import NOT_ON_DISK

    absent = int((skipped["reason"] == NOT_ON_DISK).sum()) if len(skipped) else 0
    return f"{len(skipped) - absent:,} skipped" + (
        f", {absent:,} listed images not on disk" if absent else "")


def _skipped_html(skipped: pd.DataFrame, csv_name: str | None) -> list[str]:
    """The works, files, manifests ... left out: counted by reason with a few examples (the
    listed images not on disk in one line), never one row each, so that the report's size
    does not grow with them; the full list is the file beside the report (see
    :func:`write_report`)."""
    from .data.skips import NOT_ON_DISK, count_reasons, not_on_disk_line

    if skipped is None or skipped.empty:
        return []
    out = ["<h2>Skipped</h2>"]
    if line := not_on_disk_line(skipped):
        out.append(f"<p>{_e(line[:1].upper() + line[1:])}.</p>")
    rest = skipped[skipped["reason"] != NOT_ON_DISK]
    if len(rest):
        groups = rest.groupby("what", sort=False) if "what" in rest.columns else [("file", rest)]
        table = pd.concat([count_reasons(g).assign(what=w) for w, g in groups], ignore_index=True)
        table = table.sort_values("count", ascending=False, kind="stable")
        out.append(_table(table.set_index("reason")[["what", "count", "examples", "detail"]]))
    if csv_name:
        out.append(f"<p class='muted'>Every one of the {len(skipped):,}, with its reason: "
                   f"<a href='{_e(csv_name)}'>{_e(csv_name)}</a> (beside this report"
                   f"{', a gzip-compressed CSV' if csv_name.endswith('.gz') else ''}).</p>")
    return out


def _section_extras(study, tables: dict) -> list[str]:
    """Sections from the later steps (describing models, genres, commonalities), when they ran."""
    out = []
    if study.has("describe"):
        models = ", ".join(f"<code>{_e(m)}</code>" for m in dict.fromkeys(study.descriptions_.model))
        out.append(f"<p>Describing models: {models}; {study.descriptions_.id.nunique()} works "
                   "described (marked with a red frame below, their captions under them).</p>")
    if study.has("predict_genres"):
        from .genre.evaluation import NOT_SCORED

        out += _section(tables, "genres") or ["<h2>Genres predicted from captions</h2>",
                                              f"<p>{_e(NOT_SCORED)}.</p>"]
    if study.has("commonalities"):
        out.append(f"<p>Commonalities: {_e(study.commonalities_.figures_text())}.</p>")
    return out


def _commonality_html(study, cluster: int) -> str:
    if not study.has("commonalities"):
        return ""
    com = study.commonalities_
    parts = []
    for aspect in ("visual", "content"):
        terms = com.keywords_of(cluster, aspect, top_k=8)
        if terms:
            parts.append(f"<div><b>{aspect.capitalize()}:</b> {_e(', '.join(terms))}</div>")
    if len(com.summaries):
        rows = com.summaries[com.summaries["cluster"] == cluster]
        for row in rows.itertuples():
            text = " ".join(_e(s) if not weak else
                            f"<span class='weak' title='support {support:.0%}, below the "
                            f"threshold'>{_e(s)} [weak: {support:.0%} of the group]</span>"
                            for s, support, weak in com.marked_summary(cluster, row.aspect)) \
                or _e(row.summary)
            parts.append(f"<div class='cap'><b>{_e(row.aspect)} summary</b> "
                         f"<span class='muted'>({_e(row.model)})</span>: {text}</div>")
    claims = com.claims_of(cluster) if len(getattr(com, "claims", ())) else None
    if claims is not None and len(claims):
        parts.append(_apart_html(claims))
        parts.append(_claims_html(claims))
    return f"<div class='common'>{''.join(parts)}</div>" if parts else ""


def _share(x: float) -> str:
    return "–" if pd.isna(x) else f"{x:.0%}"


def _apart_html(claims: pd.DataFrame, top_k: int = 5) -> str:
    """The claims that set the cluster apart, best first (support here vs elsewhere), or one
    line saying there is none."""
    from .text.claims import distinguishing, distinguishing_line

    if line := distinguishing_line(claims):
        return f"<div class='muted'>{_e(line)}</div>"
    apart = claims[distinguishing(claims)].head(top_k)
    items = "".join(f"<li>{_e(r.claim)} <span class='muted'>({_share(r.support)} here, "
                    f"{_share(r.contrast)} elsewhere; lift {r.lift:.1f})</span></li>"
                    for r in apart.itertuples())
    return f"<div><b>What sets it apart:</b><ul class='apart'>{items}</ul></div>"


def _claims_html(claims: pd.DataFrame) -> str:
    """A cluster's claims table, those that set it apart first, flags in red; collapsed,
    with the judge named."""
    table = pd.DataFrame({
        "claim": claims["claim"], "source": claims["source"],
        "support": claims["support"].map(_share),
        "elsewhere": claims["contrast"].map(_share),
        # with no described work elsewhere there is nothing to contrast with
        "lift": [f"{x:.1f}" if n else "–" for x, n in zip(claims["lift"], claims["n_out"],
                                                          strict=True)],
        "difference (95% CI)": [f"{d:+.0%} ({lo:+.0%} to {hi:+.0%})" if pd.notna(d) else "–"
                                for d, lo, hi in zip(claims["difference"], claims["difference_lo"],
                                                     claims["difference_hi"], strict=True)],
        "judge": claims["judge"], "n": claims["n"].astype(str) + " / " + claims["n_out"].astype(str),
        "flags": claims["flags"]})
    head = "".join(f"<th>{_e(c)}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(
        f"<td class='flag'>{_e(v)}</td>" if c == "flags" and v else f"<td>{_e(v)}</td>"
        for c, v in zip(table.columns, row, strict=True)) + "</tr>"
        for row in table.itertuples(index=False))
    flagged = int((claims["flags"] != "").sum())
    return (f"<details class='claims'><summary>Claims checked: {len(claims)} "
            f"({flagged} flagged: low support, or no or small contrast: they hold about as "
            "often elsewhere); support among the cluster's described works vs elsewhere; "
            "n = works here / elsewhere</summary>"
            f"<table><tr>{head}</tr>{body}</table></details>")


#: Above this many rows the list of skipped files beside the report is compressed.
SKIPPED_CSV_ROWS = 10_000
SKIPPED_LISTS = ("auto", "csv", "csv.gz", "none")


def skipped_list_format(skipped: pd.DataFrame, skipped_list: str | None = "auto") -> str | None:
    """How the list of every skipped row goes beside the report: ``"csv"``, ``"csv.gz"`` or
    None (no file). ``"auto"``: none when nothing was skipped; compressed when listed images
    are absent from disk (a partial WikiArt or SemArt download lists tens of thousands, which
    the report counts in one line) or there are over :data:`SKIPPED_CSV_ROWS` rows; else CSV.

    >>> skipped_list_format(pd.DataFrame({"path": ["a.jpg"], "reason": ["truncated file"]}))
    'csv'
    """
    from .data.skips import NOT_ON_DISK

    if skipped_list not in SKIPPED_LISTS and skipped_list is not None:
        raise ValueError(f"skipped_list={skipped_list!r}: use one of {', '.join(SKIPPED_LISTS)}")
    if skipped is None or skipped.empty or skipped_list in (None, "none"):
        return None
    if skipped_list != "auto":
        return skipped_list
    absent = bool((skipped["reason"] == NOT_ON_DISK).any())
    return "csv.gz" if absent or len(skipped) > SKIPPED_CSV_ROWS else "csv"


def write_report(study, path: str | os.PathLike, skipped_list: str | None = "auto",
                 **kwargs) -> Path:
    """Write :func:`render_report` to ``path`` (atomically) and return the path; when the
    collection skipped anything, the full list goes beside it (``<name>_skipped.csv``, or
    ``<name>_skipped.csv.gz`` for a partial download's absent images or a long list; see
    :func:`skipped_list_format`; ``skipped_list="none"`` writes none). A list of the other
    format left by an earlier run is removed, so the one beside the report is this one."""
    path = Path(path)
    skipped = study.collection.skipped
    kind = skipped_list_format(skipped, skipped_list)
    for old in ("csv", "csv.gz"):
        stale = path.with_name(f"{path.stem}_skipped.{old}")
        if old != kind and stale.is_file():
            stale.unlink()
    csv_name = None
    if kind is not None:
        csv_name = f"{path.stem}_skipped.{kind}"
        data = skipped.to_csv(index=False).encode("utf-8")
        if kind == "csv.gz":  # mtime=0: the same list gives the same bytes
            data = gzip.compress(data, mtime=0)
        atomic_write_bytes(path.with_name(csv_name), data)
    atomic_write_text(path, render_report(study, skipped_csv=csv_name, **kwargs))
    return path
