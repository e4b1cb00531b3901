"""Cell-level readers shared by every format: numbers, booleans, rates, barcodes, HTML, lists."""

from __future__ import annotations

import html
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Final

from seller_console.domain.money import (
    MAX_NUMBER_CHARS,
    PriceParseError,
    parse_decimal,
    quote_short,
)


class CellError(ValueError):
    """A cell that cannot be read; the message is the plain-language reason."""


_TRUE: Final = frozenset({"true", "yes", "y", "1", "t"})
_FALSE: Final = frozenset({"false", "no", "n", "0", "f", "-1"})


def parse_bool(raw: str, default: bool) -> bool:
    value = raw.strip().casefold()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise CellError(f"{quote_short(raw)} is not yes/no")


MAX_COUNT_DIGITS: Final = 12
"""Digits a count (stock, position) may have: a trillion units is more than any shop holds."""


def parse_int(raw: str) -> int | None:
    """An integer count; blank is None. ``12.0`` (Excel) reads as 12.

    The text and the number's exponent are bounded before anything is converted, so
    ``1e1000000`` or a 5,000-digit cell is refused at once (``CellError``).
    """
    value = raw.strip()
    if not value:
        return None
    if len(value) > MAX_NUMBER_CHARS:
        raise CellError(f"{quote_short(value)} is not a whole number (too long)")
    try:
        number = Decimal(value.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        raise CellError(f"{raw!r} is not a whole number") from None
    if not number.is_finite():
        raise CellError(f"{raw!r} is not a whole number")
    if number and number.adjusted() >= MAX_COUNT_DIGITS:
        raise CellError(f"{raw!r} is too large (at most {MAX_COUNT_DIGITS} digits)")
    if number != number.to_integral_value():
        raise CellError(f"{raw!r} is not a whole number")
    return int(number)


def parse_position(raw: str) -> int | None:
    """An image position (``1``, ``2`` ...); None when blank or not a small whole number."""
    value = raw.strip()
    if not value.isdecimal() or len(value) > MAX_COUNT_DIGITS:
        return None
    return int(value)


def parse_rate(raw: str) -> Decimal | None:
    """A commission rate as a fraction: ``0.15``, ``15%`` and ``15`` all mean 15 %."""
    value = raw.strip()
    if not value:
        return None
    percent = value.endswith("%")
    try:
        number = parse_decimal(value.rstrip("%").strip())
    except PriceParseError:
        raise CellError(f"{quote_short(raw)} is not a rate (write 0.15 or 15%)") from None
    if percent or number > 1:
        number = number / 100
    if number < 0 or number > 1:
        raise CellError(f"{quote_short(raw)} is not a rate between 0 % and 100 %")
    return number.normalize() if number else Decimal(0)


class BarcodeIssue(Enum):
    EXCEL_MANGLED = "excel"
    INVALID = "invalid"


_SCIENTIFIC: Final = re.compile(r"^\d+(?:[.,]\d+)?[eE][+]?\d+$")


def clean_barcode(raw: str) -> tuple[str, BarcodeIssue | None]:
    """The barcode as text (a protective leading apostrophe removed) and what looks wrong.

    Values Excel turned into scientific notation (``3.65275E+11``) are flagged, never
    "fixed": the lost digits cannot be recovered. Pure-digit values of GTIN length must
    pass the check digit; other codes (ISBN with hyphens, MPN-like ids) are kept as is.
    """
    value = raw.strip().lstrip("'").strip()
    if not value:
        return "", None
    if value.isdecimal():
        if value.isascii() and len(value) in (8, 12, 13, 14) and not gtin_check_digit_ok(value):
            return value, BarcodeIssue.INVALID
        return value, None
    if ("E" in value or "e" in value) and _SCIENTIFIC.match(value):
        return value, BarcodeIssue.EXCEL_MANGLED
    return value, None


def gtin_check_digit_ok(digits: str) -> bool:
    """GTIN-8/12/13/14 check digit, for ASCII digits only."""
    # From the right, leaving out the check digit: weights 3, 1, 3, 1 ... A plain loop:
    # compiled (setup.py), it is a few machine instructions per digit.
    total = 0
    weight = 3
    for i in range(len(digits) - 2, -1, -1):
        total += (ord(digits[i]) - 48) * weight
        weight = 4 - weight
    return (10 - total % 10) % 10 == ord(digits[-1]) - 48


def split_list(raw: str, separator: str = ",") -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(separator) if part.strip())


_URL: Final = re.compile(r"^https?://[^\s/]+", re.IGNORECASE)


def clean_url(raw: str) -> str:
    """An http(s) URL, protocol-relative ``//cdn...`` made https; anything else is dropped."""
    if raw.startswith("https://") and "&" not in raw and " " not in raw:
        return raw.rstrip()  # the usual CDN link: nothing to undo
    value = html.unescape(raw.strip())
    if value.startswith("//"):
        value = "https:" + value
    if _URL.match(value):
        return value
    return ""


_DATE_FORMATS: Final = (
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M%z",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
)


_MAX_SALE_WINDOW_CHARS: Final = 80


def parse_sale_window(raw: str) -> tuple[datetime, datetime] | None:
    """``start/end`` as ISO 8601 (lenient: ``2017-12-01 T0:00`` works); None if unreadable."""
    if "/" not in raw or len(raw) > _MAX_SALE_WINDOW_CHARS:
        return None
    bounds: list[datetime] = []
    for part in raw.split("/", 1):
        text = re.sub(r"\s+T", "T", part.strip())
        text = re.sub(r"T(\d):", r"T0\1:", text)
        text = re.sub(r"([+-]\d\d):?(\d\d)$", r"\1\2", text)
        for fmt in _DATE_FORMATS:
            try:
                bounds.append(datetime.strptime(text, fmt))
                break
            except ValueError:
                continue
        else:
            return None
    start, end = bounds
    if (start.tzinfo is None) != (end.tzinfo is None):
        return None
    return start, end
