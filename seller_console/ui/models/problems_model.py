"""The import report's table: every rejected row and warning, sortable."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from seller_console.importers import ImportReport, Problem
from seller_console.ui.widgets.text import escaped_tooltip

AnyIndex = QModelIndex | QPersistentModelIndex
HEADERS = ("Kind", "Row", "Line", "Column", "Problem")


class ProblemsTableModel(QAbstractTableModel):
    def __init__(self, report: ImportReport) -> None:
        super().__init__()
        self._rows: list[tuple[str, Problem]] = [("rejected", p) for p in report.rejected]
        self._rows += [("warning", p) for p in report.warnings]

    def rows(self) -> list[tuple[str, Problem]]:
        return list(self._rows)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        kind, problem = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cells(kind, problem)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return escaped_tooltip(cells(kind, problem)[index.column()])
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        def key(entry: tuple[str, Problem]) -> tuple[Any, ...]:
            kind, p = entry
            values: tuple[Any, ...] = (kind, p.row or 0, p.line or 0, p.column or "", p.reason)
            return (values[column], *values)

        self.layoutAboutToBeChanged.emit()
        self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()


def cells(kind: str, problem: Problem) -> list[str]:
    return [
        problem.kind.value.replace("_", " ") if problem.kind else kind,
        "" if problem.row is None else str(problem.row),
        "" if problem.line is None else str(problem.line),
        problem.column or "",
        problem.reason,
    ]
