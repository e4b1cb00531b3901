"""The catalog dock: search as you type, brand and stock filters, the variants table."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from seller_console.ui.models.catalog_model import Col
from seller_console.ui.viewmodels.catalog_vm import CatalogViewModel
from seller_console.ui.widgets.product_share import ProductShare

ALL_BRANDS = "All brands"


class CatalogTable(QTableView):
    """The variants table; Enter adds the selection to the rundown."""

    add_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.add_requested.emit()
            return
        super().keyPressEvent(event)


class CatalogDock(QDockWidget):
    add_requested = Signal(list)  # table rows
    link_requested = Signal(list)  # table rows: "Copy affiliate link"
    current_changed = Signal(int)  # table row, -1 for none

    def __init__(self, vm: CatalogViewModel) -> None:
        super().__init__("Catalog")
        self.setObjectName("catalog_dock")
        self.vm = vm
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)

        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("catalog_search")
        self.search.setPlaceholderText("Search title, SKU, brand, tags")
        self.search.setClearButtonEnabled(True)
        self.brand = QComboBox()
        self.brand.setObjectName("catalog_brand")
        self.brand.setMinimumContentsLength(12)
        self.in_stock = QCheckBox("In stock only")
        self.in_stock.setObjectName("catalog_in_stock")
        filters.addWidget(self.search, 1)
        filters.addWidget(self.brand)
        filters.addWidget(self.in_stock)
        layout.addLayout(filters)

        self.import_bar = QWidget()
        bar = QHBoxLayout(self.import_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        self.import_label = QLabel()
        self.import_label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName("catalog_cancel_import")
        bar.addWidget(self.import_label)
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.cancel)
        self.import_bar.hide()
        layout.addWidget(self.import_bar)

        self.table = CatalogTable()
        self.table.setObjectName("catalog_table")
        self.table.setModel(vm.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setDragEnabled(True)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.table.setSortingEnabled(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(44)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Col.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicatorShown(True)
        header.setSortIndicatorClearable(True)
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(self._sort)
        header.setMinimumSectionSize(36)
        for col, width in (
            (Col.IMAGE, 46),
            (Col.SKU, 104),
            (Col.PRICE, 80),
            (Col.COMPARE_AT, 84),
            (Col.STOCK, 48),
            (Col.COMMISSION, 82),
            (Col.BRAND, 104),
        ):
            self.table.setColumnWidth(col, width)
        # narrow: compare-at, commission and brand (all on the product card) give way in
        # that order, the brand last (a seller picks by it): after a show at 1366x768 the
        # table gets ~490 px, room for 16 characters of title beside SKU, price, stock and
        # brand; the compare-at column (mostly empty) needs 20 to show
        self.share = ProductShare(
            self.table,
            Col.TITLE,
            (Col.COMPARE_AT, Col.COMMISSION, Col.BRAND),
            min_chars=16,
            min_chars_for={Col.COMPARE_AT: 20},
        )
        layout.addWidget(self.table, 1)
        self.count = QLabel()
        self.count.setObjectName("catalog_count")
        layout.addWidget(self.count)
        body.setMinimumWidth(360)
        self.setWidget(body)

        self.search.textChanged.connect(self._filter)
        self.brand.currentIndexChanged.connect(self._filter)
        self.in_stock.toggled.connect(self._filter)
        self.cancel.clicked.connect(vm.cancel_import)
        self.table.doubleClicked.connect(lambda index: self.add_requested.emit([index.row()]))
        self.table.add_requested.connect(self._add_selected)
        self.copy_link = QAction("Copy affiliate link", self.table)
        self.copy_link.setObjectName("catalog_copy_link")
        self.copy_link.triggered.connect(lambda: self.link_requested.emit(self._selected_rows()))
        self.table.addAction(self.copy_link)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.selectionModel().currentRowChanged.connect(self._current_row_changed)
        # the product the user is on (the catalog's file and the variant's id), kept when
        # the catalogs are rebuilt (a commission set by hand, a file read again)
        self._current: tuple[Path, str] | None = None
        vm.model.modelReset.connect(self._update_count)
        vm.catalogs_changed.connect(self._catalogs_changed)
        vm.import_started.connect(self._import_started)
        vm.import_progressed.connect(lambda share: self.progress.setValue(int(share * 1000)))
        vm.import_ended.connect(self.import_bar.hide)
        self._catalogs_changed()

    def _filter(self) -> None:
        brand = self.brand.currentText()
        self.vm.set_filter(
            self.search.text(),
            None if brand in ("", ALL_BRANDS) else brand,
            self.in_stock.isChecked(),
        )

    def _sort(self, column: int, order: Qt.SortOrder) -> None:
        if column < 0:
            return
        self.vm.model.sort(column, order)

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            index, variant_id = self.vm.model.place(current.row())
            self._current = (self.vm.paths[index], variant_id)
        self.current_changed.emit(current.row() if current.isValid() else -1)

    def _catalogs_changed(self) -> None:
        """Refresh the brand list and go back to the product the user was on; the model
        already applied the current filter to the new rows, so it is set again only when
        the chosen brand is gone."""
        if self._current is not None and not self.table.currentIndex().isValid():
            path, variant_id = self._current
            if path in self.vm.paths:
                row = self.vm.model.row_of(self.vm.paths.index(path), variant_id)
                if row is not None:
                    self.select_row(row)
        current = self.brand.currentText()
        brands = self.vm.model.brands()
        self.brand.blockSignals(True)
        self.brand.clear()
        self.brand.addItems([ALL_BRANDS, *brands])
        self.brand.setCurrentText(current if current in brands else ALL_BRANDS)
        self.brand.blockSignals(False)
        if current not in ("", ALL_BRANDS) and current not in brands:
            self._filter()

    def _update_count(self) -> None:
        total = self.vm.model.total_rows()
        shown = self.vm.model.rowCount()
        catalogs = len(self.vm.catalogs)
        text = f"{shown:,} of {total:,} variants · {catalogs} catalog{'s' if catalogs != 1 else ''}"
        brand = self.brand.currentText()
        if shown == 0 and total and brand not in ("", ALL_BRANDS):
            query = self.search.text()
            elsewhere = sum(len(c.search(query)) for c in self.vm.catalogs)
            if elsewhere:
                text = (
                    f"No {brand} variant matches; {elsewhere:,} of other brands do: "
                    f"choose {ALL_BRANDS} to see them"
                )
        self.count.setText(text)

    def _import_started(self, name: str) -> None:
        self.import_label.setText(f"Importing {name}")
        self.progress.setValue(0)
        self.import_bar.show()

    def _add_selected(self) -> None:
        rows = self._selected_rows()
        if rows:
            self.add_requested.emit(rows)

    def _selected_rows(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        current = self.table.currentIndex()
        if current.isValid() and current.row() not in rows:
            # the current row moved without selecting (Ctrl+End, Ctrl+arrows): the card
            # shows it, so Enter (or a copy) acts on what the card shows
            rows = [current.row()]
        return rows

    def select_row(self, row: int) -> None:
        index = self.vm.model.index(row, Col.TITLE)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
