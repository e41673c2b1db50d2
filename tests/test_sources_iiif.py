"""IIIF Presentation 2 and 3 manifests and collections, from a real local server.

The server (``notebooks/_local_iiif_server.py``) serves an Image API over the fixture
paintings, manifests of both versions, and nested collections; never a public host.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from artopic_nb.cli import main
from artopic_nb.sources.iiif import from_iiif, image_url, label_text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "notebooks"))
from _local_iiif_server import (  # noqa: E402
    LocalServer,
    collection_v2,
    collection_v3,
    manifest_v2,
    manifest_v3,
    serve_images,
)

FAST = {"retries": 1, "backoff": 0.01, "timeout": 2.0, "progress": False}
NO_C = "http://rightsstatements.org/vocab/NoC-US/1.0/"


@pytest.fixture
def museum(fixture_dir):
    """A server with an Image API (version 3 at /iiif/, version 2 at /iiif2/) and a
    manifest of each version per painting; yields (server, {name: (v3, v2) manifest})."""
    records = pd.read_csv(fixture_dir / "metadata.csv").to_dict("records")[:8]
    images = {f"p{i}": fixture_dir / r.pop("file_name") for i, r in enumerate(records)}
    with LocalServer() as server:
        serve_images(server, images)
        manifests = {}
        for (name, path), record in zip(images.items(), records, strict=True):
            size = Image.open(path).size
            v3 = manifest_v3(server, name, name, size, record)
            v2 = manifest_v2(server, f"{name}-v2", name, size, record)
            server.add(f"/manifests/{name}.json", v3)
            server.add(f"/manifests/{name}-v2.json", v2)
            manifests[name] = (v3, v2)
        yield server, manifests


def test_a_version_3_manifest(museum, tmp_path):
    server, manifests = museum
    col = from_iiif(manifests["p0"][0]["id"], size=64, cache_dir=tmp_path, **FAST)
    assert len(col) == 1 and col.skipped.empty
    row = col.metadata.iloc[0]
    assert col.name == row.title == "Water-moon Avalokiteshvara"
    assert row.artist == "Unidentified artist" and row.genre == "asian art"
    assert row.date == "first half of the 14th century"
    assert row.rights == "http://creativecommons.org/publicdomain/zero/1.0/"
    assert row.attribution == "A local test museum"
    assert row.homepage == server.url("/works/p0") and row.see_also == server.url("/records/p0.json")
    assert row.manifest == manifests["p0"][0]["id"] and row.canvas.endswith("/canvas/1")
    assert row.url == server.url("/iiif/p0/full/!64,64/0/default.jpg")
    assert max(col.image(0).size) == 64  # fetched at the size asked for, not the master
    assert server.count("/iiif/p0/full/!64,64/0/default.jpg") == 1


def test_a_version_2_manifest(museum, tmp_path):
    server, manifests = museum
    col = from_iiif(manifests["p1"][1]["@id"], size=64, cache_dir=tmp_path, **FAST)
    row = col.metadata.iloc[0]
    assert row.title == "Landscapes with poems" and row.artist == "Gong Xian"
    assert row.rights == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert row.attribution == "A local test museum" and row.homepage == server.url("/works/p1-v2")
    assert row.url == server.url("/iiif/p1/full/!64,64/0/default.jpg")
    # size=None asks for the whole image: "full" in Image API 2
    col = from_iiif(manifests["p1"][1]["@id"], size=None, cache_dir=tmp_path, **FAST)
    assert col.metadata.url[0] == server.url("/iiif/p1/full/full/0/default.jpg")


def test_nested_collections_faults_and_a_second_run(museum, tmp_path):
    server, manifests = museum
    v3 = [manifests[f"p{i}"][0] for i in range(8)]
    v2 = [manifests[f"p{i}"][1] for i in range(8)]
    # a painting whose manifest states no rights: it takes the collection's
    unstated = manifest_v3(server, "unstated", "p7", (80, 112), {"title": "Unstated", "rights": None})
    server.add("/manifests/unstated.json", unstated)
    # a painting without an image service: its image's own URL is fetched
    plain = manifest_v3(server, "plain", None, (80, 112), {"title": "Plain"},
                        image_url=server.url("/iiif/p6/full/!40,40/0/default.jpg"))
    server.add("/manifests/plain.json", plain)
    broken_image = manifest_v3(server, "gone", "nosuchimage", (80, 112), {"title": "Gone"})
    server.add("/manifests/gone.json", broken_image)
    deepest = collection_v3(server, "deepest", "Too deep", [v3[5]])
    deeper = collection_v3(server, "deeper", "Deeper", [v3[4], deepest])
    deep = collection_v2(server, "deep", "Deep (version 2)", [v2[3]], [deeper])
    portraits = collection_v3(server, "portraits", "Portraits", v3[:3])
    top = collection_v3(server, "top", "Everything", [
        portraits, deep, unstated, plain, broken_image, {"id": server.url("/manifests/nope.json")},
        v3[0],  # listed twice: read once
    ])
    top["rights"] = NO_C
    for doc in (deepest, deeper, deep, portraits, top):
        server.add(urlpath(doc.get("id") or doc["@id"]), doc)

    with pytest.warns(UserWarning, match="skipped"):
        col = from_iiif(top["id"], size=64, max_depth=2, cache_dir=tmp_path, **FAST)
    titles = set(col.metadata.title)
    assert titles == {"Water-moon Avalokiteshvara", "Landscapes with poems", *_titles(v3, 2, 3, 4),
                      "Unstated", "Plain"}
    assert col.name == "Everything"
    rights = dict(zip(col.metadata.title, col.metadata.rights, strict=True))
    assert rights["Unstated"] == NO_C  # kept with every work
    assert col.metadata.rights.notna().all() and (col.metadata.rights != "").all()
    assert col.metadata.set_index("title").url["Plain"] == server.url("/iiif/p6/full/!40,40/0/default.jpg")
    reasons = dict(zip(col.skipped.path, col.skipped.reason, strict=True))
    assert reasons[deepest["id"]] == "collection nested deeper than max_depth=2"
    assert "HTTP 404" in reasons[server.url("/manifests/nope.json")]
    assert "HTTP 404" in reasons[server.url("/iiif/nosuchimage/full/!64,64/0/default.jpg")]

    requests = server.count()
    with pytest.warns(UserWarning, match="skipped"):
        col2 = from_iiif(top["id"], size=64, max_depth=2, cache_dir=tmp_path, **FAST)
    failed = [server.url("/manifests/nope.json"), server.url("/iiif/nosuchimage/full/!64,64/0/default.jpg")]
    assert server.count() - requests == len(failed)  # only the failures are tried again
    assert col2.hashes == col.hashes

    # n stops the walk once it has enough works
    assert len(from_iiif(top["id"], size=64, n=2, cache_dir=tmp_path, **FAST)) == 2


def urlpath(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _titles(manifests, *indices):
    return {label_text(manifests[i]["label"]) for i in indices}


def test_a_missing_top_document_is_an_error(museum, tmp_path):
    server, _ = museum
    with pytest.raises(ValueError, match="could not read the IIIF document .*HTTP 404"):
        from_iiif(server.url("/nothing.json"), cache_dir=tmp_path, **FAST)


def test_labels_language_maps_and_image_urls():
    assert label_text({"fr": ["Le Lac"], "en": ["The Lake"]}) == "The Lake"
    assert label_text({"fr": ["Le Lac"], "en": ["The Lake"]}, language="fr") == "Le Lac"
    assert label_text({"none": ["1889"]}) == "1889"
    assert label_text({"de": ["Der See", "zweiter"]}) == "Der See; zweiter"
    assert label_text([{"@value": "Lake", "@language": "en"},
                       {"@value": "Lac", "@language": "fr"}]) == "Lake"
    assert label_text("<span>Oil on <b>canvas</b> &amp; wood</span>") == "Oil on canvas & wood"
    v3 = {"id": "https://x/img/full/max/0/default.jpg", "width": 4000, "height": 3000,
          "service": [{"id": "https://x/iiif/a/", "type": "ImageService3"}]}
    assert image_url(v3, 1024) == "https://x/iiif/a/full/!1024,1024/0/default.jpg"
    assert image_url(v3, None) == "https://x/iiif/a/full/max/0/default.jpg"
    assert image_url(dict(v3, width=800, height=600), 1024) == "https://x/iiif/a/full/max/0/default.jpg"
    assert image_url(v3, "500,") == "https://x/iiif/a/full/500,/0/default.jpg"
    v2 = {"@id": "https://x/full/full/0/default.jpg",
          "service": {"@id": "https://x/iiif/b/info.json", "profile": "http://iiif.io/api/image/2/level2.json"}}
    assert image_url(v2, 512) == "https://x/iiif/b/full/!512,512/0/default.jpg"
    assert image_url(v2, None) == "https://x/iiif/b/full/full/0/default.jpg"
    assert image_url({"id": "https://x/a.jpg"}, 512) == "https://x/a.jpg"


def test_the_cli_runs_a_iiif_collection_to_a_report(museum, tmp_path, capsys):
    server, manifests = museum
    top = collection_v3(server, "all", "All paintings", [m[0] for m in manifests.values()])
    url = server.add("/collections/all.json", top)
    out = tmp_path / "out"
    code = main(["run", f"iiif:{url}", "--embedder", "color", "--describe", "attributes",
                 "--out", str(out), "--cache-dir", str(tmp_path / "cache"), "--no-progress"])
    assert code == 0
    assert "All paintings: 8 images, 0 skipped" in capsys.readouterr().out
    assert (out / "report.html").stat().st_size > 10_000
    saved = pd.read_parquet(out / "study" / "collection.parquet")
    assert saved.rights.eq("http://creativecommons.org/publicdomain/zero/1.0/").all()
    assert (tmp_path / "cache" / "downloads").is_dir()
