"""The reader on a real loopback socket: a silent stream is dead after ``dead_stream_s`` and
is resumed with Last-Event-ID; keep-alive comments count as signs of life."""

from __future__ import annotations

import asyncio
import contextlib
import random

import pytest

from seller_console.domain.events import Delivery, ViewersUpdated
from seller_console.platform._retry import Retrier, RetryPolicy
from seller_console.platform.client import LiveCommerceClient

pytestmark = [pytest.mark.integration, pytest.mark.timeout(30)]

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"


def viewers(event_id: int, count: int) -> bytes:
    return b'id: %d\nevent: viewers.updated\ndata: {"viewers": %d}\n\n' % (event_id, count)


def test_a_silent_stream_is_resumed_and_comments_keep_one_alive() -> None:
    last_event_ids: list[str | None] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        header = next(
            (
                line.split(b":", 1)[1].strip().decode()
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"last-event-id:")
            ),
            None,
        )
        last_event_ids.append(header)
        writer.write(HEAD)
        try:
            if len(last_event_ids) == 1:
                writer.write(b": keep-alive\n\n" + viewers(1, 10))
                await writer.drain()
                await asyncio.sleep(30)  # then silence: a dead stream
            else:
                for _ in range(8):  # 0.8 s of comments only, longer than the dead limit
                    writer.write(b": keep-alive\n\n")
                    await writer.drain()
                    await asyncio.sleep(0.1)
                writer.write(viewers(2, 20))
                await writer.drain()
                await asyncio.sleep(30)
        finally:
            writer.close()

    async def go() -> tuple[list[Delivery], float]:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        loop = asyncio.get_running_loop()
        got: list[Delivery] = []
        started = loop.time()
        reconnect = Retrier(RetryPolicy(base_delay_s=0.01), rng=random.Random(0))
        async with (
            server,
            LiveCommerceClient(
                f"http://127.0.0.1:{port}", "key", dead_stream_s=0.3, stream_reconnect=reconnect
            ) as client,
        ):
            async with contextlib.aclosing(client.events("s-1")) as feed:
                async for delivery in feed:
                    got.append(delivery)
                    if len(got) == 2:
                        break
            server.close()
        return got, loop.time() - started

    got, elapsed = asyncio.run(asyncio.wait_for(go(), 20))
    assert [(d.cursor, d.event) for d in got] == [
        ("1", ViewersUpdated("s-1", 10)),
        ("2", ViewersUpdated("s-1", 20)),
    ]
    assert last_event_ids == [None, "1"]
    assert 1.0 <= elapsed < 5
