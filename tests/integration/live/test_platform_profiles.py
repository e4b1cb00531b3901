"""The new profiles through ``LiveLink`` and ``LiveSession`` (no Qt): the practice Shopee
and TikTok start inside the app with the demo rundown's products for sale, and "No API
(manual pins)" runs a show with cues the operator confirms."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import pytest

from seller_console.domain.platform_errors import PlatformError, PlatformErrorKind
from seller_console.domain.platform_port import AffiliateLink, PinKind
from seller_console.domain.show_records import PinOutcome
from seller_console.domain.showcase import showcase_product
from seller_console.importers import import_catalog
from seller_console.live_link import LiveLink
from seller_console.paths import resources_dir
from seller_console.services.demo import demo_catalog_path, demo_import_options, sample_plan
from seller_console.services.live_session import LiveSession, LiveState
from seller_console.services.live_show import plan_policy
from seller_console.services.orders_import import OrdersImportError, OrdersImportOutcome
from seller_console.services.reports import RefreshError, RefreshOutcome, ShowReport
from seller_console.settings import Profile, ProfileKind, Settings, settings_file
from tests.fakes import MemorySecrets

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]


def demo_plan():
    catalog = import_catalog(demo_catalog_path(resources_dir()), demo_import_options()).catalog
    return sample_plan(catalog)


async def until(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


def outcome_is(session: LiveSession, want: PinOutcome) -> bool:
    card = session.state.live
    receipt = None if card is None else card.receipt
    return receipt is not None and receipt.outcome is want


async def show(
    tmp_path: Path,
    kind: ProfileKind,
    secrets: MemorySecrets,
    after: Callable[[LiveLink, LiveState], Awaitable[None]] | None = None,
    on_air_s: float = 0.0,
) -> LiveState:
    """Go live on the demo plan, take two pins (confirmed by the platform, or cued and
    confirmed by the operator), each on air ``on_air_s`` at least, end; the last state.
    ``after`` runs once the show has ended, before the link closes."""
    plan = demo_plan()
    link = LiveLink(
        tmp_path / "shows.sqlite3", Settings(Profile(kind)), settings_file(tmp_path), secrets
    )
    session = LiveSession(link)
    try:
        assert await session.go_live(plan, plan_policy(plan)), "could not go live"
        operator = session.state.pin_mode is PinKind.OPERATOR_PERFORMED
        for _ in range(2):
            session.take()
            if operator:
                await until(lambda: session.state.cue is not None)
                session.take()  # Space again: "Pinned it"
            want = PinOutcome.PERFORMED if operator else PinOutcome.CONFIRMED
            await until(partial(outcome_is, session, want))
            await asyncio.sleep(on_air_s)
        report = await session.end_show()
        assert report is not None
        if after is not None:
            await after(link, session.state)
        return session.state
    finally:
        await session.close()
        await link.close()


def test_practice_shopee_sells_the_demo_rundown_with_confirmed_pins(tmp_path: Path) -> None:
    secrets = MemorySecrets()
    state = asyncio.run(show(tmp_path, ProfileKind.SHOPEE_PRACTICE, secrets))
    assert state.pin_mode is PinKind.CONFIRMED
    assert state.show is not None
    assert state.show.owner.platform == "shopee"
    assert secrets.saves == 0  # practice credentials stay in the link's memory


def test_practice_tiktok_starts_its_live_and_pins_by_api(tmp_path: Path) -> None:
    secrets = MemorySecrets()
    state = asyncio.run(show(tmp_path, ProfileKind.TIKTOK_PRACTICE, secrets))
    assert state.pin_mode is PinKind.CONFIRMED
    assert state.show is not None
    assert state.show.owner.platform == "tiktok"
    assert secrets.saves == 0


def test_no_api_profile_cues_the_operator_for_every_pin(tmp_path: Path) -> None:
    state = asyncio.run(show(tmp_path, ProfileKind.MANUAL, MemorySecrets()))
    assert state.pin_mode is PinKind.OPERATOR_PERFORMED
    assert state.pin_mode_reason == "this platform has no pin API"
    assert state.show is not None
    assert state.show.owner.platform == "manual"
    assert state.report is not None


def test_manual_adapter_refuses_pins_and_never_repeats_a_session_id() -> None:
    from seller_console.domain.platform_port import PinRequest, new_idempotency_key
    from seller_console.platform.manual import ManualAdapter

    async def run() -> None:
        adapter = ManualAdapter("EUR")
        first = await adapter.create_session("A")
        second = await adapter.create_session("A")
        assert first.id != second.id
        assert (await adapter.me()).default_currency.code == "EUR"
        with pytest.raises(PlatformError, match="no pin API") as refused:
            await adapter.pin(first.id, PinRequest("p"), idempotency_key=new_idempotency_key())
        assert refused.value.kind is PlatformErrorKind.UNSUPPORTED
        assert (await adapter.list_orders(first.id)).items == ()
        heard = []
        stream = adapter.events(first.id, on_link=lambda status, _d: heard.append(status))
        waiting = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.05)
        assert not waiting.done()  # nothing arrives
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        assert len(heard) == 1

    asyncio.run(run())


def test_sign_in_keeps_pasted_shopee_tokens_and_trades_a_tiktok_code(tmp_path: Path) -> None:
    import json

    from seller_console.sandbox.tiktok import PracticeConfig, start_practice_tiktok

    secrets = MemorySecrets()
    link = LiveLink(tmp_path / "shows.sqlite3", Settings(), settings_file(tmp_path), secrets)
    shopee = Profile(
        ProfileKind.SHOPEE, "https://partner.shopeemobile.com", partner_id=1, user_id=2, shop_id=3
    )
    _key, user_entry, shop_entry = shopee.shopee_entries()

    async def run(tiktok_url: str, code: str) -> None:
        said = await link.sign_in(shopee, '{"access_token": "at", "refresh_token": "rt"}')
        assert "user's are used for the shop's product calls" in said
        assert json.loads(secrets.secrets[user_entry])["access_token"] == "at"
        assert secrets.secrets[shop_entry] == secrets.secrets[user_entry]
        with pytest.raises(PlatformError, match=r"^Token set \(JSON\): paste a JSON object"):
            await link.sign_in(shopee, "at,rt")
        with pytest.raises(PlatformError, match="both shop_access_token and shop_refresh"):
            await link.sign_in(
                shopee, '{"access_token": "a", "refresh_token": "r", "shop_access_token": "s"}'
            )
        tiktok = Profile(ProfileKind.TIKTOK, tiktok_url, app_key=practice.app_key)
        secret_entry, token_entry = tiktok.tiktok_entries()
        await secrets.save(secret_entry, practice.app_secret)
        with pytest.raises(PlatformError):
            await link.sign_in(tiktok, "not-the-code")
        assert token_entry not in secrets.secrets
        assert "Signed in to TikTok Shop" in await link.sign_in(tiktok, code)
        assert json.loads(secrets.secrets[token_entry])["access_token"]

    with start_practice_tiktok(PracticeConfig()) as practice:
        asyncio.run(run(practice.base_url, practice.world.auth_code))


def test_test_connection_signs_a_real_call_on_shopee_and_tiktok(tmp_path: Path) -> None:
    from seller_console.live_link import shopee_practice_adapter, tiktok_practice_adapter
    from seller_console.sandbox.shopee import ShopeeSandboxConfig, start_shopee
    from seller_console.sandbox.tiktok import PracticeConfig, start_practice_tiktok

    secrets = MemorySecrets()
    link = LiveLink(tmp_path / "shows.sqlite3", Settings(), settings_file(tmp_path), secrets)

    async def run(shopee_practice, tiktok_practice) -> None:
        # The practice adapters save their credentials where a profile's entries name them.
        shopee = await shopee_practice_adapter(shopee_practice, secrets)
        tiktok = await tiktok_practice_adapter(tiktok_practice, secrets)
        await shopee.aclose()
        await tiktok.aclose()
        c = shopee_practice.config
        shopee_profile = Profile(
            ProfileKind.SHOPEE,
            shopee_practice.base_url,
            partner_id=c.partner_id,
            user_id=c.user_id,
            shop_id=c.shop_id,
        )
        said = await link.test_connection(shopee_profile, None)
        assert said.startswith("Connected as @user 5001234")
        assert said.endswith(f"the shop lists {len(c.items)} items")
        tiktok_profile = Profile(
            ProfileKind.TIKTOK, tiktok_practice.base_url, app_key=tiktok_practice.app_key
        )
        assert (await link.test_connection(tiktok_profile, None)).endswith(": no LIVE yet")
        partner_key, user_tokens, shop_tokens = shopee_profile.shopee_entries()
        secrets.secrets[partner_key] = "wrong-partner-key"
        with pytest.raises(PlatformError):
            await link.test_connection(shopee_profile, None)
        for entry in (user_tokens, shop_tokens):  # never signed in
            await secrets.delete(entry)
        with pytest.raises(PlatformError) as raised:
            await link.test_connection(shopee_profile, None)
        said = raised.value.user_message
        assert said.startswith("Not signed in to Shopee yet: sign in first")
        assert "tokens" not in said  # no keychain entry's name
        assert "shopee:" not in said
        assert (await link.test_connection(Profile(ProfileKind.MANUAL), None)).startswith("No API")

    with (
        start_shopee(ShopeeSandboxConfig()) as shopee_practice,
        start_practice_tiktok(PracticeConfig()) as tiktok_practice,
    ):
        asyncio.run(run(shopee_practice, tiktok_practice))


def test_a_past_practice_tiktok_show_refreshes_to_settled_and_refunded(tmp_path: Path) -> None:
    """After the show, the practice TikTok's orders settle or are refunded (its clock moved
    past the settlement delay); Refresh reads them again through the link, on the account the
    show ran on, and the report moves from estimated to settled. Twice is once."""
    found: list[object] = []

    async def refresh(link: LiveLink, state: LiveState) -> None:
        assert state.show is not None
        assert state.report is not None
        before = state.report.totals
        assert link.practice_tiktok is not None
        world = link.practice_tiktok.world
        world.end_live()  # the creator ends the LIVE in TikTok: no more orders
        world.clock.advance(3600)  # TikTok settles them later (on its next tick)
        await until(lambda: all(d["status"] != "ORDERED" for d in world.order_docs()))
        first = await link.refresh_show(state.show.id)
        reports = await link.open_reports()
        after = await reports.report(state.show.id)
        second = await link.refresh_show(state.show.id)
        found.extend([before, first, after, second])

    asyncio.run(show(tmp_path, ProfileKind.TIKTOK_PRACTICE, MemorySecrets(), refresh, on_air_s=3.0))
    before, first, after, second = found
    assert isinstance(first, RefreshOutcome)
    assert isinstance(second, RefreshOutcome)
    assert isinstance(after, ShowReport)
    assert before["USD"].settled_orders == 0  # type: ignore[index]
    usd = after.totals["USD"]
    assert usd.orders > 0
    assert usd.unsettled_orders == 0
    assert usd.settled_orders + usd.refunded_orders == usd.orders
    assert first.settled == usd.settled_orders
    assert first.refunded + first.new >= usd.refunded_orders - before["USD"].refunded_orders  # type: ignore[index]
    assert usd.settled.amount > 0
    assert after.show.refreshed_at is not None
    assert (second.new, second.settled, second.refunded) == (0, 0, 0)


def test_a_manual_pins_show_has_nothing_to_refresh(tmp_path: Path) -> None:
    async def refresh(link: LiveLink, state: LiveState) -> None:
        assert state.show is not None
        with pytest.raises(RefreshError, match="orders export"):
            await link.refresh_show(state.show.id)

    asyncio.run(show(tmp_path, ProfileKind.MANUAL, MemorySecrets(), refresh))


def test_practice_tiktok_links_carry_the_tracking_code_and_manual_has_none(
    tmp_path: Path,
) -> None:
    """TikTok mints no creator links: each is the product's TikTok page with the profile's
    tracking code; a product TikTok does not sell says so; manual pins have no links."""
    from seller_console.live_link import PRACTICE_TRACKING_CODE, demo_rundown_products

    products = demo_rundown_products()[:3]
    unknown = replace(products[0], id="nowhere", sku="NOT-SOLD")

    async def links(kind: ProfileKind) -> list[object]:
        link = LiveLink(
            tmp_path / f"{kind.value}.sqlite3",
            Settings(Profile(kind)),
            settings_file(tmp_path),
            MemorySecrets(),
        )
        try:
            return list(await link.affiliate_links([*products, unknown]))
        finally:
            await link.close()

    tiktok = asyncio.run(links(ProfileKind.TIKTOK_PRACTICE))
    assert all(isinstance(x, AffiliateLink) for x in tiktok[:3])
    urls = [x.url for x in tiktok[:3] if isinstance(x, AffiliateLink)]
    assert all(url.endswith(f"tracking_code={PRACTICE_TRACKING_CODE}") for url in urls)
    assert len(set(urls)) == 3
    assert isinstance(tiktok[3], str)
    assert "nowhere" in tiktok[3]
    manual = asyncio.run(links(ProfileKind.MANUAL))
    assert all(isinstance(x, str) and "no affiliate links" in x for x in manual)


def test_a_manual_pins_show_imports_its_orders_export_into_its_pin_windows(
    tmp_path: Path,
) -> None:
    """After a manual-pins show, the platform's orders export is imported: each order in
    the pin window its time fell in, by our product ids; one placed the day before is left
    out; importing it again changes nothing; a TikTok show takes no export."""
    plan = demo_plan()
    found: list[object] = []

    async def import_export(link: LiveLink, state: LiveState) -> None:
        assert state.show is not None
        assert state.report is not None
        first, second = (w.window for w in state.report.windows)
        assert second.ended_at is None
        middle: datetime = first.started_at + (second.started_at - first.started_at) / 2
        assert state.show.ended_at is not None
        late = second.started_at + (state.show.ended_at - second.started_at) / 2
        sku = {showcase_product(item).id: item.product.sku for item in plan.items}
        assert state.show.started_at is not None
        before = state.show.started_at - timedelta(days=1)
        export = tmp_path / "orders.csv"
        export.write_text(
            "Order ID,Order Time,Seller SKU,Qty,Line Total,Currency\n"
            f"M1,{middle.isoformat()},{sku[first.product_id]},2,"
            f"{showcase_product(plan.items[0]).price.amount * 2},"
            f"{showcase_product(plan.items[0]).price.currency.code}\n"
            f"M2,{late.isoformat()},{sku[second.product_id]},1,"
            f"{showcase_product(plan.items[1]).price.amount},"
            f"{showcase_product(plan.items[1]).price.currency.code}\n"
            f"M0,{before.isoformat()},{sku[first.product_id]},1,1.00,USD\n"
            "M9,yesterday,X,1,1.00,USD\n",
            encoding="utf-8",
        )
        outcome = await link.import_orders(state.show.id, export)
        again = await link.import_orders(state.show.id, export)
        report = await (await link.open_reports()).report(state.show.id)
        found.extend([outcome, again, report, first, second])

    asyncio.run(show(tmp_path, ProfileKind.MANUAL, MemorySecrets(), import_export))
    outcome, again, report, first, second = found
    assert isinstance(outcome, OrdersImportOutcome)
    assert isinstance(again, OrdersImportOutcome)
    assert isinstance(report, ShowReport)
    assert (outcome.orders, outcome.new, outcome.changed, outcome.outside) == (3, 2, 0, 1)
    assert [(p.row, p.column) for p in outcome.report.rejected] == [(5, "Order Time")]
    assert (again.new, again.changed) == (0, 0)
    windows = {w.window.pin_id: w.figures[0] for w in report.windows}
    assert windows[first.pin_id].units == 2  # type: ignore[attr-defined]
    assert windows[second.pin_id].units == 1  # type: ignore[attr-defined]
    products = {pid for pid, _code in report.by_product}
    assert products == {first.product_id, second.product_id}  # type: ignore[attr-defined]


def test_only_a_manual_pins_show_takes_an_orders_export(tmp_path: Path) -> None:
    export = tmp_path / "orders.csv"
    export.write_text("order id,time,sku,qty,amount,currency\n", encoding="utf-8")

    async def refused(link: LiveLink, state: LiveState) -> None:
        assert state.show is not None
        with pytest.raises(OrdersImportError, match="come from the platform"):
            await link.import_orders(state.show.id, export)

    asyncio.run(show(tmp_path, ProfileKind.TIKTOK_PRACTICE, MemorySecrets(), refused))


def test_a_shopee_show_has_no_orders_to_refresh(tmp_path: Path) -> None:
    async def refresh(link: LiveLink, state: LiveState) -> None:
        assert state.show is not None
        with pytest.raises(RefreshError, match="metrics, not orders"):
            await link.refresh_show(state.show.id)

    asyncio.run(show(tmp_path, ProfileKind.SHOPEE_PRACTICE, MemorySecrets(), refresh))


def test_a_product_a_tiktok_video_sold_out_reads_sold_out_on_tiktok(tmp_path: Path) -> None:
    """Orders credited to a TikTok video use up the armed product's stock: the console saw
    none of them (its own count says most is left), yet after TikTok's next poll the armed
    card and the Stock panel say it is sold out, as TikTok's."""
    plan = demo_plan()
    link = LiveLink(
        tmp_path / "shows.sqlite3",
        Settings(Profile(ProfileKind.TIKTOK_PRACTICE)),
        settings_file(tmp_path),
        MemorySecrets(),
    )
    session = LiveSession(link)

    def sold_out_on_tiktok() -> bool:
        card = session.state.armed
        return card is not None and (card.stock_left, card.stock_from) == (0, "TikTok Shop")

    async def go() -> LiveState:
        try:
            assert await session.go_live(plan, plan_policy(plan))
            session.take()
            await until(partial(outcome_is, session, PinOutcome.CONFIRMED))
            armed = session.state.armed
            assert armed is not None
            assert link.practice_tiktok is not None
            world = link.practice_tiktok.world
            [theirs] = [
                p.id for p in world.products.values() if p.seller_sku == armed.item.product.sku
            ]
            while world.sell_elsewhere(theirs):  # a video sells every unit
                pass
            await until(sold_out_on_tiktok, seconds=40)  # TikTok is polled every 10 s
            state = session.state
            assert await session.end_show() is not None
            return state
        finally:
            await session.close()
            await link.close()

    state = asyncio.run(go())
    assert state.armed is not None
    product_id = showcase_product(state.armed.item).id
    assert state.ledger is not None
    [level] = [s for s in state.ledger.stock if s.product_id == product_id]
    assert level.initial is not None
    assert level.sold < level.initial  # the console's own count says some are left
    warned = [(w.product_id, w.left, w.stock_from) for w in state.stock_warnings]
    assert (product_id, 0, "TikTok Shop") in warned
