"""A small IIIF museum on 127.0.0.1, for notebook 08, the tests and the download benchmark.

It stands in for a museum's IIIF endpoints where no public host may be reached (CI, the
tests, a notebook run by nbval): a real ``http.server`` in a thread that serves
Presentation API 2 and 3 manifests and collections, an Image API (``info.json`` and
``/{region}/{size}/{rotation}/{quality}.{format}``, region ``full``) over local images, and
any other route a test registers: a list of responses is served in turn (``[500, ok]``),
and a response can stall, omit its length or be slowed by ``latency``. Every request's
path is logged, so a test can count what reached the server.

    server = LocalServer().start()
    url = serve_paintings(server, paths, records)     # a IIIF collection of the images
    ...
    server.stop()
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image


@dataclass
class Response:
    """One answer: status, body, headers; ``stall`` seconds of silence before it;
    ``length=False`` sends no Content-Length (the body ends when the connection closes)."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/octet-stream"
    headers: dict = field(default_factory=dict)
    stall: float = 0.0
    length: bool = True


def json_response(document) -> Response:
    return Response(200, json.dumps(document).encode("utf-8"), "application/ld+json")


def jpeg_bytes(image: Image.Image, quality: int = 85) -> bytes:
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


class LocalServer:
    """An HTTP server on 127.0.0.1 (a free port) in a daemon thread.

    ``add(path, answer)``: ``answer`` is a :class:`Response`, bytes, a JSON-able dict or
    list of dicts (a document), a function of the path giving a Response, or a list of
    Responses served in turn (the last one repeats). ``add_prefix`` routes every path that
    starts with a prefix to a function. ``latency`` seconds are added to every answer.
    """

    def __init__(self, latency: float = 0.0):
        self.latency = latency
        self.routes: dict[str, list | Callable] = {}
        self.prefixes: dict[str, Callable[[str], Response]] = {}
        self.requests: list[str] = []
        self.user_agents: set[str] = set()
        self.in_flight = self.max_in_flight = 0  # requests being answered, and the most at once
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    # -- routes ------------------------------------------------------------------------------
    def add(self, path: str, answer) -> str:
        if isinstance(answer, bytes):
            answer = Response(body=answer, content_type="image/jpeg")
        elif isinstance(answer, dict):
            answer = json_response(answer)
        self.routes[path] = answer if callable(answer) else list(
            answer if isinstance(answer, list) else [answer])
        return self.url(path)

    def add_prefix(self, prefix: str, handler: Callable[[str], Response]) -> None:
        self.prefixes[prefix] = handler

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self, path: str | None = None) -> int:
        with self._lock:
            return len(self.requests) if path is None else self.requests.count(path)

    def _answer(self, path: str) -> Response:
        with self._lock:
            self.requests.append(path)
            route = self.routes.get(path)
            if isinstance(route, list):
                return route.pop(0) if len(route) > 1 else route[0]
        if route is not None:
            return route(path)
        for prefix, handler in self.prefixes.items():
            if path.startswith(prefix):
                return handler(path)
        return Response(404, b"not found", "text/plain")

    # -- lifetime ----------------------------------------------------------------------------
    def start(self) -> LocalServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                server.user_agents.add(self.headers.get("User-Agent", ""))
                with server._lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    answer = server._answer(self.path)
                    time.sleep(server.latency + answer.stall)
                finally:
                    # counted until its reply starts: once the client has read the reply it
                    # may send its next request before this thread runs again
                    with server._lock:
                        server.in_flight -= 1
                self.reply(answer)

            def reply(self, answer: Response) -> None:
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", answer.content_type)
                    if answer.length:
                        self.send_header("Content-Length", str(len(answer.body)))
                    for key, value in answer.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self.port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# -- the Image API over local images ---------------------------------------------------------
_IMAGE_REQUEST = re.compile(r"^/full/(?P<size>[^/]+)/0/(?P<quality>default|native)\.(jpg|png)$")


def fit_size(spec: str, width: int, height: int) -> tuple[int, int]:
    """The pixel size an Image API size (``full``, ``max``, ``!w,h``, ``w,``, ``,h``, ``w,h``)
    asks of a ``width`` x ``height`` image."""
    if spec in ("full", "max"):
        return width, height
    best_fit = spec.startswith("!")
    w, _, h = spec.lstrip("!^").partition(",")
    if best_fit:
        scale = min(int(w) / width, int(h) / height)
    elif w and h:
        return int(w), int(h)
    else:
        scale = int(w) / width if w else int(h) / height
    return max(1, round(width * scale)), max(1, round(height * scale))


def level0_sizes(width: int, height: int, count: int = 3) -> list[tuple[int, int]]:
    """The sizes a static (level 0) service lists: the whole image halved ``count`` times."""
    return [(max(1, width >> k), max(1, height >> k)) for k in range(count, 0, -1)]


def serve_images(server: LocalServer, images: dict[str, Path], version: int = 3,
                 level: int = 1, prefix: str = "/iiif/") -> None:
    """An Image API (version 1.1, 2 or 3) at ``{prefix}{id}/`` for each ``{id: image file}``.

    Version 1 serves the quality ``native``, later versions ``default`` (the other is a 400,
    as a strict server answers). A level 0 service serves its whole image and the sizes its
    ``info.json`` lists (:func:`level0_sizes`, asked as ``w,`` in version 2 and ``w,h`` in
    version 3; version 1.1 lists none), nothing else.
    """

    def answer(path: str) -> Response:
        image_id, _, rest = path[len(prefix):].partition("/")
        if image_id not in images:
            return Response(404, b"no such image", "text/plain")
        with Image.open(images[image_id]) as im:
            if rest == "info.json":
                return json_response(info(server, image_id, im.size, version, level, prefix))
            match = _IMAGE_REQUEST.match("/" + rest.split("?")[0])
            if match is None or match["quality"] != ("native" if version == 1 else "default"):
                return Response(400, b"unsupported request", "text/plain")
            listed = [] if version == 1 else [f"{w},{h}" if version == 3 else f"{w},"
                                              for w, h in level0_sizes(*im.size)]
            if level == 0 and match["size"] not in ("full", "max", *listed):
                return Response(400, b"size not available at level 0", "text/plain")
            size = fit_size(match["size"], *im.size)
            return Response(body=jpeg_bytes(im.convert("RGB").resize(size)),
                            content_type="image/jpeg")

    server.add_prefix(prefix, answer)


def info(server: LocalServer, image_id: str, size: tuple[int, int], version: int,
         level: int = 1, prefix: str = "/iiif/") -> dict:
    base = server.url(f"{prefix}{image_id}")
    sizes = [{"width": w, "height": h} for w, h in level0_sizes(*size)] if level == 0 else []
    if version == 1:
        return {"@context": "http://library.stanford.edu/iiif/image-api/1.1/context.json",
                "@id": base, "width": size[0], "height": size[1], "qualities": ["native"],
                "profile": "http://library.stanford.edu/iiif/image-api/1.1/compliance.html"
                           f"#level{level}"}
    if version == 2:
        return {"@context": "http://iiif.io/api/image/2/context.json", "@id": base,
                "protocol": "http://iiif.io/api/image", "width": size[0], "height": size[1],
                "profile": [f"http://iiif.io/api/image/2/level{level}.json"], "sizes": sizes}
    return {"@context": "http://iiif.io/api/image/3/context.json", "id": base,
            "type": "ImageService3", "protocol": "http://iiif.io/api/image",
            "width": size[0], "height": size[1], "profile": f"level{level}", "sizes": sizes}


def image_service(server: LocalServer, image_id: str, version: int = 3, level: int = 1,
                  prefix: str = "/iiif/") -> dict:
    """The service block a manifest gives an image of :func:`serve_images`."""
    base = server.url(f"{prefix}{image_id}")
    if version == 1:
        return {"@context": "http://library.stanford.edu/iiif/image-api/1.1/context.json",
                "@id": base, "profile": "http://library.stanford.edu/iiif/image-api/1.1/"
                                        f"compliance.html#level{level}"}
    if version == 2:
        return {"@context": "http://iiif.io/api/image/2/context.json", "@id": base,
                "profile": f"http://iiif.io/api/image/2/level{level}.json"}
    return {"id": base, "type": "ImageService3", "profile": f"level{level}"}


# -- Presentation API documents --------------------------------------------------------------
def manifest_v3(server: LocalServer, name: str, image_id: str | None, size: tuple[int, int],
                record: dict, image_url: str | None = None) -> dict:
    """A version 3 manifest of one canvas; its image through the Image API at
    ``/iiif/{image_id}`` (or, with ``image_id=None``, the plain ``image_url``)."""
    url = server.url(f"/manifests/{name}.json")
    body = {"id": image_url or server.url(f"/iiif/{image_id}/full/max/0/default.jpg"),
            "type": "Image", "format": "image/jpeg", "width": size[0], "height": size[1]}
    if image_id is not None:
        body["service"] = [{"id": server.url(f"/iiif/{image_id}"), "type": "ImageService3",
                            "profile": "level1"}]
    doc = {
        "@context": "http://iiif.io/api/presentation/3/context.json",
        "id": url, "type": "Manifest",
        "label": {"en": [record.get("title", name)]},
        "metadata": [{"label": {"en": [k.capitalize()]}, "value": {"none": [str(v)]}}
                     for k, v in record.items() if k not in ("title", "rights")],
        "rights": record.get("rights", "http://creativecommons.org/publicdomain/zero/1.0/"),
        "requiredStatement": {"label": {"en": ["Attribution"]},
                              "value": {"en": ["A local test museum"]}},
        "homepage": [{"id": server.url(f"/works/{name}"), "type": "Text",
                      "label": {"en": [record.get("title", name)]}, "format": "text/html"}],
        "seeAlso": [{"id": server.url(f"/records/{name}.json"), "type": "Dataset"}],
        "items": [{
            "id": f"{url}/canvas/1", "type": "Canvas", "width": size[0], "height": size[1],
            "items": [{"id": f"{url}/page/1", "type": "AnnotationPage", "items": [{
                "id": f"{url}/annotation/1", "type": "Annotation", "motivation": "painting",
                "body": body, "target": f"{url}/canvas/1"}]}],
        }],
    }
    return doc


def manifest_v2(server: LocalServer, name: str, image_id: str, size: tuple[int, int],
                record: dict) -> dict:
    """A version 2 manifest of one canvas, its image through an Image API 2 service."""
    url = server.url(f"/manifests/{name}.json")
    service = server.url(f"/iiif/{image_id}")
    return {
        "@context": "http://iiif.io/api/presentation/2/context.json",
        "@id": url, "@type": "sc:Manifest", "label": record.get("title", name),
        "metadata": [{"label": k.capitalize(), "value": str(v)}
                     for k, v in record.items() if k not in ("title", "rights")],
        "license": record.get("rights", "https://creativecommons.org/publicdomain/zero/1.0/"),
        "attribution": "A local test museum",
        "related": server.url(f"/works/{name}"),
        "sequences": [{"@type": "sc:Sequence", "canvases": [{
            "@id": f"{url}/canvas/1", "@type": "sc:Canvas", "label": "front",
            "width": size[0], "height": size[1],
            "images": [{"@type": "oa:Annotation", "motivation": "sc:painting",
                        "on": f"{url}/canvas/1", "resource": {
                            "@id": f"{service}/full/full/0/default.jpg", "@type": "dctypes:Image",
                            "format": "image/jpeg", "width": size[0], "height": size[1],
                            "service": {"@context": "http://iiif.io/api/image/2/context.json",
                                        "@id": service,
                                        "profile": "http://iiif.io/api/image/2/level1.json"}}}],
        }]}],
    }


def multi_canvas_manifest(server: LocalServer, name: str, label: str, canvases: Sequence[dict],
                          record: dict | None = None, version: int = 3) -> dict:
    """A manifest (version 3 or 2) of several canvases, as albums, sketchbooks, curated
    selections (each canvas its own ``label`` and ``record``) and objects photographed
    from several sides (``label`` "front", "back" ..., no record) are published.

    Each canvas: ``{"image_id", "size", "label" (optional), "record" (optional), "service"
    (optional, a :func:`image_service` block; default: version 3, level 1 at /iiif/)}``.
    ``record``: the manifest's own metadata pairs, as in :func:`manifest_v3`.
    """
    url = server.url(f"/manifests/{name}.json")

    def pairs(values: dict | None) -> list[dict]:
        if version == 2:
            return [{"label": k, "value": str(v)} for k, v in (values or {}).items()]
        return [{"label": {"en": [k]}, "value": {"none": [str(v)]}}
                for k, v in (values or {}).items()]

    items = []
    for n, canvas in enumerate(canvases, start=1):
        width, height = canvas["size"]
        service = canvas.get("service") or image_service(server, canvas["image_id"])
        base = service.get("id") or service["@id"]
        image = {"width": width, "height": height, "format": "image/jpeg"}
        own = {}
        if canvas.get("label") is not None:
            own["label"] = canvas["label"] if version == 2 else {"en": [canvas["label"]]}
        if canvas.get("record"):
            own["metadata"] = pairs(canvas["record"])
        if version == 2:
            items.append({"@id": f"{url}/canvas/{n}", "@type": "sc:Canvas", "width": width,
                          "height": height, "label": own.pop("label", f"p. {n}"), **own,
                          "images": [{"@type": "oa:Annotation", "motivation": "sc:painting",
                                      "on": f"{url}/canvas/{n}", "resource": {
                                          **image, "@id": f"{base}/full/full/0/default.jpg",
                                          "@type": "dctypes:Image", "service": service}}]})
        else:
            items.append({"id": f"{url}/canvas/{n}", "type": "Canvas", "width": width,
                          "height": height, **own, "items": [{
                              "id": f"{url}/page/{n}", "type": "AnnotationPage", "items": [{
                                  "id": f"{url}/annotation/{n}", "type": "Annotation",
                                  "motivation": "painting", "target": f"{url}/canvas/{n}",
                                  "body": {**image, "id": f"{base}/full/max/0/default.jpg",
                                           "type": "Image", "service": [service]}}]}]})
    if version == 2:
        return {"@context": "http://iiif.io/api/presentation/2/context.json", "@id": url,
                "@type": "sc:Manifest", "label": label, "metadata": pairs(record),
                "license": "https://creativecommons.org/publicdomain/zero/1.0/",
                "attribution": "A local test museum",
                "sequences": [{"@type": "sc:Sequence", "canvases": items}]}
    return {"@context": "http://iiif.io/api/presentation/3/context.json", "id": url,
            "type": "Manifest", "label": {"en": [label]}, "metadata": pairs(record),
            "rights": "http://creativecommons.org/publicdomain/zero/1.0/",
            "requiredStatement": {"label": {"en": ["Attribution"]},
                                  "value": {"en": ["A local test museum"]}},
            "items": items}


def collection_v3(server: LocalServer, name: str, label: str, members: Sequence[dict]) -> dict:
    """A version 3 collection listing manifests and collections by reference."""
    return {
        "@context": "http://iiif.io/api/presentation/3/context.json",
        "id": server.url(f"/collections/{name}.json"), "type": "Collection",
        "label": {"en": [label]},
        "items": [{"id": m.get("id") or m.get("@id"), "type": m.get("type", "Manifest"),
                   "label": m.get("label")} for m in members],
    }


def collection_v2(server: LocalServer, name: str, label: str, manifests: Sequence[dict],
                  collections: Sequence[dict] = ()) -> dict:
    """A version 2 collection: ``manifests`` and ``collections`` by reference."""
    return {
        "@context": "http://iiif.io/api/presentation/2/context.json",
        "@id": server.url(f"/collections/{name}.json"), "@type": "sc:Collection",
        "label": label,
        "manifests": [{"@id": m["@id"] if "@id" in m else m["id"], "@type": "sc:Manifest"}
                      for m in manifests],
        "collections": [{"@id": c["@id"] if "@id" in c else c["id"], "@type": "sc:Collection"}
                        for c in collections],
    }


def serve_paintings(server: LocalServer, paths: Sequence[Path], records: Sequence[dict],
                    label: str = "Paintings", lost: int = 0) -> str:
    """Serve ``paths`` as a IIIF museum: an Image API, one version 3 manifest each (its
    ``record``'s title, artist, date, genre ... as metadata), and a collection of them
    that also lists ``lost`` manifests the server no longer has (they answer 404).
    Returns the collection's URL."""
    images = {f"img{i}": Path(p) for i, p in enumerate(paths)}
    serve_images(server, images)
    manifests = []
    for (image_id, path), record in zip(images.items(), records, strict=True):
        with Image.open(path) as im:
            doc = manifest_v3(server, image_id, image_id, im.size, record)
        server.add(f"/manifests/{image_id}.json", doc)
        manifests.append(doc)
    manifests += [{"id": server.url(f"/manifests/lost{i}.json")} for i in range(lost)]
    server.add("/collections/paintings.json",
               collection_v3(server, "paintings", label, manifests))
    return server.url("/collections/paintings.json")
