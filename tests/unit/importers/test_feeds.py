from decimal import Decimal

import pytest

from seller_console.domain.catalog import Availability
from seller_console.domain.money import Money
from seller_console.importers import (
    CatalogImportError,
    UnknownFormatError,
    guess_column_map,
    preview_table,
)

from .helpers import load, reasons, warning_kinds, write

MERCHANT_TSV = (
    "id\titem_group_id\ttitle\tdescription\tprice\tsale_price\tavailability\timage_link\t"
    "additional_image_link\tbrand\tgtin\tcolor\tsize\n"
    'TS-R-S\tTS\tTee Red S\t"""Lake Erie"" tee, soft"\t15.00 USD\t12.00 USD\tin stock\t'
    "https://x.example/r.jpg\thttps://x.example/r2.jpg,https://x.example/r3.jpg\tLakeCo\t"
    "4006381333931\tRed\tS\n"
    "TS-R-M\tTS\tTee Red M\tsoft\t15.00 USD\t\tout_of_stock\thttps://x.example/r.jpg\t\t"
    "LakeCo\t4006381333932\tRed\tM\n"
    "CAP\t\tCap\tA cap\t9,50 EUR\t\tpreorder\thttps://x.example/c.jpg\t\tLakeCo\t\t\t\n"
    "BAD\t\tBroken\tx\tfree\t\tIn stock\t\t\tLakeCo\t\t\t\n"
)


def test_merchant_tsv_groups_by_item_group_id_and_reads_sales(tmp_path):
    result = load(write(tmp_path, "feed.txt", MERCHANT_TSV))
    report = result.report
    assert (report.format, report.delimiter) == ("google_merchant", "\t")
    assert (report.products, report.variants, report.rows_rejected) == (2, 3, 1)
    assert report.currencies == ["EUR", "USD"]
    tee = result.catalog.product("TS")
    assert tee is not None
    assert tee.description == '"Lake Erie" tee, soft'  # CSV quoting inside a TSV
    assert tee.option_names == ("Color", "Size")
    assert tee.image_urls == (
        "https://x.example/r.jpg",
        "https://x.example/r2.jpg",
        "https://x.example/r3.jpg",
    )
    red_s, red_m = tee.variants
    # Google's price is the regular one: a running sale becomes the price
    assert red_s.price == Money.of("12.00", "USD")
    assert red_s.compare_at_price == Money.of("15.00", "USD")
    assert red_m.availability is Availability.OUT_OF_STOCK
    assert red_m.stock is None
    cap = result.catalog.product("CAP")
    assert cap is not None
    assert cap.variants[0].price == Money.of("9.50", "EUR")
    assert reasons(result) == ["price 'free' is not a number ('free' has no number)"]
    kinds = warning_kinds(result)
    assert "barcode_invalid" in kinds  # 4006381333932 fails the check digit
    assert "stock_unknown" in kinds  # Google feeds carry no quantity


def test_sale_outside_its_window_is_not_the_price(tmp_path):
    text = (
        "id\ttitle\tprice\tsale_price\tsale_price_effective_date\tavailability\n"
        "A\tPast sale\t10.00 USD\t8.00 USD\t2001-01-01T00:00/2001-01-31T23:59\tin stock\n"
        "B\tOdd date\t10.00 USD\t8.00 USD\tsoon-ish\tin stock\n"
        "C\tTikTok date\t10.00 USD\t7.00 USD\t2017-12-01 T0:00/2999-12-31 T0:00\tin stock\n"
    )
    result = load(write(tmp_path, "sale.tsv", text))
    prices = [r.variant.price for r in result.catalog.rows]
    assert prices == [Money.of("10.00", "USD"), Money.of("8.00", "USD"), Money.of("7.00", "USD")]
    assert "sale_date_unreadable" in warning_kinds(result)


RSS = """<?xml version="1.0"?>
<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel><title>Shop</title>
<item><g:id>A1</g:id><title>Lamp &amp; Shade</title><link>https://x.example/a</link>
<description>Bright</description><g:price>25.00 USD</g:price>
<g:availability>in_stock</g:availability><g:image_link>https://x.example/a.jpg?v=1&amp;w=2</g:image_link>
<g:additional_image_link>https://x.example/a2.jpg</g:additional_image_link>
<g:additional_image_link>https://x.example/a3.jpg</g:additional_image_link>
<g:shipping><g:country>US</g:country><g:price>5.00 USD</g:price></g:shipping>
<g:brand>Glow</g:brand></item>
<item><g:id>A2</g:id><g:title>Bulb</g:title><g:price>3.00 USD</g:price>
<g:brand>Glow</g:brand></item>
</channel></rss>"""


def test_merchant_rss_with_g_namespace_single_line_or_not(tmp_path):
    for name, text in (("feed.xml", RSS), ("one-line.xml", RSS.replace("\n", ""))):
        result = load(write(tmp_path, name, text))
        assert result.report.format == "google_merchant_xml"
        assert (result.report.products, result.report.variants) == (2, 2)
        lamp = result.catalog.product("A1")
        assert lamp is not None
        assert lamp.title == "Lamp & Shade"
        assert lamp.link == "https://x.example/a"
        assert lamp.image_urls[0] == "https://x.example/a.jpg?v=1&w=2"
        assert len(lamp.image_urls) == 3
        # the nested shipping price is not the product's price
        assert lamp.variants[0].price == Money.of("25.00", "USD")


def test_feed_without_namespace_or_rss_wrapper(tmp_path):
    text = (
        "<channel><item><id>F1</id><title>Coat</title><price>$2,030</price>"
        "<availability>Available</availability></item></channel>"
    )
    result = load(write(tmp_path, "farfetch.xml", text), currency="USD")
    variant = result.catalog.rows[0].variant
    assert variant.price == Money.of("2030", "USD")
    assert variant.availability is Availability.IN_STOCK


def test_undeclared_prefix_is_recovered_and_reported(tmp_path):
    text = (
        '<?xml version="1.0"?>\n<rss><channel>\n<item><g:id>P1</g:id><g:title>Bike</g:title>'
        "<g:price>999 SEK</g:price><g:availability>InStock</g:availability></item>\n"
        "</channel></rss>"
    )
    result = load(write(tmp_path, "prisjakt.xml", text))
    assert result.report.variants == 1
    assert result.catalog.rows[0].variant.availability is Availability.IN_STOCK
    assert "xml_recovered" in warning_kinds(result)


def test_xml_that_cannot_be_read_stops_with_its_line(tmp_path):
    path = write(tmp_path, "broken.xml", '<?xml version="1.0"?>\n<rss>\n<<<>>>\n')
    with pytest.raises(CatalogImportError, match="line 3"):
        load(path)


META = (
    "\ufeff# Required | A unique id | Title | Price with currency | Availability\n"
    "id,title,description,availability,condition,price,currency,link,image[0].url,"
    "image[1].url,brand,quantity_to_sell_on_facebook,item_group_id,size\n"
    "m1,  Leading Space Tee,Plain,in stock,new,29.00,USD,https://x.example/1,"
    "https://x.example/1.jpg,https://x.example/1b.jpg,MetaCo,4,g1,S\n"
    "m2,Leading Space Tee,Plain,out of stock,new,29.00,USD,https://x.example/2,"
    "https://x.example/2.jpg,,MetaCo,0,g1,M\n"
    "m3,Odd,Plain,in stock,new,29.00,XYZ,https://x.example/3,,,MetaCo,1,,\n"
)


def test_meta_template_with_bom_help_row_split_currency_and_jsonpath_images(tmp_path):
    result = load(write(tmp_path, "meta.csv", META))
    report = result.report
    assert report.format == "meta"
    assert report.encoding == "UTF-8 with BOM"
    assert (report.products, report.variants) == (1, 2)
    product = result.catalog.product("g1")
    assert product is not None
    assert product.title == "Leading Space Tee"
    assert product.image_urls == (
        "https://x.example/1.jpg",
        "https://x.example/1b.jpg",
        "https://x.example/2.jpg",
    )
    first = product.variants[0]
    assert (first.price, first.stock) == (Money.of("29.00", "USD"), 4)
    [problem] = report.rejected
    assert (problem.row, problem.column) == (5, "currency")
    assert "XYZ" in problem.reason


def test_meta_override_feed_is_refused_politely(tmp_path):
    path = write(tmp_path, "override.csv", "id,override,price\nm1,FR,10.00 EUR\n")
    with pytest.raises(CatalogImportError, match="localisation"):
        load(path)


TIKTOK = (
    ",#To learn more about the fields visit ads.tiktok.com/help/article?aid=10001006\n"
    "context,Required || unique,Required,Required,Required,Required,Optional\n"
    "columns,sku_id,title,description,availability,price,brand\n"
    "example,SKU123,Example,Example text,In stock,9.97 USD,Brand\n"
    ',tt-1,Notebook — 6×9",Lined,In stock,9.97 USD,Paper Co\n'
    ",tt-2,Pen,Blue,discontinued,1.50 USD,Paper Co\n"
)


def test_tiktok_template_drops_help_rows_and_the_label_column(tmp_path):
    result = load(write(tmp_path, "tiktok.csv", TIKTOK))
    assert result.report.format == "tiktok"
    assert [r.variant.id for r in result.catalog.rows] == ["tt-1", "tt-2"]
    notebook = result.catalog.rows[0]
    assert notebook.product.title == 'Notebook — 6×9"'
    assert notebook.product.brand == "Paper Co"
    assert result.catalog.rows[1].variant.availability is Availability.DISCONTINUED


def test_generic_csv_with_a_column_mapping(tmp_path):
    text = "Code;Name;Cost;Maker;Qty;Rate\nG1;Widget;1.234,50;WidgetCo;7;10%\nG2;;2,00;W;1;\n"
    path = write(tmp_path, "own.csv", text)
    result = load(
        path,
        format="generic",
        currency="EUR",
        column_map={
            "id": "Code",
            "title": "Name",
            "price": "Cost",
            "brand": "Maker",
            "quantity": "Qty",
            "commission": "Rate",
        },
    )
    assert result.report.delimiter == ";"
    widget = result.catalog.rows[0]
    assert widget.variant.price == Money.of("1234.50", "EUR")
    assert (widget.variant.stock, widget.variant.commission_rate) == (7, Decimal("0.1"))
    assert widget.product.brand == "WidgetCo"
    assert [(p.row, p.column) for p in result.report.rejected] == [(3, "Name")]


def test_generic_mapping_errors_name_the_columns(tmp_path):
    path = write(tmp_path, "own.csv", "Code,Name\nA,B\n")
    with pytest.raises(CatalogImportError, match="'Title' \\(for title\\)"):
        load(path, format="generic", column_map={"id": "Code", "title": "Title"})
    with pytest.raises(CatalogImportError, match="unknown field"):
        load(path, format="generic", column_map={"id": "Code", "title": "Name", "colour": "x"})


def test_a_group_s_variants_are_named_by_what_sets_them_apart(tmp_path):
    # Feeds title every item: the same title for all (sizes and colours in their own
    # columns), or the product's with the size added. Each variant must still be told
    # apart in the catalog, the rundown and on air.
    head = "id\titem_group_id\ttitle\tprice\tavailability\tcolor\tsize\tgender\n"
    rows = [
        "T-W-S\tT\tCrew Tank Top\t20.00 USD\tin stock\tWhite\tS\tfemale\n",
        "T-W-L\tT\tCrew Tank Top\t20.00 USD\tin stock\tWhite\tL\tfemale\n",
        "T-H-L\tT\tCrew Tank Top\t20.00 USD\tin stock\tHeather\tL\tfemale\n",
        'P-4\tP\tVersailles — at Night — 4×6"\t9.00 USD\tin stock\t\t\t\n',
        'P-6\tP\tVersailles — at Night — 6×9"\t12.00 USD\tin stock\t\t\t\n',
        'P-6F\tP\tVersailles — at Night — 6×9" Framed\t30.00 USD\tin stock\t\t\t\n',
    ]
    catalog = load(write(tmp_path, "feed.tsv", head + "".join(rows))).catalog
    tank, print_ = catalog.product("T"), catalog.product("P")
    assert tank is not None
    assert print_ is not None
    assert tank.title == "Crew Tank Top"
    # the options that differ (not "female", which every variant has)
    assert [v.title for v in tank.variants] == ["White / S", "White / L", "Heather / L"]
    assert print_.title == "Versailles — at Night"
    assert [v.title for v in print_.variants] == ['4×6"', '6×9"', '6×9" Framed']


def test_a_file_of_no_known_format_says_how_to_map_it_in_the_window_and_the_cli(tmp_path):
    path = write(tmp_path, "brand.csv", "title,sku,price\nGlow,SER-30,24.90\n")
    with pytest.raises(UnknownFormatError) as failed:
        load(path)
    assert "'Generic CSV (map columns)'" in failed.value.reason
    assert "--format generic --map FIELD=COLUMN" in failed.value.reason


def test_the_mapping_guess_goes_by_name_synonym_then_word_each_column_once():
    header = ["Code", "Product Name", "Cost", "Price (USD)", "Sale Price", "QTY", "", "Code"]
    assert guess_column_map(header) == {
        "id": "Code",
        "title": "Product Name",
        "price": "Cost",
        "sale_price": "Sale Price",
        "quantity": "QTY",
    }
    assert guess_column_map(["title", "sku", "stock", "Image URL", "Notes"]) == {
        "id": "sku",
        "title": "title",
        "image": "Image URL",
        "quantity": "stock",
    }
    assert guess_column_map(["Retail Price (EUR)", "Name"]) == {
        "title": "Name",
        "price": "Retail Price (EUR)",
    }


def test_a_preview_reads_the_header_and_rows_as_the_generic_import_does(tmp_path):
    text = "\n\ufeffCode;Name;Cost\n\nA1;Mug;3,50\nA2;Cup;2,00\nA3;Jug;9,00\n"
    path = write(tmp_path, "own.csv", text)
    preview = preview_table(path, rows=2)
    assert preview.header == ("Code", "Name", "Cost")
    assert preview.rows == (("A1", "Mug", "3,50"), ("A2", "Cup", "2,00"))
    mapping = dict(zip(("id", "title", "price"), preview.columns, strict=True))
    result = load(path, format="generic", currency="EUR", column_map=mapping)
    assert [r.variant.sku for r in result.catalog.rows] == ["A1", "A2", "A3"]
    same = write(tmp_path, "next.csv", "code ; NAME;cost\nB1;Bowl;1,00\n")
    other = write(tmp_path, "other.csv", "Code;Name;Price\nB1;Bowl;1,00\n")
    assert preview_table(same).signature == preview.signature
    assert preview_table(other).signature != preview.signature


def test_a_preview_refuses_what_no_import_can_read(tmp_path):
    with pytest.raises(CatalogImportError, match="empty"):
        preview_table(write(tmp_path, "none.csv", ""))
    with pytest.raises(CatalogImportError, match="binary"):
        preview_table(write(tmp_path, "x.csv", "a\x00b\nc\x00d\n"))
