"""The shared real-world catalogs, read in place (skipped when the folder is absent).

Every file goes through ``seller-console catalog check --json`` (the same import the app
runs). Counts come from the folder's MANIFEST.md; the tricky values are the ones the
research notes found in these files (../shared/research/catalog-formats.md §7).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from seller_console.cli import main
from seller_console.importers import WarningKind, import_catalog

COUNT_COLUMNS = ("products", "variants", "rejected_rows", "rows_rejected")


def check(path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["catalog", "check", str(path), "--json", *extra], out, err)
    return code, json.loads(out.getvalue())


def catalog_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.name != "MANIFEST.md" and not p.name.startswith(".")
    )


def manifest_counts(folder: Path) -> dict[str, dict[str, int]]:
    """Rows of every Markdown table in MANIFEST.md that names a file and gives counts."""
    manifest = folder / "MANIFEST.md"
    if not manifest.is_file():
        return {}
    counts: dict[str, dict[str, int]] = {}
    header: list[str] = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if not line.strip().startswith("|"):
            header = []
            continue
        cells = [c.strip().strip("`*").strip() for c in line.strip().strip("|").split("|")]
        if all(re.fullmatch(r":?-+:?", c) for c in cells if c):
            continue
        if not header:
            header = [c.casefold().replace(" ", "_") for c in cells]
            continue
        row = dict(zip(header, cells, strict=False))
        name = row.get("file") or row.get("name") or row.get("filename")
        if not name:
            continue
        found = {
            k: int(v.replace(",", ""))
            for k, v in row.items()
            if k in COUNT_COLUMNS and re.fullmatch(r"[\d,]+", v)
        }
        if found:
            counts[name] = found
    return counts


@pytest.mark.realdata
def test_every_shared_file_is_imported_or_refused_with_a_message(shared_catalogs):
    for path in catalog_files(shared_catalogs):
        code, data = check(path)
        assert code in (0, 2), path.name
        if code == 2:
            assert data["error"], path.name
        else:
            assert data["variants"] >= 0
            assert all(r["reason"] for r in data["rejected_rows"]), path.name


@pytest.mark.realdata
def test_counts_match_the_manifest(shared_catalogs):
    counts = manifest_counts(shared_catalogs)
    assert counts, "MANIFEST.md gives no per-file counts this test can read"
    for name, expected in counts.items():
        path = shared_catalogs / name
        if not path.is_file():
            continue
        _, data = check(path)
        for key, value in expected.items():
            got = (
                len(data["rejected_rows"])
                if key in ("rejected_rows", "rows_rejected")
                else data[key]
            )
            assert got == value, f"{name}: {key} {got} != {value}"


def one(folder: Path, pattern: str) -> Path:
    matches = sorted(folder.glob(pattern))
    if not matches:
        pytest.skip(f"no file matching {pattern}")
    return matches[0]


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("pattern", "image_rows"),
    [("multibrand_*large*.csv", 1649), ("parispousse_*", 48), ("shopifypartners_jewelery.csv", 18)],
)
def test_image_only_rows_are_images_of_their_product(shared_catalogs, pattern, image_rows):
    path = one(shared_catalogs, pattern)
    result = import_catalog(path)
    assert result.report.image_rows == image_rows
    assert all(r.variant.price is not None for r in result.catalog.rows)


@pytest.mark.realdata
def test_multibrand_duplicates_and_equal_compare_at(shared_catalogs):
    result = import_catalog(one(shared_catalogs, "multibrand_*large*.csv"))
    kinds = result.report.warning_counts()
    assert kinds[WarningKind.DUPLICATE_SKU] == 61
    assert kinds[WarningKind.COMPARE_AT_NOT_ABOVE] == 80


@pytest.mark.realdata
def test_bom_header_is_read(shared_catalogs):
    path = one(shared_catalogs, "meta_template_bom_comment_row.csv")
    result = import_catalog(path)
    assert result.report.encoding == "UTF-8 with BOM"
    assert result.report.format == "meta"
    assert result.report.variants > 0


@pytest.mark.realdata
def test_multi_location_export_has_unknown_stock_not_zero(shared_catalogs):
    result = import_catalog(one(shared_catalogs, "velofant_products_export*.csv"))
    assert result.report.format == "shopify"
    assert all(r.variant.stock is None for r in result.catalog.rows)
