"""The live side of the window: go live, arm and take, the ledger's updates, the link.

It binds the stage's rules (``domain.stage``), the show service (``services.live_show``)
and the ledger's coalesced updates to the widgets; it decides nothing the domain decides.
Every network call runs in a task the ``TaskScope`` owns; the GUI never waits on one.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from seller_console.domain.commission import CommissionPolicy
from seller_console.domain.connection import ConnectionState, LinkStatus
from seller_console.domain.errors import DomainError
from seller_console.domain.ledger import LedgerSnapshot
from seller_console.domain.platform_port import IdempotencyKey, PlatformError, SecretStore
from seller_console.domain.rundown import RundownItem, ShowPlan
from seller_console.domain.show_records import PinOutcome, PinReceipt
from seller_console.domain.showcase import showcase_id
from seller_console.domain.stage import UNDO_SECONDS, Stage, StageError
from seller_console.domain.storage_port import StorageError
from seller_console.services.live_show import LiveShow, PublishResult
from seller_console.services.reports import ShowReport, ShowReports
from seller_console.services.show_runner import LedgerUpdate
from seller_console.settings import Profile
from seller_console.ui.asyncqt import TaskScope
from seller_console.ui.viewmodels.live_state import CardView, StageView, StockWarning

log = logging.getLogger(__name__)


class PlatformLink(Protocol):
    """The platform of the chosen profile and the show archive (app.py gives ``LiveLink``)."""

    @property
    def profile(self) -> Profile: ...

    @property
    def secrets(self) -> SecretStore: ...

    async def open_show(self, plan: ShowPlan, policy: CommissionPolicy) -> LiveShow:
        """The show service for a plan on the current platform (starting it if needed)."""
        ...

    async def open_reports(self) -> ShowReports: ...

    async def test_connection(self, profile: Profile, key: str | None) -> str: ...

    async def use_profile(self, profile: Profile) -> None: ...


LOW_STOCK = 3


def _now() -> datetime:
    return datetime.now(UTC)


class LiveViewModel(QObject):
    phase_changed = Signal(str)  # "idle", "preparing", "live", "ending", "ended"
    stage_changed = Signal(object)  # StageView
    ledger_changed = Signal(object)  # LedgerSnapshot
    orders_arrived = Signal(list)  # list[Order], oldest first
    connection_changed = Signal(object)  # ConnectionState
    stock_warnings_changed = Signal(list)  # list[StockWarning]
    take_needs_confirmation = Signal(str)  # why the take is out of order
    published = Signal(object)  # PublishResult
    progressed = Signal(int, int)  # showcase products published, to publish
    report_ready = Signal(object)  # ShowReport
    conflict_found = Signal(str)  # what the platform shows instead of the intended pin
    failed = Signal(str)  # a message for the user

    def __init__(self, tasks: TaskScope, link: PlatformLink) -> None:
        super().__init__()
        self._tasks = tasks
        self.link = link
        self.phase = "idle"
        self.show: LiveShow | None = None
        self.stage: Stage | None = None
        self.snapshot: LedgerSnapshot | None = None
        self.connection = ConnectionState(LinkStatus.OFFLINE)
        self.auto_advance = False
        self.receipts: dict[str, PinReceipt] = {}  # item id -> its latest pin receipt
        self._sending: set[str] = set()
        self._last_count = 0
        self._last_tick = _now()
        self._sold_out_taken: set[str] = set()
        self._conflicts_said: set[str] = set()  # pin ids already reported as conflicts
        self._titles: dict[str, str] = {}
        self._titles_for: tuple[RundownItem, ...] | None = None
        self._tick = QTimer(self, interval=250)
        self._tick.timeout.connect(self._refresh)

    # ------------------------------------------------------------ phases
    def _set_phase(self, phase: str) -> None:
        self.phase = phase
        self.phase_changed.emit(phase)

    @property
    def is_live(self) -> bool:
        return self.phase == "live"

    def go_live(self, plan: ShowPlan, policy: CommissionPolicy) -> asyncio.Task[bool]:
        return self._tasks.start(self._go_live(plan, policy), name="go-live")

    async def _go_live(self, plan: ShowPlan, policy: CommissionPolicy) -> bool:
        if self.phase in ("preparing", "live", "ending"):
            self.failed.emit("A show is already on; end it before starting another.")
            return False
        if not plan.items:
            self.failed.emit("The rundown is empty: add products before going live.")
            return False
        self._set_phase("preparing")
        self.connection = ConnectionState(LinkStatus.CONNECTING, since=_now())
        self.connection_changed.emit(self.connection)
        try:
            show = await self.link.open_show(plan, policy)
            result: PublishResult = await show.prepare(self.progressed.emit)
            self.published.emit(result)
            if not result.published:
                raise DomainError("no product could be published to the showcase")
            await show.go_live()
        except (PlatformError, StorageError, DomainError) as exc:
            self._set_phase("idle")
            self.connection = ConnectionState(
                LinkStatus.OFFLINE, since=_now(), detail=_user_text(exc)
            )
            self.connection_changed.emit(self.connection)
            self.failed.emit(f"Could not go live: {_user_text(exc)}")
            return False
        self.show = show
        self.stage = Stage.of(plan.items)
        self.receipts.clear()
        self._sold_out_taken.clear()
        runner = show.make_runner(self._ledger_updated, self._link_changed)
        self._tasks.start(self._run_ledger(runner.run), name="ledger")
        self._set_phase("live")
        self._tick.start()
        self._refresh()
        return True

    async def _run_ledger(self, run: Callable[[], Awaitable[None]]) -> None:
        try:
            await run()
        except (PlatformError, StorageError) as exc:
            self.connection = ConnectionState(
                LinkStatus.OFFLINE, since=_now(), detail=_user_text(exc)
            )
            self.connection_changed.emit(self.connection)
            self.failed.emit(f"The show's live data stopped: {_user_text(exc)}")

    def end_show(self) -> asyncio.Task[ShowReport | None]:
        return self._tasks.start(self._end_show(), name="end-show")

    async def _end_show(self) -> ShowReport | None:
        show = self.show
        if show is None or self.phase != "live":
            return None
        self._set_phase("ending")
        try:
            report = await show.end()
        except (PlatformError, StorageError) as exc:
            self._set_phase("live")
            self.failed.emit(f"Could not end the show: {_user_text(exc)}")
            return None
        self._tick.stop()
        gc.unfreeze()
        self._set_phase("ended")
        self.report_ready.emit(report)
        return report

    # ------------------------------------------------------------ stage actions
    def arm_index(self, index: int) -> None:
        self._stage_action(lambda stage: stage.arm_index(index))

    def arm_step(self, step: int) -> None:
        self._stage_action(lambda stage: stage.arm_step(step))

    def _stage_action(self, action: Callable[[Stage], Stage]) -> None:
        if self.stage is None or not self.is_live:
            return
        try:
            self.stage = action(self.stage)
        except StageError as exc:
            self.failed.emit(str(exc))
            return
        self._emit_stage()

    def take(self, confirmed: bool = False) -> None:
        """Space: put the armed item live. Out of rundown order asks first."""
        if self.stage is None or not self.is_live:
            return
        try:
            check = self.stage.check_take()
        except StageError as exc:
            self.failed.emit(str(exc))
            return
        if check.needs_confirmation and not confirmed:
            self.take_needs_confirmation.emit(check.reason)
            return
        self.stage = self.stage.take(_now())
        live = self.stage.live
        if live is not None:
            self._send_pin(live)
        self._emit_stage()

    def undo_take(self) -> None:
        """Put back what was live before the last take (within the undo window)."""
        if self.stage is None or not self.is_live:
            return
        try:
            self.stage = self.stage.undo_take(_now())
        except StageError as exc:
            self.failed.emit(str(exc))
            return
        live = self.stage.live
        if live is not None:
            self._send_pin(live)
        else:
            self._tasks.start(self._unpin())
        self._emit_stage()

    def retry_pin(self) -> None:
        if self.stage is not None and self.stage.live is not None and self.is_live:
            self._send_pin(self.stage.live)

    def set_auto_advance(self, on: bool) -> None:
        self.auto_advance = on
        self._emit_stage()

    def update_items(self, items: tuple[RundownItem, ...]) -> None:
        """The producer edited the rundown mid-show (a price, a cap, the order)."""
        if self.stage is not None:
            self.stage = self.stage.with_items(items)
            self._emit_stage()

    def _send_pin(self, item: RundownItem) -> None:
        show = self.show
        if show is None:
            return
        pending = PinReceipt(IdempotencyKey(""), "", showcase_id(item.product.variant_id), _now())
        self.receipts[item.id] = pending
        self._tasks.start(self._pin(show, item))

    async def _pin(self, show: LiveShow, item: RundownItem) -> None:
        try:
            receipt = await show.pin(item)
        except StorageError as exc:
            self.failed.emit(f"The pin was not recorded: {exc.user_message}")
            return
        self.receipts[item.id] = receipt
        if receipt.outcome is PinOutcome.FAILED:
            self.failed.emit(f"Pin failed: {receipt.failure}")
        self._emit_stage()

    async def _unpin(self) -> None:
        show = self.show
        if show is None:
            return
        try:
            await show.unpin()
        except StorageError as exc:
            self.failed.emit(f"The unpin was not recorded: {exc.user_message}")

    # ------------------------------------------------------------ ledger and link
    def _ledger_updated(self, update: LedgerUpdate) -> None:
        self.snapshot = update.snapshot
        self.ledger_changed.emit(update.snapshot)  # the totals first: they matter most
        if update.changed_orders:
            self.orders_arrived.emit(list(update.changed_orders))
        self.stock_warnings_changed.emit(self._stock_warnings())
        self._check_conflict()
        self._advance_on_sell_out()
        self._emit_stage()

    def _link_changed(self, status: LinkStatus, retry_in: float | None) -> None:
        now = _now()
        previous = self.connection
        since = previous.since if previous.status is not LinkStatus.LIVE else now
        self.connection = ConnectionState(
            status,
            since=None if status is LinkStatus.LIVE else since,
            retry_at=None if retry_in is None else now + _seconds(retry_in),
            last_event_at=previous.last_event_at,
            events_per_second=previous.events_per_second,
        )
        self.connection_changed.emit(self.connection)

    def _stock_warnings(self) -> list[StockWarning]:
        if self.snapshot is None or self.stage is None:
            return []
        titles = {
            showcase_id(i.product.variant_id): i.product.display_title for i in self.stage.items
        }
        warnings = [
            StockWarning(s.product_id, titles.get(s.product_id, s.product_id), s.left)
            for s in self.snapshot.stock
            if s.left is not None and s.left <= LOW_STOCK
        ]
        return sorted(warnings, key=lambda w: (w.left, w.title))

    def _check_conflict(self) -> None:
        """The platform's newest pin is not the product we put live (someone pinned in the
        platform's own app, or an old intent replayed late): say so, once per pin."""
        stage, snapshot = self.stage, self.snapshot
        if stage is None or stage.live is None or snapshot is None or not snapshot.pins:
            return
        receipt = self.receipts.get(stage.live.id)
        if receipt is None or receipt.outcome is not PinOutcome.CONFIRMED:
            return  # our pin is still on its way
        newest = max(snapshot.pins, key=lambda pin: pin.version)
        intended = showcase_id(stage.live.product.variant_id)
        if newest.product_id == intended or newest.pin_id in self._conflicts_said:
            return
        if receipt.answered_at is not None and newest.started_at < receipt.answered_at:
            return  # an older pin the stream is only now reporting
        self._conflicts_said.add(newest.pin_id)
        self.conflict_found.emit(
            f"The platform shows {self.title_of(newest.product_id)} pinned, not "
            f"{stage.live.product.display_title}."
        )

    def _advance_on_sell_out(self) -> None:
        stage = self.stage
        if not self.auto_advance or stage is None or stage.live is None:
            return
        live = stage.live
        left = self._stock_left(live)
        if left == 0 and live.id not in self._sold_out_taken and stage.armed is not None:
            self._sold_out_taken.add(live.id)
            self.take(confirmed=True)

    # ------------------------------------------------------------ views
    def title_of(self, product_id: str) -> str:
        """A showcase product's title, for the feed and the pin windows."""
        stage = self.stage
        if stage is not None and self._titles_for is not stage.items:
            self._titles = {
                showcase_id(i.product.variant_id): i.product.display_title for i in stage.items
            }
            self._titles_for = stage.items
        return self._titles.get(product_id, product_id)

    def _stock_left(self, item: RundownItem) -> int | None:
        if self.snapshot is not None:
            pid = showcase_id(item.product.variant_id)
            for level in self.snapshot.stock:
                if level.product_id == pid:
                    return level.left
        return item.sellable_units

    def _card(self, item: RundownItem | None, live: bool, now: datetime) -> CardView | None:
        if item is None or self.stage is None:
            return None
        receipt = self.receipts.get(item.id) if live else None
        units, gmv, commission = 0, None, None
        if live and receipt is not None and receipt.pin_id and self.snapshot is not None:
            for (pin_id, _currency), figures in self.snapshot.by_pin.items():
                if pin_id == receipt.pin_id:
                    units, gmv = figures.units, figures.gross
                    commission = figures.commission_estimated
        on_air = None
        if live and self.stage.takes:
            on_air = (now - self.stage.takes[-1].at).total_seconds()
        return CardView(
            item=item,
            number=(self.stage.index(item.id) or 0) + 1,
            units=units,
            gmv=gmv,
            commission=commission,
            stock_left=self._stock_left(item),
            on_air_seconds=on_air,
            receipt=receipt,
        )

    def stage_view(self) -> StageView | None:
        stage = self.stage
        if stage is None:
            return None
        now = _now()
        undo_left = 0.0
        if stage.can_undo(now):
            undo_left = UNDO_SECONDS - (now - stage.takes[-1].at).total_seconds()
        return StageView(
            live=self._card(stage.live, True, now),
            armed=self._card(stage.armed, False, now),
            clock=stage.clock(now),
            undo_seconds_left=max(0.0, undo_left),
            show_status=self.phase,
            auto_advance=self.auto_advance,
        )

    def _emit_stage(self) -> None:
        view = self.stage_view()
        if view is not None:
            self.stage_changed.emit(view)

    def _refresh(self) -> None:
        """A few times a second: the clocks, the undo countdown, events per second."""
        self._emit_stage()
        runner = self.show.runner if self.show is not None else None
        if runner is None:
            return
        now = _now()
        elapsed = (now - self._last_tick).total_seconds()
        if elapsed >= 1.0:
            # What a live show keeps (orders, ledger entries) never forms cycles: frozen
            # out of the collector's reach, its full passes stay short instead of walking
            # every order of the show on the GUI thread. Unfrozen when the show ends.
            gc.freeze()
            rate = (runner.events_received - self._last_count) / elapsed
            self._last_count, self._last_tick = runner.events_received, now
            state = self.connection
            self.connection = ConnectionState(
                state.status,
                since=state.since,
                retry_at=state.retry_at,
                last_event_at=runner.last_event_at,
                events_per_second=rate,
                detail=state.detail,
            )
            self.connection_changed.emit(self.connection)

    async def close(self) -> None:
        self._tick.stop()


def _seconds(value: float) -> timedelta:
    return timedelta(seconds=value)


def _user_text(exc: BaseException) -> str:
    text = getattr(exc, "user_message", None)
    return text if isinstance(text, str) and text else str(exc)
