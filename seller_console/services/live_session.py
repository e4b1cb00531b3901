"""The live show as a service without Qt: one immutable state, many subscribers.

``LiveSession`` owns everything a show does while it is on: the stage (arm, take, undo,
the rundown-order rule), the pin receipts, the pin-conflict rule, auto-advance on a
sell-out, low-stock warnings, "sales this pin", the link's state and the show's
lifecycle (go live, resume an unfinished show, end it, or leave it running on the
platform when the app quits). It publishes one ``LiveState`` snapshot, plus the typed
``LiveEvent`` values that happened since the last one, to every subscriber: the
window's view-model, the overlay, OBS control and the host view each read it, and none
reaches in.

It is confined to one asyncio loop: the app runs it in the live engine's process
(``live_engine``, reached through ``services.live_process``), so stream decoding, the
ledger and SQLite writes never take the interpreter lock the window paints with; tests
run it on their own loop. Ledger updates arrive coalesced (the runner publishes at most
every ``PUBLISH_EVERY_S``), so subscribers see at most about ten states a second from the
stream, plus one per user action.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import gc
import logging
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from seller_console.domain.commission import CommissionPolicy
from seller_console.domain.connection import ConnectionState, LinkStatus
from seller_console.domain.errors import DomainError
from seller_console.domain.events import CommentPosted, EventRejected, Pin
from seller_console.domain.ledger import LedgerSnapshot, PinWindow, stock_left
from seller_console.domain.metrics import MetricsFigures, by_window, growth
from seller_console.domain.money import Money
from seller_console.domain.orders import Order
from seller_console.domain.platform_errors import PlatformError
from seller_console.domain.platform_port import Capabilities, IdempotencyKey, PinKind
from seller_console.domain.rundown import RundownItem, ShowPlan
from seller_console.domain.show_records import PinOutcome, PinReceipt, ShowRecord
from seller_console.domain.showcase import showcase_id
from seller_console.domain.stage import UNDO_SECONDS, Stage, StageError, Take
from seller_console.domain.storage_port import StorageError
from seller_console.importers.show_plan import ShowPlanError
from seller_console.services.live_show import PLATFORM_NAMES, LiveShow, PublishResult
from seller_console.services.reports import ShowReport
from seller_console.services.show_runner import LedgerUpdate, ShowRunner

logger = logging.getLogger(__name__)

LOW_STOCK = 3
"""A product with this many units left (or fewer) is listed in the stock warnings."""
FEED_MAX = 300
"""The most changed orders one state carries to the sales feed (the newest): at normal
rates every order (2,000 a second is 200 a state), in a burst beyond what anyone reads
a bounded cost; the totals always count every order."""
CUE_SECONDS = 45.0
"""How long the operator has to pin a cued product in the platform's app and confirm."""
RATE_EVERY_S = 1.0
_PINNED = frozenset({PinOutcome.CONFIRMED, PinOutcome.PERFORMED})
FLASH_CHECK_S = 0.25
"""How often a running flash sale looks at the clock for its end (the session's clock,
which tests move)."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ShowPhase(enum.StrEnum):
    IDLE = "idle"
    PREPARING = "preparing"
    LIVE = "live"
    ENDING = "ending"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class CardView:
    """A product card on the stage (the live one, or the armed one)."""

    item: RundownItem
    number: int  # 1-based position in the rundown
    units: int  # sold during this pin (0 on the armed card)
    gmv: Money | None  # sold during this pin (None on the armed card, or before any sale)
    commission: Money | None  # estimated commission during this pin
    stock_left: int | None  # None: not tracked
    taken_at: datetime | None  # when it went live (None on the armed card)
    receipt: PinReceipt | None  # the pin's receipt (live card only)
    shop_wide: bool = False
    """``units`` and ``gmv`` are the whole shop's during this pin, not this product's: a
    metrics-only platform that reports no per-product figures."""
    pin_problem: str = ""
    """Why the live item's pin failed and what happens next, in a host's words ("" when
    it did not fail)."""
    stock_from: str = ""
    """The platform's name when ``stock_left`` is its own figure, lower than the console's
    count (it sold through content the console does not see); "" for the console's count."""

    def on_air_seconds(self, now: datetime) -> float | None:
        return None if self.taken_at is None else (now - self.taken_at).total_seconds()


class CueKind(enum.StrEnum):
    PIN = "pin"  # pin this product in the platform's app
    FLASH_PRICE = "flash_price"  # a flash sale began: set the flash price in the platform's app
    PRICE_BACK = "price_back"  # a flash sale ended: put the price back in the platform's app


@dataclass(frozen=True, slots=True)
class Cue:
    """Pin this product in the platform's own app (or, for a price cue, set its price to
    ``price`` there), then confirm (Space or Enter)."""

    item_id: str
    title: str
    bag_position: int  # 1-based, in the show's bag as published
    cued_at: datetime
    expires_at: datetime
    kind: CueKind = CueKind.PIN
    price: Money | None = None  # a price cue: the price to set


@dataclass(frozen=True, slots=True)
class FlashSale:
    """The live item's flash sale: ``price`` until ``ends_at`` (from the confirmed take)."""

    item_id: str
    price: Money
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class StockWarning:
    product_id: str
    title: str
    left: int  # 0 = sold out
    stock_from: str = ""  # as ``CardView.stock_from``


@dataclass(frozen=True, slots=True)
class LiveState:
    """The whole live show at one moment. ``version`` grows with every publication."""

    version: int = 0
    at: datetime | None = None  # when it was published
    phase: ShowPhase = ShowPhase.IDLE
    show: ShowRecord | None = None
    capabilities: Capabilities | None = None
    stage: Stage | None = None
    live: CardView | None = None
    armed: CardView | None = None
    ledger: LedgerSnapshot | None = None
    stock_warnings: tuple[StockWarning, ...] = ()
    auto_advance: bool = False
    connection: ConnectionState = field(default_factory=lambda: ConnectionState(LinkStatus.OFFLINE))
    viewers: int | None = None
    pin_mode: PinKind = PinKind.CONFIRMED
    """How pins are made now: by the platform's API, or by the operator in its app."""
    pin_mode_reason: str = ""  # why pins went to the operator mid-show, if they did
    cue: Cue | None = None  # a pin the operator is asked to perform, until confirmed
    titles: Mapping[str, str] = field(default_factory=dict)
    """Showcase product id -> title with its variant, for the feed and pin windows."""
    report: ShowReport | None = None
    """The final report, once the show has ended."""
    rejected: tuple[EventRejected, ...] = ()
    """What the platform sent that could not be applied (kept; the show goes on)."""
    metrics: dict[str, MetricsFigures] = field(default_factory=dict)
    """A metrics-only platform's growth per pin window (``NO_PIN``: before any pin)."""
    metrics_total: MetricsFigures | None = None  # its newest running totals
    metrics_by_item: bool = False
    """The metrics-only platform reports per-product figures (Shopee's item metrics): the
    card shows the product's, else the whole shop's, said as such."""
    likes: int | None = None
    comments: tuple[CommentPosted, ...] = ()  # the newest, oldest first; plain text
    flash: FlashSale | None = None  # the flash sale running now, if any

    @property
    def on_air(self) -> bool:
        return self.phase is ShowPhase.LIVE

    @property
    def can_take(self) -> bool:
        return self.on_air and self.stage is not None and self.stage.armed is not None

    def title_of(self, product_id: str) -> str:
        return self.titles.get(product_id, product_id)

    def undo_warning(self) -> str | None:
        """Why undoing the last take now would hurt on air, in a host's words (None when it
        would not): the product it puts back on air is sold out."""
        stage = self.stage
        if stage is None or not self.on_air or not stage.takes:
            return None
        back_id = stage.takes[-1].previous_item_id
        back = None if back_id is None else stage.item(back_id)
        if back is None:
            return None
        pid = showcase_id(back.product.variant_id)
        stock = () if self.ledger is None else self.ledger.stock
        left = next((s.left for s in stock if s.product_id == pid), back.sellable_units)
        if left != 0:
            return None
        n = (stage.index(back.id) or 0) + 1
        return (
            f"Undo puts #{n} {back.product.display_title} back on air, and it is sold out: "
            "viewers who tap it cannot buy it."
        )

    def undo_seconds_left(self, now: datetime) -> float:
        stage = self.stage
        if not self.on_air or stage is None or not stage.can_undo(now):
            return 0.0
        return max(0.0, UNDO_SECONDS - (now - stage.takes[-1].at).total_seconds())


# ---------------------------------------------------------------- events
@dataclass(frozen=True, slots=True)
class TakeNeedsConfirmation:
    reason: str


@dataclass(frozen=True, slots=True)
class ConflictFound:
    message: str


@dataclass(frozen=True, slots=True)
class ActionFailed:
    message: str


@dataclass(frozen=True, slots=True)
class Published:
    result: PublishResult


@dataclass(frozen=True, slots=True)
class PublishProgressed:
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class ReportReady:
    report: ShowReport


@dataclass(frozen=True, slots=True)
class OrdersArrived:
    orders: tuple[Order, ...]  # oldest first


LiveEvent = (
    TakeNeedsConfirmation
    | ConflictFound
    | ActionFailed
    | Published
    | PublishProgressed
    | ReportReady
    | OrdersArrived
)
Subscriber = Callable[[LiveState, tuple[LiveEvent, ...]], None]
"""Called on the session's loop with the new state and what happened since the last one.
It must return quickly (hand the state to its own thread or loop) and never raise."""


class ShowSource(Protocol):
    """Where shows come from: the chosen platform and the show database (app.py's
    ``LiveLink``)."""

    async def open_show(self, plan: ShowPlan, policy: CommissionPolicy) -> LiveShow: ...

    async def resume_show(self, show_id: str) -> LiveShow: ...


class LiveSession:
    """One show at a time; see the module docstring."""

    def __init__(self, source: ShowSource, *, clock: Callable[[], datetime] = _utcnow) -> None:
        self._source = source
        self._clock = clock
        self._subscribers: list[Subscriber] = []
        self._state = LiveState()
        self._show: LiveShow | None = None
        self._runner: ShowRunner | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._ingest: asyncio.Task[None] | None = None
        self._receipts: dict[str, PinReceipt] = {}  # rundown item id -> its latest pin
        self._pin_problems: dict[str, str] = {}  # rundown item id -> its failed pin, said
        self._pins_performed = 0
        self._sold_out_taken: set[str] = set()
        self._conflicts_said: set[str] = set()
        self._last_count = 0
        self._last_rate_at = clock()

    # ------------------------------------------------------------ subscribers
    @property
    def state(self) -> LiveState:
        return self._state

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Add a subscriber; it hears the current state at once. Returns the unsubscribe."""
        self._subscribers.append(subscriber)
        _tell(subscriber, self._state, ())

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(subscriber)

        return unsubscribe

    def _publish(self, *events: LiveEvent, **changes: Any) -> None:
        state = replace(self._state, version=self._state.version + 1, at=self._clock(), **changes)
        self._state = state = self._derive(state)
        for subscriber in tuple(self._subscribers):
            _tell(subscriber, state, events)

    def _fail(self, message: str) -> None:
        self._publish(ActionFailed(message))

    # ------------------------------------------------------------ lifecycle
    async def go_live(self, plan: ShowPlan, policy: CommissionPolicy) -> bool:
        """Publish, create the session, start it, and begin ingest. False (with the reason
        published as ``ActionFailed``) when it could not."""
        if self._state.phase in (ShowPhase.PREPARING, ShowPhase.LIVE, ShowPhase.ENDING):
            self._fail("A show is already on; end it before starting another.")
            return False
        if not plan.items:
            self._fail("The rundown is empty: add products before going live.")
            return False
        self._publish(
            phase=ShowPhase.PREPARING,
            report=None,
            connection=ConnectionState(LinkStatus.CONNECTING, since=self._clock()),
        )
        try:
            show = await self._source.open_show(plan, policy)
            result = await show.prepare(lambda done, total: self._progressed(done, total))
            self._publish(Published(result))
            if not result.published:
                raise DomainError("no product could be published to the showcase")
            await show.go_live()
        except (PlatformError, StorageError, DomainError) as exc:
            self._went_offline(f"Could not go live: {_user_text(exc)}", _user_text(exc))
            return False
        self._start(show, Stage.of(plan.items), {})
        return True

    async def resume(self, show_id: str) -> bool:
        """Take an unfinished show back on air: the stage as it was, the journal replayed,
        the stream continued from its saved cursor (what happened meanwhile is merged)."""
        if self._state.phase in (ShowPhase.PREPARING, ShowPhase.LIVE, ShowPhase.ENDING):
            self._fail("A show is already on; end it before resuming another.")
            return False
        self._publish(
            phase=ShowPhase.PREPARING,
            report=None,
            connection=ConnectionState(LinkStatus.CONNECTING, since=self._clock()),
        )
        try:
            show = await self._source.resume_show(show_id)
            receipts = await show.receipts()
        except (PlatformError, StorageError, ShowPlanError) as exc:
            self._went_offline(f"Could not resume the show: {_user_text(exc)}", _user_text(exc))
            return False
        stage, latest = _restore_stage(show.plan.items, receipts)
        self._start(show, stage, latest)
        self._resume_flash(stage, latest)
        return True

    def _went_offline(self, message: str, detail: str) -> None:
        self._publish(
            ActionFailed(message),
            phase=ShowPhase.IDLE,
            connection=ConnectionState(LinkStatus.OFFLINE, since=self._clock(), detail=detail),
        )

    def _progressed(self, done: int, total: int) -> None:
        self._publish(PublishProgressed(done, total))

    def _start(self, show: LiveShow, stage: Stage, receipts: dict[str, PinReceipt]) -> None:
        self._show = show
        self._sold_out_taken.clear()
        self._conflicts_said.clear()
        self._runner = runner = show.make_runner(self._ledger_updated, self._link_changed)
        self._ingest = asyncio.create_task(self._run_ingest(runner), name="live-ingest")
        self._spawn(self._measure_rate(runner), "live-rate")
        titles = {showcase_id(i.product.variant_id): i.product.display_title for i in stage.items}
        self._receipts = receipts
        if show.actions is not None:
            show.actions.on_replayed = self._replayed
        caps = show.platform.capabilities
        confirmed = caps.pins is PinKind.CONFIRMED
        self._publish(
            phase=ShowPhase.LIVE,
            show=show.show,
            capabilities=caps,
            stage=stage,
            ledger=None,
            viewers=None,
            titles=titles,
            pin_mode=PinKind.CONFIRMED if confirmed else PinKind.OPERATOR_PERFORMED,
            pin_mode_reason="" if confirmed else "this platform has no pin API",
            cue=None,
            flash=None,
        )

    async def _run_ingest(self, runner: ShowRunner) -> None:
        try:
            await runner.run()
        except (PlatformError, StorageError) as exc:
            detail = _user_text(exc)
            self._publish(
                ActionFailed(f"The show's live data stopped: {detail}"),
                connection=ConnectionState(LinkStatus.OFFLINE, since=self._clock(), detail=detail),
            )

    async def _stop_ingest(self) -> None:
        task, self._ingest = self._ingest, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            gc.unfreeze()

    async def end_show(self) -> ShowReport | None:
        """End the session on the platform; then the stage goes off air, the ledger is
        final (anything the stream had not yet delivered is fetched) and the report is
        built from it, so the totals and the report agree to the cent."""
        show, runner = self._show, self._runner
        if show is None or runner is None or self._state.phase is not ShowPhase.LIVE:
            return None
        self._publish(phase=ShowPhase.ENDING)
        try:
            await show.end()
        except (PlatformError, StorageError) as exc:
            self._publish(ActionFailed(f"Could not end the show: {_user_text(exc)}"))
            self._publish(phase=ShowPhase.LIVE)
            return None
        await self._stop_ingest()
        try:  # all that is stored, and what the platform has that the stream had not said
            await runner.restore()
            fetched = await runner.reconcile()
            report = await show.finished()
        except (PlatformError, StorageError) as exc:  # kept ENDING: offered back to finish
            self._went_offline(
                f"The show ended, but its last orders could not be fetched: {_user_text(exc)}. "
                "It is offered back at the next start to finish.",
                _user_text(exc),
            )
            return None
        stage = self._state.stage
        self._publish(
            # what the stream had not said: the totals count it, so the feed lists it
            OrdersArrived(fetched),
            ReportReady(report),
            phase=ShowPhase.ENDED,
            show=report.show,
            stage=None if stage is None else replace(stage, live_id=None, armed_id=None),
            ledger=runner.ledger.snapshot(),
            report=report,
            connection=ConnectionState(LinkStatus.OFFLINE, since=self._clock(), detail="ended"),
            flash=None,
        )
        await self._cancel_tasks()
        return report

    async def end_unfinished(self, show_id: str) -> ShowReport | None:
        """End a show a crash or a quit left on: reconnect, fetch what the platform has,
        end it and write the report."""
        if not await self.resume(show_id):
            return None
        return await self.end_show()

    async def leave_running(self) -> None:
        """The app quits while live and the show goes on on the platform: ingest stops,
        the show stays unfinished and is offered back at the next start."""
        await self._stop_ingest()
        await self._cancel_tasks()
        self._show, self._runner = None, None
        self._publish(
            phase=ShowPhase.IDLE,
            stage=None,
            connection=ConnectionState(LinkStatus.OFFLINE, since=self._clock(), detail="left"),
            flash=None,
        )

    async def close(self) -> None:
        await self._stop_ingest()
        await self._cancel_tasks()

    async def _cancel_tasks(self) -> None:
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------ stage actions
    def arm_index(self, index: int) -> None:
        self._stage_action(lambda stage: stage.arm_index(index))

    def arm_step(self, step: int) -> None:
        self._stage_action(lambda stage: stage.arm_step(step))

    def _stage_action(self, action: Callable[[Stage], Stage]) -> None:
        stage = self._state.stage
        if stage is None or not self._state.on_air:
            return
        try:
            self._publish(stage=action(stage))
        except StageError as exc:
            self._fail(str(exc))

    def take(self, confirmed: bool = False) -> None:
        """Space: put the armed item live. Out of rundown order asks first. While the
        operator is cued, Space confirms the cue instead."""
        stage = self._state.stage
        if stage is None or not self._state.on_air:
            return
        if self._state.cue is not None:
            self.confirm_cue()
            return
        try:
            check = stage.check_take()
        except StageError as exc:
            self._fail(str(exc))
            return
        if check.needs_confirmation and not confirmed:
            self._publish(TakeNeedsConfirmation(check.reason))
            return
        stage = stage.take(self._clock())
        self._publish(stage=stage)
        if stage.live is not None:
            self._pin_live(stage.live)
        self._flash_left_the_air()

    def undo_take(self) -> None:
        """Put back what was live before the last take (within the undo window)."""
        stage = self._state.stage
        if stage is None or not self._state.on_air:
            return
        try:
            stage = stage.undo_take(self._clock())
        except StageError as exc:
            self._fail(str(exc))
            return
        self._publish(stage=stage, cue=None)
        if stage.live is not None:
            self._pin_live(stage.live)
        elif self._state.pin_mode is PinKind.CONFIRMED:
            self._spawn(self._unpin(), "unpin")
        self._flash_left_the_air()

    def retry_pin(self) -> None:
        """Retry: pin the live item again, unless its pin is confirmed or on its way. A
        pin the platform may still take (it failed on a 5xx, a timeout) is sent again with
        its own key, so the platform pins the product once however often it is sent."""
        stage, show = self._state.stage, self._show
        if stage is None or stage.live is None or show is None or not self._state.on_air:
            return
        item = stage.live
        receipt = self._receipts.get(item.id)
        if receipt is not None and receipt.outcome is not PinOutcome.FAILED:
            snapshot = self._state.ledger
            confirmed = receipt.outcome is PinOutcome.CONFIRMED
            if confirmed and snapshot is not None and _displaced_by(snapshot, item, receipt):
                self._pin_live(item)  # pinned elsewhere since: "Pin ours again"
            return  # else confirmed, performed, or sent and not yet answered
        if receipt is None or not receipt.key or self._state.pin_mode is not PinKind.CONFIRMED:
            self._pin_live(item)
            return
        sending = PinReceipt(receipt.key, receipt.show_id, receipt.product_id, self._clock())
        self._receipts[item.id] = sending
        self._publish()
        self._spawn(self._pin_again(show, item, receipt.key), "pin-again")

    async def _pin_again(self, show: LiveShow, item: RundownItem, key: IdempotencyKey) -> None:
        actions = show.actions
        try:
            receipt = await show.pin_again(key)
        except StorageError as exc:
            self._fail(f"The pin was not recorded: {exc.user_message}")
            return
        if receipt is not None:
            await self._pinned(item, receipt)
        elif actions is None or not actions.sending(key):  # it failed for good: a new pin
            self._send_pin(item)
            self._publish()

    async def _pin_failed_text(self, item: RundownItem, receipt: PinReceipt) -> str:
        """A failed pin in the host's words: the product's title, and what happens next."""
        title = item.product.display_title
        actions = None if self._show is None else self._show.actions
        try:
            again = actions is not None and await actions.pending(receipt.key)
        except StorageError:
            again = False
        if again:
            return (
                f"{title} is not pinned yet: the platform did not answer. The console will "
                "try again by itself (Retry tries now)."
            )
        return f"{title} could not be pinned: {receipt.failure or 'the platform refused it'}."

    def _replayed(self, receipt: PinReceipt) -> None:
        """The journal sent a pin again (the platform was back): the item it was for
        follows what the platform said, on the card and in its receipt."""
        item_id = next((i for i, r in self._receipts.items() if r.key == receipt.key), None)
        stage, show = self._state.stage, self._show
        item = None if item_id is None or stage is None else stage.item(item_id)
        if item is None or show is None:
            return
        self._receipts[item.id] = receipt
        self._publish()
        if receipt.outcome is PinOutcome.CONFIRMED and receipt.answered_at is not None:
            self._spawn(self._keep_window(show, receipt), "pin-window")
            self._start_flash(item, receipt.answered_at)

    async def _keep_window(self, show: LiveShow, receipt: PinReceipt) -> None:
        try:
            await show.keep_window(receipt)
        except StorageError as exc:
            self._fail(f"The pin was not recorded: {exc.user_message}")

    def set_auto_advance(self, on: bool) -> None:
        self._publish(auto_advance=on)

    def update_items(self, items: Sequence[RundownItem]) -> None:
        """The producer edited the rundown mid-show (a price, a cap, the order)."""
        stage = self._state.stage
        if stage is not None and self._state.on_air:
            titles = {showcase_id(i.product.variant_id): i.product.display_title for i in items}
            self._publish(stage=stage.with_items(items), titles=titles)

    # ------------------------------------------------------------ pins
    def _pin_live(self, item: RundownItem) -> None:
        """Put ``item`` on the platform: by its API, or by cueing the operator."""
        if self._state.pin_mode is PinKind.CONFIRMED:
            self._send_pin(item)
            self._publish()
        else:
            self._cue(item)

    def _cue(self, item: RundownItem) -> None:
        stage, show = self._state.stage, self._show
        if stage is None or show is None:
            return
        now = self._clock()
        pid = showcase_id(item.product.variant_id)
        bag = [showcase_id(i.product.variant_id) for i in stage.items]
        cue = Cue(
            item.id,
            item.product.display_title,
            bag.index(pid) + 1,
            now,
            now + timedelta(seconds=CUE_SECONDS),
        )
        self._receipts[item.id] = PinReceipt(IdempotencyKey(""), "", pid, now)
        self._publish(cue=cue)
        self._spawn(self._expire(cue), "cue-expiry")

    async def _expire(self, cue: Cue) -> None:
        await asyncio.sleep(CUE_SECONDS)
        if self._state.cue == cue and cue.kind is not CueKind.PIN:
            self._publish(
                ActionFailed(
                    f"Nobody confirmed that {cue.title} sells at "
                    f"{cue.price.format() if cue.price else 'its usual price'} on the "
                    "platform: check its price in the platform's app."
                ),
                cue=None,
            )
        elif self._state.cue == cue:
            failed = replace(
                self._receipts[cue.item_id],
                outcome=PinOutcome.FAILED,
                failure="the operator did not confirm the pin in time",
            )
            self._receipts[cue.item_id] = failed
            self._publish(
                ActionFailed(
                    f"{cue.title} was cued but never confirmed as pinned: its sales are not "
                    "counted in a pin window. Pin it in the platform's app and press Retry."
                ),
                cue=None,
            )

    def confirm_cue(self) -> None:
        """The operator pinned the cued product in the platform's app: Space or Enter.
        Its pin window starts now."""
        cue, show, stage = self._state.cue, self._show, self._state.stage
        if cue is None or show is None or stage is None:
            return
        if cue.kind is not CueKind.PIN:  # the operator set the price
            self._publish(cue=None)
            return
        item = stage.item(cue.item_id)
        if item is None:
            return
        now = self._clock()
        self._pins_performed += 1
        pin = Pin(
            f"op-{self._pins_performed}-{now.strftime('%H%M%S%f')}",
            showcase_id(item.product.variant_id),
            now,
            _operator_version(self._runner, self._pins_performed),
        )
        self._publish(cue=None)
        self._spawn(self._performed(show, item, now, pin), "operator-pin")

    async def _performed(self, show: LiveShow, item: RundownItem, at: datetime, pin: Pin) -> None:
        try:
            receipt = await show.pinned_by_operator(item, at, pin)
        except StorageError as exc:
            self._fail(f"The pin was not recorded: {exc.user_message}")
            return
        self._receipts[item.id] = receipt
        self._publish()
        self._start_flash(item, at)

    async def _pins_go_to_the_operator(self, reason: str) -> None:
        """The platform refused the pin call itself: for the rest of the show the operator
        pins in the platform's app, cued by the console. Nothing taken so far is lost."""
        show = self._show
        if show is None or self._state.pin_mode is PinKind.OPERATOR_PERFORMED:
            return
        try:
            await show.pins_by_operator()
        except StorageError as exc:
            self._fail(f"Could not switch to pins by the operator: {exc.user_message}")
            return
        self._publish(
            ActionFailed(
                f"The platform refused the pin ({reason}). From now on pin in the platform's "
                "own app: the console cues each product, and Space confirms you pinned it."
            ),
            pin_mode=PinKind.OPERATOR_PERFORMED,
            pin_mode_reason=reason,
        )
        stage = self._state.stage
        if stage is not None and stage.live is not None:
            self._cue(stage.live)

    def _send_pin(self, item: RundownItem) -> None:
        show = self._show
        if show is None:
            return
        pending = PinReceipt(
            IdempotencyKey(""), "", showcase_id(item.product.variant_id), self._clock()
        )
        self._receipts[item.id] = pending
        self._spawn(self._pin(show, item), "pin")

    async def _pin(self, show: LiveShow, item: RundownItem) -> None:
        try:
            receipt = await show.pin(item)
        except StorageError as exc:
            self._fail(f"The pin was not recorded: {exc.user_message}")
            return
        await self._pinned(item, receipt)

    async def _pinned(self, item: RundownItem, receipt: PinReceipt) -> None:
        """What the platform said to a pin of ``item`` (sent now, or sent again)."""
        self._receipts[item.id] = receipt
        if receipt.refused:
            self._publish()
            await self._pins_go_to_the_operator(receipt.failure or "not allowed")
            return
        events: tuple[LiveEvent, ...] = ()
        if receipt.outcome is PinOutcome.FAILED:
            said = await self._pin_failed_text(item, receipt)
            self._pin_problems[item.id] = said
            events = (ActionFailed(said),)
        self._publish(*events)
        if receipt.outcome is PinOutcome.CONFIRMED and receipt.answered_at is not None:
            self._start_flash(item, receipt.answered_at)

    # ------------------------------------------------------------ flash sales
    def _start_flash(self, item: RundownItem, confirmed_at: datetime) -> None:
        """The pin of ``item`` is confirmed at ``confirmed_at``: its flash sale (if it has
        one, and it is still the live item) runs from then. A pin made again (Retry) of
        the item whose flash sale runs does not start it again."""
        stage, running = self._state.stage, self._state.flash
        if item.flash_price is None or item.flash_seconds is None or stage is None:
            return
        if stage.live_id != item.id or (running is not None and running.item_id == item.id):
            return
        flash = FlashSale(
            item.id, item.flash_price, confirmed_at + timedelta(seconds=item.flash_seconds)
        )
        self._publish(flash=flash)
        self._spawn(self._run_flash(flash), "flash-sale")
        # No adapter can set a price (see ``_end_flash``): the operator sets it, so that
        # what the platform charges is what the overlay shows.
        self._price_cue(item, CueKind.FLASH_PRICE, item.flash_price, stage)

    def _resume_flash(self, stage: Stage, receipts: dict[str, PinReceipt]) -> None:
        """A resumed show whose live item's flash sale had begun: a sale still running goes
        on to its own end (the operator set its price before the restart); one that ended
        while the console was down cues the operator to put the price back now."""
        item = stage.live
        receipt = None if item is None else receipts.get(item.id)
        if item is None or receipt is None or item.flash_seconds is None:
            return
        if item.flash_price is None or receipt.outcome not in _PINNED:
            return
        if receipt.answered_at is None:
            return
        flash = FlashSale(
            item.id, item.flash_price, receipt.answered_at + timedelta(seconds=item.flash_seconds)
        )
        if flash.ends_at > self._clock():
            self._publish(flash=flash)
            self._spawn(self._run_flash(flash), "flash-sale")
        else:
            self._price_cue(item, CueKind.PRICE_BACK, item.price, stage)

    async def _run_flash(self, flash: FlashSale) -> None:
        while (left := (flash.ends_at - self._clock()).total_seconds()) > 0:
            await asyncio.sleep(min(left, FLASH_CHECK_S))
            if self._state.flash != flash:
                return  # it ended early (the item left the air, the show ended)
        self._end_flash(flash)

    def _flash_left_the_air(self) -> None:
        """A take or an undo took the flash sale's item off the air: the sale ends now."""
        flash, stage = self._state.flash, self._state.stage
        if flash is not None and (stage is None or stage.live_id != flash.item_id):
            self._end_flash(flash)

    def _end_flash(self, flash: FlashSale) -> None:
        """The flash sale is over: the overlay and the host view show the usual price
        again. No platform adapter can change a price (``Capabilities`` has no such call:
        the Live Commerce API, Shopee and TikTok adapters only publish, pin and read), so
        the operator is cued to put the price back in the platform's app."""
        stage = self._state.stage
        item = None if stage is None else stage.item(flash.item_id)
        if self._state.flash != flash or stage is None or item is None:
            return
        self._publish(flash=None)
        self._price_cue(item, CueKind.PRICE_BACK, item.price, stage)

    def _price_cue(
        self, item: RundownItem, kind: CueKind, price: Money | None, stage: Stage
    ) -> None:
        """Cue the operator to set ``item``'s price in the platform's app. When a pin cue
        is up, the pin comes first and the price is said as a message instead."""
        title = item.product.display_title
        cue = self._state.cue
        if cue is not None and cue.kind is CueKind.PIN:
            to = price.format() if price is not None else "its usual price"
            self._publish(ActionFailed(f"Set the price of {title} to {to} in the platform's app."))
            return
        now = self._clock()
        bag = [showcase_id(i.product.variant_id) for i in stage.items]
        price_cue = Cue(
            item.id,
            title,
            bag.index(showcase_id(item.product.variant_id)) + 1,
            now,
            now + timedelta(seconds=CUE_SECONDS),
            kind,
            price,
        )
        self._publish(cue=price_cue)
        self._spawn(self._expire(price_cue), "cue-expiry")

    async def _unpin(self) -> None:
        show = self._show
        if show is None:
            return
        try:
            await show.unpin()
        except StorageError as exc:
            self._fail(f"The unpin was not recorded: {exc.user_message}")

    # ------------------------------------------------------------ ledger and link
    def _ledger_updated(self, update: LedgerUpdate) -> None:
        if self._state.phase not in (ShowPhase.LIVE, ShowPhase.ENDING):
            return
        events: list[LiveEvent] = []
        if update.changed_orders:
            events.append(OrdersArrived(update.changed_orders[-FEED_MAX:]))
        changes: dict[str, Any] = {"ledger": update.snapshot, "comments": update.comments}
        if update.viewers is not None:
            changes["viewers"] = update.viewers
        if update.metrics:
            latest = update.metrics[-1]
            changes["metrics"] = by_window(update.metrics, update.snapshot.pins)
            changes["metrics_total"] = growth(None, latest)
            changes["metrics_by_item"] = bool(latest.items)
            changes["likes"] = latest.likes
        if len(update.rejected) > len(self._state.rejected):
            newest = update.rejected[-1]
            events.append(
                ActionFailed(
                    f"Could not apply {len(update.rejected) - len(self._state.rejected)} of the "
                    f"platform's events ({newest.reason}); the show goes on and the report "
                    "lists them."
                )
            )
            changes["rejected"] = update.rejected
        self._publish(*events, *self._conflict(update.snapshot), **changes)
        self._advance_on_sell_out()

    def _link_changed(self, status: LinkStatus, retry_in: float | None) -> None:
        now = self._clock()
        previous = self._state.connection
        since = previous.since if previous.status is not LinkStatus.LIVE else now
        self._publish(
            connection=ConnectionState(
                status,
                since=None if status is LinkStatus.LIVE else since,
                retry_at=None if retry_in is None else now + timedelta(seconds=retry_in),
                last_event_at=previous.last_event_at,
                events_per_second=previous.events_per_second,
            )
        )

    async def _measure_rate(self, runner: ShowRunner) -> None:
        """Once a second: events per second and the newest event's time, for the badge.

        Also once a second, what the show has kept so far (orders, ledger entries, which
        never form cycles) is frozen out of the garbage collector's reach: its full passes
        then stay short instead of walking every order of the show while holding the GIL
        the window needs. Unfrozen when ingest stops."""
        self._last_count, self._last_rate_at = runner.events_received, self._clock()
        while True:
            await asyncio.sleep(RATE_EVERY_S)
            gc.freeze()
            now = self._clock()
            elapsed = (now - self._last_rate_at).total_seconds()
            if elapsed <= 0:
                continue
            rate = (runner.events_received - self._last_count) / elapsed
            self._last_count, self._last_rate_at = runner.events_received, now
            self._publish(
                connection=replace(
                    self._state.connection,
                    last_event_at=runner.last_event_at,
                    events_per_second=rate,
                )
            )

    def _conflict(self, snapshot: LedgerSnapshot) -> tuple[LiveEvent, ...]:
        """The platform's newest pin is not the product we put live (someone pinned in the
        platform's own app, or an old intent replayed late): say so, once per pin."""
        stage = self._state.stage
        if stage is None or stage.live is None or not snapshot.pins:
            return ()
        receipt = self._receipts.get(stage.live.id)
        if receipt is None or receipt.outcome is not PinOutcome.CONFIRMED:
            return ()  # our pin is still on its way
        newest = _displaced_by(snapshot, stage.live, receipt)
        if newest is None or newest.pin_id in self._conflicts_said:
            return ()
        self._conflicts_said.add(newest.pin_id)
        return (
            ConflictFound(
                f"The platform shows {self._state.title_of(newest.product_id)} pinned, not "
                f"{stage.live.product.display_title}."
            ),
        )

    def _advance_on_sell_out(self) -> None:
        state = self._state
        live, stage = state.live, state.stage
        if not state.auto_advance or live is None or stage is None or stage.armed is None:
            return
        if live.stock_left == 0 and live.item.id not in self._sold_out_taken:
            self._sold_out_taken.add(live.item.id)
            self.take(confirmed=True)

    # ------------------------------------------------------------ derived views
    def _derive(self, state: LiveState) -> LiveState:
        """Cards and warnings from the stage, the ledger and the receipts."""
        stage = state.stage
        if stage is None:
            return replace(state, live=None, armed=None, stock_warnings=())
        snapshot = state.ledger
        levels = {s.product_id: s for s in snapshot.stock} if snapshot is not None else {}
        total = state.metrics_total
        # A metrics-only platform that counts each product's sales says what sold; the
        # ledger's orders say it otherwise. The cards and the stock panel read it alike,
        # each the lower of that count and the platform's own stock figure.
        sold = total.by_product if total is not None and state.metrics_by_item else None
        owner = state.show.owner.platform if state.show is not None else ""
        platform = PLATFORM_NAMES.get(owner, "The platform")

        def left_of(pid: str, sellable: int | None) -> tuple[int | None, str]:
            level = levels.get(pid)
            if sold is not None:
                initial = level.initial if level is not None else sellable
                counted = None if initial is None else max(0, initial - sold.get(pid, 0))
                reported = level.reported if level is not None else None
                left, by_platform = stock_left(counted, reported)
            elif level is not None:
                left, by_platform = level.left, level.by_platform
            else:
                left, by_platform = sellable, False
            return left, platform if by_platform else ""

        last: Take | None = stage.takes[-1] if stage.takes else None

        def card(item: RundownItem | None, live: bool) -> CardView | None:
            if item is None:
                return None
            pid = showcase_id(item.product.variant_id)
            receipt = self._receipts.get(item.id) if live else None
            units, gmv, commission, shop_wide = 0, None, None, False
            if live and receipt is not None and receipt.pin_id and snapshot is not None:
                for (pin_id, _code), figures in snapshot.by_pin.items():
                    if pin_id == receipt.pin_id:
                        units, gmv = figures.units, figures.gross
                        commission = figures.commission_estimated
                grew = state.metrics.get(receipt.pin_id)
                if grew is not None and state.metrics_by_item:  # the product's own units
                    units, gmv = grew.by_product.get(pid, 0), None
                elif grew is not None:  # only the whole shop's figures: said as such
                    units, gmv, shop_wide = grew.sold_items, grew.gmv, True
            failed = receipt is not None and receipt.outcome is PinOutcome.FAILED
            left, stock_from = left_of(pid, item.sellable_units)
            return CardView(
                item=item,
                number=(stage.index(item.id) or 0) + 1,
                units=units,
                gmv=gmv,
                commission=commission,
                stock_left=left,
                taken_at=last.at if live and last is not None else None,
                receipt=receipt,
                shop_wide=shop_wide,
                pin_problem=self._pin_problems.get(item.id, "") if failed else "",
                stock_from=stock_from,
            )

        warnings = []
        for pid in levels:
            left, stock_from = left_of(pid, None)
            if left is not None and left <= LOW_STOCK:
                warnings.append(StockWarning(pid, state.title_of(pid), left, stock_from))
        return replace(
            state,
            live=card(stage.live, True),
            armed=card(stage.armed, False),
            stock_warnings=tuple(sorted(warnings, key=lambda w: (w.left, w.title))),
        )


def _displaced_by(
    snapshot: LedgerSnapshot, item: RundownItem, receipt: PinReceipt
) -> PinWindow | None:
    """The platform's newest pin when another product was pinned after ours (someone
    pinned in the platform's own app, or an old intent replayed late), else None."""
    if not snapshot.pins:
        return None
    newest = max(snapshot.pins, key=lambda pin: pin.version)
    if newest.product_id == showcase_id(item.product.variant_id):
        return None
    if receipt.answered_at is not None and newest.started_at < receipt.answered_at:
        return None  # an older pin the stream is only now reporting
    return newest


def _operator_version(runner: ShowRunner | None, n: int) -> int:
    """A version above every pin the ledger knows, so an operator's pin is the newest."""
    windows = runner.ledger.pin_windows() if runner is not None else ()
    return max(max((w.version for w in windows), default=0) + 1, n)


def _tell(subscriber: Subscriber, state: LiveState, events: tuple[LiveEvent, ...]) -> None:
    try:
        subscriber(state, events)
    except Exception:  # one broken subscriber never stops the show
        logger.exception("a live-state subscriber failed")


def _restore_stage(
    items: tuple[RundownItem, ...], receipts: Sequence[PinReceipt]
) -> tuple[Stage, dict[str, PinReceipt]]:
    """The stage of a resumed show: each pin the console sent is a take, in order; the
    last one's product is live again."""
    by_product = {showcase_id(i.product.variant_id): i for i in items}
    stage = Stage.of(items)
    latest: dict[str, PinReceipt] = {}
    previous: str | None = None
    takes: list[Take] = []
    for receipt in receipts:
        item = by_product.get(receipt.product_id)
        if item is None or receipt.outcome is PinOutcome.FAILED:
            continue
        takes.append(Take(item.id, receipt.sent_at, previous))
        latest[item.id] = receipt
        previous = item.id
    if takes:
        stage = replace(stage, live_id=previous, takes=tuple(takes), started_at=takes[0].at)
        following = stage.next_in_order()
        stage = replace(stage, armed_id=following.id if following else None)
    return stage, latest


def _user_text(exc: BaseException) -> str:
    text = getattr(exc, "user_message", None)
    return text if isinstance(text, str) and text else str(exc)
