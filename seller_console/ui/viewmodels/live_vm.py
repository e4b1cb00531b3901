"""The live side of the window: a thin Qt adapter over the live session service.

User intents go in (go live, arm, take, undo, end, resume); the session's states come
out as signals. The rules live in ``services.live_session``, which runs on the live
thread: this view-model subscribes with a mailbox that keeps only the newest state and
wakes the GUI thread once per batch, so a burst of orders never floods Qt's event queue.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from seller_console.domain.commission import CommissionPolicy
from seller_console.domain.connection import ConnectionState
from seller_console.domain.orders import Order
from seller_console.domain.platform_port import SecretStore
from seller_console.domain.rundown import RundownItem, ShowPlan
from seller_console.domain.show_records import ShowRecord
from seller_console.services.live_session import (
    ActionFailed,
    ConflictFound,
    LiveEvent,
    LiveSession,
    LiveState,
    OrdersArrived,
    Published,
    PublishProgressed,
    ReportReady,
    ShowPhase,
    TakeNeedsConfirmation,
)
from seller_console.services.live_thread import LiveThread
from seller_console.services.reports import ShowReport, ShowReports
from seller_console.settings import Profile
from seller_console.ui.asyncqt import TaskScope
from seller_console.ui.viewmodels.live_state import StageView

log = logging.getLogger(__name__)
T = TypeVar("T")


class PlatformLink(Protocol):
    """The platform of the chosen profile and the show archive (app.py gives ``LiveLink``).
    Its coroutines run on the live thread."""

    @property
    def profile(self) -> Profile: ...

    @property
    def secrets(self) -> SecretStore: ...

    async def open_reports(self) -> ShowReports: ...

    async def unfinished_shows(self) -> tuple[ShowRecord, ...]: ...

    async def platform_orders(self, show: ShowRecord) -> tuple[Order, ...]: ...

    async def test_connection(self, profile: Profile, key: str | None) -> str: ...

    async def use_profile(self, profile: Profile) -> None: ...

    async def close(self) -> None: ...


class _Mailbox:
    """Holds the newest state and the events since the GUI last looked (any thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: LiveState | None = None
        self._events: list[LiveEvent] = []

    def put(self, state: LiveState, events: tuple[LiveEvent, ...]) -> bool:
        """True when the box was empty (the GUI must be woken)."""
        with self._lock:
            wake = self._state is None
            self._state = state
            self._events.extend(events)
            return wake

    def take(self) -> tuple[LiveState | None, list[LiveEvent]]:
        with self._lock:
            state, events = self._state, self._events
            self._state, self._events = None, []
            return state, events


class LiveViewModel(QObject):
    phase_changed = Signal(str)  # ShowPhase value
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
    _woken = Signal()  # the mailbox has news (emitted from the live thread)

    def __init__(self, tasks: TaskScope, link: PlatformLink, session: LiveSession) -> None:
        super().__init__()
        self._tasks = tasks
        self._link = link
        self._session = session
        self._thread = LiveThread()
        self.state = LiveState()
        self._mailbox = _Mailbox()
        self._woken.connect(self._deliver)
        self._tick = QTimer(self, interval=250)
        self._tick.timeout.connect(self._emit_stage)
        self._thread.call(self._session.subscribe, self._post)

    def _post(self, state: LiveState, events: tuple[LiveEvent, ...]) -> None:
        """The session's subscriber, on the live thread."""
        if self._mailbox.put(state, events):
            self._woken.emit()

    def _deliver(self) -> None:
        state, events = self._mailbox.take()
        if state is None:
            return
        previous, self.state = self.state, state
        if state.phase is not previous.phase:
            if state.phase is ShowPhase.LIVE:
                self._tick.start()
            elif state.phase is not ShowPhase.ENDING:
                self._tick.stop()
            self.phase_changed.emit(state.phase.value)
        if state.ledger is not None and state.ledger is not previous.ledger:
            self.ledger_changed.emit(state.ledger)  # the totals first: they matter most
        for event in events:
            self._emit_event(event)
        if state.stock_warnings != previous.stock_warnings:
            self.stock_warnings_changed.emit(list(state.stock_warnings))
        if state.connection != previous.connection:
            self.connection_changed.emit(state.connection)
        self._emit_stage()

    def _emit_event(self, event: LiveEvent) -> None:
        if isinstance(event, OrdersArrived):
            self.orders_arrived.emit(list(event.orders))
        elif isinstance(event, TakeNeedsConfirmation):
            self.take_needs_confirmation.emit(event.reason)
        elif isinstance(event, ConflictFound):
            self.conflict_found.emit(event.message)
        elif isinstance(event, ActionFailed):
            self.failed.emit(event.message)
        elif isinstance(event, Published):
            self.published.emit(event.result)
        elif isinstance(event, PublishProgressed):
            self.progressed.emit(event.done, event.total)
        elif isinstance(event, ReportReady):
            self.report_ready.emit(event.report)

    # ------------------------------------------------------------ state
    @property
    def phase(self) -> str:
        return self.state.phase.value

    @property
    def is_live(self) -> bool:
        return self.state.on_air

    @property
    def connection(self) -> ConnectionState:
        return self.state.connection

    def title_of(self, product_id: str) -> str:
        """A showcase product's title, for the feed and the pin windows."""
        return self.state.title_of(product_id)

    def stage_view(self) -> StageView | None:
        state = self.state
        if state.stage is None:
            return None
        now = datetime.now(UTC)
        return StageView(
            live=state.live,
            armed=state.armed,
            clock=state.stage.clock(now),
            undo_seconds_left=state.undo_seconds_left(now),
            show_status=state.phase.value,
            auto_advance=state.auto_advance,
            now=now,
        )

    def _emit_stage(self) -> None:
        view = self.stage_view()
        if view is not None:
            self.stage_changed.emit(view)

    # ------------------------------------------------------------ intents
    def _on_live(self, coro: Coroutine[Any, Any, T], name: str) -> asyncio.Task[T]:
        return self._tasks.start(self._thread.run(coro), name=name)

    def go_live(self, plan: ShowPlan, policy: CommissionPolicy) -> asyncio.Task[bool]:
        return self._on_live(self._session.go_live(plan, policy), "go-live")

    def resume(self, show_id: str) -> asyncio.Task[bool]:
        return self._on_live(self._session.resume(show_id), "resume")

    def end_show(self) -> asyncio.Task[ShowReport | None]:
        return self._on_live(self._session.end_show(), "end-show")

    def end_unfinished(self, show_id: str) -> asyncio.Task[ShowReport | None]:
        return self._on_live(self._session.end_unfinished(show_id), "end-unfinished")

    def arm_index(self, index: int) -> None:
        self._thread.call(self._session.arm_index, index)

    def arm_step(self, step: int) -> None:
        self._thread.call(self._session.arm_step, step)

    def take(self, confirmed: bool = False) -> None:
        """Space: put the armed item live. Out of rundown order asks first."""
        self._thread.call(self._session.take, confirmed)

    def undo_take(self) -> None:
        self._thread.call(self._session.undo_take)

    def retry_pin(self) -> None:
        self._thread.call(self._session.retry_pin)

    def set_auto_advance(self, on: bool) -> None:
        self._thread.call(self._session.set_auto_advance, on)

    def update_items(self, items: tuple[RundownItem, ...]) -> None:
        self._thread.call(self._session.update_items, items)

    # ------------------------------------------------------------ the platform link
    @property
    def profile(self) -> Profile:
        return self._link.profile

    @property
    def secrets(self) -> SecretStore:
        return self._link.secrets

    async def open_reports(self) -> ShowReports:
        return await self._thread.run(self._link.open_reports())

    async def unfinished_shows(self) -> tuple[ShowRecord, ...]:
        return await self._thread.run(self._link.unfinished_shows())

    async def platform_orders(self, show: ShowRecord) -> tuple[Order, ...]:
        return await self._thread.run(self._link.platform_orders(show))

    async def test_connection(self, profile: Profile, key: str | None) -> str:
        return await self._thread.run(self._link.test_connection(profile, key))

    async def use_profile(self, profile: Profile) -> None:
        await self._thread.run(self._link.use_profile(profile))

    async def leave_running(self) -> None:
        """Quit while live, the show going on on the platform (offered back next start)."""
        await self._thread.run(self._session.leave_running())

    async def flush(self) -> None:
        """Wait until every call made so far has run on the live thread and its state has
        reached the window (tests and the self-test read the state after an action)."""
        await self._thread.run(asyncio.sleep(0))
        self._deliver()

    async def close(self) -> None:
        self._tick.stop()
        await self._thread.run(self._session.close())
        await self._thread.run(self._link.close())
        self._thread.stop()
