"""Asked before a generic CSV import: which of the file's columns holds each field.

Shown when the console knows no format of the file, or when the user chose "Generic CSV
(map columns)". The file's own text (its column names, its first rows) is untrusted: it
is shown as plain text only.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from seller_console.importers import TablePreview, generic_fields
from seller_console.importers.source import norm_header
from seller_console.ui.widgets.text import plain_label

_REQUIRED = ("id", "title")
# The fields a brand's sheet has most often come first; the rest follow in the importer's order.
_FIRST = ("id", "title", "price", "currency", "quantity", "commission", "brand", "sale_price")
_LABELS = {
    "id": "ID / SKU *",
    "title": "Title *",
    "quantity": "Quantity (stock)",
    "gtin": "GTIN (barcode)",
    "mpn": "MPN",
    "group": "Group (variants of one product)",
    "image": "Image URL",
    "extra_images": "More image URLs",
    "link": "Product page URL",
}
_SHOWN_CHARS = 120  # of a preview cell: a few rows are a glance, not the file
_NOT_MAPPED = "(not in this file)"


def intro_text(file_name: str, unrecognised: bool, remembered: bool) -> str:
    """What the dialog asks, and where its first answer comes from."""
    ask = (
        f"The console does not recognise {file_name} as a Shopify, Google, Meta, TikTok or "
        "WooCommerce file. Choose which of its columns holds each field, and it is "
        "imported as a generic CSV."
        if unrecognised
        else f"Choose which column of {file_name} holds each field."
    )
    filled = (
        "Filled in as you mapped a file with these columns before"
        if remembered
        else "Filled in from the column names"
    )
    return f"{ask} {filled}: check it, then Import."


def _label(field: str) -> str:
    return _LABELS.get(field, field.replace("_", " ").capitalize())


def _cut(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SHOWN_CHARS else flat[: _SHOWN_CHARS - 1] + "…"


class ColumnMapDialog(QDialog):
    """``mapping`` (field -> the file's column name) once accepted; Import stays off
    until ID and Title have a column, and says so."""

    def __init__(
        self,
        file_name: str,
        preview: TablePreview,
        initial: dict[str, str],
        intro: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("column_map_dialog")
        self.setWindowTitle(f"Map the columns of {file_name}")
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(intro, wrap=True))
        layout.addWidget(plain_label("The file's first rows, as read:"))
        layout.addWidget(self._preview_table(preview))

        fields = list(dict.fromkeys((*_FIRST, *generic_fields())))
        columns = preview.columns
        names = [norm_header(c) for c in columns]
        grid = QGridLayout()
        self.combos: dict[str, QComboBox] = {}
        half = (len(fields) + 1) // 2
        for i, field in enumerate(fields):
            combo = QComboBox()
            combo.setObjectName(f"map_{field}")
            combo.addItem(_NOT_MAPPED, None)
            for column in columns:
                combo.addItem(_cut(column), column)
            chosen = norm_header(initial.get(field, ""))  # a remembered file's spelling
            combo.setCurrentIndex(names.index(chosen) + 1 if chosen in names else 0)
            combo.currentIndexChanged.connect(self._update)
            row, col = i % half, (i // half) * 2
            grid.addWidget(plain_label(_label(field)), row, col)
            grid.addWidget(combo, row, col + 1)
            self.combos[field] = combo
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        holder = QWidget()
        holder.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        layout.addWidget(scroll, 1)

        self.why = plain_label(wrap=True)
        self.why.setObjectName("column_map_why")
        layout.addWidget(self.why)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update()
        # As wide as the fields (never a sideways scroll), as tall as they are, up to
        # the screen: the fields scroll on a short one.
        frame = 2 * scroll.frameWidth()
        bar = scroll.verticalScrollBar().sizeHint().width()
        scroll.setMinimumWidth(holder.sizeHint().width() + bar + frame)
        hint = self.sizeHint()
        tall = hint.height() - scroll.sizeHint().height() + holder.sizeHint().height() + frame
        room = self.screen().availableGeometry().size() * 0.9
        self.resize(QSize(hint.width(), tall).boundedTo(room))

    def _preview_table(self, preview: TablePreview) -> QTableWidget:
        table = QTableWidget(len(preview.rows), len(preview.header))
        table.setObjectName("column_map_preview")
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setHorizontalHeaderLabels([_cut(name) for name in preview.header])
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for r, cells in enumerate(preview.rows):
            for c, text in enumerate(cells[: len(preview.header)]):
                table.setItem(r, c, QTableWidgetItem(_cut(text)))
        table.resizeColumnsToContents()  # a few rows: bounded work
        rows = max(1, len(preview.rows))
        table.setFixedHeight(
            table.horizontalHeader().sizeHint().height()
            + rows * table.verticalHeader().defaultSectionSize()
            + 2 * table.frameWidth()
            + table.horizontalScrollBar().sizeHint().height()
        )
        return table

    def mapping(self) -> dict[str, str]:
        """Each field that has a column, as the importer's ``column_map`` takes it."""
        found = {}
        for field, combo in self.combos.items():
            column = combo.currentData()
            if isinstance(column, str):
                found[field] = column
        return found

    def _update(self) -> None:
        missing = [_label(f).rstrip(" *") for f in _REQUIRED if f not in self.mapping()]
        self.ok.setEnabled(not missing)
        self.why.setText(
            f"Choose the column for {' and '.join(missing)}: every product needs an ID and a title."
            if missing
            else "Fields left '(not in this file)' stay empty; rows the importer cannot "
            "use are listed in the import report."
        )
