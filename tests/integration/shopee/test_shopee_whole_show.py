"""A whole show through ``ShopeeAdapter`` against the practice Shopee over loopback, with
faults on: rate-limit bursts, access tokens that last 8 s (refreshed before they expire),
and every token expired at once mid-show (refreshed when Shopee refuses it). Products are
matched by SKU, a bag set and reordered, four pins each confirmed by read-back, metrics
grow, comments arrive de-duplicated, and not one signature is bad."""

from __future__ import annotations

import asyncio
import contextlib
from decimal import Decimal

import pytest

from seller_console.domain.connection import LinkStatus
from seller_console.domain.events import (
    CommentPosted,
    Delivery,
    MetricsReported,
    SessionStatus,
    SessionUpdated,
    ViewersUpdated,
)
from seller_console.domain.money import Money
from seller_console.domain.platform_port import PinRequest, new_idempotency_key
from seller_console.sandbox.shopee import (
    RunningShopee,
    ShopeeFaults,
    ShopeeSandboxConfig,
    start_shopee,
)
from tests.integration.shopee.support import Raw, make_adapter, product, seeded_store
from tests.support import run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

PLAN = [
    product("serum", "SER-30", "24.90"),
    product("tint", "TINT-CORAL", "12.50"),
    product("cream", "CRM-50", "30.00"),  # Shopee sells it at 32
    product("balm", "BALM-100", "18.10"),
    product("ghost", "NOPE-404", "5.00"),  # not in the shop
]


def test_a_whole_show_with_rate_limits_and_expiring_tokens() -> None:
    config = ShopeeSandboxConfig(
        seed=3,
        token_ttl_s=8,
        order_rate=4,
        comment_rate=2,
        faults=ShopeeFaults(rate_limit_every=25, rate_limit_burst_s=0.5),
    )
    with start_shopee(config) as shopee:
        raw = Raw(shopee)
        try:
            run(show(shopee, raw), timeout=100)
        finally:
            raw.close()


async def show(shopee: RunningShopee, raw: Raw) -> None:
    store = await seeded_store(shopee)
    adapter = make_adapter(shopee, store)
    links: list[LinkStatus] = []
    deliveries: list[Delivery] = []
    try:
        account = await adapter.me()
        assert account.default_currency.code == "SGD"

        results = await adapter.upsert_products(PLAN)
        assert [r.error_code for r in results] == [None, None, None, None, "no_match"]
        assert "NOPE-404" in str(results[4].error_detail)
        [difference] = adapter.price_differences()
        assert difference.product_id == "cream"
        assert difference.shopee == Money.of("32", "SGD")

        session = await adapter.create_session("Friday glow show")
        assert session.status is SessionStatus.SCHEDULED
        sid = session.id
        await adapter.set_bag(
            sid, ["serum", "tint", "cream", "balm"], idempotency_key=new_idempotency_key()
        )
        state = raw.control("GET", f"/_sandbox/sessions/{sid}")
        assert state["bag"] == [800001, 800003, 800002, 800004]  # rundown order
        session = await adapter.set_bag(
            sid, ["tint", "serum", "balm"], idempotency_key=new_idempotency_key()
        )
        assert session.bag == ("tint", "serum", "balm")
        assert raw.control("GET", f"/_sandbox/sessions/{sid}")["bag"] == [800003, 800001, 800004]

        session = await adapter.start_session(sid, idempotency_key=new_idempotency_key())
        assert session.status is SessionStatus.LIVE

        async def listen() -> None:
            def on_link(status: LinkStatus, _delay: float | None) -> None:
                links.append(status)

            async with contextlib.aclosing(adapter.events(sid, on_link=on_link)) as feed:
                async for delivery in feed:
                    deliveries.append(delivery)

        listener = asyncio.create_task(listen())
        versions = []
        for n, pid in enumerate(["serum", "tint", "balm", "serum"]):
            pin = await adapter.pin(sid, PinRequest(pid), idempotency_key=new_idempotency_key())
            assert pin.product_id == pid
            versions.append(pin.version)
            state = raw.control("GET", f"/_sandbox/sessions/{sid}")
            assert state["shown"] == adapter.match_of(pid).item_id  # Shopee shows it
            if n == 1:
                raw.control("POST", "/_sandbox/expire_tokens")  # every token dies mid-show
                assert (await adapter.get_session(sid)).status is SessionStatus.LIVE
            await asyncio.sleep(3.2)
        assert versions == sorted(versions)
        assert len(set(versions)) == len(versions)

        await adapter.unpin(sid, idempotency_key=new_idempotency_key())
        assert raw.control("GET", f"/_sandbox/sessions/{sid}")["shown"] is None
        ended = await adapter.end_session(sid, idempotency_key=new_idempotency_key())
        assert ended.status is SessionStatus.ENDED
        await asyncio.wait_for(listener, 20)
    finally:
        await adapter.aclose()

    events = [d.event for d in deliveries]
    assert all(d.cursor is None for d in deliveries)
    statuses = [e.status for e in events if isinstance(e, SessionUpdated)]
    assert statuses == [SessionStatus.LIVE, SessionStatus.ENDED]
    assert LinkStatus.LIVE in links

    metrics = [e for e in events if isinstance(e, MetricsReported)]
    assert len(metrics) >= 3
    orders = [m.orders for m in metrics]
    assert orders == sorted(orders)
    assert orders[-1] > orders[0]
    last = metrics[-1]
    assert last.gmv is not None
    assert last.gmv.currency.code == "SGD"
    assert last.gmv.amount > 0
    assert last.gmv.amount == last.gmv.amount.quantize(Decimal("0.01"))  # exact, no float dust
    by_product = {i.product_id: i for i in last.items}
    assert set(by_product) == {"tint", "serum", "balm"}  # keyed by our ids, not Shopee's
    assert sum(1 for i in by_product.values() if i.sold_items > 0) >= 2
    assert last.sold_items == sum(i.sold_items for i in last.items)
    final = raw.control("GET", f"/_sandbox/sessions/{sid}")
    assert last.orders <= final["orders"]
    assert any(isinstance(e, ViewersUpdated) and e.viewers > 0 for e in events)

    comments = [e for e in events if isinstance(e, CommentPosted)]
    ids = [c.comment_id for c in comments]
    assert len(ids) == len(set(ids))  # de-duplicated across overlapping 10 s windows
    posted = {str(i) for i in final["comment_ids"]}
    assert set(ids) <= posted
    # Shopee keeps only the last 10 s of comments: under rate-limit bursts on a loaded
    # machine a poll can come too late for some, so the share received is not a constant;
    # what holds is that comments arrive, each once, and only those posted
    assert ids
    assert all(c.text and c.author for c in comments)

    stats = raw.control("GET", "/_sandbox/stats")
    assert stats["bad_signatures"] == 0
    assert stats["expired_timestamps"] == 0
    assert stats["rate_limited"] > 0  # the faults were on
    assert stats["rejected_tokens"] >= 1  # the forced expiry was met ...
    assert stats["refreshes"] >= 2  # ... and handled, as were the 8 s lifetimes
    assert stats["rejected_refreshes"] == 0  # never a spent refresh token
