import zipfile

import pytest

from seller_console.importers import CatalogImportError, ImportOptions, import_catalog

from .helpers import load, warning_kinds, write

SHOPIFY = "Handle,Title,Variant SKU,Variant Price\ncafe,Café crème,C1,3.50\n"


def test_utf8_bom_does_not_become_part_of_the_first_header(tmp_path):
    result = load(write(tmp_path, "bom.csv", "\ufeff" + SHOPIFY), currency="EUR")
    assert result.report.encoding == "UTF-8 with BOM"
    assert result.catalog.rows[0].product.title == "Café crème"


def test_utf16_from_excel(tmp_path):
    tsv = SHOPIFY.replace(",", "\t")
    result = load(
        write(tmp_path, "excel.txt", "\ufeff" + tsv, encoding="utf-16-le"), currency="EUR"
    )
    assert (result.report.encoding, result.report.delimiter) == ("UTF-16", "\t")
    assert result.catalog.rows[0].product.title == "Café crème"


def test_cp1252_is_a_fallback_with_a_warning(tmp_path):
    result = load(write(tmp_path, "legacy.csv", SHOPIFY, encoding="cp1252"), currency="EUR")
    assert result.report.encoding == "Windows-1252 (assumed)"
    assert result.catalog.rows[0].product.title == "Café crème"
    assert "encoding_fallback" in warning_kinds(result)


def test_semicolon_and_crlf_with_bare_lf_inside_cells(tmp_path):
    text = 'Handle;Title;Body (HTML);Variant Price\r\na;A;"one\ntwo";1,50\r\nb;B;x;2\r\n'
    result = load(write(tmp_path, "eu.csv", text), currency="EUR")
    assert result.report.delimiter == ";"
    assert [str(r.variant.price) for r in result.catalog.rows] == ["1.50 EUR", "2.00 EUR"]
    assert result.catalog.rows[0].product.description == "one\ntwo"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"just,some,words\n1,2,3\n", "not a catalog format"),
        (b"\x00\x01\x02binary", "binary"),
    ],
)
def test_unreadable_files_stop_with_one_clear_message(tmp_path, content, message):
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    with pytest.raises(CatalogImportError, match=message):
        import_catalog(path)


def test_workbooks_and_oversized_files_are_refused(tmp_path):
    book = tmp_path / "catalog.xlsx"
    with zipfile.ZipFile(book, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(CatalogImportError, match="save it as CSV"):
        import_catalog(book)
    big = write(tmp_path, "big.csv", SHOPIFY * 10)
    with pytest.raises(CatalogImportError, match="over the"):
        import_catalog(big, ImportOptions(max_bytes=100))
    with pytest.raises(CatalogImportError, match="does not exist"):
        import_catalog(tmp_path / "missing.csv")


def test_detection_is_by_content_not_extension(tmp_path):
    result = load(write(tmp_path, "products.xml", SHOPIFY), currency="EUR")
    assert result.report.format == "shopify"


def test_progress_reaches_the_end_and_cancel_stops(tmp_path):
    rows = "".join(f"h{i},T{i},S{i},1.00\n" for i in range(5000))
    path = write(tmp_path, "many.csv", "Handle,Title,Variant SKU,Variant Price\n" + rows)
    seen: list[tuple[int, int]] = []
    import_catalog(path, ImportOptions(currency="USD"), progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1] == path.stat().st_size
    with pytest.raises(CatalogImportError, match="cancelled"):
        import_catalog(path, ImportOptions(currency="USD"), cancel=lambda: True)
