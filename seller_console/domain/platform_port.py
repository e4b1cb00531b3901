"""The interface services use to talk to a live shopping platform, and the values it carries.

Services depend on this module only; ``seller_console.platform`` implements it (the Live
Commerce API client first) and ``app.py`` injects the implementation. Everything here is
pure typing and plain data: no I/O.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Generic, NewType, Protocol, TypeVar, cast

from seller_console.domain.connection import LinkStatus
from seller_console.domain.events import Delivery, EventRejected, Pin, SessionStatus
from seller_console.domain.money import Currency, Money
from seller_console.domain.orders import Order

IdempotencyKey = NewType("IdempotencyKey", str)
T = TypeVar("T")


def new_idempotency_key() -> IdempotencyKey:
    """Mint the key for one user intent. Persist it with the intent and pass the same key on
    every retry and every replay after a restart, so the platform acts at most once."""
    return IdempotencyKey(str(uuid.uuid4()))


class PinKind(enum.Enum):
    """How a platform lets the console pin a product (see product.md, Platforms and pins)."""

    CONFIRMED = "confirmed"
    """The API sets the pin and reads it back."""
    LINEUP_ONLY = "lineup_only"
    """The API can put products in the show but cannot pin them."""
    OPERATOR_PERFORMED = "operator_performed"
    """No API: the console cues the operator, who pins in the platform's app and confirms."""


class SalesKind(enum.Enum):
    """How a platform tells the console what sold (see product.md, Platforms and pins)."""

    ORDER_STREAM = "order_stream"
    """The platform pushes each order: ``events()`` yields OrderCreated / OrderUpdated."""
    POLLED_ORDERS = "polled_orders"
    """The adapter polls the platform's orders and yields them as OrderCreated / OrderUpdated
    (TikTok affiliate orders: estimated, then settled commission)."""
    METRICS_ONLY = "metrics_only"
    """No orders at all: the adapter polls running figures and yields ``MetricsReported``."""


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What an adapter can do; the live session and the window adapt to it."""

    pins: PinKind
    sales: SalesKind
    viewers: bool
    comments: bool
    matches_products: bool = False
    """The adapter is a ``ProductMatcher``: pre-flight can ask it, without changing
    anything on the platform, which of our products it can sell and at what price."""


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    handle: str
    display_name: str
    default_currency: Currency


@dataclass(frozen=True, slots=True)
class ShowcaseProduct:
    """A product as viewers see it in the account's showcase."""

    id: str
    sku: str
    title: str
    brand: str
    price: Money
    commission_rate: Decimal
    compare_at_price: Money | None = None
    image_url: str | None = None
    stock: int | None = None


@dataclass(frozen=True, slots=True)
class ProductMatch:
    """What the platform has for one of our products (``ShowcaseProduct.id``), looked up by
    its SKU. ``platform_id`` is None when nothing matched, and ``reason`` says why in a
    host's words; ``price`` is what viewers pay on the platform, when it says."""

    product_id: str
    sku: str
    platform_id: str | None
    price: Money | None = None
    reason: str = ""


class ProductMatcher(Protocol):
    """A platform that can tell which products it can sell (``Capabilities.matches_products``)."""

    async def match_products(self, products: Sequence[ShowcaseProduct]) -> list[ProductMatch]:
        """One match per product, in order. Reads only: nothing is published or changed,
        so it may run at any time, a live show included."""
        ...


def product_matcher(adapter: PlatformAdapter) -> ProductMatcher | None:
    """The adapter as a ``ProductMatcher`` when its capabilities declare one, else None."""
    if not adapter.capabilities.matches_products:
        return None
    return cast(ProductMatcher, adapter)


@dataclass(frozen=True, slots=True)
class BatchItemResult:
    """One product's outcome in a batch upsert: ``error_code`` is None when it was stored."""

    product_id: str
    error_code: str | None = None
    error_detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_code is None


@dataclass(frozen=True, slots=True)
class AffiliateLink:
    code: str
    url: str


@dataclass(frozen=True, slots=True)
class SessionStats:
    """The platform's own running totals for a session, one amount per currency."""

    orders: int
    units: int
    refunds: int
    revenue: tuple[Money, ...]
    commission: tuple[Money, ...]


@dataclass(frozen=True, slots=True)
class LiveSession:
    id: str
    title: str
    status: SessionStatus
    scheduled_start: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    pin: Pin | None = None
    bag: tuple[str, ...] = ()
    viewers: int = 0
    stats: SessionStats | None = None
    last_event_id: str | None = None
    """The newest event cursor when the session was read: a stream from here on misses
    nothing that happened after this read."""


@dataclass(frozen=True, slots=True)
class PinRequest:
    """Pin ``product_id``, optionally at a live price and with a stock limit for the show."""

    product_id: str
    live_price: Money | None = None
    stock_limit: int | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    next_cursor: str | None
    rejected: tuple[EventRejected, ...] = ()
    """Entries of this page that could not be read: kept, never the page's failure."""


LinkListener = Callable[[LinkStatus, float | None], None]
"""Told the event stream's state, and for RECONNECTING the seconds until the next try."""


class LivePlatform(Protocol):
    """What a show needs from a platform. Every mutating call takes the idempotency key of the
    user intent it carries out; an implementation reuses it on every retry."""

    async def get_session(self, session_id: str) -> LiveSession: ...

    async def start_session(
        self, session_id: str, *, idempotency_key: IdempotencyKey
    ) -> LiveSession: ...

    async def end_session(
        self, session_id: str, *, idempotency_key: IdempotencyKey
    ) -> LiveSession: ...

    async def set_bag(
        self, session_id: str, product_ids: Sequence[str], *, idempotency_key: IdempotencyKey
    ) -> LiveSession: ...

    async def pin(
        self, session_id: str, request: PinRequest, *, idempotency_key: IdempotencyKey
    ) -> Pin:
        """Pin a product; returns the pin the platform confirmed. Raises ``PlatformError``
        (kind CONFLICT when the session is not live, NOT_FOUND when the product is not in the
        showcase, UNSUPPORTED when the adapter's pins are not CONFIRMED)."""
        ...

    async def unpin(self, session_id: str, *, idempotency_key: IdempotencyKey) -> None: ...

    async def list_orders(
        self, session_id: str, *, after: str | None = None, limit: int | None = None
    ) -> Page[Order]: ...

    def events(
        self, session_id: str, *, after: str | None = None, on_link: LinkListener | None = None
    ) -> AsyncGenerator[Delivery, None]:
        """The session's events from ``after`` (a cursor from an earlier ``Delivery``) on,
        forever: reconnecting, resuming and resyncing as needed, never skipping an event.
        ``on_link`` hears the link's state: LIVE when the stream opens, RECONNECTING with
        the seconds until the next attempt when it breaks."""
        ...


class PlatformSetup(Protocol):
    """What preparing a show needs before it goes live: the account, the showcase, sessions."""

    async def me(self) -> Account: ...

    async def upsert_products(
        self, products: Sequence[ShowcaseProduct], *, idempotency_key: IdempotencyKey | None = None
    ) -> list[BatchItemResult]:
        """Up to ``SHOWCASE_BATCH`` products in one call; one result per product, in order."""
        ...

    async def create_session(
        self,
        title: str,
        *,
        scheduled_start: datetime | None = None,
        idempotency_key: IdempotencyKey | None = None,
    ) -> LiveSession: ...


SHOWCASE_BATCH = 500


class PlatformAdapter(LivePlatform, PlatformSetup, Protocol):
    """One platform, as the live session sees it: one folder under ``platform/`` each
    (the Live Commerce API, Shopee, TikTok Shop, manual pins).

    ``events()`` is the one way news arrives, whatever the platform: an adapter that polls
    (orders, metrics, comments) turns each poll into deliveries, with a cursor when the
    platform gives one to resume from."""

    @property
    def platform(self) -> str:
        """The platform's kind, e.g. ``"livecommerce"``, ``"shopee"``, ``"tiktok"``: with the
        account id from ``me()`` it scopes everything stored for a show."""
        ...

    @property
    def capabilities(self) -> Capabilities: ...

    async def aclose(self) -> None: ...


class SecretStore(Protocol):
    """Where the API key lives between runs (the OS keychain, or this run's memory)."""

    async def load(self, account: str) -> str | None: ...

    async def save(self, account: str, secret: str) -> SecretSaved: ...

    async def delete(self, account: str) -> None: ...


class SecretPlace(enum.Enum):
    KEYCHAIN = "keychain"
    THIS_RUN_ONLY = "this_run_only"


@dataclass(frozen=True, slots=True)
class SecretSaved:
    """Where a secret was kept. ``notice`` says plainly why when it is kept for this run only."""

    place: SecretPlace
    notice: str | None = None
