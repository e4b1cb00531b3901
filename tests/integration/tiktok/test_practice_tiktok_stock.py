"""The practice TikTok over loopback stops selling a pinned product at its stock, says so in
the live bag and the product search, and the console's ledger (from the LIVE's affiliate
orders the adapter reads) counts the same units the platform sold through the LIVE; when
orders through other content use the stock up, the console says TikTok sold it out, and
still says so after a restart."""

from __future__ import annotations

import asyncio
import contextlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from seller_console.domain.commission import CommissionPolicy
from seller_console.domain.events import CursorMoved, Delivery, StockUpdated
from seller_console.domain.ledger import Ledger, StockLevel
from seller_console.domain.platform_port import PinRequest, new_idempotency_key
from seller_console.platform.tiktok import TikTokShopAdapter
from seller_console.sandbox.tiktok import (
    PracticeConfig,
    PracticeProduct,
    start_practice_tiktok,
)
from seller_console.services.show_runner import LedgerUpdate, ShowRunner
from seller_console.storage import Database, ShowStore
from tests.integration.tiktok.conftest import make_adapter, on_air
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
                room_id = await on_air(
                    adapter, tiktok, [planned("serum", "SER-30", "24.90")], "Stock LIVE"
                )
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


def test_other_content_sells_the_stock_out_and_the_console_says_tiktok_did(
    tmp_path: Path,
) -> None:
    """Orders credited to a video use the stock the LIVE sells, and the console sees none
    of them: its own count says 6 left. TikTok's figure, read each poll (the product
    search's quantity, then the bag's OUT_OF_STOCK), is lower, so the console's figure is
    TikTok's, down to sold out; the show database keeps it, so a restarted runner says it
    before any poll."""
    config = PracticeConfig(seed=5, rate=0.0, settle_after_s=600.0, products=(SERUM,))
    with start_practice_tiktok(config) as tiktok:
        world = tiktok.world

        async def show() -> tuple[int, list[StockUpdated], StockLevel, StockLevel]:
            db = await Database.open(tmp_path / "shows.sqlite3")
            updates: list[LedgerUpdate] = []
            try:
                async with make_adapter(tiktok) as adapter:
                    room_id = await on_air(
                        adapter, tiktok, [planned("serum", "SER-30", "24.90")], "Stock LIVE"
                    )

                    def runner_on(**options: Any) -> ShowRunner:
                        """The show's runner on the one SQLite file, as the engine makes it."""
                        return ShowRunner(
                            adapter,
                            ShowStore(db),
                            "show-1",
                            room_id,
                            CommissionPolicy(),
                            initial_stock={"serum": 6},
                            attribute_by_time=True,
                            **options,
                        )

                    runner = runner_on(on_change=updates.append)
                    running = asyncio.create_task(runner.run())
                    await adapter.pin(
                        room_id, PinRequest("serum"), idempotency_key=new_idempotency_key()
                    )

                    async def until_left(units: int | None) -> None:
                        while not updates or updates[-1].snapshot.stock[0].left != units:
                            await asyncio.sleep(0.05)  # the next poll reads TikTok's stock

                    world.sell_elsewhere(SERUM.id)  # a video sells 1 to 3 units
                    some_left = world.stock.left(SERUM.id)
                    await until_left(some_left)
                    while world.sell_elsewhere(SERUM.id):  # and then the rest
                        pass
                    await until_left(0)
                    running.cancel()
                    await asyncio.gather(running, return_exceptions=True)
                    [live] = runner.ledger.stock()
                    said = await _stock_events(adapter, room_id)
                restarted = runner_on()
                await restarted.restore()
                [after_restart] = restarted.ledger.stock()
                return some_left or 0, said, live, after_restart
            finally:
                await db.close()

        some_left, said, live, after_restart = run(show(), timeout=50)
        [found] = world.search_products(["SER-30"], 0, 10)["products"]
        assert found["skus"][0]["inventory"][0]["quantity"] == 0
        assert all(d["skus"][0]["content_type"] == "VIDEO" for d in world.order_docs())

    assert 3 <= some_left < 6  # the console counted none of the video's units
    assert said == [StockUpdated(said[0].session_id, "serum", 0)]
    assert (live.sold, live.left, live.by_platform) == (0, 0, True)
    assert after_restart == live


async def _stock_events(adapter: TikTokShopAdapter, room_id: str) -> list[StockUpdated]:
    """One poll's stock reports, from a fresh read of the adapter's events."""
    found: list[StockUpdated] = []
    feed = adapter.events(room_id)
    async with contextlib.aclosing(feed) as deliveries:
        async for delivery in deliveries:
            if isinstance(delivery.event, CursorMoved):
                break
            if isinstance(delivery.event, StockUpdated):
                found.append(delivery.event)
    return found


def test_a_shop_cipher_the_stock_search_is_refused_with_leaves_the_bag_s_word() -> None:
    """The authorization does not cover the shop's product search: the bag's
    ``inventory_status`` still says the product sold out, and the polls go on."""
    config = PracticeConfig(seed=5, rate=0.0, settle_after_s=600.0, products=(SERUM,))
    with start_practice_tiktok(config) as tiktok:
        world = tiktok.world

        async def show() -> list[StockUpdated]:
            # matched by its TikTok id, so nothing searches by seller SKU before the show
            async with make_adapter(tiktok, shop_cipher="NOT_THIS_SHOP") as adapter:
                serum = planned(SERUM.id, "SER-30", "24.90")
                room_id = await on_air(adapter, tiktok, [serum], "Stock LIVE", start=False)
                before = await _stock_events(adapter, room_id)
                while world.sell_elsewhere(SERUM.id):
                    pass
                return before + await _stock_events(adapter, room_id)

        said = run(show(), timeout=30)

    assert [(s.product_id, s.stock) for s in said] == [(SERUM.id, 0)]
