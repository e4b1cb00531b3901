"""Platform client figures against the sandbox on a loopback port (printed, never asserted).

- A pin's round trip through ``LiveCommerceClient.pin`` (idempotency key, retry policy,
  typed parsing) against a raw ``httpx.AsyncClient.put`` of the same request to the same
  endpoint, in the same run. Target: ratio <= 1.3.
- Stream decoding: typed ``Delivery`` objects per second from ``LiveCommerceClient.events``
  against raw httpx-sse iteration of the same stream (no parsing of the data).
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from decimal import Decimal

import httpx
import httpx_sse

from seller_console.domain.money import Money
from seller_console.domain.platform_port import PinRequest, ShowcaseProduct, new_idempotency_key
from seller_console.platform.client import LiveCommerceClient
from seller_console.sandbox import RunningSandbox, SandboxConfig, start_sandbox
from tests.benchmarks._summary import summary

PINS = 300
STREAM_ORDERS = 20_000


async def _setup(client: LiveCommerceClient) -> str:
    for product_id in ("a", "b"):
        await client.upsert_product(
            ShowcaseProduct(
                id=product_id,
                sku=f"SKU-{product_id}",
                title=product_id,
                brand="Acme",
                price=Money.of("10.00", "USD"),
                commission_rate=Decimal("0.1"),
            )
        )
    session = await client.create_session("bench")
    await client.start_session(session.id)
    await client.set_bag(session.id, ["a", "b"])
    return session.id


async def _pin_round_trips(sandbox: RunningSandbox) -> tuple[list[float], list[float]]:
    async with (
        LiveCommerceClient(sandbox.base_url, sandbox.api_key) as client,
        httpx.AsyncClient(
            base_url=sandbox.base_url, headers={"Authorization": f"Bearer {sandbox.api_key}"}
        ) as raw,
    ):
        session_id = await _setup(client)
        ours: list[float] = []
        theirs: list[float] = []
        for n in range(PINS):
            product_id = "ab"[n % 2]
            start = time.perf_counter()
            await client.pin(
                session_id, PinRequest(product_id), idempotency_key=new_idempotency_key()
            )
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            response = await raw.put(
                f"/v1/live-sessions/{session_id}/pin",
                json={"product_id": "ba"[n % 2]},
                headers={"Idempotency-Key": new_idempotency_key()},
            )
            response.raise_for_status()
            response.json()
            theirs.append(time.perf_counter() - start)
        return ours, theirs


async def _stream_rates(sandbox: RunningSandbox) -> tuple[float, float, int]:
    async with LiveCommerceClient(sandbox.base_url, sandbox.api_key) as client:
        session_id = await _setup(client)
        await client.pin(session_id, PinRequest("a"), idempotency_key=new_idempotency_key())
        with httpx.Client(
            base_url=sandbox.base_url, headers={"Authorization": f"Bearer {sandbox.api_key}"}
        ) as control:
            control.post(
                f"/_sandbox/sessions/{session_id}/orders", json={"count": STREAM_ORDERS}
            ).raise_for_status()
        last = int((await client.get_session(session_id)).last_event_id or 0)

        start = time.perf_counter()
        typed = 0
        async with contextlib.aclosing(client.events(session_id)) as feed:
            async for delivery in feed:
                typed += 1
                if delivery.cursor is not None and int(delivery.cursor) >= last:
                    break
        ours = typed / (time.perf_counter() - start)

        async with httpx.AsyncClient(
            base_url=sandbox.base_url,
            headers={"Authorization": f"Bearer {sandbox.api_key}"},
            timeout=httpx.Timeout(10, read=45),
        ) as raw:
            start = time.perf_counter()
            count = 0
            path = f"/v1/live-sessions/{session_id}/events"
            async with httpx_sse.aconnect_sse(raw, "GET", path) as source:
                async for sse in source.aiter_sse():
                    count += 1
                    if sse.id and int(sse.id) >= last:
                        break
            theirs = count / (time.perf_counter() - start)
        return ours, theirs, typed


def main() -> None:
    with start_sandbox(SandboxConfig(seed=7)) as sandbox:
        ours, theirs = asyncio.run(_pin_round_trips(sandbox))
        ours_ms = statistics.median(ours) * 1000
        theirs_ms = statistics.median(theirs) * 1000
        pin_ratio = ours_ms / theirs_ms
        print(
            f"pin round trip, {PINS} pins (median): client {ours_ms:.2f} ms, "
            f"raw httpx PUT {theirs_ms:.2f} ms, ratio {pin_ratio:.2f} (target <= 1.3)"
        )
        p95 = sorted(ours)[int(len(ours) * 0.95)] * 1000
        raw95 = sorted(theirs)[int(len(theirs) * 0.95)] * 1000
        print(f"pin round trip p95: client {p95:.2f} ms, raw {raw95:.2f} ms")
    with start_sandbox(SandboxConfig(seed=7)) as sandbox:
        typed_rate, raw_rate, events = asyncio.run(_stream_rates(sandbox))
        stream_ratio = typed_rate / raw_rate
        print(
            f"stream decoding, {events} events: typed {typed_rate:,.0f} events/s, raw httpx-sse "
            f"{raw_rate:,.0f} events/s, ratio {stream_ratio:.2f}"
        )
    print(
        summary(
            "platform",
            {
                "pin_rtt_ms": ours_ms,
                "raw_ms": theirs_ms,
                "ratio": pin_ratio,
                "stream_events_per_s": typed_rate,
                "stream_raw_events_per_s": raw_rate,
                "stream_ratio": stream_ratio,
            },
        )
    )


if __name__ == "__main__":
    main()
