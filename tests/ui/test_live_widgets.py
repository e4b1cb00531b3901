"""The live panels: models that pass qtmodeltester and update in batches, widgets that
render empty and full, untrusted text shown literally, and the connection badge."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QLocale, Qt, QTime
from PySide6.QtGui import QFontMetrics, QPalette
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from seller_console.domain.commission import CommissionPolicy, ProductTerms
from seller_console.domain.connection import ConnectionState, LinkStatus
from seller_console.domain.events import CommentPosted, Pin
from seller_console.domain.ledger import NO_PIN, Ledger, LedgerSnapshot
from seller_console.domain.metrics import MetricsFigures
from seller_console.domain.money import Money
from seller_console.domain.orders import Order, OrderStatus
from seller_console.domain.platform_port import Capabilities, IdempotencyKey, PinKind, SalesKind
from seller_console.domain.rundown import RundownItem
from seller_console.domain.show_records import PinOutcome, PinReceipt
from seller_console.domain.stage import ShowClock
from seller_console.services.live_session import Cue, FlashSale, LiveState
from seller_console.ui.asyncqt import TaskScope
from seller_console.ui.docks.audience_dock import AudienceDock
from seller_console.ui.docks.live_docks import (
    CHART_MAX_MINUTES,
    CHART_MIN_MINUTES,
    PIN_LABEL_ROWS,
    ChartData,
    PinWindowsDock,
    SalesChart,
    SalesChartDock,
    SalesFeedDock,
    StockDock,
    TotalsDock,
    chart_data,
    tick_step,
    value_intervals,
)
from seller_console.ui.errors import route_qt_messages
from seller_console.ui.models.feed_model import FCol, SalesFeedModel
from seller_console.ui.models.live_tables import PCol, PinWindowsModel, TCol, TotalsModel
from seller_console.ui.numbers import amount_text, money_text
from seller_console.ui.theme import Tone
from seller_console.ui.thumbnails import ThumbnailCache
from seller_console.ui.viewmodels.live_state import CardView, StageView, StockWarning
from seller_console.ui.viewmodels.live_vm import live_flash
from seller_console.ui.widgets.connection_badge import ConnectionBadge, badge_text
from seller_console.ui.widgets.cue_banner import CueBanner
from seller_console.ui.widgets.live_stage import (
    NOTHING_LIVE,
    SHOW_ENDED,
    STAGE_IMAGE,
    LiveStageWidget,
    receipt_text,
)
from seller_console.ui.widgets.text import ElidedLabel
from tests.support import order as make_order
from tests.support import snapshot

START = datetime(2025, 3, 14, 19, 0, tzinfo=UTC)
NOW = START + timedelta(minutes=20, seconds=15)
RICH = "<b>x</b><img src=https://attacker.example/p.png>"
TITLES = {"p1": "Vitamin C Serum", "p2": "Night Cream", "p3": RICH}


def title_of(product_id: str) -> str:
    return TITLES.get(product_id, product_id)


def order(
    n: int,
    product_id: str = "p1",
    minute: int = 0,
    qty: int = 1,
    currency: str = "USD",
    pin_id: str | None = "pin1",
    status: OrderStatus = OrderStatus.PAID,
    reported: str | None = None,
) -> Order:
    """The n-th order of the show, ``minute`` minutes in."""
    return make_order(
        f"o{n:04d}",
        "20.00",
        qty,
        product=product_id,
        currency=currency,
        status=status,
        pin=pin_id,
        reported=reported,
        rate="0.1",
        at=START + timedelta(minutes=minute, seconds=n % 60),
        session="s1",
    )


def ledger_with_sales() -> Ledger:
    policy = CommissionPolicy(
        products={p: ProductTerms("Brand", Decimal("0.1")) for p in ("p1", "p2", "p3")}
    )
    ledger = Ledger(policy=policy, initial_stock={"p1": 50, "p2": 5, "p3": 3})
    ledger.pin_seen(Pin("pin1", "p3", START, 1))
    ledger.pin_seen(Pin("pin2", "p1", START + timedelta(minutes=6), 2))
    ledger.pin_seen(Pin("pin3", "p2", START + timedelta(minutes=14), 3))
    orders = [order(1, "p3", 1, qty=2), order(2, "p3", 2, currency="EUR")]
    orders += [order(n, "p1", 6 + n % 8, pin_id="pin2") for n in range(3, 15)]
    orders += [order(15, "p2", 15, pin_id="pin3", reported="9.99")]  # flagged
    orders += [order(16, "p2", 16, pin_id=None)]
    ledger.apply_all(orders)
    ledger.apply(replace(orders[3], status=OrderStatus.REFUNDED))
    return ledger


def empty_snapshot() -> LedgerSnapshot:
    return Ledger().snapshot()


class NoImages:
    async def fetch(self, url: str) -> bytes | None:
        return None


@pytest.fixture
def images(qloop) -> ThumbnailCache:
    return ThumbnailCache(NoImages(), TaskScope(), STAGE_IMAGE)


def stage_view(
    title: str = "Vitamin C Serum",
    receipt_outcome: PinOutcome = PinOutcome.CONFIRMED,
    undo: float = 3.2,
) -> StageView:
    live = RundownItem(
        "i1", snapshot("p1", title), 180, f"say {title}", live_price=Money.of("29.00", "USD")
    )
    armed = RundownItem("i2", snapshot("p2", title), 150, f"points: {title}")
    sent = NOW - timedelta(seconds=135)
    receipt = PinReceipt(
        IdempotencyKey("k1"),
        "show1",
        "p1",
        sent,
        receipt_outcome,
        "pin2" if receipt_outcome is PinOutcome.CONFIRMED else None,
        sent + timedelta(milliseconds=84) if receipt_outcome is not PinOutcome.SENT else None,
        "platform said no <i>really</i>" if receipt_outcome is PinOutcome.FAILED else None,
    )
    return StageView(
        live=CardView(
            live,
            4,
            17,
            Money.of("493.00", "USD"),
            Money.of("49.30", "USD"),
            0,
            NOW - timedelta(seconds=195),
            receipt,
        ),
        armed=CardView(armed, 5, 0, None, None, 30, None, None),
        clock=ShowClock(1215.0, 195.0, 180.0, 92.0, 3510.0),
        undo_seconds_left=undo,
        show_status="live",
        auto_advance=True,
        now=NOW,
    )


def column(model, col: int) -> list[str]:
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


class Signals:
    """Counts a model's structural and data signals."""

    def __init__(self, model) -> None:
        self.inserted: list[tuple[int, int]] = []
        self.removed: list[tuple[int, int]] = []
        self.changed: list[tuple[int, int]] = []
        self.resets = 0
        model.rowsInserted.connect(lambda _p, a, b: self.inserted.append((a, b)))
        model.rowsRemoved.connect(lambda _p, a, b: self.removed.append((a, b)))
        model.dataChanged.connect(lambda a, b, _r=(): self.changed.append((a.row(), b.row())))
        model.modelReset.connect(self._reset)

    def _reset(self) -> None:
        self.resets += 1


# --------------------------------------------------------------------------- feed
def test_feed_inserts_batches_newest_first_and_updates_refunds_in_place(qapp, qtmodeltester):
    model = SalesFeedModel(title_of)
    seen = Signals(model)
    qtmodeltester.check(model)
    model.add_orders([order(n, minute=n) for n in range(1, 6)])
    assert seen.inserted == [(0, 4)]
    assert [model.order_id(r) for r in range(5)] == ["o0005", "o0004", "o0003", "o0002", "o0001"]
    assert column(model, FCol.PRODUCT)[0] == "Vitamin C Serum"
    assert column(model, FCol.TOTAL)[0] == "20.00 USD"
    assert column(model, FCol.TIME)[0] == order(5, minute=5).created_at.astimezone().strftime(
        "%H:%M:%S"
    )

    # a refund of a shown order and two new orders in one batch
    refund = replace(order(2, minute=2), status=OrderStatus.REFUNDED)
    model.add_orders([refund, order(6, minute=6), order(7, minute=7, qty=3)])
    assert seen.inserted == [(0, 4), (0, 1)]
    assert [model.order_id(r) for r in range(3)] == ["o0007", "o0006", "o0005"]
    row = [model.order_id(r) for r in range(model.rowCount())].index("o0002")
    assert model.data(model.index(row, FCol.STATUS)) == "refunded"
    assert model.data(model.index(row, FCol.STATUS), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(model.index(0, FCol.STATUS), Qt.ItemDataRole.ForegroundRole) is None
    assert model.data(model.index(0, FCol.QTY)) == "3"
    assert seen.changed == [(3, 3)]  # its row before the two new orders went in on top
    assert model.rowCount() == 7
    qtmodeltester.check(model)


def test_feed_keeps_its_limit_by_trimming_the_oldest(qapp, qtmodeltester):
    model = SalesFeedModel(title_of, limit=10)
    seen = Signals(model)
    model.add_orders([order(n) for n in range(1, 8)])
    model.add_orders([order(n) for n in range(8, 14)])
    assert model.rowCount() == 10
    assert seen.removed == [(10, 12)]
    assert model.order_id(0) == "o0013"
    assert model.order_id(9) == "o0004"
    # a batch bigger than the limit only ever shows its newest orders
    model.add_orders([order(n) for n in range(100, 125)])
    assert [model.order_id(r) for r in (0, 9)] == ["o0124", "o0115"]
    # updates still find their rows after trims
    model.add_orders([replace(order(120), status=OrderStatus.CANCELLED)])
    assert model.data(model.index(4, FCol.STATUS)) == "cancelled"
    qtmodeltester.check(model)
    model.clear()
    assert model.rowCount() == 0


# --------------------------------------------------------------------------- tables
def test_totals_model_per_currency_with_flagged_difference(qapp, qtmodeltester):
    model = TotalsModel()
    seen = Signals(model)
    qtmodeltester.check(model)
    ledger = ledger_with_sales()
    model.set_snapshot(ledger.snapshot())
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.headerData(0, Qt.Orientation.Vertical) == "EUR"
    assert model.headerData(1, Qt.Orientation.Vertical) == "USD"
    usd = ledger.snapshot().totals["USD"]
    assert model.data(model.index(1, TCol.GMV)) == amount_text(usd.gross)
    assert model.data(model.index(1, TCol.REFUNDS)).endswith("(1)")
    assert model.data(model.index(1, TCol.DIFFERENCE), Qt.ItemDataRole.ForegroundRole)
    assert model.data(model.index(0, TCol.DIFFERENCE), Qt.ItemDataRole.ForegroundRole) is None
    resets = seen.resets
    ledger.apply(order(40, "p1", 19, pin_id="pin3"))
    model.set_snapshot(ledger.snapshot())
    assert seen.resets == resets  # same currencies: data changed, no reset
    assert seen.changed[-1] == (1, 1)
    model.set_snapshot(ledger.snapshot())
    assert seen.changed[-1] == (1, 1)  # nothing changed: no signal at all
    assert len([c for c in seen.changed if c == (1, 1)]) == 1
    qtmodeltester.check(model)


def test_pin_windows_newest_first_running_counts_up_and_new_pins_insert(qapp, qtmodeltester):
    model = PinWindowsModel(title_of)
    seen = Signals(model)
    ledger = ledger_with_sales()
    model.set_snapshot(ledger.snapshot(), NOW)
    qtmodeltester.check(model)
    keys = [model.key(r) for r in range(model.rowCount())]
    assert keys == [("pin3", "USD"), ("pin2", "USD"), ("pin1", "EUR"), ("pin1", "USD"), ("", "USD")]
    assert column(model, PCol.PRODUCT) == [
        "Night Cream",
        "Vitamin C Serum",
        RICH,
        RICH,
        "(nothing pinned)",
    ]
    assert model.data(model.index(0, PCol.ON_AIR)) == "6:15"  # still on air
    assert model.data(model.index(1, PCol.ON_AIR)) == "8:00"  # ended when pin3 began
    model.set_snapshot(ledger.snapshot(), NOW + timedelta(seconds=10))
    assert model.data(model.index(0, PCol.ON_AIR)) == "6:25"
    assert seen.changed[-1] == (0, 0)
    ledger.pin_seen(Pin("pin4", "p2", NOW, 4))
    model.set_snapshot(ledger.snapshot(), NOW + timedelta(seconds=20))
    assert seen.inserted == [(0, 4), (0, 0)]  # the first load, then the new pin on top
    assert model.key(0) == ("pin4", "")
    assert column(model, PCol.GMV)[0] == "—"
    assert seen.resets == 0
    qtmodeltester.check(model)


def test_a_metrics_only_platform_s_figures_fill_the_totals_and_pin_windows(qapp, qtmodeltester):
    """Shopee reports running figures, not orders: the panels show the platform's own
    numbers, labelled as such, where they would otherwise say nothing sold."""
    ledger = Ledger()
    ledger.pin_seen(Pin("pin1", "p1", NOW - timedelta(minutes=2), 1))
    snapshot = ledger.snapshot()
    total = MetricsFigures(Money.of("368.00", "USD"), orders=20, sold_items=23)
    by_window = {
        NO_PIN: MetricsFigures(Money.of("10.00", "USD"), orders=1, sold_items=1),
        "pin1": MetricsFigures(Money.of("358.00", "USD"), orders=19, sold_items=22),
    }
    totals = TotalsModel()
    totals.set_snapshot(snapshot)
    assert totals.rowCount() == 0
    totals.set_metrics(total)
    qtmodeltester.check(totals)
    assert totals.headerData(0, Qt.Orientation.Vertical) == "USD (platform)"
    assert totals.data(totals.index(0, TCol.GMV)) == amount_text(Money.of("368.00", "USD"))
    assert totals.data(totals.index(0, TCol.ORDERS)) == "20"
    assert totals.data(totals.index(0, TCol.UNITS)) == "23"
    assert totals.data(totals.index(0, TCol.COMMISSION_ESTIMATED)) == "—"

    pins = PinWindowsModel(title_of)
    pins.set_snapshot(snapshot, NOW)
    pins.set_metrics(by_window, NOW)
    qtmodeltester.check(pins)
    assert column(pins, PCol.PRODUCT) == [title_of("p1"), "(nothing pinned)"]
    assert column(pins, PCol.ORDERS) == ["19", "1"]
    assert column(pins, PCol.UNITS) == ["22", "1"]
    gmv = [money_text(Money.of(amount, "USD")) for amount in ("358.00", "10.00")]
    assert column(pins, PCol.GMV) == gmv
    assert column(pins, PCol.COMMISSION) == ["—", "—"]


def test_after_the_show_ends_no_pin_window_is_on_air(qapp, qtmodeltester):
    # QA: after End show the last pin's "On air" kept the on-air colour (and, redrawn
    # later, would count on): the show's end closes it, as the report counts it
    model = PinWindowsModel(title_of)
    ledger = ledger_with_sales()
    model.set_snapshot(ledger.snapshot(), NOW)
    on_air = model.index(0, PCol.ON_AIR)
    assert model.data(on_air, Qt.ItemDataRole.ForegroundRole) is not None  # pin3: on air
    ended = NOW - timedelta(seconds=15)
    model.set_snapshot(ledger.snapshot(), NOW + timedelta(minutes=5), show_ended=ended)
    assert model.data(on_air) == "6:00"  # from its pin to the show's end, not to now
    for row in range(model.rowCount()):
        assert model.data(model.index(row, PCol.ON_AIR), Qt.ItemDataRole.ForegroundRole) is None
    qtmodeltester.check(model)


def test_a_pin_window_s_time_on_air_is_the_report_s_to_the_second(qapp):
    # QA: a pin of 19.6 s read 0:19 here after End show and 0:20 in the report
    from seller_console.ui.dialogs.show_report import clock_text

    ledger = Ledger()
    ledger.pin_seen(Pin("pin1", "p1", NOW, 1))
    ledger.pin_seen(Pin("pin2", "p2", NOW + timedelta(seconds=19.6), 2))
    ended = NOW + timedelta(seconds=40.4)
    model = PinWindowsModel(title_of)
    model.set_snapshot(ledger.snapshot(), ended + timedelta(minutes=1), show_ended=ended)
    assert column(model, PCol.ON_AIR) == [clock_text(20.8), clock_text(19.6)]
    assert column(model, PCol.ON_AIR) == ["0:21", "0:20"]


# --------------------------------------------------------------------------- widgets
def shown(dock: SalesChartDock):
    """What the chart paints now (untyped, so each read is a fresh value for mypy)."""
    return dock.chart.data


def test_chart_and_docks_render_empty_and_full(qtbot):
    route_qt_messages()  # as the app does: Qt's offscreen notes are not warnings
    chart = SalesChartDock(title_of)
    totals, pins, feed, stock = TotalsDock(), PinWindowsDock(title_of), SalesFeedDock(), StockDock()
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(QWidget())
    for dock in (chart, totals, pins, feed, stock):
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    window.resize(1400, 400)
    window.show()
    chart.show_snapshot(empty_snapshot())
    assert shown(chart) is None
    chart.grab()
    ledger = ledger_with_sales()
    snapshot = ledger.snapshot()
    chart.show_snapshot(snapshot)
    data = shown(chart)
    assert data is not None
    assert data.currency == "USD"  # most orders
    assert len(data.values) == 17  # the show so far: its first pin (19:00) to its last sale
    assert [p.label for p in data.pins] == [RICH, "Vitamin C Serum", "Night Cream"]
    assert sum(data.values) == snapshot.totals["USD"].gross.amount
    chart.grab()
    chart.metric_box.setCurrentIndex(1)
    assert sum(shown(chart).values) == snapshot.totals["USD"].units
    chart.grab()
    totals.show_snapshot(snapshot)
    pins.show_snapshot(snapshot, NOW)
    feed.add_orders(list(ledger.orders()))
    stock.show_warnings([StockWarning("p2", "Night Cream", 2)])
    for dock in (totals, pins, feed, stock):
        dock.grab()


def test_chart_axis_scales_to_the_show():
    ledger = Ledger()
    ledger.apply_all([order(1, minute=2), order(2, minute=3)])
    data = chart_data(ledger.snapshot(), title_of)
    assert data is not None  # a new show: ten minutes from its first sale, not a sliver of 30
    assert data.start == START + timedelta(minutes=2)
    assert len(data.values) == CHART_MIN_MINUTES
    ledger.apply_all([order(n, minute=n * 2) for n in range(3, 120)])
    data = chart_data(ledger.snapshot(), title_of)
    assert data is not None  # a long show: the whole of it, up to the last three hours
    assert len(data.values) == CHART_MAX_MINUTES
    assert data.start == START + timedelta(minutes=238 - CHART_MAX_MINUTES + 1)
    assert data.values[-1] == Decimal("20.00")


def test_time_labels_never_overlap():
    assert tick_step(40.0, 50.0) == 2
    assert tick_step(12.0, 50.0) == 5
    assert tick_step(2.0, 50.0) == 30
    assert tick_step(0.3, 50.0) == 180
    for minute_width in (0.2, 1.0, 3.3, 9.9, 80.0):
        assert tick_step(minute_width, 50.0) * minute_width >= 50.0


def _value_label_rows(chart: SalesChart) -> list[int]:
    """The height of each band of value labels drawn left of the plot, above its lowest
    label (the zero, beside the time labels): where labels overlap, one tall band."""
    line = QFontMetrics(chart.font()).height()
    top = int(line * (1.6 + PIN_LABEL_ROWS)) - line
    bottom = int(chart.height() - line * 1.8 - line * 0.5)
    image = chart.grab().toImage()
    base = chart.palette().color(QPalette.ColorRole.Base)
    inked = [any(image.pixelColor(x, y) != base for x in range(20)) for y in range(top, bottom)]
    bands, run = [], 0
    for ink in [*inked, False]:
        if ink:
            run += 1
        elif run:
            bands.append(run)
            run = 0
    return bands


def test_value_labels_never_overlap_on_a_short_chart(qtbot):
    """QA: a short Sales per minute panel drew five value labels in the height of two."""
    chart = SalesChart()
    qtbot.addWidget(chart)
    values = tuple(Decimal(v) for v in (300, 4800, 1200, 0, 2600, 900, 0, 0, 3100, 150))
    chart.set_data(ChartData("USD", False, START, values, ()))
    line = QFontMetrics(chart.font()).height()
    chart.resize(320, 240)  # room for every label: 5,000 3,750 2,500 1,250 above the zero
    assert len(_value_label_rows(chart)) == 4
    for height in (120, 130, 150):  # the panel as short as it goes: fewer labels
        chart.resize(320, height)
        bands = _value_label_rows(chart)
        assert bands, height
        assert max(bands) <= line, (height, bands)


def test_value_intervals_leave_a_line_per_label():
    assert value_intervals(200.0, 17.0) == 4
    assert value_intervals(40.0, 17.0) == 2
    assert value_intervals(20.0, 17.0) == 1
    assert value_intervals(5.0, 17.0) == 1  # always the top and the zero


@pytest.mark.parametrize("dark", [False, True])
def test_the_take_button_off_air_recedes_into_the_stage(qtbot, qapp, images, dark):
    # QA: after End show, in the dark palette the Take button that does nothing was a
    # light grey slab (the light palette's Mid: the dark one sets none) with dark text,
    # the brightest, most pressable-looking thing on the stage
    from PySide6.QtGui import QPalette

    from seller_console.ui.theme import palette
    from tests.ui.test_theme import contrast

    before = QPalette(qapp.palette())
    qapp.setPalette(palette(dark))
    try:
        stage = LiveStageWidget(images)
        qtbot.addWidget(stage)
        stage.show_stage(replace(stage_view(), armed=None, show_status="ended"))
        button = stage.take_button
        assert not button.isEnabled()
        image = button.grab().toImage()
        face = image.pixelColor(image.width() // 12, image.height() // 2)
        window = palette(dark).color(QPalette.ColorRole.Window)
        assert contrast(face, window) < 1.6, (face.name(), window.name())
    finally:
        qapp.setPalette(before)


def test_stage_renders_empty_and_full_and_emits_requests(qtbot, images):
    stage = LiveStageWidget(images)
    qtbot.addWidget(stage)
    stage.resize(1000, 640)
    stage.show()
    assert stage.live_empty.isVisible()
    assert stage.live_empty.text() == NOTHING_LIVE
    assert not stage.undo_button.isVisible()
    assert not stage.take_button.isEnabled()
    stage.grab()

    stage.show_stage(stage_view())
    assert not stage.live_empty.isVisible()
    assert stage.receipt.text() == "confirmed in 84 ms"
    assert not stage.retry_button.isVisible()
    assert stage.undo_button.isVisible()
    assert stage.undo_button.text() == "Undo take (4 s)"
    assert stage.on_air.value.text() == "3:15 / 3:00"
    assert stage.over_under.value.text() == "+1:32 over"
    # the end as a time of day: 58:30 from the start, 20:15 of it gone, so 38:15 from now
    ends = (NOW + timedelta(seconds=3510 - 1215)).astimezone()
    expected = QLocale().toString(QTime(ends.hour, ends.minute), QLocale.FormatType.ShortFormat)
    assert stage.projected_end.value.text() == expected
    assert "58:30" in stage.projected_end.toolTip()
    assert stage.stock_left.value.text() == "SOLD OUT"
    assert stage.sales.value.text() == "17 · 493.00"  # the currency is in the caption
    assert stage.sales.caption.text() == "UNITS · USD THIS PIN"
    shown = stage_view()
    assert shown.live is not None
    stage.show_stage(replace(shown, live=replace(shown.live, shop_wide=True)))
    assert stage.sales.caption.text() == "UNITS · USD THIS PIN, WHOLE SHOP"
    stage.show_stage(replace(shown, live=replace(shown.live, gmv=None)))  # units only
    assert stage.sales.value.text() == "17 · —"
    assert stage.sales.caption.text() == "UNITS · GMV THIS PIN"
    stage.show_stage(replace(shown, live=None, show_status="ended"))
    assert stage.live_empty.text() == SHOW_ENDED  # not "arm a product and press Space"
    assert stage.projected_end.value.text() == "—"
    stage.show_stage(shown)
    assert stage.armed_title.text() == "#5 Vitamin C Serum"
    assert stage.auto_advance.isChecked()
    stage.grab()

    with qtbot.waitSignal(stage.take_requested):
        stage.take_button.click()
    with qtbot.waitSignal(stage.undo_requested):
        stage.undo_button.click()
    with qtbot.waitSignal(stage.auto_advance_toggled) as toggled:
        stage.auto_advance.click()
    assert toggled.args == [False]

    stage.show_stage(stage_view(receipt_outcome=PinOutcome.SENT, undo=0))
    assert stage.receipt.text() == "sending…"
    assert not stage.undo_button.isVisible()
    assert stage.auto_advance.isChecked()  # the view's value, not the click's
    stage.show_stage(stage_view(receipt_outcome=PinOutcome.FAILED))
    assert stage.receipt.text() == "pin failed"
    assert stage.pin_failure.isVisible()
    assert stage.pin_failure.text() == "The platform said: platform said no <i>really</i>"
    assert stage.retry_button.isVisible()
    with qtbot.waitSignal(stage.retry_requested):
        stage.retry_button.click()

    stage.show_stage(replace(stage_view(), live=None, armed=None))
    assert stage.live_empty.isVisible()
    assert not stage.take_button.isEnabled()
    assert stage.armed_empty.isVisible()
    stage.grab()


def test_a_pin_the_operator_made_reads_as_pinned_not_failed(qtbot, images):
    """On a platform without a pin API (or one that refused the pin call) the operator pins
    in the platform's app and presses Space: that pin is made, not failed."""
    stage = LiveStageWidget(images)
    qtbot.addWidget(stage)
    stage.resize(1000, 640)
    stage.show()
    view = stage_view(receipt_outcome=PinOutcome.PERFORMED)
    stage.show_stage(view)
    assert stage.receipt.text() == "pinned by you"
    assert view.live is not None
    assert receipt_text(view.live.receipt) == ("pinned by you", Tone.GOOD)
    assert not stage.pin_failure.isVisible()
    assert not stage.retry_button.isVisible()


def test_stock_the_platform_says_is_lower_reads_as_the_platform_s(qtbot, images):
    """TikTok sold it through other content: the card, the armed card and the stock panel
    say whose figure it is, sold out first (a narrow card elides the end)."""
    stage = LiveStageWidget(images)
    qtbot.addWidget(stage)
    stage.resize(1000, 640)
    stage.show()
    view = stage_view()
    assert view.live is not None
    assert view.armed is not None
    stage.show_stage(
        replace(
            view,
            live=replace(view.live, stock_from="TikTok Shop"),
            armed=replace(view.armed, stock_left=3, stock_from="TikTok Shop"),
        )
    )
    assert stage.stock_left.value.text() == "SOLD OUT on TikTok Shop"
    assert "Stock: 3 left on TikTok Shop" in stage.armed_facts.text()
    dock = StockDock()
    qtbot.addWidget(dock)
    dock.show_warnings([StockWarning("p2", "Night Cream", 0, "TikTok Shop")])
    assert dock.list.item(0).text() == "SOLD OUT on TikTok Shop — Night Cream"


# --------------------------------------------------------------------------- flash sale
def test_the_live_card_shows_a_flash_sale_counting_down_from_its_end(qtbot, images):
    stage = LiveStageWidget(images)
    qtbot.addWidget(stage)
    stage.resize(1000, 640)
    stage.show()
    plain = stage_view()
    stage.show_stage(plain)
    assert stage.live_price.text() == "29.00 USD  (was 34.00 USD)"
    assert not stage.live_was.isVisible()
    assert not stage.live_flash.isVisible()

    ends = NOW + timedelta(seconds=80.3)
    flash = FlashSale("i1", Money.of("19.00", "USD"), ends)
    stage.show_stage(replace(plain, flash=flash))
    assert stage.live_price.text() == "19.00 USD"
    assert stage.live_was.isVisible()
    assert stage.live_was.text() == "29.00 USD"  # the usual (live) price, crossed out
    assert stage.live_was.font().strikeOut()
    assert stage.live_flash.text() == "FLASH SALE 1:21"
    # every frame redraws the countdown from the sale's end, not from a counter
    stage.show_stage(replace(plain, flash=flash, now=NOW + timedelta(seconds=75)))
    assert stage.live_flash.text() == "FLASH SALE 0:06"
    stage.grab()

    stage.show_stage(replace(plain, flash=flash, now=ends + timedelta(seconds=2)))
    assert stage.live_flash.isVisible()
    assert stage.live_flash.text() == "Flash sale over"
    assert stage.live_price.text() == "29.00 USD  (was 34.00 USD)"  # the usual price again
    assert not stage.live_was.isVisible()

    stage.show_stage(replace(plain, live=None, flash=None))
    assert not stage.live_flash.isVisible()
    assert not stage.live_was.isVisible()


def test_the_view_model_keeps_an_ended_flash_sale_until_its_item_leaves_the_air():
    view = stage_view()
    assert view.live is not None
    assert view.armed is not None
    flash = FlashSale("i1", Money.of("19.00", "USD"), NOW + timedelta(seconds=60))
    running = LiveState(live=view.live, flash=flash)
    assert live_flash(None, running) == flash
    ended = LiveState(live=view.live, flash=None)  # the session ended the sale
    assert live_flash(flash, ended) == flash  # the stage says "Flash sale over"
    assert live_flash(None, ended) is None  # the item never had one running here
    next_live = LiveState(live=view.armed, flash=None)  # another item taken
    assert live_flash(flash, next_live) is None
    assert live_flash(flash, LiveState(live=None)) is None
    other = FlashSale("i9", Money.of("1.00", "USD"), NOW)
    assert live_flash(None, LiveState(live=view.live, flash=other)) is None


# --------------------------------------------------------------------------- rich text
def test_rich_text_titles_are_shown_literally(qtbot, images):
    stage = LiveStageWidget(images)
    qtbot.addWidget(stage)
    stage.show_stage(stage_view(title=RICH))
    assert stage.live_title.text() == RICH
    assert stage.armed_title.text() == f"#5 {RICH}"
    stage.resize(700, 500)
    stage.show()
    assert "<b>" in stage.live_title.shown_text()  # painted as it is, never as markup
    for label in stage.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()

    feed = SalesFeedModel(title_of)
    feed.add_orders([order(1, "p3")])
    assert feed.data(feed.index(0, FCol.PRODUCT)) == RICH
    assert feed.data(feed.index(0, FCol.PRODUCT), Qt.ItemDataRole.ToolTipRole) is None

    pins = PinWindowsModel(title_of)
    pins.set_snapshot(ledger_with_sales().snapshot(), NOW)
    assert RICH in column(pins, PCol.PRODUCT)

    dock = StockDock()
    qtbot.addWidget(dock)
    dock.show_warnings([StockWarning("p2", "Night Cream", 2), StockWarning("p3", RICH, 0)])
    texts = [dock.list.item(r).text() for r in range(dock.list.count())]
    assert texts == [f"SOLD OUT — {RICH}", "2 left — Night Cream"]
    assert dock.windowTitle() == "Stock: 1 sold out, 1 low"  # only the counts there are


# --------------------------------------------------------------------------- badge
@pytest.mark.parametrize(
    ("state", "text"),
    [
        (
            ConnectionState(
                LinkStatus.LIVE, last_event_at=NOW - timedelta(seconds=3), events_per_second=12.2
            ),
            "live · last event 3 s ago · 12 ev/s",
        ),
        (ConnectionState(LinkStatus.CONNECTING), "connecting"),
        (
            ConnectionState(
                LinkStatus.RECONNECTING,
                since=NOW - timedelta(seconds=9),
                retry_at=NOW + timedelta(seconds=4),
                last_event_at=NOW - timedelta(seconds=95),
                detail="connection reset",
            ),
            "reconnecting in 4 s: connection reset · last event 1:35 ago",
        ),
        (
            ConnectionState(LinkStatus.OFFLINE, detail="<b>no network</b>"),
            "offline: <b>no network</b>",
        ),
    ],
)
def test_badge_text_per_status(qtbot, state, text):
    assert badge_text(state, NOW) == text
    badge = ConnectionBadge()
    qtbot.addWidget(badge)
    badge.show_state(state, NOW)
    assert badge.text() == text
    assert badge.textFormat() == Qt.TextFormat.PlainText
    assert badge.objectName() == "connection_badge"
    badge.grab()


def test_badge_refreshes_itself(qtbot):
    badge = ConnectionBadge()
    qtbot.addWidget(badge)
    badge.show_state(
        ConnectionState(LinkStatus.LIVE, last_event_at=datetime.now(UTC), events_per_second=3)
    )
    qtbot.waitUntil(lambda: badge.text().startswith("live · last event 1 s ago"), timeout=3000)


def test_the_cue_banner_asks_the_operator_to_pin_and_confirms_with_one_click(qtbot):
    banner = CueBanner()
    qtbot.addWidget(banner)
    cue = Cue("i3", RICH, 3, NOW, datetime.now(UTC) + timedelta(seconds=40))
    banner.show_cue(cue)
    assert banner.isVisible()
    assert RICH in banner.text.text()  # shown as plain text, as sent
    assert banner.text.textFormat() is Qt.TextFormat.PlainText
    assert "position 3 in the bag" in banner.text.text()
    with qtbot.waitSignal(banner.confirmed, timeout=1000):
        banner.button.click()
    banner.show_cue(None)
    assert not banner.isVisible()


def test_the_audience_dock_shows_viewers_likes_and_comments_as_plain_text(qtbot):
    dock = AudienceDock()
    qtbot.addWidget(dock)
    comment = CommentPosted("s1", "c1", "ana", RICH, NOW)
    dock.show_state(LiveState(viewers=1234, likes=56, comments=(comment,)))
    assert dock.figures.text() == "1,234 watching   56 likes"
    assert dock.comments.item(0).text() == f"ana: {RICH}"
    assert dock.windowTitle() == "Audience (1 comment)"
    no_audience = Capabilities(PinKind.CONFIRMED, SalesKind.POLLED_ORDERS, False, False)
    dock.show_state(LiveState(capabilities=no_audience))
    assert "reports no viewers or comments" in dock.figures.text()
    assert dock.comments.count() == 0


def test_the_comments_panel_stays_readable_through_a_busy_show(qtbot):
    dock = AudienceDock()
    qtbot.addWidget(dock)
    dock.resize(320, 240)
    dock.show()

    def said(n: int, text: str = "") -> CommentPosted:
        return CommentPosted("s1", f"c{n}", f"fan{n}", text or f"comment {n}", NOW)

    window: list[CommentPosted] = []
    for n in range(1, 121):  # the live state keeps its last 50, oldest first
        window = [*window, said(n)][-50:]
        dock.show_state(LiveState(comments=tuple(window)))
    assert dock.comments.count() == 50  # bounded, whatever the show's length
    rows = [dock.comments.item(r).text() for r in range(dock.comments.count())]
    assert rows[0] == "fan71: comment 71"
    assert rows[-1] == "fan120: comment 120"
    assert len(set(rows)) == 50  # each comment once
    bar = dock.comments.verticalScrollBar()
    assert bar.maximum() > 0
    assert bar.value() == bar.maximum()  # the newest is in view

    bar.setValue(0)  # the reader scrolls up to read an older comment
    dock.show_state(LiveState(comments=(*window[1:], said(121))))
    assert dock.comments.item(dock.comments.count() - 1).text() == "fan121: comment 121"
    assert bar.value() < bar.maximum()  # not yanked back to the bottom while reading
    bar.setValue(bar.maximum())
    dock.show_state(LiveState(comments=(*window[2:], said(121), said(122))))
    assert bar.value() == bar.maximum()  # at the bottom again: it follows the newest

    long = "so good\n\n" + "ha" * 400 + RICH
    dock.show_state(LiveState(comments=(said(200, long),)))
    [row] = [dock.comments.item(r) for r in range(dock.comments.count())]
    assert row.text().startswith("fan200: so good haha")  # one line, blanks folded
    assert len(row.text()) == 280
    assert row.text().endswith("…")
    assert row.toolTip().startswith("<p>fan200: so good")
    assert "&lt;b&gt;x&lt;/b&gt;" in row.toolTip()  # the tooltip shows the markup as text
    dock.show_state(LiveState())
    assert dock.comments.count() == 0
    assert dock.windowTitle() == "Audience"


def test_the_comments_panel_follows_the_newest_after_it_was_hidden_behind_another_tab(qtbot):
    # Mid-show the Audience tab sits behind Stock while comments pour in; a hidden list
    # has no scroll range yet, so when the seller opens the tab it must show the newest
    # comment and keep following, not stay on the oldest kept.
    dock = AudienceDock()
    qtbot.addWidget(dock)
    dock.resize(320, 240)

    def said(n: int) -> CommentPosted:
        return CommentPosted("s1", f"c{n}", f"fan{n}", f"comment {n}", NOW)

    window = tuple(said(n) for n in range(1, 51))
    dock.show_state(LiveState(comments=window))  # hidden: behind the Stock tab
    dock.show()
    qtbot.waitExposed(dock)
    bar = dock.comments.verticalScrollBar()
    assert bar.maximum() > 0
    assert bar.value() == bar.maximum()  # the newest is in view on opening the tab
    dock.show_state(LiveState(comments=(*window[1:], said(51))))
    assert bar.value() == bar.maximum()  # and it keeps following


def test_long_text_on_the_stage_elides_with_an_escaped_tooltip_and_never_widens_it(qtbot, images):
    stage = LiveStageWidget(images)
    qtbot.addWidget(stage)
    stage.resize(620, 560)
    stage.show()
    stage.show_stage(stage_view(title="Tee", receipt_outcome=PinOutcome.FAILED))
    qtbot.wait(20)
    narrow = stage.minimumSizeHint()
    view = stage_view(title="Organic Cold-Pressed Sea Fennel " * 6 + RICH)
    assert view.live is not None
    assert view.live.receipt is not None
    reason = "no product with id 'ocean-blue-shirt-1-d0c60189b3' <b>" + "x" * 440
    receipt = replace(view.live.receipt, outcome=PinOutcome.FAILED, failure=reason)
    stage.show_stage(replace(view, live=replace(view.live, receipt=receipt)))
    qtbot.wait(20)
    # the text is far wider than the stage: the stage's minimum does not move with it
    assert stage.minimumSizeHint().width() == narrow.width()
    assert stage.pin_failure.fontMetrics().horizontalAdvance(reason) > 2000
    shown = stage.pin_failure.shown_text()
    assert shown.count("\n") == 1
    assert shown.endswith("…")
    assert stage.pin_failure.toolTip() == (
        "<p>The platform said: no product with id &#x27;ocean-blue-shirt-1-d0c60189b3&#x27; "
        f"&lt;b&gt;{'x' * 440}</p>"
    )
    assert stage.live_title.shown_text().endswith("…")
    assert "&lt;b&gt;" in stage.live_title.toolTip()
    assert stage.pin_failure.width() <= stage.width()


def test_product_columns_keep_their_share_as_lesser_columns_give_way(qtbot):
    feed = SalesFeedDock(title_of)
    qtbot.addWidget(feed)
    feed.add_orders([order(1, "p1")])
    want = feed.table.fontMetrics().averageCharWidth() * 16
    feed.resize(900, 300)
    feed.show()
    qtbot.waitUntil(lambda: feed.table.viewport().width() > 800)
    assert not any(feed.table.isColumnHidden(c) for c in FCol)
    feed.resize(380, 300)  # the feed beside the stage on a 1366x768 screen
    qtbot.waitUntil(lambda: feed.table.viewport().width() < 400)
    assert feed.table.isColumnHidden(FCol.COMMISSION)
    assert feed.table.columnWidth(FCol.PRODUCT) >= want
    assert not feed.table.isColumnHidden(FCol.TOTAL)
    feed.resize(900, 300)  # room again: every column comes back
    qtbot.waitUntil(lambda: not feed.table.isColumnHidden(FCol.COMMISSION))

    pins = PinWindowsDock(title_of)
    qtbot.addWidget(pins)
    pins.show_snapshot(ledger_with_sales().snapshot(), NOW)
    pins.resize(420, 200)
    pins.show()
    qtbot.waitUntil(lambda: pins.table.viewport().width() < 440)
    assert pins.table.columnWidth(PCol.PRODUCT) >= want
    assert not pins.table.isColumnHidden(PCol.GMV)


def test_elided_label_wraps_then_elides_and_tells_the_rest_in_a_tooltip(qtbot):
    label = ElidedLabel(max_lines=2)
    qtbot.addWidget(label)
    label.resize(label.fontMetrics().horizontalAdvance("Organic Cold-Pressed") + 4, 60)
    label.show()
    label.setText("Organic  Cold-Pressed\nSea Fennel")
    assert label.shown_text() == "Organic Cold-Pressed\nSea Fennel"  # words, not letters
    assert label.toolTip() == ""  # it all fits: no tooltip
    label.setText(RICH + " and more words than two lines can hold at this width")
    lines = label.shown_text().split("\n")
    assert len(lines) == 2
    assert lines[-1].endswith("…")
    assert label.toolTip().startswith("<p>&lt;b&gt;x&lt;/b&gt;&lt;img src=")
    assert label.heightForWidth(label.width()) == 2 * label.fontMetrics().lineSpacing()
    huge = "word " * 200_000  # a megabyte from a catalog: laid out and tipped bounded
    label.setText(huge)
    assert len(label.toolTip()) < 2 * ElidedLabel.SHOWN_CHARS
    assert label.text() == huge


def test_a_big_night_s_totals_are_shown_whole_in_a_laptop_s_panel(qtbot):
    # QA, at 1366x768: the Totals panel (540 px) read "10,754.…" for the GMV and the net
    # while the commission columns stayed whole. Every figure is shown in full.
    dock = TotalsDock()
    qtbot.addWidget(dock)
    dock.resize(540, 190)
    dock.show()
    ledger = Ledger()
    ledger.apply_all([make_order(f"o{n}", "10288.07", 3) for n in range(4)])
    dock.show_snapshot(ledger.snapshot())
    table, model = dock.table, dock.model
    assert model.data(model.index(0, 0)) == "123,456.84"
    metrics = table.fontMetrics()

    def whole() -> bool:
        return all(
            metrics.horizontalAdvance(str(model.data(model.index(0, c)))) < table.columnWidth(c)
            for c in range(model.columnCount())
        )

    qtbot.waitUntil(whole, timeout=2000)
