"""Labels for untrusted text: always plain text, never rich text, whatever the content."""

from __future__ import annotations

import html

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


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


class ElidedLabel(QWidget):
    """Untrusted text in at most ``max_lines`` wrapped lines, the last one elided; never
    wider than its layout gives it (its minimum width is a few characters, whatever the
    text). When the text does not fit, the whole of it is the tooltip (escaped).

    ``max_lines=None``: as many whole lines as its height holds (one at least). It then
    asks its layout for one line and takes the room it is given, so a long text never
    makes a card taller than the screen, and a line is never cut in half.
    ``keep_breaks``: each line of the text starts a new line (talking points are one
    point a line); otherwise the text is one paragraph.

    Only the first ``SHOWN_CHARS`` characters are laid out: a screen shows far fewer, and
    the cost of a paint stays bounded whatever a catalog or a platform sends."""

    SHOWN_CHARS = 2000

    def __init__(
        self, max_lines: int | None = 1, parent: QWidget | None = None, keep_breaks: bool = False
    ) -> None:
        super().__init__(parent)
        self._text = ""
        # the text as laid out, bounded: whitespace runs as single spaces, line breaks
        # too unless kept (then blank lines go: a host's room is for the points)
        self._flat = ""
        self._max_lines = max_lines
        self._keep_breaks = keep_breaks
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(max_lines is not None)
        self.setSizePolicy(policy)

    def text(self) -> str:
        return self._text

    def shown_text(self) -> str:
        """What is painted at the current width (for tests and screenshots)."""
        return "\n".join(self._layout(self.width())[0])

    def setText(self, text: str) -> None:
        if text == self._text:
            return
        self._text = text
        bounded = text[: self.SHOWN_CHARS + 1]
        if self._keep_breaks:
            lines = (" ".join(line.split()) for line in bounded.splitlines())
            self._flat = "\n".join(line for line in lines if line)
        else:
            self._flat = " ".join(bounded.split())
        self.updateGeometry()
        self._update_tooltip()
        self.update()

    def _room(self) -> int:
        """How many lines may be shown: ``max_lines``, or as many as the height holds."""
        if self._max_lines is not None:
            return self._max_lines
        return max(1, self.height() // self.fontMetrics().lineSpacing())

    def _layout(self, width: int) -> tuple[list[str], bool]:
        """The lines (wrapped at word boundaries, the last one elided) and whether the
        whole text fits in them."""
        metrics = self.fontMetrics()
        width = max(width, 1)
        room = self._room()
        lines: list[str] = []
        paragraphs = self._flat.split("\n") if self._flat else []
        for index, rest in enumerate(paragraphs):
            more = index < len(paragraphs) - 1  # another paragraph follows this one
            while rest:
                last = len(lines) == room - 1
                if metrics.horizontalAdvance(rest) <= width and not (last and more):
                    lines.append(rest)
                    break
                if last:
                    lines.append(_elided(rest, more, width, metrics))
                    return lines, False
                cut = _fitting(rest, width, metrics)
                lines.append(rest[:cut].rstrip())
                rest = rest[cut:].lstrip()
        return lines, len(self._text) <= self.SHOWN_CHARS

    def _update_tooltip(self) -> None:
        fits = self._layout(self.width())[1]
        shown = self._text[: self.SHOWN_CHARS]
        if len(self._text) > self.SHOWN_CHARS:
            shown += "…"
        self.setToolTip("" if fits else escaped_tooltip(shown) or "")

    def hasHeightForWidth(self) -> bool:
        return self._max_lines is not None

    def heightForWidth(self, width: int) -> int:
        return max(1, len(self._layout(width)[0])) * self.fontMetrics().lineSpacing()

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        width = min(metrics.horizontalAdvance(self._flat), metrics.averageCharWidth() * 60)
        if self._max_lines is None:  # one line; more as the layout gives it room
            return QSize(width, metrics.lineSpacing())
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.averageCharWidth() * 6, metrics.lineSpacing())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tooltip()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        metrics = self.fontMetrics()
        y = metrics.ascent()
        for line in self._layout(self.width())[0]:
            painter.drawText(QPoint(0, y), line)
            y += metrics.lineSpacing()
        painter.end()


def _elided(text: str, more: bool, width: int, metrics: QFontMetrics) -> str:
    """``text`` as the last line shown: elided when it is too wide, and ending in an
    ellipsis anyway when ``more`` text follows it (a line that fits is not all there is)."""
    if not more:
        return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
    ellipsis = "…"
    if metrics.horizontalAdvance(text + ellipsis) <= width:
        return text + ellipsis
    return metrics.elidedText(
        text, Qt.TextElideMode.ElideRight, width - metrics.horizontalAdvance(ellipsis)
    )


def _fitting(text: str, width: int, metrics: QFontMetrics) -> int:
    """How many characters of ``text`` fit in ``width``, cut after a space when one fits
    (a word longer than the line is cut where it overflows). Binary search: log(n) widths."""
    low, high = 1, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if metrics.horizontalAdvance(text[:mid]) <= width:
            low = mid
        else:
            high = mid - 1
    space = text.rfind(" ", 0, low + 1)
    return space + 1 if space > 0 else low
