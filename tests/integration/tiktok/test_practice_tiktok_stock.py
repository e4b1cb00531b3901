"""The practice TikTok over loopback stops selling a pinned product at its stock, says so in
the live bag and the product search, and the console's ledger (from the LIVE's affiliate
orders the adapter reads) counts the same units the platform sold through the LIVE."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from seller_console.domain.events import Delivery
from seller_console.domain.ledger import Ledger
from seller_console.domain.platform_port import PinRequest, new_idempotency_key
from seller_console.sandbox.tiktok import (
    PracticeConfig,
    PracticeProduct,
    start_practice_tiktok,
)
from tests.integration.tiktok.conftest import make_adapter
from tests.integration.tiktok.test_tiktok_show import collect_until, latest, planned
from tests.support import run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

SERUM = PracticeProduct("1729000000000000101", "Serum", "SER-30", Decimal("24.90"), stock=6)


def test_the_audience_stops_buying_at_the_stock_and_the_console_counts_it_down() -> None:
    config = PracticeConfig(seed=11, rate=30.0, settle_after_s=600.0, products=(SERUM,))
    with start_practice_tiktok(config) as tiktok:
        world = tiktok.world

        async def show() -> list[Delivery]:
            async with make_adapter(tiktok) as adapter:
                await adapter.upsert_products([planned("serum", "SER-30", "24.90")])
                room_id = world.schedule_live("Stock LIVE")
                await adapter.create_session("Stock LIVE")
                await adapter.set_bag(room_id, ["serum"])
                world.go_live()
                await adapter.start_session(room_id)
                deliveries: list[Delivery] = []
                done = asyncio.Event()
                poller = asyncio.create_task(collect_until(adapter, room_id, done, deliveries, []))
                await adapter.pin(
                    room_id, PinRequest("serum"), idempotency_key=new_idempotency_key()
                )
                await asyncio.sleep(3.0)  # 30 orders a second: far past 6 units
                count = len(world.orders)
                await asyncio.sleep(1.0)
                assert len(world.orders) == count  # stopped
                done.set()
                await asyncio.wait_for(poller, 20)
                return deliveries

        deliveries = run(show(), timeout=50)
        [bagged] = world.bag()["products"]
        assert bagged["status"]["inventory_status"] == "OUT_OF_STOCK"
        [found] = world.search_products(["SER-30"], 0, 10)["products"]
        assert found["skus"][0]["inventory"][0]["quantity"] == 0
        docs = world.order_docs()
        assert sum(d["skus"][0]["quantity"] for d in docs) == 6  # every order took stock

    orders = latest(deliveries)
    live = [d for d in docs if d["skus"][0]["content_type"] == "LIVE"]
    assert set(orders) == {d["id"] for d in live}  # the console read every LIVE order
    ledger = Ledger(initial_stock={"serum": 6})
    for order in orders.values():
        ledger.apply(order)
    [level] = ledger.stock()
    assert level.sold == sum(d["skus"][0]["quantity"] for d in live) <= 6
