"""Orders exports (CSV) from a platform's seller centre, for shows with manual pins.

A platform without an API the console can read (manual pins) still lets the seller download
the orders: this reads that file into domain orders, which the show then attributes to its
pin windows by time. Generous with header names, strict with values, as the catalog
importers are: every bad row is reported with its row, column and reason, and the rest is
kept. The file is read as a stream (linear in its size), through the catalog importers'
reader (encoding, delimiter, quotes and size caps).

Columns (header names are matched without regard to case, spaces, ``_`` or ``-``):

============  ==========================================================  ==========
column        header names accepted                                       required
============  ==========================================================  ==========
order id      order id, order, order number, order no, order_sn, id       yes
time          time, created at, created, order time, order date, date,     yes
              paid at, paid time, create time
SKU/product   sku, seller sku, sku id, product sku, variant sku,           yes
              product id, product, item sku, item id
quantity      quantity, qty, units, quantity sold                         yes
amount        amount, line total, total, subtotal, order amount, gmv,       yes
              sales, price total
currency      currency, currency code                                     see below
commission    commission, commission amount, estimated commission,       no
              affiliate commission
status        status, order status                                        no
============  ==========================================================  ==========

- One row is one order line; several rows with the same order id are one order (same time
  and currency on each). An order with any bad row is left out whole, and its other rows
  say so, so no order is counted with a line missing.
- ``time``: ISO 8601 with a time zone (``2026-12-01T20:15:00Z``, ``2026-12-01 20:15:00+07:00``);
  a time without one is refused (the show's pin windows are in UTC, a guess would
  misattribute every order).
- ``amount`` is the line's total (a unit price times quantity), never negative; its currency
  comes from the ``currency`` column or from the amount itself (``24.90 USD``); when both
  are given they must agree. At most the currency's minor unit (``12.345 USD`` is refused).
- ``commission`` (optional) is what the platform says the creator earns on the line.
- ``status`` (optional): paid (also completed, delivered, shipped, to ship, settled),
  refunded (also returned), cancelled (also canceled). Blank is paid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final

from seller_console.domain.errors import DomainError
from seller_console.domain.ledger import STATUS_RANK
from seller_console.domain.money import Currency, Money, parse_price, quote_short
from seller_console.domain.orders import OrderStatus
from seller_console.importers.errors import CatalogImportError
from seller_console.importers.fields import CellError, parse_int
from seller_console.importers.report import ImportReport
from seller_console.importers.source import (
    Record,
    RecordReader,
    check_size,
    detect_encoding,
    first_lines,
    is_blank,
    norm_header,
    sniff_delimiter,
)

FORMAT: Final = "orders export"
MAX_ID_CHARS: Final = 128

_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "order_id": ("order id", "order", "order number", "order no", "order sn", "id"),
    "time": (
        "time",
        "created at",
        "created",
        "order time",
        "order date",
        "date",
        "paid at",
        "paid time",
        "create time",
    ),
    "sku": (
        "sku",
        "seller sku",
        "sku id",
        "product sku",
        "variant sku",
        "product id",
        "product",
        "item sku",
        "item id",
    ),
    "quantity": ("quantity", "qty", "units", "quantity sold"),
    "amount": (
        "amount",
        "line total",
        "total",
        "subtotal",
        "order amount",
        "gmv",
        "sales",
        "price total",
    ),
    "currency": ("currency", "currency code"),
    "commission": (
        "commission",
        "commission amount",
        "estimated commission",
        "affiliate commission",
    ),
    "status": ("status", "order status"),
}
_REQUIRED: Final = ("order_id", "time", "sku", "quantity", "amount")
_STATUSES: Final[dict[str, OrderStatus]] = {
    **dict.fromkeys(
        ("", "paid", "completed", "complete", "delivered", "shipped", "to ship", "settled"),
        OrderStatus.PAID,
    ),
    **dict.fromkeys(("refunded", "refund", "returned"), OrderStatus.REFUNDED),
    **dict.fromkeys(("cancelled", "canceled", "cancel"), OrderStatus.CANCELLED),
}
_SEPARATORS = re.compile(r"[\s_\-]+")


def _key(header: str) -> str:
    return _SEPARATORS.sub(" ", norm_header(header)).strip()


_BY_NAME: Final = {alias: column for column, names in _ALIASES.items() for alias in names}


@dataclass(frozen=True, slots=True)
class ExportLine:
    """One good row: a line of an order as the export has it."""

    row: int
    order_id: str
    created_at: datetime
    sku: str
    quantity: int
    amount: Money
    commission: Money | None
    status: OrderStatus

    @property
    def unit_price(self) -> Money:
        return Money(self.amount.amount / self.quantity, self.amount.currency)


@dataclass(frozen=True, slots=True)
class ExportedOrder:
    """One order of the export: its lines (rows) in file order."""

    id: str
    created_at: datetime
    status: OrderStatus
    lines: tuple[ExportLine, ...]

    @property
    def currency(self) -> Currency:
        return self.lines[0].amount.currency


@dataclass(slots=True)
class OrdersExport:
    """What the file held: whole good orders, and the report (bad rows, counts)."""

    orders: list[ExportedOrder] = field(default_factory=list)
    report: ImportReport = field(default_factory=lambda: ImportReport(Path()))


class _RowError(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def read_orders_export(path: Path) -> OrdersExport:
    """The orders of an export file. Raises ``CatalogImportError`` when the file cannot be
    read at all (missing, empty, too large, no header with the required columns)."""
    check_size(path)
    encoding = detect_encoding(path)
    delimiter = sniff_delimiter(first_lines(path, encoding))
    report = ImportReport(path, format=FORMAT, encoding=encoding.label, delimiter=delimiter)
    reader = RecordReader(path, encoding, delimiter, report=report)
    with closing(iter(reader)) as records:
        return _read_records(path, reader, records, report)


def _read_records(
    path: Path,
    reader: RecordReader,
    records: Iterator[Record],
    report: ImportReport,
) -> OrdersExport:
    columns: dict[str, int] | None = None
    names: list[str] = []
    for record in records:
        if is_blank(record.cells):
            continue
        names = [c.replace("\ufeff", "").strip() for c in record.cells]
        columns = _columns(names)
        missing = [c for c in _REQUIRED if c not in columns]
        if missing:
            wanted = ", ".join(_ALIASES[c][0] for c in missing)
            raise CatalogImportError(
                path,
                f"this is not an orders export: its first row has no {wanted} column "
                f"(found: {', '.join(quote_short(n) for n in names[:12]) or 'nothing'})",
            )
        reader.width = len(record.cells)
        break
    if columns is None:
        raise CatalogImportError(path, "the file has no header row")
    lines: list[ExportLine] = []
    bad: dict[str, int] = {}  # order id -> its first bad row
    for record in records:
        if is_blank(record.cells):
            continue
        report.rows_read += 1
        try:
            lines.append(_line(record.row, record.cells, columns, names))
        except _RowError as exc:
            report.reject(exc.reason, record.row, exc.column, record.line)
            bad.setdefault(_cell(record.cells, columns, "order_id"), record.row)
    export = OrdersExport(report=report)
    export.orders = _orders(lines, bad, report, names[columns["order_id"]])
    report.currencies = sorted({o.currency.code for o in export.orders})
    return export


def _columns(names: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for n, name in enumerate(names):
        column = _BY_NAME.get(_key(name))
        if column is not None:
            columns.setdefault(column, n)
    return columns


def _cell(cells: list[str], columns: dict[str, int], column: str) -> str:
    at = columns.get(column)
    return cells[at].strip() if at is not None and at < len(cells) else ""


def _line(row: int, cells: list[str], columns: dict[str, int], names: list[str]) -> ExportLine:
    def name(column: str) -> str:
        return names[columns[column]]

    def cell(column: str) -> str:
        return _cell(cells, columns, column)

    order_id = cell("order_id")
    if not order_id:
        raise _RowError(name("order_id"), "the order id is empty")
    if len(order_id) > MAX_ID_CHARS or not order_id.isprintable():
        raise _RowError(
            name("order_id"), f"an order id must be printable text of at most {MAX_ID_CHARS}"
        )
    created = _time(cell("time"), name("time"))
    sku = cell("sku")
    if not sku:
        raise _RowError(name("sku"), "the SKU is empty")
    if len(sku) > MAX_ID_CHARS or not sku.isprintable():
        raise _RowError(name("sku"), f"a SKU must be printable text of at most {MAX_ID_CHARS}")
    try:
        quantity = parse_int(cell("quantity"))
    except CellError as exc:
        raise _RowError(name("quantity"), str(exc)) from None
    if quantity is None or quantity <= 0:
        raise _RowError(name("quantity"), "the quantity must be a whole number above 0")
    currency = cell("currency")
    currency_name = names[columns["currency"]] if "currency" in columns else name("amount")
    amount = _money(cell("amount"), currency, name("amount"), currency_name)
    if not Money(amount.amount / quantity, amount.currency).is_minor_exact:
        raise _RowError(
            name("amount"),
            f"{amount.format()} is not {quantity} times a unit price in {amount.currency.code}",
        )
    commission = None
    if cell("commission"):
        commission = _money(cell("commission"), amount.currency.code, name("commission"), "")
    raw_status = cell("status").casefold()
    status = _STATUSES.get(raw_status)
    if status is None:
        raise _RowError(
            name("status"),
            f"{quote_short(cell('status'))} is not a status this reads "
            "(paid, completed, refunded, returned, cancelled)",
        )
    return ExportLine(row, order_id, created, sku, quantity, amount, commission, status)


def _time(text: str, column: str) -> datetime:
    if not text:
        raise _RowError(column, "the time is empty")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise _RowError(
            column, f"{quote_short(text)} is not a time (ISO 8601: 2026-12-01T20:15:00Z)"
        ) from None
    if moment.tzinfo is None:
        raise _RowError(
            column,
            f"{quote_short(text)} has no time zone: add Z (UTC) or an offset such as +07:00",
        )
    return moment


def _money(text: str, currency: str, column: str, currency_column: str) -> Money:
    if not text:
        raise _RowError(column, "the amount is empty")
    try:
        parsed = parse_price(text)
        stated = Currency.of(currency) if currency else None
    except DomainError as exc:
        raise _RowError(column if not currency else currency_column, str(exc)) from None
    if stated is not None and parsed.currency is not None and parsed.currency != stated:
        raise _RowError(
            column, f"{quote_short(text)} is in {parsed.currency.code}, the row says {currency}"
        )
    code = stated or parsed.currency
    if code is None:
        raise _RowError(column, "no currency: add a currency column or write it (24.90 USD)")
    try:
        money = Money(parsed.amount, code)
    except DomainError as exc:
        raise _RowError(column, str(exc)) from None
    if money.amount < 0:
        raise _RowError(column, f"{quote_short(text)} is negative (a refund is a status)")
    if not money.is_minor_exact:
        raise _RowError(column, f"{quote_short(text)} has more decimals than {code.code} has")
    return money


def _orders(
    lines: Iterable[ExportLine], bad: dict[str, int], report: ImportReport, id_column: str
) -> list[ExportedOrder]:
    """Rows grouped by order id, in the order first seen; an order with a bad row, or
    whose rows disagree on time or currency, is left out with every row reported."""
    grouped: dict[str, list[ExportLine]] = {}
    for line in lines:
        grouped.setdefault(line.order_id, []).append(line)
    orders = []
    for order_id, rows in grouped.items():
        if order_id in bad:
            for r in rows:
                report.reject(
                    f"left out: row {bad[order_id]} of order {quote_short(order_id)} is bad",
                    r.row,
                    id_column,
                )
            continue
        first = rows[0]
        odd = next(
            (
                r
                for r in rows[1:]
                if r.created_at != first.created_at or r.amount.currency != first.amount.currency
            ),
            None,
        )
        if odd is not None:
            for r in rows:
                report.reject(
                    f"order {quote_short(order_id)} has rows with different times or currencies "
                    f"(rows {first.row} and {odd.row})",
                    r.row,
                    id_column,
                )
            continue
        status = max((r.status for r in rows), key=STATUS_RANK.__getitem__)
        orders.append(ExportedOrder(order_id, first.created_at, status, tuple(rows)))
    return orders
