"""The files of a static site: data parts as classic scripts, the page, one file or a folder,
and the marker that says a folder is an export (so that a later export may replace it).

A page opened from ``file://`` may neither ``fetch()`` files beside it nor import modules, so
every piece of data is a *part*: a script that stores a JSON value under its name,

    window.ARTOPIC_PARTS = window.ARTOPIC_PARTS || {}; ARTOPIC_PARTS["map"] = {...};

loaded by a ``<script>`` tag (the first ones in the page, the others when the page needs
them), or written inline in a single-file site. JSON is made safe inside a script: ``<``,
``>``, ``&`` and the line separators are escaped, so no value can close the script or open
markup.

Example
-------
>>> part_script("map", {"title": "</script><b>"})[:60]
'window.ARTOPIC_PARTS=window.ARTOPIC_PARTS||{};ARTOPIC_PARTS['
"""

from __future__ import annotations

import html
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["MARKER", "STATIC", "install", "is_export", "page_html", "part_script", "safe_json",
           "staging_folder"]

STATIC = Path(__file__).resolve().parent / "static"
#: The file every export writes at its root (what makes a folder replaceable).
MARKER = "artopic-site.json"
#: In a single-file site's <head>: an existing HTML file with it may be replaced.
GENERATOR = "artopic_nb export_site"
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                              "\u2028": "\\u2028", "\u2029": "\\u2029"})


def safe_json(value: Any) -> str:
    """JSON that can sit inside a ``<script>`` element (no ``</script>``, no markup).

    >>> safe_json({"t": "<b>&"})
    '{"t":"\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).translate(_SCRIPT_SAFE)


def part_script(name: str, value: Any) -> str:
    """The script that stores ``value`` as part ``name``."""
    return ("window.ARTOPIC_PARTS=window.ARTOPIC_PARTS||{};"
            f"ARTOPIC_PARTS[{safe_json(name)}]={safe_json(value)};\n")


def _script_text(code: str) -> str:
    """Code made safe to inline in a ``<script>`` element."""
    return code.replace("</script", "<\\/script").replace("<!--", "<\\!--")


def page_html(title: str, *, parts: list[str], inline_parts: dict[str, Any] | None = None,
              single_file: bool = False) -> str:
    """The site's ``index.html``: the map's and the site's styles, the first parts (files
    under ``data/``, or inline), then the site's script (``assets/site.js``, or inline)."""
    css = ["plot.css", "site.css"]
    code = (STATIC / "site.js").read_text(encoding="utf-8")
    head = [f'<meta charset="utf-8"><meta name="generator" content="{GENERATOR}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(title)}</title>"]
    if single_file:
        styles = "\n".join(_asset(name) for name in css).replace("</style", "<\\/style")
        head.append(f"<style>\n{styles}\n</style>")
        scripts = [f"<script>{_script_text(part_script(k, v))}</script>"
                   for k, v in (inline_parts or {}).items()]
        scripts.append(f"<script>{_script_text(code)}</script>")
    else:
        head += [f'<link rel="stylesheet" href="assets/{name}">' for name in css]
        scripts = [f'<script src="data/{html.escape(p)}.js"></script>' for p in parts]
        scripts.append('<script src="assets/site.js"></script>')
    body = ('<div id="artopic-site" class="artopic-site"><noscript>This map needs JavaScript.'
            "</noscript></div>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n" + "\n".join(head) + "\n</head>\n<body>\n"
            + body + "\n" + "\n".join(scripts) + "\n</body>\n</html>\n")


def _asset(name: str) -> str:
    if name == "plot.css":  # the map's own styles, from the widget's bundle folder
        return (STATIC.parent.parent / "widgets" / "static" / name).read_text(encoding="utf-8")
    return (STATIC / name).read_text(encoding="utf-8")


def copy_assets(folder: Path) -> None:
    """The site's script and the styles into ``folder/assets``."""
    assets = folder / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    for name in ("plot.css", "site.css"):
        (assets / name).write_text(_asset(name), encoding="utf-8")
    shutil.copyfile(STATIC / "site.js", assets / "site.js")


def is_export(path: Path) -> bool:
    """Whether ``path`` is an earlier export: a folder with the marker, or a single-file
    page this exporter wrote."""
    if path.is_dir():
        return (path / MARKER).is_file()
    if path.is_file() and path.suffix.lower() in (".html", ".htm"):
        with path.open(encoding="utf-8", errors="replace") as f:
            return f'content="{GENERATOR}"' in f.read(4096)
    return False


def check_target(path: Path) -> None:
    """Refuse a target that holds something other than an earlier export (nothing deleted)."""
    if not path.exists() or is_export(path):
        return
    if path.is_dir() and not any(path.iterdir()):
        return
    what = "folder" if path.is_dir() else "file"
    raise FileExistsError(
        f"folder={str(path)!r}: a {what} that is not an earlier export is there (no "
        f"{MARKER}); nothing was written or deleted. Give an empty or new folder, or remove it "
        "yourself")


def staging_folder(target: Path) -> Path:
    """A new empty folder beside ``target`` to build the export in (then :func:`install`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    staged.chmod(0o755)  # mkdtemp's folder is private; a site is for others to read
    return staged


def install(staged: Path, target: Path) -> None:
    """Put the built ``staged`` folder (or file) at ``target``, replacing an earlier export."""
    check_target(target)  # again: something may have appeared while building
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(staged, target)
    if old is not None:
        shutil.rmtree(old) if old.is_dir() else old.unlink()


def write_marker(folder: Path, info: dict) -> None:
    (folder / MARKER).write_text(json.dumps(info, indent=1), encoding="utf-8")
