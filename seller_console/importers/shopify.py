"""Shopify product CSV: legacy (≤2024) and 2025 header sets, grouped by handle.

Each row is a variant; rows sharing a handle are one product, and only the first row of
a handle carries the product's fields and option names. Rows with just a handle and an
image are extra images. ``Option1 Name = Title`` / ``Default Title`` means no options.
Prices carry no currency (it is a store setting): the builder applies the user's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial

from seller_console.domain.catalog import Availability, Product, ProductStatus, Variant, clean_text
from seller_console.importers.builder import CatalogBuilder, RowRejectedError, Where, reject
from seller_console.importers.fields import (
    CellError,
    clean_url,
    html_to_text,
    parse_bool,
    parse_int,
    parse_rate,
    split_list,
)
from seller_console.importers.report import WarningKind
from seller_console.importers.tabular import Columns, Getter, Table

NAME = "shopify"

# canonical field -> the normalised names it goes by (legacy first, then 2025).
ALIASES: dict[str, tuple[str, ...]] = {
    "handle": ("handle", "url handle"),
    "title": ("title",),
    "body": ("body (html)", "description"),
    "vendor": ("vendor",),
    "category": ("product category", "type", "custom product type", "standardized product type"),
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
}
_VARIANT_FIELDS = ("price", "sku", "option1_value", "compare_at", "barcode", "qty")
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


@dataclass(slots=True)
class _Draft:
    handle: str
    title: str
    brand: str
    description: str
    tags: tuple[str, ...]
    status: ProductStatus
    category: str
    option_names: tuple[str, ...]
    where: Where
    images: list[tuple[int, int, str]] = field(default_factory=list)  # (position, order, url)
    variants: list[Variant] = field(default_factory=list)


def import_rows(table: Table, builder: CatalogBuilder) -> None:
    cols = Columns(table, ALIASES)
    if not cols.has("qty"):
        builder.say_file(
            WarningKind.STOCK_UNKNOWN,
            "the file has no inventory quantity column (a multi-location export):"
            " stock is unknown for every variant",
        )
    drafts: dict[str, _Draft] = {}
    report = builder.report
    for record in table.data():
        report.rows_read += 1
        where = Where(record.row, record.line)
        try:
            _row(record.cells, where, cols, drafts, builder)
        except RowRejectedError as exc:
            reject(report, where, exc)
    for draft in drafts.values():
        if not draft.variants:
            report.warn(
                WarningKind.SKIPPED_ROW,
                f"product {draft.handle!r} has no variant rows: it cannot be sold",
                draft.where.row,
                cols.column("handle"),
                draft.where.line,
            )
        images = tuple(url for _, _, url in sorted(draft.images))
        report.images += max(0, len(images) - 1)
        builder.add(
            Product(
                id=draft.handle,
                title=draft.title,
                brand=draft.brand,
                description=draft.description,
                image_urls=images,
                tags=draft.tags,
                option_names=draft.option_names,
                status=draft.status,
                category=draft.category,
                variants=tuple(draft.variants),
            )
        )


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")


def _row(
    cells: list[str],
    where: Where,
    cols: Columns,
    drafts: dict[str, _Draft],
    builder: CatalogBuilder,
) -> None:
    get = partial(cols.get, cells)
    title = clean_text(get("title"))
    handle = get("handle").strip() or _slug(title)
    if not handle:
        raise RowRejectedError("the row has neither a handle nor a title", cols.column("handle"))
    draft = drafts.get(handle)
    if draft is None:
        if not title:
            raise RowRejectedError(
                f"the first row of product {handle!r} has no title", cols.column("title")
            )
        draft = _new_draft(handle, title, get, where, cols, builder)
        drafts[handle] = draft
    image = clean_url(get("image_src"))
    if image:
        position = parse_int_or(get("image_position"), 10_000)
        draft.images.append((position, len(draft.images), image))
    has_variant = any(get(key).strip() for key in _VARIANT_FIELDS)
    if not has_variant:
        if image:
            builder.report.image_rows += 1
        else:
            builder.report.warn(
                WarningKind.SKIPPED_ROW,
                "the row has a handle but no variant or image: skipped",
                where.row,
                cols.column("handle"),
                where.line,
            )
        return
    draft.variants.append(_variant(draft, get, where, cols, builder))


def parse_int_or(raw: str, default: int) -> int:
    try:
        value = parse_int(raw)
    except CellError:
        return default
    return default if value is None else value


def _new_draft(
    handle: str, title: str, get: Getter, where: Where, cols: Columns, builder: CatalogBuilder
) -> _Draft:
    status_raw = get("status").strip().casefold()
    try:
        status = ProductStatus(status_raw) if status_raw else ProductStatus.ACTIVE
    except ValueError:
        builder.report.warn(
            WarningKind.BAD_VALUE,
            f"status {get('status')!r} is not active, draft or archived; treated as active",
            where.row,
            cols.column("status"),
            where.line,
        )
        status = ProductStatus.ACTIVE
    try:
        published = parse_bool(get("published"), default=True)
    except CellError as exc:
        builder.report.warn(
            WarningKind.BAD_VALUE,
            f"published {exc}",
            where.row,
            cols.column("published"),
            where.line,
        )
        published = True
    if not published and status is ProductStatus.ACTIVE:
        status = ProductStatus.DRAFT
    names = tuple(clean_text(get(f"option{i}_name")) for i in (1, 2, 3))
    option_names = tuple(n for n in names if n)
    if option_names == ("Title",) and get("option1_value").strip() == "Default Title":
        option_names = ()
    return _Draft(
        handle=handle,
        title=title,
        brand=clean_text(get("vendor")) or (builder.options.brand or ""),
        description=html_to_text(get("body")),
        tags=split_list(get("tags")),
        status=status,
        category=clean_text(get("category")),
        option_names=option_names,
        where=where,
    )


def _variant(
    draft: _Draft, get: Getter, where: Where, cols: Columns, builder: CatalogBuilder
) -> Variant:
    values = [clean_text(get(f"option{i}_value")) for i in (1, 2, 3)]
    options = tuple(
        (name, value) for name, value in zip(draft.option_names, values, strict=False) if value
    )
    price = builder.money(get("price"), where, cols.column("price"))
    compare = builder.money(get("compare_at"), where, cols.column("compare_at"))
    try:
        rate = builder.commission(parse_rate(get("commission")))
    except CellError as exc:
        raise RowRejectedError(f"commission rate {exc}", cols.column("commission")) from None
    stock: int | None = None
    untracked = cols.has("tracker") and not get("tracker").strip()
    if cols.has("qty") and not untracked:
        stock = builder.stock(get("qty"), where, cols.column("qty"))
        if stock is None and not get("qty").strip():
            builder.report.warn(
                WarningKind.STOCK_UNKNOWN,
                "inventory quantity is blank: stock unknown",
                where.row,
                cols.column("qty"),
                where.line,
            )
    sells_when_out = get("policy").strip().casefold() == "continue"
    availability = _availability(stock, untracked, sells_when_out)
    variant = Variant(
        id=f"{draft.handle}#{len(draft.variants) + 1}",
        product_id=draft.handle,
        sku=get("sku").strip(),
        title=" / ".join(v for _, v in options) or draft.title,
        price=price,
        compare_at_price=compare,
        stock=stock,
        availability=availability,
        options=options,
        barcode=builder.barcode(get("barcode"), where, cols.column("barcode")),
        image_url=clean_url(get("variant_image")),
        commission_rate=rate,
    )
    builder.check_variant(
        variant, where, cols.column("sku"), cols.column("price"), cols.column("compare_at")
    )
    return variant


def _availability(stock: int | None, untracked: bool, sells_when_out: bool) -> Availability:
    """Untracked inventory (a blank tracker) is always sellable; an unknown count is not."""
    if stock is None:
        return Availability.IN_STOCK if untracked or sells_when_out else Availability.UNKNOWN
    if stock > 0:
        return Availability.IN_STOCK
    return Availability.BACKORDER if sells_when_out else Availability.OUT_OF_STOCK
