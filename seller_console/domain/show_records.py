"""What a show keeps beyond its orders: the show itself, its planned segments, the receipts
of its pins, the journal of user intents, and its totals as its report has them. Plain
data; storage keeps it."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from seller_console.domain.ledger import Figures
from seller_console.domain.metrics import MetricsFigures
from seller_console.domain.money import Money
from seller_console.domain.platform_port import IdempotencyKey
from seller_console.domain.rundown import RundownItem
from seller_console.domain.showcase import showcase_id


class ShowStatus(enum.Enum):
    PLANNED = "planned"
    LIVE = "live"
    ENDING = "ending"  # the platform ended it; its last orders and report are not yet kept
    ENDED = "ended"

    @property
    def unfinished(self) -> bool:
        """Went live and was never wrapped up: offered back at the next start."""
        return self in (ShowStatus.LIVE, ShowStatus.ENDING)


@dataclass(frozen=True, slots=True)
class PlatformAccount:
    """Whose show it is: the platform's kind and the account on it. Together with the show
    they scope everything stored: a platform's session and order ids are only unique
    within its account (and a restarted practice platform may hand them out again)."""

    platform: str  # e.g. "livecommerce", "shopee", "tiktok"
    account: str  # where and who, e.g. "https://api.example.com acc_123"

    def __str__(self) -> str:
        return f"{self.platform}: {self.account}" if self.account else self.platform


@dataclass(frozen=True, slots=True)
class ShowRecord:
    """One show: ours (``id`` is minted here), on one platform account's session."""

    id: str
    session_id: str
    title: str
    created_at: datetime
    status: ShowStatus = ShowStatus.PLANNED
    started_at: datetime | None = None
    ended_at: datetime | None = None
    owner: PlatformAccount = PlatformAccount("livecommerce", "")
    by_time: bool = False
    """Sales count in the pin window their time fell in: the platform does not say which
    pin an order came from (polled orders), or the operator performs the pins."""
    refreshed_at: datetime | None = None
    """When the show's orders were last read again from the platform ("Refresh": what
    settled or was refunded since), None when never."""


@dataclass(frozen=True, slots=True)
class PlannedSegment:
    """One rundown item as the show planned it. ``product_id`` is the showcase id the
    ledger keys sales and pins by; ``title`` names the variant too (50 ml vs 150 ml)."""

    item_id: str
    position: int
    product_id: str
    title: str
    planned_seconds: int
    live_price: Money | None = None
    stock_cap: int | None = None
    commission_rate: Decimal | None = None

    @classmethod
    def of(cls, item: RundownItem, position: int) -> PlannedSegment:
        return cls(
            item_id=item.id,
            position=position,
            product_id=showcase_id(item.product.variant_id),
            title=item.product.display_title,
            planned_seconds=item.planned_seconds,
            live_price=item.live_price,
            stock_cap=item.stock_cap,
            commission_rate=item.product.commission_rate,
        )


class PinOutcome(enum.Enum):
    SENT = "sent"
    CONFIRMED = "confirmed"
    FAILED = "failed"
    PERFORMED = "performed"  # by the operator, in the platform's own app


@dataclass(frozen=True, slots=True)
class PinReceipt:
    """One pin the console sent: when, what the platform said, and how long it took."""

    key: IdempotencyKey
    show_id: str
    product_id: str
    sent_at: datetime
    outcome: PinOutcome = PinOutcome.SENT
    pin_id: str | None = None
    answered_at: datetime | None = None
    failure: str | None = None
    refused: bool = False
    """The platform refused the pin call itself (unavailable or not allowed for this
    account): pins go to the operator for the rest of the show. Not stored."""

    @property
    def latency_ms(self) -> float | None:
        if self.answered_at is None:
            return None
        return (self.answered_at - self.sent_at).total_seconds() * 1000.0


class IntentKind(enum.Enum):
    START = "start"
    END = "end"
    SET_BAG = "set_bag"
    PIN = "pin"
    UNPIN = "unpin"


class IntentStatus(enum.Enum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One user intent: replayed with the same key until the platform answers it."""

    key: IdempotencyKey
    show_id: str
    session_id: str
    kind: IntentKind
    created_at: datetime
    product_id: str | None = None
    product_ids: tuple[str, ...] = ()
    live_price: Money | None = None
    stock_limit: int | None = None
    status: IntentStatus = IntentStatus.PENDING
    outcome: str | None = None
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class ShowTotals:
    """What a show sold, as its report totals it: per currency, the one with the most
    orders first (then by code), and a metrics-only platform's own figures."""

    figures: tuple[Figures, ...] = ()
    metrics: MetricsFigures | None = None

    @property
    def commission_from_platform(self) -> bool:
        """The platform reported commission on the show's orders (in some currency): its
        figure is what it credits, whatever rates the catalog had; else only the console's
        estimate from the catalog's rates is known."""
        return any(not f.commission_reported.is_zero() for f in self.figures)

    @property
    def commission(self) -> tuple[Money, ...]:
        """Per currency, as ``figures``: the commission nights are compared by, the
        platform's when it reported any (``commission_from_platform``), else the
        console's estimate."""
        platform = self.commission_from_platform
        return tuple(
            f.commission_reported if platform else f.commission_estimated for f in self.figures
        )
