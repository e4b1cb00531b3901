"""A metrics-only platform's running totals, attributed to the pin windows they grew in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from seller_console.domain.events import ItemMetrics, MetricsReported
from seller_console.domain.ledger import NO_PIN, PinWindow
from seller_console.domain.metrics import by_window, growth
from seller_console.domain.money import Money

T0 = datetime(2026, 6, 1, 20, 0, tzinfo=UTC)


def report(seconds: int, gmv: str, orders: int, sold: dict[str, int]) -> MetricsReported:
    items = tuple(ItemMetrics(pid, n, clicks=n * 3) for pid, n in sold.items())
    at = T0 + timedelta(seconds=seconds)
    return MetricsReported("s", at, Money.of(gmv, "USD"), orders, sum(sold.values()), items=items)


def window(pin_id: str, seconds: int, version: int) -> PinWindow:
    return PinWindow(pin_id, pin_id.upper(), T0 + timedelta(seconds=seconds), None, version)


def test_growth_between_reads_counts_in_the_window_the_later_read_fell_in() -> None:
    reports = [
        report(5, "10.00", 1, {"a": 1}),  # before any pin
        report(15, "40.00", 3, {"a": 2, "b": 1}),  # pin 1 from 10 s
        report(25, "40.00", 3, {"a": 2, "b": 1}),  # nothing grew
        report(35, "100.00", 5, {"a": 2, "b": 4}),  # pin 2 from 30 s
    ]
    windows = [window("p1", 10, 1), window("p2", 30, 2)]
    got = by_window(reports, windows)
    assert got[NO_PIN].gmv == Money.of("10.00", "USD")
    assert (got["p1"].gmv, got["p1"].orders, got["p1"].sold_items) == (
        Money.of("30.00", "USD"),
        2,
        2,
    )
    assert got["p1"].by_product == {"a": 1, "b": 1}
    assert (got["p2"].gmv, got["p2"].sold_items, got["p2"].by_product) == (
        Money.of("60.00", "USD"),
        3,
        {"b": 3},
    )
    total = growth(None, reports[-1])
    assert total.gmv == Money.of("100.00", "USD")
    assert sum((g.gmv for g in got.values() if g.gmv), Money.zero("USD")) == total.gmv


def test_a_figure_the_platform_corrected_downwards_counts_as_no_growth() -> None:
    first, second = report(5, "50.00", 4, {"a": 4}), report(10, "45.00", 3, {"a": 3})
    grew = growth(first, second)
    assert (grew.gmv, grew.orders, grew.sold_items, grew.by_product) == (
        Money.zero("USD"),
        0,
        0,
        {},
    )
