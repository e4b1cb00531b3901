"""The shared real-world catalogs, read in place (skipped when the folder is absent).

The folder holds one subfolder per format and a MANIFEST.md whose tables give, per file,
``rows / products``: data rows (item elements for XML) and distinct grouping keys (Shopify
handles, or the key the cell names: ``22 item_group_id``, ``2 variable parents``). Every
file goes through ``seller-console catalog check --json``, the same import the app runs.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from seller_console.cli import main
from seller_console.importers import ImportOptions, WarningKind, import_catalog
from tests.support import shared_catalog_files


class ManifestCounts(NamedTuple):
    rows: int
    products: int | None  # None when the manifest gives rows only
    grouped_by: str  # "" for products as we count them, else the key the count is of


def check(path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["catalog", "check", str(path), "--json", *extra], out, err)
    return code, json.loads(out.getvalue())


_SECTION = re.compile(r"^##\s+([\w-]+)/")
_COUNTS = re.compile(r"^([\d,]+)(?:\s*/\s*([\d,]+)\s*(.*))?$")


def manifest_counts(folder: Path) -> dict[Path, ManifestCounts]:
    """Per file (path below ``folder``): the counts of MANIFEST.md's ``rows / products`` column."""
    counts: dict[Path, ManifestCounts] = {}
    section, header = "", list[str]()
    for line in (folder / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        if m := _SECTION.match(line):
            section = m.group(1)
        if not line.startswith("|"):
            header = []
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if all(re.fullmatch(r":?-+:?", c) for c in cells):
            continue
        if not header:
            header = [c.casefold() for c in cells]
            continue
        row = dict(zip(header, cells, strict=False))
        m = _COUNTS.match(row.get("rows / products", "").replace("*", ""))
        if not (section and row.get("file") and m):
            continue
        rows, products, key = m.groups()
        counts[Path(section, row["file"])] = ManifestCounts(
            int(rows.replace(",", "")),
            int(products.replace(",", "")) if products else None,
            (key or "").strip(),
        )
    return counts


@pytest.mark.realdata
def test_every_shared_file_is_imported_or_refused_with_a_message(shared_catalogs):
    files = shared_catalog_files(shared_catalogs)
    assert files, "no catalog files below the shared folder"
    for path in files:
        code, data = check(path)
        assert code in (0, 2), path.name
        if code == 2:
            assert data["error"], path.name
        else:
            assert data["variants"] > 0, path.name
            assert all(r["reason"] for r in data["rejected_rows"]), path.name


@pytest.mark.realdata
def test_every_file_has_manifest_counts_and_they_match(shared_catalogs):
    counts = manifest_counts(shared_catalogs)
    files = {p.relative_to(shared_catalogs) for p in shared_catalog_files(shared_catalogs)}
    assert set(counts) == files, "MANIFEST.md and the folder list different files"
    for name, expected in counts.items():
        code, data = check(shared_catalogs / name)
        assert code == 0, name
        assert data["rows_read"] == expected.rows, name
        if expected.products is None:
            continue
        if not expected.grouped_by:
            assert data["products"] == expected.products, name
        else:
            # A count of grouping keys: every key is a product of ours, and rows without a
            # key stand alone, so ours is at least the manifest's and at most one per row.
            assert expected.products <= data["products"] <= data["variants"], name


def shared(folder: Path, name: str) -> Path:
    path = folder / name
    assert path.is_file(), f"{name} is listed in MANIFEST.md but missing"
    return path


@pytest.mark.realdata
def test_ungrouped_rows_of_a_tsv_feed_stand_alone(shared_catalogs):
    # 160 rows: 153 in 22 item groups and 7 rows without item_group_id, one product each.
    # The title with CSV quoting inside the TSV is read unquoted.
    result = import_catalog(
        shared(shared_catalogs, "google_merchant/lakeerie_wix_google_feed_variants.tsv")
    )
    assert result.report.delimiter == "\t"
    assert len(result.catalog.products) == 22 + 7
    assert any(p.title.startswith('"Lake Erie Loot Crew" Women') for p in result.catalog.products)


@pytest.mark.realdata
def test_image_only_rows_are_images_of_their_product(shared_catalogs):
    result = import_catalog(shared(shared_catalogs, "shopify/shopifypartners_jewelery.csv"))
    assert result.report.image_rows == 18
    assert result.report.rejected == []
    assert all(r.variant.price is not None for r in result.catalog.rows)


@pytest.mark.realdata
def test_2025_headers_group_variants_by_url_handle(shared_catalogs):
    result = import_catalog(
        shared(shared_catalogs, "shopify/shopify_template_2025_new_headers.csv"),
        ImportOptions(currency="USD"),
    )
    assert result.report.format == "shopify"
    assert len(result.catalog.products) == 2
    assert sum(len(p.variants) for p in result.catalog.products) == 15
    assert all(p.title for p in result.catalog.products)


@pytest.mark.realdata
def test_bom_header_after_help_row_is_read(shared_catalogs):
    result = import_catalog(shared(shared_catalogs, "meta/meta_template_bom_comment_row.csv"))
    assert result.report.encoding == "UTF-8 with BOM"
    assert result.report.format == "meta"
    assert result.report.variants == 1
    kinds = result.report.warning_counts()
    assert kinds[WarningKind.BARCODE_EXCEL_MANGLED] == 1


@pytest.mark.realdata
def test_price_and_currency_in_separate_columns(shared_catalogs):
    for name in (
        "meta/fb_sales_training_price_currency_split.csv",
        "tiktok/stuartsingleton_tiktok_catalog_price_currency_split.csv",
    ):
        result = import_catalog(shared(shared_catalogs, name))
        assert result.report.warning_counts()[WarningKind.CURRENCY_MISSING] == 0, name
        prices = [r.variant.price for r in result.catalog.rows]
        assert {p.currency.code for p in prices if p is not None} == {"USD"}, name
        assert None not in prices, name


@pytest.mark.realdata
def test_woocommerce_variations_join_their_parent_by_sku(shared_catalogs):
    result = import_catalog(
        shared(shared_catalogs, "woocommerce/classic_commerce_wc_sample_products.csv"),
        ImportOptions(currency="USD"),
    )
    variable = [p for p in result.catalog.products if len(p.variants) > 1]
    assert len(variable) == 2
    assert result.report.warning_counts()[WarningKind.SKIPPED_ROW] == 1  # the grouped product
