"""In-memory stand-ins for storage, shared by the services tests."""

from __future__ import annotations

from collections.abc import Sequence

from seller_console.domain.events import EventRejected, MetricsReported, Pin, StockUpdated
from seller_console.domain.ledger import progress
from seller_console.domain.orders import Order


class MemoryLedgerStore:
    """A ``LedgerStore`` whose ``save_ingest`` is all or nothing, like one transaction."""

    def __init__(self) -> None:
        self.orders: dict[str, Order] = {}
        self.pins: dict[str, Pin] = {}
        self.cursor: str | None = None
        self.rejected: list[EventRejected] = []
        self.metrics: list[MetricsReported] = []
        self.stock: dict[str, int | None] = {}
        self.commits = 0

    async def save_ingest(
        self,
        session_id: str,
        orders: Sequence[Order],
        pins: Sequence[Pin],
        cursor: str | None,
        rejected: Sequence[EventRejected] = (),
        metrics: Sequence[MetricsReported] = (),
        stock: Sequence[StockUpdated] = (),
    ) -> None:
        self.rejected.extend(rejected)
        self.metrics.extend(metrics)
        self.stock.update((s.product_id, s.stock) for s in stock)
        for order in orders:
            old = self.orders.get(order.id)
            if old is None or progress(order) > progress(old):
                self.orders[order.id] = order
        for pin in pins:
            self.pins.setdefault(pin.pin_id, pin)
        if cursor is not None:
            self.cursor = cursor
        self.commits += 1

    async def load_orders(self, session_id: str) -> tuple[Order, ...]:
        return tuple(self.orders.values())

    async def load_metrics(self, session_id: str) -> tuple[MetricsReported, ...]:
        return tuple(self.metrics)

    async def load_stock(self, session_id: str) -> dict[str, int | None]:
        return dict(self.stock)

    async def load_rejected(self, session_id: str) -> tuple[EventRejected, ...]:
        return tuple(self.rejected)

    async def load_pins(self, session_id: str) -> tuple[Pin, ...]:
        return tuple(self.pins.values())

    async def load_cursor(self, session_id: str) -> str | None:
        return self.cursor
