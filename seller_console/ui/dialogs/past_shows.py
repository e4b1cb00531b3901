"""Past shows, newest first: double-click one (or select it and press Open report) to ask the
window for its report through ``report_requested(show_id)``."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from seller_console.domain.show_records import ShowRecord
from seller_console.services.show_clock import on_air_seconds
from seller_console.ui.dialogs.show_report import (
    Cell,
    ReportTableModel,
    TableRow,
    report_table,
    seconds_cell,
    text_cell,
    time_cell,
)
from seller_console.ui.widgets.text import plain_label

HEADERS = ("Title", "Status", "Started", "Ended", "Duration")
STARTED_COLUMN = 2


def show_row(show: ShowRecord) -> TableRow:
    started = time_cell(show.started_at, with_date=True)
    # a show that never started sorts by when it was made, among the others
    started = Cell(started.text, show.started_at or show.created_at)
    duration = seconds_cell(on_air_seconds(show))
    if show.status.unfinished:
        duration = Cell("not finished", None, numeric=True)
    return TableRow(
        show.id,
        (
            text_cell(show.title),
            text_cell(show.status.value.capitalize()),
            started,
            time_cell(show.ended_at, with_date=True),
            duration,
        ),
    )


class PastShowsDialog(QDialog):
    """``report_requested(show_id)``: the user asked for the report of that show."""

    report_requested = Signal(str)

    def __init__(self, shows: Iterable[ShowRecord], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("past_shows_dialog")
        self.setWindowTitle("Past shows")
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        self.model = ReportTableModel(HEADERS, (show_row(s) for s in shows))
        self.table = report_table(self.model, "past_shows", widest=320)
        self.table.setSelectionMode(self.table.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.sortByColumn(STARTED_COLUMN, Qt.SortOrder.DescendingOrder)
        self.table.doubleClicked.connect(self._open_at)
        layout.addWidget(self.table, 1)
        self.empty = plain_label("No shows yet: a show appears here once it has been created.")
        self.empty.setVisible(self.model.rowCount() == 0)
        layout.addWidget(self.empty)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_report = QPushButton("Open report")
        self.open_report.setObjectName("past_shows_open_report")
        self.open_report.setEnabled(False)
        buttons.addButton(self.open_report, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.open_report.clicked.connect(self._open_selected)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        layout.addWidget(buttons)

    def _selection_changed(self) -> None:
        self.open_report.setEnabled(self.table.selectionModel().hasSelection())

    def _open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._open_at(rows[0])

    def _open_at(self, index: QModelIndex) -> None:
        if index.isValid():
            self.report_requested.emit(self.model.row_key(index.row()))
