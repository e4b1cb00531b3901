"""A Live Commerce client over a fake transport, and the stream and order documents the
stream-reader tests feed it (the unit tests and the hostile-network corpus share them)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from collections.abc import Callable
from typing import Any

import httpx

from seller_console.domain.events import Delivery
from seller_console.platform._retry import Retrier, RetryPolicy
from seller_console.platform.client import LiveCommerceClient


async def _no_sleep(_: float) -> None:
    await asyncio.sleep(0)


def client_for(handler: Callable[[httpx.Request], httpx.Response]) -> LiveCommerceClient:
    """A client whose retries and reconnects do not wait, over ``handler``."""
    fast = Retrier(RetryPolicy(), sleep=_no_sleep, rng=random.Random(0))
    return LiveCommerceClient(
        "http://127.0.0.1:9",
        "key",
        retrier=fast,
        stream_reconnect=fast,
        transport=httpx.MockTransport(handler),
    )


async def take(client: LiveCommerceClient, count: int, after: str | None = None) -> list[Delivery]:
    out: list[Delivery] = []
    async with contextlib.aclosing(client.events("s-1", after=after)) as feed:
        async for delivery in feed:
            out.append(delivery)
            if len(out) == count:
                break
    return out


def sse(body: bytes) -> httpx.Response:
    return httpx.Response(200, content=body, headers={"Content-Type": "text/event-stream"})


def block(event_id: str | int | None, event: str, data: object) -> bytes:
    head = f"id: {event_id}\n" if event_id is not None else ""
    text = data if isinstance(data, str) else json.dumps(data)
    return f"{head}event: {event}\ndata: {text}\n\n".encode()


def order_doc(order_id: str, **changes: Any) -> dict[str, Any]:
    money = {"amount": "10.00", "currency": "USD"}
    doc: dict[str, Any] = {
        "id": order_id,
        "session_id": "s-1",
        "created_at": "2025-05-01T10:00:01Z",
        "status": "paid",
        "lines": [{"product_id": "p", "sku": "S", "quantity": 1, "unit_price": money}],
        "total": money,
        "commission": {"rate": "0.1", "amount": {"amount": "1.00", "currency": "USD"}},
        "pin_id": None,
        "affiliate_code": None,
    }
    doc.update(changes)
    return doc
