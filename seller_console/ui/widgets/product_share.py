"""A table's product column keeps its share of the width: lesser columns give way first."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTableView


class ProductShare(QObject):
    """Keeps a table's product column readable: while it would get fewer than
    ``min_chars`` characters, the columns in ``drop_order`` are hidden one by one (and
    shown again when the table is wide enough). A product read as "…" helps nobody."""

    def __init__(
        self, table: QTableView, product: int, drop_order: Sequence[int], min_chars: int = 16
    ) -> None:
        super().__init__(table)
        self._table = table
        self._product = product
        self._drop = tuple(drop_order)
        self._min_chars = min_chars
        self._fitting = False
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and not self._fitting:
            self.fit()
        return False

    def fit(self) -> None:
        table = self._table
        self._fitting = True
        try:
            room = table.viewport().width()
            want = table.fontMetrics().averageCharWidth() * self._min_chars
            columns = range(table.model().columnCount())
            for col in self._drop:
                table.setColumnHidden(col, False)
            for col in self._drop:
                others = sum(
                    table.columnWidth(c)
                    for c in columns
                    if c != self._product and not table.isColumnHidden(c)
                )
                if room - others >= want:
                    break
                table.setColumnHidden(col, True)
        finally:
            self._fitting = False
