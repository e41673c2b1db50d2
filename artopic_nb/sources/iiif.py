"""IIIF: museum collections as Presentation API 2 and 3 manifests and collections.

:func:`from_iiif` reads a manifest (one work) or a collection (many manifests, nested
collections followed up to ``max_depth`` levels), and fetches each work's image through
its Image API service at the size asked for (``{service}/full/!1024,1024/0/default.jpg``:
the whole image, fitted in 1024 x 1024, in both Image API 2 and 3), not the
full-resolution master. Without a service, the image's own URL is fetched.

Each work's metadata: ``title`` (the label), ``summary``, one column per metadata pair
(``"Object Date"`` becomes ``object_date``; the first of creator / maker / author /
painter also fills ``artist`` and a ``...date`` column ``date``), ``rights`` (the rights
URI; a version 2 ``license``), ``attribution`` (the required statement), ``homepage``,
``see_also``, ``manifest``, ``canvas`` and ``url``. Language maps become strings
(``language=`` first, then English, then ``none``, then any). Rights and attribution
given on a collection are kept with every work in it that gives none of its own.

Example
-------
>>> import artopic_nb as an
>>> col = an.from_iiif("https://iiif.example.org/collection/paintings.json")  # doctest: +SKIP
>>> col.metadata[["title", "artist", "rights"]]                               # doctest: +SKIP
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pandas as pd

from ..data.collection import DEFAULT_MAX_PIXELS, ImageCollection
from .download import Downloader, collection_from_files

__all__ = ["from_iiif", "image_url", "label_text"]

_TAGS = re.compile(r"<[^>]+>")
#: Metadata labels whose value also fills the ``artist`` column, in this order.
_ARTIST_LABELS = ("artist", "creator", "maker", "author", "painter", "artist_maker")
#: Columns that this module or the collection fills: a metadata pair's label that would
#: take one of them becomes ``metadata_<label>`` instead.
_RESERVED = frozenset({"title", "summary", "rights", "attribution", "homepage", "see_also",
                       "manifest", "canvas", "url", "path", "file_name", "hash", "width",
                       "height"})


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


def _ids(value) -> list[str]:
    """The URLs of a homepage / seeAlso / related value (a string, an object or a list)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        found = value.get("id") or value.get("@id")
        return [found] if isinstance(found, str) else []
    return [u for v in value for u in _ids(v)]


def _first(value):
    return value[0] if isinstance(value, list) and value else value


def _column(label: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", label.lower()).strip("_") or "field"


def _image_service(body: dict) -> tuple[str, bool] | None:
    """(base URL, is Image API 3) of an image body's Image API service, if it has one."""
    services = body.get("service")
    for service in services if isinstance(services, list) else [services]:
        if not isinstance(service, dict):
            continue
        kind = str(service.get("type") or service.get("@type") or "")
        profile = str(_first(service.get("profile")) or "")
        context = str(service.get("@context", ""))
        base = service.get("id") or service.get("@id")
        if base and ("ImageService" in kind or "iiif.io/api/image" in profile + context
                     or not kind):
            v3 = kind == "ImageService3" or "image/3" in context
            return re.sub(r"/info\.json$", "", base.rstrip("/")), v3
    return None


def image_url(body: dict, size: int | str | None = 1024) -> str | None:
    """The URL to fetch an image body at ``size``.

    Through its Image API service when it has one: ``{base}/full/!{size},{size}/0/default.jpg``
    (the image fitted in a ``size`` square; the same syntax in Image API 2 and 3), or
    ``full`` (version 2) / ``max`` (version 3) when the image is no larger than that or
    ``size`` is None; a string ``size`` is used as the Image API size as it is. Without a
    service, the body's own ``id``.
    """
    service = _image_service(body)
    if service is None:
        return body.get("id") or body.get("@id")
    base, v3 = service
    whole = "max" if v3 else "full"
    if isinstance(size, str):
        spec = size
    elif size is None:
        spec = whole
    else:
        width, height = body.get("width") or 0, body.get("height") or 0
        spec = whole if 0 < width <= size and 0 < height <= size else f"!{size},{size}"
    return f"{base}/full/{spec}/0/default.jpg"


def _painting_bodies(canvas: dict) -> list[dict]:
    """The image bodies painted on a canvas (version 3 annotations or version 2 images)."""
    bodies = []
    for page in canvas.get("items") or []:  # version 3: AnnotationPage > Annotation
        for annotation in page.get("items") or []:
            if annotation.get("motivation", "painting") not in ("painting", "sc:painting"):
                continue
            body = annotation.get("body")
            body = _first(body) if isinstance(body, list) else body
            if isinstance(body, dict) and body.get("type") == "Choice":
                body = _first(body.get("items"))
            if isinstance(body, dict):
                bodies.append(body)
    for image in canvas.get("images") or []:  # version 2: images[].resource
        resource = image.get("resource")
        if isinstance(resource, dict) and resource.get("@type") == "oa:Choice":
            resource = resource.get("default")
        if isinstance(resource, dict):
            bodies.append(resource)
    return bodies


def _canvases(manifest: dict) -> list[dict]:
    if "sequences" in manifest:  # version 2
        return [c for s in manifest.get("sequences") or [] for c in s.get("canvases") or []]
    return [c for c in manifest.get("items") or [] if c.get("type", "Canvas") == "Canvas"]


def _kind(doc: dict) -> str:
    kind = str(doc.get("type") or doc.get("@type") or "")
    return "collection" if kind.endswith("Collection") else "manifest"


def _members(collection: dict) -> list[dict]:
    """The manifests and collections a collection lists (version 3 ``items``; version 2
    ``manifests``, ``collections`` and ``members``)."""
    members = list(collection.get("items") or [])
    for key in ("collections", "manifests", "members"):
        members += collection.get(key) or []
    return [m for m in members if isinstance(m, dict)]


@dataclass
class _Inherited:
    rights: str = ""
    attribution: str = ""


@dataclass
class _Walk:
    downloader: Downloader
    max_depth: int
    all_canvases: bool
    size: int | str | None
    language: str
    limit: int | None = None
    works: list[dict] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def visit(self, ref: dict, depth: int, inherited: _Inherited) -> None:
        """A collection's member: fetched by its id unless it is embedded whole."""
        if self.limit is not None and len(self.works) >= self.limit:
            return  # enough works: the rest of the collection is not fetched
        url = ref.get("id") or ref.get("@id") or ""
        if not any(k in ref for k in ("items", "sequences", "manifests", "collections",
                                      "members")):
            doc, reason = self.downloader.fetch_json(url)
            if not isinstance(doc, dict):
                self.skipped.append((url, reason or "not a IIIF document (a JSON list)"))
                return
            ref = doc
        self.visit_document(ref, url, depth, inherited)

    def visit_document(self, doc: dict, url: str, depth: int, inherited: _Inherited) -> None:
        if url in self.seen:
            return
        self.seen.add(url)
        rights = _rights(doc, inherited)
        if _kind(doc) == "manifest":
            self.manifest(doc, url, rights)
            return
        members = _members(doc)
        if depth >= self.max_depth:
            nested = [m for m in members if _kind(m) == "collection"]
            self.skipped += [(m.get("id") or m.get("@id") or "", "collection nested deeper "
                              f"than max_depth={self.max_depth}") for m in nested]
            members = [m for m in members if _kind(m) != "collection"]
        for member in members:
            self.visit(member, depth + 1, rights)

    def manifest(self, doc: dict, url: str, rights: _Inherited) -> None:
        record = _manifest_record(doc, url, rights, self.language)
        canvases = _canvases(doc)
        found = False
        for number, canvas in enumerate(canvases if self.all_canvases else canvases[:1]):
            bodies = _painting_bodies(canvas)
            target = image_url(bodies[0], self.size) if bodies else None
            if not target:
                continue
            found = True
            work = dict(record, canvas=canvas.get("id") or canvas.get("@id") or "", url=target)
            if self.all_canvases and len(canvases) > 1:
                part = label_text(canvas.get("label"), self.language) or f"image {number + 1}"
                work["title"] = f"{record['title']} ({part})"
            self.works.append(work)
        if not found:
            self.skipped.append((url, "manifest has no image"))


def _rights(doc: dict, inherited: _Inherited) -> _Inherited:
    rights = doc.get("rights") or doc.get("license")
    statement = doc.get("requiredStatement")
    attribution = label_text(statement.get("value")) if isinstance(statement, dict) \
        else label_text(doc.get("attribution"))
    return _Inherited(rights=" ".join(_ids(rights)) or inherited.rights,
                      attribution=attribution or inherited.attribution)


def _manifest_record(doc: dict, url: str, rights: _Inherited, language: str) -> dict:
    record = {"title": label_text(doc.get("label"), language)}
    summary = label_text(doc.get("summary") or doc.get("description"), language)
    if summary:
        record["summary"] = summary
    for pair in doc.get("metadata") or []:
        if isinstance(pair, dict):
            column = _column(label_text(pair.get("label"), language))
            if column in _RESERVED:
                column = f"metadata_{column}"
            value = label_text(pair.get("value"), language)
            record[column] = f"{record[column]}; {value}" if record.get(column) else value
    if "artist" not in record:
        found = next((c for c in _ARTIST_LABELS if record.get(c)), None)
        if found:
            record["artist"] = record[found]
    if "date" not in record:
        found = next((c for c in record if c.endswith("date") and record[c]), None)
        if found:
            record["date"] = record[found]
    record["rights"] = rights.rights
    record["attribution"] = rights.attribution
    record["homepage"] = " ".join(_ids(doc.get("homepage") or doc.get("related")))
    record["see_also"] = " ".join(_ids(doc.get("seeAlso")))
    record["manifest"] = url
    return record


def from_iiif(
    url: str | list[str],
    *,
    size: int | str | None = 1024,
    max_depth: int = 2,
    all_canvases: bool = False,
    n: int | None = None,
    language: str = "en",
    cache_dir: str | os.PathLike | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    progress: bool = True,
    **download_options,
) -> ImageCollection:
    """The works of a IIIF manifest or collection (or a list of them) as a collection.

    ``size``: the Image API size (an int fits the image in that square; None the full
    size; a string is used as it is). ``max_depth``: how many levels of nested collections
    are followed (deeper ones are listed in ``skipped``). ``all_canvases``: one work per
    canvas rather than the first canvas of each manifest (a manuscript's pages, an object's
    other views). ``n``: at most that many works (the first ones). ``cache_dir`` and
    ``download_options`` go to :class:`~artopic_nb.sources.download.Downloader`; the
    manifests are cached too, so a rerun makes no request at all (``refresh=True`` fetches
    them again). Manifests and images that cannot be had are listed in ``.skipped``.
    """
    urls = [url] if isinstance(url, str) else list(url)
    with Downloader(cache_dir, max_pixels=max_pixels, progress=progress,
                    **download_options) as downloader:
        walk = _Walk(downloader, max_depth, all_canvases, size, language, n)
        labels = []
        for top in urls:
            doc, reason = downloader.fetch_json(top)
            if not isinstance(doc, dict):
                raise ValueError(f"could not read the IIIF document {top}: "
                                 f"{reason or 'a JSON list, not a manifest or collection'}")
            labels.append(label_text(doc.get("label"), language))
            walk.visit_document(doc, top, 0, _Inherited())
        works = walk.works[:n] if n is not None else walk.works
        fetched = downloader.fetch_images([w["url"] for w in works], desc="IIIF images")
    metadata = pd.DataFrame(works)
    skipped = walk.skipped + [(f.url, f.reason) for f in fetched if not f.ok]
    name = labels[0] if len(labels) == 1 and labels[0] else urlsplit(urls[0]).netloc or "iiif"
    return collection_from_files(
        [f.path for f in fetched], [f.url for f in fetched], metadata, skipped,
        name=name, max_pixels=max_pixels, progress=progress,
    )
