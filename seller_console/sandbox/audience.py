"""The simulated audience's rate model: pure functions over a ``random.Random``.

- Viewers join at a rate that pulls the count toward the show's audience size and leave
  one by one, so the count wanders around that size.
- Purchases: a live session sells ``rate`` orders a second while a product is pinned and
  can sell; the pinned product takes ``PIN_SHARE`` of them, the rest of the bag shares the
  remainder, cheaper products more (weight = cheapest price / price). Without a sellable
  pin only that remainder (the bag's trickle) sells.
- Quantities are mostly 1, sometimes 2 or 3, never more than what is left.
- ``Stock`` keeps what is left of each item for the practice dialects (Shopee, TikTok):
  every order they make takes its units from it, so nothing sells past zero.

Weights are floats: they are probabilities, never money (prices only enter as a ratio).
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

PIN_SHARE = 0.75
VIEWER_TURNOVER_PER_S = 0.02
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Offer:
    """A product viewers can buy right now: its price and what is left (None: no limit)."""

    product_id: str
    price: Decimal
    available: int | None
    pinned: bool


class Stock(Generic[K]):
    """Units left per item; an item not listed (or listed as None) is not tracked.

    The one place a practice platform decides whether an item can sell and how many units an
    order gets: a real platform stops selling at zero, so every path that makes an order
    (the audience's ticks, any injected order) takes its units here first."""

    def __init__(self, levels: Mapping[K, int | None]) -> None:
        self._left = dict(levels)

    def left(self, key: K) -> int | None:
        return self._left.get(key)

    def can_sell(self, key: K) -> bool:
        left = self._left.get(key)
        return left is None or left > 0

    def take(self, rng: random.Random, key: K) -> int:
        """The units of one order of ``key`` (``quantity``), taken from what is left; 0
        when it is sold out (then no order may be made)."""
        left = self._left.get(key)
        units = quantity(rng, left)
        if left is not None:
            self._left[key] = left - units
        return units

    def levels(self) -> dict[K, int | None]:
        return dict(self._left)


def sellable(offers: Sequence[Offer]) -> list[Offer]:
    return [o for o in offers if o.available is None or o.available > 0]


def order_rate(rate: float, offers: Sequence[Offer]) -> float:
    """Orders a second for these offers: the full rate with a sellable pin, else the trickle."""
    live = sellable(offers)
    if not live:
        return 0.0
    if any(o.pinned for o in live):
        return rate
    return rate * (1.0 - PIN_SHARE)


def purchase_weights(offers: Sequence[Offer]) -> list[float]:
    """Each offer's share of the next order (sums to 1; zero for what cannot sell)."""
    can_sell = [o.available is None or o.available > 0 for o in offers]
    others = [o for o, ok in zip(offers, can_sell, strict=True) if ok and not o.pinned]
    pinned_ok = any(o.pinned and ok for o, ok in zip(offers, can_sell, strict=True))
    positive = [o.price for o in others if o.price > 0]
    cheapest = min(positive) if positive else Decimal(1)
    raw: list[float] = []
    for offer, ok in zip(offers, can_sell, strict=True):
        if not ok or offer.pinned:
            raw.append(0.0)
        else:
            raw.append(float(cheapest / offer.price) if offer.price > 0 else 1.0)
    rest = sum(raw)
    rest_share = 1.0 - PIN_SHARE if pinned_ok and rest > 0 else (1.0 if rest > 0 else 0.0)
    weights = [w / rest * rest_share if rest > 0 else 0.0 for w in raw]
    if pinned_ok:
        pin_share = 1.0 - rest_share
        weights = [
            pin_share if (o.pinned and ok) else w
            for o, ok, w in zip(offers, can_sell, weights, strict=True)
        ]
    return weights


def pick(rng: random.Random, weights: Sequence[float]) -> int | None:
    """The index chosen by ``weights``; None when nothing can be chosen."""
    total = sum(weights)
    if total <= 0:
        return None
    point = rng.random() * total
    acc = 0.0
    last = None
    for index, weight in enumerate(weights):
        if weight <= 0:
            continue
        last = index
        acc += weight
        if point < acc:
            return index
    return last


def quantity(rng: random.Random, available: int | None) -> int:
    """Mostly 1, sometimes 2 or 3; never more than ``available``."""
    roll = rng.random()
    wanted = 1 if roll < 0.85 else (2 if roll < 0.97 else 3)
    return wanted if available is None else max(0, min(wanted, available))


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth below 30, a rounded normal above)."""
    if mean <= 0:
        return 0
    if mean >= 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit = math.exp(-mean)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def audience_size(rng: random.Random) -> int:
    """How many people a show draws when it is in full swing."""
    return rng.randint(150, 900)


def viewers_step(rng: random.Random, viewers: int, target: int, dt: float) -> int:
    """The viewer count after ``dt`` seconds: arrivals toward ``target``, departures."""
    arrivals = poisson(
        rng,
        target * VIEWER_TURNOVER_PER_S * dt * 3
        if viewers < target
        else target * VIEWER_TURNOVER_PER_S * dt,
    )
    departures = poisson(rng, viewers * VIEWER_TURNOVER_PER_S * dt)
    return max(0, viewers + arrivals - departures)
