"""The small interfaces services and the UI need from the outer layers; app.py fills them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from seller_console.domain.events import EventRejected, MetricsReported, Pin, StockUpdated
from seller_console.domain.orders import Order
from seller_console.domain.platform_port import IdempotencyKey
from seller_console.domain.show_records import (
    IntentStatus,
    JournalEntry,
    PinReceipt,
    PlannedSegment,
    ShowRecord,
    ShowTotals,
)


class ImageSource(Protocol):
    async def fetch(self, url: str) -> bytes | None:
        """The image's bytes, from a cache or the network; None when it cannot be had."""
        ...


class LedgerStore(Protocol):
    """Where a show's orders, the pins its stream reported and the stream cursor live
    (keyed by our show id: the platform's ids are unique only within its account)."""

    async def save_ingest(
        self,
        show_id: str,
        orders: Sequence[Order],
        pins: Sequence[Pin],
        cursor: str | None,
        rejected: Sequence[EventRejected] = (),
        metrics: Sequence[MetricsReported] = (),
        stock: Sequence[StockUpdated] = (),
    ) -> None:
        """Orders (merged by id), pins, what could not be applied, the platform's stock
        figures (the newest per product kept) and the cursor that covers them in ONE
        transaction; ``cursor`` None keeps the saved one. Raises ``StorageError``."""
        ...

    async def load_rejected(self, show_id: str) -> tuple[EventRejected, ...]: ...

    async def load_metrics(self, show_id: str) -> tuple[MetricsReported, ...]: ...

    async def load_stock(self, show_id: str) -> dict[str, int | None]: ...

    async def load_orders(self, show_id: str) -> tuple[Order, ...]: ...

    async def load_pins(self, show_id: str) -> tuple[Pin, ...]: ...

    async def load_cursor(self, show_id: str) -> str | None: ...


class JournalStore(Protocol):
    """The action journal and the pin receipts: user intents that survive a restart.
    A pin costs two transactions: the intent with its receipt as sent, then the outcome
    with its receipt as answered."""

    async def record_intent(
        self, entry: JournalEntry, receipt: PinReceipt | None = None
    ) -> None: ...

    async def finish_intent(
        self,
        key: IdempotencyKey,
        status: IntentStatus,
        outcome: str | None,
        receipt: PinReceipt | None = None,
    ) -> None: ...

    async def unfinished_intents(self, show_id: str) -> tuple[JournalEntry, ...]: ...

    async def pin_receipts(self, show_id: str) -> tuple[PinReceipt, ...]: ...


class ShowArchive(Protocol):
    """Shows past and present, with their planned rundown."""

    async def create_show(
        self, show: ShowRecord, segments: Sequence[PlannedSegment], plan: str | None = None
    ) -> None: ...

    async def show_plan(self, show_id: str) -> str | None: ...

    async def update_show(self, show: ShowRecord) -> None: ...

    async def list_shows(self) -> tuple[ShowRecord, ...]: ...

    async def get_show(self, show_id: str) -> ShowRecord: ...

    async def segments(self, show_id: str) -> tuple[PlannedSegment, ...]: ...

    async def kept_totals(self) -> dict[str, tuple[int, ShowTotals | None]]: ...

    async def keep_totals(self, show_id: str, version: int, totals: ShowTotals) -> None: ...


class ShowStorage(LedgerStore, JournalStore, ShowArchive, Protocol):
    """All of a show's storage at once (``storage.ShowStore`` is one)."""


class OrderSource(Protocol):
    """A platform that can read a past session's orders again (``Refresh`` on a past show)."""

    async def orders_between(
        self, session_id: str, since: datetime, until: datetime
    ) -> Sequence[Order]:
        """Every order of ``session_id`` placed between ``since`` and ``until``, in its
        current state (settled, refunded), all pages read."""
        ...
