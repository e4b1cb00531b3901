import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx

from seller_console.platform.images import DEMO_HOST, ImageFetcher

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


def fetcher(
    tmp_path: Path, handler: Callable[[httpx.Request], httpx.Response], max_bytes: int = 1000
) -> tuple[ImageFetcher, list[str]]:
    calls: list[str] = []

    def recording(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return handler(request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(recording))
    local = tmp_path / "demo"
    (local / "images").mkdir(parents=True, exist_ok=True)
    (local / "images" / "a.png").write_bytes(PNG)
    (tmp_path / "secret.txt").write_text("no")
    return ImageFetcher(client, tmp_path / "cache", {DEMO_HOST: local}, max_bytes), calls


def fetch(f: ImageFetcher, url: str) -> bytes | None:
    async def go() -> bytes | None:
        try:
            return await f.fetch(url)
        finally:
            await f._client.aclose()

    return asyncio.run(asyncio.wait_for(go(), 10))


def test_images_are_cached_on_disk(tmp_path):
    f, calls = fetcher(
        tmp_path, lambda r: httpx.Response(200, content=PNG, headers={"content-type": "image/png"})
    )
    assert fetch(f, "https://cdn.example.com/a.png") == PNG
    f2, calls2 = fetcher(tmp_path, lambda r: httpx.Response(500))
    assert fetch(f2, "https://cdn.example.com/a.png") == PNG  # from the disk cache
    assert len(calls) == 1
    assert calls2 == []


def test_content_type_and_size_are_checked(tmp_path):
    html, _ = fetcher(
        tmp_path,
        lambda r: httpx.Response(200, content=b"<html>", headers={"content-type": "text/html"}),
    )
    assert fetch(html, "https://cdn.example.com/page") is None
    big, _ = fetcher(
        tmp_path,
        lambda r: httpx.Response(200, content=b"x" * 5000, headers={"content-type": "image/jpeg"}),
    )
    assert fetch(big, "https://cdn.example.com/big.jpg") is None
    assert not list((tmp_path / "cache").glob("*")) if (tmp_path / "cache").exists() else True


def test_plain_http_and_other_schemes_are_refused_and_demo_files_stay_inside(tmp_path):
    f, calls = fetcher(tmp_path, lambda r: httpx.Response(200))
    assert fetch(f, "http://cdn.example.com/a.png") is None
    assert fetch(fetcher(tmp_path, lambda r: httpx.Response(200))[0], "file:///etc/passwd") is None
    assert calls == []
    assert (
        fetch(
            fetcher(tmp_path, lambda r: httpx.Response(200))[0], f"https://{DEMO_HOST}/images/a.png"
        )
        == PNG
    )
    assert (
        fetch(
            fetcher(tmp_path, lambda r: httpx.Response(200))[0],
            f"https://{DEMO_HOST}/../secret.txt",
        )
        is None
    )
