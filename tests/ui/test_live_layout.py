"""The live window at 1366x768 during a show with a failed pin, a sold-out take and a long
title: every part of it on screen, the window's minimum within the screen (embedded
sandbox, loopback)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from PySide6.QtCore import QPoint, QRect

from seller_console.domain.money import Money
from seller_console.domain.show_records import PinOutcome
from seller_console.services.live_session import FlashSale
from seller_console.ui.actions import ActionId
from seller_console.ui.docks.rundown_dock import RundownDock
from seller_console.ui.viewmodels.live_state import CardView, StageView

from .test_live_show import go_live, show, stage  # noqa: F401  (the fixture)

LONG_TITLE = "Organic Cold-Pressed Sea Fennel & Samphire Coastal Botanical Facial Oil " * 3
REASON = "no product with id 'ocean-blue-shirt-1-d0c60189b3' <b>refused</b> " * 8


def _inside(window, widget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return QRect(QPoint(0, 0), window.size()).contains(QRect(top_left, widget.size()))


def _live(show, run) -> tuple[StageView, CardView]:  # noqa: F811
    """The stage view once the show is live and its first item taken, and its live card."""
    go_live(show, run)
    show.live_vm.take()
    stage(show, run)
    view: StageView | None = show.live_vm.stage_view()
    assert view is not None
    assert view.live is not None
    return view, view.live


def test_a_failed_pin_and_a_long_title_fit_at_1366x768(show, run, qtbot):  # noqa: F811
    window, vm = show.window, show.live_vm
    window.resize(1366, 768)
    view, live = _live(show, run)
    assert live.receipt is not None
    failed = replace(live.receipt, outcome=PinOutcome.FAILED, failure=REASON[:500])
    product = replace(live.item.product, title=LONG_TITLE, variant_title="Size XL")
    big = Money.of("35116.00", "USD")  # a big night: "1,204 · 35,116.00 USD"
    view = replace(
        view,
        live=replace(
            live,
            item=replace(live.item, product=product),
            receipt=failed,
            units=1204,
            gmv=big,
            commission=big,
            stock_left=0,  # taken sold out (the take asked first)
        ),
        armed=None if view.armed is None else replace(view.armed, stock_left=0),
    )
    vm.stage_changed.disconnect(window.stage.show_stage)  # hold the failed view on screen
    window.stage.show_stage(view)
    qtbot.wait(100)

    hint = window.minimumSizeHint()
    assert hint.width() <= 1366
    assert hint.height() <= 768
    assert window.stage.minimumSizeHint().width() <= 1366
    assert window.stage.minimumSizeHint().height() <= 768
    window.resize(1280, 720)  # a maximised 1280x720 screen
    qtbot.wait(50)
    assert (window.width(), window.height()) == (1280, 720)
    armed_card = window.stage.armed_title.parentWidget()
    assert window.stage.take_button.visibleRegion().boundingRect().width() == (
        window.stage.take_button.width()
    )  # Take is whole, not cut by the edge
    assert armed_card.width() >= 180
    viewport = window.stage.cards_area.viewport()
    right = armed_card.mapTo(viewport, QPoint(armed_card.width(), 0)).x()
    assert right <= viewport.width()  # not clipped by the cards' scroll area either
    # what the armed card leaves is not cut either: too long a value elides, with a tooltip
    for stat in (window.stage.sales, window.stage.on_air, window.stage.commission):
        assert stat.value.width() <= stat.width()
        value = stat.value
        assert value.shown_text() == value.text() or value.text() in value.toolTip()
    assert window.stage.on_air.value.shown_text() == window.stage.on_air.value.text()
    window.resize(1366, 768)
    qtbot.wait(100)
    assert (window.width(), window.height()) == (1366, 768)
    stage_widget = window.stage
    for part in (
        stage_widget.take_button,
        stage_widget.retry_button,
        stage_widget.pin_failure,
        stage_widget.live_title,
        stage_widget.live_variant,
        window.statusBar(),
        window.badge,
        window.rundown_dock,
        window.chart_dock,
    ):
        assert part.isVisible(), part.objectName()
        assert _inside(window, part), part.objectName()
    assert stage_widget.live_variant.shown_text() == "Size XL"  # the size is never clipped
    sold_out = stage_widget.stock_left
    assert sold_out.isVisible()
    assert _inside(window, sold_out)
    assert sold_out.value.shown_text() == "SOLD OUT"
    assert "Stock: SOLD OUT" in stage_widget.armed_facts.text()
    assert stage_widget.live_title.shown_text().endswith("…")
    assert "&lt;b&gt;refused&lt;/b&gt;" in stage_widget.pin_failure.toolTip()
    # the armed card keeps its room beside the live card
    armed = stage_widget.armed_title.parentWidget()
    assert _inside(window, armed)
    assert armed.width() >= 200
    # on air the rundown is a running order: its product column has room to be read
    rundown: RundownDock = window.rundown_dock
    assert not rundown.editor.isVisible()
    assert rundown.table.columnWidth(2) >= 80  # "Heavyweight…", not "…"
    totals = rundown.totals  # "8 items · 13:00 planned", or elided with it in the tooltip
    assert _inside(window, totals)
    assert totals.shown_text() == totals.text() or totals.text() in totals.toolTip()
    assert window.pins_dock.table.columnWidth(0) >= 100

    # a flash sale on the same card: its countdown and the crossed-out usual price are whole
    flash = FlashSale(live.item.id, Money.of("9.99", "USD"), view.now + timedelta(seconds=95))
    stage_widget.show_stage(replace(view, flash=flash))
    qtbot.wait(50)
    assert window.minimumSizeHint().height() <= 768
    assert stage_widget.minimumSizeHint().width() <= 1366
    countdown, was = stage_widget.live_flash, stage_widget.live_was
    assert countdown.text() == "FLASH SALE 1:35"
    assert countdown.shown_text() == countdown.text()
    assert was.isVisible()
    assert was.width() >= was.sizeHint().width()
    assert stage_widget.live_price.shown_text() == "9.99 USD"
    for part in (countdown, was, stage_widget.take_button):
        assert _inside(window, part), part.objectName()


def test_reset_layout_during_a_show_keeps_the_live_layout(show, run, qtbot):  # noqa: F811
    window = show.window
    window.resize(1366, 768)
    go_live(show, run)
    window.chart_dock.hide()
    window.pins_dock.hide()
    window.catalog_dock.raise_()
    window.actions_by_id[ActionId.RESET_LAYOUT].trigger()
    qtbot.wait(50)
    for dock in window.live_docks:
        assert dock.isVisibleTo(window), dock.objectName()
    # the feed's tab is up, not the catalog's (a tab behind is "visible" but off screen)
    assert not window.feed_dock.visibleRegion().isEmpty()
    assert window.catalog_dock.visibleRegion().isEmpty()
    assert window.stage.isVisible()
    assert not window.rundown_dock.editor.isVisible()  # still the running order
    hint = window.minimumSizeHint()
    assert hint.width() <= 1366
    assert hint.height() <= 768


POINTS = (
    "Show the texture up close, then on the back of the hand\n"
    "Mention who it is for: dry and sensitive skin, morning and night\n"
    "Say the price twice and that the bundle ends with the show\n"
    "Read out one review from the comments"
)


def test_the_cards_fit_unscrolled_on_a_laptop_with_whole_lines_of_talking_points(
    show,  # noqa: F811
    run,
    qtbot,
):
    # QA at 1366x768 (maximised, under a title bar): the cards scrolled and the second
    # line of talking points was cut in half. A host does not scroll: the cards fit, and
    # the points show as many whole lines as there is room for, the rest in the tooltip.
    window, vm = show.window, show.live_vm
    window.resize(1366, 738)
    view, live = _live(show, run)
    armed = view.armed
    assert armed is not None
    view = replace(
        view,
        live=replace(live, item=replace(live.item, talking_points=POINTS)),
        armed=replace(armed, item=replace(armed.item, talking_points=POINTS)),
    )
    vm.stage_changed.disconnect(window.stage.show_stage)
    stage_widget = window.stage
    stage_widget.show_stage(view)
    qtbot.wait(100)
    area = stage_widget.cards_area
    assert area.verticalScrollBar().maximum() == 0  # nothing below the fold
    viewport = area.viewport()
    for points in (stage_widget.live_points, stage_widget.talking_points):
        top_left = points.mapTo(viewport, QPoint(0, 0))
        assert QRect(QPoint(0, 0), viewport.size()).contains(QRect(top_left, points.size()))
        lines = points.shown_text().split("\n")
        assert len(lines) * points.fontMetrics().lineSpacing() <= points.height()  # whole
        assert POINTS.startswith(lines[0].rstrip("…"))  # from the first point, in words
        assert lines[-1].endswith("…")  # more than there is room for, and it says so
        assert "Read out one review from the comments" in points.toolTip()
    assert len(stage_widget.live_points.shown_text().split("\n")) >= 2  # not one line only

    window.resize(1920, 1080)  # a big screen: every point, one to a line
    qtbot.wait(100)
    assert area.verticalScrollBar().maximum() == 0
    assert stage_widget.live_points.shown_text() == POINTS
    assert stage_widget.live_points.toolTip() == ""
