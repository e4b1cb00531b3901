from decimal import Decimal

import pytest

from seller_console.domain.money import Money
from seller_console.domain.rundown import (
    ProductSnapshot,
    Rundown,
    RundownError,
    RundownItem,
    Severity,
    format_duration,
    parse_duration,
    parse_flash_price,
    parse_flash_seconds,
    preflight,
)


def snap(
    n: int,
    price: str | None = "10.00",
    currency: str = "USD",
    stock: int | None = 5,
    image: str = "https://x.example/i.png",
    rate: str | None = "0.1",
) -> ProductSnapshot:
    return ProductSnapshot(
        product_id=f"p{n}",
        variant_id=f"v{n}",
        sku=f"S{n}",
        title=f"Product {n}",
        variant_title="",
        brand="B",
        price=None if price is None else Money.of(price, currency),
        compare_at_price=None,
        image_url=image,
        stock=stock,
        commission_rate=None if rate is None else Decimal(rate),
        catalog="c",
    )


def item(n: int, seconds: int = 60, **kw: object) -> RundownItem:
    return RundownItem(f"i{n}", snap(n, **kw), seconds)  # type: ignore[arg-type]


def ids(rundown: Rundown) -> list[str]:
    return [i.id for i in rundown.items]


def test_planned_starts_and_total_are_derived_from_durations():
    rundown = Rundown([item(1, 60), item(2, 90), item(3, 30)])
    assert rundown.planned_starts() == [0, 60, 150]
    assert rundown.total_seconds() == 180
    rundown.replace(rundown.item("i1").edited(planned_seconds=120))
    assert rundown.planned_starts() == [0, 120, 210]


def test_move_like_a_drop_indicator_and_undo():
    rundown = Rundown([item(n) for n in range(1, 6)])
    before = rundown.move(["i1", "i3"], 5)  # drop both at the end
    assert ids(rundown) == ["i2", "i4", "i5", "i1", "i3"]
    rundown.reorder(before)
    assert ids(rundown) == ["i1", "i2", "i3", "i4", "i5"]
    rundown.move(["i4"], 1)
    assert ids(rundown) == ["i1", "i4", "i2", "i3", "i5"]
    rundown.move(["i1"], 3)
    assert ids(rundown) == ["i4", "i2", "i1", "i3", "i5"]


def test_remove_and_restore_put_items_back_where_they_were():
    rundown = Rundown([item(n) for n in range(1, 6)])
    removed = rundown.remove(["i2", "i4"])
    assert ids(rundown) == ["i1", "i3", "i5"]
    rundown.restore(removed)
    assert ids(rundown) == ["i1", "i2", "i3", "i4", "i5"]
    with pytest.raises(RundownError):
        rundown.remove(["nope"])


def test_ids_are_unique_and_values_are_checked():
    rundown = Rundown([item(1)])
    with pytest.raises(RundownError, match="already"):
        rundown.insert(0, [item(1)])
    with pytest.raises(RundownError):
        item(2, seconds=-1)
    with pytest.raises(RundownError):
        item(2).edited(stock_cap=-3)


def test_live_price_and_stock_cap_decide_what_sells():
    plain = item(1, stock=8)
    assert plain.price == Money.of("10.00", "USD")
    live = plain.edited(live_price=Money.of("7.99", "USD"), stock_cap=3)
    assert live.price == Money.of("7.99", "USD")
    assert live.sellable_units == 3
    assert item(2, stock=None).edited(stock_cap=4).sellable_units == 4


def test_preflight_lists_what_would_hurt_on_air():
    items = [
        item(1),
        item(2, price=None),
        item(3, image=""),
        item(4, stock=0),
        item(5, rate=None),
        item(6, currency="EUR"),
        item(7, stock=None),
    ]
    issues = preflight(items, showcase_ids={"p1", "p2", "p3", "p4", "p5", "p6"})
    text = [(i.severity, i.message) for i in issues]
    assert (Severity.BLOCKER, "#2 Product 2: no price") in text
    assert (Severity.WARNING, "#3 Product 3: no image") in text
    assert (Severity.BLOCKER, "#4 Product 4: no stock") in text
    assert (Severity.WARNING, "#5 Product 5: no commission rate") in text
    assert (Severity.WARNING, "#7 Product 7: stock unknown") in text
    assert (Severity.BLOCKER, "#7 Product 7: not in the platform showcase") in text
    assert any("mixes currencies (EUR, USD)" in m for _, m in text)
    assert not [m for _, m in text if m.startswith("#1 ")]


def test_durations_read_and_write():
    assert parse_duration("90") == 90
    assert parse_duration("1:30") == 90
    assert parse_duration("1:02:03") == 3723
    assert format_duration(3723) == "1:02:03"
    assert format_duration(65) == "1:05"
    assert format_duration(-5) == "-0:05"
    for bad in ("", "1:75", "abc", "1:2:3:4", "9:00:00"):
        with pytest.raises(RundownError):
            parse_duration(bad)


def test_live_prices_typed_by_a_producer():
    from seller_console.domain.rundown import parse_live_price

    catalog = Money.of("10.00", "USD")
    assert parse_live_price("7.5", catalog) == Money.of("7.50", "USD")
    assert parse_live_price("7,50 EUR", catalog) == Money.of("7.50", "EUR")
    assert parse_live_price("  ", catalog) is None
    for bad, reason in (
        ("12.345", "2 decimals"),
        ("abc", "no number"),
        ("5", "currency"),
        ("-1", "negative"),
    ):
        with pytest.raises(RundownError, match=reason):
            parse_live_price(bad, None if bad == "5" else catalog)


def flash(n: int, price: str | None, seconds: int | None) -> RundownItem:
    base = item(n)
    currency = base.price.currency.code if base.price else "USD"
    money = None if price is None else Money.of(price, currency)
    return base.edited(flash_price=money, flash_seconds=seconds)


def flash_messages(it: RundownItem) -> list[tuple[Severity, str]]:
    return [(i.severity, i.message) for i in preflight([it]) if "flash" in i.message]


def test_a_flash_sale_needs_a_price_and_a_duration_and_counts_seconds():
    assert flash(1, "7.50", 30).has_flash_sale
    assert not flash(1, "7.50", None).has_flash_sale
    assert not flash(1, None, 30).has_flash_sale
    with pytest.raises(RundownError, match="a flash sale runs between 1 second"):
        flash(1, "7.50", 0)
    with pytest.raises(RundownError, match="a flash price cannot be negative"):
        flash(1, "-1", 30)


def test_a_typed_flash_price_is_in_the_item_s_currency_and_above_zero():
    sold = item(1)  # sells in USD
    assert parse_flash_price("7.50", sold) == Money.of("7.50", "USD")
    assert parse_flash_price("7.50 USD", sold) == Money.of("7.50", "USD")
    assert parse_flash_price("  ", sold) is None  # blank: no flash sale
    with pytest.raises(RundownError, match="the item sells in USD, not EUR"):
        parse_flash_price("7.50 EUR", sold)
    with pytest.raises(RundownError, match="above zero"):
        parse_flash_price("0", sold)
    with pytest.raises(RundownError):
        parse_flash_price("abc", sold)


def test_a_typed_flash_duration_is_a_duration_above_zero():
    assert parse_flash_seconds("2:00") == 120
    assert parse_flash_seconds("") is None
    with pytest.raises(RundownError, match="how long it runs"):
        parse_flash_seconds("0")
    with pytest.raises(RundownError):
        parse_flash_seconds("1:75")


def test_preflight_checks_the_flash_price_against_the_item_and_the_catalog():
    assert flash_messages(flash(1, "7.50", 30)) == []
    assert flash_messages(flash(1, "10.00", 30)) == [
        (
            Severity.BLOCKER,
            "#1 Product 1: the flash price 10.00 USD is not below the catalog price 10.00 USD",
        )
    ]
    euro = item(1).edited(flash_price=Money.of("5", "EUR"), flash_seconds=30)
    assert flash_messages(euro) == [
        (Severity.BLOCKER, "#1 Product 1: the flash price is in EUR, the item sells in USD")
    ]
    [(severity, text)] = flash_messages(flash(1, "0", 30))
    assert severity is Severity.BLOCKER
    assert "is not above zero" in text
    [(severity, text)] = flash_messages(flash(1, "7.505", 30))
    assert severity is Severity.BLOCKER
    assert "finer than the currency's 2 decimals" in text
    [(severity, text)] = flash_messages(flash(1, "7.50", None))
    assert severity is Severity.WARNING
    assert "without a duration" in text
    [(severity, text)] = flash_messages(flash(1, None, 30))
    assert severity is Severity.WARNING
    assert "without a flash price" in text
    [(severity, text)] = flash_messages(flash(1, "7.50", 90))  # a 60 s segment
    assert severity is Severity.WARNING
    assert "outlasts the segment (1:00)" in text


def test_a_flash_price_below_the_live_price_is_still_checked_against_the_catalog():
    # live price 8.00 under a 10.00 catalog price: a 9.00 flash price is below the catalog
    live = flash(1, "9.00", 30).edited(live_price=Money.of("8.00", "USD"))
    assert flash_messages(live) == []
    over = flash(1, "12.00", 30).edited(live_price=Money.of("8.00", "USD"))
    [(severity, _text)] = flash_messages(over)
    assert severity is Severity.BLOCKER
