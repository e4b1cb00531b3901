"""An unbalanced quote never merges rows: the broken row is refused with its line, and
every row around it is kept or refused on its own."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seller_console.importers import (
    ImportOptions,
    ImportReport,
    WarningKind,
    import_catalog,
    source,
)
from tests.hostile.files import corpus
from tests.hostile.files.helpers import check


def _ids(path: Path) -> list[str]:
    result = import_catalog(path, ImportOptions(currency="USD"))
    return [ref.variant.sku for ref in result.catalog.rows]


def test_tsv_quote_that_never_closes_loses_only_its_own_row(tmp_path: Path) -> None:
    path = corpus.write(tmp_path, "feed.tsv", corpus.one_quote_early(50))
    code, report, _ = check(path)
    assert code == 0
    assert report["variants"] == 50  # every good row after the damage is kept
    [refused] = report["rejected_rows"]
    assert refused["line"] == 2
    assert "unbalanced quote" in refused["reason"]
    assert _ids(path) == [f"sku-{i}" for i in range(50)]


def test_shopify_quote_that_never_closes_loses_only_its_own_row(tmp_path: Path) -> None:
    rows = [corpus.shopify_row(i) for i in range(6)]
    rows[2] = rows[2].replace("Item 2", '"Item 2')
    path = corpus.write(tmp_path, "products.csv", corpus.SHOPIFY_HEADER + "".join(rows))
    code, report, _ = check(path, "--currency", "USD")
    assert code == 0
    assert report["variants"] == 5
    assert [p["line"] for p in report["rejected_rows"]] == [4]
    assert _ids(path) == ["SKU-0", "SKU-1", "SKU-3", "SKU-4", "SKU-5"]


def test_a_quote_closed_by_a_stray_quote_rows_later_is_caught(tmp_path: Path) -> None:
    # The quote opened on line 3 is "closed" by the inch mark of line 6: a lenient reader
    # merges lines 3-6 into one cell, and the rows between vanish.
    text = (
        corpus.GOOGLE_HEADER
        + corpus.google_row(0)
        + 'sku-1\t"Coat\t100.00 USD\tin stock\t5\t\t\n'
        + corpus.google_row(2)
        + corpus.google_row(3)
        + 'sku-4\tPoster 6x9"\t7.00 USD\tin stock\t5\t\t\n'
        + corpus.google_row(5)
    )
    path = corpus.write(tmp_path, "feed.tsv", text)
    code, report, _ = check(path)
    assert code == 0
    assert [p["line"] for p in report["rejected_rows"]] == [3]
    assert _ids(path) == ["sku-0", "sku-2", "sku-3", "sku-4", "sku-5"]


def test_a_quote_closed_mid_row_later_is_caught(tmp_path: Path) -> None:
    # A later quoted cell ("Blue, navy") ends the swallow in the middle of its row.
    text = (
        "id,title,price,availability,color\n"
        "a,Scarf,1.00 USD,in stock,red\n"
        'b,"Coat,100.00 USD,in stock,black\n'
        'c,Hat,5.00 USD,in stock,"Blue, navy"\n'
        "d,Bag,7.00 USD,in stock,tan\n"
    )
    path = corpus.write(tmp_path, "feed.csv", text)
    code, report, _ = check(path)
    assert code == 0
    assert [p["line"] for p in report["rejected_rows"]] == [3]
    assert _ids(path) == ["a", "c", "d"]


def test_text_after_a_closing_quote_on_one_line_is_kept_with_a_warning(tmp_path: Path) -> None:
    text = corpus.GOOGLE_HEADER + 'sku-1\t"Coat" (wool)\t10.00 USD\tin stock\t5\t\t\n'
    path = corpus.write(tmp_path, "feed.tsv", text)
    result = import_catalog(path, ImportOptions())
    assert result.catalog.rows[0].product.title == "Coat (wool)"
    assert [w.kind for w in result.report.warnings][:1] == [WarningKind.STRAY_QUOTE]


def test_a_quoted_multi_line_description_is_still_one_cell(tmp_path: Path) -> None:
    body = '"<p>Soft, warm,\nand ""light""</p>\n<ul><li>wool</li></ul>"'
    text = (
        corpus.SHOPIFY_HEADER
        + (f"scarf,Scarf,{body},Acme,Size,M,SKU-1,5,19.00,,https://cdn.example.com/1.jpg,1\n")
        + corpus.shopify_row(2)
    )
    path = corpus.write(tmp_path, "products.csv", text)
    result = import_catalog(path, ImportOptions(currency="USD"))
    assert result.report.rejected == []
    assert result.catalog.products[0].body.startswith('<p>Soft, warm,\nand "light"')
    assert result.catalog.variant_count == 2


def test_every_line_opening_a_quote_is_refused_line_by_line(tmp_path: Path) -> None:
    path = corpus.write(tmp_path, "feed.tsv", corpus.quote_every_line(300))
    code, report, _ = check(path)
    assert code == 0
    assert report["variants"] == 0
    assert [p["line"] for p in report["rejected_rows"]] == list(range(2, 302))


_cell = st.text(st.sampled_from(list("ab ,;\t.")), max_size=6)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    titles=st.lists(_cell.filter(lambda t: t.strip(" ,;\t.") != ""), min_size=2, max_size=12),
    broken=st.integers(0, 11),
)
def test_one_broken_quote_costs_at_most_its_own_row(
    tmp_path: Path, titles: list[str], broken: int
) -> None:
    """Every well-formed row of a random feed is kept, whichever row has a lone quote."""
    broken %= len(titles)
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(["id", "title", "price", "availability"])
    for i, title in enumerate(titles):
        writer.writerow([f"id-{i}", title.replace("\t", " ").strip(), "1.00 USD", "in stock"])
    lines = out.getvalue().splitlines(keepends=True)
    row = lines[broken + 1].split("\t")
    row[1] = '"' + row[1]
    lines[broken + 1] = "\t".join(row)
    path = tmp_path / "feed.tsv"
    path.write_text("".join(lines), encoding="utf-8")
    kept = set(_ids(path))
    expected = {f"id-{i}" for i in range(len(titles)) if i != broken}
    assert expected <= kept <= expected | {f"id-{broken}"}


def test_a_ragged_file_keeps_its_multi_line_rows(tmp_path: Path) -> None:
    # Rows one cell wider than the header (a trailing note) are this file's normal shape:
    # a multi-line description in such a row is not a swallow.
    text = (
        "id,title,description,price,availability\n"
        "a,Scarf,warm,1.00 USD,in stock,note\n"
        'b,Coat,"long\ncoat",100.00 USD,in stock,note\n'
        "c,Hat,small,5.00 USD,in stock,note\n"
    )
    path = corpus.write(tmp_path, "feed.csv", text)
    result = import_catalog(path, ImportOptions())
    assert result.report.rejected == []
    assert [ref.variant.sku for ref in result.catalog.rows] == ["a", "b", "c"]


def _records(path: Path, short_lines: bool) -> tuple[list[tuple[int, int, list[str]]], list[str]]:
    """What ``RecordReader`` reads, on the fast path first (``short_lines``) or careful only."""
    encoding = replace(source.detect_encoding(path), short_lines=short_lines)
    report = ImportReport(path)
    reader = source.RecordReader(path, encoding, ",", report=report)
    records = []
    for record in reader:
        if reader.width is None:
            reader.width = len(record.cells)  # the header, as open_table sets it
        records.append((record.row, record.line, record.cells))
    problems = [f"{p.row}:{p.line}:{p.reason}" for p in report.rejected + report.warnings]
    return records, problems


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.lists(st.text(alphabet='ab,"\n\r x', max_size=12), max_size=40).map("".join),
    record_lines=st.sampled_from([3, 2_000]),
)
def test_the_fast_path_reads_every_file_as_the_careful_reader_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, record_lines: int
) -> None:
    # The careful reader (every line capped and kept) is the reference: the fast path must
    # give the same records, rows, lines and problems, whatever the quotes and line ends.
    monkeypatch.setattr(source, "MAX_RECORD_LINES", record_lines)
    path = tmp_path / "messy.csv"
    path.write_bytes(("h1,h2,h3,h4,h5\n" + body).encode())
    assert _records(path, short_lines=True) == _records(path, short_lines=False)
