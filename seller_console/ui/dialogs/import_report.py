"""The import report: counts, and every problem in a sortable table that exports to CSV."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from seller_console.importers import ImportReport
from seller_console.services.orders_import import OrdersImportOutcome
from seller_console.services.reports import csv_writer
from seller_console.ui.dialogs.export import ask_csv_path, close_and_export_buttons
from seller_console.ui.models.problems_model import HEADERS, ProblemsTableModel, cells
from seller_console.ui.widgets.text import plain_label


def export_problems(path: Path, model: ProblemsTableModel) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv_writer(fh)  # cells a spreadsheet would run are neutralised
        writer.writerow(HEADERS)
        for kind, problem in model.rows():
            writer.writerow(cells(kind, problem))


def orders_counts(outcome: OrdersImportOutcome) -> list[str]:
    """An orders export's counts, in place of a catalog's products and variants: the
    file, its rows read and refused, its orders kept (new, changed) and left out."""
    report = outcome.report
    kept = outcome.orders - outcome.outside
    orders = (
        f"  orders: {outcome.orders} in the file, {kept} kept ({outcome.new} new, "
        f"{outcome.changed} changed)"
    )
    if outcome.outside:
        orders += f", {outcome.outside} outside the show left out"
    return [
        report.summary_lines(max_examples=0)[0],
        f"  rows read: {report.rows_read}   rows refused: {report.rows_rejected}"
        "   (a refused row leaves its whole order out)",
        orders,
        f"  currencies: {', '.join(report.currencies) or 'none'}",
    ]


class ImportReportDialog(QDialog):
    """``counts``: the lines over the problems (a catalog's products and variants unless
    given, e.g. ``orders_counts`` for an orders export)."""

    export_chosen = Signal(object)  # Path: where to write the problems as CSV

    def __init__(
        self,
        report: ImportReport,
        parent: QWidget | None = None,
        counts: Sequence[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("import_report_dialog")
        self.setWindowTitle(f"Import report: {report.path.name}")
        self.resize(900, 520)
        self.report = report
        layout = QVBoxLayout(self)
        if counts is None:
            counts = report.summary_lines(max_examples=0)[:3]
        self.counts = plain_label("\n".join(counts), wrap=True)
        self.counts.setObjectName("import_counts")
        layout.addWidget(self.counts)
        self.model = ProblemsTableModel(report)
        self.table = QTableView()
        self.table.setObjectName("import_problems")
        self.table.setModel(self.model)
        # the report's own order (each kind in file order) until a header is clicked: Qt
        # would sort by the first column, descending, and list the rows backwards
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((150, 60, 60, 150)):
            self.table.setColumnWidth(col, width)
        layout.addWidget(self.table, 1)
        buttons, self.export = close_and_export_buttons(
            self, "import_export_csv", self._choose_export
        )
        layout.addWidget(buttons)

    def _choose_export(self) -> None:
        default = self.report.path.with_name(f"{self.report.path.stem}-problems.csv")
        ask_csv_path(self, "Export problems", default, self.export_chosen.emit)
