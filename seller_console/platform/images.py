"""Product images: fetched over HTTPS with a size limit and a content-type check, cached on disk.

Never called on the GUI thread's critical path: every network wait is awaited, every file
read and write runs in a worker thread. The bundled demo catalog's images live under the
reserved ``.invalid`` host and are read from ``resources/`` instead of the network.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Final
from urllib.parse import SplitResult, urlsplit

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES: Final = 5 * 1024 * 1024
_ACCEPTED: Final = ("image/png", "image/jpeg", "image/webp", "image/gif", "image/bmp")
DEMO_HOST: Final = "demo.seller-console.invalid"


def make_image_client() -> httpx.AsyncClient:
    """The client images are fetched with: TLS verified, short timeouts, few connections."""
    import httpx  # deferred: the window's first paint needs no network client; start-up time

    return httpx.AsyncClient(
        timeout=httpx.Timeout(10.0, connect=5.0),
        limits=httpx.Limits(max_connections=4, max_keepalive_connections=4),
        follow_redirects=True,
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
        self._gate = asyncio.Semaphore(4)

    async def fetch(self, url: str) -> bytes | None:
        parts = urlsplit(url)
        local = self._local_hosts.get(parts.hostname or "")
        if local is not None:
            return await asyncio.to_thread(_read_inside, local, parts.path)
        if parts.scheme != "https" and not (parts.scheme == "http" and _is_loopback(parts)):
            return None
        cached = self._cache_dir / hashlib.sha256(url.encode()).hexdigest()
        data = await asyncio.to_thread(_read, cached)
        if data is not None:
            return data
        async with self._gate:
            data = await self._download(url)
        if data is not None:
            await asyncio.to_thread(_write_atomic, cached, data)
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
            async with self._client.stream("GET", url) as response:
                kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if response.status_code != 200 or kind not in _ACCEPTED:
                    log.info("image %s skipped: HTTP %s, %s", url, response.status_code, kind)
                    return None
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self._max_bytes:
                    log.info("image %s skipped: %s bytes is over the limit", url, declared)
                    return None
                chunks, size = [], 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > self._max_bytes:
                        log.info("image %s skipped: over %s bytes", url, self._max_bytes)
                        return None
                    chunks.append(chunk)
                return b"".join(chunks)
        except httpx.HTTPError as exc:
            log.info("image %s not fetched: %s", url, type(exc).__name__)
            return None


def _is_loopback(parts: SplitResult) -> bool:
    return parts.hostname in ("127.0.0.1", "localhost", "::1")


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


def _write_atomic(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".img.")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except OSError as exc:  # a full or read-only cache only costs a refetch later
        log.info("image cache not written: %s", exc.strerror)
