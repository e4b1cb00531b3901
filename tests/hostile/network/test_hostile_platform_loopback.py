"""A hostile platform on a real loopback socket: the client reads a poisoned event stream
over TCP, quarantines every poison event, reconnects from the last safe id, and gets on
with the show."""

from __future__ import annotations

import contextlib
import json
import random
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from seller_console.domain.events import Delivery, EventRejected, OrderCreated, ViewersUpdated
from seller_console.platform._retry import Retrier, RetryPolicy
from seller_console.platform.client import LiveCommerceClient
from tests.stream_fakes import block, order_doc
from tests.support import run

pytestmark = pytest.mark.integration

FIRST = (
    block(1, "order.created", order_doc("o-1"))
    + block(2, "order.created", order_doc("o-2", total={"amount": "1E+30", "currency": "USD"}))
    + block(3, "order.created", order_doc("o-3", created_at="0001-01-01T00:00:00Z"))
    + block(4, "order.created", order_doc("o-4", total={"amount": "1.00", "currency": "ZZZ"}))
    + b"id: 5\nevent: viewers.updated\ndata: "
    + b"[" * 100_000
    + b"\n\n"
    + block("6\u00e9", "viewers.updated", {"viewers": 6})
)
"""One good order, then every kind of poison; the connection ends after it."""
SECOND = block(7, "order.created", order_doc("o-7")) + block(8, "viewers.updated", {"viewers": 8})


class HostilePlatform(BaseHTTPRequestHandler):
    resumed_from: list[str | None]

    def do_GET(self) -> None:
        self.resumed_from.append(self.headers.get("Last-Event-ID"))
        body = FIRST if len(self.resumed_from) == 1 else SECOND
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def platform() -> Iterator[tuple[str, list[str | None]]]:
    resumed: list[str | None] = []
    handler = type("Handler", (HostilePlatform,), {"resumed_from": resumed})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", resumed
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_a_poisoned_stream_over_tcp_is_quarantined_and_the_show_goes_on(
    platform: tuple[str, list[str | None]],
) -> None:
    url, resumed = platform

    async def quick(_: float) -> None:
        return None

    async def go() -> list[Delivery]:
        fast = Retrier(RetryPolicy(), sleep=quick, rng=random.Random(0))
        got: list[Delivery] = []
        client = LiveCommerceClient(url, "key", stream_reconnect=fast)
        async with client, contextlib.aclosing(client.events("s-1")) as feed:
            async for delivery in feed:
                got.append(delivery)
                if len(got) == 8:
                    break
        return got

    got = run(go())
    kinds = [type(d.event).__name__ for d in got]
    assert kinds == [
        "OrderCreated",
        "EventRejected",
        "EventRejected",
        "EventRejected",
        "EventRejected",
        "EventRejected",
        "OrderCreated",
        "ViewersUpdated",
    ]
    rejected = [d.event for d in got if isinstance(d.event, EventRejected)]
    assert [r.event_id for r in rejected] == ["2", "3", "4", "5", "6\u00e9"]
    assert all(r.reason for r in rejected)
    assert [d.cursor for d in got] == ["1", "2", "3", "4", "5", "5", "7", "8"]
    assert resumed == [None, "5"]  # the reconnect resumed after the last safe id
    orders = [d.event.order.id for d in got if isinstance(d.event, OrderCreated)]
    assert orders == ["o-1", "o-7"]
    assert isinstance(got[-1].event, ViewersUpdated)
    assert json.loads(rejected[0].raw)["id"] == "o-2"
