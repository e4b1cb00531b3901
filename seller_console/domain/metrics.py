"""A metrics-only platform's figures (Shopee Live), attributed to pin windows.

Such a platform reports no orders, only running totals (``MetricsReported``: GMV, orders,
items sold, per product clicks and items sold). Each report's growth over the previous
one happened between the two reads: it is attributed to the pin window the later read
fell in (reads come every few seconds, so a growth that straddles a take lands in the
window that was on when it was seen). The figures are the platform's, never orders of
ours, and every report says so.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from seller_console.domain.events import MetricsReported
from seller_console.domain.ledger import NO_PIN, PinWindow
from seller_console.domain.money import Money


@dataclass(frozen=True, slots=True)
class MetricsFigures:
    """What grew in one window (or over the whole show): the platform's own numbers."""

    gmv: Money | None = None
    orders: int = 0
    sold_items: int = 0
    clicks: int = 0
    by_product: dict[str, int] = field(default_factory=dict)  # product id -> items sold

    def plus(self, other: MetricsFigures) -> MetricsFigures:
        gmv = self.gmv
        if other.gmv is not None:
            gmv = other.gmv if gmv is None else gmv + other.gmv
        products = dict(self.by_product)
        for product_id, sold in other.by_product.items():
            products[product_id] = products.get(product_id, 0) + sold
        return MetricsFigures(
            gmv,
            self.orders + other.orders,
            self.sold_items + other.sold_items,
            self.clicks + other.clicks,
            products,
        )


def growth(before: MetricsReported | None, after: MetricsReported) -> MetricsFigures:
    """What grew from ``before`` to ``after`` (from zero when there is no ``before``). A
    figure that went down (the platform corrected itself) counts as no growth."""
    gmv = after.gmv
    if before is not None and before.gmv is not None and gmv is not None:
        gmv = gmv - before.gmv if gmv.currency == before.gmv.currency else gmv
        if gmv.amount < 0:
            gmv = Money.zero(gmv.currency)
    sold_before = {i.product_id: i.sold_items for i in before.items} if before else {}
    clicks_before = sum(i.clicks for i in before.items) if before else 0
    by_product = {}
    for item in after.items:
        grew = item.sold_items - sold_before.get(item.product_id, 0)
        if grew > 0:
            by_product[item.product_id] = grew
    return MetricsFigures(
        gmv=gmv,
        orders=max(0, after.orders - (before.orders if before else 0)),
        sold_items=max(0, after.sold_items - (before.sold_items if before else 0)),
        clicks=max(0, sum(i.clicks for i in after.items) - clicks_before),
        by_product=by_product,
    )


def by_window(
    reports: Sequence[MetricsReported], windows: Sequence[PinWindow]
) -> dict[str, MetricsFigures]:
    """Each pin window's growth (``NO_PIN`` for what grew before the first pin), from the
    reports in the order they were read."""
    ordered = sorted(windows, key=lambda w: w.version)
    starts = [w.started_at for w in ordered]
    result: dict[str, MetricsFigures] = {}
    previous: MetricsReported | None = None
    for report in reports:
        at = bisect.bisect_right(starts, report.at)
        key = ordered[at - 1].pin_id if at else NO_PIN
        result[key] = result.get(key, MetricsFigures()).plus(growth(previous, report))
        previous = report
    return result
