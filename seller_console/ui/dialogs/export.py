"""The Export CSV… button the report dialogs share, and its save dialog."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QPushButton, QWidget


def close_and_export_buttons(
    dialog: QDialog, object_name: str, on_export: Callable[[], None]
) -> tuple[QDialogButtonBox, QPushButton]:
    """Close, plus an "Export CSV…" button that calls ``on_export``."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    export = QPushButton("Export CSV…")
    export.setObjectName(object_name)
    buttons.addButton(export, QDialogButtonBox.ButtonRole.ActionRole)
    buttons.rejected.connect(dialog.reject)
    export.clicked.connect(on_export)
    return buttons, export


def file_stem(text: str, fallback: str) -> str:
    """A file name from a title (untrusted text): a ``/`` or ``\\`` in it would make a
    folder of its start, and ``:``, ``<``, ``>``, ``?``, ``*`` are not allowed in Windows
    file names, so only letters, digits, ``_`` and ``-`` are kept (60 at most)."""
    return re.sub(r"[^\w-]+", "-", text).strip("-")[:60] or fallback


def ask_csv_path(
    parent: QWidget, title: str, default: Path, chosen: Callable[[Path], None]
) -> QFileDialog:
    """A save dialog for a .csv file, opened without a nested loop; ``chosen`` gets the path."""
    dialog = QFileDialog(parent, title, str(default), "CSV files (*.csv)")
    dialog.setObjectName("export_file_dialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix("csv")
    dialog.fileSelected.connect(lambda name: chosen(Path(name)))
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
