"""The status bar's link badge: a coloured dot and ``live · last event 3 s ago · 12 ev/s``.

The badge refreshes itself once a second from the last ``ConnectionState`` it was given,
so countdowns and ages stay current between updates. The text is plain (the detail of an
error comes from the network); the dot is painted, not drawn with rich text.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QWidget

from seller_console.domain.connection import ConnectionState, LinkStatus
from seller_console.domain.rundown import format_duration
from seller_console.ui.theme import Tone, tone_color

_TONES = {
    LinkStatus.LIVE: Tone.GOOD,
    LinkStatus.CONNECTING: Tone.WARNING,
    LinkStatus.RECONNECTING: Tone.WARNING,
    LinkStatus.OFFLINE: Tone.BAD,
}
DOT = 10
_PAD = 6


def badge_text(state: ConnectionState, now: datetime) -> str:
    parts = [state.describe(now)]
    if state.detail and state.status in (LinkStatus.RECONNECTING, LinkStatus.OFFLINE):
        parts[0] += f": {state.detail}"
    age = state.event_age(now)
    if age is not None:
        seconds = round(age)
        parts.append(
            f"last event {seconds} s ago"
            if seconds < 60
            else f"last event {format_duration(seconds)} ago"
        )
    if state.status is LinkStatus.LIVE:
        eps = state.events_per_second
        parts.append(f"{eps:.0f} ev/s" if eps >= 1 or eps == 0 else f"{eps:.1f} ev/s")
    return " · ".join(parts)


class ConnectionBadge(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connection_badge")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setContentsMargins(DOT + 2 * _PAD, 0, _PAD, 0)
        self._state = ConnectionState(LinkStatus.CONNECTING)
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self._refresh)
        self._refresh()

    @property
    def state(self) -> ConnectionState:
        return self._state

    def show_state(self, state: ConnectionState, now: datetime | None = None) -> None:
        """Show ``state``; ``now`` fixes the clock (tests), else the wall clock is used."""
        self._state = state
        self._refresh(now)
        if not self._timer.isActive():
            self._timer.start()

    def _refresh(self, now: datetime | None = None) -> None:
        self.setText(badge_text(self._state, now or datetime.now(UTC)))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(tone_color(_TONES[self._state.status], self.palette()))
        center = QPointF(_PAD + DOT / 2, self.height() / 2)
        painter.drawEllipse(center, DOT / 2, DOT / 2)
        painter.end()
