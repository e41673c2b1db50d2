"""The one download layer of artopic_nb: IIIF manifests and images, URL tables.

:class:`Downloader` fetches many URLs with a bounded thread pool and a progress bar, and
is polite: at most ``max_per_host`` requests in flight to one host, at least
``min_interval`` seconds between two requests to it, a User-Agent that names the project,
retries with exponential backoff on 429 and 5xx (honouring ``Retry-After``, capped at
``max_retry_after``), and on timeouts and dropped connections.

Every file lands in a :class:`~artopic_nb.sources.downloaded.DownloadCache`, a folder of
files named by the SHA-256 of their URL, each checked on every read
(:mod:`artopic_nb.sources.downloaded`, whose names are importable from here too). A rerun
downloads nothing. Failures are never fatal: a URL that answers 404, times out, stalls,
is not an image, or is over ``max_bytes`` or ``max_pixels`` comes back as a
:class:`~artopic_nb.sources.downloaded.Fetched` with its ``reason``, and the sources list
it in the ``skipped`` report of the collection
(:func:`~artopic_nb.sources.downloaded.collection_from_files`). Lasting failures (404 and
410, a body that is not an image or not JSON, a file over a limit) are remembered for
``failure_ttl`` seconds (a day), so a rerun makes no request for them (``retry_failed=True``
asks again); 429, 5xx, timeouts and dropped connections are never remembered.

Example
-------
>>> with Downloader(cache_dir="downloads/") as dl:            # doctest: +SKIP
...     results = dl.fetch_images(["https://example.org/a.jpg"])
>>> [(r.url, r.path, r.reason) for r in results]              # doctest: +SKIP
"""

from __future__ import annotations

import email.utils
import json
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .._progress import tqdm
from ..data.collection import DEFAULT_MAX_PIXELS
from .downloaded import (
    DownloadCache,
    Fetched,
    _Refused,
    check_image,
    check_json,
    collection_from_files,
    default_cache_dir,
)

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DownloadCache",
    "Downloader",
    "Fetched",
    "check_image",
    "check_json",
    "collection_from_files",
    "default_cache_dir",
    "user_agent",
]

#: Files larger than this are refused (an IIIF image at 1024 px is well under 1 MB).
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
#: Statuses worth another try: rate limiting and the server's passing troubles.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
_CHUNK = 64 * 1024


def user_agent() -> str:
    """The User-Agent of every request: the project, its version and where to read about it."""
    from .._version import __version__

    return f"artopic_nb/{__version__} (+https://github.com/artopic-nb/artopic_nb)"


class _HostGate:
    """At most ``slots`` requests in flight to a host, starting ``min_interval`` s apart;
    ``pause`` holds every request to the host back (a 429's Retry-After)."""

    def __init__(self, slots: int, min_interval: float):
        self.slots = threading.BoundedSemaphore(slots)
        self.min_interval = min_interval
        self.lock = threading.Lock()
        self.next_start = 0.0

    def __enter__(self):
        self.slots.acquire()
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_start)
            self.next_start = start + self.min_interval
        if start > now:
            time.sleep(start - now)
        return self

    def __exit__(self, *exc):
        self.slots.release()

    def pause(self, seconds: float) -> None:
        with self.lock:
            self.next_start = max(self.next_start, time.monotonic() + seconds)


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (a number or an HTTP date), or None."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())


class Downloader:
    """Concurrent, polite, cached downloads; failures come back as reasons.

    Parameters
    ----------
    cache_dir
        the :class:`DownloadCache` folder (default :func:`default_cache_dir`).
    max_workers
        threads (and connections) in all.
    max_per_host, min_interval
        politeness: requests in flight to one host, and seconds between two starts there.
    retries, backoff, max_retry_after
        tries after the first on 429 / 5xx / timeouts / dropped connections; the wait before
        try ``k`` is ``backoff * 2**k`` unless the server's ``Retry-After`` says otherwise,
        and never more than ``max_retry_after`` seconds.
    timeout, max_seconds
        seconds without data before a request counts as stalled, and for one whole file.
    max_bytes, max_pixels
        larger files and images are refused (listed as skipped).
    refresh
        fetch again what is cached (new bytes replace the old), known failures included.
    retry_failed, failure_ttl
        known failures are given back without a request for ``failure_ttl`` seconds after
        they happened (0: none are remembered); ``retry_failed=True`` asks for them again.
    """

    def __init__(
        self,
        cache_dir: str | os.PathLike | None = None,
        *,
        max_workers: int = 8,
        max_per_host: int = 4,
        min_interval: float = 0.0,
        retries: int = 4,
        backoff: float = 0.5,
        max_retry_after: float = 60.0,
        timeout: float = 30.0,
        max_seconds: float = 300.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_pixels: int = DEFAULT_MAX_PIXELS,
        refresh: bool = False,
        retry_failed: bool = False,
        failure_ttl: float = 86400.0,
        progress: bool = True,
    ):
        self.cache = DownloadCache(cache_dir)
        self.max_workers = max_workers
        self.max_per_host = max_per_host
        self.min_interval = min_interval
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.timeout = timeout
        self.max_seconds = max_seconds
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels
        self.refresh = refresh
        self.retry_failed = retry_failed
        self.failure_ttl = failure_ttl
        self.progress = progress
        self.stats = {"requests": 0, "cache_hits": 0, "downloaded": 0, "retries": 0, "failed": 0,
                      "known_failures": 0}
        self._gates: dict[str, _HostGate] = {}
        self._lock = threading.Lock()
        self._client: httpx.Client | None = None

    # -- lifetime ----------------------------------------------------------------------------
    @property
    def client(self) -> httpx.Client:
        import httpx  # here, not at import: a study that downloads nothing never pays for it

        with self._lock:
            if self._client is None:
                self._client = httpx.Client(
                    headers={"User-Agent": user_agent()}, follow_redirects=True,
                    timeout=httpx.Timeout(self.timeout),
                    limits=httpx.Limits(max_connections=self.max_workers,
                                        max_keepalive_connections=self.max_workers),
                )
            return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> Downloader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- public ------------------------------------------------------------------------------
    def fetch_images(self, urls: Sequence[str], desc: str = "Downloading") -> list[Fetched]:
        """Fetch every URL (each distinct one once) as an image; results in the order given."""
        return self.fetch_all(urls, check_image(self.max_pixels), desc)

    def fetch_json(self, url: str) -> tuple[dict | list | None, str | None]:
        """A JSON document (an IIIF manifest or collection), cached: (document, None) or
        (None, reason)."""
        result = self.fetch(url, check_json)
        if not result.ok:
            return None, result.reason
        return json.loads(result.path.read_bytes()), None

    def fetch_all(self, urls: Sequence[str], check: Callable[[bytes, str], str],
                  desc: str = "Downloading") -> list[Fetched]:
        """Fetch URLs through ``check`` with the thread pool and a progress bar."""
        distinct = list(dict.fromkeys(urls))
        done: dict[str, Fetched] = {}
        with ThreadPoolExecutor(max(1, self.max_workers)) as pool, tqdm(
            total=len(distinct), desc=desc, unit="file",
            disable=not self.progress or not distinct,
        ) as bar:
            futures = {pool.submit(self.fetch, url, check): url for url in distinct}
            for future in as_completed(futures):
                done[futures[future]] = future.result()
                bar.update(1)
            bar.set_postfix(cached=self.stats["cache_hits"], failed=self.stats["failed"])
        return [done[url] for url in urls]

    def fetch(self, url: str, check: Callable[[bytes, str], str]) -> Fetched:
        """One URL: from the cache, else downloaded, checked and cached; never raises."""
        if not self.refresh:
            hit = self.cache.lookup(url)
            if hit is not None:
                self._count("cache_hits")
                return Fetched(url, hit[0], hit[1], from_cache=True)
            known = None if self.retry_failed or self.failure_ttl <= 0 else \
                self.cache.known_failure(url, self.failure_ttl, self._limits())
            if known is not None:
                self._count("known_failures")
                when = time.strftime("%Y-%m-%d %H:%M", time.localtime(known[1]))
                return Fetched(url, reason=f"{known[0]} (known failure, {when}; "
                                           "retry_failed=True asks again)", from_cache=True)
        try:
            scheme = urlsplit(url).scheme
            if scheme not in ("http", "https"):
                raise _Refused(f"not an http(s) URL ({scheme or 'no scheme'})")
            data, content_type = self._download(url)
            suffix = check(data, content_type)
        except _Refused as exc:
            self._count("failed")
            if exc.limits is not None and self.failure_ttl > 0:
                self.cache.remember_failure(url, exc.reason, exc.limits)
            return Fetched(url, reason=exc.reason)
        if self.retry_failed or self.refresh:
            self.cache.forget_failure(url)
        path, digest = self.cache.store(url, data, suffix)
        self._count("downloaded")
        return Fetched(url, path, digest)

    # -- internals ---------------------------------------------------------------------------
    def _limits(self) -> dict:
        return {"max_bytes": self.max_bytes, "max_pixels": self.max_pixels}

    def _count(self, name: str, k: int = 1) -> None:
        with self._lock:
            self.stats[name] += k

    def _gate(self, url: str) -> _HostGate:
        host = urlsplit(url).netloc.lower()
        with self._lock:
            if host not in self._gates:
                self._gates[host] = _HostGate(self.max_per_host, self.min_interval)
            return self._gates[host]

    def _download(self, url: str) -> tuple[bytes, str]:
        """The body of ``url`` with retries; raises :class:`_Refused` with the last reason."""
        gate = self._gate(url)
        import httpx

        for attempt in range(self.retries + 1):
            wait = self.backoff * 2 ** attempt
            with gate:
                self._count("requests")
                try:
                    with self.client.stream("GET", url) as response:
                        if response.status_code < 400:
                            return self._read_body(response), response.headers.get(
                                "content-type", "")
                        reason = f"HTTP {response.status_code} {response.reason_phrase}".strip()
                        if response.status_code not in RETRY_STATUSES:  # 404 and 410 last
                            raise _Refused(reason, {} if response.status_code in (404, 410)
                                           else None)
                        asked = _retry_after(response)
                        if asked is not None:
                            wait = asked
                            reason += f" (Retry-After {asked:g} s)"
                except httpx.TimeoutException:
                    reason = f"timed out (no data for {self.timeout:g} s)"
                except httpx.TransportError as exc:
                    reason = f"network error ({type(exc).__name__}: {exc})"
            if attempt == self.retries:
                break
            wait = min(wait, self.max_retry_after)
            gate.pause(wait)  # the whole host waits, not only this request
            self._count("retries")
        tries = self.retries + 1
        raise _Refused(f"{reason} (gave up after {tries} tr{'y' if tries == 1 else 'ies'})")

    def _read_body(self, response: httpx.Response) -> bytes:
        length = response.headers.get("content-length", "")
        limit = {"max_bytes": self.max_bytes}
        if length.isdigit() and int(length) > self.max_bytes:
            raise _Refused(f"too large ({int(length):,} bytes > max_bytes {self.max_bytes:,})",
                           limit)
        deadline = time.monotonic() + self.max_seconds
        chunks, size = [], 0
        for chunk in response.iter_bytes(_CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                raise _Refused(f"too large (over max_bytes {self.max_bytes:,})", limit)
            if time.monotonic() > deadline:
                raise _Refused(f"too slow (not complete after max_seconds {self.max_seconds:g})")
            chunks.append(chunk)
        return b"".join(chunks)
