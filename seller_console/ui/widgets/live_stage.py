"""The live stage: the central widget during a show, readable by a host across the room.

It renders a ``StageView`` and nothing else: the big LIVE card (what viewers see now, how
it sells, how long it has been on), the ARMED card (what Space takes next), the show clock
and the take / undo controls. Every decision (what is armed, whether a take may be
undone, when to auto-advance) is the view-model's; the widget only emits what the user
asked for. Keys (Space, arrows, F-keys) belong to the window, not to this widget.

Titles, talking points and the platform's failure text are untrusted: plain-text labels.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QEvent, QLocale, QSignalBlocker, QSize, Qt, QTime, Signal
from PySide6.QtGui import QFont, QPalette, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from seller_console.domain.money import Money
from seller_console.domain.rundown import RundownItem, format_duration
from seller_console.domain.show_records import PinOutcome, PinReceipt
from seller_console.domain.stage import ShowClock
from seller_console.ui.numbers import amount_text, count_text, money_text, stock_text
from seller_console.ui.theme import Tone, is_dark, tone_color
from seller_console.ui.thumbnails import ThumbnailCache
from seller_console.ui.viewmodels.live_state import CardView, FlashSale, StageView
from seller_console.ui.widgets.text import ElidedLabel, plain_label

STAGE_IMAGE = QSize(112, 112)
ARMED_MIN_WIDTH = 180  # the next product stays readable beside the live card
NOTHING_LIVE = "Nothing live yet — arm a product and press Space"
SHOW_ENDED = "Off air: the show has ended"
NOTHING_ARMED = "Nothing armed — pick the next product in the rundown"


def _scaled(widget: QWidget, factor: float, bold: bool = False) -> None:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    widget.setFont(font)


_MUTED = "muted"  # a widget's property: its text is in the palette's placeholder colour


def _muted(widget: QWidget) -> None:
    widget.setProperty(_MUTED, True)
    pal = widget.palette()
    pal.setColor(QPalette.ColorRole.WindowText, pal.color(QPalette.ColorRole.PlaceholderText))
    widget.setPalette(pal)


def _colour(label: QWidget, tone: Tone | None) -> None:
    """A tone for the label's text, or back to the palette's text colour."""
    _style(label, "" if tone is None else f"color: {tone_color(tone).name()};")


def _style(widget: QWidget, sheet: str) -> None:
    """Set a style sheet only when it changes: each set re-polishes the widget."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


def _money(value: Money | None, empty: str = "—") -> str:
    return money_text(value) if value is not None else empty


def _stock(card: CardView) -> tuple[str, Tone | None]:
    """What is left, and whose figure it is when the platform's (the words first: a
    narrow card elides the end)."""
    left = card.stock_left
    if left is None:
        return "not tracked", None
    return stock_text(left, card.stock_from), Tone.BAD if left == 0 else None


def receipt_text(
    receipt: PinReceipt | None, operator_cued: bool = False
) -> tuple[str, Tone | None]:
    """``sending…``, ``confirmed in 84 ms``, ``pinned by you`` (the operator pinned it in
    the platform's app and pressed Space) or ``pin failed`` (the reason is shown on its
    own lines: it is the platform's text, of any length). While the operator is cued
    nothing is being sent: it says what the producer has to do, as the cue does."""
    if receipt is None:
        return "", None
    if receipt.outcome is PinOutcome.SENT:
        return ("pin it in the app, then Space" if operator_cued else "sending…"), Tone.WARNING
    if receipt.outcome is PinOutcome.CONFIRMED:
        latency = receipt.latency_ms
        return ("confirmed" if latency is None else f"confirmed in {latency:.0f} ms"), Tone.GOOD
    if receipt.outcome is PinOutcome.PERFORMED:
        return "pinned by you", Tone.GOOD
    return "pin failed", Tone.BAD


def failure_text(receipt: PinReceipt | None, refused: str | None = None, problem: str = "") -> str:
    """Why the pin failed, in a host's words when the cause is known (the platform refused
    the product at Go live: ``refused`` is its reason; ``problem``: the session's words),
    else in the platform's; empty unless it failed."""
    if receipt is None or receipt.outcome is not PinOutcome.FAILED:
        return ""
    if refused is not None:
        return (
            "Not in the show's bag: the platform refused this product at Go live "
            f"({refused}), so viewers cannot buy it. Take another product."
        )
    return problem or f"The platform said: {receipt.failure or 'no reason given'}"


def signed_duration(seconds: float) -> str:
    """``+1:30`` over, ``-0:45`` under, ``0:00`` on time."""
    whole = round(seconds)
    return f"+{format_duration(whole)}" if whole > 0 else format_duration(whole)


class _Stat(QWidget):
    """A small caption over a big value. ``elide``: the value is never wider than its
    column (a big sale elides, whole in the tooltip, rather than push the armed card off
    a small screen)."""

    def __init__(self, caption: str, factor: float, elide: bool = False) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.caption = QLabel(caption.upper())
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setWordWrap(True)  # a long caption wraps, never widens the card
        _scaled(self.caption, 0.9, bold=True)
        _muted(self.caption)
        self.value: QLabel | ElidedLabel = ElidedLabel() if elide else plain_label()
        _scaled(self.value, factor, bold=True)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)


def _points_area(factor: float) -> tuple[QLabel, ElidedLabel]:
    """A caption and the talking points: as many whole lines as the card has room for, the
    last one elided (a host does not scroll; the whole text is in the tooltip)."""
    caption = QLabel("TALKING POINTS")
    caption.setTextFormat(Qt.TextFormat.PlainText)
    _scaled(caption, 0.9, bold=True)
    _muted(caption)
    points = ElidedLabel(max_lines=None, keep_breaks=True)
    points.setObjectName("talking_points")
    _scaled(points, factor)
    return caption, points


class _Image(QLabel):
    def __init__(self) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setFixedSize(STAGE_IMAGE)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)


class LiveStageWidget(QWidget):
    take_requested = Signal()
    undo_requested = Signal()
    retry_requested = Signal()
    auto_advance_toggled = Signal(bool)

    def __init__(self, images: ThumbnailCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("live_stage")
        self._images = images
        self._view: StageView | None = None
        self._now = datetime.now(UTC)
        root = QVBoxLayout(self)
        root.setContentsMargins(16, 12, 16, 12)
        root.setSpacing(12)
        root.addWidget(self._build_clock())
        # The cards scroll rather than push the window past a small screen: the clock and
        # Take stay in view whatever the cards hold. In a window maximised on a 1366x768
        # screen they fit unscrolled (a host does not scroll): the talking points take the
        # room left, in whole lines (tests/ui/test_live_layout.py holds this).
        cards_body = QWidget()
        cards = QHBoxLayout(cards_body)
        cards.setContentsMargins(0, 0, 0, 0)
        cards.setSpacing(14)
        cards.addWidget(self._build_live(), 3)
        cards.addWidget(self._build_armed(), 2)
        self.cards_area = QScrollArea()
        self.cards_area.setObjectName("stage_cards")
        self.cards_area.setWidgetResizable(True)
        self.cards_area.setFrameShape(QFrame.Shape.NoFrame)
        self.cards_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.cards_area.setWidget(cards_body)
        self.cards_area.viewport().setAutoFillBackground(False)
        cards_body.setAutoFillBackground(False)
        root.addWidget(self.cards_area, 1)
        root.addLayout(self._build_controls())
        images.loaded.connect(self._refresh_images)
        self._show_clock(ShowClock(0.0, 0.0, 0.0, 0.0, 0.0), "not started")
        self._show_live(None)
        self._show_armed(None)
        self.undo_button.hide()
        self.take_button.setEnabled(False)
        self._paint_cards()

    # ----------------------------------------------------------------- building
    def _build_clock(self) -> QWidget:
        strip = QFrame()
        strip.setObjectName("show_clock")
        strip.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(strip)
        layout.setContentsMargins(14, 6, 14, 6)
        layout.setSpacing(28)
        self.status = plain_label()
        self.status.setObjectName("show_status")
        _scaled(self.status, 1.5, bold=True)
        self.elapsed = _Stat("Show elapsed", 1.7)
        self.over_under = _Stat("Against plan", 1.7)
        self.projected_end = _Stat("Projected end", 1.7)
        layout.addWidget(self.status)
        for stat in (self.elapsed, self.over_under, self.projected_end):
            layout.addWidget(stat)
        layout.addStretch(1)
        return strip

    def _build_live(self) -> QWidget:
        card = QFrame()
        card.setObjectName("live_card")
        self._live_card = card
        layout = QVBoxLayout(card)
        # tight enough that the card, with two lines of talking points, fits unscrolled
        # in a window maximised on a 1366x768 screen (under a title bar)
        layout.setContentsMargins(16, 10, 16, 12)
        layout.setSpacing(6)
        head = QHBoxLayout()
        self.live_tag = plain_label()
        self.live_tag.setObjectName("live_tag")
        _scaled(self.live_tag, 1.3, bold=True)
        head.addWidget(self.live_tag)
        head.addStretch(1)
        self.receipt = plain_label()
        self.receipt.setObjectName("pin_receipt")
        _scaled(self.receipt, 1.1, bold=True)
        self.retry_button = QPushButton("Retry pin")
        self.retry_button.setObjectName("retry_pin")
        self.retry_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.retry_button.clicked.connect(lambda: self.retry_requested.emit())
        head.addWidget(self.receipt)
        head.addWidget(self.retry_button)
        layout.addLayout(head)
        # The platform's reason, of any length: two lines at most, the rest in the tooltip.
        self.pin_failure = ElidedLabel(max_lines=2)
        self.pin_failure.setObjectName("pin_failure")
        _scaled(self.pin_failure, 1.05)
        _colour(self.pin_failure, Tone.BAD)
        layout.addWidget(self.pin_failure)

        body = QHBoxLayout()
        body.setSpacing(18)
        self.live_image = _Image()
        body.addWidget(self.live_image, 0, Qt.AlignmentFlag.AlignTop)
        facts = QVBoxLayout()
        facts.setSpacing(4)
        # Titles wrap to two lines and elide (full text in the tooltip): a long title never
        # widens the window; the variant (the size a viewer asks about) has its own line.
        self.live_title = ElidedLabel(max_lines=2)
        self.live_title.setObjectName("live_title")
        _scaled(self.live_title, 1.9, bold=True)
        self.live_variant = ElidedLabel()
        self.live_variant.setObjectName("live_variant")
        _scaled(self.live_variant, 1.6, bold=True)
        self.live_price = ElidedLabel()
        self.live_price.setObjectName("live_price")
        _scaled(self.live_price, 1.9)
        # During a flash sale: the usual price crossed out beside the flash price, and the
        # sale's countdown (drawn from its end at every frame; "Flash sale over" after it).
        self.live_was = plain_label()  # a price: short, always whole
        self.live_was.setObjectName("live_was")
        _scaled(self.live_was, 1.3)
        _muted(self.live_was)
        was_font = QFont(self.live_was.font())
        was_font.setStrikeOut(True)
        self.live_was.setFont(was_font)
        self.live_flash = ElidedLabel()
        self.live_flash.setObjectName("live_flash")
        _scaled(self.live_flash, 1.3, bold=True)
        self.live_brand = ElidedLabel()
        _scaled(self.live_brand, 1.2)
        _muted(self.live_brand)
        facts.addWidget(self.live_title)
        facts.addWidget(self.live_variant)
        facts.addWidget(self.live_brand)
        facts.addSpacing(6)
        facts.addWidget(self.live_price)
        facts.addStretch(1)
        body.addLayout(facts, 1)
        layout.addLayout(body)
        # the card's whole width: the countdown and the usual price stay whole on a laptop
        flash_row = QHBoxLayout()
        flash_row.setSpacing(14)
        flash_row.addWidget(self.live_flash, 1)
        flash_row.addWidget(self.live_was)
        layout.addLayout(flash_row)

        stats = QGridLayout()
        stats.setHorizontalSpacing(18)
        stats.setContentsMargins(0, 2, 0, 0)
        self.sales = _Stat("Units · GMV this pin", 1.55, elide=True)
        self.commission = _Stat("Commission est.", 1.55, elide=True)
        self.stock_left = _Stat("Stock", 1.55, elide=True)
        self.on_air = _Stat("On air / plan", 1.55, elide=True)
        stats.setVerticalSpacing(6)
        # Two by two: the host reads sales and time first; the card stays narrow enough
        # to leave the side panels their room on a laptop screen.
        stats.addWidget(self.sales, 0, 0)
        stats.addWidget(self.on_air, 0, 1)
        stats.addWidget(self.stock_left, 1, 0)
        stats.addWidget(self.commission, 1, 1)
        stats.setColumnStretch(0, 3)
        stats.setColumnStretch(1, 2)
        # time on air is never elided: the sales column gives way first (with a tooltip)
        time_width = self.on_air.value.fontMetrics().horizontalAdvance("00:00 / 00:00")
        stats.setColumnMinimumWidth(1, time_width)
        layout.addLayout(stats)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(rule)
        self.live_points_caption, self.live_points = _points_area(1.3)
        self.live_points.setObjectName("live_talking_points")
        layout.addWidget(self.live_points_caption)
        layout.addWidget(self.live_points, 1)
        self.live_empty = plain_label(NOTHING_LIVE, wrap=True)
        self.live_empty.setObjectName("live_empty")
        self.live_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        _scaled(self.live_empty, 1.6)
        _muted(self.live_empty)
        layout.addWidget(self.live_empty, 1)
        self._live_parts: list[QWidget] = [
            self.live_image,
            self.live_title,
            self.live_variant,
            self.live_brand,
            self.live_price,
            self.sales,
            self.commission,
            self.stock_left,
            self.on_air,
            rule,
            self.live_points_caption,
            self.live_points,
        ]
        return card

    def _build_armed(self) -> QWidget:
        card = QFrame()
        card.setObjectName("armed_card")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMinimumWidth(ARMED_MIN_WIDTH)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(18, 16, 18, 16)
        layout.setSpacing(8)
        tag = ElidedLabel()
        tag.setText("ARMED · SPACE TAKES")
        _scaled(tag, 1.1, bold=True)
        _muted(tag)
        layout.addWidget(tag)
        self.armed_title = ElidedLabel(max_lines=2)
        self.armed_title.setObjectName("armed_title")
        _scaled(self.armed_title, 1.6, bold=True)
        layout.addWidget(self.armed_title)
        row = QHBoxLayout()
        row.setSpacing(12)
        self.armed_image = _Image()
        self.armed_image.setFixedSize(STAGE_IMAGE / 2)
        row.addWidget(self.armed_image, 0, Qt.AlignmentFlag.AlignTop)
        self.armed_facts = plain_label(wrap=True)
        self.armed_facts.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.armed_facts.setObjectName("armed_facts")
        self.armed_facts.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        _scaled(self.armed_facts, 1.25)
        row.addWidget(self.armed_facts, 1)
        layout.addLayout(row)
        self.points_caption, self.talking_points = _points_area(1.15)
        layout.addWidget(self.points_caption)
        layout.addWidget(self.talking_points, 1)
        self.armed_empty = plain_label(NOTHING_ARMED, wrap=True)
        self.armed_empty.setObjectName("armed_empty")
        self.armed_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        _scaled(self.armed_empty, 1.3)
        _muted(self.armed_empty)
        layout.addWidget(self.armed_empty, 1)
        self._armed_parts: list[QWidget] = [
            self.armed_title,
            self.armed_image,
            self.armed_facts,
            self.points_caption,
            self.talking_points,
        ]
        return card

    def _build_controls(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(12)
        self.undo_button = QPushButton()
        self.undo_button.setObjectName("undo_take")
        self.undo_button.clicked.connect(lambda: self.undo_requested.emit())
        self.auto_advance = QCheckBox("Auto-advance on sell-out")
        self.auto_advance.setObjectName("auto_advance")
        self.auto_advance.toggled.connect(self.auto_advance_toggled)
        self.take_button = QPushButton("Take (Space)")
        self.take_button.setObjectName("take")
        self.take_button.clicked.connect(lambda: self.take_requested.emit())
        self.take_button.setMinimumSize(220, 46)
        self.take_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.undo_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.auto_advance.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        _scaled(self.take_button, 1.5, bold=True)
        _scaled(self.undo_button, 1.2)
        _scaled(self.auto_advance, 1.1)
        self.undo_button.setMinimumHeight(46)
        row.addWidget(self.undo_button)
        row.addWidget(self.auto_advance)
        row.addStretch(1)
        row.addWidget(self.take_button)
        return row

    # ----------------------------------------------------------------- rendering
    def show_stage(self, view: StageView) -> None:
        self._view = view
        self._now = view.now
        self._show_clock(view.clock, view.show_status)
        self._show_live(view.live, view.live_refused)
        self._show_armed(view.armed)
        undo = view.undo_seconds_left > 0
        self.undo_button.setVisible(undo)
        if undo:
            self.undo_button.setText(f"Undo take ({math.ceil(view.undo_seconds_left)} s)")
        with QSignalBlocker(self.auto_advance):
            self.auto_advance.setChecked(view.auto_advance)
        self.take_button.setEnabled(view.armed is not None and view.show_status == "live")
        self._paint_cards()
        self._refresh_images()

    def _show_clock(self, clock: ShowClock, status: str) -> None:
        self.status.setText(status.upper())
        _colour(self.status, Tone.ON_AIR if status == "live" else None)
        self.elapsed.value.setText(format_duration(round(clock.elapsed)))
        over = round(clock.over_under)
        self.over_under.value.setText(
            "on time" if over == 0 else f"{signed_duration(over)} {'over' if over > 0 else 'under'}"
        )
        _colour(
            self.over_under.value, None if over == 0 else Tone.WARNING if over > 0 else Tone.GOOD
        )
        # when the show ends if the rest runs to plan, as a time of day (a length read
        # like a clock time on air); the length is in the tooltip
        length = format_duration(round(clock.projected_end))
        if status == "live":
            ends = self._now + timedelta(seconds=clock.projected_end - clock.elapsed)
            local = ends.astimezone()
            clock_time = QTime(local.hour, local.minute)
            self.projected_end.value.setText(
                QLocale().toString(clock_time, QLocale.FormatType.ShortFormat)
            )
            self.projected_end.setToolTip(f"The show runs {length} in all if the rest runs to plan")
        else:
            self.projected_end.value.setText("—")
            self.projected_end.setToolTip("")

    def _show_live(self, card: CardView | None, refused: str | None = None) -> None:
        for part in self._live_parts:
            part.setVisible(card is not None)
        self.live_empty.setVisible(card is None)
        ended = self._view is not None and self._view.show_status == "ended"
        self.live_empty.setText(SHOW_ENDED if ended else NOTHING_LIVE)
        self.retry_button.setVisible(
            card is not None
            and card.receipt is not None
            and card.receipt.outcome is PinOutcome.FAILED
        )
        if card is None:
            self.live_tag.setText("● OFF AIR")
            _colour(self.live_tag, None)
            self.receipt.setText("")
            self.pin_failure.hide()
            self.live_was.hide()
            self.live_flash.hide()
            return
        item = card.item
        self.live_tag.setText(f"● ON AIR  #{card.number}")
        _colour(self.live_tag, Tone.ON_AIR)
        text, tone = receipt_text(card.receipt, self._view is not None and self._view.operator_cued)
        self.receipt.setText(text)
        _colour(self.receipt, tone)
        failure = failure_text(card.receipt, refused, card.pin_problem)
        self.pin_failure.setText(failure)
        self.pin_failure.setVisible(bool(failure))
        self.live_title.setText(item.product.title)
        self.live_variant.setText(item.product.variant_title)
        self.live_variant.setVisible(bool(item.product.variant_title))
        self.live_brand.setText(item.product.brand)
        self._show_flash(item, self._view.flash if self._view is not None else None)
        # the currency goes in the caption, so units and GMV stay whole on a laptop card;
        # no GMV with units sold: the platform reports the product's units only
        gmv = card.gmv
        whole = ", WHOLE SHOP" if card.shop_wide else ""  # never shown as the product's
        self.sales.caption.setText(f"UNITS · {gmv.currency.code if gmv else 'GMV'} THIS PIN{whole}")
        amount = amount_text(gmv) if gmv is not None else "0" if card.units == 0 else "—"
        self.sales.value.setText(f"{count_text(card.units)} · {amount}")
        self.sales.value.setToolTip(f"{count_text(card.units)} units · {_money(gmv, amount)}")
        self.commission.value.setText(_money(card.commission))
        stock, stock_tone = _stock(card)
        self.stock_left.value.setText(stock)
        _colour(self.stock_left.value, stock_tone)
        on_air = round(card.on_air_seconds(self._now) or 0.0)
        self.live_points_caption.setVisible(bool(item.talking_points))
        self.live_points.setText(item.talking_points)
        self.on_air.value.setText(
            f"{format_duration(on_air)} / {format_duration(item.planned_seconds)}"
        )
        _colour(self.on_air.value, Tone.WARNING if on_air > item.planned_seconds else None)

    def _show_flash(self, item: RundownItem, flash: FlashSale | None) -> None:
        """The live price; during ``flash`` (the live item's sale) its price with the usual
        one crossed out and the time left to ``self._now``; after it, "Flash sale over"."""
        left = None if flash is None else (flash.ends_at - self._now).total_seconds()
        running = flash is not None and left is not None and left > 0
        self.live_price.setText(money_text(flash.price) if running and flash else _price(item))
        usual = item.price
        self.live_was.setText(money_text(usual) if running and usual is not None else "")
        self.live_was.setVisible(running and usual is not None)
        self.live_flash.setVisible(flash is not None)
        if left is None:
            self.live_flash.setText("")
        elif left > 0:
            self.live_flash.setText(f"FLASH SALE {format_duration(math.ceil(left))}")
            _colour(self.live_flash, Tone.ON_AIR)
        else:
            self.live_flash.setText("Flash sale over")
            _colour(self.live_flash, None)

    def _show_armed(self, card: CardView | None) -> None:
        for part in self._armed_parts:
            part.setVisible(card is not None)
        self.armed_empty.setVisible(card is None)
        if card is None:
            self.armed_title.setText("")
            return
        item = card.item
        self.armed_title.setText(f"#{card.number} {item.product.title}")
        stock, _ = _stock(card)
        variant = f"{item.product.variant_title}\n" if item.product.variant_title else ""
        self.armed_facts.setText(
            f"{variant}{_price(item)}\nStock: {stock}\n"
            f"Planned {format_duration(item.planned_seconds)}"
        )
        self.points_caption.setVisible(bool(item.talking_points))
        self.talking_points.setText(item.talking_points)

    def _paint_cards(self) -> None:
        """The live card's accent border; stylesheets follow the palette (see changeEvent)."""
        base = self.palette().color(QPalette.ColorRole.Base).name()
        live = self._view is not None and self._view.live is not None
        border = tone_color(Tone.ON_AIR, self.palette()).name() if live else "palette(mid)"
        _style(
            self._live_card,
            f"QFrame#live_card {{ border: {3 if live else 2}px solid {border};"
            f" border-radius: 12px; background: {base}; }}",
        )
        take = tone_color(Tone.ON_AIR, self.palette())
        text = "#ffffff" if not is_dark(self.palette()) else "#1b1b1b"
        # off: an ordinary disabled button of this palette (its Mid is not ours to rely on:
        # Qt's default, light grey, stood out as the brightest thing on a dark stage)
        off = self.palette().color(QPalette.ColorRole.Button).name()
        off_text = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
        _style(
            self.take_button,
            f"QPushButton#take {{ background: {take.name()}; color: {text};"
            " border-radius: 8px; padding: 8px 22px; }"
            f" QPushButton#take:disabled {{ background: {off}; color: {off_text.name()}; }}",
        )

    def _refresh_images(self) -> None:
        view = self._view
        for label, card in (
            (self.live_image, view.live if view else None),
            (self.armed_image, view.armed if view else None),
        ):
            url = card.item.product.image_url if card is not None else ""
            image = self._images.image(url) if url else None
            label.setPixmap(
                QPixmap.fromImage(image).scaled(
                    label.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
                if image is not None
                else QPixmap()
            )

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() != QEvent.Type.PaletteChange:
            return
        for widget in self.findChildren(QWidget):  # muted text in the new palette's colour
            if widget.property(_MUTED):
                _muted(widget)
        if self._view is not None:
            self.show_stage(self._view)


def _price(item: RundownItem) -> str:
    price = item.price
    if price is None:
        return "no price"
    catalog = item.product.price
    if item.live_price is not None and catalog is not None and catalog != price:
        return f"{money_text(price)}  (was {money_text(catalog)})"
    return money_text(price)
