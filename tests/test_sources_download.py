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
