"""The catalog table: 100k+ variants across several catalogs, filtered and sorted instantly.

Display strings and sort keys are built once per catalog, in a worker thread
(``build_columns``), so loading is one model reset and ``data()`` is a list lookup. The
filter keeps a list of row numbers; typing one more letter narrows the previous result.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QImage

from seller_console.domain.catalog import Catalog, VariantRef
from seller_console.domain.text import fold
from seller_console.importers import collector_paused
from seller_console.ui.numbers import money_text
from seller_console.ui.thumbnails import ThumbnailCache
from seller_console.ui.widgets.text import escaped_tooltip

VARIANTS_MIME = "application/x-seller-console-variants"
AnyIndex = QModelIndex | QPersistentModelIndex


class Col(IntEnum):
    IMAGE = 0
    TITLE = 1
    SKU = 2
    PRICE = 3
    COMPARE_AT = 4
    STOCK = 5
    COMMISSION = 6
    BRAND = 7


HEADERS = {
    Col.IMAGE: "",
    Col.TITLE: "Title",
    Col.SKU: "SKU",
    Col.PRICE: "Price",
    Col.COMPARE_AT: "Compare-at",
    Col.STOCK: "Stock",
    Col.COMMISSION: "Commission",
    Col.BRAND: "Brand",
}
_RIGHT = {Col.PRICE, Col.COMPARE_AT, Col.STOCK, Col.COMMISSION}


@dataclass(slots=True)
class CatalogColumns:
    """One catalog's rows as display columns and sort keys (built off the GUI thread)."""

    catalog: Catalog
    text: dict[Col, list[str]]
    keys: dict[Col, list[Any]]
    images: list[str]
    sellable: list[bool]


def _rate(rate: Decimal | None) -> str:
    if rate is None:
        return ""
    return f"{(rate * 100).normalize():f} %"


def build_columns(catalog: Catalog) -> CatalogColumns:
    """Pure Python, no Qt objects: safe to run in a worker thread."""
    with collector_paused():
        return _build_columns(catalog)


def _build_columns(catalog: Catalog) -> CatalogColumns:
    catalog.index()  # the search column and the id lookup, here and not on the GUI thread
    rows = catalog.rows
    text: dict[Col, list[str]] = {c: [] for c in Col if c is not Col.IMAGE}
    keys: dict[Col, list[Any]] = {c: [] for c in Col if c is not Col.IMAGE}
    images, sellable = [], []
    for ref in rows:
        p, v = ref.product, ref.variant
        title = p.title if v.title == p.title else f"{p.title} — {v.title}"
        text[Col.TITLE].append(title)
        keys[Col.TITLE].append(fold(title))
        text[Col.SKU].append(v.sku)
        keys[Col.SKU].append(v.sku.casefold())
        for col, money in ((Col.PRICE, v.price), (Col.COMPARE_AT, v.compare_at_price)):
            text[col].append(money_text(money) if money is not None else "")
            keys[col].append((money.currency.code, money.amount) if money else ("", Decimal(-1)))
        text[Col.STOCK].append("" if v.stock is None else str(v.stock))
        keys[Col.STOCK].append(-(10**12) if v.stock is None else v.stock)
        text[Col.COMMISSION].append(_rate(v.commission_rate))
        keys[Col.COMMISSION].append(
            v.commission_rate if v.commission_rate is not None else Decimal(-1)
        )
        text[Col.BRAND].append(p.brand)
        keys[Col.BRAND].append(p.brand.casefold())
        images.append(v.image_url or p.image_url)
        sellable.append(v.sellable)
    return CatalogColumns(catalog, text, keys, images, sellable)


class CatalogTableModel(QAbstractTableModel):
    def __init__(self, thumbnails: ThumbnailCache) -> None:
        super().__init__()
        self._thumbnails = thumbnails
        self._parts: list[CatalogColumns] = []
        self._offsets: list[int] = []  # first global row of each part
        self._view: list[int] = []  # global rows shown, in display order
        self._query = ""
        self._brand: str | None = None
        self._in_stock = False
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._rank_cache: dict[Col, list[int]] = {}
        thumbnails.loaded.connect(self._thumbnails_loaded)

    # ----------------------------------------------------------------- loading
    def set_catalogs(self, parts: Sequence[CatalogColumns]) -> None:
        self.beginResetModel()
        self._parts = list(parts)
        self._rank_cache = {}
        self._offsets, at = [], 0
        for part in self._parts:
            self._offsets.append(at)
            at += len(part.catalog.rows)
        self._view = self._filtered(None)
        self._apply_sort()
        self.endResetModel()

    @property
    def catalogs(self) -> list[Catalog]:
        return [p.catalog for p in self._parts]

    def total_rows(self) -> int:
        return sum(len(p.catalog.rows) for p in self._parts)

    def brands(self) -> list[str]:
        return sorted({b for p in self._parts for b in p.catalog.brands()}, key=str.casefold)

    # ----------------------------------------------------------------- filtering
    def set_filter(self, query: str, brand: str | None, in_stock: bool) -> None:
        """Search title, SKU, brand and tags; narrow by brand and stock. One reset."""
        narrowing = (
            query.startswith(self._query) and brand == self._brand and in_stock == self._in_stock
        )
        self._query, self._brand, self._in_stock = query, brand, in_stock
        self.beginResetModel()
        self._view = self._filtered(self._view if narrowing else None)
        self._apply_sort()
        self.endResetModel()

    def _filtered(self, within: list[int] | None) -> list[int]:
        result: list[int] = []
        for part, offset in zip(self._parts, self._offsets, strict=True):
            size = len(part.catalog.rows)
            local = None
            if within is not None:
                local = [g - offset for g in within if offset <= g < offset + size]
            rows = part.catalog.search(self._query, within=local)
            if self._brand is not None:
                brands = part.text[Col.BRAND]
                rows = [i for i in rows if brands[i] == self._brand]
            if self._in_stock:
                sellable = part.sellable
                rows = [i for i in rows if sellable[i]]
            result.extend(i + offset for i in rows)
        return result

    # ----------------------------------------------------------------- sorting
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column == Col.IMAGE:
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_rows = [self._view[i.row()] for i in old]
        self._sort = (column, order)
        self._apply_sort()
        where = {g: r for r, g in enumerate(self._view)}
        self.changePersistentIndexList(
            old, [self.index(where[g], i.column()) for g, i in zip(old_rows, old, strict=True)]
        )
        self.layoutChanged.emit()

    def _apply_sort(self) -> None:
        if self._sort is None:
            return
        column, order = self._sort
        self._view.sort(
            key=self._ranks(Col(column)).__getitem__, reverse=order == Qt.SortOrder.DescendingOrder
        )

    def _ranks(self, col: Col) -> list[int]:
        """Each global row's place in the column's order, computed once per load and column,
        so re-sorting a filtered view compares small ints, not Decimals or tuples."""
        ranks = self._rank_cache.get(col)
        if ranks is None:
            keys = [k for part in self._parts for k in part.keys[col]]
            order = sorted(range(len(keys)), key=keys.__getitem__)
            ranks = [0] * len(keys)
            for place, row in enumerate(order):
                ranks[row] = place
            self._rank_cache[col] = ranks
        return ranks

    # ----------------------------------------------------------------- access
    def _locate(self, row: int) -> tuple[CatalogColumns, int]:
        g = self._view[row]
        part = bisect_right(self._offsets, g) - 1
        return self._parts[part], g - self._offsets[part]

    def ref(self, row: int) -> tuple[Catalog, VariantRef]:
        part, local = self._locate(row)
        return part.catalog, part.catalog.rows[local]

    # ----------------------------------------------------------------- Qt model
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._view)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Col)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._view):
            return None
        col = Col(index.column())
        part, local = self._locate(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            return None if col is Col.IMAGE else part.text[col][local]
        if role == Qt.ItemDataRole.ToolTipRole:
            return None if col is Col.IMAGE else escaped_tooltip(part.text[col][local])
        if role == Qt.ItemDataRole.DecorationRole and col is Col.IMAGE:
            image: QImage = self._thumbnails.image(part.images[local])
            return image
        if role == Qt.ItemDataRole.TextAlignmentRole and col in _RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Col(section)]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:
        return [VARIANTS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        keys = []
        for row in rows:
            catalog, ref = self.ref(row)
            keys.append([self.catalogs.index(catalog), ref.variant.id])
        mime = QMimeData()
        mime.setData(VARIANTS_MIME, json.dumps(keys).encode())
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def _thumbnails_loaded(self) -> None:
        if self._view:
            self.dataChanged.emit(
                self.index(0, Col.IMAGE),
                self.index(len(self._view) - 1, Col.IMAGE),
                [Qt.ItemDataRole.DecorationRole],
            )


def decode_variant_keys(mime: QMimeData) -> list[tuple[int, str]]:
    try:
        raw = json.loads(bytes(mime.data(VARIANTS_MIME).data()).decode())
        return [(int(c), str(v)) for c, v in raw]
    except (ValueError, TypeError):
        return []
