"""The rundown dock: the timed plan, reordered by drag, and the editor for the current item."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from seller_console.domain.rundown import (
    MAX_PLANNED_SECONDS,
    RundownError,
    RundownItem,
    format_duration,
    parse_duration,
    parse_live_price,
)
from seller_console.ui.models.rundown_model import RCol
from seller_console.ui.numbers import money_text
from seller_console.ui.viewmodels.rundown_vm import RundownViewModel
from seller_console.ui.widgets.product_share import ProductShare
from seller_console.ui.widgets.text import plain_label

LIVE_EDITOR_ROOM = 480  # px: on air, the editor shows only in a rundown this tall

NO_CAP = -1


class RundownTable(QTableView):
    remove_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove_requested.emit()
            return
        super().keyPressEvent(event)


class RundownDock(QDockWidget):
    links_requested = Signal(list)  # item ids: "Copy affiliate link", "Copy all links"

    def __init__(self, vm: RundownViewModel) -> None:
        super().__init__("Rundown")
        self.setObjectName("rundown_dock")
        self.vm = vm
        self._current: str | None = None
        self._live = False
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        self.heading = plain_label()
        self.heading.setObjectName("rundown_heading")
        layout.addWidget(self.heading)

        self.table = RundownTable()
        self.table.setObjectName("rundown_table")
        self.table.setModel(vm.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.table.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.table.setDragDropOverwriteMode(False)
        self.table.setDropIndicatorShown(True)
        self.table.setAcceptDrops(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(RCol.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(28)
        for col, width in (
            (RCol.NUMBER, 28),
            (RCol.START, 48),
            (RCol.SKU, 76),
            (RCol.PRICE, 82),
            (RCol.DURATION, 62),
            (RCol.CAP, 36),
        ):
            self.table.setColumnWidth(col, width)
        # narrow (on air, a laptop): the cap, SKU and start columns give way to the product
        self.share = ProductShare(self.table, RCol.TITLE, (RCol.CAP, RCol.SKU, RCol.START))
        layout.addWidget(self.table, 3)

        buttons = QHBoxLayout()
        self.up = QPushButton("Move up")
        self.down = QPushButton("Move down")
        self.remove = QPushButton("Remove")
        self.remove.setObjectName("rundown_remove")
        for button in (self.up, self.down, self.remove):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.totals = plain_label()
        self.totals.setObjectName("rundown_totals")
        buttons.addWidget(self.totals)
        layout.addLayout(buttons)

        self.editor = QWidget()
        form = QFormLayout(self.editor)
        form.setContentsMargins(0, 4, 0, 0)
        self.item_title = plain_label(wrap=True)
        self.duration = QLineEdit()
        self.duration.setObjectName("rundown_duration")
        self.duration.setPlaceholderText("1:30")
        self.live_price = QLineEdit()
        self.live_price.setObjectName("rundown_live_price")
        self.stock_cap = QSpinBox()
        self.stock_cap.setObjectName("rundown_stock_cap")
        self.stock_cap.setRange(NO_CAP, 1_000_000)
        self.stock_cap.setSpecialValueText("no cap")
        self.talking_points = QPlainTextEdit()
        self.talking_points.setObjectName("rundown_talking_points")
        self.talking_points.setPlaceholderText("What to say about this product")
        self.talking_points.setMaximumHeight(90)
        self.editor_error = plain_label(wrap=True)
        self.editor_error.setObjectName("rundown_editor_error")
        form.addRow(self.item_title)
        form.addRow("Duration", self.duration)
        form.addRow("Live price", self.live_price)
        form.addRow("Stock cap", self.stock_cap)
        form.addRow("Talking points", self.talking_points)
        form.addRow(self.editor_error)
        layout.addWidget(self.editor, 2)
        body.setMinimumWidth(320)
        self.setWidget(body)

        self._points_timer = QTimer(self, singleShot=True, interval=600)
        self._points_timer.timeout.connect(self._commit_points)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.remove_requested.connect(self.remove_selected)
        self.copy_link = QAction("Copy affiliate link", self.table)
        self.copy_link.setObjectName("rundown_copy_link")
        self.copy_link.triggered.connect(lambda: self.links_requested.emit(self.selected_ids()))
        self.copy_all_links = QAction("Copy all links for this show", self.table)
        self.copy_all_links.setObjectName("rundown_copy_all_links")
        self.copy_all_links.triggered.connect(
            lambda: self.links_requested.emit([item.id for item in vm.rundown.items])
        )
        self.table.addActions([self.copy_link, self.copy_all_links])
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.remove.clicked.connect(self.remove_selected)
        self.up.clicked.connect(lambda: self.move_selected(-1))
        self.down.clicked.connect(lambda: self.move_selected(+1))
        self.duration.editingFinished.connect(self._commit_duration)
        self.live_price.editingFinished.connect(self._commit_price)
        self.stock_cap.editingFinished.connect(self._commit_cap)
        self.talking_points.textChanged.connect(self._points_timer.start)
        self.talking_points.installEventFilter(self)
        vm.changed.connect(self._changed)
        vm.failed.connect(self.editor_error.setText)
        vm.file_changed.connect(self._update_heading)
        self._changed([])

    # ------------------------------------------------------------ selection
    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.vm.model.item_id(r) for r in rows]

    def select_ids(self, ids: list[str]) -> None:
        model, selection = self.vm.model, self.table.selectionModel()
        rows = [model.row_of(i) for i in ids if any(x.id == i for x in self.vm.rundown.items)]
        if not rows:
            return
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in rows:
            selection.select(model.index(row, 0), flags)
        selection.setCurrentIndex(model.index(rows[0], 0), flags)

    def remove_selected(self) -> None:
        self.vm.remove(self.selected_ids())

    def move_selected(self, step: int) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        rows = [self.vm.model.row_of(i) for i in ids]
        dest = (min(rows) - 1) if step < 0 else (max(rows) + 2)
        if 0 <= dest <= len(self.vm.rundown):
            self.vm.move(ids, dest)

    def _changed(self, select: list[str]) -> None:
        if select:
            self.select_ids(select)
        elif self._current is not None and any(
            i.id == self._current for i in self.vm.rundown.items
        ):
            self.select_ids([self._current])
        self._show_current()
        self._update_heading()

    def _update_heading(self) -> None:
        vm = self.vm
        mark = " •" if vm.dirty else ""
        where = vm.path.name if vm.path is not None else "not saved yet"
        self.heading.setText(f"{vm.title}{mark}   ({where})")
        count = len(vm.rundown)
        self.totals.setText(
            f"{count} item{'s' if count != 1 else ''} · "
            f"{format_duration(vm.rundown.total_seconds())} planned"
        )

    def set_live(self, live: bool) -> None:
        """On air the rundown is a running order first: the editor stays only while the
        dock is tall enough for both (a big screen); on a laptop the table gets the height,
        and the editor comes back after the show."""
        self._live = live
        self._fit_editor()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_editor()

    def _fit_editor(self) -> None:
        self.editor.setVisible(not self._live or self.height() >= LIVE_EDITOR_ROOM)

    def _current_changed(self) -> None:
        index = self.table.selectionModel().currentIndex()
        leaving = self._item()
        self._current = arriving = self.vm.model.item_id(index.row()) if index.isValid() else None
        if leaving is not None and self._points_timer.isActive():
            # typed for the row being left: never lost to a row change. The edit selects
            # the item it changed; the row the user went to is selected again after it.
            self._flush_points(leaving.id)
            if arriving is not None:
                self.select_ids([arriving])
        self._show_current()

    def _item(self) -> RundownItem | None:
        if self._current is None:
            return None
        for item in self.vm.rundown.items:
            if item.id == self._current:
                return item
        return None

    def _show_current(self) -> None:
        item = self._item()
        self.editor.setEnabled(item is not None)
        self.editor_error.setText("")
        for widget in (self.duration, self.live_price, self.stock_cap, self.talking_points):
            widget.blockSignals(True)
        if item is None:
            self.item_title.setText("Select an item to edit it")
            self.duration.clear()
            self.live_price.clear()
            self.stock_cap.setValue(NO_CAP)
            self.talking_points.clear()
        else:
            self.item_title.setText(item.product.display_title)
            self.duration.setText(format_duration(item.planned_seconds))
            catalog_price = money_text(item.product.price) if item.product.price else "none"
            self.live_price.setPlaceholderText(f"catalog price: {catalog_price}")
            self.live_price.setText("" if item.live_price is None else item.live_price.format())
            self.stock_cap.setValue(NO_CAP if item.stock_cap is None else item.stock_cap)
            if self.talking_points.toPlainText() != item.talking_points:
                self.talking_points.setPlainText(item.talking_points)
        for widget in (self.duration, self.live_price, self.stock_cap, self.talking_points):
            widget.blockSignals(False)

    # ------------------------------------------------------------ edits
    def _commit_duration(self) -> None:
        item = self._item()
        if item is None:
            return
        try:
            seconds = parse_duration(self.duration.text())
        except RundownError as exc:
            self.editor_error.setText(str(exc))
            return
        if seconds > MAX_PLANNED_SECONDS:
            return
        self.vm.edit(item.id, "Change duration", planned_seconds=seconds)

    def _commit_price(self) -> None:
        item = self._item()
        if item is None:
            return
        try:
            price = parse_live_price(self.live_price.text(), item.product.price)
        except RundownError as exc:
            self.editor_error.setText(f"Live price: {exc}")
            return
        self.vm.edit(
            item.id, "Change live price" if price else "Clear live price", live_price=price
        )

    def _commit_cap(self) -> None:
        item = self._item()
        if item is None:
            return
        value = self.stock_cap.value()
        self.vm.edit(item.id, "Change stock cap", stock_cap=None if value == NO_CAP else value)

    def _flush_points(self, item_id: str) -> None:
        """Commit talking points still waiting on the typing pause, for ``item_id``."""
        if self._points_timer.isActive():
            self._points_timer.stop()
            self.vm.edit(
                item_id, "Edit talking points", talking_points=self.talking_points.toPlainText()
            )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.talking_points and event.type() == QEvent.Type.FocusOut:
            item = self._item()
            if item is not None:
                self._flush_points(item.id)
        return super().eventFilter(watched, event)

    def _commit_points(self) -> None:
        item = self._item()
        if item is not None:
            self.vm.edit(
                item.id, "Edit talking points", talking_points=self.talking_points.toPlainText()
            )
