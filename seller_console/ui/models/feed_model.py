"""The sales feed: orders as they arrive, newest first, in batches (rule 3).

``add_orders`` takes one coalesced batch, oldest first, as the view-model hands it over
after the ledger took it: new orders are inserted at the top with one
``beginInsertRows``; an order already shown (same id: a refund, a cancellation) is
updated in place with one ``dataChanged``. The model shows the state it is given; which
state wins (a refund is never undone) is the ledger's rule, not this model's.

At most ``limit`` rows are kept; older ones are trimmed at the bottom with one
``beginRemoveRows``. Rows are numbered by arrival (``seq``): with inserts only at the top
and trims only at the bottom, an order's row is ``newest seq - its seq``, found in O(1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QFont, QGuiApplication

from seller_console.domain.orders import Order, OrderStatus
from seller_console.ui.models.live_tables import AnyIndex, local_time
from seller_console.ui.numbers import count_text, money_text
from seller_console.ui.theme import Tone, tone_color

DEFAULT_LIMIT = 2000


class FCol(IntEnum):
    TIME = 0
    PRODUCT = 1
    QTY = 2
    TOTAL = 3
    COMMISSION = 4
    STATUS = 5


HEADERS = ("Time", "Product", "Qty", "Total", "Commission", "Status")
_RIGHT = {FCol.QTY, FCol.TOTAL, FCol.COMMISSION}
_ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(slots=True)
class _FeedRow:
    order: Order
    seq: int
    reversed: bool
    cells: list[str] | None = None  # formatted the first time the row is shown

    @property
    def order_id(self) -> str:
        return self.order.id


class SalesFeedModel(QAbstractTableModel):
    def __init__(
        self, title_of: Callable[[str], str] | None = None, limit: int = DEFAULT_LIMIT
    ) -> None:
        super().__init__()
        if limit < 1:
            raise ValueError("the feed must keep at least one row")
        self._title_of = title_of or (lambda product_id: product_id)
        self._limit = limit
        self._rows: list[_FeedRow] = []  # newest first
        self._by_id: dict[str, _FeedRow] = {}
        self._newest_seq = -1

    @property
    def limit(self) -> int:
        return self._limit

    def order_id(self, row: int) -> str:
        return self._rows[row].order_id

    def clear(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self._by_id.clear()
        self.endResetModel()

    def add_orders(self, orders: Sequence[Order]) -> None:
        """One batch, oldest first: new orders on top, known ones updated in place."""
        fresh: dict[str, Order] = {}  # new in this batch, oldest first; later states win
        updated: list[_FeedRow] = []
        for order in orders:
            row = self._by_id.get(order.id)
            if row is None:
                fresh[order.id] = order
                continue
            row.order, row.reversed = order, order.status is not OrderStatus.PAID
            row.cells = None
            updated.append(row)
        if updated:
            rows = [self._newest_seq - row.seq for row in updated]
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), len(FCol) - 1))
        if fresh:
            self._insert(list(fresh.values())[-self._limit :])

    def _insert(self, orders: list[Order]) -> None:
        new_rows = []
        for order in orders:
            self._newest_seq += 1
            new_rows.append(_FeedRow(order, self._newest_seq, order.status is not OrderStatus.PAID))
        new_rows.reverse()
        self.beginInsertRows(QModelIndex(), 0, len(new_rows) - 1)
        self._rows[0:0] = new_rows
        self._by_id.update((row.order_id, row) for row in new_rows)
        self.endInsertRows()
        if len(self._rows) > self._limit:
            self.beginRemoveRows(QModelIndex(), self._limit, len(self._rows) - 1)
            for row in self._rows[self._limit :]:
                del self._by_id[row.order_id]
            del self._rows[self._limit :]
            self.endRemoveRows()

    def _cells(self, order: Order) -> list[str]:
        if order.lines:
            product = self._title_of(order.lines[0].product_id)
            if len(order.lines) > 1:
                product += f" (+{len(order.lines) - 1} more)"
        else:
            product = ""
        return [
            local_time(order.created_at),
            product,
            count_text(sum(line.quantity for line in order.lines)),
            money_text(order.total),
            money_text(order.commission.amount),
            order.status.value,
        ]

    # ----------------------------------------------------------------- Qt model
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FCol)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, col = self._rows[index.row()], FCol(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if row.cells is None:  # only rows a view shows are ever formatted
                row.cells = self._cells(row.order)
            return row.cells[col]
        if role == Qt.ItemDataRole.ForegroundRole and row.reversed:
            return QBrush(tone_color(Tone.BAD))
        if role == Qt.ItemDataRole.FontRole and row.reversed and col is FCol.TOTAL:
            struck = QFont(QGuiApplication.font())
            struck.setStrikeOut(True)
            return struck
        if role == Qt.ItemDataRole.TextAlignmentRole and col in _RIGHT:
            return _ALIGN_RIGHT
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None
