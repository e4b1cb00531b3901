"""Helpers of the hostile network corpus: cost ratios, and a client over a mock transport."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from seller_console.domain.events import Delivery
from seller_console.platform._retry import Retrier, RetryPolicy
from seller_console.platform.client import LiveCommerceClient

T = TypeVar("T")

RATIO_LOW, RATIO_HIGH = 1.0, 8.0
"""The time class: 4x the input must cost between 1x and 8x (linear, with noise)."""


def cost_ratio(
    make: Callable[[int], T],
    work: Callable[[T], object],
    size: int,
    factor: int = 4,
    repeats: int = 7,
) -> float:
    """How much longer ``work`` takes on ``make(size * factor)`` than on ``make(size)``,
    best of ``repeats`` each; inputs are made before the clock starts. A ratio of two runs on
    the same machine, never a wall-time bound. The garbage collector is paused while the
    clock runs (its pauses depend on everything else the test run holds)."""
    small, large = make(size), make(size * factor)

    def timed(value: T) -> float:
        gc.collect()
        gc.disable()  # the collector's pauses grow with the test run's heap, not the input
        try:
            start = time.perf_counter()
            work(value)
            return time.perf_counter() - start
        finally:
            gc.enable()

    timed(small)  # warm up
    small_times, large_times = [], []
    for _ in range(repeats):  # interleaved, so both sizes see the same load on the machine
        small_times.append(timed(small))
        large_times.append(timed(large))
    return min(large_times) / min(small_times)


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


def deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth
