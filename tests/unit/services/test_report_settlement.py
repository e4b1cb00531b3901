"""The report's exports carry estimated against settled: per currency, per product and per
pin window, with the date the show's orders were last read again."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import timedelta

from seller_console.domain.events import Pin
from seller_console.domain.ledger import Ledger
from seller_console.domain.orders import OrderStatus
from seller_console.domain.show_records import ShowRecord, ShowStatus
from seller_console.services.reports import build_report, report_json, write_report_csv
from tests.support import T0, order, settled


def test_csv_and_json_show_estimated_against_settled() -> None:
    ledger = Ledger(attribute_by_time=True)
    ledger.pin_seen(Pin("w1", "p1", T0, 1))
    first = order("a", "20.00", pin=None, reported="2.00", at=T0 + timedelta(seconds=5))
    second = order("b", "10.00", pin=None, reported="1.00", at=T0 + timedelta(seconds=9))
    third = order("c", "30.00", pin=None, reported="3.00", at=T0 + timedelta(seconds=20))
    ledger.apply_all([first, second, third, settled(first, "1.90")])
    ledger.apply(replace(third, status=OrderStatus.REFUNDED))
    show = ShowRecord(
        "s1",
        "r1",
        "Night",
        T0,
        ShowStatus.ENDED,
        T0,
        T0 + timedelta(minutes=2),
        refreshed_at=T0 + timedelta(days=8),
    )
    report = build_report(show, ledger.snapshot(), (), (), T0 + timedelta(days=9))

    out = io.StringIO()
    write_report_csv(report, out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    shown = dict(zip(rows[0], rows[1], strict=True))  # the show's block has its header too
    assert shown["read_again_at"] == (T0 + timedelta(days=8)).isoformat()
    assert shown["ended_at"] == (T0 + timedelta(minutes=2)).isoformat()
    header = rows[3]
    totals = dict(zip(header, rows[4], strict=True))
    assert (totals["commission_platform_estimate"], totals["commission_settled"]) == (
        "3.00",
        "1.90",
    )
    assert (totals["settled_orders"], totals["unsettled_orders"]) == ("1", "1")
    pin_rows = [r for r in rows if r and r[0] == "pin" and r[1] == "w1"]
    pin_header = next(r for r in rows if r[:2] == ["section", "pin_id"])
    window = dict(zip(pin_header, pin_rows[0], strict=True))
    assert (window["commission_settled"], window["unsettled_orders"]) == ("1.90", "1")

    body = report_json(report)
    assert body["show"]["refreshed"] == (T0 + timedelta(days=8)).isoformat()  # type: ignore[index]
    product = body["products"][0]  # type: ignore[index]
    assert (product["commission_platform_estimate"], product["commission_settled"]) == (
        "3.00",
        "1.90",
    )
    assert (product["settled_orders"], product["unsettled_orders"]) == (1, 1)
