"""The rundown table: one row per item, with its planned start; drag to reorder or add.

The model never edits the rundown itself: a drop is turned into a request
(``items_dropped`` / ``variants_dropped``) that the view-model carries out through its
undo stack, and the view-model then calls ``refresh()``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from seller_console.domain.rundown import Rundown, format_duration
from seller_console.ui.models.catalog_model import VARIANTS_MIME, decode_variant_keys
from seller_console.ui.numbers import money_text
from seller_console.ui.widgets.text import escaped_tooltip

ITEMS_MIME = "application/x-seller-console-rundown-items"
AnyIndex = QModelIndex | QPersistentModelIndex


class RCol(IntEnum):
    NUMBER = 0
    START = 1
    TITLE = 2
    SKU = 3
    PRICE = 4
    DURATION = 5
    CAP = 6


HEADERS = {
    RCol.NUMBER: "#",
    RCol.START: "Start",
    RCol.TITLE: "Product",
    RCol.SKU: "SKU",
    RCol.PRICE: "Live price",
    RCol.DURATION: "Duration",
    RCol.CAP: "Cap",
}
_RIGHT = {RCol.NUMBER, RCol.START, RCol.PRICE, RCol.DURATION, RCol.CAP}


class RundownTableModel(QAbstractTableModel):
    items_dropped = Signal(list, int)  # item ids, destination row
    variants_dropped = Signal(list, int)  # [(catalog index, variant id)], destination row

    def __init__(self, rundown: Callable[[], Rundown]) -> None:
        super().__init__()
        self._rundown = rundown
        self._starts: list[int] = []
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._starts = self._rundown().planned_starts()
        self.endResetModel()

    def item_id(self, row: int) -> str:
        return self._rundown()[row].id

    def row_of(self, item_id: str) -> int:
        return self._rundown().index_of(item_id)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._starts)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(RCol)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._starts):
            return None
        col = RCol(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(index.row(), col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return escaped_tooltip(self._text(index.row(), col))
        if role == Qt.ItemDataRole.TextAlignmentRole and col in _RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, row: int, col: RCol) -> str:
        item = self._rundown()[row]
        if col is RCol.NUMBER:
            return str(row + 1)
        if col is RCol.START:
            return format_duration(self._starts[row])
        if col is RCol.TITLE:
            return item.product.display_title
        if col is RCol.SKU:
            return item.product.sku
        if col is RCol.PRICE:
            return money_text(item.price) if item.price is not None else "no price"
        if col is RCol.DURATION:
            return format_duration(item.planned_seconds)
        return "" if item.stock_cap is None else str(item.stock_cap)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[RCol(section)]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base | Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [ITEMS_MIME, VARIANTS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        mime = QMimeData()
        mime.setData(ITEMS_MIME, json.dumps([self.item_id(r) for r in rows]).encode())
        return mime

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        return data.hasFormat(ITEMS_MIME) or data.hasFormat(VARIANTS_MIME)

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        dest = row if row >= 0 else (parent.row() if parent.isValid() else self.rowCount())
        if data.hasFormat(ITEMS_MIME):
            try:
                ids = [str(i) for i in json.loads(bytes(data.data(ITEMS_MIME).data()))]
            except ValueError:
                return False
            self.items_dropped.emit(ids, dest)
            return False  # the move is done by the view-model; the view must not remove rows
        keys = decode_variant_keys(data)
        if keys:
            self.variants_dropped.emit(keys, dest)
        return False
