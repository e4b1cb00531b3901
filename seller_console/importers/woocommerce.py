"""WooCommerce product CSV (the built-in exporter): simple, variable and variation rows.

A ``variable`` row is a product whose buyable rows are the ``variation`` rows naming it in
``Parent`` (by SKU or ``id:123``); ``simple`` and ``external`` rows are products with one
variant; ``grouped`` rows only bundle other products and are skipped. Prices carry no
currency; a running sale makes ``Sale price`` the price and ``Regular price`` the
compare-at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

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
    parse_bool,
    parse_rate,
    split_list,
)
from seller_console.importers.report import WarningKind
from seller_console.importers.tabular import Columns, Getter, Table

NAME = "woocommerce"

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "type": ("type",),
    "sku": ("sku",),
    "name": ("name",),
    "published": ("published",),
    "visibility": ("visibility in catalog", "visibility in catalogue"),
    "short_description": ("short description",),
    "description": ("description",),
    "in_stock": ("in stock?",),
    "stock": ("stock",),
    "sale_price": ("sale price",),
    "regular_price": ("regular price",),
    "categories": ("categories",),
    "tags": ("tags",),
    "images": ("images",),
    "parent": ("parent",),
    "brand": ("brands", "brand"),
    "commission": ("commission rate", "commission"),
    **{f"attr{i}_name": (f"attribute {i} name",) for i in range(1, 7)},
    **{f"attr{i}_value": (f"attribute {i} value(s)",) for i in range(1, 7)},
}


def is_header(names: list[str]) -> bool:
    present = set(names)
    return {"type", "name"} <= present and bool(present & {"regular price", "parent", "sku"})


@dataclass(slots=True)
class _Parent:
    product_id: str
    title: str
    brand: str
    body: str
    images: tuple[str, ...]
    tags: tuple[str, ...]
    category: str
    status: ProductStatus
    option_names: tuple[str, ...]
    where: Where
    variants: list[Variant] = field(default_factory=list)


def import_rows(table: Table, builder: CatalogBuilder) -> None:
    cols = Columns(table, ALIASES)
    report = builder.report
    parents: dict[str, _Parent] = {}  # by "id:123" and by SKU
    order: list[_Parent] = []
    orphans: list[tuple[Where, str, list[str]]] = []
    for record in table.data():
        report.rows_read += 1
        where = Where(record.row, record.line)
        get = partial(cols.get, record.cells)
        kinds = {k.strip().casefold() for k in get("type").split(",")}
        try:
            if "variation" in kinds:
                parent = parents.get(get("parent").strip())
                if parent is None:
                    orphans.append((where, get("parent").strip(), record.cells))
                    continue
                parent.variants.append(_variant(parent, get, where, cols, builder, True))
            elif "grouped" in kinds:
                report.warn(
                    WarningKind.SKIPPED_ROW,
                    f"grouped product {quote_short(get('name'))} only bundles other products:"
                    " skipped",
                    where.row,
                    cols.column("type"),
                    where.line,
                )
            else:
                parent = _parent(get, where, cols, builder)
                for key in (f"id:{get('id').strip()}", get("sku").strip()):
                    if key not in ("id:", ""):
                        parents[key] = parent
                order.append(parent)
                if "variable" not in kinds:
                    parent.variants.append(_variant(parent, get, where, cols, builder, False))
        except RowRejectedError as exc:
            reject(report, where, exc)
    for where, parent_key, cells in orphans:  # a variation listed before its parent
        parent = parents.get(parent_key)
        try:
            if parent is None:
                raise RowRejectedError(
                    f"its parent {quote_short(parent_key)} is not in the file",
                    cols.column("parent"),
                )
            parent.variants.append(
                _variant(parent, partial(cols.get, cells), where, cols, builder, True)
            )
        except RowRejectedError as exc:
            reject(report, where, exc)
    for parent in order:
        if not parent.variants:
            report.warn(
                WarningKind.SKIPPED_ROW,
                f"product {quote_short(parent.title)} has no variations: it cannot be sold",
                parent.where.row,
                cols.column("type"),
                parent.where.line,
            )
        report.images += max(0, len(parent.images) - 1)
        builder.add(
            Product(
                id=parent.product_id,
                title=parent.title,
                brand=parent.brand,
                body=parent.body,
                image_urls=parent.images,
                tags=parent.tags,
                option_names=parent.option_names,
                status=parent.status,
                category=parent.category,
                variants=tuple(parent.variants),
            )
        )


def _parent(get: Getter, where: Where, cols: Columns, builder: CatalogBuilder) -> _Parent:
    title = clean_text(get("name"))
    if not title:
        raise RowRejectedError("the product has no name", cols.column("name"))
    key = get("sku").strip() or f"id:{get('id').strip()}"
    published = get("published").strip()
    hidden = get("visibility").strip().casefold() == "hidden"
    status = ProductStatus.ACTIVE
    if published in ("0", "-1") or hidden:
        status = ProductStatus.DRAFT
    description = get("description") or get("short_description")
    names = tuple(clean_text(get(f"attr{i}_name")) for i in range(1, 7))
    return _Parent(
        product_id=key,
        title=title,
        brand=clean_text(get("brand")) or (builder.options.brand or ""),
        body=description,
        images=tuple(u for u in (clean_url(x) for x in split_list(get("images"))) if u),
        tags=split_list(get("tags")),
        category=clean_text(get("categories").split(",")[0]),
        status=status,
        option_names=tuple(n for n in names if n),
        where=where,
    )


def _variant(
    parent: _Parent,
    get: Getter,
    where: Where,
    cols: Columns,
    builder: CatalogBuilder,
    variation: bool,
) -> Variant:
    """A buyable row: a variation of ``parent``, or a simple product's own row."""
    regular = builder.money(get("regular_price"), where, cols.column("regular_price"))
    sale = builder.money(get("sale_price"), where, cols.column("sale_price"))
    price, compare = (sale, regular) if sale is not None else (regular, None)
    try:
        rate = builder.commission(parse_rate(get("commission")))
    except CellError as exc:
        raise RowRejectedError(f"commission rate {exc}", cols.column("commission")) from None
    stock = builder.stock(get("stock"), where, cols.column("stock"))
    in_stock_raw = get("in_stock").strip().casefold()
    if in_stock_raw == "backorder":
        availability = Availability.BACKORDER
    else:
        try:
            flag = parse_bool(in_stock_raw, default=True) if in_stock_raw else None
        except CellError:
            flag = None
            builder.report.warn(
                WarningKind.UNKNOWN_AVAILABILITY,
                f"'In stock?' value {quote_short(get('in_stock'))} is not 1, 0 or "
                "backorder; treated as unknown",
                where.row,
                cols.column("in_stock"),
                where.line,
            )
        availability = {
            True: Availability.IN_STOCK,
            False: Availability.OUT_OF_STOCK,
            None: Availability.UNKNOWN,
        }[flag]
    if stock is None and availability is Availability.UNKNOWN:
        builder.report.warn(
            WarningKind.STOCK_UNKNOWN, "stock unknown", where.row, cols.column("stock"), where.line
        )
    options = _options(parent, get) if variation else ()
    own_name = clean_text(get("name"))
    sku = get("sku").strip()
    row_id = get("id").strip()
    variant_id = sku or (
        f"id:{row_id}" if row_id else f"{parent.product_id}#{len(parent.variants) + 1}"
    )
    variant = Variant(
        id=builder.unique_id(variant_id, where, cols.column("sku" if sku else "id")),
        product_id=parent.product_id,
        sku=sku,
        title=_variation_title(own_name, parent.title, options),
        price=price,
        compare_at_price=compare,
        stock=stock,
        availability=availability,
        options=options,
        image_url=next((u for u in (clean_url(x) for x in split_list(get("images"))) if u), ""),
        commission_rate=rate,
    )
    builder.check_variant(
        variant,
        where.row,
        where.line,
        VariantColumns(
            cols.column("sku"), cols.column("regular_price"), cols.column("regular_price")
        ),
    )
    return variant


def _variation_title(own: str, parent: str, options: tuple[tuple[str, str], ...]) -> str:
    """A variation's title beside its product's: WooCommerce names a variation
    ``<product> - <its values, comma-separated>`` (``Hoodie - Red, No``), which beside the
    product's own title would say it twice, so that name reads as its values
    (``Red / No``) as other formats label a variant; a name of its own is kept, less a
    leading ``<product> - ``."""
    label = " / ".join(value for _, value in options)
    if not own or own == parent:
        return label or parent
    prefix = f"{parent} - "
    if not own.startswith(prefix):
        return own
    rest = own[len(prefix) :]
    return label if label and rest == ", ".join(value for _, value in options) else rest


def _options(parent: _Parent, get: Getter) -> tuple[tuple[str, str], ...]:
    """A variation's attribute values, named by its own row or else by its parent's."""
    found = []
    for i in range(1, 7):
        value = clean_text(get(f"attr{i}_value"))
        if not value:
            continue
        name = clean_text(get(f"attr{i}_name"))
        if not name and i <= len(parent.option_names):
            name = parent.option_names[i - 1]
        found.append((name or f"Option {i}", value))
    return tuple(found)
