"""Every call of the contract against the real sandbox, a pin confirmed twice (by the answer
and by ``pin.changed``), and a resync when the cursor is older than the stream holds."""

from __future__ import annotations

import asyncio
import contextlib
from decimal import Decimal
from typing import TypeVar

import httpx
import pytest

from seller_console.domain.events import OrderCreated, OrdersResynced, PinChanged, SessionStatus
from seller_console.domain.money import Money
from seller_console.domain.platform_port import (
    LivePlatform,
    PinRequest,
    ShowcaseProduct,
    new_idempotency_key,
)
from seller_console.platform.client import LiveCommerceClient
from seller_console.platform.errors import NotFoundError, SessionNotLiveError
from seller_console.sandbox import RunningSandbox, SandboxConfig, start_sandbox
from tests.support import run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

T = TypeVar("T")


def product(product_id: str, price: str = "19.99") -> ShowcaseProduct:
    return ShowcaseProduct(
        id=product_id,
        sku=f"SKU-{product_id}",
        title=f"Product {product_id}",
        brand="Acme",
        price=Money.of(price, "USD"),
        commission_rate=Decimal("0.15"),
    )


def make_orders(sandbox: RunningSandbox, session_id: str, count: int) -> None:
    with httpx.Client(
        base_url=sandbox.base_url, headers={"Authorization": f"Bearer {sandbox.api_key}"}
    ) as raw:
        raw.post(
            f"/_sandbox/sessions/{session_id}/orders", json={"count": count}
        ).raise_for_status()


def test_every_call_and_a_pin_confirmed_by_the_stream() -> None:
    with start_sandbox(SandboxConfig(seed=5)) as sandbox:

        async def go() -> None:
            async with LiveCommerceClient(sandbox.base_url, sandbox.api_key) as client:
                platform: LivePlatform = client
                assert (await client.me()).default_currency.code == "USD"
                assert await client.upsert_product(product("a")) == product("a")
                results = await client.upsert_products([product("b"), product("c", "9.5")])
                assert all(r.ok for r in results)
                listed = await client.list_products(limit=2)
                assert len(listed.items) == 2
                assert listed.next_cursor is not None
                link = await client.create_affiliate_link("a")
                assert link.code
                session = await client.create_session("Show")
                with pytest.raises(SessionNotLiveError):
                    await platform.pin(
                        session.id, PinRequest("a"), idempotency_key=new_idempotency_key()
                    )
                await platform.start_session(session.id, idempotency_key=new_idempotency_key())
                bagged = await platform.set_bag(
                    session.id, ["a", "b"], idempotency_key=new_idempotency_key()
                )
                assert bagged.bag == ("a", "b")
                with pytest.raises(NotFoundError):
                    await platform.pin(
                        session.id, PinRequest("nope"), idempotency_key=new_idempotency_key()
                    )
                pin = await platform.pin(
                    session.id,
                    PinRequest("b", live_price=Money.of("14.50", "USD"), stock_limit=3),
                    idempotency_key=new_idempotency_key(),
                )
                assert pin.live_price == Money.of("14.50", "USD")
                await asyncio.to_thread(make_orders, sandbox, session.id, 2)
                state = await platform.get_session(session.id)
                assert state.pin == pin
                assert state.stats is not None
                assert state.stats.orders == 2
                page = await platform.list_orders(session.id)
                assert len(page.items) == 2
                assert all(isinstance(o.total.amount, Decimal) for o in page.items)

                pins: list[PinChanged] = []
                orders: list[OrderCreated] = []
                async with contextlib.aclosing(platform.events(session.id)) as feed:
                    async for delivery in feed:
                        if isinstance(delivery.event, PinChanged):
                            pins.append(delivery.event)
                        if isinstance(delivery.event, OrderCreated):
                            orders.append(delivery.event)
                        if len(orders) == 2:
                            break
                assert pins[-1].pin == pin  # the stream confirms what the answer said
                assert {o.order.id for o in orders} == {o.id for o in page.items}

                await platform.unpin(session.id, idempotency_key=new_idempotency_key())
                ended = await platform.end_session(
                    session.id, idempotency_key=new_idempotency_key()
                )
                assert ended.status is SessionStatus.ENDED
                ended_list = await client.list_sessions(status=SessionStatus.ENDED)
                assert [s.id for s in ended_list.items] == [session.id]
                await client.delete_product("c")

        run(go())


def test_a_cursor_older_than_the_stream_holds_is_rebuilt_from_the_orders_list() -> None:
    with start_sandbox(SandboxConfig(seed=6, event_retention=10)) as sandbox:

        async def go() -> tuple[OrdersResynced, str | None, int]:
            async with LiveCommerceClient(sandbox.base_url, sandbox.api_key) as client:
                await client.upsert_product(product("a"))
                session = await client.create_session("Show")
                await client.start_session(session.id)
                await client.set_bag(session.id, ["a"])
                await client.pin(session.id, PinRequest("a"))
                await asyncio.to_thread(make_orders, sandbox, session.id, 120)
                head = (await client.get_session(session.id)).last_event_id
                async with contextlib.aclosing(client.events(session.id, after="1")) as feed:
                    async for delivery in feed:
                        if isinstance(delivery.event, OrdersResynced):
                            return delivery.event, delivery.cursor, int(head or 0)
            raise AssertionError("the stream ended without a resync")

        resynced, cursor, head = run(go())
        assert len(resynced.orders) == 120
        assert cursor is not None
        assert int(cursor) >= head
