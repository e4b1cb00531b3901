"""The import report: counts, and every problem in a sortable table that exports to CSV."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from seller_console.importers import ImportReport
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


class ImportReportDialog(QDialog):
    export_chosen = Signal(object)  # Path: where to write the problems as CSV

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("import_report_dialog")
        self.setWindowTitle(f"Import report: {report.path.name}")
        self.resize(900, 520)
        self.report = report
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label("\n".join(report.summary_lines(max_examples=0)[:3]), wrap=True)
        )
        self.model = ProblemsTableModel(report)
        self.table = QTableView()
        self.table.setObjectName("import_problems")
        self.table.setModel(self.model)
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
