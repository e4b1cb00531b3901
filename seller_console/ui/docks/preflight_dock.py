"""The pre-flight dock: what would hurt on air, updated with every rundown edit.

"Check on the platform" asks the profile's platform (in the live engine's process) which
items it can sell and at what price; its answer joins the list. An issue with a one-click
fix (remove the item, set its SKU, set its commission) offers it under the list when it is
selected; clicking an issue selects its item in the rundown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from seller_console.domain.rundown import Fix, PreflightIssue, Severity
from seller_console.ui.widgets.text import plain_label

ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
FIX_ROLE = Qt.ItemDataRole.UserRole + 2
FIX_BUTTON = {
    Fix.REMOVE_ITEM: "Remove it from the rundown",
    Fix.SET_SKU: "Set SKU",
    Fix.SET_COMMISSION: "Set commission",
}
FIX_PLACEHOLDER = {Fix.SET_SKU: "the SKU the platform knows", Fix.SET_COMMISSION: "e.g. 15%"}


class PreflightDock(QDockWidget):
    item_activated = Signal(str)  # rundown item id
    check_requested = Signal()  # check the rundown on the profile's platform
    remove_requested = Signal(str)  # rundown item id
    sku_given = Signal(str, str)  # rundown item id, SKU as typed
    commission_given = Signal(str, str)  # rundown item id, rate as typed

    def __init__(self) -> None:
        super().__init__("Pre-flight check")
        self.setObjectName("preflight_dock")
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.check_button = QPushButton("Check on the platform")
        self.check_button.setObjectName("preflight_check_platform")
        self.check_button.setToolTip(
            "Ask the platform of the chosen profile which products it can sell, and at what price"
        )
        top.addWidget(self.check_button)
        self.platform_status = plain_label(wrap=True)
        self.platform_status.setObjectName("preflight_platform_status")
        top.addWidget(self.platform_status, 1)
        layout.addLayout(top)
        self.list = QListWidget()
        self.list.setObjectName("preflight_list")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        layout.addWidget(self.list, 1)
        self.fix_bar = QWidget()
        fix_row = QHBoxLayout(self.fix_bar)
        fix_row.setContentsMargins(0, 0, 0, 0)
        self.fix_text = QLineEdit()
        self.fix_text.setObjectName("preflight_fix_text")
        self.fix_button = QPushButton()
        self.fix_button.setObjectName("preflight_fix")
        fix_row.addWidget(self.fix_text, 1)
        fix_row.addWidget(self.fix_button)
        layout.addWidget(self.fix_bar)
        self.setWidget(body)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.check_button.clicked.connect(self.check_requested)
        self.fix_button.clicked.connect(self._fix)
        self.fix_text.returnPressed.connect(self._fix)
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
            self._selection_changed()
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
            if issue.fix is not None and issue.item_id is not None:
                entry.setData(FIX_ROLE, issue.fix.value)
            self.list.addItem(entry)
        self.setWindowTitle(f"Pre-flight: {blockers} to fix, {len(issues) - blockers} to check")
        self._selection_changed()

    def show_platform_check(self, running: bool, text: str) -> None:
        """The platform check's state: running (the button waits), or what it found."""
        self.check_button.setEnabled(not running)
        self.platform_status.setText(text)

    def _activated(self, entry: QListWidgetItem) -> None:
        item_id = entry.data(ITEM_ID_ROLE)
        if isinstance(item_id, str):
            self.item_activated.emit(item_id)

    def _selected_fix(self) -> tuple[str, Fix] | None:
        selected = self.list.selectedItems()
        if not selected:
            return None
        entry = selected[0]
        item_id, fix = entry.data(ITEM_ID_ROLE), entry.data(FIX_ROLE)
        if not isinstance(item_id, str) or not isinstance(fix, str):
            return None
        return item_id, Fix(fix)

    def _selection_changed(self) -> None:
        selected = self._selected_fix()
        self.fix_bar.setVisible(selected is not None)
        if selected is None:
            return
        fix = selected[1]
        self.fix_button.setText(FIX_BUTTON[fix])
        self.fix_text.setVisible(fix in FIX_PLACEHOLDER)
        self.fix_text.clear()
        self.fix_text.setPlaceholderText(FIX_PLACEHOLDER.get(fix, ""))

    def _fix(self) -> None:
        selected = self._selected_fix()
        if selected is None:
            return
        item_id, fix = selected
        if fix is Fix.REMOVE_ITEM:
            self.remove_requested.emit(item_id)
        elif fix is Fix.SET_SKU:
            self.sku_given.emit(item_id, self.fix_text.text())
        else:
            self.commission_given.emit(item_id, self.fix_text.text())
