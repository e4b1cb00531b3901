"""What an import found: counts, rejected rows and warnings, each with where it was.

A rejected row is left out of the catalog; a warning keeps the row but says what looks
wrong. Both carry the spreadsheet row (the header and any rows above it count, as in a
spreadsheet), the line in the file where the record starts, and the column's own name.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from seller_console.domain.money import quote_short


class WarningKind(StrEnum):
    ENCODING_FALLBACK = "encoding_fallback"
    CURRENCY_ASSUMED = "currency_assumed"
    CURRENCY_MISSING = "currency_missing"
    BARCODE_EXCEL_MANGLED = "barcode_excel_mangled"
    BARCODE_INVALID = "barcode_invalid"
    STOCK_UNKNOWN = "stock_unknown"
    DUPLICATE_SKU = "duplicate_sku"
    COMPARE_AT_NOT_ABOVE = "compare_at_not_above_price"
    UNKNOWN_AVAILABILITY = "unknown_availability"
    NO_PRICE = "no_price"
    BAD_VALUE = "bad_value"
    SALE_DATE_UNREADABLE = "sale_date_unreadable"
    SKIPPED_ROW = "skipped_row"
    XML_RECOVERED = "xml_recovered"
    STRAY_QUOTE = "stray_quote"
    DUPLICATE_ID = "duplicate_id"
    SUB_MINOR_PRICE = "sub_minor_price"


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding. ``row`` and ``line`` are 1-based; None for whole-file findings."""

    reason: str
    row: int | None = None
    column: str | None = None
    line: int | None = None
    kind: WarningKind | None = None

    def where(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.line is not None and self.line != self.row:
            parts.append(f"line {self.line}")
        if self.column:
            parts.append(f"column {quote_short(self.column)}")
        return ", ".join(parts)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"row": self.row, "column": self.column, "reason": self.reason}
        if self.line is not None:
            data["line"] = self.line
        if self.kind is not None:
            data["kind"] = self.kind.value
        return data


MAX_LISTED = 10_000
"""Rejected rows, and warnings, listed one by one; past it they are counted only, so a
file of a million bad rows cannot fill the memory with its own report."""


@dataclass(slots=True)
class ImportReport:
    """Everything a user needs to trust (or fix) an imported file.

    ``rejected`` and ``warnings`` list the first ``MAX_LISTED`` of each; ``rows_rejected``
    and ``warning_counts`` count them all.
    """

    path: Path
    format: str = ""
    encoding: str = ""
    delimiter: str | None = None
    rows_read: int = 0
    products: int = 0
    variants: int = 0
    images: int = 0  # extra images beyond each product's first
    image_rows: int = 0  # rows that only add an image to a product (Shopify)
    currencies: list[str] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rejected_unlisted: int = 0
    warnings_unlisted: int = 0
    _counts: Counter[WarningKind] = field(default_factory=Counter)

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected) + self.rejected_unlisted

    @property
    def warning_total(self) -> int:
        return len(self.warnings) + self.warnings_unlisted

    def reject(
        self,
        reason: str,
        row: int | None = None,
        column: str | None = None,
        line: int | None = None,
    ) -> None:
        if len(self.rejected) < MAX_LISTED:
            self.rejected.append(Problem(reason, row, column, line))
        else:
            self.rejected_unlisted += 1

    def warn(
        self,
        kind: WarningKind,
        reason: str,
        row: int | None = None,
        column: str | None = None,
        line: int | None = None,
    ) -> None:
        self._counts[kind] += 1
        if len(self.warnings) < MAX_LISTED:
            self.warnings.append(Problem(reason, row, column, line, kind))
        else:
            self.warnings_unlisted += 1

    def warning_counts(self) -> Counter[WarningKind]:
        return Counter(self._counts)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "rows_read": self.rows_read,
            "products": self.products,
            "variants": self.variants,
            "images": self.images,
            "image_rows": self.image_rows,
            "currencies": list(self.currencies),
            "rejected_rows": [p.to_json() for p in self.rejected],
            "rows_rejected": self.rows_rejected,
            "warnings": [p.to_json() for p in self.warnings],
            "warning_total": self.warning_total,
        }

    def summary_lines(self, max_examples: int = 5) -> list[str]:
        """A readable summary: counts, every rejected row, warnings grouped by kind."""
        lines = [
            f"{self.path.name}: {self.format or 'unknown format'}"
            f" ({self.encoding}{', ' + _delimiter_name(self.delimiter) if self.delimiter else ''})",
            f"  rows read: {self.rows_read}   products: {self.products}   "
            f"variants: {self.variants}   extra images: {self.images}   "
            f"rows rejected: {self.rows_rejected}",
            f"  currencies: {', '.join(self.currencies) or 'none'}",
        ]
        if self.rejected:
            lines.append(f"Rejected rows ({self.rows_rejected}):")
            lines.extend(f"  {p.where()}: {p.reason}" for p in self.rejected)
            if self.rejected_unlisted:
                lines.append(f"  ... and {self.rejected_unlisted} more, not listed")
        if self.warnings:
            lines.append(f"Warnings ({self.warning_total}):")
            by_kind: dict[WarningKind | None, list[Problem]] = {}
            for w in self.warnings:
                by_kind.setdefault(w.kind, []).append(w)
            for items in by_kind.values():
                if len(items) == 1 or len(items) <= max_examples:
                    lines.extend(f"  {_where_prefix(p)}{p.reason}" for p in items)
                    continue
                lines.append(f"  {len(items)} x {items[0].reason}  (first: {items[0].where()})")
                lines.extend(f"    {_where_prefix(p)}{p.reason}" for p in items[1:max_examples])
                lines.append(f"    ... and {len(items) - max_examples} more")
            if self.warnings_unlisted:
                lines.append(f"  ... and {self.warnings_unlisted} more, not listed")
        return lines


def _where_prefix(problem: Problem) -> str:
    where = problem.where()
    return f"{where}: " if where else ""


def _delimiter_name(delimiter: str | None) -> str:
    names = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe", "~": "tilde"}
    return f"{names.get(delimiter or '', repr(delimiter))}-separated"
