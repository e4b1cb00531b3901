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
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from seller_console.domain.rundown import (
    RundownError,
    RundownItem,
    format_duration,
    parse_duration,
    parse_flash_price,
    parse_flash_seconds,
    parse_live_price,
)
from seller_console.ui.models.rundown_model import RCol
from seller_console.ui.numbers import money_text
from seller_console.ui.theme import Tone, tone_color
from seller_console.ui.viewmodels.rundown_vm import RundownViewModel
from seller_console.ui.widgets.product_share import ProductShare
from seller_console.ui.widgets.text import ElidedLabel, plain_label

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
        self._shown: str | None = None  # the item the editor's fields show
        self._selecting = False
        self._live = False
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        title_box = QWidget()
        title_box.setStyleSheet(_invalid_sheet())
        title_column = QVBoxLayout(title_box)
        title_column.setContentsMargins(0, 0, 0, 0)
        title_row = QHBoxLayout()
        title_column.addLayout(title_row)
        self.show_title = QLineEdit()
        self.show_title.setObjectName("rundown_show_title")
        self.show_title.setPlaceholderText("Show title")
        self.show_title.setToolTip("The show's title: saved in the plan, shown in the report")
        self.heading = plain_label()
        self.heading.setObjectName("rundown_heading")
        title_row.addWidget(self.show_title, 1)
        title_row.addWidget(self.heading)
        self.title_error = _error_label("rundown_title_error")
        title_column.addWidget(self.title_error)
        layout.addWidget(title_box)

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
        # narrow (on air, a laptop): the totals elide, the whole text in the tooltip
        self.totals = ElidedLabel()
        self.totals.setObjectName("rundown_totals")
        buttons.addWidget(self.totals, 1)
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
        self.flash_price = QLineEdit()
        self.flash_price.setObjectName("rundown_flash_price")
        self.flash_price.setPlaceholderText("price (none: no flash sale)")
        self.flash_seconds = QLineEdit()
        self.flash_seconds.setObjectName("rundown_flash_seconds")
        self.flash_seconds.setPlaceholderText("2:00")
        self.flash_seconds.setToolTip("How long the flash sale runs, from the confirmed take")
        self.talking_points = QPlainTextEdit()
        self.talking_points.setObjectName("rundown_talking_points")
        self.talking_points.setPlaceholderText("What to say about this product")
        self.talking_points.setMaximumHeight(90)
        self.editor_error = plain_label(wrap=True)
        self.editor_error.setObjectName("rundown_editor_error")
        # each field has its own message, under it: one never overwrites another
        self.duration_error = _error_label("rundown_duration_error")
        self.price_error = _error_label("rundown_price_error")
        self.flash_error = _error_label("rundown_flash_error")
        self.editor.setStyleSheet(_invalid_sheet())
        form.addRow(self.item_title)
        form.addRow("Duration", self.duration)
        form.addRow("", self.duration_error)
        form.addRow("Live price", self.live_price)
        form.addRow("", self.price_error)
        form.addRow("Stock cap", self.stock_cap)
        flash = QHBoxLayout()  # one row: the price, then how long it runs
        flash.addWidget(self.flash_price, 3)
        flash.addWidget(plain_label("for"))
        flash.addWidget(self.flash_seconds, 2)
        form.addRow("Flash sale", flash)
        form.addRow("", self.flash_error)
        form.addRow("Talking points", self.talking_points)
        form.addRow(self.editor_error)
        layout.addWidget(self.editor, 2)
        body.setMinimumWidth(320)
        self.setWidget(body)

        self._points_timer = QTimer(self, singleShot=True, interval=600)
        self._points_timer.timeout.connect(self._commit_points)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.selectionModel().selectionChanged.connect(self._current_changed)
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
        self.flash_price.editingFinished.connect(self._commit_flash_price)
        self.flash_seconds.editingFinished.connect(self._commit_flash_seconds)
        self.talking_points.textChanged.connect(self._points_timer.start)
        self.talking_points.installEventFilter(self)
        self.stock_cap.valueChanged.connect(self._cap_typed)
        self._cap_pending = False
        self.show_title.editingFinished.connect(self._commit_title)
        vm.changed.connect(self._changed)
        vm.failed.connect(self.editor_error.setText)
        vm.file_changed.connect(self._update_heading)
        vm.file_changed.connect(self._show_title)
        self._show_title()
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
        # one change for the editor, not a cleared selection on the way (that would
        # disable the editor, and take the focus from a field being typed in)
        self._selecting = True
        try:
            selection.clearSelection()
            flags = (
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            )
            for row in rows:
                selection.select(model.index(row, 0), flags)
            selection.setCurrentIndex(model.index(rows[0], 0), flags)
        finally:
            self._selecting = False
        self._current_changed()

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
        mark = "• " if vm.dirty else ""
        where = vm.path.name if vm.path is not None else "not saved yet"
        self.heading.setText(f"{mark}{where}")
        self.heading.setToolTip(str(vm.path) if vm.path is not None else "")
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
        """The editor follows the current row while it is selected; with nothing selected
        it is cleared and disabled."""
        if self._selecting:
            return
        selection = self.table.selectionModel()
        index = selection.currentIndex()
        chosen = index.isValid() and selection.isRowSelected(index.row(), index.parent())
        arriving = self.vm.model.item_id(index.row()) if chosen else None
        leaving = self._item()
        if arriving == self._current and (arriving is None or leaving is not None):
            return
        self._current = arriving
        if leaving is not None and self._pending():
            # typed for the row being left: never lost to a row change. The edits select
            # the item they changed; the row the user went to is selected again after them.
            self._commit_pending(leaving)
            if arriving is not None:
                self.select_ids([arriving])
                return  # selecting it again showed it
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
        # the same item refreshed (another field's edit, an undo): a value refused a moment
        # ago stays as typed, with its message, until it is fixed or the row is left
        same = item is not None and item.id == self._shown
        self._shown = item.id if item is not None else None
        self.editor.setEnabled(item is not None)
        self.editor_error.setText("")
        self._cap_pending = False
        keep_duration = same and bool(self.duration.property("invalid"))
        keep_price = same and bool(self.live_price.property("invalid"))
        keep_flash = same and any(
            bool(field.property("invalid")) for field in (self.flash_price, self.flash_seconds)
        )
        if not keep_duration:
            _set_error(self.duration, self.duration_error, "")
        if not keep_price:
            _set_error(self.live_price, self.price_error, "")
        if not keep_flash:
            self._flash_error("")
        fields = (
            self.duration,
            self.live_price,
            self.stock_cap,
            self.flash_price,
            self.flash_seconds,
            self.talking_points,
        )
        for widget in fields:
            widget.blockSignals(True)
        if item is None:
            self.item_title.setText("Select an item to edit it")
            self.duration.clear()
            self.live_price.clear()
            self.live_price.setPlaceholderText("")
            self.stock_cap.setValue(NO_CAP)
            self.flash_price.clear()
            self.flash_seconds.clear()
            self.talking_points.clear()
        else:
            self.item_title.setText(item.product.display_title)
            if not keep_duration:
                self.duration.setText(format_duration(item.planned_seconds))
            catalog_price = money_text(item.product.price) if item.product.price else "none"
            self.live_price.setPlaceholderText(f"catalog price: {catalog_price}")
            if not keep_price:
                price = item.live_price
                self.live_price.setText("" if price is None else price.format())
            self.stock_cap.setValue(NO_CAP if item.stock_cap is None else item.stock_cap)
            if not keep_flash:
                flash, seconds = item.flash_price, item.flash_seconds
                self.flash_price.setText("" if flash is None else flash.format())
                self.flash_seconds.setText("" if seconds is None else format_duration(seconds))
            if self.talking_points.toPlainText() != item.talking_points:
                self.talking_points.setPlainText(item.talking_points)
        self._points_timer.stop()
        for widget in fields:
            widget.blockSignals(False)

    # ------------------------------------------------------------ edits
    def _pending(self) -> bool:
        """Whether a field holds typing not yet committed to the item."""
        return (
            self.duration.isModified()
            or self.live_price.isModified()
            or self.flash_price.isModified()
            or self.flash_seconds.isModified()
            or self._cap_pending
            or self._points_timer.isActive()
        )

    def _commit_pending(self, item: RundownItem) -> None:
        """Commit every field typed for ``item`` (read first: each edit refreshes the
        editor). A value that cannot be used is not applied and the status bar says so."""
        duration = self.duration.text() if self.duration.isModified() else None
        price = self.live_price.text() if self.live_price.isModified() else None
        flash_price = self.flash_price.text() if self.flash_price.isModified() else None
        flash_seconds = self.flash_seconds.text() if self.flash_seconds.isModified() else None
        cap = self.stock_cap.value() if self._cap_pending else None
        points = self.talking_points.toPlainText() if self._points_timer.isActive() else None
        self.duration.setModified(False)
        self.live_price.setModified(False)
        self.flash_price.setModified(False)
        self.flash_seconds.setModified(False)
        self._cap_pending = False
        self._points_timer.stop()
        where = f"#{self.vm.rundown.index_of(item.id) + 1} {item.product.display_title}"
        if duration is not None:
            try:
                self._edit_duration(item, duration)
            except RundownError as exc:
                self.vm.failed.emit(f"{where}: duration not changed: {exc}")
        if price is not None:
            try:
                self._edit_price(item, price)
            except RundownError as exc:
                self.vm.failed.emit(f"{where}: live price not changed: {exc}")
        if flash_price is not None:
            try:
                self._edit_flash_price(item, flash_price)
            except RundownError as exc:
                self.vm.failed.emit(f"{where}: flash price not changed: {exc}")
        if flash_seconds is not None:
            try:
                self._edit_flash_seconds(item, flash_seconds)
            except RundownError as exc:
                self.vm.failed.emit(f"{where}: flash sale's duration not changed: {exc}")
        if cap is not None:
            self._edit_cap(item, cap)
        if points is not None:
            self.vm.edit(item.id, "Edit talking points", talking_points=points)

    def _edit_duration(self, item: RundownItem, text: str) -> None:
        seconds = parse_duration(text)
        self.vm.edit(item.id, "Change duration", planned_seconds=seconds)

    def _edit_price(self, item: RundownItem, text: str) -> None:
        price = parse_live_price(text, item.product.price)
        self.vm.edit(
            item.id, "Change live price" if price else "Clear live price", live_price=price
        )

    def _edit_cap(self, item: RundownItem, value: int) -> None:
        self.vm.edit(item.id, "Change stock cap", stock_cap=None if value == NO_CAP else value)

    def _commit_duration(self) -> None:
        item = self._item()
        if item is None:
            return
        self.duration.setModified(False)
        try:
            self._edit_duration(item, self.duration.text())
        except RundownError as exc:
            _set_error(self.duration, self.duration_error, f"Duration: {exc}")
            return
        _set_error(self.duration, self.duration_error, "")

    def _commit_price(self) -> None:
        item = self._item()
        if item is None:
            return
        self.live_price.setModified(False)
        try:
            self._edit_price(item, self.live_price.text())
        except RundownError as exc:
            _set_error(self.live_price, self.price_error, f"Live price: {exc}")
            return
        _set_error(self.live_price, self.price_error, "")

    def _cap_typed(self) -> None:
        self._cap_pending = True

    def _edit_flash_price(self, item: RundownItem, text: str) -> None:
        price = parse_flash_price(text, item)
        self.vm.edit(
            item.id, "Change flash price" if price else "Clear flash price", flash_price=price
        )

    def _edit_flash_seconds(self, item: RundownItem, text: str) -> None:
        seconds = parse_flash_seconds(text)
        self.vm.edit(item.id, "Change flash sale duration", flash_seconds=seconds)

    def _flash_error(self, message: str, field: QLineEdit | None = None) -> None:
        """The flash row's one message, marking the field it is about (both cleared by "")."""
        for each in (self.flash_price, self.flash_seconds):
            _set_error(each, self.flash_error, message if each is field else "")
        self.flash_error.setText(message)
        self.flash_error.setVisible(bool(message))

    def _commit_flash_price(self) -> None:
        item = self._item()
        if item is None:
            return
        self.flash_price.setModified(False)
        try:
            self._edit_flash_price(item, self.flash_price.text())
        except RundownError as exc:
            self._flash_error(f"Flash price: {exc}", self.flash_price)
            return
        self._flash_error("")

    def _commit_flash_seconds(self) -> None:
        item = self._item()
        if item is None:
            return
        self.flash_seconds.setModified(False)
        try:
            self._edit_flash_seconds(item, self.flash_seconds.text())
        except RundownError as exc:
            self._flash_error(f"Flash sale: {exc}", self.flash_seconds)
            return
        self._flash_error("")

    def _commit_cap(self) -> None:
        item = self._item()
        if item is None or not self._cap_pending:
            return
        self._cap_pending = False
        self._edit_cap(item, self.stock_cap.value())

    # ------------------------------------------------------------ the show's title
    def _show_title(self) -> None:
        self.show_title.setText(self.vm.title)
        _set_error(self.show_title, self.title_error, "")

    def _commit_title(self) -> None:
        self.show_title.setModified(False)
        try:
            self.vm.set_title(self.show_title.text())
        except RundownError as exc:
            _set_error(self.show_title, self.title_error, f"Title: {exc}")
            return
        _set_error(self.show_title, self.title_error, "")

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


def _invalid_sheet() -> str:
    """A field refused marked by a border, its message in the same colour (one readable on
    the light and on the dark palette)."""
    bad = tone_color(Tone.BAD).name()
    return (
        f'QLineEdit[invalid="true"] {{ border: 2px solid {bad}; }} '
        f'QLabel[role="error"] {{ color: {bad}; }}'
    )


def _error_label(name: str) -> QLabel:
    label = plain_label(wrap=True)
    label.setObjectName(name)
    label.setProperty("role", "error")
    label.hide()
    return label


def _set_error(field: QLineEdit, label: QLabel, message: str) -> None:
    """Mark ``field`` invalid (a red border) with ``message`` under it, or clear both."""
    field.setProperty("invalid", bool(message))
    field.style().unpolish(field)
    field.style().polish(field)
    label.setText(message)
    label.setVisible(bool(message))
