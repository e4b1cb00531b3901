"""The host view: what the host reads from two metres, and keys that still work from it."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QLabel

from seller_console.domain.on_air import OnAirSubscriber, SegmentPhase
from seller_console.ui.host_view import NO_COMMENTS, PHASE_COLORS, HostView
from tests.broadcast.shows import BOARD, FLASH_SERUM, KNIFE, SERUM, T0, item, state
from tests.support import REPO_ROOT

SAVE_DOCS = os.environ.get("SELLER_CONSOLE_DOCS_SCREENSHOTS") == "1"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def view(qtbot, clock: Clock) -> HostView:
    widget = HostView(now=clock)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    return widget


def test_it_shows_the_product_on_air_in_plain_text(view: HostView) -> None:
    assert view.status.text() == "Nothing on air"
    view.on_state(state(0, SERUM, KNIFE))
    assert view.comments.text() == NO_COMMENTS  # the heading never stands over nothing
    view.on_state(
        state(1, SERUM, KNIFE, stock_left=31, units_sold=19, comments=("<b>love it</b>", "size?"))
    )
    assert view.status.text() == "ON AIR"
    assert view.title.text() == "Bakuchiol Night Serum"
    assert view.variant.text() == "30 ml"
    assert view.price.text() == "24.90 EUR"
    assert view.was.text() == "34.00 EUR"
    assert view.was.font().strikeOut()
    assert view.points.text() == (
        "• Gentle retinol alternative\n• Safe in pregnancy\n• Use 3 drops at night"
    )
    assert view.sold.text() == "19"
    assert view.stock.text() == "Stock left 31 of 50"
    assert view.next_up.text() == "8-inch Chef's Knife"
    assert view.comments.text() == "<b>love it</b>\nsize?"
    for label in view.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText


def test_an_older_state_does_not_replace_a_newer_one(view: HostView) -> None:
    subscriber: OnAirSubscriber = view  # one interface for every output (mypy checks)
    subscriber.on_state(state(2, KNIFE))
    subscriber.on_state(state(1, SERUM))
    assert view.title.text() == "8-inch Chef's Knife"
    view.on_state(state(3, None, BOARD))
    assert view.status.text() == "Nothing on air"
    assert view.title.text() == ""
    assert view.timer_label.text() == ""


def test_the_segment_clock_turns_amber_then_red(view: HostView, clock: Clock) -> None:
    view.on_state(state(1, SERUM, taken_at=T0))  # two minutes planned
    clock.advance(30)
    view.tick()
    assert view.timer_label.text() == "1:30"
    assert view.timer_label.property("phase") == SegmentPhase.ON_TIME.value
    clock.advance(65)
    view.tick()
    assert view.timer_label.text() == "0:25"
    assert view.timer_label.property("phase") == SegmentPhase.CLOSING.value
    clock.advance(37.5)
    view.tick()
    assert view.timer_label.text() == "+0:12"
    assert view.timer_label.property("phase") == SegmentPhase.OVER.value
    assert PHASE_COLORS[SegmentPhase.OVER] in view.timer_label.styleSheet()


def test_a_flash_sale_counts_down_from_its_end(view: HostView, clock: Clock) -> None:
    view.on_state(state(1, KNIFE, taken_at=T0, flash_seconds=90))
    clock.advance(10.2)
    view.tick()
    assert view.flash.text() == "Flash sale 1:20"
    clock.advance(80)
    view.tick()
    assert view.flash.text() == "Flash sale over"


def test_keys_are_forwarded(qtbot, view: HostView) -> None:
    view.show()
    pressed: list[tuple[int, int]] = []
    view.key_pressed.connect(lambda key, mods: pressed.append((key, mods)))
    qtbot.keyClick(view, Qt.Key.Key_Space)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    ctrl = int(Qt.KeyboardModifier.ControlModifier.value)
    assert (int(Qt.Key.Key_Space), 0) in pressed
    assert (int(Qt.Key.Key_Right), 0) in pressed
    assert (int(Qt.Key.Key_U), ctrl) in pressed


def test_it_goes_full_screen_on_the_chosen_screen(qtbot, view: HostView) -> None:
    screen = QGuiApplication.screens()[-1]
    view.show_on(screen)
    qtbot.waitUntil(view.isVisible)
    assert view.screen() is screen
    assert view.isFullScreen()


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_screenshot_big_type_and_contrast(
    qtbot, view: HostView, clock: Clock, tmp_path: Path, size: tuple[int, int]
) -> None:
    width, height = size
    view.resize(width, height)
    view.on_state(
        state(
            4,
            FLASH_SERUM,
            KNIFE,
            taken_at=T0,
            stock_left=31,
            units_sold=19,
            flash_seconds=300,
            comments=("Does it smell?", "Ordered two!", "Is it OK for sensitive skin?"),
        )
    )
    clock.advance(100)  # 20 s left of 2 minutes: amber
    view.tick()
    view.show()
    qtbot.waitExposed(view)
    image = view.grab().toImage()
    assert (image.width(), image.height()) == size
    # Readable from two metres: the title at least a tenth of the height tall ...
    assert view.title.font().pixelSize() >= height / 12
    assert view.points.font().pixelSize() >= 34
    # ... light on a dark background, and the clock in amber.
    assert QColor(image.pixelColor(4, 4)).lightness() < 30
    timer = view.timer_label
    amber = QColor(PHASE_COLORS[SegmentPhase.CLOSING])
    box = timer.geometry()
    found = any(
        _close(image.pixelColor(x, y), amber)
        for x in range(box.left(), box.right(), 3)
        for y in range(box.top(), box.bottom(), 3)
    )
    assert found
    path = tmp_path / f"host-view-{width}x{height}.png"
    assert image.save(str(path))
    if SAVE_DOCS:
        assert image.save(str(REPO_ROOT / "docs" / f"host-view-{width}x{height}.png"))


def _close(a: QColor, b: QColor) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 40


def test_long_untrusted_text_wraps_inside_the_window(qtbot, view: HostView) -> None:
    long = item("long", "Extra " * 40, "1.00")
    view.on_state(state(1, long))
    view.show()
    qtbot.waitExposed(view)
    assert view.title.geometry().right() <= view.width()


def test_the_clock_runs_while_shown(qtbot, view: HostView, clock: Clock) -> None:
    view.on_state(state(1, SERUM, taken_at=T0))
    view.show()
    clock.advance(61)
    qtbot.waitUntil(lambda: view.timer_label.text() == "0:59", timeout=2000)


def test_the_whole_shop_s_sales_are_never_shown_as_the_product_s(view: HostView) -> None:
    view.on_state(state(1, SERUM, KNIFE, stock_left=5, units_sold=3))
    assert view.sold_caption.text() == "Sold this pin"
    shown = state(2, SERUM, KNIFE, stock_left=5, units_sold=32)
    assert shown.live is not None
    view.on_state(replace(shown, live=replace(shown.live, units_shop_wide=True)))
    assert view.sold.text() == "32"
    assert view.sold_caption.text() == "Sold this pin, whole shop"


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_overtime_clock_is_never_cut_on_its_left(
    qtbot, view: HostView, clock: Clock, size: tuple[int, int]
) -> None:
    """Right-aligned in a label narrower than its text, the "+" was half cut ("-6:24",
    "L6:24"): the label is as wide as its text, over an hour too."""
    view.resize(*size)
    long = item("long", "Sea Fennel Gel Cleanser With A Long Name", "16.00", variant="50 ml")
    view.on_state(state(1, long, KNIFE, taken_at=T0))
    view.show()
    qtbot.waitExposed(view)
    timer = view.timer_label
    for seconds, shown in ((120 + 384.5, "+6:24"), (120 + 3723.2, "+1:02:03")):
        clock.now = T0 + timedelta(seconds=seconds)
        view.tick()
        assert timer.text() == shown
        qtbot.waitUntil(lambda: timer.geometry().right() < view.width())  # laid out again
        assert timer.contentsRect().width() >= QFontMetrics(timer.font()).horizontalAdvance(shown)


def _wrapped_height(label: QLabel, text: str) -> int:
    box = label.contentsRect()
    bounds = QRect(0, 0, box.width(), 100_000)
    flags = int(Qt.TextFlag.TextWordWrap.value)
    return QFontMetrics(label.font()).boundingRect(bounds, flags, text).height()


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_latest_comments_fit_whole_the_newest_at_the_bottom(
    qtbot, view: HostView, size: tuple[int, int]
) -> None:
    view.resize(*size)
    said = tuple(f"viewer{n}: just bought it — 50 ml!" for n in range(10))
    view.on_state(state(1, SERUM, KNIFE, comments=said))
    view.show()
    qtbot.waitExposed(view)
    comments = view.comments
    qtbot.waitUntil(lambda: comments.text().endswith(said[-1]))
    shown = comments.text().split("\n")
    assert 2 <= len(shown) < len(said)  # the oldest gave way
    assert tuple(shown) == said[-len(shown) :]  # whole comments, oldest first, newest last
    assert _wrapped_height(comments, comments.text()) <= comments.contentsRect().height()
    assert comments.geometry().bottom() < view.height()

    long = "viewer99: " + "so good " * 60
    view.on_state(state(2, SERUM, KNIFE, comments=(*said, long)))
    text = comments.text()
    assert text.startswith("viewer99: so good")
    assert text.endswith("…")
    assert "\n" not in text  # only the newest, cut where it no longer fits
    assert _wrapped_height(comments, text) <= comments.contentsRect().height()
