"""The ledger and commission rules: idempotent merge by order id, totals per currency,
per pin window, per minute and per product, commission rounding, tiers and flags."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from seller_console.domain.commission import (
    BrandTerms,
    CommissionError,
    CommissionPolicy,
    CommissionTier,
    ProductTerms,
    line_commission,
)
from seller_console.domain.events import Pin
from seller_console.domain.ledger import NO_PIN, Ledger, stock_left
from seller_console.domain.money import Currency, Money
from seller_console.domain.orders import OrderStatus
from tests.support import T0, order, settled

POLICY = CommissionPolicy(
    products={"p1": ProductTerms("Acme", Decimal("0.125")), "p2": ProductTerms("Acme")},
    brands={"Acme": BrandTerms(Decimal("0.10"))},
)


def test_commission_is_rounded_half_up_per_line_at_the_minor_unit() -> None:
    assert line_commission(Decimal("19.99"), Decimal("0.125"), Currency.of("USD")) == Decimal(
        "2.50"
    )  # 2.49875
    assert line_commission(Decimal("0.20"), Decimal("0.025"), Currency.of("USD")) == Decimal(
        "0.01"
    )  # 0.005 goes up
    assert line_commission(Decimal("1999"), Decimal("0.125"), Currency.of("JPY")) == 250


def test_an_order_delivered_twice_or_its_refund_first_counts_once() -> None:
    ledger = Ledger(POLICY)
    paid = order("o1")
    refunded = order("o1", status=OrderStatus.REFUNDED)
    assert ledger.apply(refunded) == refunded  # the update overtook the creation
    assert ledger.apply(paid) is None
    assert ledger.apply(refunded) is None
    usd = ledger.totals()["USD"]
    assert (usd.orders, usd.refunded_orders, usd.units) == (1, 1, 1)
    assert usd.gross == Money.of("19.99", "USD")
    assert usd.net.is_zero()
    assert usd.commission_estimated.is_zero()  # a refund reverses commission


def test_totals_never_mix_currencies_and_buckets_split_by_pin_minute_and_product() -> None:
    ledger = Ledger(POLICY)
    ledger.apply(order("o1", qty=2))
    ledger.apply(order("o2", "1000", currency="JPY", pin=None, at=T0.replace(minute=1)))
    ledger.apply(order("o3", "10.00", product="p2", rate="0.10", pin="pin_2"))
    totals = ledger.totals()
    assert set(totals) == {"USD", "JPY"}
    assert totals["USD"].gross == Money.of("49.98", "USD")
    assert totals["USD"].commission_estimated == Money.of("6.00", "USD")  # 5.00 + 1.00
    assert totals["JPY"].commission_estimated == Money.of("125", "JPY")
    snap = ledger.snapshot()
    assert snap.by_pin[("pin_1", "USD")].units == 2
    assert snap.by_pin[(NO_PIN, "JPY")].orders == 1
    assert snap.by_minute[(T0.replace(second=0), "USD")].orders == 2
    assert snap.by_product[("p2", "USD")].commission_estimated == Money.of("1.00", "USD")


def test_a_commission_the_platform_reports_differently_is_flagged() -> None:
    ledger = Ledger(POLICY)
    ledger.apply(order("o1", reported="2.49"))
    ledger.apply(order("o2"))
    snap = ledger.snapshot()
    assert snap.flagged_orders == {"o1"}
    assert snap.totals["USD"].flagged
    assert snap.totals["USD"].commission_difference == Money.of("0.01", "USD")


def test_tiers_apply_to_the_brand_retroactively_whatever_the_arrival_order() -> None:
    tiered = CommissionPolicy(
        products={"p2": ProductTerms("Acme")},
        brands={
            "Acme": BrandTerms(
                Decimal("0.10"), (CommissionTier(Money.of("100", "USD"), Decimal("0.20")),)
            )
        },
    )
    orders = [order(f"o{n}", "40.00", product="p2", rate="0.10") for n in range(3)]
    refund = order("o2", "40.00", product="p2", rate="0.10", status=OrderStatus.REFUNDED)
    forward, backward = Ledger(tiered), Ledger(tiered)
    forward.apply_all([*orders, refund])
    backward.apply_all([refund, *reversed(orders)])
    assert forward.snapshot() == backward.snapshot()
    # net sales 80 < 100: the default rate on the two paid orders
    assert forward.totals()["USD"].commission_estimated == Money.of("8.00", "USD")
    above = Ledger(tiered)
    above.apply_all(orders)  # 120 >= 100: 20 % on every line
    assert above.totals()["USD"].commission_estimated == Money.of("24.00", "USD")


def test_pin_windows_and_stock_left() -> None:
    ledger = Ledger(POLICY, {"p1": 5})
    ledger.pin_seen(Pin("pin_2", "p2", T0.replace(minute=5), 2))
    assert ledger.pin_seen(Pin("pin_1", "p1", T0, 1))
    assert not ledger.pin_seen(Pin("pin_1", "p1", T0, 1))
    ledger.apply(order("o1", qty=3))
    windows = ledger.pin_windows()
    assert [w.pin_id for w in windows] == ["pin_1", "pin_2"]
    assert windows[0].ended_at == T0.replace(minute=5)
    ledger.stock_reported("p1", 2)
    (level,) = ledger.stock()
    assert (level.initial, level.sold, level.left, level.reported) == (5, 3, 2, 2)


def test_what_is_left_is_the_lower_of_the_console_s_count_and_the_platform_s() -> None:
    """The platform sells through other content the console never sees (TikTok videos):
    when its figure is lower, it is what is left, and said to be the platform's."""
    assert stock_left(5, None) == (5, False)
    assert stock_left(5, 0) == (0, True)
    assert stock_left(2, 2) == (2, False)  # they agree: the console's own count
    assert stock_left(2, 7) == (2, False)
    assert stock_left(None, 3) == (3, True)  # not tracked here, the platform tracks it
    assert stock_left(None, None) == (None, False)
    ledger = Ledger(POLICY, {"p1": 5})
    ledger.apply(order("o1", qty=1))
    ledger.stock_reported("p1", 0)
    (level,) = ledger.stock()
    assert (level.sold, level.left, level.by_platform) == (1, 0, True)
    ledger.stock_reported("p1", None)  # the platform no longer gives a figure
    (level,) = ledger.stock()
    assert (level.left, level.by_platform) == (4, False)


def test_rates_outside_zero_to_one_are_refused() -> None:
    with pytest.raises(CommissionError):
        BrandTerms(Decimal("1.5"))
    with pytest.raises(CommissionError):
        ProductTerms("x", Decimal("-0.1"))


def test_sub_minor_amounts_count_as_storage_keeps_them_rounded_once_half_up() -> None:
    """20.005 live and 20.01 after a restart would be two totals for one show: the ledger
    counts every amount at its minor unit, as storage keeps it."""
    odd = order("o1", "20.005", rate="0.1", reported="2.0005")
    ledger = Ledger(POLICY)
    applied = ledger.apply(odd)
    assert applied is not None
    assert applied.total == Money.of("20.01", "USD")
    assert applied.commission.amount == Money.of("2.00", "USD")
    reloaded = Ledger(POLICY)
    reloaded.apply(applied)  # what storage gives back after a restart
    assert reloaded.totals() == ledger.totals()
    assert ledger.totals()["USD"].gross == Money.of("20.01", "USD")


def test_estimated_then_settled_per_pin_window_and_product_with_refunds() -> None:
    """The platform's estimate counts at once; a later settled state moves the order to
    settled (the actual amount, which may differ), a refund takes an order out of both, and
    an old state delivered after the settlement changes nothing."""
    ledger = Ledger(POLICY)
    a = order("a", "20.00", pin="pin_1", reported="2.00")
    b = order("b", "10.00", pin="pin_1", reported="1.00")
    c = order("c", "30.00", pin="pin_2", product="p2", reported="3.00")
    ledger.apply_all([a, b, c])
    shown = ledger.snapshot()
    assert shown.totals["USD"].platform_estimate == Money.of("6.00", "USD")
    assert shown.totals["USD"].settled == Money.zero("USD")
    assert shown.totals["USD"].unsettled_orders == 3

    assert ledger.apply(settled(a, "1.80")) is not None
    assert ledger.apply(settled(c, "3.00")) is not None
    assert ledger.apply(replace(b, status=OrderStatus.REFUNDED)) is not None
    assert ledger.apply(a) is None  # an older poll
    assert ledger.apply(settled(a, "1.80")) is None  # twice is once
    shown = ledger.snapshot()
    window_1 = shown.by_pin[("pin_1", "USD")]
    assert (window_1.settled_orders, window_1.unsettled_orders) == (1, 0)
    assert window_1.platform_estimate == Money.of("2.00", "USD")  # b refunded: out
    assert window_1.settled == Money.of("1.80", "USD")
    assert window_1.commission_reported == Money.of("1.80", "USD")
    product_2 = shown.by_product[("p2", "USD")]
    assert (product_2.platform_estimate, product_2.settled) == (
        Money.of("3.00", "USD"),
        Money.of("3.00", "USD"),
    )
    totals = shown.totals["USD"]
    assert (totals.settled_orders, totals.refunded_orders) == (2, 1)
    assert totals.settled == Money.of("4.80", "USD")
