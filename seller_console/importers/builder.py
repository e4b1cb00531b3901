"""The shared end of every importer: cells -> domain values, with each problem reported.

A format module reads its rows and calls ``CatalogBuilder`` for prices, stock, barcodes
and the finished variants and products; the builder applies the rules every format
shares (currency, duplicate SKUs, compare-at, availability) and counts what it keeps.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from seller_console.domain.catalog import (
    Availability,
    Catalog,
    Product,
    Variant,
    parse_availability,
)
from seller_console.domain.money import (
    MAX_WHOLE_DIGITS,
    Currency,
    Money,
    MoneyError,
    UnknownCurrencyError,
    parse_price,
    quote_short,
)
from seller_console.importers.errors import ImportCancelledError
from seller_console.importers.fields import BarcodeIssue, CellError, clean_barcode, parse_int
from seller_console.importers.options import ImportOptions
from seller_console.importers.report import ImportReport, WarningKind
from seller_console.importers.source import CHECK_EVERY, CancelFn

NO_CURRENCY = Currency.of("XXX")


class RowRejectedError(Exception):
    """Raised inside a format's row handler: the row is left out, with this reason."""

    def __init__(self, reason: str, column: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.column = column


class Where(NamedTuple):
    """Where a value came from: the record's row and first line."""

    row: int
    line: int


class VariantColumns(NamedTuple):
    """The columns ``check_variant``'s warnings name: the SKU's, the price's and the
    compare-at price's (a format without a compare-at column names its price column)."""

    sku: str
    price: str
    compare_at: str


class CatalogBuilder:
    def __init__(
        self,
        path: Path,
        report: ImportReport,
        options: ImportOptions,
        cancel: CancelFn | None = None,
    ) -> None:
        self.path = path
        self.report = report
        self.options = options
        self.user_currency = Currency.of(options.currency) if options.currency else None
        self.products: list[Product] = []
        self._skus: dict[str, int] = {}
        self._exact: dict[int, Money] = {}  # id -> a price known to be whole minor units
        self._ids: dict[str, int] = {}  # variant id -> the row that took it
        self._next_suffix: dict[str, int] = {}  # duplicated id -> the next ~N to try
        self._product_ids: dict[str, Product] = {}
        self._cancel = cancel
        self._ticks = 0
        self._said: set[WarningKind] = set()
        self._assumed: Currency | None = None  # set (and said) the first time it is used

    # ------------------------------------------------------------- values
    def money(
        self,
        raw: str,
        where: Where,
        column: str,
        currency_text: str = "",
        currency_column: str = "",
    ) -> Money | None:
        """A price cell (``15.00 USD``, ``49,00``, ``$2,030``); blank is None.

        ``currency_text`` is the value of a separate currency column, if the format has
        one. A price the row cannot be sold without is the caller's to require.
        """
        if (
            not currency_text
            and len(raw) <= MAX_WHOLE_DIGITS
            and raw.isascii()
            and raw.replace(".", "", 1).isdecimal()
        ):
            return Money(Decimal(raw), self.assumed_currency())  # 12.50: most cells
        if not raw.strip():
            return None
        try:
            parsed = parse_price(raw)
        except UnknownCurrencyError as unknown:
            raise RowRejectedError(
                f"unknown currency {unknown.code!r} in price {raw!r}", column
            ) from None
        except MoneyError as exc:
            raise RowRejectedError(
                f"price {quote_short(raw.strip())} is not a number ({exc})", column
            ) from None
        currency = parsed.currency
        if currency is None and currency_text.strip():
            try:
                currency = Currency.of(currency_text)
            except UnknownCurrencyError:
                raise RowRejectedError(
                    f"unknown currency {quote_short(currency_text.strip())}",
                    currency_column or column,
                ) from None
        if currency is None:
            currency = self.assumed_currency()
        if parsed.amount < 0:
            raise RowRejectedError(f"price {raw.strip()!r} is negative", column)
        try:
            return Money(parsed.amount, currency)
        except MoneyError as refused:
            raise RowRejectedError(f"price {raw.strip()!r} is refused: {refused}", column) from None

    def assumed_currency(self) -> Currency:
        """The currency for prices that name none; the report says so the first time."""
        if self._assumed is not None:
            return self._assumed
        if self.user_currency is not None:
            self._say_once(
                WarningKind.CURRENCY_ASSUMED,
                f"prices in this file carry no currency: {self.user_currency.code}, "
                "as given at import, was used",
            )
            self._assumed = self.user_currency
            return self._assumed
        self._say_once(
            WarningKind.CURRENCY_MISSING,
            "prices in this file carry no currency and none was chosen at import: they are "
            "kept without a currency; import again and choose the currency",
        )
        self._assumed = NO_CURRENCY
        return self._assumed

    def stock(self, raw: str, where: Where, column: str) -> int | None:
        try:
            return parse_int(raw)
        except CellError as exc:
            self.report.warn(
                WarningKind.BAD_VALUE,
                f"stock {exc}; stock treated as unknown",
                where.row,
                column,
                where.line,
            )
            return None

    def availability(self, raw: str, where: Where, column: str) -> Availability:
        if not raw.strip():
            return Availability.UNKNOWN
        found = parse_availability(raw)
        if found is Availability.UNKNOWN:
            self.report.warn(
                WarningKind.UNKNOWN_AVAILABILITY,
                f"availability {quote_short(raw.strip())} is not a known value; treated as unknown",
                where.row,
                column,
                where.line,
            )
        return found

    def barcode(self, raw: str, where: Where, column: str) -> str:
        value, issue = clean_barcode(raw)
        if issue is BarcodeIssue.EXCEL_MANGLED:
            self.report.warn(
                WarningKind.BARCODE_EXCEL_MANGLED,
                f"barcode {quote_short(value)} looks mangled by Excel (scientific notation);"
                " its digits are lost: fix it in the source",
                where.row,
                column,
                where.line,
            )
        elif issue is BarcodeIssue.INVALID:
            self.report.warn(
                WarningKind.BARCODE_INVALID,
                f"barcode {quote_short(value)} fails the GTIN check digit",
                where.row,
                column,
                where.line,
            )
        return value

    def commission(self, rate: Decimal | None) -> Decimal | None:
        return rate if rate is not None else self.options.commission_rate

    def say_file(self, kind: WarningKind, reason: str) -> None:
        """A whole-file warning, said once."""
        self._say_once(kind, reason)

    def _say_once(self, kind: WarningKind, reason: str) -> None:
        if kind not in self._said:
            self._said.add(kind)
            self.report.warn(kind, reason)

    # ------------------------------------------------------------- rows
    def unique_id(self, variant_id: str, where: Where, column: str) -> str:
        """``variant_id``, or a derived one when an earlier row of the file took it.

        The rule for duplicate ids: the first row keeps its id, each later row gets
        ``<id>~2``, ``<id>~3`` ... (the first that is free), and the report says so with
        both rows. A variant id is what a drag, the rundown and the showcase go by, so
        two variants must never share one: pinning one would sell the other.
        """
        first = self._ids.get(variant_id)
        if first is None:
            self._ids[variant_id] = where.row
            return variant_id
        n = self._next_suffix.get(variant_id, 2)  # remembered: linear for any count
        while f"{variant_id}~{n}" in self._ids:
            n += 1
        self._next_suffix[variant_id] = n + 1
        derived = f"{variant_id}~{n}"
        self._ids[derived] = where.row
        self.report.warn(
            WarningKind.DUPLICATE_ID,
            f"id {quote_short(variant_id)} was already used on row {first}: this row is "
            f"kept under the id {quote_short(derived)}",
            where.row,
            column,
            where.line,
        )
        return derived

    def tick(self) -> None:
        """Called once per variant or product built: looks at cancel every few hundred."""
        self._ticks += 1
        if self._ticks % CHECK_EVERY == 0 and self._cancel is not None and self._cancel():
            raise ImportCancelledError(self.path)

    def check_variant(self, variant: Variant, row: int, line: int, columns: VariantColumns) -> None:
        """Warnings every format shares, once the variant of ``row`` (from ``line``) is built."""
        self._ticks += 1  # self.tick(), inlined: once per variant of the biggest files
        if self._ticks % CHECK_EVERY == 0 and self._cancel is not None and self._cancel():
            raise ImportCancelledError(self.path)
        sku, price, compare = variant.sku, variant.price, variant.compare_at_price
        if sku:
            first = self._skus.setdefault(sku.casefold(), row)
            if first != row:
                self.report.warn(
                    WarningKind.DUPLICATE_SKU,
                    f"SKU {quote_short(sku)} was already used on row {first}",
                    row,
                    columns.sku,
                    line,
                )
        if price is None:
            self.report.warn(
                WarningKind.NO_PRICE,
                "no price: this variant cannot be sold until it has one",
                row,
                columns.price,
                line,
            )
            return
        if self._exact.get(id(price)) is not price and not self._is_minor_exact(price):
            self.report.warn(
                WarningKind.SUB_MINOR_PRICE,
                f"price {price.amount} {price.currency.code} has more decimals than "
                f"{price.currency.code}'s {price.currency.exponent}: it is kept exactly and "
                f"shown as {price}; pre-flight blocks it as a live price until it is fixed",
                row,
                columns.price,
                line,
            )
        if compare is not None and not (
            compare.currency is price.currency and compare.amount > price.amount
        ):
            self.report.warn(
                WarningKind.COMPARE_AT_NOT_ABOVE,
                f"compare-at price {compare} is not above the price {price}: "
                "no discount will be shown",
                row,
                columns.compare_at,
                line,
            )

    def _is_minor_exact(self, price: Money) -> bool:
        """``price.is_minor_exact``, remembered per Money object: importers share one
        object per distinct price text. The dict holds the object, so its id stays its own."""
        if price.is_minor_exact:
            self._exact[id(price)] = price
            return True
        return False

    def add(self, product: Product) -> None:
        """Keep a product; one whose id an earlier product took (two WooCommerce parents
        with one SKU) is kept under a derived id, by the rule of ``unique_id``."""
        self.tick()
        first = self._product_ids.get(product.id)
        if first is None:
            self._product_ids[product.id] = product
        else:
            n = self._next_suffix.get(f"product {product.id}", 2)
            while f"{product.id}~{n}" in self._product_ids:
                n += 1
            self._next_suffix[f"product {product.id}"] = n + 1
            derived = f"{product.id}~{n}"
            self.report.warn(
                WarningKind.DUPLICATE_ID,
                f"product id {quote_short(product.id)} was already used by "
                f"{quote_short(first.title)}: {quote_short(product.title)} is kept under the "
                f"id {quote_short(derived)}",
            )
            product = replace(
                product,
                id=derived,
                variants=tuple(v._replace(product_id=derived) for v in product.variants),
            )
            self._product_ids[derived] = product
        self.products.append(product)
        self.report.products += 1
        self.report.variants += len(product.variants)

    def finish(self, name: str) -> Catalog:
        catalog = Catalog(name, self.products)
        self.report.currencies = catalog.currencies()
        return catalog


def reject(report: ImportReport, where: Where, error: RowRejectedError) -> None:
    report.reject(error.reason, where.row, error.column, where.line)
