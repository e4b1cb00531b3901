"""Refresh of a past TikTok show against the practice TikTok over loopback: the show is
stored with the estimates its live polls saw; after it ends, orders settle or are refunded
on the practice clock; a refresh through a newly opened adapter (as on another day) reads
the show's time window again, every page, and the report then shows estimated against
settled per pin window and per product, to the cent of what TikTok reports. A second
refresh changes nothing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from seller_console.domain.money import Money
from seller_console.domain.platform_port import PinRequest, new_idempotency_key
from seller_console.domain.rundown import RundownItem, ShowPlan
from seller_console.domain.show_records import (
    PlannedSegment,
    PlatformAccount,
    ShowRecord,
    ShowStatus,
)
from seller_console.importers.show_plan import dumps
from seller_console.live_link import LiveLink
from seller_console.sandbox.tiktok import PracticeConfig, RunningTikTok, start_practice_tiktok
from seller_console.services.reports import RefreshOutcome, ShowReport, ShowReports, report_json
from seller_console.settings import Profile, ProfileKind, Settings
from seller_console.storage import Database, ShowStore
from tests.fakes import MemorySecrets
from tests.integration.tiktok.conftest import make_adapter, on_air
from tests.integration.tiktok.test_tiktok_show import RUNDOWN
from tests.support import run, snapshot

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]


@pytest.fixture
def tiktok() -> Iterator[RunningTikTok]:
    """A busy audience whose orders settle (or, two in five, are refunded) after 3 s."""
    config = PracticeConfig(
        seed=11, rate=10.0, settle_after_s=3.0, refund_rate=0.4, access_ttl_s=20
    )
    with start_practice_tiktok(config) as running:
        yield running


def _cents(value: str) -> Decimal:
    return Decimal(value)


def test_refresh_moves_a_past_show_from_estimated_to_settled_and_refunded(
    tiktok: RunningTikTok, tmp_path: Path
) -> None:
    world = tiktok.world
    products = RUNDOWN[:2]  # serum, lip-oil: in the practice showcase

    async def go() -> tuple[ShowReport, RefreshOutcome, ShowReport, RefreshOutcome, ShowReport]:
        db = await Database.open(tmp_path / "shows.sqlite3")
        store = ShowStore(db)
        reports = ShowReports(store)
        try:
            async with make_adapter(tiktok) as adapter:
                room_id = await on_air(adapter, tiktok, products, "Refresh night")
                started = datetime.now(UTC)
                pins = []
                for product in products:
                    pin = await adapter.pin(
                        room_id, PinRequest(product.id), idempotency_key=new_idempotency_key()
                    )
                    pins.append(pin)
                    await asyncio.sleep(1.0)
                seen_live = [o.order for o in await adapter.affiliate_orders(room_id)]
                world.end_live()
                ended = datetime.now(UTC)
            show = ShowRecord(
                "show-1",
                room_id,
                "Refresh night",
                started,
                started_at=started,
                ended_at=ended,
                owner=PlatformAccount("tiktok", "practice"),
                by_time=True,
            )
            segments = [
                PlannedSegment(f"i{n}", n, p.id, p.title, 60, p.price, None, p.commission_rate)
                for n, p in enumerate(products)
            ]
            await store.create_show(show, segments)
            await store.save_ingest(show.id, seen_live, pins, None)
            before = await reports.report(show.id)

            await asyncio.sleep(3.5)  # the practice clock settles or refunds every order
            async with make_adapter(tiktok) as later:  # knows nothing of our product ids
                first = await reports.refresh(show.id, later)
                after = await reports.report(show.id)
                second = await reports.refresh(show.id, later)
                again = await reports.report(show.id)
            return before, first, after, second, again
        finally:
            await db.close()

    before, first, after, second, again = run(go())
    room_id = before.show.session_id
    docs = [
        d
        for d in world.order_docs()
        if d["skus"][0]["content_type"] == "LIVE" and d["skus"][0]["content_id"] == room_id
    ]
    settled = [d for d in docs if d["status"] == "SETTLED"]
    refunded = [d for d in docs if d["status"] == "REFUNDED"]
    assert settled
    assert refunded
    assert len(settled) + len(refunded) == len(docs)  # nothing left waiting

    # before: estimates only, nothing settled
    usd_before = before.totals["USD"]
    assert usd_before.settled_orders == 0
    assert usd_before.settled == Money.zero("USD")
    assert usd_before.platform_estimate.amount > 0

    # after the refresh: settled and refunded as TikTok says, to the cent
    usd = after.totals["USD"]
    assert usd.orders == len(docs)
    assert usd.settled_orders == len(settled)
    assert usd.refunded_orders == len(refunded)
    assert usd.unsettled_orders == 0
    actual = sum((_cents(d["skus"][0]["actual_commission"]["amount"]) for d in settled), Decimal(0))
    assert usd.settled == Money.of(actual, "USD")
    assert usd.platform_estimate == Money.of(
        sum((_cents(d["skus"][0]["estimated_commission"]["amount"]) for d in settled), Decimal(0)),
        "USD",
    )
    assert first.read == len(docs)
    assert first.settled == len(settled)
    assert after.show.refreshed_at is not None

    # per pin window and per product, in our product ids (not TikTok's), adding up
    assert {pid for pid, _code in after.by_product} <= {"serum", "lip-oil"}
    by_product = sum((f.settled.amount for f in after.by_product.values()), Decimal(0))
    by_window = sum((f.settled.amount for w in after.windows for f in w.figures), Decimal(0)) + sum(
        (f.settled.amount for (pin, _c), f in after.by_pin.items() if pin == ""), Decimal(0)
    )
    assert by_product == by_window == actual
    assert [w.window.product_id for w in after.windows] == ["serum", "lip-oil"]

    # idempotent: a second refresh finds nothing new and the figures stay
    assert (second.new, second.settled, second.refunded) == (0, 0, 0)
    assert "nothing changed" in second.summary()

    def figures(report: ShowReport) -> dict[str, Any]:
        body = report_json(report)
        return {k: body[k] for k in ("totals", "products", "pin_windows")}

    assert figures(again) == figures(after)
    exported = report_json(after)
    assert exported["totals"][0]["commission_settled"] == str(actual)  # type: ignore[index]


def test_refresh_through_the_link_names_orders_it_never_saw_by_our_product_ids(
    tiktok: RunningTikTok, tmp_path: Path
) -> None:
    """A TikTok profile (keys in the keychain) refreshes a show none of whose orders were
    seen live (the console was closed): the link matches the show's planned products first,
    so every order is named by our product ids, and the show's own account is checked."""
    world = tiktok.world
    products = RUNDOWN[:2]
    profile = Profile(
        ProfileKind.TIKTOK,
        tiktok.base_url,
        app_key=tiktok.app_key,
        shop_cipher=tiktok.config.shop_cipher,
    )
    secrets = MemorySecrets()
    secret_entry, token_entry = profile.tiktok_entries()
    secrets.secrets[secret_entry] = tiktok.app_secret
    secrets.secrets[token_entry] = json.dumps(world.issue_tokens())
    plan = ShowPlan(
        "Closed console",
        tuple(
            RundownItem(
                f"i{n}",
                snapshot(p.id, p.title, variant_id=p.id, sku=p.sku, price=p.price),
            )
            for n, p in enumerate(products)
        ),
    )

    async def go() -> tuple[RefreshOutcome, ShowReport]:
        async with make_adapter(tiktok) as adapter:
            room_id = await on_air(adapter, tiktok, products, "Closed console", start=False)
            started = datetime.now(UTC)
            for product in products:
                await adapter.pin(
                    room_id, PinRequest(product.id), idempotency_key=new_idempotency_key()
                )
                await asyncio.sleep(1.0)
            world.end_live()
            ended = datetime.now(UTC)
        link = LiveLink(tmp_path / "shows.sqlite3", Settings(profile), tmp_path / "s.json", secrets)
        try:
            client, store = await link.open()
            account = f"{link.where} {(await client.me()).id}"
            show = ShowRecord(
                "show-2",
                room_id,
                "Closed console",
                started,
                ShowStatus.ENDED,
                started,
                ended,
                PlatformAccount("tiktok", account),
                by_time=True,
            )
            await store.create_show(show, [], dumps(plan))
            outcome = await link.refresh_show(show.id)
            return outcome, await (await link.open_reports()).report(show.id)
        finally:
            await link.close()

    outcome, report = run(go())
    room_id = report.show.session_id
    live = [
        d
        for d in world.order_docs()
        if d["skus"][0]["content_type"] == "LIVE" and d["skus"][0]["content_id"] == room_id
    ]
    assert live
    assert outcome.new == outcome.read == len(live)
    assert report.totals["USD"].orders == len(live)
    assert {pid for pid, _code in report.by_product} <= {"serum", "lip-oil"}


def test_refresh_leaves_out_orders_the_live_sold_after_the_show_ended(
    tiktok: RunningTikTok, tmp_path: Path
) -> None:
    """On TikTok the creator ends the LIVE in LIVE Studio, often after End show in the
    console: what it sells meanwhile is not the show's. A refresh reads the show's window
    widened for clock differences; it must not add those orders to a report that was final
    at End show."""
    world = tiktok.world
    products = RUNDOWN[:1]

    async def go() -> tuple[ShowReport, RefreshOutcome, ShowReport, datetime]:
        db = await Database.open(tmp_path / "shows.sqlite3")
        store = ShowStore(db)
        reports = ShowReports(store)
        try:
            async with make_adapter(tiktok) as adapter:
                room_id = await on_air(adapter, tiktok, products, "After hours")
                started = datetime.now(UTC)
                pin = await adapter.pin(
                    room_id, PinRequest(products[0].id), idempotency_key=new_idempotency_key()
                )
                await asyncio.sleep(1.5)
                seen_live = [o.order for o in await adapter.affiliate_orders(room_id)]
                ended = datetime.now(UTC)  # End show; the LIVE sells on
                await asyncio.sleep(2.5)
                world.end_live()
            show = ShowRecord(
                "show-after",
                room_id,
                "After hours",
                started,
                started_at=started,
                ended_at=ended,
                owner=PlatformAccount("tiktok", "practice"),
                by_time=True,
            )
            segment = PlannedSegment(
                "i0",
                0,
                products[0].id,
                products[0].title,
                60,
                products[0].price,
                None,
                products[0].commission_rate,
            )
            await store.create_show(show, [segment])
            await store.save_ingest(show.id, seen_live, [pin], None)
            before = await reports.report(show.id)
            async with make_adapter(tiktok) as later:
                outcome = await reports.refresh(show.id, later)
            return before, outcome, await reports.report(show.id), ended
        finally:
            await db.close()

    before, outcome, after, ended = run(go())
    room_id = before.show.session_id
    docs = [d for d in world.order_docs() if d["skus"][0]["content_id"] == room_id]
    # TikTok's create_time is in whole seconds: the second the show ended is the show's
    in_show = [d for d in docs if d["create_time"] <= int(ended.timestamp())]
    assert len(in_show) < len(docs), "the practice LIVE sold nothing after the show ended"
    assert before.totals["USD"].orders > 0
    assert after.totals["USD"].orders == len(in_show)
    assert outcome.new == len(in_show) - before.totals["USD"].orders
