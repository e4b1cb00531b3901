"""The platform client against the real sandbox on a loopback port, with its faults on.

- The stream is dropped every 50-200 events (half the time mid-block), 10 % of calls get a
  503, calls hit bursts of 429 with Retry-After, events are duplicated and reordered: the
  set of order ids the reader yields equals the sandbox's orders list exactly.
- 200 pin intents while 30 % of calls fail (a lost response after the server acted
  included) change the pin exactly once per intent, counted by the sandbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, TypeVar

import httpx
import pytest

from seller_console.domain.events import (
    Delivery,
    OrderCreated,
    OrdersResynced,
    OrderUpdated,
)
from seller_console.domain.money import Money
from seller_console.domain.platform_port import PinRequest, ShowcaseProduct, new_idempotency_key
from seller_console.platform._retry import Retrier, RetryPolicy
from seller_console.platform.client import LiveCommerceClient
from seller_console.sandbox import RunningSandbox, SandboxConfig, SandboxFaults, start_sandbox
from tests.support import run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]

T = TypeVar("T")
ORDERS = 5_000
PINS = 200


@pytest.fixture(params=[1, 2, 3], ids=lambda seed: f"seed{seed}")
def sandbox(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    with start_sandbox(SandboxConfig(seed=request.param, rate=0.0)) as running:
        yield running


def control(sandbox: RunningSandbox, method: str, path: str, body: Any = None) -> Any:
    """A /_sandbox/ knob (faults never apply to these)."""
    headers = {"Authorization": f"Bearer {sandbox.api_key}"}
    with httpx.Client(base_url=sandbox.base_url, headers=headers, timeout=30) as raw:
        response = raw.request(method, path, json=body)
        response.raise_for_status()
        return response.json()


def patient_client(sandbox: RunningSandbox, seed: int) -> LiveCommerceClient:
    """Retries sized for a platform failing a third of its calls (the default is for a
    healthy one): more attempts, short waits."""
    policy = RetryPolicy(max_attempts=15, max_elapsed_s=30, base_delay_s=0.01, max_delay_s=0.2)
    return LiveCommerceClient(
        sandbox.base_url,
        sandbox.api_key,
        retrier=Retrier(policy, rng=random.Random(seed)),
        stream_reconnect=Retrier(
            RetryPolicy(
                max_attempts=10**6, max_elapsed_s=float("inf"), base_delay_s=0.01, max_delay_s=0.2
            ),
            rng=random.Random(seed),
        ),
    )


def product(product_id: str) -> ShowcaseProduct:
    return ShowcaseProduct(
        id=product_id,
        sku=f"SKU-{product_id}",
        title=f"Product {product_id}",
        brand="Acme",
        price=Money.of("24.90", "USD"),
        commission_rate=Decimal("0.12"),
    )


async def live_session(client: LiveCommerceClient, product_ids: list[str]) -> str:
    for product_id in product_ids:
        await client.upsert_product(product(product_id))
    session = await client.create_session("Failure test")
    await client.start_session(session.id)
    await client.set_bag(session.id, product_ids)
    await client.pin(session.id, PinRequest(product_ids[0]), idempotency_key=new_idempotency_key())
    return session.id


def order_ids(delivery: Delivery) -> set[str]:
    event = delivery.event
    if isinstance(event, OrderCreated | OrderUpdated):
        return {event.order.id}
    if isinstance(event, OrdersResynced):
        return {order.id for order in event.orders}
    return set()


def test_the_reader_yields_every_order_through_drops_errors_and_duplicates(
    sandbox: RunningSandbox,
) -> None:
    seed = int(sandbox.config.seed)

    async def go() -> tuple[set[str], set[str], int]:
        async with patient_client(sandbox, seed) as client:
            session_id = await live_session(client, ["a", "b", "c"])
            sandbox.set_faults(
                SandboxFaults(
                    error_rate=0.1,
                    rate_limit_burst_every=40,
                    retry_after_s=1,
                    drop_every=(50, 200),
                    duplicate_rate=0.05,
                    reorder_window=5,
                )
            )
            seen: set[str] = set()
            deliveries = 0

            async def read() -> None:
                nonlocal deliveries
                async with contextlib.aclosing(client.events(session_id)) as feed:
                    async for delivery in feed:
                        deliveries += 1
                        seen.update(order_ids(delivery))
                        if len(seen) >= ORDERS:
                            return

            reader = asyncio.create_task(read())
            for _ in range(ORDERS // 500):
                await asyncio.to_thread(
                    control,
                    sandbox,
                    "POST",
                    f"/_sandbox/sessions/{session_id}/orders",
                    {"count": 500},
                )
                await asyncio.sleep(0.05)
            await reader
            sandbox.set_faults(SandboxFaults())
            listed = {order.id for order in await client.all_orders(session_id)}
            return seen, listed, deliveries

    seen, listed, deliveries = run(go())
    assert len(listed) == ORDERS
    assert seen == listed
    assert deliveries > ORDERS  # duplicates and replays arrived, and were passed on


def test_each_pin_intent_changes_the_pin_exactly_once_under_failures(
    sandbox: RunningSandbox,
) -> None:
    seed = int(sandbox.config.seed)

    async def go() -> tuple[dict[str, int], dict[str, int], list[str], str | None]:
        async with patient_client(sandbox, seed) as client:
            session_id = await live_session(client, ["a", "b"])
            before = control(sandbox, "GET", "/_sandbox/stats")
            # 20 % of calls fail before acting; 12.5 % of the rest act, then lose the answer.
            sandbox.set_faults(SandboxFaults(error_rate=0.2, lost_response_rate=0.125))
            confirmed: list[str] = []
            for n in range(PINS):
                wanted = "b" if n % 2 == 0 else "a"  # every intent is a real change
                key = new_idempotency_key()
                pin = await client.pin(session_id, PinRequest(wanted), idempotency_key=key)
                confirmed.append(pin.product_id)
            sandbox.set_faults(SandboxFaults())
            after = control(sandbox, "GET", "/_sandbox/stats")
            current = (await client.get_session(session_id)).pin
            return before, after, confirmed, current.product_id if current else None

    before, after, confirmed, current = run(go())
    assert after["pin_changes"] - before["pin_changes"] == PINS
    attempts = after["requests"] - before["requests"] - 1  # the get_session read
    failed = attempts - PINS
    assert failed / attempts > 0.2  # the faults really bit
    assert confirmed == ["b" if n % 2 == 0 else "a" for n in range(PINS)]
    assert current == confirmed[-1]
