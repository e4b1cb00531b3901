"""The practice Shopee over loopback stops selling a shown item at the stock the console
published, says so in ``stock_info_v2``, and the console's figures (``sold_items`` per item,
from which the card and the stock panel count down) agree with it."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace

import pytest

from seller_console.domain.events import Delivery, MetricsReported
from seller_console.domain.platform_port import PinRequest, new_idempotency_key
from seller_console.sandbox.shopee import (
    RunningShopee,
    ShopeeSandboxConfig,
    items_from_products,
    start_shopee,
)
from tests.integration.shopee.support import Raw, make_adapter, product, seeded_store
from tests.support import run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

PLAN = [
    replace(product("serum", "SER-30", "24.90"), stock=5),
    replace(product("cream", "CRM-50", "32.00"), stock=40),
]


def test_the_audience_stops_buying_at_the_stock_and_the_console_sees_it_sold_out() -> None:
    config = ShopeeSandboxConfig(seed=2, items=items_from_products(PLAN), order_rate=30)
    with start_shopee(config) as shopee:
        raw = Raw(shopee)
        try:
            run(show(shopee, raw), timeout=50)
        finally:
            raw.close()


def available(raw: Raw, shopee: RunningShopee, item_id: int) -> int:
    token = str(shopee.credentials["shop_access_token"])
    answer = raw.get(
        "/api/v2/product/get_item_base_info", {"item_id_list": str(item_id)}, token, user=False
    )
    [item] = answer["response"]["item_list"]
    info = item["stock_info_v2"]
    assert info["seller_stock"][0]["stock"] == info["summary_info"]["total_available_stock"]
    return int(info["summary_info"]["total_available_stock"])


async def show(shopee: RunningShopee, raw: Raw) -> None:
    store = await seeded_store(shopee)
    adapter = make_adapter(shopee, store, metrics_interval_s=0.3)
    deliveries: list[Delivery] = []
    try:
        await adapter.upsert_products(PLAN)
        serum = adapter.match_of("serum").item_id
        assert available(raw, shopee, serum) == 5
        sid = (await adapter.create_session("Stock show")).id
        await adapter.set_bag(sid, ["serum", "cream"], idempotency_key=new_idempotency_key())
        await adapter.start_session(sid, idempotency_key=new_idempotency_key())

        async def listen() -> None:
            async with contextlib.aclosing(adapter.events(sid)) as feed:
                async for delivery in feed:
                    deliveries.append(delivery)

        listener = asyncio.create_task(listen())
        await adapter.pin(sid, PinRequest("serum"), idempotency_key=new_idempotency_key())
        await asyncio.sleep(3.0)  # 30 orders a second: far past 5 units
        orders = raw.control("GET", f"/_sandbox/sessions/{sid}")["orders"]
        await asyncio.sleep(1.0)
        assert raw.control("GET", f"/_sandbox/sessions/{sid}")["orders"] == orders  # stopped
        assert available(raw, shopee, serum) == 0
        await adapter.end_session(sid, idempotency_key=new_idempotency_key())
        await asyncio.wait_for(listener, 20)
    finally:
        await adapter.aclose()

    last = [d.event for d in deliveries if isinstance(d.event, MetricsReported)][-1]
    sold = {i.product_id: i.sold_items for i in last.items}
    assert sold["serum"] == 5  # the console counts 5 of 5 sold: SOLD OUT, as Shopee says
    assert sold["cream"] == 0
