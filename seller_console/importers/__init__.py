"""Catalog files -> a ``Catalog`` and an ``ImportReport``.

``import_catalog`` recognises the format by content (never by the file's extension),
streams the file, and returns the catalog with a report of every rejected row and
warning. A file that cannot be imported at all raises ``CatalogImportError`` and leaves
nothing behind. It is plain blocking code: callers with a GUI run it in a worker thread,
passing ``progress`` and ``cancel``.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import re
import threading
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Final

from seller_console.domain.catalog import Catalog
from seller_console.domain.money import Currency, UnknownCurrencyError, quote_short
from seller_console.importers.builder import CatalogBuilder
from seller_console.importers.errors import (
    CatalogImportError,
    ImportCancelledError,
    UnknownFormatError,
)
from seller_console.importers.options import ImportOptions
from seller_console.importers.report import ImportReport, Problem, WarningKind
from seller_console.importers.source import (
    CancelFn,
    ProgressFn,
    check_size,
    detect_encoding,
    head_bytes,
    is_blank,
    norm_header,
)

# The format readers load on the first import, which the window runs in a worker thread:
# the window's first paint needs only the options and the report (start-up time).
if TYPE_CHECKING:
    from seller_console.importers.tabular import HeaderTest, Table

__all__ = [
    "FORMATS",
    "CatalogImportError",
    "ImportCancelledError",
    "ImportOptions",
    "ImportReport",
    "ImportResult",
    "Problem",
    "TablePreview",
    "UnknownFormatError",
    "WarningKind",
    "collector_paused",
    "generic_fields",
    "guess_column_map",
    "import_catalog",
    "preview_table",
]

FORMATS: Final = {
    "shopify": "Shopify product CSV (legacy, 2023-24 and 2025 headers)",
    "google_merchant": "Google Merchant Center feed (TSV/CSV)",
    "google_merchant_xml": "Google Merchant Center feed (RSS/Atom XML)",
    "meta": "Meta (Facebook/Instagram) catalog CSV",
    "tiktok": "TikTok catalog CSV",
    "woocommerce": "WooCommerce product CSV",
    "generic": "Any CSV, with a column mapping",
}


@functools.cache
def _refused() -> dict[str, tuple[HeaderTest, str]]:
    """Files that look like catalogs but are not; recognised to refuse them politely."""
    from seller_console.importers import feed  # deferred: start-up time (see above)

    return {
        "meta_override": (
            feed.is_meta_override_header,
            "this is a Meta localisation (override) feed: it changes prices of an existing "
            "catalog and holds no products of its own",
        ),
        "shopify_inventory": (
            lambda names: (
                bool({"handle", "location"} <= set(names))
                and bool({"available", "on hand"} & set(names))
            ),
            "this is a Shopify inventory CSV (stock per location), not a product export",
        ),
    }


@functools.cache
def _tabular() -> dict[str, HeaderTest]:
    from seller_console.importers import feed, shopify, woocommerce  # deferred: start-up time

    return {
        "shopify": shopify.is_header,
        "woocommerce": woocommerce.is_header,
        "tiktok": feed.is_tiktok_header,
        "meta": feed.is_meta_header,
        "google_merchant": feed.is_google_header,
    }


def generic_fields() -> tuple[str, ...]:
    """The fields a generic CSV's column mapping may name."""
    from seller_console.importers import feed  # deferred: start-up time (see above)

    return tuple(feed.ALIASES)


def _any_header(names: list[str]) -> bool:
    """A generic CSV's header is its first row that is not blank."""
    return not is_blank(names)


# Names a brand's own spreadsheet gives a field, beyond the feed names (``feed.ALIASES``),
# spelt as ``feed.feed_key`` gives them. Only for guessing a mapping the user confirms:
# recognising a known format goes by the feed names alone.
_GUESSES: Final[dict[str, tuple[str, ...]]] = {
    "id": ("sku", "code", "product_code", "item_code", "article", "reference", "ref"),
    "title": ("product_name", "item_name", "product", "product_title"),
    "description": ("desc", "details", "long_description"),
    "link": ("product_url", "product_link", "web_link"),
    "image": ("image_url", "photo", "picture", "main_image"),
    "price": ("cost", "unit_price", "retail_price", "rrp", "msrp"),
    "sale_price": ("sale", "promo_price", "discount_price", "offer_price"),
    "brand": ("manufacturer", "vendor", "maker"),
    "gtin": ("ean13", "isbn"),
    "group": ("parent_sku", "parent", "group_id", "product_group"),
    "product_type": ("category", "type"),
    "quantity": ("qty", "stock", "on_hand", "available", "stock_qty", "units"),
    "commission": ("commission_%", "commission_percent", "affiliate_rate"),
    "tags": ("keywords", "tag"),
}
_WORD = re.compile(r"[^\W_]+")


def guess_column_map(header: Sequence[str]) -> dict[str, str]:
    """A first guess at a generic CSV's mapping, for the user to check: each field the
    column named as the feeds or a brand's sheet name it (case and spacing aside), else
    the first column with that name among its words (``Price (USD)``); each column used
    once."""
    from seller_console.importers import feed  # deferred: start-up time (see above)

    names = {field: {*feed.ALIASES[field], *_GUESSES.get(field, ())} for field in feed.ALIASES}
    columns = [(c, feed.feed_key(c)) for c in dict.fromkeys(header) if c.strip()]
    found: dict[str, str] = {}
    for by_words in (False, True):
        for field, known in names.items():
            if field in found:
                continue
            column = next(
                (
                    c
                    for c, key in columns
                    if c not in found.values()
                    and (known & set(_WORD.findall(key)) if by_words else key in known)
                ),
                None,
            )
            if column is not None:
                found[field] = column
    return found


@dataclass(frozen=True, slots=True)
class TablePreview:
    """A delimited file's header and first data rows, read as a generic CSV import
    reads them (encoding, delimiter, header row), so a mapping made from it fits."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns a mapping can name: each name once, blank ones left out."""
        return tuple(c for c in dict.fromkeys(self.header) if c.strip())

    @property
    def signature(self) -> str:
        """The same for every file with this header (case and spacing aside): a
        brand's next export maps as its last one did."""
        import hashlib  # deferred: start-up time (it loads OpenSSL's library)

        joined = "\x1f".join(norm_header(c) for c in self.header)
        return hashlib.sha256(joined.encode()).hexdigest()[:32]


def preview_table(path: Path | str, rows: int = 5) -> TablePreview:
    """The header and the first ``rows`` data rows of a delimited file, for choosing a
    column mapping. Raises ``CatalogImportError`` when the file cannot be read as one."""
    from seller_console.importers.tabular import open_table  # deferred: start-up time

    path = Path(path)
    check_size(path)
    _refuse_binary(path, head_bytes(path))
    _, table = open_table(path, detect_encoding(path), {"generic": _any_header})
    with table:
        data = tuple(tuple(r.cells) for r in islice(table.data(), rows))
    return TablePreview(tuple(table.header), data)


@dataclass(frozen=True, slots=True)
class ImportResult:
    catalog: Catalog
    report: ImportReport


def import_catalog(
    path: Path | str,
    options: ImportOptions | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> ImportResult:
    """Import one catalog file. Raises ``CatalogImportError`` when it cannot be read at all."""
    path = Path(path)
    options = options or ImportOptions()
    _check_options(path, options)
    check_size(path, options.max_bytes)
    report = ImportReport(path)
    builder = CatalogBuilder(path, report, options, cancel)
    head = head_bytes(path)
    _refuse_binary(path, head)
    from seller_console.importers import merchant_xml  # deferred: start-up time (see above)

    with collector_paused():
        try:
            if options.format == merchant_xml.NAME or (
                options.format is None and merchant_xml.looks_like_xml(head)
            ):
                report.format, report.encoding = merchant_xml.NAME, "XML"
                merchant_xml.import_file(path, builder, progress, cancel)
            else:
                _import_tabular(path, options, builder, progress, cancel)
        except OSError as exc:  # the disk or the network share failed mid-file
            raise CatalogImportError(
                path, f"the file could not be read to its end: {exc.strerror or exc}"
            ) from None
        catalog = builder.finish(_catalog_name(path, builder))
    return ImportResult(catalog, report)


_gc_lock = threading.Lock()
_gc_pausers = 0


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a catalog is built, then freeze what it built.

    An import makes hundreds of thousands of objects that all stay alive; each automatic
    collection would walk all of them again (a quarter of the import's time), and once
    the collector is back on, its next passes would walk them too, stalling whatever
    thread they land on (the GUI thread included) for hundreds of milliseconds. Catalog
    objects form no cycles (reference counting frees them when a catalog is closed), so
    they are moved to the permanent generation (``gc.freeze``) and never scanned again.
    """
    global _gc_pausers
    with _gc_lock:
        _gc_pausers += 1
        gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0:
                gc.freeze()
                gc.enable()


def _check_options(path: Path, options: ImportOptions) -> None:
    if options.format is not None and options.format not in FORMATS:
        raise CatalogImportError(
            path, f"unknown format {options.format!r}; known formats: {', '.join(FORMATS)}"
        )
    if options.currency:
        try:
            Currency.of(options.currency)
        except UnknownCurrencyError as exc:
            raise CatalogImportError(path, str(exc)) from None
    if options.format == "generic":
        fields = generic_fields()
        unknown = sorted(set(options.column_map) - set(fields))
        if unknown:
            raise CatalogImportError(
                path,
                f"unknown field(s) in the column mapping: {', '.join(unknown)}; "
                f"fields are: {', '.join(fields)}",
            )
        if "title" not in options.column_map or "id" not in options.column_map:
            raise CatalogImportError(
                path,
                "a generic CSV needs a column mapping with at least id and title "
                "(for example id=SKU title=Name price=Price)",
            )


def _refuse_binary(path: Path, head: bytes) -> None:
    if head.startswith(b"PK\x03\x04") and zipfile.is_zipfile(path):
        raise CatalogImportError(
            path,
            "this is a ZIP or Excel workbook, not a text catalog: export or save it as "
            "CSV (UTF-8) first",
        )
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CatalogImportError(path, "this is a binary file, not a text catalog")


def _import_tabular(
    path: Path,
    options: ImportOptions,
    builder: CatalogBuilder,
    progress: ProgressFn | None,
    cancel: CancelFn | None,
) -> None:
    # Deferred: start-up time (see above).
    from seller_console.importers import feed, shopify, woocommerce
    from seller_console.importers.tabular import open_table

    encoding = detect_encoding(path, cancel)
    report = builder.report
    if encoding.fallback:
        builder.say_file(
            WarningKind.ENCODING_FALLBACK,
            f"the file is not valid UTF-8 (first bad byte at offset "
            f"{encoding.bad_offset}): it was read as Windows-1252; check accented "
            "letters",
        )
    if options.format == "generic":
        headers: dict[str, HeaderTest] = {"generic": _any_header}
    elif options.format is not None:
        headers = {options.format: _tabular()[options.format]}
    else:
        headers = {name: test for name, (test, _) in _refused().items()} | _tabular()
    name, table = open_table(path, encoding, headers, progress, cancel, report)
    with table:
        if name in _refused():
            raise CatalogImportError(path, _refused()[name][1])
        report.format, report.encoding, report.delimiter = name, encoding.label, table.delimiter
        if name == shopify.NAME:
            shopify.import_rows(table, builder)
        elif name == woocommerce.NAME:
            woocommerce.import_rows(table, builder)
        elif name == "generic":
            _check_mapping(path, table, options.column_map)
            feed.import_records(
                feed.table_records(table, options.column_map),
                builder,
                has_quantity="quantity" in options.column_map,
            )
        else:
            has_quantity = "quantity" in {feed.canonical(c) for c in table.header}
            feed.import_records(feed.table_records(table), builder, has_quantity)


def _check_mapping(path: Path, table: Table, mapping: dict[str, str]) -> None:
    present = set(table.columns())
    missing = [
        f"{quote_short(column)} (for {key})"
        for key, column in mapping.items()
        if norm_header(column) not in present
    ]
    if missing:
        raise CatalogImportError(
            path,
            f"the column mapping names columns the file does not have: "
            f"{', '.join(missing)}; its columns are: {', '.join(table.header)}",
        )


def _catalog_name(path: Path, builder: CatalogBuilder) -> str:
    brands = {p.brand for p in builder.products if p.brand}
    return brands.pop() if len(brands) == 1 else path.stem
