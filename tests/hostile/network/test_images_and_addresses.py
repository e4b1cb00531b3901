"""Hostile image URLs and redirects, and the one rule for plain http (``domain.net``)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seller_console.domain.net import is_this_machine, plain_http_allowed
from seller_console.platform.images import MAX_REDIRECTS, ImageFetcher
from seller_console.sandbox import SandboxConfig
from seller_console.sandbox.errors import SandboxConfigError

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


def fetcher(
    tmp_path: Path, handler: Callable[[httpx.Request], httpx.Response]
) -> tuple[ImageFetcher, list[str]]:
    calls: list[str] = []

    def recording(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return handler(request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(recording))
    return ImageFetcher(client, tmp_path / "cache"), calls


def fetch(f: ImageFetcher, url: str) -> bytes | None:
    async def go() -> bytes | None:
        try:
            return await f.fetch(url)
        finally:
            await f.aclose()

    return asyncio.run(asyncio.wait_for(go(), 10))


def image(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=PNG, headers={"content-type": "image/png"})


def redirecting(target: str) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "cdn.example.com":
            return httpx.Response(302, headers={"location": target})
        return image(request)

    return handler


# ------------------------------------------------------------------ redirects
@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.5/a.png",
        "http://169.254.169.254/latest/meta-data",
        "http://localhost.example.com/a.png",
        "file:///etc/passwd",
        "ftp://127.0.0.1/a.png",
        "http://[oops/a.png",
    ],
)
def test_a_redirect_is_checked_against_the_same_rule_as_the_first_address(
    tmp_path: Path, target: str
) -> None:
    f, calls = fetcher(tmp_path, redirecting(target))
    assert fetch(f, "https://cdn.example.com/a.png") is None
    assert calls == ["https://cdn.example.com/a.png"]  # the refused hop was never fetched


def test_a_redirect_the_rule_allows_is_followed(tmp_path: Path) -> None:
    f, calls = fetcher(tmp_path, redirecting("https://img.example.net/a.png"))
    assert fetch(f, "https://cdn.example.com/a.png") == PNG
    assert calls == ["https://cdn.example.com/a.png", "https://img.example.net/a.png"]


def test_a_redirect_loop_stops_after_the_limit(tmp_path: Path) -> None:
    f, calls = fetcher(
        tmp_path, lambda request: httpx.Response(302, headers={"location": "/again"})
    )
    assert fetch(f, "https://cdn.example.com/a.png") is None
    assert len(calls) == MAX_REDIRECTS + 1


def test_a_direct_address_and_a_redirect_get_the_same_verdict(tmp_path: Path) -> None:
    refused = "http://192.168.1.1/a.png"
    direct, direct_calls = fetcher(tmp_path, image)
    assert fetch(direct, refused) is None
    via, via_calls = fetcher(tmp_path, redirecting(refused))
    assert fetch(via, "https://cdn.example.com/a.png") is None
    assert direct_calls == []
    assert len(via_calls) == 1


# ------------------------------------------------------------------ malformed URLs
@pytest.mark.parametrize("url", ["https://[oops/a.png", "https:///a.png", "http://[::1", "\x00"])
def test_a_malformed_image_url_is_a_quiet_none(tmp_path: Path, url: str) -> None:
    f, calls = fetcher(tmp_path, image)
    assert fetch(f, url) is None
    assert calls == []


def test_a_failed_image_url_is_asked_for_once_however_often_it_is_painted(
    tmp_path: Path, qapp: object
) -> None:
    from seller_console.ui.asyncqt import TaskScope
    from seller_console.ui.thumbnails import ThumbnailCache

    asked: list[str] = []

    class Source:
        async def fetch(self, url: str) -> bytes | None:
            asked.append(url)
            return None

    async def go() -> None:
        cache = ThumbnailCache(Source(), TaskScope())
        for _ in range(90):  # ninety repaints
            cache.image("https://[oops/a.png")
            await asyncio.sleep(0)

    asyncio.run(go())
    assert asked == ["https://[oops/a.png"]


def test_an_unexpected_error_is_reported_once_not_on_every_repaint(
    tmp_path: Path, qapp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seller_console.ui.asyncqt import TaskScope
    from seller_console.ui.thumbnails import ThumbnailCache

    reports: list[type[BaseException]] = []

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        reports.append(kind)

    monkeypatch.setattr(sys, "excepthook", hook)

    class Broken:
        async def fetch(self, url: str) -> bytes | None:
            raise RuntimeError("a bug")

    async def go() -> None:
        cache = ThumbnailCache(Broken(), TaskScope())
        for _ in range(90):
            cache.image("https://cdn.example.com/a.png")
            await asyncio.sleep(0)

    asyncio.run(go())
    assert reports == [RuntimeError]


# ------------------------------------------------------------------ the one rule
@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("127.255.255.254", True),
        ("localhost", True),
        ("LocalHost.", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("::ffff:10.0.0.1", False),
        ("0.0.0.0", False),  # noqa: S104 - a host under test, nothing binds to it
        ("localhost.example.com", False),
        ("127.0.0.1.nip.io", False),
        ("10.0.0.1", False),
        ("", False),
        (None, False),
    ],
)
def test_this_machine_is_loopback_only(host: str | None, local: bool) -> None:
    assert is_this_machine(host) is local


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_host_text_gets_a_verdict_and_plain_http_never_leaves_loopback(host: str) -> None:
    local = is_this_machine(host)
    assert plain_http_allowed("http", host) is local
    assert plain_http_allowed("ftp", host) is False


def test_the_sandbox_binds_by_the_same_rule() -> None:
    assert SandboxConfig(host="127.0.0.2").host == "127.0.0.2"
    with pytest.raises(SandboxConfigError, match="loopback only"):
        SandboxConfig(host="0.0.0.0")  # noqa: S104 - refused before any bind
