"""Round trips: a random catalog written as a Shopify CSV or a Merchant TSV reads back the same.

Values are drawn from text that breaks naive CSV handling (quotes, commas, semicolons,
tabs, newlines, CRLF, emoji, RTL, accents). What the importer normalises (titles through
``clean_text``, descriptions through ``html_to_text``) is compared through the same
normalisers.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seller_console.domain.catalog import Catalog
from seller_console.domain.money import Currency, Money, parse_decimal, parse_price
from seller_console.domain.text import clean_text, html_to_text
from seller_console.importers import ImportOptions, import_catalog
from seller_console.importers.fields import gtin_check_digit_ok

_TRICKY = "\"',;\t\n\r\n|~#<>&é€🍕שלום ü ñ"
_text = st.lists(
    st.one_of(
        st.sampled_from([*_TRICKY, "\r\n", '""', "e\u0301", "مرحبا", " "]),
        st.characters(blacklist_categories=("Cs", "Cc"), max_codepoint=0x1FAFF),
    ),
    max_size=30,
).map("".join)
_title = _text.filter(lambda t: clean_text(t) != "")
# Free text is full of commas: a Merchant TSV must not be taken for a CSV because of them.
_description = st.lists(_text, max_size=12).map(", ".join)
_money = st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2)
_PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass(frozen=True)
class GenVariant:
    sku: str
    option: str
    price: Decimal
    compare_at: Decimal | None
    stock: int | None


@dataclass(frozen=True)
class GenProduct:
    title: str
    description: str
    brand: str
    variants: tuple[GenVariant, ...]


_variant = st.builds(
    GenVariant,
    sku=st.text(alphabet=st.sampled_from("AZaz09-_., \"';"), min_size=1, max_size=12).filter(
        lambda s: s.strip() != ""
    ),
    option=_text,
    price=_money,
    compare_at=st.none() | _money,
    stock=st.none() | st.integers(-50, 10_000),
)
_product = st.builds(
    GenProduct,
    title=_title,
    description=_description,
    brand=_text,
    variants=st.lists(_variant, min_size=1, max_size=4).map(tuple),
)
_catalog = st.lists(_product, min_size=1, max_size=6)


def _money_text(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:.2f}"


def _usd(amount: Decimal | None) -> Money | None:
    return None if amount is None else Money(amount, Currency.of("USD"))


SHOPIFY_HEADER = [
    "Handle", "Title", "Body (HTML)", "Vendor", "Tags", "Option1 Name", "Option1 Value",
    "Variant SKU", "Variant Inventory Qty", "Variant Price", "Variant Compare At Price",
    "Image Src",
]  # fmt: skip


def write_shopify(path: Path, products: list[GenProduct], bom: bool) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        out = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        out.writerow(SHOPIFY_HEADER)
        for i, product in enumerate(products):
            for j, v in enumerate(product.variants):
                first = j == 0
                out.writerow(
                    [
                        f"product-{i}",
                        product.title if first else "",
                        product.description if first else "",
                        product.brand if first else "",
                        "a, b" if first else "",
                        "Size" if first else "",
                        v.option,
                        v.sku,
                        "" if v.stock is None else str(v.stock),
                        _money_text(v.price),
                        _money_text(v.compare_at),
                        f"https://cdn.example.com/{i}.jpg" if first else "",
                    ]
                )


def write_merchant_tsv(path: Path, products: list[GenProduct]) -> None:
    header = ["id", "item_group_id", "title", "description", "price", "availability"]
    header += ["image_link", "brand"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter="\t")
        out.writerow(header)
        for i, product in enumerate(products):
            for j, v in enumerate(product.variants):
                out.writerow(
                    [
                        f"item-{i}-{j}",
                        f"group-{i}",
                        product.title,
                        product.description,
                        f"{v.price:.2f} USD",
                        "in_stock" if j % 2 == 0 else "out of stock",
                        f"https://cdn.example.com/{i}.jpg",
                        product.brand,
                    ]
                )


def _assert_same_products(catalog: Catalog, products: list[GenProduct]) -> None:
    assert len(catalog.products) == len(products)
    for got, want in zip(catalog.products, products, strict=True):
        assert got.title == clean_text(want.title)
        assert got.description == html_to_text(want.description)
        assert got.brand == clean_text(want.brand)
        assert len(got.variants) == len(want.variants)
    assert catalog.variant_count == sum(len(p.variants) for p in products)


@_PROPERTY_SETTINGS
@given(products=_catalog, bom=st.booleans())
def test_shopify_csv_reads_back_what_was_written(tmp_path_factory, products, bom) -> None:
    path = tmp_path_factory.mktemp("shopify") / "products.csv"
    write_shopify(path, products, bom)

    result = import_catalog(path, ImportOptions(currency="USD"))

    assert result.report.format == "shopify"
    assert result.report.rejected == []
    _assert_same_products(result.catalog, products)
    for got, want in zip(result.catalog.products, products, strict=True):
        for variant, gen in zip(got.variants, want.variants, strict=True):
            option = clean_text(gen.option)
            assert variant.sku == gen.sku.strip()
            assert variant.options == ((("Size", option),) if option else ())
            assert variant.title == (option or clean_text(want.title))
            assert variant.price == _usd(gen.price)
            assert variant.compare_at_price == _usd(gen.compare_at)
            assert variant.stock == gen.stock


@_PROPERTY_SETTINGS
@given(products=_catalog)
def test_merchant_tsv_reads_back_what_was_written(tmp_path_factory, products) -> None:
    path = tmp_path_factory.mktemp("merchant") / "feed.tsv"
    write_merchant_tsv(path, products)

    result = import_catalog(path)

    assert result.report.format == "google_merchant"
    assert result.report.delimiter == "\t"
    assert result.report.rejected == []
    _assert_same_products(result.catalog, products)
    for i, (got, want) in enumerate(zip(result.catalog.products, products, strict=True)):
        assert got.id == f"group-{i}"
        for j, (variant, gen) in enumerate(zip(got.variants, want.variants, strict=True)):
            assert variant.sku == variant.id == f"item-{i}-{j}"
            assert variant.title == clean_text(want.title)
            assert variant.price == _usd(gen.price)
            assert variant.compare_at_price is None


_AMOUNTS = st.decimals(min_value=0, max_value=Decimal("9999999"), places=3)


@settings(max_examples=200, deadline=None)
@given(amount=_AMOUNTS, code=st.sampled_from(["USD", "JPY", "KWD", "EUR"]))
def test_parse_price_reads_back_formatted_money(amount: Decimal, code: str) -> None:
    money = Money(amount, Currency.of(code))
    text = money.format()  # "12.35 USD", "12 JPY", "12.345 KWD"

    parsed = parse_price(text)

    assert parsed.currency == money.currency
    assert parsed.amount == money.rounded().amount
    assert parse_decimal(text.split()[0]) == money.rounded().amount


@settings(max_examples=200, deadline=None)
@given(amount=st.decimals(min_value=0, max_value=Decimal("9999999"), places=2))
def test_parse_price_reads_comma_decimals(amount: Decimal) -> None:
    text = f"{amount:.2f}".replace(".", ",") + " EUR"  # "12,50 EUR"

    parsed = parse_price(text)

    assert parsed == parse_price(f"{amount:.2f} EUR")
    assert parsed.amount == amount
    assert parsed.currency == Currency.of("EUR")


@pytest.mark.parametrize(
    ("text", "amount", "code"),
    [("12,50 EUR", "12.50", "EUR"), ("1500 JPY", "1500", "JPY"), ("1.250 KWD", "1.250", "KWD")],
)
def test_parse_price_examples(text: str, amount: str, code: str) -> None:
    assert parse_price(text).amount == Decimal(amount)
    assert parse_price(text).currency == Currency.of(code)


@settings(max_examples=300, deadline=None)
@given(body=st.text(alphabet="0123456789", min_size=7, max_size=13), check=st.integers(0, 9))
def test_gtin_check_digit_is_the_gs1_rule(body: str, check: int) -> None:
    # GS1: from the right of the body, digits weighted 3, 1, 3, 1 ...; the check digit
    # brings the weighted sum up to a multiple of 10.
    weighted = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    assert gtin_check_digit_ok(body + str(check)) is (check == (10 - weighted % 10) % 10)
