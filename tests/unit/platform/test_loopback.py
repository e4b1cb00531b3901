"""The one-shot loopback redirect: only the expected address, only once, bounded in size
and time; a taken fixed port is said plainly."""

from __future__ import annotations

import asyncio

import pytest

from seller_console.platform.loopback import (
    LoopbackBusyError,
    LoopbackRedirect,
    SignInTimedOutError,
)
from tests.support import run


async def send(url: str, raw: bytes) -> bytes:
    host, port = url.split("/")[2].split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(raw)
    await writer.drain()
    try:
        answer = await reader.read()
    except ConnectionResetError:  # closed with the request unread: refused all the same
        answer = b""
    writer.close()
    return answer


def test_only_the_expected_address_ends_the_wait() -> None:
    async def go() -> None:
        async with LoopbackRedirect("/back") as redirect:
            url = redirect.url
            path = url.split("/", 3)[3]
            assert path.startswith("back/")
            assert len(path) > 30  # a random state in the path
            for refused in (
                f"POST /{path}?code=a HTTP/1.1\r\n\r\n".encode(),  # not a GET
                b"GET /back/guessed?code=a HTTP/1.1\r\n\r\n",  # a wrong state
                b"GET /" + b"x" * 20_000 + b" HTTP/1.1\r\n\r\n",  # too long to read
                b"garbage\r\n\r\n",
            ):
                answer = await send(url, refused)
                assert answer.startswith(b"HTTP/1.1 400") or answer == b""
            assert redirect.refused == 4
            ok = await send(url, f"GET /{path}?code=abc&shop_id=7 HTTP/1.1\r\n\r\n".encode())
            assert ok.startswith(b"HTTP/1.1 200")
            assert b"close this tab" in ok
            assert await redirect.wait(1) == {"code": "abc", "shop_id": "7"}

    run(go(), timeout=20)


def test_a_browser_that_never_comes_back_times_out_with_a_reason() -> None:
    async def go() -> None:
        async with LoopbackRedirect("/back") as redirect:
            with pytest.raises(SignInTimedOutError, match="did not come back"):
                await redirect.wait(0.1)

    run(go(), timeout=10)


def test_a_taken_fixed_port_says_to_paste_the_code() -> None:
    async def go() -> None:
        async with LoopbackRedirect("/first", state_param="state") as first:
            port = int(first.url.split(":")[2].split("/")[0])
            with pytest.raises(LoopbackBusyError, match="paste the code by hand"):
                async with LoopbackRedirect("/second", port=port, state_param="state"):
                    pass

    run(go(), timeout=10)
