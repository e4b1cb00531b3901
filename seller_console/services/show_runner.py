"""Running a live show's ledger: the platform's event stream into the ledger and storage.

``ShowRunner.run()`` (no Qt; await it in a task the app owns, cancel it to stop):

1. restores the ledger from storage (the orders and pins saved, the platform's stock
   figures, the stream cursor);
2. when resuming from a saved cursor, reconciles with the platform's orders list (what
   happened while the app was away is merged by order id: nothing doubles);
3. replays the journal's unfinished intents (``ShowActions``), and again every
   ``replay_every_s`` while some are pending;
4. consumes the event stream from the saved cursor: deliveries are applied in batches
   (whatever arrived while the last batch was being saved, up to ``batch_max``), and each
   batch's changed orders, the pins it reported and the cursor that covers it are saved in
   ONE transaction, so a crash at any moment resumes without a gap and without a double;
5. publishes a coalesced ``LedgerUpdate`` to ``on_change`` at most every
   ``publish_every_s`` (a few times a second), never once per event.

A platform failure a reconnect cannot fix (bad key, no such session) and a storage
failure end ``run()`` with that error (``PlatformError`` / ``StorageError``); after one,
a new ``run()`` starts again from what storage holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from seller_console.domain.commission import CommissionPolicy
from seller_console.domain.events import (
    CommentPosted,
    Delivery,
    EventRejected,
    MetricsReported,
    OrderCreated,
    OrdersResynced,
    OrderUpdated,
    Pin,
    PinChanged,
    SessionStatus,
    SessionUpdated,
    StockUpdated,
    ViewersUpdated,
)
from seller_console.domain.ledger import Ledger, LedgerSnapshot
from seller_console.domain.orders import Order
from seller_console.domain.platform_port import LinkListener, LivePlatform
from seller_console.services.ports import LedgerStore
from seller_console.services.show_actions import ShowActions

logger = logging.getLogger(__name__)

BATCH_MAX = 1000
PUBLISH_EVERY_S = 0.1
REPLAY_EVERY_S = 5.0
YIELD_EVERY = 200
COMMENTS_KEPT = 50
COMMENT_IDS_KEPT = 10_000
"""Comment ids remembered to drop a comment read again (a poll overlaps the last one):
far more than a poll window holds, and bounded however long the show runs."""
ORDERS_PAGE = 500


@dataclass(frozen=True, slots=True)
class LedgerUpdate:
    """What the UI needs after a burst: the totals now, and the orders that changed since
    the last update (oldest first, for the sales feed)."""

    snapshot: LedgerSnapshot
    changed_orders: tuple[Order, ...]
    cursor: str | None
    viewers: int | None
    session_status: SessionStatus | None
    rejected: tuple[EventRejected, ...] = ()
    """Everything of the show that could not be applied so far (kept; the show goes on)."""
    metrics: tuple[MetricsReported, ...] = ()
    """A metrics-only platform's reports so far, in the order they were read."""
    comments: tuple[CommentPosted, ...] = ()
    """The newest comments (at most ``COMMENTS_KEPT``), oldest first."""


ChangeListener = Callable[[LedgerUpdate], None]


@dataclass(slots=True)
class _Failed:
    error: BaseException


class ShowRunner:
    """Consumes one session's events into its ledger; see the module docstring."""

    def __init__(
        self,
        platform: LivePlatform,
        store: LedgerStore,
        show_id: str,
        session_id: str,
        policy: CommissionPolicy,
        *,
        initial_stock: Mapping[str, int | None] | None = None,
        attribute_by_time: bool = False,
        actions: ShowActions | None = None,
        on_change: ChangeListener | None = None,
        on_link: LinkListener | None = None,
        batch_max: int = BATCH_MAX,
        publish_every_s: float = PUBLISH_EVERY_S,
        replay_every_s: float = REPLAY_EVERY_S,
    ) -> None:
        self._platform = platform
        self._store = store
        self.show_id = show_id
        self.session_id = session_id
        self._policy = policy
        self._initial_stock = dict(initial_stock or {})
        self._by_time = attribute_by_time
        self._actions = actions
        self._on_change = on_change
        self._on_link = on_link
        self._batch_max = batch_max
        self._publish_every_s = publish_every_s
        self._replay_every_s = replay_every_s
        self.ledger = Ledger(policy, self._initial_stock, attribute_by_time)
        self.cursor: str | None = None
        """The cursor saved with the last batch: everything up to it is in storage."""
        self.viewers: int | None = None
        self.session_status: SessionStatus | None = None
        self._changed: list[Order] = []
        self.metrics: list[MetricsReported] = []
        self.comments: deque[CommentPosted] = deque(maxlen=COMMENTS_KEPT)
        self._comment_ids: OrderedDict[str, None] = OrderedDict()
        self.rejected: tuple[EventRejected, ...] = ()
        self._rejected_keys: set[tuple[str, str, str]] = set()
        self._dirty = False
        self.batches = 0
        self.events_received = 0
        """Deliveries read from the stream since this runner started (events per second)."""
        self.last_event_at: datetime | None = None

    # ------------------------------------------------------------------ the run
    async def run(self) -> None:
        await self.restore()
        if self.cursor is not None:
            await self.reconcile()
        self._publish()
        tasks = [
            asyncio.create_task(self._consume(), name="ledger-ingest"),
            asyncio.create_task(self._publisher(), name="ledger-publisher"),
        ]
        if self._actions is not None:
            tasks.append(asyncio.create_task(self._replayer(self._actions), name="journal-replay"))
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                task.result()  # raises the failure that ended the run
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._publish()

    async def restore(self) -> None:
        """A fresh ledger from what storage holds for the session."""
        self.ledger = Ledger(self._policy, self._initial_stock, self._by_time)
        for pin in await self._store.load_pins(self.show_id):  # first: orders may count by time
            self.ledger.pin_seen(pin)
        # the show's orders so far go to the sales feed with the next update (a resumed
        # show lists all of them, not only those since the resume)
        self._changed = list(self.ledger.apply_all(await self._store.load_orders(self.show_id)))
        self.rejected = await self._store.load_rejected(self.show_id)
        self.metrics = list(await self._store.load_metrics(self.show_id))
        for product_id, stock in (await self._store.load_stock(self.show_id)).items():
            self.ledger.stock_reported(product_id, stock)
        self._rejected_keys = {(r.event_type, r.event_id, r.reason) for r in self.rejected}
        self.cursor = await self._store.load_cursor(self.show_id)
        self._dirty = True

    async def reconcile(self) -> tuple[Order, ...]:
        """Merge the platform's orders list into the ledger; the orders that changed (the
        end of a show feeds them to the sales feed itself: no update follows it)."""
        changed: list[Order] = []
        rejected: list[EventRejected] = []
        after: str | None = None
        while True:
            page = await self._platform.list_orders(self.session_id, after=after, limit=ORDERS_PAGE)
            changed.extend(self.ledger.apply_all(page.items))
            rejected.extend(self._new_rejections(page.rejected))
            if page.next_cursor is None:
                break
            after = page.next_cursor
        if changed or rejected:
            await self._store.save_ingest(self.show_id, changed, (), None, rejected)
            self._quarantined(rejected)
            self._note(changed)
        logger.info("reconciled %s: %d orders changed", self.session_id, len(changed))
        return tuple(changed)

    async def pin_made(self, pin: Pin) -> None:
        """A pin the stream will not report (one the operator performed in the platform's
        app, or any pin on a platform that streams no pins): its window starts now, and is
        kept like the pins the stream reports."""
        if self.ledger.pin_seen(pin):
            await self._store.save_ingest(self.show_id, (), (pin,), None)
            self._note([])

    async def _replayer(self, actions: ShowActions) -> None:
        while True:
            await actions.replay_unfinished()
            await asyncio.sleep(self._replay_every_s)

    async def _publisher(self) -> None:
        while True:
            await asyncio.sleep(self._publish_every_s)
            self._publish()

    def _publish(self) -> None:
        if not self._dirty or self._on_change is None:
            return
        update = LedgerUpdate(
            snapshot=self.ledger.snapshot(),
            changed_orders=tuple(self._changed),
            cursor=self.cursor,
            viewers=self.viewers,
            session_status=self.session_status,
            rejected=self.rejected,
            metrics=tuple(self.metrics),
            comments=tuple(self.comments),
        )
        self._changed = []
        self._dirty = False
        self._on_change(update)

    def _note(self, changed: list[Order]) -> None:
        self._changed.extend(changed)
        self._dirty = True

    # ------------------------------------------------------------------ ingest
    async def _consume(self) -> None:
        queue: asyncio.Queue[Delivery | _Failed] = asyncio.Queue(maxsize=self._batch_max * 2)

        async def read() -> None:
            try:
                async with contextlib.aclosing(
                    self._platform.events(self.session_id, after=self.cursor, on_link=self._on_link)
                ) as feed:
                    async for delivery in feed:
                        self.events_received += 1
                        self.last_event_at = datetime.now(UTC)
                        await queue.put(delivery)
                        if self.events_received % YIELD_EVERY == 0:
                            await asyncio.sleep(0)  # let the window paint during a backlog
            except Exception as error:  # handed to the consumer, which raises it
                await queue.put(_Failed(error))

        reader = asyncio.create_task(read(), name="ledger-stream")
        try:
            while True:
                batch: list[Delivery] = []
                item = await queue.get()
                while True:
                    if isinstance(item, _Failed):
                        await self.ingest(batch)
                        raise item.error
                    batch.append(item)
                    if len(batch) >= self._batch_max or queue.empty():
                        break
                    item = queue.get_nowait()
                await self.ingest(batch)
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    async def ingest(self, batch: Sequence[Delivery]) -> None:
        """Apply one batch of deliveries and save it with its cursor in one transaction."""
        changed: list[Order] = []
        pins: list[Pin] = []
        rejected: list[EventRejected] = []
        metrics: list[MetricsReported] = []
        stock: list[StockUpdated] = []
        cursor = self.cursor
        ledger = self.ledger
        for item in batch:
            event = item.event
            if isinstance(event, EventRejected):  # kept with its reason; the show goes on
                rejected.extend(self._new_rejections((event,)))
            elif isinstance(event, MetricsReported):
                metrics.append(event)
                if event.viewers is not None:
                    self.viewers = event.viewers
            elif isinstance(event, CommentPosted):
                if event.comment_id not in self._comment_ids:  # a poll may read it again
                    self._comment_ids[event.comment_id] = None
                    if len(self._comment_ids) > COMMENT_IDS_KEPT:
                        self._comment_ids.popitem(last=False)
                    self.comments.append(event)
                    self._dirty = True
            elif isinstance(event, OrderCreated | OrderUpdated):
                applied = ledger.apply(event.order)
                if applied is not None:
                    changed.append(applied)
            elif isinstance(event, OrdersResynced):
                changed.extend(ledger.apply_all(event.orders))
            elif isinstance(event, PinChanged):
                if event.pin is not None and ledger.pin_seen(event.pin):
                    pins.append(event.pin)
            elif isinstance(event, StockUpdated):
                ledger.stock_reported(event.product_id, event.stock)
                stock.append(event)
            elif isinstance(event, ViewersUpdated):
                self.viewers = event.viewers
                self._dirty = True
            elif isinstance(event, SessionUpdated):
                self.session_status = event.status
                self._dirty = True
            cursor = item.cursor if item.cursor is not None else cursor
        moved = cursor != self.cursor
        if changed or pins or moved or rejected or metrics or stock:
            await self._store.save_ingest(
                self.show_id, changed, pins, cursor if moved else None, rejected, metrics, stock
            )
            self.cursor = cursor
            self.batches += 1
        if metrics:
            self.metrics.extend(metrics)
            self._dirty = True
        if stock:
            self._dirty = True
        self._quarantined(rejected)
        if changed or pins:
            self._note(changed)

    def _new_rejections(self, found: Sequence[EventRejected]) -> list[EventRejected]:
        """The ones not yet kept (a resync or a reconcile reads the same bad order again)."""
        new = []
        for r in found:
            key = (r.event_type, r.event_id, r.reason)
            if key not in self._rejected_keys:
                self._rejected_keys.add(key)
                new.append(r)
        return new

    def _quarantined(self, rejected: Sequence[EventRejected]) -> None:
        if rejected:
            self.rejected = (*self.rejected, *rejected)
            self._dirty = True
            for r in rejected:
                logger.info("could not apply %s %s: %s", r.event_type, r.event_id, r.reason)
