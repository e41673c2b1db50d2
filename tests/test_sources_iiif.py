"""IIIF Presentation 2 and 3 manifests and collections, from a real local server.

The server (``notebooks/_local_iiif_server.py``) serves an Image API over the fixture
paintings, manifests of both versions, and nested collections; never a public host.
"""

from __future__ import annotations

import re
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
    Response,
    collection_v2,
    collection_v3,
    image_service,
    level0_sizes,
    manifest_v2,
    manifest_v3,
    multi_canvas_manifest,
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
    assert server.count() == requests  # no request at all: the two 404s are known failures
    assert col2.hashes == col.hashes
    assert "known failure" in dict(zip(col2.skipped.path, col2.skipped.reason,
                                       strict=True))[server.url("/manifests/nope.json")]
    with pytest.warns(UserWarning, match="skipped"):
        from_iiif(top["id"], size=64, max_depth=2, cache_dir=tmp_path, retry_failed=True, **FAST)
    assert server.count() - requests == 2  # retry_failed asks for exactly those again

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


# -- which canvases are works ----------------------------------------------------------------
@pytest.fixture
def album(museum, fixture_dir):
    """A 24-canvas album whose canvases carry their own labels and metadata, and an object
    photographed from three sides (canvases "front", "back", "detail", no metadata)."""
    server, _ = museum
    records = pd.read_csv(fixture_dir / "metadata.csv").to_dict("records")
    paths = {f"a{i}": fixture_dir / r["file_name"] for i, r in enumerate(records)}
    serve_images(server, paths)
    canvases = [{"image_id": f"a{i}", "size": Image.open(paths[f"a{i}"]).size,
                 "label": r["title"], "record": {"Artist": r["artist"], "Date": r["date"],
                                                 "Genre": r["genre"]}}
                for i, r in enumerate(records)]
    album = multi_canvas_manifest(server, "album", "An album of 24 paintings", canvases,
                                  {"Department": "Prints and albums"})
    views = multi_canvas_manifest(server, "views", "A painted chest", [
        dict(canvases[0], label=side, record=None) for side in ("front", "back", "f. 2r")],
        {"Artist": "Unknown maker"})
    return server, server.add("/manifests/album.json", album), \
        server.add("/manifests/views.json", views)


def test_a_manifest_whose_canvases_are_works(album, tmp_path):
    server, album_url, views_url = album
    with pytest.warns(UserWarning, match="canvases carry their own labels or metadata: 24 "
                                         "works, one per such canvas"):
        col = from_iiif(album_url, size=48, cache_dir=tmp_path, **FAST)
    assert len(col) == 24 and col.skipped.empty
    assert col.notes == ["1 manifest whose canvases carry their own labels or metadata: 24 "
                         "works, one per such canvas"]
    records = pd.read_csv(Path(__file__).parent / "data" / "images" / "metadata.csv")
    assert col.metadata.title.tolist() == records.title.tolist()
    assert col.metadata.artist.tolist() == records.artist.tolist()
    assert col.metadata.genre.tolist() == records.genre.tolist()
    assert set(col.metadata.manifest_title) == {"An album of 24 paintings"}
    assert set(col.metadata.department) == {"Prints and albums"}  # the manifest's, kept
    assert col.metadata.canvas.is_unique and col.metadata.rights.notna().all()
    # all_canvases=False: the first canvas only, said so
    first = from_iiif(album_url, size=48, all_canvases=False, cache_dir=tmp_path, **FAST)
    assert len(first) == 1 and "23 more canvases not taken" in first.notes[0]


def test_a_manifest_of_views_is_one_work(album, tmp_path):
    server, album_url, views_url = album
    with pytest.warns(UserWarning, match="of several views of one object: one work each, from "
                                         "its first canvas \\(2 more canvases not taken"):
        col = from_iiif(views_url, size=48, cache_dir=tmp_path, **FAST)
    assert len(col) == 1 and col.metadata.title[0] == "A painted chest"
    assert col.metadata.artist[0] == "Unknown maker"
    every = from_iiif(views_url, size=48, all_canvases=True, cache_dir=tmp_path, **FAST)
    assert every.metadata.title.tolist() == ["A painted chest (front)", "A painted chest (back)",
                                             "A painted chest (f. 2r)"]
    assert every.notes == ["all_canvases=True: 3 works from every canvas of 1 manifest of "
                           "several canvases"]


def test_the_cli_takes_iiif_options_after_a_question_mark(album, tmp_path, capsys):
    server, album_url, views_url = album
    out = tmp_path / "out"
    code = main(["run", f"iiif:{views_url}?all_canvases=1&size=40", "--embedder", "color",
                 "--no-describe", "--cluster-method", "kmeans", "--n-clusters", "2", "--out",
                 str(out), "--cache-dir", str(tmp_path / "cache"), "--no-progress"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "A painted chest: 3 images, 0 skipped" in captured.out
    assert "source     : all_canvases=True: 3 works" in captured.out
    assert "artopic: A painted chest: 3 works; all_canvases=True" in captured.err
    assert "UserWarning" not in captured.err and "CollectionNotice" not in captured.err
    urls = pd.read_parquet(out / "study" / "collection.parquet").url
    assert urls.str.contains("/full/!40,40/0/default.jpg", regex=False).all()
    # n= a fair sample of the album's works; an option the loader lacks stays in the URL
    code = main(["run", f"iiif:{album_url}?n=6&seed=1", "--embedder", "color", "--no-describe",
                 "--out", str(out), "--cache-dir", str(tmp_path / "cache"), "--no-progress"])
    assert code == 0 and "An album of 24 paintings: 6 images" in capsys.readouterr().out
    assert main(["run", f"iiif:{album_url}?page=2", "--no-progress", "--out", str(out),
                 "--cache-dir", str(tmp_path / "cache")]) == 2
    assert "album.json?page=2: HTTP 404" in capsys.readouterr().err


def test_n_is_a_fair_sample_and_reads_only_the_manifests_it_needs(museum, tmp_path):
    server, manifests = museum
    v3 = [m[0] for m in manifests.values()]
    many = collection_v3(server, "many", "Six portraits", v3[:6])
    few = collection_v3(server, "few", "Two landscapes", v3[6:])
    top = collection_v3(server, "both", "Both", [many, few])
    for doc in (many, few, top):
        server.add(urlpath(doc["id"]), doc)
    col = from_iiif(top["id"], size=32, n=4, seed=0, cache_dir=tmp_path, **FAST)
    assert len(col) == 4
    from_few = col.metadata.manifest.isin([m["id"] for m in v3[6:]]).sum()
    assert from_few == 2  # two of each collection, not the first four listed
    assert sum(server.count(urlpath(m["id"])) for m in v3) == 4  # only those manifests read


# -- museum conventions and the Image API ----------------------------------------------------
def test_harvard_people_and_dated_give_artist_and_date(museum, fixture_dir, tmp_path):
    server, _ = museum
    size = Image.open(fixture_dir / "435882.jpg").size
    serve_images(server, {"h1": fixture_dir / "435882.jpg"}, version=2, prefix="/harvard/")
    doc = multi_canvas_manifest(server, "harvard", "Self-Portrait Dedicated to Paul Gauguin", [
        {"image_id": "h1", "size": size, "label": "Front",
         "service": image_service(server, "h1", version=2, prefix="/harvard/")}],
        {"Dated": "1888", "Classification": "Paintings",
         "People": "Artist: Vincent van Gogh, Dutch, Zundert 1853 - 1890 Auvers-sur-Oise, "
                   "France", "Object Number": "1951.65"}, version=2)
    col = from_iiif(server.add("/manifests/harvard.json", doc), size=64, cache_dir=tmp_path,
                    **FAST)
    row = col.metadata.iloc[0]
    assert (row.artist, row.date, row.classification) == ("Vincent van Gogh", "1888", "Paintings")
    assert row.people.startswith("Artist: Vincent van Gogh, Dutch")
    assert row.url == server.url("/harvard/h1/full/!64,64/0/default.jpg")


@pytest.mark.parametrize("version", [1, 2, 3])
def test_image_api_versions_and_level_0(museum, fixture_dir, tmp_path, version):
    """1.1 names its quality native; a level 0 service serves only the sizes its info.json
    lists, so that document is read and the smallest listed size that covers the request
    is asked for (``w,`` before version 3, ``w,h`` from it)."""
    server, _ = museum
    path = fixture_dir / "435641.jpg"
    size = Image.open(path).size
    serve_images(server, {"one": path}, version=version, prefix=f"/v{version}/")
    serve_images(server, {"one": path}, version=version, level=0, prefix=f"/static{version}/")
    canvases = [{"image_id": "one", "size": size, "label": f"side {k}", "service": image_service(
        server, "one", version=version, level=level, prefix=prefix)}
        for k, (level, prefix) in enumerate([(1, f"/v{version}/"), (0, f"/static{version}/")])]
    doc = multi_canvas_manifest(server, f"api{version}", "Two services", canvases,
                                version=3 if version == 3 else 2)
    col = from_iiif(server.add(f"/manifests/api{version}.json", doc), size=40, all_canvases=True,
                    cache_dir=tmp_path, **FAST)
    assert col.skipped.empty and len(col) == 2, col.skipped.reason.tolist()
    quality = "native" if version == 1 else "default"
    assert col.metadata.url[0] == server.url(f"/v{version}/one/full/!40,40/0/{quality}.jpg")
    width, height = next(s for s in level0_sizes(*size) if max(s) >= 40)
    listed = {1: "full", 2: f"{width},", 3: f"{width},{height}"}[version]  # 1.1 lists none
    assert col.metadata.url[1] == server.url(f"/static{version}/one/full/{listed}/0/{quality}.jpg")
    assert server.count(f"/static{version}/one/info.json") == (version > 1)
    if version > 1:  # "w," leaves the height to the server's rounding
        assert col.metadata.width[1] == width and abs(col.metadata.height[1] - height) <= 1


# -- known failures --------------------------------------------------------------------------
def test_a_rerun_asks_nothing_of_50_lost_manifests(museum, tmp_path):
    """A 55-manifest collection, 50 of them gone (404): the rerun makes no request; 429, 5xx
    and timeouts are not remembered, and retry_failed asks again."""
    server, manifests = museum
    v3 = [m[0] for m in manifests.values()][:5]
    lost = [{"id": server.url(f"/manifests/lost{i}.json"), "type": "Manifest"} for i in range(50)]
    passing = [server.add("/manifests/busy.json", Response(429, b"", "text/plain",
                                                           {"Retry-After": "0"})),
               server.add("/manifests/down.json", Response(503, b"", "text/plain"))]
    top = collection_v3(server, "lossy", "Mostly lost", v3 + lost + [{"id": u} for u in passing])
    server.add("/collections/lossy.json", top)
    with pytest.warns(UserWarning, match=r"Mostly lost: 5 works; 52 manifests skipped \(50 HTTP "
                                         r"404 Not Found, 1 HTTP 429"):
        col = from_iiif(top["id"], size=32, cache_dir=tmp_path, **FAST)
    assert len(col) == 5 and set(col.skipped.what) == {"manifest"}
    before = server.count()
    with pytest.warns(UserWarning, match="52 manifests skipped"):
        again = from_iiif(top["id"], size=32, cache_dir=tmp_path, **FAST)
    asked = server.requests[before:]
    assert sorted(set(asked)) == ["/manifests/busy.json", "/manifests/down.json"]
    assert not any(re.match(r"/manifests/lost\d+\.json", p) for p in asked)
    assert again.hashes == col.hashes
    before = server.count()
    with pytest.warns(UserWarning):
        from_iiif(top["id"], size=32, cache_dir=tmp_path, retry_failed=True, **FAST)
    assert sum(p.startswith("/manifests/lost") for p in server.requests[before:]) == 50
