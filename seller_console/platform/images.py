"""Product images: fetched over HTTPS with a size limit and a content-type check, cached on disk.

Every address, each redirect hop included, must pass the app's one network rule
(``domain.net.plain_http_allowed``: https, or plain http to this machine only); a hop that
does not ends the fetch. A URL that cannot be parsed is a quiet failure (None), never an
exception.

Never called on the GUI thread's critical path: every network wait is awaited, every file
read and write runs in a worker thread. The bundled demo catalog's images live under the
reserved ``.invalid`` host and are read from ``resources/`` instead of the network.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Final
from urllib.parse import urljoin, urlsplit

from seller_console.domain.net import plain_http_allowed
from seller_console.files import write_atomic

if TYPE_CHECKING:
    import asyncio  # imported where it is used: it loads after the window's first paint

    import httpx

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES: Final = 5 * 1024 * 1024
MAX_REDIRECTS: Final = 5
_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})
_ACCEPTED: Final = ("image/png", "image/jpeg", "image/webp", "image/gif", "image/bmp")
DEMO_HOST: Final = "demo.seller-console.invalid"


def make_image_client() -> httpx.AsyncClient:
    """The client images are fetched with: TLS verified, short timeouts, few connections."""
    import httpx  # deferred: the window's first paint needs no network client; start-up time

    return httpx.AsyncClient(
        timeout=httpx.Timeout(10.0, connect=5.0),
        limits=httpx.Limits(max_connections=4, max_keepalive_connections=4),
        follow_redirects=False,  # ImageFetcher follows them itself, checking every hop
        headers={"User-Agent": "SellerConsole"},
    )


class ImageFetcher:
    """``client`` None: ``make_image_client`` makes one on the first download (images the
    demo catalog bundles need none). ``aclose`` closes the client, given or made."""

    def __init__(
        self,
        client: httpx.AsyncClient | None,
        cache_dir: Path,
        local_hosts: dict[str, Path] | None = None,
        max_bytes: int = MAX_IMAGE_BYTES,
    ) -> None:
        self._http = client
        self._cache_dir = cache_dir
        self._local_hosts = local_hosts or {}
        self._max_bytes = max_bytes
        self._gate: asyncio.Semaphore | None = None  # made on the first download

    async def fetch(self, url: str) -> bytes | None:
        import asyncio

        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError:  # "https://[oops/a.png"
            log.info("image %.200r skipped: not a URL", url)
            return None
        local = self._local_hosts.get(host or "")
        if local is not None:
            return await asyncio.to_thread(_read_inside, local, parts.path)
        if not _allowed(url):
            return None
        import hashlib  # with OpenSSL's library: after the first paint (start-up time)

        cached = self._cache_dir / hashlib.sha256(url.encode()).hexdigest()
        data = await asyncio.to_thread(_read, cached)
        if data is not None:
            return data
        if self._gate is None:
            self._gate = asyncio.Semaphore(4)
        async with self._gate:
            data = await self._download(url)
        if data is not None:
            await asyncio.to_thread(_write_cached, cached, data)
        return data

    @property
    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = make_image_client()
        return self._http

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()

    async def _download(self, url: str) -> bytes | None:
        import httpx  # deferred with the client (see make_image_client); start-up time

        try:
            for _hop in range(MAX_REDIRECTS + 1):
                async with self._client.stream("GET", url, follow_redirects=False) as response:
                    if response.status_code in _REDIRECTS:
                        target = urljoin(url, response.headers.get("location", ""))
                        if not _allowed(target):
                            log.info("image %s skipped: redirected to %.200r", url, target)
                            return None
                        url = target
                        continue
                    return await self._body(url, response)
            log.info("image %s skipped: more than %d redirects", url, MAX_REDIRECTS)
            return None
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            log.info("image %s not fetched: %s", url, type(exc).__name__)
            return None

    async def _body(self, url: str, response: httpx.Response) -> bytes | None:
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if response.status_code != 200 or kind not in _ACCEPTED:
            log.info("image %s skipped: HTTP %s, %s", url, response.status_code, kind)
            return None
        declared = response.headers.get("content-length", "")
        if (
            declared.isascii()
            and declared.isdigit()
            and (len(declared) > 18 or int(declared) > self._max_bytes)
        ):
            log.info("image %s skipped: %.20s bytes is over the limit", url, declared)
            return None
        chunks, size = [], 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self._max_bytes:
                log.info("image %s skipped: over %s bytes", url, self._max_bytes)
                return None
            chunks.append(chunk)
        return b"".join(chunks)


def _allowed(url: str) -> bool:
    """Whether ``url`` may be fetched: the app's one rule (https, or http to this machine)."""
    try:
        parts = urlsplit(url)
        return plain_http_allowed(parts.scheme, parts.hostname)
    except ValueError:
        return False


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _read_inside(root: Path, url_path: str) -> bytes | None:
    """A file below ``root`` named by a URL path; nothing outside ``root`` is ever read."""
    target = (root / url_path.lstrip("/")).resolve()
    if not target.is_relative_to(root.resolve()):
        return None
    return _read(target)


def _write_cached(path: Path, data: bytes) -> None:
    try:
        write_atomic(path, data)
    except OSError as exc:  # a full or read-only cache only costs a refetch later
        log.info("image cache not written: %s", exc.strerror)
