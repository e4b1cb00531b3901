from seller_console.domain.catalog import (
    Availability,
    Catalog,
    Product,
    Variant,
    parse_availability,
)
from seller_console.domain.money import Money
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
