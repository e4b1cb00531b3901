"""The pre-flight dock: what would hurt on air, updated with every rundown edit."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDockWidget, QListWidget, QListWidgetItem, QStyle

from seller_console.domain.rundown import PreflightIssue, Severity

ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class PreflightDock(QDockWidget):
    item_activated = Signal(str)  # rundown item id

    def __init__(self) -> None:
        super().__init__("Pre-flight check")
        self.setObjectName("preflight_dock")
        self.list = QListWidget()
        self.list.setObjectName("preflight_list")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.setWidget(self.list)
        self.list.itemActivated.connect(self._activated)
        self.list.itemDoubleClicked.connect(self._activated)
        self.show_issues([])

    def show_issues(self, issues: list[PreflightIssue]) -> None:
        self.list.clear()
        style = self.style()
        if not issues:
            ok = QListWidgetItem(
                style.standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton),
                "Ready for air: nothing to fix",
            )
            self.list.addItem(ok)
            self.setWindowTitle("Pre-flight check")
            return
        blockers = sum(1 for i in issues if i.severity is Severity.BLOCKER)
        for issue in sorted(issues, key=lambda i: i.severity is not Severity.BLOCKER):
            icon = style.standardIcon(
                QStyle.StandardPixmap.SP_MessageBoxCritical
                if issue.severity is Severity.BLOCKER
                else QStyle.StandardPixmap.SP_MessageBoxWarning
            )
            entry = QListWidgetItem(icon, issue.message)  # item text is never rich text
            entry.setData(ITEM_ID_ROLE, issue.item_id)
            self.list.addItem(entry)
        self.setWindowTitle(
            f"Pre-flight check: {blockers} to fix, {len(issues) - blockers} to check"
        )

    def _activated(self, entry: QListWidgetItem) -> None:
        item_id = entry.data(ITEM_ID_ROLE)
        if isinstance(item_id, str):
            self.item_activated.emit(item_id)
