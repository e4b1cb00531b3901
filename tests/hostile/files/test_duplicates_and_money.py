"""Duplicate ids resolved by one rule the report shows; pre-flight blocks what would put
the wrong product or the wrong money on air."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from seller_console.domain.catalog import VariantRef
from seller_console.domain.money import Money
from seller_console.domain.rundown import (
    ProductSnapshot,
    RundownItem,
    Severity,
    ShowPlan,
    preflight,
)
from seller_console.domain.showcase import showcase_conflicts, showcase_id
from seller_console.importers import ImportOptions, WarningKind, import_catalog
from seller_console.importers.show_plan import load_plan, save_plan
from tests.hostile.files import corpus
from tests.hostile.files.helpers import check

SCARF_AND_COAT = (
    "id\ttitle\tprice\tavailability\n"
    "A1\tScarf\t1.00 USD\tin stock\n"
    "A1\tCoat\t100.00 USD\tin stock\n"
)


def test_two_feed_rows_with_one_id_stay_two_products(tmp_path: Path) -> None:
    path = corpus.write(tmp_path, "feed.tsv", SCARF_AND_COAT)
    result = import_catalog(path, ImportOptions())
    catalog = result.catalog
    scarf, coat = catalog.variant("A1"), catalog.variant("A1~2")
    assert scarf is not None
    assert coat is not None
    assert (scarf.product.title, scarf.variant.price) == ("Scarf", Money.of("1.00", "USD"))
    assert (coat.product.title, coat.variant.price) == ("Coat", Money.of("100.00", "USD"))
    assert scarf.product.id != coat.product.id
    assert showcase_id(scarf.variant.id) != showcase_id(coat.variant.id)
    [warning] = [w for w in result.report.warnings if w.kind is WarningKind.DUPLICATE_ID]
    assert (warning.row, warning.line) == (3, 3)
    assert "already used on row 2" in warning.reason
    assert "'A1~2'" in warning.reason


def test_catalog_check_shows_the_duplicate_rule(tmp_path: Path) -> None:
    path = corpus.write(tmp_path, "feed.tsv", SCARF_AND_COAT)
    code, report, _ = check(path)
    assert code == 0
    assert report["variants"] == 2
    assert [w["kind"] for w in report["warnings"]].count("duplicate_id") == 1


def test_woocommerce_duplicate_skus_get_unique_variant_ids(tmp_path: Path) -> None:
    text = (
        "ID,Type,SKU,Name,Regular price,Stock\n"
        "1,simple,DUP,Scarf,1.00,5\n"
        "2,simple,DUP,Coat,100.00,5\n"
    )
    path = corpus.write(tmp_path, "woo.csv", text)
    catalog = import_catalog(path, ImportOptions(currency="USD")).catalog
    ids = [ref.variant.id for ref in catalog.rows]
    assert ids == ["DUP", "DUP~2"]
    assert catalog.variant("DUP~2").variant.price == Money.of("100.00", "USD")  # type: ignore[union-attr]


def test_thousands_of_rows_sharing_one_id_all_get_their_own(tmp_path: Path) -> None:
    path = corpus.write(tmp_path, "feed.tsv", corpus.duplicate_ids(3_000))
    catalog = import_catalog(path, ImportOptions()).catalog
    assert len({ref.variant.id for ref in catalog.rows}) == 3_000


def _snapshot(ref: VariantRef, catalog: str) -> ProductSnapshot:
    return ProductSnapshot.of(ref, catalog)


def test_preflight_blocks_two_products_sharing_a_showcase_id(tmp_path: Path) -> None:
    a = corpus.write(
        tmp_path, "a.tsv", "id\ttitle\tprice\tavailability\nA1\tScarf\t1.00 USD\tin stock\n"
    )
    b = corpus.write(
        tmp_path, "b.tsv", "id\ttitle\tprice\tavailability\nA1\tCoat\t100.00 USD\tin stock\n"
    )
    scarf = import_catalog(a).catalog.rows[0]
    coat = import_catalog(b).catalog.rows[0]
    items = [
        RundownItem.new(_snapshot(scarf, "Brand A")),
        RundownItem.new(_snapshot(coat, "Brand B")),
        RundownItem.new(_snapshot(scarf, "Brand A")),  # the same product again: no conflict
    ]
    assert showcase_conflicts(items) == {"A1": [0, 1, 2]}
    blockers = [i for i in preflight(items) if "showcase id" in i.message]
    assert {i.item_id for i in blockers} == {item.id for item in items}
    assert all(i.severity is Severity.BLOCKER for i in blockers)
    assert "#1 Scarf" in blockers[0].message
    assert "#2 Coat" in blockers[0].message


def _item(price: Money | None) -> RundownItem:
    snap = ProductSnapshot(
        product_id="p",
        variant_id="v",
        sku="S",
        title="Serum",
        variant_title="",
        brand="B",
        price=price,
        compare_at_price=None,
        image_url="https://x.example/i.png",
        stock=5,
        commission_rate=Decimal("0.1"),
        catalog="c",
    )
    return RundownItem("i1", snap, 60)


@pytest.mark.parametrize(
    ("amount", "currency", "words"),
    [
        ("0.00", "USD", "not above zero"),
        ("-0", "USD", "not above zero"),
        ("-5.00", "USD", "not above zero"),
        ("0.004", "USD", "finer than the currency's 2 decimals"),
        ("20.005", "USD", "finer than the currency's 2 decimals"),
        ("100.5", "JPY", "finer than the currency's 0 decimals"),
    ],
)
def test_preflight_blocks_zero_negative_and_sub_minor_prices(
    amount: str, currency: str, words: str
) -> None:
    issues = preflight([_item(Money.of(amount, currency))])
    assert any(i.severity is Severity.BLOCKER and words in i.message for i in issues)


def test_a_good_price_passes_preflight() -> None:
    assert not [i for i in preflight([_item(Money.of("20.01", "USD"))]) if "price" in i.message]


def test_a_sub_minor_live_price_is_blocked_even_over_a_good_catalog_price() -> None:
    item = dataclasses.replace(_item(Money.of("20.00", "USD")), live_price=Money.of("0.004", "USD"))
    assert any("finer" in i.message for i in preflight([item]))


def test_sub_minor_amounts_are_kept_exactly_through_a_plan_file(tmp_path: Path) -> None:
    plan = ShowPlan("Drop", (_item(Money.of("20.005", "USD")),))
    path = tmp_path / "drop.showplan.json"
    save_plan(path, plan)
    price = load_plan(path).items[0].product.price
    assert price is not None
    assert price.amount == Decimal("20.005")
    assert price.format() == "20.01 USD"  # rounded once, half-up, when shown


def test_import_warns_about_a_sub_minor_price(tmp_path: Path) -> None:
    path = corpus.write(
        tmp_path, "feed.tsv", "id\ttitle\tprice\tavailability\nA1\tSerum\t20.005 USD\tin stock\n"
    )
    result = import_catalog(path)
    assert result.catalog.rows[0].variant.price == Money.of("20.005", "USD")
    assert [w.kind for w in result.report.warnings if w.kind is WarningKind.SUB_MINOR_PRICE]


def test_two_woocommerce_parents_with_one_sku_stay_two_products(tmp_path: Path) -> None:
    text = (
        "ID,Type,SKU,Name,Regular price,Parent,Attribute 1 name,Attribute 1 value(s)\n"
        "1,variable,HOOD,Hoodie,,,Size,\n"
        "2,variable,HOOD,Scarf,,,Size,\n"
        "3,variation,HOOD-S,Hoodie S,10.00,id:1,Size,S\n"
        "4,variation,SCARF-1,Scarf one,20.00,id:2,Size,One\n"
    )
    path = corpus.write(tmp_path, "woo.csv", text)
    result = import_catalog(path, ImportOptions(currency="USD"))
    products = {p.title: p for p in result.catalog.products}
    assert products["Hoodie"].id == "HOOD"
    assert products["Scarf"].id == "HOOD~2"
    assert [v.product_id for v in products["Scarf"].variants] == ["HOOD~2"]
    assert result.catalog.product("HOOD~2") is products["Scarf"]
    assert any(w.kind is WarningKind.DUPLICATE_ID for w in result.report.warnings)
