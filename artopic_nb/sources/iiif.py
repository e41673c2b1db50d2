"""IIIF: museum collections as Presentation API 2 and 3 manifests and collections.

:func:`from_iiif` reads a manifest or a collection (many manifests, nested collections
followed up to ``max_depth`` levels), and fetches each work's image through its Image API
service at the size asked for (``{service}/full/!1024,1024/0/default.jpg``: the whole image,
fitted in 1024 x 1024), not the full-resolution master. Without a service, the image's own
URL is fetched.

Which canvases are works: a manifest whose canvases carry their own labels or descriptive
metadata (an album, a sketchbook, a curated selection) gives one work per such canvas; a
manifest whose canvases are views of one object (``front``, ``back``, ``f. 12r``, no
metadata of their own) gives one work, from its first canvas. The collection's ``notes``
(and the notice) say which rule applied and how many canvases it took; ``all_canvases=True``
takes every canvas, ``all_canvases=False`` the first canvas of each manifest.

Each work's metadata: ``title`` (the label), ``summary``, one column per metadata pair
(``"Object Date"`` becomes ``object_date``; ``People`` / ``Artist`` / ``Creator`` /
``Maker`` fill ``artist``, ``Date`` / ``Dated`` fill ``date``: see
:mod:`artopic_nb.sources.iiif_documents`), ``rights`` (the rights URI; a version 2
``license``), ``attribution`` (the required statement), ``homepage``, ``see_also``,
``manifest``, ``canvas`` and ``url`` (and ``manifest_title`` for a canvas that is a work of
its own). Rights and attribution given on a collection are kept with every work in it that
gives none of its own.

Example
-------
>>> import artopic_nb as an
>>> col = an.from_iiif("https://iiif.example.org/collection/paintings.json")  # doctest: +SKIP
>>> col.metadata[["title", "artist", "rights"]]                               # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pandas as pd

from ..data.collection import DEFAULT_MAX_PIXELS, ImageCollection
from ..data.skips import plural
from ._sampling import fair_order, fair_sample
from .download import Downloader, check_json, collection_from_files
from .iiif_documents import (
    RESERVED,
    canvas_is_own_work,
    image_service,
    image_url,
    label_text,
    needs_info,
    work_record,
)

__all__ = ["from_iiif", "image_url", "label_text"]


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


def _embedded(ref: dict) -> bool:
    return any(k in ref for k in ("items", "sequences", "manifests", "collections", "members"))


@dataclass
class _Inherited:
    rights: str = ""
    attribution: str = ""


def _rights(doc: dict, inherited: _Inherited) -> _Inherited:
    rights = doc.get("rights") or doc.get("license")
    statement = doc.get("requiredStatement")
    attribution = label_text(statement.get("value")) if isinstance(statement, dict) \
        else label_text(doc.get("attribution"))
    return _Inherited(rights=" ".join(_ids(rights)) or inherited.rights,
                      attribution=attribution or inherited.attribution)


@dataclass
class _Ref:
    """A manifest to read: its URL, the document when the collection embeds it, the
    collection that lists it (what a sample is fair across), what it inherits, and how deep
    it is (a reference typed as a manifest may turn out to be a collection)."""

    url: str
    doc: dict | None
    group: str
    inherited: _Inherited
    depth: int


@dataclass
class _Walk:
    """The collections walked (each fetched once), the manifests they list, what was
    skipped, and how the canvases were taken."""

    downloader: Downloader
    max_depth: int
    language: str
    refs: list[_Ref] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    rules: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: {
        "own": [], "views": [], "all": [], "first": []})  # (canvases taken, left) each

    def document(self, doc: dict, url: str, depth: int, inherited: _Inherited, group: str
                 ) -> None:
        """A document met at ``depth``: a manifest to read, or a collection to walk."""
        if url and url in self.seen:
            return
        self.seen.add(url)
        if _kind(doc) == "manifest":
            self.refs.append(_Ref(url, doc, group, inherited, depth))
        elif depth > self.max_depth:
            self.skipped.append((url, f"collection nested deeper than max_depth="
                                      f"{self.max_depth}", "collection"))
        else:
            self.members(doc, url, depth, inherited)

    def members(self, doc: dict, url: str, depth: int, inherited: _Inherited) -> None:
        """A collection's members: manifests listed (read later, as a sample may need only
        some), collections walked now."""
        rights = _rights(doc, inherited)
        for member in _members(doc):
            member_url = member.get("id") or member.get("@id") or ""
            if _embedded(member):
                self.document(member, member_url, depth + 1, rights, url)
            elif _kind(member) == "manifest":
                if not member_url or member_url not in self.seen:
                    self.seen.add(member_url)
                    self.refs.append(_Ref(member_url, None, url, rights, depth + 1))
            elif member_url not in self.seen:
                self.collection(member_url, depth + 1, rights)

    def collection(self, url: str, depth: int, inherited: _Inherited) -> None:
        if depth > self.max_depth:
            self.seen.add(url)
            self.skipped.append((url, f"collection nested deeper than max_depth="
                                      f"{self.max_depth}", "collection"))
            return
        found, reason = self.downloader.fetch_json(url)
        if isinstance(found, dict):
            self.document(found, url, depth, inherited, url)
        else:
            self.seen.add(url)
            self.skipped.append((url, reason or "not a IIIF document (a JSON list)",
                                 "collection"))

    def works(self, ref: _Ref, doc: dict, all_canvases: bool | None) -> list[dict]:
        """The works of one manifest, by the canvas rule (see the module)."""
        rights = _rights(doc, ref.inherited)
        record = _manifest_record(doc, ref.url, rights, self.language)
        canvases = [(c, b[0]) for c in _canvases(doc) if (b := _painting_bodies(c))]
        if not canvases:
            self.skipped.append((ref.url, "manifest has no image", "manifest"))
            return []
        own = [canvas_is_own_work(c, record["title"], self.language) for c, _ in canvases]
        if all_canvases is None and len(canvases) > 1 and sum(own) * 2 >= len(canvases):
            chosen, rule = [i for i, o in enumerate(own) if o], "own"
        elif all_canvases:
            chosen, rule = list(range(len(canvases))), "all"
        else:
            chosen, rule = [0], "first" if all_canvases is False else "views"
        if len(canvases) > 1:
            self.rules[rule].append((len(chosen), len(canvases) - len(chosen)))
        works = []
        for number in chosen:
            canvas, body = canvases[number]
            work = dict(record, canvas=canvas.get("id") or canvas.get("@id") or "", body=body)
            label = label_text(canvas.get("label"), self.language)
            if rule == "own" or (rule == "all" and own[number]):
                work.update({k if k not in RESERVED else f"metadata_{k}": v for k, v in
                             work_record(canvas.get("metadata"), self.language).items()})
                work["manifest_title"], work["title"] = record["title"], label or record["title"]
                summary = label_text(canvas.get("summary") or canvas.get("description"),
                                     self.language)
                if summary:
                    work["summary"] = summary
            elif rule == "all":
                work["title"] = f"{record['title']} ({label or f'image {number + 1}'})"
            works.append(work)
        return works

    def notes(self) -> list[str]:
        """Which canvas rule applied to the manifests of several canvases, and how many
        canvases it took."""
        said = []
        for rule, counts in self.rules.items():
            if not counts:
                continue
            manifests = plural(len(counts), "manifest")
            taken, left = sum(c[0] for c in counts), sum(c[1] for c in counts)
            said.append({
                "own": f"{manifests} whose canvases carry their own labels or metadata: "
                       f"{plural(taken, 'work')}, one per such canvas"
                       + (f" ({plural(left, 'other canvas')} left out)" if left else ""),
                "views": f"{manifests} of several views of one object: one work each, from "
                         f"its first canvas ({plural(left, 'more canvas')} not taken; "
                         "all_canvases=True takes every canvas)",
                "first": f"all_canvases=False: the first canvas of {manifests} of several "
                         f"canvases ({plural(left, 'more canvas')} not taken)",
                "all": f"all_canvases=True: {plural(taken, 'work')} from every canvas of "
                       f"{manifests} of several canvases",
            }[rule])
        return said


def _manifest_record(doc: dict, url: str, rights: _Inherited, language: str) -> dict:
    record = {"title": label_text(doc.get("label"), language)}
    summary = label_text(doc.get("summary") or doc.get("description"), language)
    if summary:
        record["summary"] = summary
    record.update(work_record(doc.get("metadata"), language))
    record["rights"] = rights.rights
    record["attribution"] = rights.attribution
    record["homepage"] = " ".join(_ids(doc.get("homepage") or doc.get("related")))
    record["see_also"] = " ".join(_ids(doc.get("seeAlso")))
    record["manifest"] = url
    return record


def _read_manifests(walk: _Walk, all_canvases: bool | None, n: int | None, seed: int
                    ) -> list[dict]:
    """The works of the walk's manifests (all, or enough for ``n`` in a fair order across
    the collections listing them), fetched concurrently, in the collections' order."""
    refs = walk.refs
    order = list(range(len(refs))) if n is None else \
        fair_order([r.group for r in refs], seed, keep_unlabelled=True)
    found: dict[int, list[dict]] = {}
    start = 0
    while start < len(order) and (n is None or sum(map(len, found.values())) < n):
        wanted = len(order) if n is None else n - sum(map(len, found.values()))
        batch = order[start:start + wanted]
        start += len(batch)
        remote = [i for i in batch if refs[i].doc is None]
        fetched = walk.downloader.fetch_all([refs[i].url for i in remote], check_json,
                                            desc="IIIF manifests")
        docs = {i: refs[i].doc for i in batch}
        for i, result in zip(remote, fetched, strict=True):
            if not result.ok:
                walk.skipped.append((refs[i].url, result.reason, "manifest"))
                continue
            document = json.loads(result.path.read_bytes())
            docs[i] = document if isinstance(document, dict) else None
            if docs[i] is None:
                walk.skipped.append((refs[i].url, "not a IIIF document (a JSON list)",
                                     "manifest"))
        for i in batch:
            if docs.get(i) is None:
                continue
            if _kind(docs[i]) == "collection":  # listed as a manifest: walked, its own read later
                known = len(refs)
                if refs[i].depth > walk.max_depth:
                    walk.skipped.append((refs[i].url, "collection nested deeper than "
                                         f"max_depth={walk.max_depth}", "collection"))
                else:
                    walk.members(docs[i], refs[i].url, refs[i].depth, refs[i].inherited)
                order += range(known, len(refs))
            else:
                found[i] = walk.works(refs[i], docs[i], all_canvases)
    works = [w for i in sorted(found) for w in found[i]]
    if n is not None and len(works) > n:  # a manifest of many works: fair across manifests
        works = [works[i] for i in fair_sample([w["manifest"] for w in works], n, seed=seed)]
    return works


def _image_urls(works: list[dict], size, downloader: Downloader) -> None:
    """Each work's ``url``, reading the ``info.json`` of level 0 services (their sizes)."""
    info_urls = {id(w): f"{image_service(w['body']).base}/info.json"
                 for w in works if needs_info(w["body"], size)}
    distinct = list(dict.fromkeys(info_urls.values()))
    fetched = downloader.fetch_all(distinct, check_json, desc="IIIF image info")
    infos = {f.url: json.loads(f.path.read_bytes()) for f in fetched if f.ok}
    for work in works:
        info = infos.get(info_urls.get(id(work), ""))
        work["url"] = image_url(work.pop("body"), size, info if isinstance(info, dict) else None)


def from_iiif(
    url: str | list[str],
    *,
    size: int | str | None = 1024,
    max_depth: int = 2,
    all_canvases: bool | None = None,
    n: int | None = None,
    seed: int = 0,
    language: str = "en",
    cache_dir: str | os.PathLike | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    progress: bool = True,
    **download_options,
) -> ImageCollection:
    """The works of a IIIF manifest or collection (or a list of them) as a collection.

    ``size``: the Image API size (an int fits the image in that square; None or ``"full"``
    the whole image; another string is used as it is). ``max_depth``: how many levels of
    nested collections are followed (deeper ones are listed in ``skipped``).
    ``all_canvases``: None (default) applies the canvas rule of the module (canvases with
    their own labels or metadata are works; views of one object are one work); True makes
    every canvas a work, False takes each manifest's first canvas. ``n``: a seeded sample of
    that many works, fair across the collections that list the manifests (only the
    manifests needed are fetched). ``cache_dir`` and ``download_options`` (``retry_failed``,
    ``refresh``, ``max_bytes`` ...) go to :class:`~artopic_nb.sources.download.Downloader`;
    manifests are cached too, and known failures are remembered, so a rerun makes no request
    for what it has or knows it cannot have. Manifests, collections and images that cannot
    be had are listed in ``.skipped``.

    Example
    -------
    >>> col = from_iiif("https://iiif.example.org/album.json", all_canvases=True)  # doctest: +SKIP
    >>> col.notes                                                                  # doctest: +SKIP
    """
    urls = [url] if isinstance(url, str) else list(url)
    with Downloader(cache_dir, max_pixels=max_pixels, progress=progress,
                    **download_options) as downloader:
        walk = _Walk(downloader, max_depth, language)
        labels = []
        for top in urls:
            doc, reason = downloader.fetch_json(top)
            if not isinstance(doc, dict):
                raise ValueError(f"could not read the IIIF document {top}: "
                                 f"{reason or 'a JSON list, not a manifest or collection'}")
            labels.append(label_text(doc.get("label"), language))
            walk.document(doc, top, 0, _Inherited(), top)
        works = _read_manifests(walk, all_canvases, n, seed)
        _image_urls(works, size, downloader)
        fetched = downloader.fetch_images([w["url"] for w in works], desc="IIIF images")
    metadata = pd.DataFrame(works)
    skipped = walk.skipped + [(f.url, f.reason, "image") for f in fetched if not f.ok]
    name = labels[0] if len(labels) == 1 and labels[0] else urlsplit(urls[0]).netloc or "iiif"
    return collection_from_files(
        [f.path for f in fetched], [f.url for f in fetched], metadata, skipped,
        name=name, notes=walk.notes(), max_pixels=max_pixels, progress=progress,
    )
