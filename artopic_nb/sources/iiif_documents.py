"""Reading IIIF documents: text values, museum metadata, canvases, and Image API URLs.

What :func:`artopic_nb.sources.iiif.from_iiif` needs to turn a manifest into works:

- :func:`label_text`: a label or value (version 3 language maps, version 2 strings and
  ``@value`` objects) as one string.
- :func:`work_record`: a manifest's (or a canvas's) metadata pairs as columns, with the
  conventions museums use: ``People`` / ``Artist`` / ``Creator`` / ``Maker`` fill ``artist``
  (Harvard writes ``People: "Artist: Vincent van Gogh, Dutch, 1853 - 1890"``, which gives
  ``Vincent van Gogh``), ``Date`` / ``Dated`` / ``Object Date`` fill ``date``.
- :func:`canvas_is_own_work`: whether a canvas carries its own label or descriptive
  metadata (an album's pictures, a curated selection), or is one view of the manifest's
  object (``front``, ``f. 12r``, ``page 3``, ``image 2``).
- :func:`image_url`: the URL of an image at a size, through its Image API service (versions
  1.1, 2 and 3; ``native`` is version 1's quality name; a level 0 service gets one of the
  sizes its ``info.json`` lists, see :func:`needs_info`).

Example
-------
>>> label_text({"fr": ["Le Lac"], "en": ["The Lake"]})
'The Lake'
>>> work_record([{"label": "People", "value": "Artist: Vincent van Gogh, Dutch, 1853 - 1890"},
...              {"label": "Dated", "value": "1888"}], "en")["artist"]
'Vincent van Gogh'
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

__all__ = ["ImageService", "canvas_is_own_work", "image_service", "image_url", "label_text",
           "needs_info", "work_record"]

_TAGS = re.compile(r"<[^>]+>")
#: Metadata columns whose value fills ``artist``, in this order (People comes last: it may
#: name several people in several roles).
ARTIST_COLUMNS = ("artist", "artists", "painter", "creator", "creators", "maker", "makers",
                  "author", "authors", "artist_maker", "creator_maker", "people", "person")
#: Roles (``"Artist: ..."``) that name the work's maker, first found first taken.
_MAKER_ROLES = ("artist", "painter", "creator", "maker", "author", "printmaker", "draughtsman")
#: Metadata columns whose value fills ``date``, in this order (then any ``..._date``).
DATE_COLUMNS = ("date", "dated", "object_date", "date_made", "creation_date", "date_created",
                "dates", "date_s")
#: Columns that the sources or the collection fill: a metadata pair's label that would take
#: one of them becomes ``metadata_<label>`` instead.
RESERVED = frozenset({"title", "summary", "rights", "attribution", "homepage", "see_also",
                      "manifest", "manifest_title", "canvas", "url", "path", "file_name",
                      "hash", "width", "height"})
#: Words that name a view or a page of one object, not a work of its own.
_VIEW_WORDS = frozenset("""
image img picture photo photograph scan page pages pg pp folio folios fol fols leaf leaves
sheet plate pl side view views detail details recto verso front back obverse reverse cover
covers spine edge edges left right top bottom upper lower inside outside interior exterior
overall full whole general raking light infrared ultraviolet uv ir xray x ray reflectogram
colour color chart bar target ruler scale before after treatment conservation seite bild
blatt vue face dos no nr num number part of the and with a an de du la le les des der die das
""".split())
_ROMAN = re.compile(r"^[ivxlcdm]+$")


def label_text(value, language: str = "en") -> str:
    """A IIIF label or value as one string.

    Version 3 language maps (``{"en": ["..."], "none": [...]}``) give ``language``'s
    strings, else English's, else ``none``'s, else the first language's; version 2 values
    are strings, ``{"@value", "@language"}`` objects or lists of them. Several strings are
    joined with "; ". HTML markup (allowed in IIIF values) is removed.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return html.unescape(_TAGS.sub("", value)).strip()
    if isinstance(value, list):
        if value and all(isinstance(v, dict) and "@language" in v for v in value):
            chosen = [v for v in value if v["@language"].startswith(language)] or \
                     [v for v in value if v["@language"].startswith("en")] or value[:1]
            return "; ".join(label_text(v.get("@value"), language) for v in chosen)
        return "; ".join(t for t in (label_text(v, language) for v in value) if t)
    if isinstance(value, dict):
        if "@value" in value:
            return label_text(value["@value"], language)
        for key in (language, "en", "none", *value):
            if key in value:
                return label_text(value[key], language)
    return str(value)


def column_name(label: str) -> str:
    """A metadata label as a column name: ``"Object Date"`` -> ``object_date``."""
    return re.sub(r"[^0-9a-z]+", "_", label.lower()).strip("_") or "field"


def _person(value: str) -> str:
    """The maker's name in a people value: ``"Artist: Vincent van Gogh, Dutch, 1853 - 1890;
    Framer: ..."`` -> ``Vincent van Gogh`` (the maker's entry, its name before the comma or
    parenthesis that starts nationality and dates); a value without roles stays as it is."""
    people = [p.strip() for p in re.split(r";|\n", value) if p.strip()]
    if not people:
        return value.strip()
    roles = [(m[1].strip().lower(), m[2].strip()) if (m := re.match(r"^([A-Za-z][\w ]{1,30}):\s*(.+)$", p))
             else ("", p) for p in people]
    role, name = next(((r, n) for r, n in roles if r in _MAKER_ROLES), roles[0])
    if not role:
        return value.strip()
    return re.split(r",\s|\s\(", name, maxsplit=1)[0].strip() or name


def work_record(pairs, language: str) -> dict:
    """A manifest's or canvas's ``metadata`` pairs as ``{column: value}``, with ``artist`` and
    ``date`` filled by the conventions of :data:`ARTIST_COLUMNS` and :data:`DATE_COLUMNS`
    (unless a pair is named so already). A label met twice keeps both values, "; "-joined."""
    record: dict = {}
    for pair in pairs or []:
        if not isinstance(pair, dict):
            continue
        column = column_name(label_text(pair.get("label"), language))
        if column in RESERVED:
            column = f"metadata_{column}"
        value = label_text(pair.get("value"), language)
        if value:
            record[column] = f"{record[column]}; {value}" if record.get(column) else value
    found = next((c for c in ARTIST_COLUMNS if record.get(c)), None)
    if found:
        record["artist"] = _person(record[found])
    if not record.get("date"):
        found = next((c for c in DATE_COLUMNS if record.get(c)), None) or next(
            (c for c in record if (c.endswith("_date") or c.startswith("date_")) and record[c]), None)
        if found:
            record["date"] = record[found]
    return record


def is_view_label(label: str, manifest_label: str = "") -> bool:
    """Whether a canvas label only names a view or page of the manifest's object: empty,
    the manifest's own label (perhaps with a page number), or words such as front, back,
    recto, verso, detail, page, folio, image and numbers (``"f. 12r"``, ``"Image 3"``)."""
    text = label.lower().strip()
    base = manifest_label.lower().strip()
    if base and text.startswith(base):  # "Album, leaf 3": what follows the title decides
        text = text[len(base):]
    words = re.findall(r"[^\W\d_]+", text)
    return not [w for w in words if len(w) > 1 and w not in _VIEW_WORDS and not _ROMAN.match(w)]


def canvas_is_own_work(canvas: dict, manifest_label: str, language: str) -> bool:
    """A canvas is a work of its own when it carries descriptive metadata, or a label that
    is more than a view or page name (:func:`is_view_label`)."""
    if work_record(canvas.get("metadata"), language):
        return True
    return not is_view_label(label_text(canvas.get("label"), language), manifest_label)


# -- the Image API ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ImageService:
    """An image's Image API service: its base URL, API version (1, 2 or 3) and compliance
    level (0, 1, 2, or None when the manifest does not say)."""

    base: str
    version: int
    level: int | None

    @property
    def quality(self) -> str:
        return "native" if self.version == 1 else "default"

    @property
    def whole(self) -> str:
        return "max" if self.version == 3 else "full"


def _first(value):
    return value[0] if isinstance(value, list) and value else value


def image_service(body: dict) -> ImageService | None:
    """The Image API service of an image body, if it has one."""
    services = body.get("service")
    for service in services if isinstance(services, list) else [services]:
        if not isinstance(service, dict):
            continue
        kind = str(service.get("type") or service.get("@type") or "")
        profile = " ".join(str(p) for p in (service.get("profile") if isinstance(
            service.get("profile"), list) else [service.get("profile")]) if isinstance(p, str))
        context = str(service.get("@context", ""))
        base = service.get("id") or service.get("@id")
        described = profile + " " + context
        if not base or not ("ImageService" in kind or "iiif.io/api/image" in described
                            or "image-api" in described or not kind):
            continue
        if kind == "ImageService3" or "image/3" in described:
            version = 3
        elif "image-api/1" in described or "image/1" in described:
            version = 1
        else:
            version = 2
        level = re.search(r"level([012])", profile)
        return ImageService(re.sub(r"/info\.json$", "", base.rstrip("/")), version,
                            int(level[1]) if level else None)
    return None


def needs_info(body: dict, size) -> bool:
    """Whether the image's ``info.json`` must be read to ask for ``size``: a level 0 service
    serves only the sizes it lists (and its whole image; version 1.1 lists none)."""
    service = image_service(body)
    return service is not None and service.level == 0 and service.version > 1 \
        and isinstance(size, int) and not _fits(body, size)


def _fits(body: dict, size: int) -> bool:
    width, height = body.get("width") or 0, body.get("height") or 0
    return 0 < width <= size and 0 < height <= size


def _listed_size(info: dict, size: int, version: int) -> str | None:
    """The smallest size ``info.json`` lists that covers ``size`` (else the largest), in
    the version's canonical form (``w,`` before version 3, ``w,h`` from it)."""
    sizes = [(int(s["width"]), int(s["height"])) for s in info.get("sizes") or []
             if isinstance(s, dict) and s.get("width") and s.get("height")]
    if not sizes:
        return None
    covering = sorted((s for s in sizes if max(s) >= size), key=max)
    width, height = covering[0] if covering else max(sizes, key=max)
    return f"{width},{height}" if version == 3 else f"{width},"


def image_url(body: dict, size: int | str | None = 1024, info: dict | None = None) -> str | None:
    """The URL to fetch an image body at ``size``.

    Through its Image API service when it has one: ``{base}/full/!{size},{size}/0/default.jpg``
    (the image fitted in a ``size`` square; the same syntax in Image API 1.1, 2 and 3, with
    version 1's quality name ``native``), or ``full`` (versions 1, 2) / ``max`` (version 3)
    when the image is no larger than that or ``size`` is None; a string ``size`` is used as
    the Image API size as it is (``"full"`` and ``"max"`` mean the whole image). A level 0
    service gets the listed size of its ``info`` (the ``info.json`` document) that covers
    ``size``, or its whole image. Without a service, the body's own ``id``.
    """
    service = image_service(body)
    if service is None:
        return body.get("id") or body.get("@id")
    if isinstance(size, str) and size.lower() in ("full", "max", "none"):
        size = None
    if isinstance(size, str):
        spec = size
    elif size is None or _fits(body, size):
        spec = service.whole
    elif service.level == 0:
        spec = _listed_size(info or {}, size, service.version) or service.whole
    else:
        spec = f"!{size},{size}"
    return f"{service.base}/full/{spec}/0/{service.quality}.jpg"
