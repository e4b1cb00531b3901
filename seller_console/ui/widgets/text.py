"""Labels for untrusted text: always plain text, never rich text, whatever the content."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def plain_label(text: str = "", parent: QWidget | None = None, wrap: bool = False) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def escaped_tooltip(text: str) -> str | None:
    """``text`` as a tooltip that shows it literally: Qt renders a tooltip that looks like
    HTML as rich text, so untrusted text is escaped inside an explicit paragraph."""
    return f"<p>{html.escape(text)}</p>" if text else None
