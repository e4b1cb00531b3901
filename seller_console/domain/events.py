"""What happens in a live session, as typed events, and the stream cursor that covers them.

The platform's event stream is delivered at least once: the same event may arrive twice, and
after a reconnect or a resync the same order may be reported again. Each ``Delivery`` carries
the cursor to resume from once it has been applied; the ledger de-duplicates by order id and
saves the cursor in the same transaction as what it covers.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from seller_console.domain.money import Money
from seller_console.domain.orders import Order


class SessionStatus(enum.Enum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class Pin:
    """The product pinned in a live session; ``version`` grows with every pin change."""

    pin_id: str
    product_id: str
    pinned_at: datetime
    version: int
    live_price: Money | None = None
    stock_limit: int | None = None


@dataclass(frozen=True, slots=True)
class OrderCreated:
    order: Order


@dataclass(frozen=True, slots=True)
class OrderUpdated:
    """A refund or a cancellation: ``order`` is the order's whole new state."""

    order: Order


@dataclass(frozen=True, slots=True)
class PinChanged:
    """The pin moved; ``pin`` is None when the session was unpinned."""

    session_id: str
    pin: Pin | None


@dataclass(frozen=True, slots=True)
class BagChanged:
    session_id: str
    product_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ViewersUpdated:
    session_id: str
    viewers: int


@dataclass(frozen=True, slots=True)
class StockUpdated:
    """``stock`` is None when the product's stock is not tracked."""

    session_id: str
    product_id: str
    stock: int | None


@dataclass(frozen=True, slots=True)
class SessionUpdated:
    session_id: str
    status: SessionStatus


@dataclass(frozen=True, slots=True)
class CursorMoved:
    """The stream moved its cursor without news (an id-only block, or an unknown event type)."""


@dataclass(frozen=True, slots=True)
class OrdersResynced:
    """The stream could not replay what was missed, so the session's whole order list was read
    again. Every order in it is its current state; apply each as an upsert by order id."""

    session_id: str
    orders: tuple[Order, ...]


@dataclass(frozen=True, slots=True)
class ItemMetrics:
    """A platform's running figures for one product of the session (metrics-only platforms).

    Counts are cumulative since the session started; ``gmv`` is None when the platform
    reports none per product."""

    product_id: str
    sold_items: int = 0
    clicks: int = 0
    add_to_cart: int = 0
    gmv: Money | None = None


@dataclass(frozen=True, slots=True)
class MetricsReported:
    """A poll of a metrics-only platform (Shopee Live): cumulative session figures as read at
    ``at``. The live session attributes the growth since the previous report to the pin
    window it fell in; the figures are the platform's, never orders of ours."""

    session_id: str
    at: datetime
    gmv: Money | None
    orders: int
    sold_items: int
    viewers: int | None = None  # concurrent viewers now
    peak_viewers: int | None = None
    likes: int | None = None
    comments: int | None = None
    items: tuple[ItemMetrics, ...] = ()


@dataclass(frozen=True, slots=True)
class CommentPosted:
    """A viewer's comment. ``comment_id`` is unique within the session only; ``text`` and
    ``author`` are untrusted and shown as plain text."""

    session_id: str
    comment_id: str
    author: str
    text: str
    at: datetime


RAW_KEPT_CHARS = 4096
"""How much of a rejected event's text ``EventRejected.raw`` keeps."""


@dataclass(frozen=True, slots=True)
class EventRejected:
    """An event (or an order of the orders list) that could not be applied: it is kept, with
    the reason, so it can be shown in a "could not apply" list, and the stream goes on past it.

    ``event_id`` is the stream's id for the event as sent (it may be unsafe to send back, which
    can be the reason), or the order's id for an order of the orders list; empty when there
    was none. ``raw`` is the event's text; each text is cut to ``RAW_KEPT_CHARS`` characters. All
    are untrusted: show them as plain text."""

    session_id: str
    event_id: str
    event_type: str
    reason: str
    raw: str

    def __post_init__(self) -> None:
        for name in ("event_id", "event_type", "raw"):
            value = getattr(self, name)
            if len(value) > RAW_KEPT_CHARS:
                object.__setattr__(self, name, value[:RAW_KEPT_CHARS])


SessionEvent = (
    OrderCreated
    | OrderUpdated
    | PinChanged
    | BagChanged
    | ViewersUpdated
    | StockUpdated
    | SessionUpdated
    | CursorMoved
    | OrdersResynced
    | MetricsReported
    | CommentPosted
    | EventRejected
)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event with the cursor to resume from once it (and all before it) has been applied.

    ``cursor`` is None only before the stream has seen any event id.
    """

    cursor: str | None
    event: SessionEvent
