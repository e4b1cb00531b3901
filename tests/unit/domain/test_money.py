from decimal import Decimal

import pytest

from seller_console.domain.money import (
    Currency,
    CurrencyMismatchError,
    Money,
    PriceParseError,
    UnknownCurrencyError,
    parse_decimal,
    parse_price,
    round_money,
    total,
)


@pytest.mark.parametrize(
    ("code", "exponent"), [("JPY", 0), ("USD", 2), ("EUR", 2), ("TND", 3), ("KWD", 3)]
)
def test_minor_units_follow_iso_4217(code, exponent):
    assert Currency.of(code).exponent == exponent
    assert Currency.of(code.lower()).code == code


def test_unknown_currency_is_refused_with_its_code():
    with pytest.raises(UnknownCurrencyError, match="'ABC'"):
        Currency.of("ABC")


def test_arithmetic_refuses_mixed_currencies():
    usd, eur = Money.of("1.00", "USD"), Money.of("1.00", "EUR")
    with pytest.raises(CurrencyMismatchError):
        _ = usd + eur
    with pytest.raises(CurrencyMismatchError):
        _ = usd < eur
    assert usd + Money.of("2.50", "USD") == Money.of("3.50", "USD")
    assert (usd * 3).amount == Decimal("3.00")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        Money.of(1.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(1.5, Currency.of("USD"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _ = Money.of("1", "USD") * 1.5  # type: ignore[operator]


def test_one_rounding_function_is_half_up_at_the_minor_unit():
    assert round_money(Decimal("0.005"), Currency.of("USD")) == Decimal("0.01")
    assert round_money(Decimal("0.0045"), Currency.of("USD")) == Decimal("0.00")
    assert round_money(Decimal("12.5"), Currency.of("JPY")) == Decimal("13")
    assert round_money(Decimal("1.2345"), Currency.of("KWD")) == Decimal("1.235")


def test_minor_units_round_trip_for_storage():
    for code, amount in [("USD", "19.99"), ("JPY", "500"), ("TND", "49.125")]:
        money = Money.of(amount, code)
        assert Money.from_minor_units(money.to_minor_units(), code) == money
    assert Money.of("49.125", "TND").to_minor_units() == 49125
    assert Money.of("500", "JPY").to_minor_units() == 500


def test_format_and_wire_use_the_minor_unit():
    assert Money.of("5", "USD").format() == "5.00 USD"
    assert Money.of("10", "KWD").to_wire() == {"amount": "10.000", "currency": "KWD"}
    assert total([Money.of("1.10", "EUR"), Money.of("2.20", "EUR")], "EUR") == Money.of(
        "3.30", "EUR"
    )


@pytest.mark.parametrize(
    ("text", "amount", "code"),
    [
        ("15.00 USD", "15.00", "USD"),
        ("USD 15", "15", "USD"),
        ("49,00 TND", "49.00", "TND"),
        ("209.00 eur", "209.00", "EUR"),
        ("$2,030", "2030", None),
        ("1.234,56 EUR", "1234.56", "EUR"),
        ("1 234,50 €", "1234.50", "EUR"),
        ("14.99", "14.99", None),
        ("599 CZK", "599", "CZK"),
        ("200000 COP", "200000", "COP"),
        ("1,234,567.89", "1234567.89", None),
    ],
)
def test_prices_are_read_as_written_in_the_wild(text, amount, code):
    parsed = parse_price(text)
    assert parsed.amount == Decimal(amount)
    assert (parsed.currency.code if parsed.currency else None) == code


@pytest.mark.parametrize("text", ["", "abc", "12.34.56,7", "USD", "1,2,3"])
def test_unreadable_prices_say_why(text):
    with pytest.raises(PriceParseError):
        parse_price(text)


def test_unknown_code_in_a_price_is_named():
    with pytest.raises(UnknownCurrencyError, match="'QQQ'"):
        parse_price("12.00 QQQ")


def test_parse_decimal_separators():
    assert parse_decimal("49,00") == Decimal("49.00")
    assert parse_decimal("0,500") == Decimal("0.500")
    assert parse_decimal("-3.5") == Decimal("-3.5")
    assert parse_decimal("2'030.00") == Decimal("2030.00")
