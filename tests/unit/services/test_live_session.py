"""The live session's rules without Qt and without a server: a fake platform in memory,
the real show database on a temp file, and a clock the test moves."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from seller_console.domain.commission import CommissionPolicy
from seller_console.domain.events import (
    CommentPosted,
    Delivery,
    EventRejected,
    ItemMetrics,
    MetricsReported,
    OrderCreated,
    Pin,
    PinChanged,
    SessionStatus,
    StockUpdated,
)
from seller_console.domain.ledger import NO_PIN
from seller_console.domain.money import Currency, Money
from seller_console.domain.orders import Order
from seller_console.domain.platform_errors import PlatformError, PlatformErrorKind
from seller_console.domain.platform_port import (
    Account,
    BatchItemResult,
    Capabilities,
    IdempotencyKey,
    LinkListener,
    LiveSession,
    Page,
    PinKind,
    PinRequest,
    SalesKind,
    ShowcaseProduct,
)
from seller_console.domain.rundown import RundownItem, ShowPlan
from seller_console.domain.show_records import PinOutcome, ShowStatus
from seller_console.domain.showcase import showcase_id
from seller_console.services import live_session as module
from seller_console.services.live_session import (
    ActionFailed,
    ConflictFound,
    LiveEvent,
    LiveState,
    OrdersArrived,
    ShowPhase,
    TakeNeedsConfirmation,
)
from seller_console.services.live_show import LiveShow, plan_policy
from seller_console.services.on_air_feed import on_air_of
from seller_console.services.reports import ShowReports
from seller_console.storage import Database, ShowStore
from tests.support import order, run, snapshot

T0 = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
USD = Currency.of("USD")


class Refused(PlatformError):
    kind = PlatformErrorKind.FORBIDDEN


class NotLive(PlatformError):
    kind = PlatformErrorKind.CONFLICT


class Offline(PlatformError):
    kind = PlatformErrorKind.CONNECTION


class Unavailable(PlatformError):
    kind = PlatformErrorKind.SERVER


@dataclass
class FakePlatform:
    """A platform in memory: pins are confirmed at once; the test pushes events."""

    pins: list[str] = field(default_factory=list)
    queue: asyncio.Queue[Delivery] = field(default_factory=asyncio.Queue)
    version: int = 0
    cursor: int = 0
    pin_kind: PinKind = PinKind.CONFIRMED
    sales: SalesKind | None = None  # default: from the pin kind
    refuse_pins: bool = False
    ended: bool = False  # the platform ended the session already (an END carried out)
    lists_fail: int = 0  # the next N orders lists fail
    pins_unavailable: int = 0  # the next N pin calls answer 503
    listed: tuple[Order, ...] = ()  # what its orders list has that the stream never said
    kind: str = "fake"  # the platform's kind, as ``PlatformAdapter.platform``

    @property
    def platform(self) -> str:
        return self.kind

    @property
    def capabilities(self) -> Capabilities:
        confirmed = self.pin_kind is PinKind.CONFIRMED
        sales = self.sales or (SalesKind.ORDER_STREAM if confirmed else SalesKind.POLLED_ORDERS)
        return Capabilities(self.pin_kind, sales, True, False)

    async def aclose(self) -> None:
        return None

    async def me(self) -> Account:
        return Account("acc_1", "shop", "Shop", USD)

    async def upsert_products(
        self, products: Sequence[ShowcaseProduct], *, idempotency_key: IdempotencyKey | None = None
    ) -> list[BatchItemResult]:
        return [BatchItemResult(p.id) for p in products]

    async def create_session(self, title: str, **_: Any) -> LiveSession:
        return LiveSession("ses_1", title, SessionStatus.SCHEDULED)

    async def get_session(self, session_id: str) -> LiveSession:
        status = SessionStatus.ENDED if self.ended else SessionStatus.LIVE
        return LiveSession(session_id, "t", status)

    async def start_session(self, session_id: str, **_: Any) -> LiveSession:
        return LiveSession(session_id, "t", SessionStatus.LIVE, started_at=T0)

    async def end_session(self, session_id: str, **_: Any) -> LiveSession:
        if self.ended:
            raise NotLive(f"session {session_id} is ended, not live")
        self.ended = True
        return LiveSession(session_id, "t", SessionStatus.ENDED, ended_at=T0)

    async def set_bag(self, session_id: str, product_ids: Sequence[str], **_: Any) -> LiveSession:
        return LiveSession(session_id, "t", SessionStatus.SCHEDULED, bag=tuple(product_ids))

    async def pin(self, session_id: str, request: PinRequest, **_: Any) -> Pin:
        if self.refuse_pins:
            raise Refused("pin calls are not allowed for this app")
        if self.pins_unavailable:
            self.pins_unavailable -= 1
            raise Unavailable("the platform is unavailable")
        self.pins.append(request.product_id)
        self.version += 1
        pin = Pin(f"pin{self.version}", request.product_id, T0, self.version)
        if self.sales is not SalesKind.METRICS_ONLY:  # such a platform streams no pins
            self.push(PinChanged(session_id, pin))
        return pin

    async def unpin(self, session_id: str, **_: Any) -> None:
        self.pins.append("")

    async def list_orders(self, session_id: str, **_: Any) -> Page[Order]:
        if self.lists_fail:
            self.lists_fail -= 1
            raise Offline("the platform cannot be reached")
        return Page(self.listed, None)

    async def events(
        self, session_id: str, *, after: str | None = None, on_link: LinkListener | None = None
    ) -> AsyncGenerator[Delivery, None]:
        while True:
            yield await self.queue.get()

    def push(self, event: Any) -> None:
        self.cursor += 1
        self.queue.put_nowait(Delivery(str(self.cursor), event))

    def sell(self, product_id: str, pin_id: str, units: int, n: int) -> None:
        sold = order(f"o{n}", "10.00", units, product=product_id, pin=pin_id, rate="0.1")
        self.push(OrderCreated(sold))


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class Source:
    def __init__(self, platform: FakePlatform, store: ShowStore, clock: Clock) -> None:
        self.platform, self.store, self.clock = platform, store, clock

    async def open_show(self, plan: ShowPlan, policy: CommissionPolicy) -> LiveShow:
        return LiveShow(self.platform, self.store, plan, policy, clock=self.clock)

    async def resume_show(self, show_id: str) -> LiveShow:
        show = await self.store.get_show(show_id)
        return await LiveShow.resume(self.platform, self.store, show, clock=self.clock)


def item(n: int, stock: int | None = 10) -> RundownItem:
    made = snapshot(f"p{n}", f"Product {n}", variant_id=f"v{n}", price=Money.of("10.00", USD))
    return RundownItem(f"i{n}", replace(made, stock=stock), 60)


PLAN = ShowPlan("Night", (item(1, stock=4), item(2), item(3)))


class Seen:
    def __init__(self) -> None:
        self.state = LiveState()
        self.events: list[LiveEvent] = []

    def __call__(self, state: LiveState, events: tuple[LiveEvent, ...]) -> None:
        self.state = state
        self.events += events

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]


@asynccontextmanager
async def live(
    tmp_path: Path, plan: ShowPlan = PLAN, platform: FakePlatform | None = None
) -> AsyncIterator[tuple[module.LiveSession, FakePlatform, Seen, Clock, Database]]:
    db = await Database.open(tmp_path / "shows.db")
    platform, clock, seen = platform or FakePlatform(), Clock(), Seen()
    session = module.LiveSession(Source(platform, ShowStore(db), clock), clock=clock)
    session.subscribe(seen)
    try:
        assert await session.go_live(plan, plan_policy(plan))
        yield session, platform, seen, clock, db
    finally:
        await session.close()
        await db.close()


async def until(condition: Any, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.01)


def live_id(seen: Seen) -> str | None:
    stage = seen.state.stage
    return None if stage is None else stage.live_id


def confirmed(seen: Seen) -> bool:
    card = seen.state.live
    return card is not None and card.receipt is not None and card.receipt.pin_id is not None


def test_a_take_pins_and_the_card_counts_sales_during_this_pin(tmp_path: Path) -> None:
    async def go() -> None:
        async with live(tmp_path) as (session, platform, seen, _clock, _db):
            assert seen.state.phase is ShowPhase.LIVE
            session.take()
            await until(lambda: confirmed(seen))
            assert platform.pins == [showcase_id("v1")]
            card = seen.state.live
            assert card is not None
            assert card.receipt is not None
            platform.sell(showcase_id("v1"), card.receipt.pin_id or "", 1, 1)
            platform.sell(showcase_id("v1"), "an-older-pin", 1, 2)  # not this pin's
            await until(lambda: seen.state.live is not None and seen.state.live.units == 1)
            assert seen.state.live is not None
            assert seen.state.live.gmv == Money.of("10.00", USD)
            assert seen.state.live.stock_left == 2  # 4 at start, 2 sold in the show

    run(go())


def stock_shown(seen: Seen) -> tuple[int | None, str] | None:
    """The live card's stock, and whose figure it is ("" for the console's count)."""
    card = seen.state.live
    return None if card is None else (card.stock_left, card.stock_from)


def test_the_platform_s_lower_stock_figure_sells_the_card_out_and_says_whose(
    tmp_path: Path,
) -> None:
    """TikTok sold the product through other content the console never sees: its figure
    (0) is lower than the console's count (4 at start, 1 sold), so the card and the stock
    panel say sold out, as TikTok's."""

    async def go() -> None:
        async with live(tmp_path, platform=FakePlatform(kind="tiktok")) as (
            session,
            platform,
            seen,
            _clock,
            _db,
        ):
            session.take()
            await until(lambda: confirmed(seen))
            card = seen.state.live
            assert card is not None
            assert card.receipt is not None
            platform.sell(showcase_id("v1"), card.receipt.pin_id or "", 1, 1)
            await until(lambda: stock_shown(seen) == (3, ""))  # the console's own count
            platform.push(StockUpdated("ses_1", showcase_id("v1"), 0))
            await until(lambda: stock_shown(seen) == (0, "TikTok Shop"))
            warned = [(w.left, w.stock_from) for w in seen.state.stock_warnings]
            assert warned == [(0, "TikTok Shop")]

    run(go())


def test_a_pin_costs_two_durable_transactions(tmp_path: Path) -> None:
    async def go() -> list[str]:
        async with live(tmp_path) as (session, _platform, seen, _clock, db):
            writes: list[str] = []
            original = db.write

            async def counted(work: Any, what: str) -> Any:
                writes.append(what)
                return await original(work, what)

            db.write = counted  # type: ignore[method-assign]
            session.take()
            await until(lambda: confirmed(seen))
            await asyncio.sleep(0.05)
            db.write = original  # type: ignore[method-assign]
            return writes

    writes = run(go())
    # the intent with its receipt as sent, then the outcome with its receipt as answered;
    # the stream's batch that reports the pin is the ledger's ("saving orders")
    assert [w for w in writes if w != "saving orders"] == [
        "saving an action",
        "saving an action's outcome",
    ]


def test_out_of_order_asks_first_and_undo_has_five_seconds(tmp_path: Path) -> None:
    async def go() -> None:
        async with live(tmp_path) as (session, platform, seen, clock, _db):
            session.arm_index(2)
            session.take()
            assert seen.of(TakeNeedsConfirmation)
            assert live_id(seen) is None
            session.take(confirmed=True)
            await until(lambda: confirmed(seen))
            clock.now += timedelta(seconds=6)
            session.undo_take()
            assert "within 5 seconds" in seen.of(ActionFailed)[-1].message
            assert live_id(seen) == "i3"
            session.arm_index(0)
            session.take(confirmed=True)
            clock.now += timedelta(seconds=2)
            assert seen.state.undo_seconds_left(clock.now) == 3.0
            session.undo_take()
            assert live_id(seen) == "i3"  # back to what was live before
            await until(lambda: len(platform.pins) == 3)

    run(go())


def test_auto_advance_takes_the_next_item_when_the_live_one_sells_out(tmp_path: Path) -> None:
    async def go() -> None:
        async with live(tmp_path) as (session, platform, seen, _clock, _db):
            session.take()
            await until(lambda: confirmed(seen))
            card = seen.state.live
            assert card is not None
            assert card.receipt is not None
            pin_id = card.receipt.pin_id or ""
            platform.sell(showcase_id("v1"), pin_id, 2, 1)
            await until(lambda: bool(seen.state.stock_warnings))
            assert [w.left for w in seen.state.stock_warnings] == [2]  # low stock
            assert live_id(seen) == "i1"  # auto-advance is off
            session.set_auto_advance(True)
            platform.sell(showcase_id("v1"), pin_id, 2, 2)  # sold out
            await until(lambda: live_id(seen) == "i2")
            assert [w.left for w in seen.state.stock_warnings] == [0]
            await until(lambda: platform.pins[-1] == showcase_id("v2"))

    run(go())


def test_a_pin_made_elsewhere_is_a_conflict_said_once(tmp_path: Path) -> None:
    async def go() -> None:
        async with live(tmp_path) as (session, platform, seen, clock, _db):
            session.take()
            await until(lambda: confirmed(seen))
            clock.now += timedelta(seconds=1)
            other = Pin("pin-x", showcase_id("v3"), clock.now + timedelta(seconds=1), 99)
            platform.push(PinChanged("ses_1", other))
            platform.push(PinChanged("ses_1", other))
            await until(lambda: bool(seen.of(ConflictFound)))
            await asyncio.sleep(0.3)
            assert len(seen.of(ConflictFound)) == 1
            assert "Product 3" in seen.of(ConflictFound)[0].message

    run(go())


def test_after_end_show_it_is_off_air_and_the_ledger_equals_the_report(tmp_path: Path) -> None:
    async def go() -> None:
        async with live(tmp_path) as (session, platform, seen, _clock, _db):
            session.take()
            await until(lambda: confirmed(seen))
            platform.sell(showcase_id("v1"), "pin1", 1, 1)
            await until(lambda: seen.state.ledger is not None and bool(seen.state.ledger.totals))
            report = await session.end_show()
            assert report is not None
            state = seen.state
            assert state.phase is ShowPhase.ENDED
            assert state.live is None
            assert not state.can_take
            assert state.ledger is not None
            assert report.totals == state.ledger.totals
            pins = len(platform.pins)
            session.take()
            await asyncio.sleep(0.05)
            assert len(platform.pins) == pins  # a take after the end does nothing

    run(go())


def test_the_orders_fetched_at_the_end_of_the_show_reach_the_sales_feed(tmp_path: Path) -> None:
    # QA: after End show on the practice TikTok the feed listed 6 orders, the totals 19:
    # what the end fetched from the platform's orders list counted, and was never fed.
    async def go() -> None:
        async with live(tmp_path) as (session, platform, seen, _clock, _db):
            session.take()
            await until(lambda: confirmed(seen))
            platform.sell(showcase_id("v1"), "pin1", 1, 1)
            await until(lambda: bool(seen.of(OrdersArrived)))
            platform.listed = tuple(
                order(f"late{n}", "10.00", product=showcase_id("v1"), pin="pin1", rate="0.1")
                for n in range(3)
            )
            assert await session.end_show() is not None
            ledger = seen.state.ledger
            assert ledger is not None
            assert ledger.totals["USD"].orders == 4
            fed = {o.id for e in seen.of(OrdersArrived) for o in e.orders}
            assert fed == {"o1", "late0", "late1", "late2"}

    run(go())


def test_go_live_refuses_an_empty_rundown_and_a_second_show(tmp_path: Path) -> None:
    async def go() -> None:
        async with live(tmp_path) as (session, _platform, seen, _clock, _db):
            assert not await session.go_live(PLAN, plan_policy(PLAN))
            assert "already on" in seen.of(ActionFailed)[-1].message
            assert seen.state.phase is ShowPhase.LIVE
        db = await Database.open(tmp_path / "other.db")
        try:
            session = module.LiveSession(Source(FakePlatform(), ShowStore(db), Clock()))
            other = Seen()
            session.subscribe(other)
            assert not await session.go_live(ShowPlan("Empty", ()), CommissionPolicy())
            assert "empty" in other.of(ActionFailed)[-1].message
        finally:
            await db.close()

    run(go())


def test_left_running_then_resumed_the_stage_is_as_it_was(tmp_path: Path) -> None:
    async def go() -> None:
        async with live(tmp_path) as (session, platform, seen, clock, db):
            session.take()
            await until(lambda: confirmed(seen))
            session.take()
            await until(lambda: platform.pins[-1] == showcase_id("v2") and confirmed(seen))
            assert seen.state.show is not None
            show_id = seen.state.show.id
            await session.leave_running()
            assert seen.state.phase is ShowPhase.IDLE
            again = module.LiveSession(Source(platform, ShowStore(db), clock), clock=clock)
            later = Seen()
            again.subscribe(later)
            try:
                assert await again.resume(show_id)
                assert later.state.phase is ShowPhase.LIVE
                assert later.state.stage is not None
                assert later.state.stage.live_id == "i2"
                assert later.state.stage.armed_id == "i3"
                assert [t.item_id for t in later.state.stage.takes] == ["i1", "i2"]
            finally:
                await again.close()

    run(go())


@pytest.mark.allow_warning_logs
def test_a_subscriber_that_fails_never_stops_the_show(tmp_path: Path) -> None:
    async def go() -> None:
        async with live(tmp_path) as (session, _platform, seen, _clock, _db):

            def broken(_state: LiveState, _events: tuple[LiveEvent, ...]) -> None:
                raise RuntimeError("boom")

            session.subscribe(broken)
            session.take()
            await until(lambda: confirmed(seen))

    run(go())


def test_without_a_pin_api_the_operator_is_cued_and_confirms_with_space(tmp_path: Path) -> None:
    async def go() -> None:
        platform = FakePlatform(pin_kind=PinKind.OPERATOR_PERFORMED)
        async with live(tmp_path, platform=platform) as (session, _p, seen, clock, db):
            assert seen.state.pin_mode is PinKind.OPERATOR_PERFORMED
            session.take()
            cue = seen.state.cue
            assert cue is not None
            assert (cue.item_id, cue.bag_position, cue.title) == ("i1", 1, "Product 1")
            assert platform.pins == []  # nothing is sent to the platform
            platform.sell(showcase_id("v1"), "", 1, 1)  # bought before the operator pinned
            clock.now += timedelta(seconds=3)
            confirmed_at = clock.now
            session.take()  # Space again: "Pinned it"
            assert seen.state.cue is None
            await until(lambda: confirmed(seen))
            card = seen.state.live
            assert card is not None
            assert card.receipt is not None
            assert card.receipt.outcome is PinOutcome.PERFORMED
            sold = order("o2", "10.00", 2, product=showcase_id("v1"), pin=None, at=clock.now)
            platform.push(OrderCreated(sold))  # no pin id from the platform: by time
            await until(lambda: seen.state.live is not None and seen.state.live.units == 2)
            windows = seen.state.ledger.pins if seen.state.ledger else ()
            assert [w.started_at for w in windows] == [confirmed_at]
            report = await session.end_show()
            assert report is not None
            assert [e.outcome for e in report.timeline] == ["performed"]
            assert report.windows[0].figures[0].units == 2
            reopened = await ShowReports(ShowStore(db)).report(report.show.id)
            assert reopened.windows == report.windows  # by time, the same when reopened

    run(go())


def test_an_unconfirmed_cue_expires_with_a_warning(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(module, "CUE_SECONDS", 0.05)

    async def go() -> None:
        platform = FakePlatform(pin_kind=PinKind.OPERATOR_PERFORMED)
        async with live(tmp_path, platform=platform) as (session, _p, seen, _clock, _db):
            session.take()
            assert seen.state.cue is not None
            await until(lambda: seen.state.cue is None)
            assert "never confirmed" in seen.of(ActionFailed)[-1].message
            card = seen.state.live
            assert card is not None
            assert card.receipt is not None
            assert card.receipt.outcome is PinOutcome.FAILED

    run(go())


def test_a_refused_pin_call_switches_the_show_to_operator_pins(tmp_path: Path) -> None:
    async def go() -> None:
        platform = FakePlatform(refuse_pins=True)
        async with live(tmp_path, platform=platform) as (session, _p, seen, _clock, db):
            session.take()
            await until(lambda: seen.state.pin_mode is PinKind.OPERATOR_PERFORMED)
            assert "not allowed" in seen.state.pin_mode_reason
            assert any("refused the pin" in e.message for e in seen.of(ActionFailed))
            cue = seen.state.cue
            assert cue is not None
            assert cue.item_id == "i1"  # the take that was refused is cued, nothing lost
            session.take()  # confirm
            await until(lambda: confirmed(seen))
            assert seen.state.show is not None
            stored = await ShowStore(db).get_show(seen.state.show.id)
            assert stored.by_time  # its sales now count in windows by time

    run(go())


def test_an_end_the_platform_carried_out_before_a_crash_still_ends_the_show(tmp_path: Path) -> None:
    """The app died while its END was in flight and the platform ended the session: the
    next start's End show counts the session as ended, not as a failure."""

    async def go() -> None:
        async with live(tmp_path) as (session, platform, seen, _clock, db):
            assert seen.state.show is not None
            show_id = seen.state.show.id
            platform.ended = True  # carried out by the platform; the app never heard
            report = await session.end_show()
            assert report is not None
            stored = await ShowStore(db).get_show(show_id)
            assert stored.status is ShowStatus.ENDED

    run(go())


def test_a_show_whose_last_orders_could_not_be_fetched_is_offered_back_to_finish(
    tmp_path: Path,
) -> None:
    async def go() -> None:
        async with live(tmp_path) as (session, platform, seen, clock, db):
            assert seen.state.show is not None
            show_id = seen.state.show.id
            platform.lists_fail = 1  # the final fetch of End show fails
            assert await session.end_show() is None
            assert "offered back" in seen.of(ActionFailed)[-1].message
            store = ShowStore(db)
            assert (await store.get_show(show_id)).status is ShowStatus.ENDING
            again = module.LiveSession(Source(platform, store, clock), clock=clock)
            try:
                assert await again.end_unfinished(show_id) is not None
            finally:
                await again.close()
            assert (await store.get_show(show_id)).status is ShowStatus.ENDED

    run(go())


def test_a_poisoned_event_is_quarantined_the_show_goes_on_and_a_restart_keeps_it(
    tmp_path: Path,
) -> None:
    poison = EventRejected("ses_1", "17", "order.created", "an amount of 1E+30 USD", "{...}")

    async def go() -> None:
        async with live(tmp_path) as (session, platform, seen, clock, db):
            session.take()
            await until(lambda: confirmed(seen))
            platform.push(poison)
            platform.sell(showcase_id("v1"), "pin1", 1, 1)  # the show goes on
            await until(lambda: bool(seen.state.rejected))
            await until(lambda: seen.state.live is not None and seen.state.live.units == 1)
            assert seen.state.rejected == (poison,)
            assert "Could not apply 1" in seen.of(ActionFailed)[-1].message
            assert seen.state.show is not None
            show_id = seen.state.show.id
            await session.leave_running()
            store = ShowStore(db)
            again = module.LiveSession(Source(platform, store, clock), clock=clock)
            later = Seen()
            again.subscribe(later)
            try:
                assert await again.resume(show_id)
                platform.push(poison)  # read again (a resync): kept once
                report = await again.end_show()
            finally:
                await again.close()
            assert report is not None
            assert [(r.event_id, r.reason) for r in report.rejected] == [
                ("17", "an amount of 1E+30 USD")
            ]
            assert report.totals["USD"].orders == 1

    run(go())


def test_a_metrics_only_platform_s_growth_counts_in_the_pin_window_it_was_read_in(
    tmp_path: Path,
) -> None:
    async def go() -> None:
        platform = FakePlatform(sales=SalesKind.METRICS_ONLY)
        async with live(tmp_path, platform=platform) as (session, _p, seen, clock, db):

            def read(gmv: str, sold: int, others: int) -> MetricsReported:
                items = (
                    ItemMetrics(showcase_id("v1"), sold, clicks=sold * 2),
                    ItemMetrics(showcase_id("v2"), others),
                )
                shop = sold + others
                return MetricsReported(
                    "ses_1", clock.now, Money.of(gmv, USD), shop, shop, viewers=40, items=items
                )

            platform.push(read("10.00", 1, 0))  # before the first pin
            clock.now += timedelta(seconds=5)
            session.take()
            await until(lambda: confirmed(seen))
            clock.now += timedelta(seconds=5)
            platform.push(read("90.00", 3, 5))  # the shop sold 7 more, 2 of them this product
            platform.push(CommentPosted("ses_1", "c1", "ana", "<b>size M?</b>", clock.now))
            platform.push(CommentPosted("ses_1", "c1", "ana", "<b>size M?</b>", clock.now))
            await until(lambda: seen.state.live is not None and seen.state.live.units == 2)
            card = seen.state.live
            assert card is not None
            assert card.gmv is None  # the platform gives no GMV per product
            assert not card.shop_wide  # the product's own units
            assert card.stock_left == 1  # 4 at start, 3 sold in the show
            # the stock panel says what the card says (it did not: it counted orders only)
            warned = [(w.product_id, w.left) for w in seen.state.stock_warnings]
            assert (showcase_id("v1"), 1) in warned
            assert seen.state.viewers == 40
            assert [c.text for c in seen.state.comments] == ["<b>size M?</b>"]  # once, as sent
            report = await session.end_show()
            assert report is not None
            pin_id = report.windows[0].window.pin_id
            assert report.metrics[pin_id].gmv == Money.of("80.00", USD)  # the whole shop's
            assert report.metrics[NO_PIN].gmv == Money.of("10.00", USD)
            reopened = await ShowReports(ShowStore(db)).report(report.show.id)
            assert reopened.metrics == report.metrics

    run(go())


def test_a_metrics_only_platform_without_figures_per_product_shows_the_shop_s_as_such(
    tmp_path: Path,
) -> None:
    async def go() -> None:
        platform = FakePlatform(sales=SalesKind.METRICS_ONLY)
        async with live(tmp_path, platform=platform) as (session, _p, seen, clock, _db):
            session.take()
            await until(lambda: confirmed(seen))
            clock.now += timedelta(seconds=5)
            platform.push(MetricsReported("ses_1", clock.now, Money.of("368.00", USD), 20, 23))
            await until(lambda: seen.state.live is not None and seen.state.live.units == 23)
            card = seen.state.live
            assert card is not None
            assert card.shop_wide  # said as the whole shop's, never as the product's
            assert card.gmv == Money.of("368.00", USD)
            assert card.stock_left == 4  # nothing known of this product's sales
            shown = on_air_of(seen.state)
            assert shown is not None
            assert shown.live is not None
            assert shown.live.units_shop_wide

    run(go())


def flash_item(n: int, price: str = "7.00", seconds: int = 30) -> RundownItem:
    return item(n).edited(flash_price=Money.of(price, USD), flash_seconds=seconds)


def flash_of(seen: Seen) -> module.FlashSale | None:
    return seen.state.flash


def cue_of(seen: Seen) -> module.Cue | None:
    return seen.state.cue


FLASH_PLAN = ShowPlan("Flash", (flash_item(1), item(2), item(3)))


def on_air_price(seen: Seen) -> tuple[Money | None, Money | None, datetime | None]:
    shown = on_air_of(seen.state)
    assert shown is not None
    assert shown.live is not None
    return shown.live.price, shown.live.compare_at, shown.live.flash_ends_at


def test_a_flash_sale_runs_from_the_confirmed_take_then_the_operator_puts_the_price_back(
    tmp_path: Path,
) -> None:
    async def go() -> None:
        async with live(tmp_path, FLASH_PLAN) as (session, _p, seen, clock, _db):
            session.take()
            clock.now += timedelta(seconds=2)  # the platform confirms two seconds later
            await until(lambda: flash_of(seen) is not None)
            card = seen.state.live
            assert card is not None
            assert card.receipt is not None
            confirmed_at = card.receipt.answered_at
            assert confirmed_at is not None
            assert T0 + timedelta(seconds=2) <= confirmed_at < T0 + timedelta(seconds=3)
            ends = confirmed_at + timedelta(seconds=30)
            assert flash_of(seen) == module.FlashSale("i1", Money.of("7.00", USD), ends)
            ten, seven = Money.of("10.00", USD), Money.of("7.00", USD)
            assert on_air_price(seen) == (seven, ten, ends)  # the overlay and host view
            cue = cue_of(seen)  # no adapter sets prices: the operator sets the flash price
            assert cue is not None
            assert (cue.kind, cue.item_id, cue.price) == (module.CueKind.FLASH_PRICE, "i1", seven)
            session.take()  # Space: "Price set"
            assert cue_of(seen) is None
            assert live_id(seen) == "i1"  # that Space took nothing

            clock.now = ends - timedelta(seconds=1)
            await asyncio.sleep(3 * module.FLASH_CHECK_S)
            assert flash_of(seen) is not None
            assert cue_of(seen) is None
            clock.now = ends
            await until(lambda: flash_of(seen) is None)
            assert on_air_price(seen) == (ten, None, None)  # the usual price again
            cue = cue_of(seen)
            assert cue is not None
            assert (cue.kind, cue.item_id, cue.price) == (module.CueKind.PRICE_BACK, "i1", ten)
            session.take()  # Space: "Price set"
            assert cue_of(seen) is None
            assert live_id(seen) == "i1"  # that Space took nothing
            assert seen.of(ActionFailed) == []

    run(go())


@pytest.mark.parametrize("down_for", [10, 40])
def test_a_resumed_show_keeps_its_flash_sale_or_cues_the_price_back(
    tmp_path: Path, down_for: int
) -> None:
    async def go() -> None:
        async with live(tmp_path, FLASH_PLAN) as (session, platform, seen, clock, db):
            session.take()
            await until(lambda: flash_of(seen) is not None)
            running = flash_of(seen)
            assert running is not None
            session.take()  # the flash price is set
            assert seen.state.show is not None
            show_id = seen.state.show.id
            await session.leave_running()
            clock.now += timedelta(seconds=down_for)  # the 30 s sale ran on meanwhile
            again = module.LiveSession(Source(platform, ShowStore(db), clock), clock=clock)
            later = Seen()
            again.subscribe(later)
            try:
                assert await again.resume(show_id)
                cue = cue_of(later)
                if down_for < 30:  # still running: it goes on to its own end, no cue
                    assert flash_of(later) == running
                    assert cue is None
                else:  # it ended while the console was down: put the price back now
                    assert flash_of(later) is None
                    assert cue is not None
                    assert (cue.kind, cue.item_id) == (module.CueKind.PRICE_BACK, "i1")
            finally:
                await again.close()

    run(go())


def test_a_take_ends_the_flash_sale_of_the_item_it_takes_off(tmp_path: Path) -> None:
    async def go() -> None:
        async with live(tmp_path, FLASH_PLAN) as (session, _p, seen, clock, _db):
            session.take()
            await until(lambda: flash_of(seen) is not None)
            session.take()  # the flash price is set
            clock.now += timedelta(seconds=5)
            session.take()  # item 2, 25 s before the flash sale's end
            assert flash_of(seen) is None
            cue = cue_of(seen)
            assert cue is not None
            assert (cue.kind, cue.item_id) == (module.CueKind.PRICE_BACK, "i1")
            await until(lambda: confirmed(seen) and live_id(seen) == "i2")
            price, _was, flash_end = on_air_price(seen)
            assert (price, flash_end) == (Money.of("10.00", USD), None)
            assert flash_of(seen) is None  # item 2 has no flash sale

    run(go())


def test_with_operator_pins_the_flash_sale_runs_from_the_operator_s_confirmation(
    tmp_path: Path,
) -> None:
    async def go() -> None:
        platform = FakePlatform(pin_kind=PinKind.OPERATOR_PERFORMED)
        async with live(tmp_path, FLASH_PLAN, platform) as (session, _p, seen, clock, _db):
            session.take()
            assert flash_of(seen) is None  # cued, not pinned yet: no sale runs
            _price, _was, flash_end = on_air_price(seen)
            assert flash_end is None
            clock.now += timedelta(seconds=4)
            session.take()  # "Pinned it"
            await until(lambda: flash_of(seen) is not None)
            running = flash_of(seen)
            assert running is not None
            assert running.ends_at == T0 + timedelta(seconds=34)
            session.take()  # the flash price is set
            session.take()  # Space while the sale runs and no cue is up: the next take
            assert live_id(seen) == "i2"
            cue = cue_of(seen)
            assert cue is not None
            assert cue.kind is module.CueKind.PIN
            said = seen.of(ActionFailed)[-1].message
            assert said == "Set the price of Product 1 to 10.00 USD in the platform's app."

    run(go())


class KeptSource(Source):
    """A ``Source`` that keeps the shows it opened (the test plays the runner's replayer)."""

    def __init__(self, platform: FakePlatform, store: ShowStore, clock: Clock) -> None:
        super().__init__(platform, store, clock)
        self.opened: list[LiveShow] = []

    async def open_show(self, plan: ShowPlan, policy: CommissionPolicy) -> LiveShow:
        show = await super().open_show(plan, policy)
        self.opened.append(show)
        return show


def pin_outcome(seen: Seen) -> PinOutcome | None:
    card = seen.state.live
    return None if card is None or card.receipt is None else card.receipt.outcome


@pytest.mark.parametrize("how", ["replayed by the journal", "Retry"])
def test_a_failed_pin_sent_again_is_confirmed_on_the_card_and_never_pinned_twice(
    tmp_path: Path, how: str
) -> None:
    async def go() -> None:
        db = await Database.open(tmp_path / "shows.db")
        platform, clock, seen = FakePlatform(pins_unavailable=1), Clock(), Seen()
        source = KeptSource(platform, ShowStore(db), clock)
        session = module.LiveSession(source, clock=clock)
        session.subscribe(seen)
        try:
            assert await session.go_live(PLAN, plan_policy(PLAN))
            await until(lambda: seen.state.ledger is not None)  # the runner is on
            await asyncio.sleep(0.05)  # its replayer's first pass is done: the next in 5 s
            session.take()
            await until(lambda: pin_outcome(seen) is PinOutcome.FAILED)
            assert platform.pins == []
            said = seen.of(ActionFailed)[-1].message
            assert said.startswith("Product 1 is not pinned yet: the platform did not answer.")
            assert "HTTP" not in said
            card = seen.state.live
            assert card is not None
            assert card.pin_problem == said  # the card says it the same way
            if how == "Retry":
                session.retry_pin()  # sent again with its own key
            else:
                actions = source.opened[0].actions
                assert actions is not None
                assert await actions.replay_unfinished() == 0  # the runner's replay
            await until(lambda: pin_outcome(seen) is PinOutcome.CONFIRMED)
            assert platform.pins == [showcase_id("v1")]
            session.retry_pin()  # already confirmed: nothing is sent
            await asyncio.sleep(0.05)
            assert platform.pins == [showcase_id("v1")]
            assert pin_outcome(seen) is PinOutcome.CONFIRMED
            assert seen.state.live is not None
            assert seen.state.live.pin_problem == ""
            report = await session.end_show()
            assert report is not None
            assert [(e.outcome, e.started_at is not None) for e in report.timeline] == [
                (PinOutcome.CONFIRMED.value, True)
            ]
        finally:
            await session.close()
            await db.close()

    run(go())


def test_a_resumed_show_s_sales_feed_lists_the_show_s_orders_not_only_new_ones(
    tmp_path: Path,
) -> None:
    async def go() -> None:
        async with live(tmp_path) as (session, platform, seen, clock, db):
            session.take()
            await until(lambda: confirmed(seen))
            card = seen.state.live
            assert card is not None
            assert card.receipt is not None
            for n in range(3):
                platform.sell(showcase_id("v1"), card.receipt.pin_id or "", 1, n)
            await until(lambda: sum(len(e.orders) for e in seen.of(OrdersArrived)) == 3)
            assert seen.state.show is not None
            show_id = seen.state.show.id
            await session.leave_running()
            again = module.LiveSession(Source(platform, ShowStore(db), clock), clock=clock)
            later = Seen()
            again.subscribe(later)
            try:
                assert await again.resume(show_id)
                await until(lambda: later.of(OrdersArrived))
                platform.sell(showcase_id("v1"), card.receipt.pin_id or "", 1, 3)  # a new one
                await until(
                    lambda: {o.id for e in later.of(OrdersArrived) for o in e.orders} >= {"o3"}
                )
                fed = {o.id for e in later.of(OrdersArrived) for o in e.orders}
                assert fed == {"o0", "o1", "o2", "o3"}
            finally:
                await again.close()

    run(go())
