from decimal import Decimal

from seller_console.domain.catalog import Availability, ProductStatus
from seller_console.domain.money import Money
from seller_console.importers.report import WarningKind

from .helpers import load, warning_kinds, write

LEGACY = (
    "Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,"
    "Option2 Name,Option2 Value,Variant SKU,Variant Inventory Tracker,Variant Inventory Qty,"
    "Variant Inventory Policy,Variant Price,Variant Compare At Price,Variant Barcode,"
    "Image Src,Image Position,Image Alt Text,Status\r\n"
    'hoodie,Cozy Hoodie,"<p class=""MsoNormal"">Warm &amp; soft,\nwith a <b>hood</b>.</p>",'
    'Acme,Tops,"winter, cotton",true,Size,S,Color,Red,HD-S-R,shopify,5,deny,49.00,59.00,'
    "'0012345678905,https://cdn.example.com/h1.jpg,1,front,active\r\n"
    "hoodie,,,,,,,,M,,Red,HD-M-R,shopify,0,continue,49.00,49.00,3.65275E+11,"
    "https://cdn.example.com/h2.jpg,2,back,\r\n"
    "hoodie,,,,,,,,,,,,,,,,,,//cdn.example.com/h3.jpg,3,side,\r\n"
    "mug,Plain Mug,Plain text body,Acme,,,false,Title,Default Title,,,MUG-1,,,deny,"
    "12.5,,,https://cdn.example.com/m.jpg,1,,\r\n"
)


def test_legacy_export_groups_variants_and_images_by_handle(tmp_path):
    result = load(write(tmp_path, "legacy.csv", LEGACY), currency="EUR")
    report = result.report
    assert report.format == "shopify"
    assert (report.rows_read, report.products, report.variants, report.rows_rejected) == (
        4,
        2,
        3,
        0,
    )
    hoodie = result.catalog.product("hoodie")
    assert hoodie is not None
    assert hoodie.title == "Cozy Hoodie"
    assert hoodie.brand == "Acme"
    assert hoodie.tags == ("winter", "cotton")
    assert hoodie.description == "Warm & soft,\nwith a hood."
    assert hoodie.option_names == ("Size", "Color")
    # the image-only row is an extra image of the product, not a variant
    assert hoodie.image_urls == (
        "https://cdn.example.com/h1.jpg",
        "https://cdn.example.com/h2.jpg",
        "https://cdn.example.com/h3.jpg",
    )
    small, medium = hoodie.variants
    assert small.options == (("Size", "S"), ("Color", "Red"))
    assert small.title == "S / Red"
    assert small.price == Money.of("49.00", "EUR")
    assert small.compare_at_price == Money.of("59.00", "EUR")
    assert small.on_sale
    assert small.barcode == "0012345678905"  # the protective apostrophe is gone
    assert (small.stock, small.availability) == (5, Availability.IN_STOCK)
    assert (medium.stock, medium.availability) == (0, Availability.BACKORDER)
    assert medium.options == (("Size", "M"), ("Color", "Red"))


def test_default_title_means_no_options_and_unpublished_is_draft(tmp_path):
    result = load(write(tmp_path, "legacy.csv", LEGACY), currency="EUR")
    mug = result.catalog.product("mug")
    assert mug is not None
    assert mug.option_names == ()
    assert mug.variants[0].title == "Plain Mug"
    assert mug.variants[0].price == Money.of("12.50", "EUR")
    assert mug.status is ProductStatus.DRAFT
    # untracked inventory: stock unknown (None, never 0) but sellable
    assert mug.variants[0].stock is None
    assert mug.variants[0].availability is Availability.IN_STOCK


def test_warnings_name_row_and_column(tmp_path):
    result = load(write(tmp_path, "legacy.csv", LEGACY), currency="EUR")
    warnings = {w.kind.value: w for w in result.report.warnings if w.kind}
    barcode = warnings["barcode_excel_mangled"]
    assert (barcode.row, barcode.line, barcode.column) == (3, 4, "Variant Barcode")
    assert "3.65275E+11" in barcode.reason
    compare = warnings["compare_at_not_above_price"]
    assert (compare.row, compare.column) == (3, "Variant Compare At Price")
    assert "currency_assumed" in warnings


def test_without_a_currency_prices_are_kept_as_no_currency_and_the_report_says_so(tmp_path):
    result = load(write(tmp_path, "legacy.csv", LEGACY))
    assert result.report.currencies == ["XXX"]
    assert "currency_missing" in warning_kinds(result)
    [missing] = [w for w in result.report.warnings if w.kind is WarningKind.CURRENCY_MISSING]
    assert missing.reason == (
        "prices in this file carry no currency and none was chosen at import: they are "
        "kept without a currency; import again and choose the currency"
    )
    assert "XXX" not in missing.reason
    hoodie = result.catalog.product("hoodie")
    assert hoodie is not None
    assert hoodie.variants[0].price == Money.of("49.00", "XXX")


def test_2025_headers_read_the_same(tmp_path):
    text = (
        "Title,URL handle,Description,Vendor,Product category,Type,Tags,"
        "Published on online store,Status,SKU,Barcode,Option1 name,Option1 value,Price,"
        "Compare-at price,Inventory tracker,Inventory quantity,"
        "Continue selling when out of stock,Product image URL,Image position\n"
        "Linen Shirt,linen-shirt,<p>Cool</p>,Acme,Apparel,Shirts,summer,TRUE,Active,LS-S,,"
        "Size,S,30.00,,shopify,3,DENY,https://x.example/a.jpg,1\n"
        ",linen-shirt,,,,,,,,LS-M,,,M,30.00,35.00,shopify,0,CONTINUE,,\n"
    )
    result = load(write(tmp_path, "2025.csv", text), currency="USD")
    assert result.report.format == "shopify"
    product = result.catalog.product("linen-shirt")
    assert product is not None
    assert product.title == "Linen Shirt"
    assert [v.sku for v in product.variants] == ["LS-S", "LS-M"]
    assert product.variants[1].availability is Availability.BACKORDER
    assert product.variants[1].compare_at_price == Money.of("35.00", "USD")
    assert product.status is ProductStatus.ACTIVE


def test_bad_rows_are_rejected_with_row_column_and_reason_and_the_rest_loads(tmp_path):
    text = (
        "Handle,Title,Variant SKU,Variant Price,Variant Inventory Qty\n"
        "a,Alpha,A1,10.00,1\n"
        ",,B1,11.00,1\n"
        "c,Gamma,C1,twelve,1\n"
        "d,Delta,A1,13.00,x\n"
        "e,Epsilon,E1,-1.00,1\n"
        "f,,F1,1.00,1\n"
    )
    result = load(write(tmp_path, "bad.csv", text), currency="USD")
    rejected = [(p.row, p.column, p.reason) for p in result.report.rejected]
    assert rejected == [
        (3, "Handle", "the row has neither a handle nor a title"),
        (4, "Variant Price", "price 'twelve' is not a number ('twelve' has no number)"),
        (6, "Variant Price", "price '-1.00' is negative"),
        (7, "Title", "the first row of product 'f' has no title"),
    ]
    assert [p.id for p in result.catalog.products] == ["a", "c", "d", "e"]
    assert result.report.variants == 2
    kinds = warning_kinds(result)
    assert "duplicate_sku" in kinds
    assert "bad_value" in kinds  # stock 'x'


def test_missing_inventory_column_means_stock_unknown_not_zero(tmp_path):
    text = "Handle,Title,Variant SKU,Variant Price\nx,X,X1,5\n"
    result = load(write(tmp_path, "multi-location.csv", text), currency="SEK")
    variant = result.catalog.rows[0].variant
    assert variant.stock is None
    assert variant.availability is Availability.UNKNOWN
    assert "stock_unknown" in warning_kinds(result)


def test_commission_column_or_brand_default(tmp_path):
    text = "Handle,Title,Variant SKU,Variant Price,Commission Rate\na,A,A1,5,12%\nb,B,B1,5,\n"
    result = load(write(tmp_path, "c.csv", text), currency="USD", commission_rate=Decimal("0.2"))
    rates = [r.variant.commission_rate for r in result.catalog.rows]
    assert rates == [Decimal("0.12"), Decimal("0.2")]


def test_variant_ids_stay_distinct_when_handles_hold_a_hash(tmp_path):
    # "a" has a second variant "a#2"; handle "a#1" has "a#1#1": never one id twice,
    # though Shopify's ids are made, not looked up.
    result = load(
        write(
            tmp_path,
            "hash.csv",
            "Handle,Title,Variant SKU,Variant Price\n"
            "a,A,A1,1.00\na,,A2,1.00\na#1,A hash,H1,1.00\na#2,A hash two,H2,1.00\n",
        ),
        currency="USD",
    )
    ids = [r.variant.id for r in result.catalog.rows]
    assert ids == ["a#1", "a#2", "a#1#1", "a#2#1"]
    assert not [w for w in result.report.warnings if "already used" in w.reason]
