"""A whole show through the TikTok adapter against the practice TikTok over loopback, with
rate limits and server errors on and the access token lapsing mid-show."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import pytest

from seller_console.domain.events import (
    CursorMoved,
    Delivery,
    OrderCreated,
    OrderUpdated,
    PinChanged,
    SessionStatus,
)
from seller_console.domain.money import Money
from seller_console.domain.orders import Order, OrderStatus
from seller_console.domain.platform_errors import PlatformErrorKind
from seller_console.domain.platform_port import PinRequest, ShowcaseProduct, new_idempotency_key
from seller_console.platform.tiktok import (
    BagRefusedError,
    NoLiveRoomError,
    PinRefusedError,
    TikTokShopAdapter,
)
from seller_console.sandbox.tiktok import PracticeFaults, RunningTikTok
from tests.integration.tiktok.conftest import make_adapter
from tests.support import run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]
T = TypeVar("T")


def planned(product_id: str, sku: str, price: str) -> ShowcaseProduct:
    return ShowcaseProduct(
        id=product_id,
        sku=sku,
        title=product_id,
        brand="Acme",
        price=Money.of(price, "USD"),
        commission_rate=Decimal("0.15"),
    )


RUNDOWN = [
    planned("serum", "SER-30", "24.90"),  # in the showcase
    planned("lip-oil", "LIP-3", "18.00"),  # in the showcase
    planned("mask", "MASK-1", "14.00"),  # not in the showcase yet; TikTok sells it at 15.00
    planned("candle", "CANDLE-9", "9.00"),  # TikTok has no such SKU
]


async def collect_until(
    adapter: TikTokShopAdapter,
    session_id: str,
    done: asyncio.Event,
    into: list[Delivery],
    links: list[str],
) -> None:
    """Reads the adapter's events until a whole poll has run after ``done`` was set."""
    feed = adapter.events(session_id, on_link=lambda status, _wait: links.append(str(status)))
    polls_after_done = 0
    async with contextlib.aclosing(feed) as deliveries:
        async for delivery in deliveries:
            into.append(delivery)
            if done.is_set() and isinstance(delivery.event, CursorMoved):
                polls_after_done += 1
                if polls_after_done == 2:
                    return


def latest(deliveries: list[Delivery]) -> dict[str, Order]:
    orders: dict[str, Order] = {}
    for delivery in deliveries:
        if isinstance(delivery.event, OrderCreated | OrderUpdated):
            orders[delivery.event.order.id] = delivery.event.order
    return orders


def test_a_whole_show_with_faults_and_a_token_lapsing_mid_show(tiktok: RunningTikTok) -> None:
    world = tiktok.world

    async def show() -> tuple[list[Delivery], list[str], str, list[dict[str, Any]]]:
        async with make_adapter(tiktok) as adapter:
            tiktok.set_faults(PracticeFaults(rate_limit_every=5, error_rate=0.05))
            account = await adapter.me()
            assert account.handle == "practice.creator"

            # products: matched by seller SKU, the missing one added to the showcase
            results = await adapter.upsert_products(RUNDOWN)
            assert [r.ok for r in results] == [True, True, True, False]
            assert results[3].error_code == "no_match"
            assert "CANDLE-9" in (results[3].error_detail or "")
            assert "1729000000000000105" in world.showcase
            differences = await adapter.price_differences(RUNDOWN)
            assert [(d.product_id, d.tiktok) for d in differences] == [
                ("mask", Money.of("15.00", "USD"))
            ]
            link = adapter.affiliate_link("serum")
            assert link.url.endswith("/1729000000000000101?tracking_code=GLOW10")

            # no LIVE yet: a clear error in the creator's words
            with pytest.raises(NoLiveRoomError, match="LIVE Studio"):
                await adapter.create_session("Friday glow show")
            room_id = world.schedule_live("Friday glow show")
            session = await adapter.create_session("Friday glow show")
            assert (session.id, session.status) == (room_id, SessionStatus.SCHEDULED)

            # the bag, prepared before going live, in rundown order
            bag = ["serum", "lip-oil", "mask"]
            session = await adapter.set_bag(room_id, bag)
            assert session.bag == tuple(bag)
            world.go_live()
            assert (await adapter.start_session(room_id)).status is SessionStatus.LIVE

            deliveries: list[Delivery] = []
            links: list[str] = []
            done = asyncio.Event()
            poller = asyncio.create_task(collect_until(adapter, room_id, done, deliveries, links))
            # three takes, each confirmed by reading back pinned_product_id
            for take, product_id in enumerate(["serum", "lip-oil", "serum", "mask"]):
                pin = await adapter.pin(
                    room_id, PinRequest(product_id), idempotency_key=new_idempotency_key()
                )
                assert pin.product_id == product_id
                assert world.bag()["pinned_product_id"] == adapter.tiktok_id(product_id)
                if take == 1:
                    world.expire_access_tokens()  # the token lapses mid-show
                await asyncio.sleep(1.5)
            # orders settle or refund on the practice clock; later polls must show it
            await asyncio.sleep(5.0)
            await adapter.unpin(room_id, idempotency_key=new_idempotency_key())
            assert world.bag()["pinned_product_id"] == ""
            await asyncio.sleep(1.0)
            done.set()
            await asyncio.wait_for(poller, 20)
            # the platform as the last poll saw it (the practice world moves on each call)
            docs = world.order_docs()
            # the creator ends the LIVE in TikTok; the orders can still be refreshed
            world.end_live()
            ended = await adapter.end_session(room_id, idempotency_key=new_idempotency_key())
            assert ended.status is SessionStatus.ENDED
            after = await adapter.list_orders(room_id)
            assert {o.id for o in after.items} == set(latest(deliveries))
            return deliveries, links, room_id, docs

    deliveries, links, room_id, docs = run(show())
    stats = tiktok.stats()
    assert stats["bad_signatures"] == 0
    assert stats["expired_tokens"] >= 1
    assert stats["token_refreshes"] >= 1
    assert stats["rate_limited"] >= 1
    assert stats["pins"] == 4
    assert "live" in links

    # every order sold through this LIVE arrived, attributed to the session; no others
    live_ids = {
        d["id"]
        for d in docs
        if d["skus"][0]["content_type"] == "LIVE" and d["skus"][0]["content_id"] == room_id
    }
    orders = latest(deliveries)
    assert set(orders) == live_ids
    assert len(live_ids) >= 10
    assert all(o.session_id == room_id for o in orders.values())
    # first seen with the estimated commission
    first = [d.event.order for d in deliveries if isinstance(d.event, OrderCreated)]
    by_id = {d["id"]: d for d in docs}
    for order in first:
        sku = by_id[order.id]["skus"][0]
        if order.status is OrderStatus.PAID and by_id[order.id]["status"] != "SETTLED":
            assert order.commission.amount == Money.of(sku["estimated_commission"]["amount"], "USD")
    # later polls: settled orders carry the actual commission, refunds are refunded
    settled = [i for i, d in by_id.items() if i in live_ids and d["status"] == "SETTLED"]
    refunded = [i for i, d in by_id.items() if i in live_ids and d["status"] == "REFUNDED"]
    assert settled
    assert refunded
    updates = {d.event.order.id for d in deliveries if isinstance(d.event, OrderUpdated)}
    assert updates
    for order_id in settled:
        actual = by_id[order_id]["skus"][0]["actual_commission"]["amount"]
        assert orders[order_id].commission.amount == Money.of(actual, "USD")
    for order_id in refunded:
        assert orders[order_id].status is OrderStatus.REFUNDED
        assert orders[order_id].commission.amount == Money.zero("USD")
    # the products are ours, not TikTok's ids
    assert {line.product_id for o in orders.values() for line in o.lines} <= {
        "serum",
        "lip-oil",
        "mask",
    }
    # the pin changes were seen, ending with the unpin
    pins = [d.event.pin for d in deliveries if isinstance(d.event, PinChanged)]
    assert pins
    assert pins[-1] is None


def test_refused_pins_raise_the_error_the_show_switches_to_operator_pins_on(
    tiktok: RunningTikTok,
) -> None:
    async def show() -> PinRefusedError:
        async with make_adapter(tiktok) as adapter:
            room_id = await _live_with_two_in_the_bag(adapter, tiktok, "Refused")
            tiktok.set_faults(PracticeFaults(refuse_pins=True))
            with pytest.raises(PinRefusedError) as caught:
                await adapter.pin(
                    room_id, PinRequest("serum"), idempotency_key=new_idempotency_key()
                )
            return caught.value

    error = run(show())
    assert error.kind is PlatformErrorKind.FORBIDDEN
    assert "TikTok app" in error.user_message
    assert tiktok.stats()["refused_pins"] == 1
    assert tiktok.stats()["bad_signatures"] == 0


def test_products_tiktok_refuses_for_the_bag_are_named_and_the_rest_is_in_order(
    tiktok: RunningTikTok,
) -> None:
    world = tiktok.world

    async def show() -> tuple[BagRefusedError, tuple[str, ...]]:
        async with make_adapter(tiktok) as adapter:
            # matched by seller SKU but never added to the showcase: TikTok refuses it
            await adapter.resolve([RUNDOWN[2]])
            await adapter.upsert_products(RUNDOWN[:2])
            room_id = world.schedule_live("Bag")
            await adapter.create_session("Bag")
            with pytest.raises(BagRefusedError) as caught:
                await adapter.set_bag(room_id, ["lip-oil", "mask", "serum"])
            return caught.value, (await adapter.get_session(room_id)).bag

    error, bag = run(show())
    assert [(item.product_id, item.ok) for item in error.items] == [("mask", False)]
    assert "mask" in error.user_message
    assert error.kind is PlatformErrorKind.VALIDATION
    assert bag == ("lip-oil", "serum")


def test_a_pin_replaced_in_tiktok_before_the_next_poll_still_has_its_window(
    tiktok: RunningTikTok,
) -> None:
    """The console's pin, confirmed by TikTok, then replaced from the phone (TikTok LIVE
    Studio, a moderator) before the next poll: the poll sees only the phone's product, yet
    the console's pin was on air and sold, so its window must be reported first."""
    world = tiktok.world

    async def show() -> list[tuple[str, datetime]]:
        async with make_adapter(tiktok) as adapter:
            room_id = await _live_with_two_in_the_bag(adapter, tiktok, "Replaced")
            pins: list[tuple[str, datetime]] = []
            feed = adapter.events(room_id)
            async with contextlib.aclosing(feed) as deliveries:
                async for delivery in deliveries:  # the first poll: nothing pinned yet
                    if isinstance(delivery.event, CursorMoved):
                        break
                # between two polls (the feed waits at its yield): ours, then the phone's
                ours = await adapter.pin(
                    room_id, PinRequest("serum"), idempotency_key=new_idempotency_key()
                )
                world.pin(adapter.tiktok_id("lip-oil"))
                async for delivery in deliveries:
                    event = delivery.event
                    if isinstance(event, PinChanged) and event.pin is not None:
                        pins.append((event.pin.product_id, event.pin.pinned_at))
                    if isinstance(event, CursorMoved):
                        break
            assert pins[0] == (ours.product_id, ours.pinned_at)
            return pins

    pins = run(show())
    assert [product for product, _at in pins] == ["serum", "lip-oil"]
    assert pins[0][1] < pins[1][1]


async def _live_with_two_in_the_bag(
    adapter: TikTokShopAdapter, tiktok: RunningTikTok, title: str
) -> str:
    """A LIVE the creator started in TikTok, the console's session on it, and the first two
    rundown products in its bag; the LIVE's room id."""
    await adapter.upsert_products(RUNDOWN[:2])
    room_id = tiktok.world.schedule_live(title)
    tiktok.world.go_live()
    await adapter.create_session(title)
    await adapter.set_bag(room_id, ["serum", "lip-oil"])
    return room_id
