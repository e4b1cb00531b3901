"""Past shows, newest first, with what each sold (orders, net sales and commission, as its
report has them): double-click one (or select it and press Open report) to ask the window
for its report through ``report_requested(show_id)``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from seller_console.domain.money import Money
from seller_console.domain.show_records import ShowTotals
from seller_console.services.reports import ShowSummary
from seller_console.services.show_clock import on_air_seconds
from seller_console.ui.dialogs.show_report import (
    FLAG,
    MISSING,
    Cell,
    ReportTableModel,
    TableRow,
    number_cell,
    report_table,
    seconds_cell,
    text_cell,
    time_cell,
)
from seller_console.ui.numbers import money_text
from seller_console.ui.widgets.text import plain_label

HEADERS = ("Title", "Status", "Started", "Ended", "Duration", "Orders", "Net sales", "Commission")
STARTED_COLUMN = 2
PLATFORM_FIGURES = "The platform's own GMV: it reports the show's figures, not its orders."


def show_row(summary: ShowSummary) -> TableRow:
    show = summary.show
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
            _status(summary),
            started,
            time_cell(show.ended_at, with_date=True),
            duration,
            *_sold_cells(summary),
        ),
    )


def _status(summary: ShowSummary) -> Cell:
    status = summary.show.status.value.capitalize()
    if summary.problem is None:
        return text_cell(status)
    tip = f"Its figures could not be read: {summary.problem}"
    return Cell(f"{FLAG}{status}, unreadable", status.casefold(), flagged=True, tip=tip)


def _sold_cells(summary: ShowSummary) -> tuple[Cell, Cell, Cell]:
    """Orders, net sales and commission, as the show's report totals them (commission:
    what the platform reported, else our estimate, marked as such). A metrics-only
    platform's show has the platform's own orders and GMV, and no commission of ours; a
    show sold in several currencies lists each."""
    if summary.problem is not None:
        return _none(), _none(), _none()
    totals = summary.totals.figures
    if totals:
        return (
            number_cell(sum(f.orders for f in totals)),
            _amounts(tuple(f.net for f in totals)),
            _commission(summary.totals),
        )
    metrics = summary.totals.metrics
    if metrics is not None and (metrics.orders or metrics.gmv is not None):
        gmv = _none()
        if metrics.gmv is not None:
            gmv = replace(_amounts((metrics.gmv,)), tip=PLATFORM_FIGURES)
        return number_cell(metrics.orders), gmv, _none()
    return number_cell(0), _none(), _none()


def _commission(totals: ShowTotals) -> Cell:
    """The platform's commission when it reported any (what it credits: a catalog without
    rates estimates 0), else the console's estimate, marked "est."; the tooltip says which
    figure it is, by the show report's name for it, and gives the other."""
    estimated = _text(tuple(f.commission_estimated for f in totals.figures))
    if totals.commission_from_platform:
        tip = (
            "Commission as the platform reported it (the report's Platform commission). "
            f"The console's estimate from the catalog's rates: {estimated}."
        )
        return replace(_amounts(totals.commission), tip=tip)
    tip = (
        "The platform reported no commission: this is the console's estimate from the "
        "catalog's rates (the report's Est. commission)."
    )
    cell = _amounts(totals.commission)
    return replace(cell, text=f"{cell.text} est.", tip=tip)


def _text(amounts: tuple[Money, ...]) -> str:
    return " · ".join(money_text(a.rounded()) for a in amounts)


def _amounts(amounts: tuple[Money, ...]) -> Cell:
    """``1,204.50 USD`` (``… · 20.00 EUR`` for a second currency), sorted by the first."""
    return Cell(_text(amounts), amounts[0].amount, numeric=True)


def _none() -> Cell:
    return Cell(MISSING, None, numeric=True)


class PastShowsDialog(QDialog):
    """``report_requested(show_id)``: the user asked for the report of that show."""

    report_requested = Signal(str)

    def __init__(self, shows: Iterable[ShowSummary], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("past_shows_dialog")
        self.setWindowTitle("Past shows")
        self.resize(1040, 440)
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
        if self.model.rowCount():  # the newest show, the one asked for after a show
            self.table.selectRow(0)

    def _selection_changed(self) -> None:
        self.open_report.setEnabled(self.table.selectionModel().hasSelection())

    def _open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._open_at(rows[0])

    def _open_at(self, index: QModelIndex) -> None:
        if index.isValid():
            self.report_requested.emit(self.model.row_key(index.row()))
