"""The live side of the window: a thin Qt adapter over the live session service.

User intents go in (go live, arm, take, undo, end, resume); the session's states come
out as signals. The rules live in ``services.live_session``, which runs in the live
engine's process (``services.live_process``): this view-model hears its states on a
reader thread through a mailbox that keeps only the newest one and wakes the GUI thread
once per batch, so a burst of orders never floods Qt's event queue.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from seller_console.domain.commission import CommissionPolicy
from seller_console.domain.connection import ConnectionState
from seller_console.domain.on_air import ObsBadge, OnAirState
from seller_console.domain.orders import Order
from seller_console.domain.platform_port import AffiliateLink, SecretStore, ShowcaseProduct
from seller_console.domain.rundown import PlatformFindings, RundownItem, ShowPlan
from seller_console.domain.show_records import ShowRecord
from seller_console.domain.showcase import showcase_id
from seller_console.domain.stage import StageError
from seller_console.services.affiliate_links import ProductLink, affiliate_links
from seller_console.services.live_process import LiveEngineStopped, LiveProcess
from seller_console.services.live_session import (
    ActionFailed,
    ConflictFound,
    CueKind,
    FlashSale,
    LiveEvent,
    LiveState,
    OrdersArrived,
    Published,
    PublishProgressed,
    ReportReady,
    ShowPhase,
    TakeNeedsConfirmation,
)
from seller_console.services.live_show import PublishResult
from seller_console.services.on_air_feed import OnAirFeed
from seller_console.services.orders_import import OrdersImportOutcome
from seller_console.services.reports import RefreshOutcome, ShowReport, ShowSummary
from seller_console.services.show_clock import show_clock
from seller_console.settings import ObsSettings, Profile
from seller_console.ui.asyncqt import TaskScope
from seller_console.ui.viewmodels.live_state import StageView

log = logging.getLogger(__name__)
T = TypeVar("T")


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
    show_changed = Signal(str)  # another show is on (its id): what was shown is the last one's
    stage_changed = Signal(object)  # StageView
    ledger_changed = Signal(object)  # LedgerSnapshot
    orders_arrived = Signal(list)  # list[Order], oldest first
    connection_changed = Signal(object)  # ConnectionState
    stock_warnings_changed = Signal(list)  # list[StockWarning]
    take_needs_confirmation = Signal(str)  # why the take is out of order
    undo_needs_confirmation = Signal(str)  # why undoing the take would hurt on air
    published = Signal(object)  # PublishResult
    progressed = Signal(int, int)  # showcase products published, to publish
    report_ready = Signal(object)  # ShowReport
    conflict_found = Signal(str)  # what the platform shows instead of the intended pin
    failed = Signal(str)  # a message for the user
    on_air_changed = Signal(object)  # OnAirState: what the host view shows
    cue_changed = Signal(object)  # Cue | None: the operator is asked to pin a product
    audience_changed = Signal(object)  # LiveState: viewers, likes, comments changed
    metrics_changed = Signal(object)  # LiveState: a metrics-only platform's figures changed
    obs_badge_changed = Signal(object)  # ObsBadge: OBS connected, absent or refused
    _woken = Signal()  # the mailbox has news (emitted from the live thread)

    def __init__(
        self, tasks: TaskScope, engine: LiveProcess, profile: Profile, secrets: SecretStore
    ) -> None:
        super().__init__()
        self._tasks = tasks
        self._engine = engine
        self._profile = profile
        self._secrets = secrets
        self.state = LiveState()
        self._last_show_id: str | None = None  # the show the window's panels are of
        self._publish_result: PublishResult | None = None  # this run's Go live, if any
        self._flash: FlashSale | None = None  # the live item's flash sale, running or over
        self._guarded: set[asyncio.Task[None]] = set()  # keys waiting on their guard
        self._on_air = OnAirFeed(self)  # the host view's feed, on the GUI thread
        self._mailbox = _Mailbox()
        self._woken.connect(self._deliver)
        self._tick = QTimer(self, interval=250)
        self._tick.timeout.connect(self._emit_stage)
        # What a live show brings into the window (the feed's orders, thousands of new
        # objects a second from the engine's states) never forms cycles: while live, the
        # collector's automatic passes, which would walk them on the GUI thread, are off,
        # and once a second what arrived is frozen out of its reach (cheap: no pass). At
        # the end of the show both are undone and one full pass runs.
        self._freeze = QTimer(self, interval=1000)
        self._freeze.timeout.connect(gc.freeze)
        engine.on_state = self._post

    def _post(self, state: LiveState, events: tuple[LiveEvent, ...]) -> None:
        """The engine's states, on its reader thread."""
        if self._mailbox.put(state, events):
            self._woken.emit()

    def _deliver(self) -> None:
        state, events = self._mailbox.take()
        if state is None:
            return
        previous, self.state = self.state, state
        self._flash = live_flash(self._flash, state)
        # Before its orders: a panel that lists them (the sales feed) starts this show empty.
        if state.show is not None and state.show.id != self._last_show_id:
            self._last_show_id = state.show.id
            self.show_changed.emit(state.show.id)
        if state.phase is not previous.phase:
            if state.phase is ShowPhase.LIVE:
                self._tick.start()
                self._collector(live=True)
            elif state.phase is not ShowPhase.ENDING:
                self._tick.stop()
                self._collector(live=False)
            self.phase_changed.emit(state.phase.value)
        if state.ledger is not None and state.ledger is not previous.ledger:
            self.ledger_changed.emit(state.ledger)  # the totals first: they matter most
        # each is replaced, never changed in place: identity says whether it moved
        if (
            state.metrics is not previous.metrics
            or state.metrics_total is not previous.metrics_total
            or state.capabilities is not previous.capabilities
        ):
            self.metrics_changed.emit(state)
        for event in events:
            self._emit_event(event)
        if state.stock_warnings != previous.stock_warnings:
            self.stock_warnings_changed.emit(list(state.stock_warnings))
        if state.connection != previous.connection:
            self.connection_changed.emit(state.connection)
        if state.cue != previous.cue:
            self.cue_changed.emit(state.cue)
        audience = (state.viewers, state.likes, state.comments, state.capabilities)
        if audience != (previous.viewers, previous.likes, previous.comments, previous.capabilities):
            self.audience_changed.emit(state)
        self._on_air(state, ())
        self._emit_stage()

    @property
    def on_air(self) -> OnAirState | None:
        """What is on air now (None before anything was): for a host view opened mid-show."""
        return self._on_air.last

    def on_state(self, state: OnAirState) -> None:
        """The host view's feed (``OnAirFeed``): what is on air changed."""
        self.on_air_changed.emit(state)

    def _collector(self, *, live: bool) -> None:
        if live:
            gc.disable()
            self._freeze.start()
        elif self._freeze.isActive():
            self._freeze.stop()
            gc.unfreeze()
            gc.enable()
            gc.collect()

    def _emit_event(self, event: LiveEvent) -> None:
        if isinstance(event, OrdersArrived):
            self.orders_arrived.emit(list(event.orders))
        elif isinstance(event, TakeNeedsConfirmation):
            self.take_needs_confirmation.emit(take_question([f"{event.reason}."]))
        elif isinstance(event, ConflictFound):
            self.conflict_found.emit(event.message)
        elif isinstance(event, ActionFailed):
            self.failed.emit(event.message)
        elif isinstance(event, Published):
            self._publish_result = event.result
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
            clock=show_clock(state.stage, state.show, now),
            undo_seconds_left=state.undo_seconds_left(now),
            show_status=state.phase.value,
            auto_advance=state.auto_advance,
            now=now,
            live_refused=self._refusal(state.live.item) if state.live is not None else None,
            flash=self._flash,
            operator_cued=(
                state.cue is not None
                and state.cue.kind is CueKind.PIN
                and state.live is not None
                and state.cue.item_id == state.live.item.id
            ),
        )

    def _emit_stage(self) -> None:
        view = self.stage_view()
        if view is not None:
            self.stage_changed.emit(view)

    # ------------------------------------------------------------ intents
    def _request(self, name: str, *args: object) -> asyncio.Task[Any]:
        return self._tasks.start(self._engine.request(name, *args), name=name)

    def go_live(self, plan: ShowPlan, policy: CommissionPolicy) -> asyncio.Task[bool]:
        self._publish_result = None
        return self._request("go_live", plan, policy)

    def resume(self, show_id: str) -> asyncio.Task[bool]:
        return self._request("resume", show_id)

    def end_show(self) -> asyncio.Task[ShowReport | None]:
        return self._request("end_show")

    def end_unfinished(self, show_id: str) -> asyncio.Task[ShowReport | None]:
        return self._request("end_unfinished", show_id)

    def arm_index(self, index: int) -> None:
        self._engine.call("arm_index", index)

    def arm_step(self, step: int) -> None:
        self._engine.call("arm_step", step)

    def take(self, confirmed: bool = False) -> None:
        """Space: put the armed item live. Sold out, refused by the platform at Go live, or
        out of rundown order asks first (``take_needs_confirmation``, every reason at once);
        ``confirmed`` takes it anyway."""
        if confirmed:
            self._engine.call("take", True)
            return
        self._in_turn(self._guarded_take, "take")

    def _in_turn(self, guarded: Callable[[], Coroutine[Any, Any, None]], name: str) -> None:
        """A key whose guard reads the engine's state first (Space, Ctrl+U) acts once every
        such key pressed before it has: keys act in the order they were pressed."""
        earlier = tuple(self._guarded)

        async def turn() -> None:
            if earlier:
                await asyncio.wait(earlier)
            await guarded()

        task = self._tasks.start(turn(), name=name)
        self._guarded.add(task)
        task.add_done_callback(self._guarded.discard)

    async def _guarded_take(self) -> None:
        # The guard reads the engine's state after every call made so far (an arm key just
        # before Space included): one round trip to the live process, about a millisecond.
        await self._engine.request("flush")
        self._deliver()
        reasons = self.take_warnings()
        if reasons:
            self.take_needs_confirmation.emit(take_question(reasons))
        else:
            self._engine.call("take", False)

    def take_warnings(self) -> list[str]:
        """Why taking the armed item now would hurt on air, in a host's words."""
        state = self.state
        card, stage = state.armed, state.stage
        if card is None or stage is None or not state.on_air or state.cue is not None:
            return []
        reasons = []
        if card.stock_left == 0:
            reasons.append("It is sold out: viewers who tap it cannot buy it.")
        refusal = self._refusal(card.item)
        if refusal is not None:
            reasons.append(
                "The platform refused it when the show went live, so it is not in the "
                f"show's bag and viewers cannot buy it. The platform said: {refusal}"
            )
        try:
            check = stage.check_take()
        except StageError:
            return reasons  # the session says why when the take is sent
        if check.needs_confirmation:
            reasons.append(f"{check.reason}.")
        return reasons

    def _refusal(self, item: RundownItem) -> str | None:
        """The platform's reason when Go live left ``item`` out of the bag, else None."""
        result = self._publish_result
        if result is None or showcase_id(item.product.variant_id) in result.published:
            return None
        title = item.product.display_title
        return next((why for name, why in result.failed if name == title), "no reason given")

    def undo_take(self, confirmed: bool = False) -> None:
        """Ctrl+U: put back what was live before the last take. Putting a sold-out product
        back on air asks first (``undo_needs_confirmation``), as a take of it does."""
        if confirmed:
            self._engine.call("undo_take")
            return
        self._in_turn(self._guarded_undo, "undo-take")

    async def _guarded_undo(self) -> None:
        await self._engine.request("flush")  # the state after every action so far
        self._deliver()
        warning = self.state.undo_warning()
        if warning is None:
            self._engine.call("undo_take")
        else:
            self.undo_needs_confirmation.emit(f"{warning}\n\nPut it back on air anyway?")

    def retry_pin(self) -> None:
        self._engine.call("retry_pin")

    def set_auto_advance(self, on: bool) -> None:
        self._engine.call("set_auto_advance", on)

    def update_items(self, items: tuple[RundownItem, ...]) -> None:
        self._engine.call("update_items", items)

    # ------------------------------------------------------------ the platform and past shows
    @property
    def profile(self) -> Profile:
        return self._profile

    @property
    def secrets(self) -> SecretStore:
        return self._secrets

    async def show_summaries(self) -> tuple[ShowSummary, ...]:
        """Every stored show with what it sold (``ShowReports.summaries``)."""
        result: tuple[ShowSummary, ...] = await self._engine.request("show_summaries")
        return result

    async def report(self, show_id: str) -> ShowReport:
        result: ShowReport = await self._engine.request("report", show_id)
        return result

    async def refresh(self, show_id: str) -> RefreshOutcome:
        """Read a past show's orders again from its platform (``LiveLink.refresh_show``)."""
        result: RefreshOutcome = await self._engine.request("refresh", show_id)
        return result

    async def import_orders(self, show_id: str, path: Path) -> OrdersImportOutcome:
        """A manual-pins show's orders from an orders export (``LiveLink.import_orders``)."""
        result: OrdersImportOutcome = await self._engine.request("import_orders", show_id, path)
        return result

    async def affiliate_links(self, items: Sequence[RundownItem]) -> tuple[ProductLink, ...]:
        """A link per item: the plan's own, else the platform's (``LiveLink.affiliate_links``)."""

        async def mint(products: Sequence[ShowcaseProduct]) -> Sequence[AffiliateLink | str]:
            result: Sequence[AffiliateLink | str] = await self._engine.request(
                "affiliate_links", list(products)
            )
            return result

        return await affiliate_links(items, mint)

    async def unfinished_shows(self) -> tuple[ShowRecord, ...]:
        result: tuple[ShowRecord, ...] = await self._engine.request("unfinished_shows")
        return result

    async def unfinished_here(self) -> tuple[ShowRecord, ...]:
        """Unfinished shows on the chosen platform's account (the platform is opened)."""
        result: tuple[ShowRecord, ...] = await self._engine.request("unfinished_here")
        return result

    async def platform_orders(self, show: ShowRecord) -> tuple[Order, ...]:
        result: tuple[Order, ...] = await self._engine.request("platform_orders", show)
        return result

    async def practice_platform(self) -> tuple[str, str] | None:
        """The embedded practice platform's address and key (tests and the self-test)."""
        result: tuple[str, str] | None = await self._engine.request("practice_platform")
        return result

    async def overlay_url(self) -> str | None:
        """The product overlay's page for a browser source (None: it could not start)."""
        result: str | None = await self._engine.request("overlay_url")
        return result

    async def practice_audience(self, rate: float) -> None:
        await self._engine.request("practice_audience", rate)

    async def test_connection(self, profile: Profile, key: str | None) -> str:
        result: str = await self._engine.request("test_connection", profile, key)
        return result

    async def platform_preflight(self, items: tuple[RundownItem, ...]) -> PlatformFindings:
        """Pre-flight on the profile's platform, asked in the live engine's process."""
        result: PlatformFindings = await self._engine.request("platform_preflight", items)
        return result

    async def sign_in(self, profile: Profile, pasted: str) -> str:
        """Shopee: keep a pasted token set; TikTok: trade an authorization code for tokens."""
        result: str = await self._engine.request("sign_in", profile, pasted)
        return result

    async def sign_in_link(self, profile: Profile) -> str:
        """Shopee: start a browser sign-in; the authorization link to open."""
        result: str = await self._engine.request("sign_in_link", profile)
        return result

    async def sign_in_redirected(self) -> str:
        """Wait (bounded, in the engine) for the browser's return and trade its code."""
        result: str = await self._engine.request("sign_in_redirected")
        return result

    def sign_in_cancel(self) -> None:
        self._engine.call("sign_in_cancel")

    async def use_profile(self, profile: Profile) -> None:
        """From the next show on (the engine reads its key from its own secret store, where
        the dialog saved it)."""
        await self._engine.request("use_profile", profile)
        self._profile = profile

    async def obs_settings(self) -> ObsSettings:
        result: ObsSettings = await self._engine.request("obs_settings")
        return result

    async def use_obs(self, obs: ObsSettings, password: str | None, keep: bool = True) -> None:
        """Keep the OBS settings (``keep``) and (re)connect. ``password``: one the engine
        uses for this run only and never saves (the self-test's); None: the engine reads
        its secret store, where the OBS page saved the one typed there."""
        await self._engine.request("use_obs", obs, password, keep)

    async def follow_obs(self) -> None:
        """Emit ``obs_badge_changed`` with every change of the OBS badge, until cancelled
        (each request waits in the engine for the next change: no polling)."""
        seen = -1
        while True:
            badge: ObsBadge
            try:
                seen, badge = await self._engine.request("obs_badge", seen)
            except LiveEngineStopped:  # the engine's end says so; a new show starts it again
                return
            self.obs_badge_changed.emit(badge)

    async def leave_running(self) -> None:
        """Quit while live, the show going on on the platform (offered back next start)."""
        await self._engine.request("leave_running")

    async def flush(self) -> None:
        """Wait until every call made so far has been handled by the engine and its state
        has reached the window (tests and the self-test read the state after an action)."""
        while self._guarded:  # a key waiting on its guard is an action made so far
            await asyncio.wait(set(self._guarded))
        await self._engine.request("flush")
        self._deliver()

    async def close(self) -> None:
        self._tick.stop()
        self._collector(live=False)
        await asyncio.to_thread(self._engine.stop)


def take_question(reasons: list[str]) -> str:
    """One question for every reason a take should wait: the host decides once."""
    listed = "\n".join(f"• {reason}" for reason in reasons)
    return f"{listed}\n\nTake it anyway?"


def live_flash(kept: FlashSale | None, state: LiveState) -> FlashSale | None:
    """The live item's flash sale in ``state``: the session's while it runs; once the
    session ends it (``state.flash`` back to None), the one ``kept`` from before, so the
    stage says the sale is over until the item leaves the air."""
    live = state.live
    if live is None:
        return None
    if state.flash is not None and state.flash.item_id == live.item.id:
        return state.flash
    return kept if kept is not None and kept.item_id == live.item.id else None
