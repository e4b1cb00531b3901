"""Orders exports: generous with header names, strict with values, every bad row reported
with its row, column and reason, whole orders only, and a cost linear in the file's size."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from seller_console.domain.money import Money
from seller_console.domain.orders import OrderStatus
from seller_console.importers.errors import CatalogImportError
from seller_console.importers.orders_export import read_orders_export


def write(tmp_path: Path, text: str, name: str = "orders.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_header_names_are_matched_generously_and_rows_group_into_orders(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Order_SN;Create Time;Seller SKU;Qty;Line Total;Currency Code;Estimated-Commission;Status\n"
        "A1;2026-12-01T20:05:00Z;SER-30;2;49.80;USD;7.47;Completed\n"
        "A1;2026-12-01T20:05:00Z;LIP-3;1;18.00;USD;;completed\n"
        "A2;2026-12-01 21:10:00+01:00;SER-30;1;24.90 USD;;;Returned\n",
    )
    export = read_orders_export(path)
    assert export.report.rejected == []
    assert export.report.rows_read == 3
    assert [o.id for o in export.orders] == ["A1", "A2"]
    a1, a2 = export.orders
    assert [(line.sku, line.quantity, line.amount) for line in a1.lines] == [
        ("SER-30", 2, Money.of("49.80", "USD")),
        ("LIP-3", 1, Money.of("18.00", "USD")),
    ]
    assert a1.lines[0].unit_price == Money.of("24.90", "USD")
    assert a1.lines[0].commission == Money.of("7.47", "USD")
    assert a1.lines[1].commission is None
    assert a1.status is OrderStatus.PAID
    assert a2.status is OrderStatus.REFUNDED
    assert a2.created_at == datetime(2026, 12, 1, 20, 10, tzinfo=UTC)
    assert export.report.currencies == ["USD"]


def test_every_bad_row_says_row_column_and_why_and_its_order_is_left_out(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "order id,time,sku,quantity,amount,currency,status\n"
        "B1,2026-12-01T20:00:00Z,S1,1,10.00,USD,\n"  # row 2: good
        "B2,2026-12-01 20:00:00,S1,1,10.00,USD,\n"  # row 3: no time zone
        "B3,2026-12-01T20:00:00Z,S1,0,10.00,USD,\n"  # row 4: quantity 0
        "B4,2026-12-01T20:00:00Z,S1,1,-3.00,USD,\n"  # row 5: negative
        "B5,2026-12-01T20:00:00Z,S1,1,10.00 EUR,USD,\n"  # row 6: two currencies
        "B6,2026-12-01T20:00:00Z,S1,1,10.005,USD,\n"  # row 7: sub-cent
        "B7,2026-12-01T20:00:00Z,S1,3,10.00,USD,\n"  # row 8: not 3 x a unit price
        "B8,2026-12-01T20:00:00Z,S1,1,10.00,XXQ,\n"  # row 9: unknown currency
        "B9,2026-12-01T20:00:00Z,S1,1,10.00,USD,lost\n"  # row 10: unknown status
        "B10,2026-12-01T20:00:00Z,S1,1,10.00,USD,\n"  # row 11: good line of B10
        "B10,2026-12-01T20:00:00Z,,1,10.00,USD,\n"  # row 12: no SKU: B10 left out whole
        "B11,2026-12-01T20:00:00Z,S1,1,10.00,USD,\n"  # row 13: B11, then a later time
        "B11,2026-12-01T20:09:00Z,S2,1,10.00,USD,\n",  # row 14
    )
    export = read_orders_export(path)
    assert [o.id for o in export.orders] == ["B1"]
    found = {(p.row, p.column): p.reason for p in export.report.rejected}
    assert "no time zone" in found[(3, "time")]
    assert "above 0" in found[(4, "quantity")]
    assert "negative" in found[(5, "amount")]
    assert "EUR" in found[(6, "amount")]
    assert "more decimals" in found[(7, "amount")]
    assert "unit price" in found[(8, "amount")]
    assert "XXQ" in found[(9, "currency")]
    assert "lost" in found[(10, "status")]
    assert "SKU is empty" in found[(12, "sku")]
    assert "row 12" in found[(11, "order id")]  # the good line of a bad order says why
    assert "different times" in found[(13, "order id")]
    assert "different times" in found[(14, "order id")]
    assert export.report.rows_read == 13


def test_a_file_without_the_required_columns_is_refused_with_what_is_missing(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "name,price\nSerum,24.90\n")
    with pytest.raises(CatalogImportError, match="no order id, time, sku, quantity, amount"):
        read_orders_export(path)
    with pytest.raises(CatalogImportError, match="does not exist"):
        read_orders_export(tmp_path / "missing.csv")


def test_the_cost_grows_linearly_with_the_file(tmp_path: Path) -> None:
    def file_of(rows: int) -> Path:
        body = "".join(
            f"O{n},2026-12-01T20:{n % 60:02d}:00Z,S{n % 7},2,49.80,USD\n" for n in range(rows)
        )
        return write(tmp_path, "order id,time,sku,qty,amount,currency\n" + body, f"o{rows}.csv")

    def seconds(path: Path) -> float:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            read_orders_export(path)
            best = min(best, time.perf_counter() - started)
        return best

    small, large = file_of(2_000), file_of(20_000)
    assert len(read_orders_export(large).orders) == 20_000
    assert seconds(large) / seconds(small) < 25  # ten times the rows: about ten times the time
