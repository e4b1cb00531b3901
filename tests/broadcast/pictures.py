"""The README's pictures of transparent output: composited over a stand-in for the video."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter


def save_over_backdrop(overlay: QImage, path: Path) -> None:
    """The README's picture: the transparent overlay over a stand-in for the video."""
    canvas = QImage(overlay.size(), QImage.Format.Format_ARGB32)
    painter = QPainter(canvas)
    gradient = QLinearGradient(0, 0, canvas.width(), canvas.height())
    gradient.setColorAt(0, QColor("#5b6b7d"))
    gradient.setColorAt(1, QColor("#b59a86"))
    painter.fillRect(canvas.rect(), gradient)
    painter.drawImage(0, 0, overlay)
    painter.end()
    assert canvas.save(str(path))
