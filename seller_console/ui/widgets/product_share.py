"""A table's product column keeps its share of the width: lesser columns give way first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtWidgets import QMenu, QTableView


class ProductShare(QObject):
    """Keeps a table's product column readable: while it would get fewer than
    ``min_chars`` characters, the columns in ``drop_order`` are hidden one by one (and
    shown again when the table is wide enough). A product read as "…" helps nobody.
    ``min_chars_for``: a column that must leave the product more than ``min_chars`` to show
    (one that matters less than those after it in ``drop_order``).

    ``fill``: the product column takes the room the others leave (else its header's
    resize mode sizes it). ``menu``: right-clicking the header lists every column to show
    or hide (``columns_menu``), and what the user chose there stays, whatever the width.
    """

    def __init__(
        self,
        table: QTableView,
        product: int,
        drop_order: Sequence[int],
        min_chars: int = 16,
        *,
        min_chars_for: Mapping[int, int] | None = None,
        fill: bool = False,
        menu: bool = False,
    ) -> None:
        super().__init__(table)
        self._table = table
        self._product = product
        self._drop = tuple(drop_order)
        self._min_chars = min_chars
        self._min_chars_for = dict(min_chars_for or {})
        self._fill = fill
        self._chosen: dict[int, bool] = {}  # column -> shown, as the user chose
        self._fitting = False
        if fill:
            table.horizontalHeader().setStretchLastSection(False)
        if menu:
            header = table.horizontalHeader()
            header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            header.customContextMenuRequested.connect(self._open_menu)
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
            char = table.fontMetrics().averageCharWidth()
            want = char * self._min_chars
            columns = range(table.model().columnCount())
            drop = [col for col in self._drop if col not in self._chosen]

            def others() -> int:
                return sum(
                    table.columnWidth(c)
                    for c in columns
                    if c != self._product and not table.isColumnHidden(c)
                )

            for col in drop:
                table.setColumnHidden(col, False)
            for col in drop:
                if room - others() < char * self._min_chars_for.get(col, self._min_chars):
                    table.setColumnHidden(col, True)
            if self._fill:
                table.setColumnWidth(self._product, max(want, room - others()))
        finally:
            self._fitting = False

    def columns_menu(self) -> QMenu:
        """Every column, checked when shown; choosing one shows or hides it for good."""
        table = self._table
        model = table.model()
        menu = QMenu(table)
        menu.setObjectName("columns_menu")
        for column in range(model.columnCount()):
            name = str(model.headerData(column, Qt.Orientation.Horizontal))
            action = menu.addAction(name.replace("\n", " "))
            action.setCheckable(True)
            action.setChecked(not table.isColumnHidden(column))
            action.setEnabled(column != self._product)  # the product always shows
            action.toggled.connect(lambda shown, c=column: self.choose(c, shown))
        menu.aboutToHide.connect(menu.deleteLater)
        return menu

    def choose(self, column: int, shown: bool) -> None:
        """Show or hide ``column`` as the user asked (the header's menu), for good."""
        self._chosen[column] = shown
        self._table.setColumnHidden(column, not shown)
        if shown and self._table.columnWidth(column) == 0:
            self._table.resizeColumnToContents(column)
        self.fit()

    def _open_menu(self, position: QPoint) -> None:
        header = self._table.horizontalHeader()
        self.columns_menu().popup(header.mapToGlobal(position))
