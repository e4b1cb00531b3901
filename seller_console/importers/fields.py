"""Cell-level readers shared by every format: numbers, booleans, rates, barcodes, HTML, lists."""

from __future__ import annotations

import html
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from html.parser import HTMLParser
from typing import Final

from seller_console.domain.money import PriceParseError, parse_decimal


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
    raise CellError(f"{raw!r} is not yes/no")


def parse_int(raw: str) -> int | None:
    """An integer count; blank is None. ``12.0`` (Excel) reads as 12."""
    value = raw.strip()
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        raise CellError(f"{raw!r} is not a whole number") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError(f"{raw!r} is not a whole number")
    return int(number)


def parse_rate(raw: str) -> Decimal | None:
    """A commission rate as a fraction: ``0.15``, ``15%`` and ``15`` all mean 15 %."""
    value = raw.strip()
    if not value:
        return None
    percent = value.endswith("%")
    try:
        number = parse_decimal(value.rstrip("%").strip())
    except PriceParseError:
        raise CellError(f"{raw!r} is not a rate (write 0.15 or 15%)") from None
    if percent or number > 1:
        number = number / 100
    if number < 0 or number > 1:
        raise CellError(f"{raw!r} is not a rate between 0 % and 100 %")
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
    if _SCIENTIFIC.match(value):
        return value, BarcodeIssue.EXCEL_MANGLED
    if value.isdecimal() and len(value) in (8, 12, 13, 14) and not gtin_check_digit_ok(value):
        return value, BarcodeIssue.INVALID
    return value, None


def gtin_check_digit_ok(digits: str) -> bool:
    # From the right, leaving out the check digit: weights 3, 1, 3, 1 ...
    total = 3 * sum(map(int, digits[-2::-2])) + sum(map(int, digits[-3::-2]))
    return (10 - total % 10) % 10 == int(digits[-1])


class _TextExtractor(HTMLParser):
    _BLOCK: Final = frozenset(
        "p div br ul ol tr table h1 h2 h3 h4 h5 h6 section article blockquote".split()
    )
    _SKIP: Final = frozenset({"script", "style", "head", "title", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


_BLANKS: Final = re.compile(r"[ \t\u00a0]+")
_NEWLINES: Final = re.compile(r"\n\s*\n+")


def html_to_text(raw: str) -> str:
    """Plain text from an HTML body: tags dropped, entities decoded, paragraphs kept."""
    if "<" not in raw and "&" not in raw:
        return _tidy(raw)
    if "<" not in raw:
        return _tidy(html.unescape(raw))
    parser = _TextExtractor()
    if not _feed_plain_tags(parser, raw):
        parser = _TextExtractor()
        parser.feed(raw)
        parser.close()
    return _tidy("".join(parser.parts))


_WS = "[ \t\n\r\f]"
# A start or end tag with only quoted (or no) attribute values: the span ``HTMLParser``
# gives such a tag too, so these can be handed to its handlers without its slow scan.
_PLAIN_TAG: Final = re.compile(
    rf"<(/?)([a-zA-Z][a-zA-Z0-9]*)"
    rf"((?:{_WS}+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:{_WS}*={_WS}*(?:\"[^\"]*\"|'[^']*'))?)*)"
    rf"{_WS}*(/?)>"
)


def _feed_plain_tags(parser: _TextExtractor, raw: str) -> bool:
    """Feed ``raw`` to the parser's handlers as ``HTMLParser`` would, if every tag is plain.

    False (the parser half fed) when there is anything else: comments, doctypes, a stray
    ``<``, unquoted attribute values, ``<script>``/``<style>`` (raw-text elements).
    """
    pos = 0
    for tag in _PLAIN_TAG.finditer(raw):
        data = raw[pos : tag.start()]
        closing, name, attrs, slash = tag.groups()
        name = name.lower()
        if "<" in data or name in parser.CDATA_CONTENT_ELEMENTS or (closing and attrs + slash):
            return False
        if data:
            parser.handle_data(html.unescape(data))
        if closing:
            parser.handle_endtag(name)
        elif slash:
            parser.handle_startendtag(name, [])
        else:
            parser.handle_starttag(name, [])
        pos = tag.end()
    rest = raw[pos:]
    if "<" in rest:
        return False
    if rest:
        parser.handle_data(html.unescape(rest))
    return True


def _tidy(text: str) -> str:
    lines = [_BLANKS.sub(" ", line).strip() for line in text.replace("\r", "").split("\n")]
    return _NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def split_list(raw: str, separator: str = ",") -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(separator) if part.strip())


_URL: Final = re.compile(r"^https?://[^\s/]+", re.IGNORECASE)


def clean_url(raw: str) -> str:
    """An http(s) URL, protocol-relative ``//cdn...`` made https; anything else is dropped."""
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


def parse_sale_window(raw: str) -> tuple[datetime, datetime] | None:
    """``start/end`` as ISO 8601 (lenient: ``2017-12-01 T0:00`` works); None if unreadable."""
    if "/" not in raw:
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
