"""Commission rates set by hand: typed in %, checked, applied to a catalog's variants."""

from __future__ import annotations

from decimal import Decimal

import pytest

from seller_console.domain.catalog import Catalog, Product, Variant
from seller_console.services.commission_rates import RateError, parse_percent, with_rates


@pytest.mark.parametrize(
    ("text", "rate"),
    [("12.5", "0.125"), (" 12.5 % ", "0.125"), ("0", "0"), ("100%", "1"), ("7", "0.07")],
)
def test_a_rate_is_typed_in_percent(text, rate):
    assert parse_percent(text) == Decimal(rate)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "enter a rate"),
        ("%", "enter a rate"),
        ("ten", "'ten' is not a rate"),
        ("100.5", "not between 0 % and 100 %"),
        ("-1", "not between"),
        ("NaN", "not between"),
        ("1.125", "more than two decimals"),
        ("1" * 40, "is not a rate"),
    ],
)
def test_a_rate_that_cannot_be_used_says_why(text, why):
    with pytest.raises(RateError, match=why):
        parse_percent(text)


def _catalog() -> Catalog:
    def product(pid: str, brand: str, n: int) -> Product:
        variants = tuple(
            Variant(f"{pid}-{i}", pid, f"S{i}", "", None, commission_rate=Decimal("0.1"))
            for i in range(n)
        )
        return Product(pid, pid.title(), brand, variants=variants)

    return Catalog(
        "shop", [product("a", "Kettle", 2), product("b", "Kettle", 1), product("c", "Zoo", 1)]
    )


def test_rates_set_by_hand_replace_the_files_on_every_variant():
    catalog = _catalog()

    def rate_for(brand: str, product_id: str) -> Decimal | None:
        return (
            Decimal("0.2") if product_id == "a" else Decimal("0.15") if brand == "Kettle" else None
        )

    changed = with_rates(catalog, rate_for)
    rates = {ref.variant.id: ref.variant.commission_rate for ref in changed.rows}
    assert rates == {
        "a-0": Decimal("0.2"),
        "a-1": Decimal("0.2"),
        "b-0": Decimal("0.15"),
        "c-0": Decimal("0.1"),
    }
    assert changed.variant("a-1") is not None  # lookups are rebuilt
    assert with_rates(catalog, lambda _b, _p: None) is catalog  # nothing to change
