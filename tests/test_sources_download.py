"""The download layer and URL tables against a real local HTTP server (127.0.0.1 only).

The server injects every fault the layer must survive: 404, 429 with Retry-After, 500
then success, a stall, a non-image body, oversized files (by bytes, with and without a
Content-Length, and by pixels). Nothing good is lost, every failure is in the report
with its reason, and a second run makes no request for what it already has.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from artopic_nb.cli import main
from artopic_nb.sources.download import Downloader, _retry_after, user_agent
from artopic_nb.sources.tables import from_csv, from_dataframe

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "notebooks"))
from _local_iiif_server import LocalServer, Response  # noqa: E402

FAST = {"retries": 2, "backoff": 0.01, "timeout": 0.5, "max_retry_after": 0.3, "progress": False}


@pytest.fixture
def server():
    with LocalServer() as s:
        yield s


@pytest.fixture(scope="module")
def paintings(fixture_dir) -> list[bytes]:
    return [p.read_bytes() for p in sorted(fixture_dir.glob("*.jpg"))[:6]]


def _png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (120, 80, 40)).save(buf, format="PNG")
    return buf.getvalue()


def _faulty_routes(server: LocalServer, paintings: list[bytes]) -> tuple[list[str], dict]:
    """Good images (some behind passing faults) and the URLs that must fail, with the
    words their reason must contain."""
    good = [server.add(f"/img/{i}.jpg", data) for i, data in enumerate(paintings[:3])]
    good.append(server.add("/rate-limited.jpg", [
        Response(429, b"slow down", "text/plain", {"Retry-After": "0.2"}),
        Response(body=paintings[3], content_type="image/jpeg")]))
    good.append(server.add("/flaky.jpg", [
        Response(500, b"oops", "text/plain"), Response(body=paintings[4], content_type="image/jpeg")]))
    big = b"\xff\xd8" + b"\0" * 300_000
    bad = {
        server.url("/missing.jpg"): "HTTP 404",
        server.add("/stall.jpg", Response(body=paintings[5], stall=3.0)): "timed out",
        server.add("/page.jpg", Response(body=b"<html>nope</html>", content_type="text/html")):
            "not an image (text/html",
        server.add("/big.jpg", big): "too large (300,002 bytes",
        server.add("/big-unsized.jpg", Response(body=big, length=False)): "too large (over",
        server.add("/huge-pixels.png", Response(body=_png(400, 300))): "over the pixel limit",
        server.add("/always-500.jpg", Response(500, b"down", "text/plain")): "HTTP 500",
    }
    return good, bad


def test_faults_are_reported_and_nothing_good_is_lost(server, paintings, tmp_path):
    good, bad = _faulty_routes(server, paintings)
    urls = good + list(bad) + [good[0]]  # a URL given twice is fetched once
    started = time.perf_counter()
    with Downloader(tmp_path, max_bytes=200_000, max_pixels=100_000, **FAST) as dl:
        results = dl.fetch_images(urls)
    elapsed = time.perf_counter() - started
    assert [r.url for r in results] == urls
    by_url = {r.url: r for r in results}
    for url in good:
        assert by_url[url].ok and by_url[url].path.exists(), by_url[url].reason
    for url, words in bad.items():
        assert not by_url[url].ok and words in by_url[url].reason, (url, by_url[url].reason)
    assert "gave up after 3 tries" in by_url[server.url("/always-500.jpg")].reason
    assert server.count("/missing.jpg") == 1  # a 404 is not retried
    assert server.count("/img/0.jpg") == 1
    assert server.count("/rate-limited.jpg") == 2 and server.count("/flaky.jpg") == 2
    assert elapsed >= 0.2  # the Retry-After was honoured
    assert dl.stats["downloaded"] == len(good) and dl.stats["failed"] == len(bad)
    # the bytes' hash is recorded and the file is what the server sent
    assert by_url[good[0]].path.read_bytes() == paintings[0]


def test_a_second_run_is_all_cache_hits(server, paintings, tmp_path):
    urls = [server.add(f"/img/{i}.jpg", data) for i, data in enumerate(paintings)]
    with Downloader(tmp_path, **FAST) as dl:
        first = dl.fetch_images(urls)
    assert server.count() == len(urls)
    with Downloader(tmp_path, **FAST) as dl:
        second = dl.fetch_images(urls)
    assert server.count() == len(urls)  # no request at all
    assert all(r.from_cache for r in second) and dl.stats["cache_hits"] == len(urls)
    assert [r.sha256 for r in second] == [r.sha256 for r in first]
    # a damaged cached file is noticed (its hash is checked) and fetched again
    second[0].path.write_bytes(b"damaged")
    with Downloader(tmp_path, **FAST) as dl:
        again = dl.fetch_images(urls[:1])
    assert not again[0].from_cache and again[0].path.read_bytes() == paintings[0]
    # refresh=True fetches everything again
    with Downloader(tmp_path, refresh=True, **FAST) as dl:
        dl.fetch_images(urls)
    assert server.count() == 2 * len(urls) + 1


def test_politeness_user_agent_per_host_limit_and_interval(server, paintings, tmp_path):
    server.latency = 0.1
    urls = [server.add(f"/img/{i}.jpg", paintings[i % len(paintings)]) for i in range(8)]
    with Downloader(tmp_path / "a", max_workers=8, max_per_host=2, **FAST) as dl:
        dl.fetch_images(urls)
    assert server.max_in_flight == 2
    assert server.user_agents == {user_agent()} and user_agent().startswith("artopic_nb/0.")
    server.latency = 0.0
    started = time.perf_counter()
    with Downloader(tmp_path / "b", max_workers=8, min_interval=0.05, **FAST) as dl:
        dl.fetch_images(urls[:5])
    assert time.perf_counter() - started >= 0.2  # five starts, 50 ms apart


def test_retry_after_is_capped(server, paintings, tmp_path):
    url = server.add("/rate.jpg", [Response(429, b"", "text/plain", {"Retry-After": "3600"}),
                                   Response(body=paintings[0], content_type="image/jpeg")])
    started = time.perf_counter()
    with Downloader(tmp_path, **FAST) as dl:
        assert dl.fetch_images([url])[0].ok
    assert time.perf_counter() - started < 2


def test_retry_after_header_forms():
    import httpx

    def wait(value):
        return _retry_after(httpx.Response(429, headers={"Retry-After": value} if value else {}))

    assert wait("7") == 7 and wait("") is None and wait("soon") is None
    later = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    assert 25 <= wait(later) <= 31


def test_not_http_urls_are_refused_not_fatal(tmp_path):
    with Downloader(tmp_path, **FAST) as dl:
        (result,) = dl.fetch_images(["ftp://example.org/a.jpg"])
    assert result.reason == "not an http(s) URL (ftp)"


# -- URL tables ------------------------------------------------------------------------------
def test_from_dataframe_downloads_urls_and_keeps_columns(server, paintings, tmp_path, fixture_dir):
    good, bad = _faulty_routes(server, paintings)
    local = sorted(fixture_dir.glob("*.jpg"))[0]
    df = pd.DataFrame({
        "url": good + list(bad)[:2] + [None, str(local)],
        "painting": [f"work {i}" for i in range(len(good) + 4)],
        "kind": [("portrait", "landscape")[i % 2] for i in range(len(good) + 4)],
    })
    with pytest.warns(UserWarning, match="skipped"):
        col = from_dataframe(df, "url", genre="kind", cache_dir=tmp_path, **FAST)
    assert len(col) == len(good) + 1
    assert list(col.metadata.url) == good + [str(local)]
    assert list(col.metadata.genre) == list(col.metadata.kind)
    assert {"painting", "kind", "genre", "url", "hash"} <= set(col.metadata.columns)
    reasons = dict(zip(col.skipped.path, col.skipped.reason, strict=True))
    assert reasons[f"row {len(good) + 2}"] == "no URL in column 'url'"
    assert "HTTP 404" in reasons[server.url("/missing.jpg")]
    with pytest.raises(ValueError, match="no column 'image'"):
        from_dataframe(df, "image", cache_dir=tmp_path)


def test_from_csv_and_the_cli(server, paintings, tmp_path, capsys):
    urls = [server.add(f"/img/{i}.jpg", data) for i, data in enumerate(paintings)]
    urls.append(server.url("/missing.jpg"))
    table = tmp_path / "open_access.csv"
    pd.DataFrame({"primaryImage": urls, "title": [f"Painting {i}" for i in range(len(urls))],
                  "genre": ["portrait", "landscape", "portrait"] * 2 + [""]}).to_csv(table,
                                                                                  index=False)
    col = from_csv(table, url_column="primaryImage", cache_dir=tmp_path / "dl", **FAST)
    assert len(col) == len(paintings) and col.name == "open_access"
    assert col.skipped.path.tolist() == [server.url("/missing.jpg")]
    requests = server.count()

    out = tmp_path / "out"
    code = main(["run", str(table), "--url-column", "primaryImage", "--out", str(out),
                 "--cache-dir", str(tmp_path / "cache"), "--embedder", "color",
                 "--describe", "attributes", "--no-progress"])
    assert code == 0
    assert "6 images, 1 skipped" in capsys.readouterr().out
    report = (out / "report.html").read_text()
    assert server.url("/missing.jpg") in report and "HTTP 404" in report
    assert server.count() == requests + len(urls)  # the CLI's own download cache, cold
    assert main(["run", str(table), "--url-column", "nope", "--out", str(out),
                 "--no-progress"]) == 2
    assert "no column 'nope'" in capsys.readouterr().err


# -- known failures --------------------------------------------------------------------------
def test_lasting_failures_are_remembered_passing_ones_are_not(server, paintings, tmp_path):
    """A rerun asks nothing of a 404, a 410, a text page or a file over a limit (for a day);
    a 429, a 5xx and a timeout are asked again; retry_failed and a larger limit ask again."""
    good = server.add("/good.jpg", paintings[0])
    lasting = [server.url("/missing.jpg"),
               server.add("/gone.jpg", Response(410, b"gone", "text/plain")),
               server.add("/page.jpg", Response(body=b"<html>nope</html>", content_type="text/html")),
               server.add("/oversized.jpg", b"\xff\xd8" + b"\0" * 300_000),
               server.add("/huge-pixels.png", Response(body=_png(400, 300)))]
    passing = [server.add("/busy.jpg", Response(429, b"", "text/plain", {"Retry-After": "0"})),
               server.add("/down.jpg", Response(503, b"", "text/plain")),
               server.add("/slow.jpg", Response(body=paintings[1], stall=3.0))]
    urls = [good, *lasting, *passing]
    limits = {"max_bytes": 200_000, "max_pixels": 100_000}
    with Downloader(tmp_path, **limits, **FAST) as dl:
        first = dl.fetch_images(urls)
    assert [r.ok for r in first] == [True] + [False] * 8
    before = server.count()
    with Downloader(tmp_path, **limits, **FAST) as dl:
        second = dl.fetch_images(urls)
    asked = server.requests[before:]
    assert not set(asked) & {u.split(str(server.port))[1] for u in [good, *lasting]}
    assert {"/busy.jpg", "/down.jpg", "/slow.jpg"} == set(asked)
    assert dl.stats["known_failures"] == len(lasting)
    for old, new in zip(first[1:6], second[1:6], strict=True):
        assert new.reason.startswith(old.reason) and "known failure" in new.reason
    # a larger limit, or retry_failed, asks again
    before = server.count()
    with Downloader(tmp_path, max_bytes=1_000_000, max_pixels=100_000, **FAST) as dl:
        dl.fetch_images(lasting[3:4])
    assert server.requests[before:] == ["/oversized.jpg"]
    before = server.count()
    with Downloader(tmp_path, retry_failed=True, **limits, **FAST) as dl:
        dl.fetch_images(lasting)
    assert len(server.requests[before:]) == len(lasting)
    # failure_ttl=0 remembers nothing
    with Downloader(tmp_path / "b", failure_ttl=0, **FAST) as dl:
        dl.fetch_images(lasting[:1])
    with Downloader(tmp_path / "b", **FAST) as dl:
        assert dl.fetch_images(lasting[:1])[0].from_cache is False


def test_a_url_table_rerun_asks_nothing_of_its_known_failures(server, paintings, tmp_path,
                                                               capsys):
    urls = [server.add(f"/img/{i}.jpg", data) for i, data in enumerate(paintings[:3])]
    bad = [server.url("/missing.jpg"),
           server.add("/notes.txt", Response(body=b"just text", content_type="text/plain")),
           server.add("/big.jpg", b"\xff\xd8" + b"\0" * 1_700_000)]
    table = tmp_path / "open_access.csv"
    pd.DataFrame({"url": urls + bad + [None], "title": [f"t{i}" for i in range(7)]}).to_csv(
        table, index=False)
    with pytest.warns(UserWarning, match=r"open_access: 3 works; 3 images skipped \(1 HTTP 404 "
                                         r"Not Found, 1 not an image, 1 too large\); 1 row "
                                         r"skipped \(1 no URL in column 'url'\)"):
        from_csv(table, cache_dir=tmp_path / "dl", max_bytes=1_000_000, **FAST)
    before = server.count()
    with pytest.warns(UserWarning, match="3 images skipped"):
        col = from_csv(table, cache_dir=tmp_path / "dl", max_bytes=1_000_000, **FAST)
    assert server.count() == before and len(col) == 3  # no request at all
    args = ["run", str(table), "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "c"),
            "--embedder", "color", "--no-describe", "--no-progress"]
    assert main(args) == 0
    before = server.count()
    assert main(args) == 0
    assert server.count() == before  # the command's own cache remembers them too
    assert main([*args, "--retry-failed"]) == 0
    assert sorted(server.requests[before:]) == ["/big.jpg", "/missing.jpg", "/notes.txt"]
    err = capsys.readouterr().err
    assert "artopic: open_access: 3 works; 3 images skipped" in err and "UserWarning" not in err


def test_pil_bomb_warning_becomes_a_skip_reason(server, tmp_path, recwarn):
    """An image over PIL's own limit (its DecompressionBombWarning) and ours: a reason in
    the report, no warning."""
    from PIL import Image as PILImage

    pixels = PILImage.MAX_IMAGE_PIXELS + 1_000_000
    buf = io.BytesIO()
    PILImage.new("1", (pixels // 10_000, 10_000)).save(buf, format="PNG")
    url = server.add("/bomb.png", Response(body=buf.getvalue(), content_type="image/png"))
    with Downloader(tmp_path, max_pixels=50_000_000, **FAST) as dl:
        (result,) = dl.fetch_images([url])
    assert result.reason.startswith("over the pixel limit (") and "> 50,000,000 pixels" in \
        result.reason
    assert not [w for w in recwarn if issubclass(w.category, PILImage.DecompressionBombWarning)]
