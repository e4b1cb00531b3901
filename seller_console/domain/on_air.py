"""What is on air, for everything that shows it outside the window: the stream overlay, OBS
and the host view.

``OnAirState`` is one immutable snapshot; a publisher hands each new one, with a growing
``version``, to every ``OnAirSubscriber``. ``on_air_state`` builds it from the rundown's
values; ``on_air_json`` is its wire form (money as decimal strings plus the ISO currency,
times in RFC 3339 UTC), the one the overlay page reads.

Rules kept here:
- the crossed-out price is the higher of the catalog price and the compare-at price, shown
  only when it is above the live price (and in the same currency);
- the stock bar runs from what could sell when the item was taken down to what is left;
- for TikTok, whose rules penalise links that take buyers off the platform, no text that
  reaches the stream carries a web address;
- a segment is *closing* in its last 30 seconds (its last quarter when shorter than two
  minutes) and *over* past its planned time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final, Protocol

from seller_console.domain.errors import DomainError
from seller_console.domain.money import Money
from seller_console.domain.rundown import RundownItem

MAX_COMMENTS: Final = 5
CLOSING_SECONDS: Final = 30
NO_LINK_PLATFORMS: Final = frozenset({"tiktok"})

# A web address as a viewer would type it: a scheme, "www.", or a dotted host with a
# top-level domain of letters (so "2.5 ml" or "v1.2" stay).
_LINK: Final = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://\S+|www\.\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\b(?:/\S*)?)",
    re.IGNORECASE,
)


class OnAirError(DomainError):
    """An on-air value that cannot be shown (a naive time, a negative count ...)."""


def _utc(name: str, value: datetime | None) -> None:
    if value is not None and value.utcoffset() is None:
        raise OnAirError(f"{name} must be a time with a UTC offset, got a naive {value:%H:%M:%S}")


@dataclass(frozen=True, slots=True)
class OnAirCard:
    """One product as the stream shows it.

    ``stock_left`` / ``stock_at_start``: None when the stock is unknown. ``flash_ends_at``:
    the absolute end of a flash sale (None: no flash sale). ``taken_at``: when the item went
    on air (None for "next up"). ``units_sold``: sold since this pin began.
    """

    item_id: str
    product_id: str
    title: str
    variant_title: str
    image_url: str
    price: Money | None
    compare_at: Money | None
    stock_left: int | None
    stock_at_start: int | None
    flash_ends_at: datetime | None
    units_sold: int
    talking_points: tuple[str, ...]
    planned_seconds: int
    taken_at: datetime | None
    units_shop_wide: bool = False
    """``units_sold`` is the whole shop's during this pin (the platform reports no
    per-product figures), not this product's."""

    def __post_init__(self) -> None:
        _utc("flash_ends_at", self.flash_ends_at)
        _utc("taken_at", self.taken_at)
        for name in ("stock_left", "stock_at_start"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise OnAirError(f"{name} cannot be negative (got {value})")
        if self.units_sold < 0:
            raise OnAirError(f"units_sold cannot be negative (got {self.units_sold})")
        if self.planned_seconds < 0:
            raise OnAirError(f"planned_seconds cannot be negative (got {self.planned_seconds})")
        if self.compare_at is not None and (
            self.price is None or self.compare_at.currency != self.price.currency
        ):
            raise OnAirError("a crossed-out price needs a live price in the same currency")

    @property
    def display_title(self) -> str:
        return f"{self.title} — {self.variant_title}" if self.variant_title else self.title

    @property
    def stock_fraction(self) -> float | None:
        """How full the stock bar is, 0..1; None when there is nothing to draw."""
        if self.stock_left is None or not self.stock_at_start:
            return None
        return max(0.0, min(1.0, self.stock_left / self.stock_at_start))

    def segment_remaining(self, now: datetime) -> float | None:
        """Seconds left in the segment's plan (negative: overtime); None before the take."""
        if self.taken_at is None:
            return None
        return self.planned_seconds - (now - self.taken_at).total_seconds()

    def flash_remaining(self, now: datetime) -> float | None:
        """Seconds left in the flash sale (0 once it ended); None without one."""
        if self.flash_ends_at is None:
            return None
        return max(0.0, (self.flash_ends_at - now).total_seconds())


@dataclass(frozen=True, slots=True)
class OnAirState:
    """What is on air now and what comes next, at ``version`` (grows with every change)."""

    show_id: str
    version: int
    live: OnAirCard | None
    next_up: OnAirCard | None
    platform: str
    server_time: datetime
    comments: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.version < 0:
            raise OnAirError(f"version cannot be negative (got {self.version})")
        _utc("server_time", self.server_time)

    @property
    def allows_links(self) -> bool:
        return self.platform.lower() not in NO_LINK_PLATFORMS


class SegmentPhase(StrEnum):
    ON_TIME = "on_time"
    CLOSING = "closing"
    OVER = "over"


def segment_phase(remaining: float, planned_seconds: int) -> SegmentPhase:
    """Where a segment with ``remaining`` seconds left (negative: overtime) stands."""
    if remaining < 0:
        return SegmentPhase.OVER
    if remaining <= min(CLOSING_SECONDS, planned_seconds / 4):
        return SegmentPhase.CLOSING
    return SegmentPhase.ON_TIME


class ObsLinkState(StrEnum):
    OFF = "off"  # OBS control is not turned on
    CONNECTING = "connecting"
    CONNECTED = "connected"
    ABSENT = "absent"  # not reachable (not running, dropped): retried with backoff
    REFUSED = "refused"  # it answered but will not (wrong password, a name taken ...)


@dataclass(frozen=True, slots=True)
class ObsBadge:
    """What the window's OBS badge shows: the link's state and, in plain words, why (the
    reason OBS is absent or refused, when it retries, the newest take it confirmed)."""

    state: ObsLinkState
    detail: str = ""

    @property
    def text(self) -> str:
        label = {
            ObsLinkState.OFF: "OBS: off",
            ObsLinkState.CONNECTING: "OBS: connecting",
            ObsLinkState.CONNECTED: "OBS: connected",
            ObsLinkState.ABSENT: "OBS: absent",
            ObsLinkState.REFUSED: "OBS: refused",
        }[self.state]
        return f"{label} ({self.detail})" if self.detail else label


class OnAirSubscriber(Protocol):
    """Anything that shows what is on air. Called on the publisher's thread; it must return
    at once (hand the state to its own thread or loop, keep only the newest)."""

    def on_state(self, state: OnAirState) -> None: ...


def _crossed_out(price: Money | None, *candidates: Money | None) -> Money | None:
    if price is None:
        return None
    higher = [m for m in candidates if m is not None and m.currency == price.currency]
    best = max(higher, default=None, key=lambda m: m.amount)
    return best if best is not None and best > price else None


def _points(text: str) -> tuple[str, ...]:
    return tuple(line.strip(" \t-•*") for line in text.splitlines() if line.strip(" \t-•*"))


def on_air_card(
    item: RundownItem,
    *,
    stock_left: int | None = None,
    units_sold: int = 0,
    taken_at: datetime | None = None,
    flash_ends_at: datetime | None = None,
    units_shop_wide: bool = False,
) -> OnAirCard:
    """The card for ``item``. ``stock_left`` None: what could sell when it was taken.

    During a flash sale (``flash_ends_at`` given) an item with a flash price shows it, with
    the item's usual price crossed out."""
    product = item.product
    start = item.sellable_units
    price = item.price
    if flash_ends_at is not None and item.flash_price is not None:
        price = item.flash_price
    return OnAirCard(
        item_id=item.id,
        product_id=product.product_id,
        title=product.title,
        variant_title=product.variant_title,
        image_url=product.image_url,
        price=price,
        compare_at=_crossed_out(price, item.price, product.price, product.compare_at_price),
        stock_left=start if stock_left is None else max(0, stock_left),
        stock_at_start=start,
        flash_ends_at=flash_ends_at,
        units_sold=units_sold,
        talking_points=_points(item.talking_points),
        planned_seconds=item.planned_seconds,
        taken_at=taken_at,
        units_shop_wide=units_shop_wide,
    )


def on_air_state(
    *,
    show_id: str,
    version: int,
    live: RundownItem | None,
    next_up: RundownItem | None,
    platform: str,
    now: datetime,
    taken_at: datetime | None = None,
    stock_left: int | None = None,
    units_sold: int = 0,
    units_shop_wide: bool = False,
    flash_ends_at: datetime | None = None,
    comments: Sequence[str] = (),
) -> OnAirState:
    """The state for a live item (taken at ``taken_at``) and the one after it.

    ``flash_ends_at``: the end of the live item's flash sale, running now.
    """
    if live is not None and flash_ends_at is not None and taken_at is None:
        raise OnAirError("a flash sale needs the time of the take")
    return OnAirState(
        show_id=show_id,
        version=version,
        live=None
        if live is None
        else on_air_card(
            live,
            stock_left=stock_left,
            units_sold=units_sold,
            taken_at=taken_at,
            flash_ends_at=flash_ends_at,
            units_shop_wide=units_shop_wide,
        ),
        next_up=None if next_up is None else on_air_card(next_up),
        platform=platform,
        server_time=now,
        comments=tuple(comments)[-MAX_COMMENTS:],
    )


def without_links(text: str) -> str:
    """``text`` with every web address taken out (and the blanks it leaves tidied)."""
    return " ".join(_LINK.sub(" ", text).split())


def rfc3339(moment: datetime) -> str:
    """``2026-05-01T18:00:00.250Z``: UTC, milliseconds."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _money(value: Money | None) -> dict[str, str] | None:
    return None if value is None else value.to_wire()


def _time(value: datetime | None) -> str | None:
    return None if value is None else rfc3339(value)


def _card_json(card: OnAirCard, links: bool) -> dict[str, object]:
    def text(value: str) -> str:
        return value if links else without_links(value)

    return {
        "item_id": card.item_id,
        "product_id": card.product_id,
        "title": text(card.title),
        "variant_title": text(card.variant_title),
        "image_url": card.image_url,
        "price": _money(card.price),
        "compare_at": _money(card.compare_at),
        "stock_left": card.stock_left,
        "stock_at_start": card.stock_at_start,
        "flash_ends_at": _time(card.flash_ends_at),
        "units_sold": card.units_sold,
        "talking_points": [text(p) for p in card.talking_points],
        "planned_seconds": card.planned_seconds,
        "taken_at": _time(card.taken_at),
    }


def on_air_json(state: OnAirState) -> dict[str, object]:
    """The wire form of ``state`` (``json.dumps`` ready: strings, ints, lists, None)."""
    links = state.allows_links
    return {
        "show_id": state.show_id,
        "version": state.version,
        "platform": state.platform,
        "server_time": rfc3339(state.server_time),
        "live": None if state.live is None else _card_json(state.live, links),
        "next_up": None if state.next_up is None else _card_json(state.next_up, links),
        "comments": [c if links else without_links(c) for c in state.comments],
    }
