"""Shopify product CSV: legacy (≤2024) and 2025 header sets, grouped by handle.

Each row is a variant; rows sharing a handle are one product, and only the first row of
a handle carries the product's fields and option names. Rows with just a handle and an
image are extra images. ``Option1 Name = Title`` / ``Default Title`` means no options.
Prices carry no currency (it is a store setting): the builder applies the user's.

This is the format of the biggest catalogs, so the row loop reads cells by position
(resolved once from the header) and does no work a row does not need.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Final

from seller_console.domain.catalog import Availability, Product, ProductStatus, Variant
from seller_console.domain.money import MAX_WHOLE_DIGITS, Currency, Money, quote_short
from seller_console.domain.text import clean_text
from seller_console.importers.builder import (
    CatalogBuilder,
    RowRejectedError,
    VariantColumns,
    Where,
    reject,
)
from seller_console.importers.fields import (
    CellError,
    clean_url,
    gtin_check_digit_ok,
    parse_bool,
    parse_position,
    parse_rate,
    split_list,
)
from seller_console.importers.report import WarningKind
from seller_console.importers.source import Record
from seller_console.importers.tabular import Columns, Table

NAME = "shopify"

_Options = tuple[tuple[tuple[str, str], ...], str]
_STATUSES: Final = {status.value: status for status in ProductStatus}
_UNSEEN: Final = Money(Decimal(0), Currency.of("XXX"))  # a price cell not read before
_IN_STOCK: Final = Availability.IN_STOCK

# canonical field -> the normalised names it goes by (legacy first, then 2025).
ALIASES: dict[str, tuple[str, ...]] = {
    "handle": ("handle", "url handle"),
    "title": ("title",),
    "body": ("body (html)", "description"),
    "vendor": ("vendor",),
    "category": ("product category", "type", "custom product type",
                 "standardized product type"),
    "tags": ("tags",),
    "published": ("published", "published on online store"),
    "status": ("status",),
    "option1_name": ("option1 name",),
    "option1_value": ("option1 value",),
    "option2_name": ("option2 name",),
    "option2_value": ("option2 value",),
    "option3_name": ("option3 name",),
    "option3_value": ("option3 value",),
    "sku": ("variant sku", "sku"),
    "tracker": ("variant inventory tracker", "inventory tracker"),
    "qty": ("variant inventory qty", "inventory quantity"),
    "policy": ("variant inventory policy", "continue selling when out of stock"),
    "price": ("variant price", "price"),
    "compare_at": ("variant compare at price", "compare-at price"),
    "barcode": ("variant barcode", "barcode"),
    "image_src": ("image src", "product image url"),
    "image_position": ("image position",),
    "variant_image": ("variant image", "variant image url"),
    "commission": ("commission rate", "commission"),
}  # fmt: skip
_ALL_NAMES = frozenset(n for names in ALIASES.values() for n in names)


def is_header(names: list[str]) -> bool:
    present = set(names)
    has_handle = bool(present & {"handle", "url handle"})
    shopify_only = present & {
        "body (html)",
        "variant price",
        "option1 name",
        "variant sku",
        "continue selling when out of stock",
        "url handle",
    }
    return has_handle and bool(shopify_only) and len(present & _ALL_NAMES) >= 3


class _Draft:
    """A product while its rows are read: its first row's fields, then what later rows
    add. A plain class, not a dataclass: compiled (setup.py), its ``__init__`` is machine
    code, where a dataclass's is generated Python."""

    def __init__(
        self,
        handle: str,
        title: str,
        brand: str,
        body: str,
        tags: tuple[str, ...],
        status: ProductStatus,
        category: str,
        option_names: tuple[str, ...],
        where: Where,
    ) -> None:
        self.handle = handle
        self.title = title
        self.brand = brand
        self.body = body
        self.tags = tags
        self.status = status
        self.category = category
        self.option_names = option_names
        self.where = where
        self.images: list[tuple[int, int, str]] = []  # (position, order, url)
        self.variants: list[Variant] = []


def import_rows(table: Table, builder: CatalogBuilder) -> None:
    reader = _Reader(Columns(table, ALIASES), len(table.header), builder)
    reader.read(table.data())
    reader.finish()


class _Reader:
    """Cell positions resolved once; a column the file lacks reads as the blank pad cell."""

    def __init__(self, cols: Columns, width: int, builder: CatalogBuilder) -> None:
        self.builder = builder
        self.report = builder.report
        self.name = {key: cols.column(key) for key in ALIASES}
        self.at = {key: cols.positions.get(key, width) for key in ALIASES}
        self.has_qty = cols.has("qty")
        self.has_tracker = cols.has("tracker")
        self.drafts: dict[str, _Draft] = {}
        self._prices: dict[str, Money | None] = {"": None}
        self._names: dict[tuple[str, str, str], tuple[str, ...]] = {}
        self._tags: dict[str, tuple[str, ...]] = {}
        self._known: dict[str, str] = {}  # a cell -> its clean text
        if not self.has_qty:
            builder.say_file(
                WarningKind.STOCK_UNKNOWN,
                "the file has no inventory quantity column (a multi-location "
                "export): stock is unknown for every variant",
            )

    def read(self, records: Iterable[Record]) -> None:
        """Every record: a product's first row, a further variant, or an extra image.

        The hot loop of the biggest catalogs, compiled (setup.py): one function with
        every cell position in a typed local, and the common case (a plain price seen
        before, a whole-number stock, a valid GTIN, options seen before) calls nothing
        but the builder's shared checks.
        """
        builder, report, name, at = self.builder, self.report, self.name, self.at
        drafts, prices = self.drafts, self._prices
        p_handle, p_title, p_image, p_position = (
            at["handle"], at["title"], at["image_src"], at["image_position"]
        )  # fmt: skip
        p_price, p_sku, p_value1, p_compare, p_barcode, p_qty = (
            at["price"], at["sku"], at["option1_value"], at["compare_at"], at["barcode"],
            at["qty"],
        )  # fmt: skip
        p_value2, p_value3, p_rate, p_tracker, p_policy, p_variant_image = (
            at["option2_value"], at["option3_value"], at["commission"], at["tracker"],
            at["policy"], at["variant_image"],
        )  # fmt: skip
        # A row shorter than the last position read is padded with blanks (a missing
        # column reads at ``width``, the pad's own cell), in place: the record is ours.
        last = max(at.values())
        pad = [""] * (last + 1)
        has_qty, has_tracker = self.has_qty, self.has_tracker
        default_rate = builder.options.commission_rate
        checked = VariantColumns(name["sku"], name["price"], name["compare_at"])
        # (option names, the three value cells) -> (options, their label): sizes and
        # colours repeat on every row, so each distinct combination is read once.
        known_options: dict[tuple[tuple[str, ...], str, str, str], _Options] = {}
        read = 0  # added to the report's count once, not once per row
        new_variant = tuple.__new__
        for row, line, cells in records:
            read += 1
            try:
                if len(cells) <= last:
                    cells.extend(pad[len(cells) :])
                title = cells[p_title]
                if title:
                    title = clean_text(title)
                handle = cells[p_handle].strip() or _slug(title)
                if not handle:
                    raise RowRejectedError(
                        "the row has neither a handle nor a title", name["handle"]
                    )
                draft = drafts.get(handle)
                if draft is None:
                    if not title:
                        raise RowRejectedError(
                            f"the first row of product {quote_short(handle)} has no title",
                            name["title"],
                        )
                    draft = drafts[handle] = self._draft(cells, handle, title, Where(row, line))
                image = cells[p_image]
                if image:
                    image = clean_url(image)
                    if image:
                        position = parse_position(cells[p_position])
                        order = 10_000 if position is None else position
                        draft.images.append((order, len(draft.images), image))
                price_raw, sku, value1 = cells[p_price], cells[p_sku], cells[p_value1]
                compare_raw, barcode, qty = cells[p_compare], cells[p_barcode], cells[p_qty]
                if not (price_raw or sku or value1 or compare_raw or barcode or qty) or not (
                    price_raw.strip()
                    or sku.strip()
                    or value1.strip()
                    or compare_raw.strip()
                    or barcode.strip()
                    or qty.strip()
                ):
                    if image:
                        report.image_rows += 1
                    else:
                        report.warn(
                            WarningKind.SKIPPED_ROW,
                            "the row has a handle but no variant or image: skipped",
                            row,
                            name["handle"],
                            line,
                        )
                    continue
                options: tuple[tuple[str, str], ...] = ()
                title = draft.title
                if draft.option_names:
                    key = (draft.option_names, value1, cells[p_value2], cells[p_value3])
                    known = known_options.get(key)
                    if known is None:
                        known = known_options[key] = _options(*key)
                    options = known[0]
                    title = known[1] or title
                price = prices.get(price_raw, _UNSEEN)
                if price is _UNSEEN:
                    price = self._money(price_raw, row, line, "price")
                compare = prices.get(compare_raw, _UNSEEN)
                if compare is _UNSEEN:
                    compare = self._money(compare_raw, row, line, "compare_at")
                rate = default_rate
                rate_raw = cells[p_rate]
                if rate_raw:
                    try:
                        rate = builder.commission(parse_rate(rate_raw))
                    except CellError as bad_rate:
                        raise RowRejectedError(
                            f"commission rate {bad_rate}", name["commission"]
                        ) from None
                stock: int | None = None
                untracked = has_tracker and not cells[p_tracker].strip()
                if has_qty and not untracked:
                    if qty.isdecimal() and len(qty) <= 9:
                        stock = int(qty)
                    elif qty.strip():
                        stock = builder.stock(qty, Where(row, line), name["qty"])
                    else:
                        report.warn(
                            WarningKind.STOCK_UNKNOWN,
                            "inventory quantity is blank: stock unknown",
                            row,
                            name["qty"],
                            line,
                        )
                if barcode and not (
                    barcode.isascii()
                    and barcode.isdecimal()
                    and len(barcode) in (8, 12, 13, 14)
                    and gtin_check_digit_ok(barcode)
                ):
                    barcode = builder.barcode(barcode, Where(row, line), name["barcode"])
                variants = draft.variants
                # Every field in Variant's order, made by tuple.__new__ in C (a
                # NamedTuple's own __new__ is Python code: a frame per variant).
                variant = new_variant(
                    Variant,
                    (
                        # Unique by construction, so not looked up: handles are unique (one
                        # draft each), and the text after the last "#" is the number, so no two
                        # (handle, number) pairs give one id, whatever "#" a handle holds.
                        f"{handle}#{len(variants) + 1}",
                        draft.handle,  # the product's own: each row's equal copy is freed
                        sku.strip(),
                        title,
                        price,
                        compare,
                        stock,
                        # In stock is the common case; _availability settles the others.
                        _IN_STOCK
                        if stock is not None and stock > 0
                        else _availability(stock, untracked, cells[p_policy]),
                        options,
                        barcode,
                        clean_url(cells[p_variant_image]) if cells[p_variant_image] else "",
                        rate,
                    ),
                )
                builder.check_variant(variant, row, line, checked)
                variants.append(variant)
            except RowRejectedError as exc:
                reject(report, Where(row, line), exc)
        report.rows_read += read

    def _draft(self, cells: list[str], handle: str, title: str, where: Where) -> _Draft:
        builder, known, at = self.builder, self._known, self.at
        status_raw = cells[at["status"]].strip().casefold()
        found = _STATUSES.get(status_raw) if status_raw else ProductStatus.ACTIVE
        if found is not None:
            status = found
        else:
            self.report.warn(
                WarningKind.BAD_VALUE,
                f"status {quote_short(cells[at['status']])} is not "
                "active, draft or archived; treated as active",
                where.row,
                self.name["status"],
                where.line,
            )
            status = ProductStatus.ACTIVE
        try:
            published = parse_bool(cells[at["published"]], default=True)
        except CellError as exc:
            self.report.warn(
                WarningKind.BAD_VALUE,
                f"published {exc}",
                where.row,
                self.name["published"],
                where.line,
            )
            published = True
        if not published and status is ProductStatus.ACTIVE:
            status = ProductStatus.DRAFT
        key = (cells[at["option1_name"]], cells[at["option2_name"]], cells[at["option3_name"]])
        names = self._names.get(key)
        if names is None:
            names = self._names[key] = tuple(n for n in map(clean_text, key) if n)
        if names == ("Title",) and cells[at["option1_value"]].strip() == "Default Title":
            names = ()
        # Vendors, categories and tag lists repeat on every product: each distinct cell
        # is cleaned once.
        vendor, category, tags = cells[at["vendor"]], cells[at["category"]], cells[at["tags"]]
        if vendor not in known:
            known[vendor] = clean_text(vendor)
        if category not in known:
            known[category] = clean_text(category)
        if tags not in self._tags:
            self._tags[tags] = split_list(tags)
        return _Draft(
            handle=handle,
            title=title,
            brand=known[vendor] or (builder.options.brand or ""),
            body=cells[at["body"]],
            tags=self._tags[tags],
            status=status,
            category=known[category],
            option_names=names,
            where=where,
        )

    def _money(self, raw: str, row: int, line: int, key: str) -> Money | None:
        """A price cell not seen before. Catalogs repeat a few prices endlessly, and Money
        is immutable, so each distinct plain ``12.50`` is read once and shared. The cell's
        place is made into a ``Where`` only for the builder's full parse, which may say
        what is wrong with it."""
        if len(raw) <= MAX_WHOLE_DIGITS and raw.isascii() and raw.replace(".", "", 1).isdecimal():
            money = self._prices[raw] = Money(Decimal(raw), self.builder.assumed_currency())
            return money
        return self.builder.money(raw, Where(row, line), self.name[key]) if raw else None

    def finish(self) -> None:
        for draft in self.drafts.values():
            if not draft.variants:
                self.report.warn(
                    WarningKind.SKIPPED_ROW,
                    f"product {quote_short(draft.handle)} has no variant rows: it cannot be sold",
                    draft.where.row,
                    self.name["handle"],
                    draft.where.line,
                )
            found = draft.images
            images = (
                (found[0][2],) if len(found) == 1 else tuple(url for _, _, url in sorted(found))
            )
            self.report.images += max(0, len(images) - 1)
            self.builder.add(
                Product(
                    id=draft.handle,
                    title=draft.title,
                    brand=draft.brand,
                    body=draft.body,
                    image_urls=images,
                    tags=draft.tags,
                    option_names=draft.option_names,
                    status=draft.status,
                    category=draft.category,
                    variants=tuple(draft.variants),
                )
            )


def _options(names: tuple[str, ...], v1: str, v2: str, v3: str) -> _Options:
    """A variant's (option, value) pairs and its label (``M / Black``; blank for none)."""
    pairs = tuple(
        (option, value)
        for option, raw in zip(names, (v1, v2, v3), strict=False)
        if (value := clean_text(raw))
    )
    return pairs, " / ".join(value for _, value in pairs)


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")


def _availability(stock: int | None, untracked: bool, policy: str) -> Availability:
    """Untracked inventory (a blank tracker) is always sellable, and so is a variant whose
    policy is ``continue`` (sold when out of stock); an unknown count is not."""
    sells_when_out = bool(policy) and policy.strip().casefold() == "continue"
    if stock is None:
        return Availability.IN_STOCK if untracked or sells_when_out else Availability.UNKNOWN
    if stock > 0:
        return Availability.IN_STOCK
    return Availability.BACKORDER if sells_when_out else Availability.OUT_OF_STOCK
