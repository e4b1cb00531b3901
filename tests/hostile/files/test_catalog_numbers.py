"""Numbers in catalog cells: digits and exponents bounded before any conversion.

Every hostile number ends as a clear problem on its own row (``catalog check`` exits 0),
and what ``catalog check`` accepts the window accepts too (the window builds its table
columns, which format every price: a 27-digit price used to fail there only).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seller_console.domain.money import (
    MAX_NUMBER_CHARS,
    MAX_WHOLE_DIGITS,
    AmountOutOfRangeError,
    Money,
    MoneyError,
    parse_decimal,
    parse_price,
)
from seller_console.importers.fields import CellError, parse_int
from tests.hostile.files import corpus
from tests.hostile.files.helpers import check, window_import


def test_a_stock_of_1e1000000_is_unknown_stock_with_a_warning(tmp_path: Path) -> None:
    path = corpus.write(tmp_path, "feed.tsv", corpus.stock_exponents(3))
    code, report, _ = check(path)
    assert code == 0
    assert report["variants"] == 3
    stock_warnings = [w for w in report["warnings"] if w["column"] == "quantity"]
    assert len(stock_warnings) == 3
    assert "too large" in stock_warnings[0]["reason"]
    catalog = window_import(path).catalog
    assert all(ref.variant.stock is None for ref in catalog.rows)


@pytest.mark.parametrize("digits", [27, 100, 5_000])
def test_long_quantities_positions_and_prices_are_row_problems(tmp_path: Path, digits: int) -> None:
    path = corpus.write(tmp_path, "products.csv", corpus.long_digits(digits))
    code, report, err = check(path, "--currency", "USD")
    assert code == 0, err
    # The price rows are refused (price and compare-at out of range); the others kept.
    assert report["variants"] == 20
    price_rows = [p for p in report["rejected_rows"] if p["column"] == "Variant Price"]
    assert len(price_rows) == 10
    assert all("digits" in p["reason"] or "too long" in p["reason"] for p in price_rows)
    quantity = [w for w in report["warnings"] if w["column"] == "Variant Inventory Qty"]
    assert len(quantity) == 10
    result = window_import(path)  # the window keeps exactly what the check kept
    assert result.report.variants == report["variants"]


def test_a_price_just_inside_the_bound_is_kept_and_shown(tmp_path: Path) -> None:
    big = "9" * MAX_WHOLE_DIGITS
    text = corpus.SHOPIFY_HEADER + corpus.shopify_row(1, price=f"{big}.99", compare=f"{big}.99")
    path = corpus.write(tmp_path, "products.csv", text)
    code, report, _ = check(path, "--currency", "USD")
    assert code == 0
    assert report["variants"] == 1
    variant = window_import(path).catalog.rows[0].variant
    assert variant.price == Money(Decimal(f"{big}.99"), variant.price.currency)  # type: ignore[union-attr]


def test_a_price_of_80000_commas_is_refused_at_once(tmp_path: Path) -> None:
    path = corpus.write(tmp_path, "feed.tsv", corpus.price_commas(80_000))
    code, report, _ = check(path)
    assert code == 0
    assert len(report["rejected_rows"]) == 4
    assert "at most 64 characters" in report["rejected_rows"][0]["reason"]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("1e1000000", AmountOutOfRangeError),
        ("1" * 27, AmountOutOfRangeError),
        ("-1E+400", AmountOutOfRangeError),
        ("Infinity", MoneyError),
        ("NaN", MoneyError),
        ("1" * 65, MoneyError),
    ],
)
def test_money_refuses_amounts_out_of_range_with_a_typed_error(
    text: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        Money.of(text, "USD")


@pytest.mark.parametrize(
    "text",
    ["1" * 16, "0." + "1" * 11, "," * 80_000, "1" * 5_000, "1,000,000,000,000,000"],
)
def test_parse_decimal_refuses_unbounded_numbers(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_decimal(text)


@pytest.mark.parametrize("text", ["1e1000000", "9" * 5_000, "1e13", "-1e999999999"])
def test_counts_are_bounded_before_conversion(text: str) -> None:
    with pytest.raises(CellError):
        parse_int(text)


_PRICE_ALPHABET = st.sampled_from(list("0123456789.,'eE+- $€£USDkr\u00a0"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(_PRICE_ALPHABET, max_size=120))
def test_any_price_text_gives_a_bounded_price_or_a_money_error(text: str) -> None:
    try:
        parsed = parse_price(text)
    except MoneyError:
        return
    assert len(text.strip()) <= MAX_NUMBER_CHARS
    Money(parsed.amount, parsed.currency or Money.of(0, "USD").currency).format()
