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
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, compress, repeat
from operator import and_, is_, is_not, itemgetter, not_
from typing import Final, cast

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
    clean_barcode,
    clean_url,
    gtin_check_digit_ok,
    parse_bool,
    parse_int,
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
_UNREAD_RATE: Final = Decimal("NaN")  # a commission cell that is not a rate (by identity)

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


@dataclass(frozen=True, slots=True)
class _Block:
    """A block's rows as columns, for ``_Reader._read_plain``: each row's cells read as
    they will be kept, and the rows that are not plain (``slow``)."""

    rows: tuple[int, ...]
    lines: tuple[int, ...]
    cells: tuple[list[str], ...]
    handles: list[str]
    titles: list[str]
    images: list[str]
    skus: list[str]
    values1: list[str]
    values2: list[str]
    values3: list[str]
    prices: list[Money | None]
    compares: list[Money | None]
    rates: list[Decimal | None]
    stocks: list[int | None]
    availabilities: list[Availability]
    barcodes: list[str | None]
    variant_images: list[str]
    slow: set[int]


@dataclass(slots=True)
class _Draft:
    handle: str
    title: str
    brand: str
    body: str
    tags: tuple[str, ...]
    status: ProductStatus
    category: str
    option_names: tuple[str, ...]
    where: Where
    images: list[tuple[int, int, str]] = field(default_factory=list)  # (position, order, url)
    variants: list[Variant] = field(default_factory=list)


def import_rows(table: Table, builder: CatalogBuilder) -> None:
    reader = _Reader(Columns(table, ALIASES), len(table.header), builder)
    for block in table.data_blocks():
        reader.read_block(block)
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
        # (option names, the three value cells) -> (options, their label): sizes and
        # colours repeat on every row, so each distinct combination is read once.
        self._options: dict[tuple[tuple[str, ...], str, str, str], _Options] = {}
        # Cells read the same on every row, each read once, for the plain rows of a block
        # (``read_block``); a cell that would warn or refuse is never in them.
        self._exact: dict[str, Money] = {}  # a plain price whole in minor units
        self._counts: dict[str, int] = {}  # a stock count
        self._rates: dict[str, Decimal | None] = {"": builder.options.commission_rate}
        self._cell = {key: itemgetter(pos) for key, pos in self.at.items()}
        # A row shorter than the last position read is padded with blanks (a missing
        # column reads at ``width``, the pad's own cell), in place: the record is ours.
        self._last = max(self.at.values())
        self._pad = [""] * (self._last + 1)
        if not self.has_qty:
            builder.say_file(
                WarningKind.STOCK_UNKNOWN,
                "the file has no inventory quantity column (a multi-location "
                "export): stock is unknown for every variant",
            )

    def read_block(self, block: list[Record]) -> None:
        """A block of records, in order. The rows that read plainly (see ``_plain``) are
        read together, column by column; the others one by one (``read_rows``), each where
        it stands, so every draft, variant, warning and refusal comes in file order."""
        plain = self._plain(block)
        if plain is None:
            self.read_rows(block)
            return
        start = 0
        for stop in chain(sorted(plain.slow), (len(block),)):
            if start < stop:
                self._read_plain(plain, start, stop)
            if stop < len(block):
                self.read_rows(block[stop : stop + 1])
            start = stop + 1
        self.report.rows_read += len(block) - len(plain.slow)

    def _plain(self, block: list[Record]) -> _Block | None:
        """The block's columns read in C calls, each distinct cell once, and which of its
        rows are not plain: a row is plain when nothing in it warns or refuses (a product's
        first row may: its draft is made in file order by ``_read_plain``). None when most
        rows are not, and reading them one by one costs less."""
        rows, lines, cells = cast(
            tuple[tuple[int, ...], tuple[int, ...], tuple[list[str], ...]],
            zip(*block, strict=True),
        )
        count = len(cells)
        if min(map(len, cells)) <= self._last:
            for row_cells in cells:
                if len(row_cells) <= self._last:
                    row_cells.extend(self._pad[len(row_cells) :])
        cell = self._cell

        def column(key: str) -> list[str]:
            return list(map(cell[key], cells))

        every = range(count)
        handles = list(map(str.strip, column("handle")))
        slow = set(compress(every, map(not_, handles)))  # a handle made from the title
        titles = column("title")
        drafts = self.drafts
        firsts = dict(zip(reversed(handles), reversed(every), strict=True))
        # A new product whose first row has no title is refused, row by row.
        untitled = {h for h, i in firsts.items() if h not in drafts and not clean_text(titles[i])}
        if untitled:
            slow.update(compress(every, map(untitled.__contains__, handles)))
        prices, compares = self._read_prices(column("price"), column("compare_at"))
        slow.update(compress(every, map(is_, prices, repeat(None))))  # none, or not plain
        for i in compress(every, map(is_not, compares, repeat(None))):
            price, compare = prices[i], compares[i]
            if not (
                price is not None
                and compare is not None
                and compare is not _UNSEEN
                and compare.currency is price.currency
                and compare.amount > price.amount
            ):
                slow.add(i)
        rates = self._read_rates(column("commission"), count)
        slow.update(compress(every, map(is_, rates, repeat(_UNREAD_RATE))))
        untracked = (
            list(map(not_, map(str.strip, column("tracker"))))
            if self.has_tracker
            else [False] * count
        )
        if self.has_qty:
            stocks = self._read_counts(column("qty"))
            # A tracked row whose count does not read plainly warns: stock unknown.
            unread = map(is_, stocks, repeat(None))
            slow.update(compress(every, map(and_, unread, map(not_, untracked))))
            if any(untracked):
                stocks = [None if u else s for u, s in zip(untracked, stocks, strict=True)]
        else:
            stocks = [None] * count
        barcodes = [_plain_barcode(b) if b else "" for b in column("barcode")]
        slow.update(compress(every, map(is_, barcodes, repeat(None))))
        if len(slow) * 2 > count:
            return None
        policies = column("policy")
        variant_images = column("variant_image")
        return _Block(
            rows,
            lines,
            cells,
            handles,
            titles,
            column("image_src"),
            list(map(str.strip, column("sku"))),
            column("option1_value"),
            column("option2_value"),
            column("option3_value"),
            prices,
            compares,
            rates,
            stocks,
            [
                _IN_STOCK if s is not None and s > 0 else _availability(s, u, p)
                for s, u, p in zip(stocks, untracked, policies, strict=True)
            ],
            barcodes,
            [clean_url(v) if v else "" for v in variant_images]
            if any(variant_images)
            else variant_images,
            slow,
        )

    def _read_prices(
        self, prices: list[str], compares: list[str]
    ) -> tuple[list[Money | None], list[Money | None]]:
        """Each row's price, None unless it is plain and whole in minor units, and its
        compare-at price (None when blank, ``_UNSEEN`` unless plain)."""
        for raw in set(prices).union(compares).difference(self._prices):
            if _plain_amount(raw):
                self._plain_money(raw)
        return (
            list(map(self._exact.get, prices)),
            list(map(self._prices.get, compares, repeat(_UNSEEN))),
        )

    def _read_rates(self, rates: list[str], count: int) -> list[Decimal | None]:
        """Each row's commission rate, ``_UNREAD_RATE`` for one that is not a rate."""
        if not any(rates):
            return [self.builder.options.commission_rate] * count
        for raw in set(rates).difference(self._rates):
            try:
                self._rates[raw] = self.builder.commission(parse_rate(raw))
            except CellError:
                continue  # refused, with its row, by read_rows
        return list(map(self._rates.get, rates, repeat(_UNREAD_RATE)))

    def _read_counts(self, cells: list[str]) -> list[int | None]:
        """Each row's stock count, None for one that is blank or not a whole number."""
        counts = self._counts
        for raw in set(cells).difference(counts):
            if raw.isdecimal() and len(raw) <= 9:
                counts[raw] = int(raw)
            elif raw.strip():
                try:
                    value = parse_int(raw)
                except CellError:
                    continue  # warned, with its row, by read_rows
                if value is not None:
                    counts[raw] = value
        return list(map(counts.get, cells))

    def _read_plain(self, block: _Block, start: int, stop: int) -> None:
        """The plain rows ``start`` to ``stop`` of a block (none of them warns, but for a
        new product's draft and a repeated SKU): drafts, images and variants in order."""
        drafts, known_options, builder = self.drafts, self._options, self.builder
        sku_column = self.name["sku"]
        handles, titles, images, skus = block.handles, block.titles, block.images, block.skus
        values1, values2, values3 = block.values1, block.values2, block.values3
        prices, compares, rates = block.prices, block.compares, block.rates
        stocks, availabilities = block.stocks, block.availabilities
        barcodes, variant_images = block.barcodes, block.variant_images
        for i in range(start, stop):
            handle = handles[i]
            draft = drafts.get(handle)
            if draft is None:
                where = Where(block.rows[i], block.lines[i])
                draft = drafts[handle] = self._draft(
                    block.cells[i], handle, clean_text(titles[i]), where
                )
            if image := images[i]:
                self._add_image(draft, image, block.cells[i])
            key = (draft.option_names, values1[i], values2[i], values3[i])
            known = known_options.get(key)
            if known is None:
                known = known_options[key] = _options(*key)
            variants = draft.variants
            sku = skus[i]
            variants.append(
                _new_variant(
                    (
                        f"{handle}#{len(variants) + 1}",
                        handle,
                        sku,
                        known[1] or draft.title,
                        prices[i],
                        compares[i],
                        stocks[i],
                        availabilities[i],
                        known[0],
                        barcodes[i],
                        variant_images[i],
                        rates[i],
                    )
                )
            )
            if sku:
                builder.note_sku(sku, block.rows[i], block.lines[i], sku_column)
        builder.tick(stop - start)

    def read_rows(self, records: Iterable[Record]) -> None:
        """Every record: a product's first row, a further variant, or an extra image.

        Read one by one, everything each row may need checked: the rows ``read_block``
        does not read together, and a block with many of them.
        """
        builder, report, name, at = self.builder, self.report, self.name, self.at
        drafts, prices, check_variant = self.drafts, self._prices, builder.check_variant
        p_handle, p_title, p_image = at["handle"], at["title"], at["image_src"]
        variant_cells = itemgetter(
            at["price"], at["sku"], at["option1_value"], at["compare_at"], at["barcode"],
            at["qty"], at["option2_value"], at["option3_value"], at["commission"],
            at["tracker"], at["policy"], at["variant_image"],
        )  # fmt: skip
        last, pad = self._last, self._pad  # see _pad_rows
        has_qty, has_tracker = self.has_qty, self.has_tracker
        default_rate = builder.options.commission_rate
        checked = VariantColumns(name["sku"], name["price"], name["compare_at"])
        known_options = self._options
        read = 0  # added to the report's count once, not once per row
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
                    image = self._add_image(draft, image, cells)
                (price_raw, sku, value1, compare_raw, barcode, qty, value2, value3, rate_raw,
                 tracker, policy, variant_image) = variant_cells(cells)  # fmt: skip
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
                    key = (draft.option_names, value1, value2, value3)
                    known = known_options.get(key)
                    if known is None:
                        known = known_options[key] = _options(*key)
                    options = known[0]
                    title = known[1] or title
                price = prices.get(price_raw, _UNSEEN)
                if price is _UNSEEN:
                    price = self._money(price_raw, Where(row, line), "price")
                compare = prices.get(compare_raw, _UNSEEN)
                if compare is _UNSEEN:
                    compare = self._money(compare_raw, Where(row, line), "compare_at")
                rate = default_rate
                if rate_raw:
                    try:
                        rate = builder.commission(parse_rate(rate_raw))
                    except CellError as exc:
                        raise RowRejectedError(
                            f"commission rate {exc}", name["commission"]
                        ) from None
                stock: int | None = None
                untracked = has_tracker and not tracker.strip()
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
                variant = Variant(
                    # Unique by construction, so not looked up: handles are unique (one
                    # draft each), and the text after the last "#" is the number, so no two
                    # (handle, number) pairs give one id, whatever "#" a handle holds.
                    f"{handle}#{len(variants) + 1}",
                    handle,
                    sku.strip(),
                    title,
                    price,
                    compare,
                    stock,
                    # In stock is the common case; _availability settles the others.
                    _IN_STOCK
                    if stock is not None and stock > 0
                    else _availability(stock, untracked, policy),
                    options,
                    barcode,
                    clean_url(variant_image) if variant_image else "",
                    rate,
                )
                check_variant(variant, row, line, checked)
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

    def _money(self, raw: str, where: Where, key: str) -> Money | None:
        """A price cell not seen before: plain (``_plain_money``), blank, or read by the
        builder, which says what is wrong with it."""
        if _plain_amount(raw):
            return self._plain_money(raw)
        return self.builder.money(raw, where, self.name[key]) if raw else None

    def _plain_money(self, raw: str) -> Money:
        """Catalogs repeat a few prices endlessly, and Money is immutable, so each distinct
        plain ``12.50`` is read once and shared; one whole in minor units is also kept in
        ``_exact``, for the plain rows of a block."""
        money = self._prices[raw] = Money(Decimal(raw), self.builder.assumed_currency())
        if money.is_minor_exact:
            self._exact[raw] = money
        return money

    def _add_image(self, draft: _Draft, raw: str, cells: list[str]) -> str:
        """The row's image added to its product (a ``position`` orders them); the URL kept,
        blank when it is not one."""
        image = clean_url(raw)
        if image:
            position = parse_position(cells[self.at["image_position"]])
            order = 10_000 if position is None else position
            draft.images.append((order, len(draft.images), image))
        return image

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


def _plain_amount(raw: str) -> bool:
    """A price written plainly (``12.50``): digits and at most one point, within range."""
    return len(raw) <= MAX_WHOLE_DIGITS and raw.isascii() and raw.replace(".", "", 1).isdecimal()


def _plain_barcode(raw: str) -> str | None:
    """A barcode cell as kept when it reads without a warning (a valid GTIN, or a code
    that is not one, such as an MPN); None when the builder would warn about it."""
    if raw.isascii() and raw.isdecimal() and len(raw) in (8, 12, 13, 14):
        return raw if gtin_check_digit_ok(raw) else None
    value, issue = clean_barcode(raw)
    return value if issue is None else None


def _new_variant(fields: tuple[object, ...]) -> Variant:
    """A Variant made by ``tuple.__new__`` in C (a NamedTuple's own ``__new__`` is Python
    code run per call); the fields in Variant's order, as ``_read_plain`` builds them."""
    return tuple.__new__(Variant, fields)


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
