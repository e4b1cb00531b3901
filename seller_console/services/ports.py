"""The small interfaces services and the UI need from the outer layers; app.py fills them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from seller_console.domain.events import Pin
from seller_console.domain.orders import Order
from seller_console.domain.platform_port import IdempotencyKey
from seller_console.domain.show_records import (
    IntentStatus,
    JournalEntry,
    PinReceipt,
    PlannedSegment,
    ShowRecord,
)


class ImageSource(Protocol):
    async def fetch(self, url: str) -> bytes | None:
        """The image's bytes, from a cache or the network; None when it cannot be had."""
        ...


class LedgerStore(Protocol):
    """Where a session's orders, the pins the stream reported and the stream cursor live."""

    async def save_ingest(
        self, session_id: str, orders: Sequence[Order], pins: Sequence[Pin], cursor: str | None
    ) -> None:
        """Orders (merged by id), pins and the cursor that covers them in ONE transaction;
        ``cursor`` None keeps the saved one. Raises ``StorageError``."""
        ...

    async def load_orders(self, session_id: str) -> tuple[Order, ...]: ...

    async def load_pins(self, session_id: str) -> tuple[Pin, ...]: ...

    async def load_cursor(self, session_id: str) -> str | None: ...


class JournalStore(Protocol):
    """The action journal and the pin receipts: user intents that survive a restart."""

    async def record_intent(self, entry: JournalEntry) -> None: ...

    async def finish_intent(
        self, key: IdempotencyKey, status: IntentStatus, outcome: str | None
    ) -> None: ...

    async def unfinished_intents(self, show_id: str) -> tuple[JournalEntry, ...]: ...

    async def save_pin_receipt(self, receipt: PinReceipt) -> None: ...

    async def pin_receipts(self, show_id: str) -> tuple[PinReceipt, ...]: ...


class ShowArchive(Protocol):
    """Shows past and present, with their planned rundown."""

    async def create_show(self, show: ShowRecord, segments: Sequence[PlannedSegment]) -> None: ...

    async def update_show(self, show: ShowRecord) -> None: ...

    async def list_shows(self) -> tuple[ShowRecord, ...]: ...

    async def get_show(self, show_id: str) -> ShowRecord: ...

    async def segments(self, show_id: str) -> tuple[PlannedSegment, ...]: ...


class ShowStorage(LedgerStore, JournalStore, ShowArchive, Protocol):
    """All of a show's storage at once (``storage.ShowStore`` is one)."""
