import pickle
from decimal import Decimal

import pytest

from seller_console.domain.catalog import (
    Availability,
    Catalog,
    Product,
    ProductStatus,
    Variant,
    parse_availability,
)
from seller_console.domain.money import Money
from seller_console.domain.product_columns import ProductColumns
from seller_console.domain.text import clean_text


def _catalog() -> Catalog:
    def variant(vid, pid, sku, title, price="10.00"):
        return Variant(vid, pid, sku, title, Money.of(price, "USD"))

    return Catalog(
        "test",
        [
            Product(
                "p1",
                "Crème Brûlée Candle",
                "Lumière",
                tags=("home", "scent"),
                variants=(
                    variant("v1", "p1", "CND-1", "Small"),
                    variant("v2", "p1", "CND-2", "Large", "19.00"),
                ),
            ),
            Product("p2", "Denim Jacket", "Acme", variants=(variant("v3", "p2", "cnd-1", "M"),)),
        ],
    )


def test_variants_are_grouped_under_products_and_found_by_id_and_sku():
    catalog = _catalog()
    assert catalog.variant_count == 3
    assert catalog.product("p2") is not None
    ref = catalog.variant("v2")
    assert ref is not None
    assert ref.product.id == "p1"
    assert [r.variant.id for r in catalog.by_sku("CND-1")] == ["v1", "v3"]
    assert catalog.currencies() == ["USD"]
    assert catalog.brands() == ["Acme", "Lumière"]


def test_search_matches_every_word_without_case_or_accents():
    catalog = _catalog()
    assert catalog.search("creme") == [0, 1]
    assert catalog.search("CANDLE large") == [1]
    assert catalog.search("acme") == [2]
    assert catalog.search("scent") == [0, 1]
    assert catalog.search("") == [0, 1, 2]
    assert catalog.search("nothing-like-this") == []
    narrowed = catalog.search("c")
    assert catalog.search("cnd-1", within=narrowed) == [0, 2]


def test_availability_vocabularies_and_unknown_is_never_in_stock():
    for raw in ("in_stock", "in stock", "In stock", "InStock"):
        assert parse_availability(raw) is Availability.IN_STOCK
    assert parse_availability("out of stock") is Availability.OUT_OF_STOCK
    assert parse_availability("available for order") is Availability.BACKORDER
    assert parse_availability("Промо") is Availability.UNKNOWN


def test_on_sale_only_when_compare_at_is_strictly_higher():
    price = Money.of("10.00", "USD")
    assert Variant("a", "p", "", "", price, Money.of("12.00", "USD")).on_sale
    assert not Variant("a", "p", "", "", price, Money.of("10.00", "USD")).on_sale
    assert not Variant("a", "p", "", "", price, None).on_sale


def test_clean_text_trims_folds_and_normalises():
    assert clean_text("  Pocket and  Logo ") == "Pocket and Logo"
    assert clean_text("Cre\u0300me") == "Cr\u00e8me"


def _varied_catalog() -> Catalog:
    usd = Money.of("10.00", "USD")
    return Catalog(
        "varied",
        [
            Product(
                "p1",
                "Crème Brûlée Candle",
                "Lumière",
                body="<p>Warm</p>",
                image_urls=("https://a/1.jpg", "https://a/2.jpg"),
                tags=("home", "scent"),
                option_names=("Size",),
                status=ProductStatus.DRAFT,
                category="Home",
                link="https://a/p1",
                variants=(
                    Variant(
                        "v1",
                        "p1",
                        "CND-1",
                        "Small",
                        usd,
                        Money.of("12.50", "USD"),
                        4,
                        Availability.IN_STOCK,
                        (("Size", "Small"),),
                        "4006381333931",
                        "https://a/v1.jpg",
                        Decimal("0.15"),
                    ),
                    Variant("v2", "p1", "", "Large", Money.of("20.005", "USD"), usd, None),
                ),
            ),
            Product("p2", "Gift card", "", variants=()),
            Product(
                "p3",
                "Kettle",
                "Acme",
                variants=(
                    Variant("v3", "p3", "K-1", "Kettle", None, Money.of("49", "JPY"), 0),
                    Variant("v4", "p3", "K-1", "Kettle", Money.of("49.000", "TND")),
                ),
            ),
        ],
    )


def test_columns_give_back_equal_products_and_pickle_compactly():
    catalog = _varied_catalog()
    columns = ProductColumns.of(catalog.products)
    again = pickle.loads(pickle.dumps(columns))  # noqa: S301 (our own bytes)
    assert again.products() == list(catalog.products)
    assert again.products()[0].variants[1].price == Money.of("20.005", "USD")  # kept exactly
    assert ProductColumns.of([]).products() == []
    # Only plain values cross: no Money, Decimal or Variant object is pickled.
    text = pickle.dumps(columns)
    for name in (b"Money", b"Decimal", b"Variant"):
        assert name not in text


def test_rows_are_a_view_indexed_like_a_list():
    catalog = _varied_catalog()
    rows = catalog.rows
    assert len(rows) == 4
    assert [r.variant.id for r in rows] == ["v1", "v2", "v3", "v4"]
    assert rows[2].product.id == "p3"
    assert rows[-1].variant.id == "v4"
    assert [r.variant.id for r in rows[1:3]] == ["v2", "v3"]
    with pytest.raises(IndexError):
        rows[4]
    assert catalog.variant("v3") == rows[2]
    assert catalog.variant("nope") is None
    assert [r.variant.id for r in catalog.by_sku("k-1")] == ["v3", "v4"]
    assert catalog.index().search("kettle") == [2, 3]
