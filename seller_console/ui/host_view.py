"""The host view: a second window for the host's monitor, readable from two metres.

It shows what is on air in big type, the segment's time left (amber when closing, red
and counting up in overtime), the talking points, units sold in this pin, stock, next up
and optionally the latest comments. It renders ``OnAirState`` snapshots (``on_state``)
and decides nothing: the segment rule is ``domain.on_air.segment_phase``. Keys pressed
here are forwarded by ``key_pressed`` for the app to wire to the live actions.
Every text is plain text.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QHideEvent,
    QKeyEvent,
    QResizeEvent,
    QScreen,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from seller_console.domain.on_air import OnAirCard, OnAirState, SegmentPhase, segment_phase
from seller_console.domain.rundown import format_duration
from seller_console.ui.numbers import money_text

TICK_MS = 200
BACKGROUND = "#0b0d12"
TEXT = "#f5f6f8"
MUTED = "#aab0bc"
PHASE_COLORS = {
    SegmentPhase.ON_TIME: "#f5f6f8",
    SegmentPhase.CLOSING: "#ffb020",
    SegmentPhase.OVER: "#ff4d4d",
}
ACCENT = "#ff5c8a"
CLOCK_ROOM = "+00:00"  # the clock's widest text below an hour (digits are equally wide)
ELLIPSIS = "…"

# Font sizes as fractions of the window's height: at 1080 px the title is ~98 px and the
# talking points ~49 px; at 768 px, 70 and 35.
_SIZES = {
    "title": 1 / 11,
    "timer": 1 / 7,
    "price": 1 / 13,
    "variant": 1 / 20,
    "was": 1 / 20,
    "points": 1 / 22,
    "label": 1 / 30,
    "value": 1 / 11,
    "side": 1 / 24,
    "comments": 1 / 30,
}
NO_COMMENTS = "None yet"  # under "Latest comments" while there are none


def _now() -> datetime:
    return datetime.now(UTC)


class HostView(QWidget):
    """``on_state`` (on the GUI thread) renders a snapshot; ``show_on(screen)`` goes full
    screen there."""

    key_pressed = Signal(int, int)  # Qt key, keyboard modifiers (as int)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        show_comments: bool = True,
        now: Callable[[], datetime] = _now,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Seller Console — host view")
        self.setObjectName("HostView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet(
            f"#HostView {{ background: {BACKGROUND}; }} QLabel {{ color: {TEXT}; }}"
            f" QLabel[role='muted'] {{ color: {MUTED}; }}"
            f" QLabel[role='accent'] {{ color: {ACCENT}; }}"
            f" QFrame#Rule {{ background: #2a2f3a; }}"
        )
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._now = now
        self._state: OnAirState | None = None
        self._show_comments = show_comments
        self._comments: tuple[str, ...] = ()
        self._labels: dict[str, tuple[QLabel, str]] = {}
        self._sized_for = 0

        self.status = self._label("label", "accent")
        self.timer_label = self._label("timer")
        self.timer_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.title = self._label("title", wrap=True)
        self.variant = self._label("variant", "muted", wrap=True)
        self.price = self._label("price")
        self.was = self._label("was", "muted")
        self.flash = self._label("side", "accent")
        self.flash.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.points = self._label("points", wrap=True)
        self.points.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.sold_caption = self._label("label", "muted")
        self.sold_caption.setText("Sold this pin")
        self.sold = self._label("value")
        self.stock = self._label("side", wrap=True)
        self.next_caption = self._label("label", "muted")
        self.next_caption.setText("Next up")
        self.next_up = self._label("side", wrap=True)
        self.comments_caption = self._label("label", "muted")
        self.comments_caption.setText("Latest comments")
        self.comments = self._label("comments", "muted", wrap=True)
        self.comments.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # its size is what the side column leaves; the comments shown are fitted to it
        self.comments.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.comments.installEventFilter(self)

        top = QGridLayout()
        top.setHorizontalSpacing(48)
        top.addWidget(self.status, 0, 0)
        top.addWidget(self.title, 1, 0)
        top.addWidget(self.variant, 2, 0)
        prices = QHBoxLayout()
        prices.setSpacing(32)
        prices.addWidget(self.price)
        prices.addWidget(self.was, 1, Qt.AlignmentFlag.AlignBaseline)
        top.addLayout(prices, 3, 0)
        top.addWidget(self.timer_label, 0, 1, 3, 1)
        top.addWidget(self.flash, 3, 1)
        top.setColumnStretch(0, 3)
        top.setColumnStretch(1, 1)

        rule = QFrame()
        rule.setObjectName("Rule")
        rule.setFixedHeight(3)

        side = QVBoxLayout()
        for widget in (self.sold_caption, self.sold, self.stock):
            side.addWidget(widget)
        side.addSpacing(24)
        side.addWidget(self.next_caption)
        side.addWidget(self.next_up)
        side.addSpacing(24)
        side.addWidget(self.comments_caption)
        side.addWidget(self.comments, 1)

        root = self._root = QGridLayout(self)
        root.setContentsMargins(48, 32, 48, 32)
        root.setHorizontalSpacing(48)
        root.addLayout(top, 0, 0, 1, 2)
        root.addWidget(rule, 1, 0, 1, 2)
        root.addWidget(self.points, 2, 0)
        root.addLayout(side, 2, 1)
        root.setColumnStretch(0, 3)
        root.setColumnStretch(1, 2)
        root.setRowStretch(2, 1)

        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self.tick)
        self._apply_sizes()
        self._render()

    # ------------------------------------------------------------------ public
    def on_state(self, state: OnAirState) -> None:
        """Shows ``state``; an older version than the one shown is ignored."""
        if self._state is not None and state.version <= self._state.version:
            return
        self._state = state
        self._render()

    def show_on(self, screen: QScreen) -> None:
        """Full screen on ``screen`` (the host's monitor)."""
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.showFullScreen()

    def tick(self) -> None:
        """Redraws the clocks (the segment's time left, a flash sale's countdown)."""
        live = self._state.live if self._state is not None else None
        now = self._now()
        remaining = live.segment_remaining(now) if live is not None else None
        if live is None or remaining is None:
            self.timer_label.setText("")
            return
        phase = segment_phase(remaining, live.planned_seconds)
        if remaining >= 0:  # counts down to 0:00, then up: +0:12 over
            text = format_duration(math.ceil(remaining))
        else:
            text = "+" + format_duration(math.floor(-remaining))
        self.timer_label.setText(text)
        self._make_room(text)
        if self.timer_label.property("phase") != phase.value:
            self.timer_label.setProperty("phase", phase.value)
            self.timer_label.setStyleSheet(f"color: {PHASE_COLORS[phase]};")
        flash = live.flash_remaining(now)
        if flash is None:
            self.flash.setText("")
        elif flash > 0:
            self.flash.setText(f"Flash sale {format_duration(math.ceil(flash))}")
        else:
            self.flash.setText("Flash sale over")

    # ------------------------------------------------------------------ Qt
    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.key_pressed.emit(int(event.key()), int(event.modifiers().value))
        event.accept()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.tick()
        self._ticker.start()  # the clocks run only while the window is shown

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._ticker.stop()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_sizes()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.comments and event.type() == QEvent.Type.Resize:
            self._fit_comments()  # the space left changed (a resize, a longer next up)
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ drawing
    def _label(self, size: str, role: str = "", *, wrap: bool = False) -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setMinimumWidth(1)  # a long text is wrapped or cut, never widens the window
        label.setWordWrap(wrap)
        if role:
            label.setProperty("role", role)
        self._labels[f"{size}:{id(label)}"] = (label, size)
        return label

    def _apply_sizes(self) -> None:
        height = max(self.height(), 300)
        if height == self._sized_for:
            return
        self._sized_for = height
        for label, size in self._labels.values():
            font = QFont(label.font())
            font.setPixelSize(max(12, round(height * _SIZES[size])))
            font.setBold(size in ("title", "timer", "price", "value"))
            font.setStrikeOut(size == "was")
            label.setFont(font)
        self.timer_label.setMinimumWidth(1)
        self._make_room(CLOCK_ROOM)
        self._root.invalidate()
        self._root.activate()

    def _make_room(self, text: str) -> None:
        """The clock is never narrower than ``text``: right-aligned in a narrower label, its
        left (the overtime's "+") would be cut, a half "+" reading as "-" or "L"."""
        needed = QFontMetrics(self.timer_label.font()).horizontalAdvance(text) + 8
        if needed > self.timer_label.minimumWidth():
            self.timer_label.setMinimumWidth(needed)

    def _fit_comments(self) -> None:
        """The newest comments that fit whole in the space left (the oldest give way);
        the newest alone, when too long, is cut with an ellipsis. No line is cut in half."""
        comments = self._comments
        box = self.comments.contentsRect()
        if not comments:  # said, so the heading never stands over nothing
            self.comments.setText(NO_COMMENTS)
            return
        if box.width() <= 1 or box.height() <= 1:
            self.comments.setText("\n".join(comments))
            return
        metrics = QFontMetrics(self.comments.font())

        def height(text: str) -> int:
            bounds = QRect(0, 0, box.width(), 1 << 20)
            flags = int(Qt.TextFlag.TextWordWrap.value)
            return metrics.boundingRect(bounds, flags, text).height()

        shown: list[str] = []
        for comment in reversed(comments):  # the newest first
            if height("\n".join([comment, *shown])) > box.height():
                break
            shown.insert(0, comment)
        if not shown:  # the newest alone is too long: as much of it as fits
            newest = comments[-1]
            low, high = 0, len(newest)
            while low < high:
                middle = (low + high + 1) // 2
                if height(newest[:middle].rstrip() + ELLIPSIS) <= box.height():
                    low = middle
                else:
                    high = middle - 1
            shown = [newest[:low].rstrip() + ELLIPSIS] if low else []
        self.comments.setText("\n".join(shown))

    def _render(self) -> None:
        state = self._state
        live = state.live if state is not None else None
        self.status.setText("ON AIR" if live is not None else "Nothing on air")
        self.title.setText(live.title if live is not None else "")
        self.variant.setText(live.variant_title if live is not None else "")
        self.price.setText(money_text(live.price) if live and live.price else "")
        self.was.setText(money_text(live.compare_at) if live and live.compare_at else "")
        self.points.setText("\n".join(f"• {p}" for p in live.talking_points) if live else "")
        self.sold.setText(str(live.units_sold) if live is not None else "—")
        shop_wide = live is not None and live.units_shop_wide
        self.sold_caption.setText("Sold this pin, whole shop" if shop_wide else "Sold this pin")
        self.stock.setText(_stock_line(live))
        next_up = state.next_up if state is not None else None
        self.next_up.setText(next_up.display_title if next_up is not None else "—")
        self._comments = state.comments if state is not None and self._show_comments else ()
        self.comments_caption.setVisible(self._show_comments)
        self.comments.setVisible(self._show_comments)
        self._fit_comments()
        self.tick()


def _stock_line(card: OnAirCard | None) -> str:
    if card is None or card.stock_left is None:
        return ""
    if card.stock_at_start:
        return f"Stock left {card.stock_left} of {card.stock_at_start}"
    return f"Stock left {card.stock_left}"
