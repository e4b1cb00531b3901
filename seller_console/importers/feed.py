"""Feeds in Google's product vocabulary: Merchant Center (TSV and XML), Meta, TikTok, generic.

Every row is a full variant; rows sharing ``item_group_id`` are one product, and a row
without one is a product of its own. ``price`` is the regular price and ``sale_price``
the discounted one, so a running sale becomes the price with the regular price as the
compare-at. Prices may carry their currency (``15.00 USD``) or have it in a column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

from seller_console.domain.catalog import Availability, Product, ProductStatus, Variant
from seller_console.domain.money import quote_short
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
    parse_rate,
    parse_sale_window,
    split_list,
)
from seller_console.importers.report import WarningKind
from seller_console.importers.source import MAX_CELL_CHARS, norm_header
from seller_console.importers.tabular import Table

# canonical field -> the names it goes by, normalised by ``feed_key``.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "sku_id", "offer_id", "item_id"),
    "title": ("title", "name"),
    "description": ("description",),
    "rich_description": ("rich_text_description",),
    "link": ("link", "url"),
    "image": ("image_link", "image"),
    "extra_images": ("additional_image_link", "additional_image_links"),
    "availability": ("availability",),
    "price": ("price",),
    "sale_price": ("sale_price",),
    "sale_window": ("sale_price_effective_date",),
    "currency": ("currency",),
    "brand": ("brand",),
    "gtin": ("gtin", "barcode", "upc", "ean"),
    "mpn": ("mpn",),
    "group": ("item_group_id",),
    "color": ("color", "colour"),
    "size": ("size",),
    "material": ("material",),
    "pattern": ("pattern",),
    "gender": ("gender",),
    "age_group": ("age_group",),
    "product_type": ("product_type",),
    "google_category": ("google_product_category", "fb_product_category"),
    "quantity": ("quantity_to_sell_on_facebook", "inventory", "quantity"),
    "commission": ("commission_rate", "commission"),
    "status": ("status",),
    "tags": ("product_tags", "tags"),
}
_OPTION_FIELDS = (
    ("color", "Color"),
    ("size", "Size"),
    ("material", "Material"),
    ("pattern", "Pattern"),
    ("gender", "Gender"),
    ("age_group", "Age group"),
)
_BY_NAME = {name: key for key, names in ALIASES.items() for name in names}
_INDEXED = re.compile(r"^([a-z_]+)\[(\d+)\](?:\.(url))?$")
_META_ONLY = frozenset(
    {"quantity_to_sell_on_facebook", "fb_product_category", "rich_text_description"}
)
GOOGLE_REQUIRED = frozenset({"id", "title", "price"})


def feed_key(name: str) -> str:
    """``g:image_link``, ``Image Link`` and ``image link`` all read as ``image_link``."""
    key = norm_header(name)
    if key.startswith("g:"):
        key = key[2:]
    return key.replace(" ", "_")


def canonical(name: str) -> str | None:
    """The canonical field for a column or element name (``image[0].url`` -> ``image``)."""
    key = feed_key(name)
    found = _BY_NAME.get(key)
    if found is not None:
        return found
    indexed = _INDEXED.match(key)
    if indexed is not None:
        base = indexed.group(1)
        if base == "image":
            return "image" if indexed.group(2) == "0" else "extra_images"
        return _BY_NAME.get(base)
    return None


def _keys(names: list[str]) -> set[str]:
    return {feed_key(n) for n in names}


def is_tiktok_header(names: list[str]) -> bool:
    keys = _keys(names)
    return "sku_id" in keys and "title" in keys


def is_meta_header(names: list[str]) -> bool:
    keys = _keys(names)
    jsonpath = any(_INDEXED.match(k) for k in keys)
    return {"id", "title"} <= keys and (bool(keys & _META_ONLY) or jsonpath)


def is_google_header(names: list[str]) -> bool:
    keys = _keys(names)
    return keys >= GOOGLE_REQUIRED and bool(keys & {"availability", "image_link", "link"})


def is_meta_override_header(names: list[str]) -> bool:
    keys = _keys(names)
    return "override" in keys and "id" in keys and "title" not in keys


@dataclass(slots=True)
class FeedRecord:
    """One item: its values by canonical field (repeated fields keep every value)."""

    where: Where
    values: dict[str, list[str]]
    columns: dict[str, str]  # canonical field -> the name the file uses, for reports
    too_long: str | None = None  # an XML element over the cell cap: the item is refused

    def get(self, key: str) -> str:
        found = self.values.get(key)
        return found[0] if found else ""

    def all(self, key: str) -> list[str]:
        return self.values.get(key, [])

    def column(self, key: str) -> str:
        return self.columns.get(key, key)


def table_records(table: Table, mapping: dict[str, str] | None = None) -> Iterator[FeedRecord]:
    """A delimited feed's rows as ``FeedRecord``s.

    ``mapping`` (canonical field -> the file's column name) replaces the alias table:
    that is the generic CSV format.
    """
    plan: list[tuple[int, str]] = []
    columns: dict[str, str] = {}
    if mapping is None:
        for pos, name in enumerate(table.header):
            key = canonical(name)
            if key is not None:
                plan.append((pos, key))
                columns.setdefault(key, name)
    else:
        by_name = {norm_header(n): i for i, n in enumerate(table.header)}
        for key, name in mapping.items():
            found = by_name.get(norm_header(name))
            if found is not None:
                plan.append((found, key))
                columns[key] = table.header[found]
    for record in table.data():
        values: dict[str, list[str]] = {}
        cells = record.cells
        for pos, key in plan:
            if pos < len(cells) and cells[pos].strip():
                values.setdefault(key, []).append(cells[pos])
        yield FeedRecord(Where(record.row, record.line), values, columns)


@dataclass(slots=True)
class _Group:
    first: FeedRecord
    variants: list[Variant] = field(default_factory=list)
    images: dict[str, None] = field(default_factory=dict)  # an ordered set: linear de-dup


def import_records(
    records: Iterable[FeedRecord], builder: CatalogBuilder, has_quantity: bool | None = None
) -> None:
    """Group the items into products and hand them to the builder.

    ``has_quantity`` says whether the feed has a stock column at all (None: learn it from
    the records, as XML has no header).
    """
    report = builder.report
    groups: dict[str, _Group] = {}
    seen_quantity = False
    now = datetime.now(UTC)
    for rec in records:
        report.rows_read += 1
        try:
            variant, group_id = _variant(rec, builder, now)
        except RowRejectedError as exc:
            reject(report, rec.where, exc)
            continue
        seen_quantity = seen_quantity or "quantity" in rec.values
        group = groups.get(group_id)
        if group is None:
            group = groups[group_id] = _Group(rec)
        group.variants.append(variant)
        for url in [rec.get("image"), *_extra_images(rec)]:
            clean = clean_url(url)
            if clean:
                group.images[clean] = None
    if not (seen_quantity if has_quantity is None else has_quantity):
        builder.say_file(
            WarningKind.STOCK_UNKNOWN,
            "the feed has no quantity column: stock is unknown for every item",
        )
    for group_id, group in groups.items():
        builder.add(_product(group_id, group, builder))
        report.images += max(0, len(group.images) - 1)


def _extra_images(rec: FeedRecord) -> list[str]:
    urls: list[str] = []
    for value in rec.all("extra_images"):
        urls.extend(split_list(value) if "," in value and " " not in value.strip() else [value])
    return urls


def _product(group_id: str, group: _Group, builder: CatalogBuilder) -> Product:
    rec = group.first
    body = rec.get("rich_description") or rec.get("description")
    status_raw = rec.get("status").strip().casefold()
    status = ProductStatus.ARCHIVED if status_raw == "archived" else ProductStatus.ACTIVE
    used = {name for v in group.variants for name, _ in v.options}
    names = [label for _, label in _OPTION_FIELDS if label in used]
    title, variants = _titled(clean_text(rec.get("title")), group.variants)
    return Product(
        id=group_id,
        title=title,
        brand=clean_text(rec.get("brand")) or (builder.options.brand or ""),
        body=body,
        image_urls=tuple(group.images),
        tags=tuple(t for v in rec.all("tags") for t in split_list(v)),
        option_names=tuple(names),
        status=status,
        category=clean_text(rec.get("product_type") or rec.get("google_category")),
        link=clean_url(rec.get("link")),
        variants=variants,
    )


_TITLE_BREAKS: Final = " -—–/|:,("


def _titled(first: str, variants: list[Variant]) -> tuple[str, tuple[Variant, ...]]:
    """A group's product title and its variants, each variant named by what sets it
    apart. Feeds give every item its own title: either the same for all (the sizes and
    colours only in their own columns) or the product's with the size added (``Print —
    4x6"``, ``Print — 6x9"``). The product takes what differing titles share (up to a word
    break); a variant, the rest of its own title, else its options that differ within the
    group (``Black / L``, not the "female / adult" every variant has)."""
    titles = [v.title for v in variants]
    low, high = min(titles), max(titles)  # what these two share, all of them share
    if low == high:
        product = first
    else:
        end = next(i for i, (a, b) in enumerate(zip(low, high, strict=False)) if a != b)
        shared = low[:end]
        if any(len(t) > end and t[end] not in _TITLE_BREAKS for t in titles):
            shared = shared[: max(0, *(shared.rfind(c) for c in _TITLE_BREAKS))]  # a word break
        shared = shared.rstrip(_TITLE_BREAKS)
        product = shared if len(shared) >= 3 else first
    seen: dict[str, set[str]] = {}
    for v in variants:
        for name, value in v.options:
            seen.setdefault(name, set()).add(value)
    telling = {name for name, values in seen.items() if len(values) > 1} or set(seen)
    named = []
    for v in variants:
        rest = v.title[len(product) :] if v.title.startswith(product) else v.title
        label = rest.strip(_TITLE_BREAKS) or " / ".join(
            value for name, value in v.options if name in telling
        )
        named.append(v._replace(title=label or product))
    return product, tuple(named)


def _variant(rec: FeedRecord, builder: CatalogBuilder, now: datetime) -> tuple[Variant, str]:
    where = rec.where
    if rec.too_long is not None:
        raise RowRejectedError(
            f"{rec.too_long} is longer than the limit of {MAX_CELL_CHARS // (1024 * 1024)} MiB",
            rec.too_long,
        )
    sku = rec.get("id").strip()
    if not sku:
        raise RowRejectedError("the item has no id", rec.column("id"))
    title = clean_text(rec.get("title"))
    if not title:
        raise RowRejectedError(f"item {quote_short(sku)} has no title", rec.column("title"))
    currency = rec.get("currency")
    regular = builder.money(
        rec.get("price"), where, rec.column("price"), currency, rec.column("currency")
    )
    sale = builder.money(
        rec.get("sale_price"), where, rec.column("sale_price"), currency, rec.column("currency")
    )
    price, compare = regular, None
    if sale is not None and _sale_running(rec, builder, now):
        price, compare = sale, regular
    quantity = builder.stock(rec.get("quantity"), where, rec.column("quantity"))
    availability = builder.availability(rec.get("availability"), where, rec.column("availability"))
    if availability is Availability.UNKNOWN and quantity is not None:
        availability = Availability.IN_STOCK if quantity > 0 else Availability.OUT_OF_STOCK
    try:
        rate = builder.commission(parse_rate(rec.get("commission")))
    except CellError as exc:
        raise RowRejectedError(f"commission rate {exc}", rec.column("commission")) from None
    options = tuple(
        (label, clean_text(rec.get(key))) for key, label in _OPTION_FIELDS if rec.get(key).strip()
    )
    item_id = builder.unique_id(sku, where, rec.column("id"))
    variant = Variant(
        id=item_id,
        product_id=rec.get("group").strip() or item_id,
        sku=sku,
        title=title,
        price=price,
        compare_at_price=compare,
        stock=quantity,
        availability=availability,
        options=options,
        barcode=builder.barcode(rec.get("gtin"), where, rec.column("gtin")),
        image_url=clean_url(rec.get("image")),
        commission_rate=rate,
    )
    builder.check_variant(
        variant,
        where.row,
        where.line,
        VariantColumns(rec.column("id"), rec.column("price"), rec.column("price")),
    )
    return variant, variant.product_id


def _sale_running(rec: FeedRecord, builder: CatalogBuilder, now: datetime) -> bool:
    raw = rec.get("sale_window").strip()
    if not raw:
        return True
    window = parse_sale_window(raw)
    if window is None:
        builder.report.warn(
            WarningKind.SALE_DATE_UNREADABLE,
            f"sale date {quote_short(raw)} cannot be read: the sale price is used as if always on",
            rec.where.row,
            rec.column("sale_window"),
            rec.where.line,
        )
        return True
    start, end = window
    moment = now if start.tzinfo is not None else now.replace(tzinfo=None)
    return start <= moment <= end
