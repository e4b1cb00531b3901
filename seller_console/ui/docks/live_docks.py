"""The docks around the live stage: sales feed, totals, pin windows, sales chart, stock.

Each dock has one slot that takes what the live view-model hands over (a batch of orders,
a ledger snapshot, stock warnings) and renders it; none of them decides anything.

The chart is a plain QWidget painted with QPainter rather than QtCharts: QtCharts ships
in PySide6-Addons, which the app does not install, and a few dozen bars with pin markers
are lighter to paint directly (no scene graph, no extra module in the bundle). It uses
palette colours, so it reads in light and dark themes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from seller_console.domain.ledger import LedgerSnapshot
from seller_console.domain.orders import Order
from seller_console.ui.models.feed_model import FCol, SalesFeedModel
from seller_console.ui.models.live_tables import PCol, PinWindowsModel, TotalsModel
from seller_console.ui.numbers import decimal_text, stock_text
from seller_console.ui.theme import Tone, tone_color
from seller_console.ui.widgets.product_share import ProductShare
from seller_console.ui.widgets.text import plain_label

if TYPE_CHECKING:
    from seller_console.domain.metrics import MetricsFigures
    from seller_console.ui.viewmodels.live_state import StockWarning

TitleOf = Callable[[str], str]
CHART_MIN_MINUTES = 10  # a new show is drawn over ten minutes, not as a sliver
CHART_MAX_MINUTES = 180  # a longer show shows its last three hours
TICK_STEPS = (1, 2, 5, 10, 15, 30, 60)  # minutes between time labels
PIN_LABEL_ROWS = 3
VALUE_INTERVALS = (4, 2, 1)  # steps between value labels, most first
PIN_LABEL_WIDTH = 130
ELIDE = Qt.TextElideMode.ElideRight


def _table(model: TotalsModel | PinWindowsModel | SalesFeedModel, name: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setShowGrid(False)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setHighlightSections(False)
    return table


def _widths(table: QTableView, samples: dict[int, str]) -> None:
    """Column widths from sample text, never narrower than the column's header (never
    ResizeToContents over every row: rule 4)."""
    metrics = table.fontMetrics()
    header = table.horizontalHeader().fontMetrics()
    model = table.model()
    for col, sample in samples.items():
        title = str(model.headerData(col, Qt.Orientation.Horizontal) or "")
        width = max(metrics.horizontalAdvance(sample), header.horizontalAdvance(title) + 8)
        table.setColumnWidth(col, width + 16)


class SalesFeedDock(QDockWidget):
    """Orders as they come in, newest on top; refunds and cancellations marked in place."""

    def __init__(self, title_of: TitleOf | None = None, limit: int | None = None) -> None:
        super().__init__("Sales feed")
        self.setObjectName("sales_feed_dock")
        self.model = (
            SalesFeedModel(title_of) if limit is None else SalesFeedModel(title_of, limit=limit)
        )
        self.table = _table(self.model, "sales_feed")
        self.table.verticalHeader().hide()
        _widths(
            self.table,
            {
                FCol.TIME: "00:00:00",
                FCol.QTY: "Qty",
                FCol.TOTAL: "1,999.99 USD",
                FCol.COMMISSION: "99.99 USD",
                FCol.STATUS: "cancelled",
            },
        )
        self.table.horizontalHeader().setSectionResizeMode(
            FCol.PRODUCT, QHeaderView.ResizeMode.Stretch
        )
        # narrow: per-order commission goes first (the totals carry it), then the status
        self.share = ProductShare(self.table, FCol.PRODUCT, (FCol.COMMISSION, FCol.STATUS))
        self.setWidget(self.table)

    def add_orders(self, orders: Sequence[Order]) -> None:
        self.model.add_orders(orders)
        self.setWindowTitle(f"Sales feed ({self.model.rowCount()})")

    def clear(self) -> None:
        self.model.clear()
        self.setWindowTitle("Sales feed")

    def set_orders_known(self, known: bool) -> None:
        """False for a platform that reports running figures and no orders."""
        if not self.model.rowCount():
            self.setWindowTitle(
                "Sales feed" if known else "Sales feed (no orders from the platform)"
            )


class TotalsDock(QDockWidget):
    """The show's totals, one row per currency, commission differences flagged."""

    def __init__(self) -> None:
        super().__init__("Totals")
        self.setObjectName("totals_dock")
        self.model = TotalsModel()
        self.table = _table(self.model, "totals")
        # Each figure as wide as it is (a big night's GMV whole, never "10,754.…"), the last
        # column taking what is left; too narrow a panel scrolls sideways, cutting nothing.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.setWidget(self.table)

    def show_snapshot(self, snapshot: LedgerSnapshot) -> None:
        self.model.set_snapshot(snapshot)

    def show_metrics(self, total: MetricsFigures | None) -> None:
        """A metrics-only platform's running totals (its row says they are its own)."""
        self.model.set_metrics(total)


class PinWindowsDock(QDockWidget):
    """What sold while each product was pinned, newest pin first."""

    def __init__(self, title_of: TitleOf | None = None) -> None:
        super().__init__("Pin windows")
        self.setObjectName("pin_windows_dock")
        self.model = PinWindowsModel(title_of)
        self.table = _table(self.model, "pin_windows")
        self.table.verticalHeader().hide()
        _widths(
            self.table,
            {
                PCol.PINNED_AT: "Pinned at",
                PCol.ON_AIR: "On air",
                PCol.ORDERS: "Orders",
                PCol.UNITS: "Units",
                PCol.GMV: "99,999.99 USD",
                PCol.COMMISSION: "999.99 USD",
            },
        )
        self.table.horizontalHeader().setSectionResizeMode(
            PCol.PRODUCT, QHeaderView.ResizeMode.Stretch
        )
        self.share = ProductShare(
            self.table, PCol.PRODUCT, (PCol.COMMISSION, PCol.ORDERS, PCol.PINNED_AT)
        )
        self.setWidget(self.table)

    def show_snapshot(
        self, snapshot: LedgerSnapshot, now: datetime, show_ended: datetime | None = None
    ) -> None:
        self.model.set_snapshot(snapshot, now, show_ended)

    def show_metrics(self, by_window: Mapping[str, MetricsFigures], now: datetime) -> None:
        self.model.set_metrics(by_window, now)


# --------------------------------------------------------------------------- chart
@dataclass(frozen=True, slots=True)
class ChartPin:
    at: datetime
    label: str


@dataclass(frozen=True, slots=True)
class ChartData:
    """What the chart paints: one value per minute (oldest first) and the pins in range."""

    currency: str
    units: bool
    start: datetime  # the first minute shown
    values: tuple[Decimal, ...]
    pins: tuple[ChartPin, ...]


def chart_data(
    snapshot: LedgerSnapshot, title_of: TitleOf, units: bool = False
) -> ChartData | None:
    """Sales per minute in the currency with the most orders, from the show's first pin
    or sale to its latest sale: the axis scales to the show (at least ``CHART_MIN_MINUTES``,
    at most the last ``CHART_MAX_MINUTES``).

    Currencies are never added together, so the chart shows one: the one most orders
    were paid in (ties: the first code). None before the first sale.
    """
    if not snapshot.totals:
        return None
    code = min(snapshot.totals, key=lambda c: (-snapshot.totals[c].orders, c))
    minutes = {m: f for (m, c), f in snapshot.by_minute.items() if c == code}
    if not minutes:
        return None
    end = max(minutes)
    first = min(minutes)
    if snapshot.pins:
        started = min(pin.started_at for pin in snapshot.pins)
        first = min(first, started.replace(second=0, microsecond=0))
    span = int((end - first).total_seconds() // 60) + 1
    span = max(CHART_MIN_MINUTES, min(CHART_MAX_MINUTES, span))
    start = end - timedelta(minutes=span - 1) if span == CHART_MAX_MINUTES else first
    values = []
    for n in range(span):
        figures = minutes.get(start + timedelta(minutes=n))
        if figures is None:
            values.append(Decimal(0))
        else:
            values.append(Decimal(figures.units) if units else figures.gross.amount)
    pins = tuple(
        ChartPin(pin.started_at, title_of(pin.product_id))
        for pin in snapshot.pins
        if start <= pin.started_at < start + timedelta(minutes=len(values))
    )
    return ChartData(code, units, start, tuple(values), pins)


def _nice_ceiling(value: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, at least ``value``: round axis ticks."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if value <= step * power:
            return step * power
    return 10.0 * power


def tick_step(minute_width: float, label_width: float) -> int:
    """Minutes between time labels so that labels ``label_width`` wide never overlap."""
    for step in TICK_STEPS:
        if step * minute_width >= label_width:
            return step
    return TICK_STEPS[-1] * math.ceil(label_width / (TICK_STEPS[-1] * max(minute_width, 1e-3)))


def value_intervals(plot_height: float, label_height: float) -> int:
    """Steps between value labels (4, 2 or 1: the labels stay round numbers of the nice
    ceiling) so that labels ``label_height`` tall never overlap; a short panel gets fewer."""
    for intervals in VALUE_INTERVALS:
        if plot_height / intervals >= label_height:
            return intervals
    return VALUE_INTERVALS[-1]


def _tick(value: float) -> str:
    places = 0 if value >= 10 or value == int(value) else 1
    return decimal_text(Decimal(f"{value:.{places}f}"))


NO_SALES = "No sales yet this show"
NO_ORDERS = (
    "The platform reports running figures, not orders: there are no sales per minute. "
    "Its figures are in Totals and Pin windows."
)


class SalesChart(QWidget):
    """Bars per minute with vertical markers where pins started; palette colours only."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("sales_chart")
        self.setMinimumSize(280, 120)
        self._data: ChartData | None = None
        self.empty_text = NO_SALES

    @property
    def data(self) -> ChartData | None:
        return self._data

    def set_data(self, data: ChartData | None) -> None:
        self._data = data
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(520, 240)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        painter.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        text = pal.color(QPalette.ColorRole.Text)
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        data = self._data
        if data is None:
            painter.setPen(muted)
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(QRectF(self.rect()).adjusted(12, 0, -12, 0), flags, self.empty_text)
            painter.end()
            return
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        # Pixel geometry only: the Decimal totals become floats here to place bars; every
        # amount the user reads as money is formatted elsewhere from the Decimal.
        values = [float(v) for v in data.values]
        top_value = _nice_ceiling(max(values))
        top = line * (1.6 + PIN_LABEL_ROWS)
        plot_height = self.height() - top - line * 1.8
        intervals = value_intervals(plot_height, line)
        ticks = [top_value * i / intervals for i in range(intervals + 1)]
        left = max(metrics.horizontalAdvance(_tick(t)) for t in ticks) + 10
        plot = QRectF(left, top, self.width() - left - 10, plot_height)
        if plot.width() <= 0 or plot.height() <= 0:
            painter.end()
            return
        # axis title
        painter.setPen(muted)
        title = f"{'Units' if data.units else f'GMV ({data.currency})'} per minute"
        painter.drawText(QPointF(4, line), title)
        # grid and y ticks
        grid = QColor(muted)
        grid.setAlpha(70)
        for value in ticks:
            y = plot.bottom() - plot.height() * value / top_value
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(muted)
            label = _tick(value)
            painter.drawText(
                QPointF(left - 6 - metrics.horizontalAdvance(label), y + metrics.ascent() / 2 - 1),
                label,
            )
        # bars
        slot = plot.width() / len(values)
        bar = QColor(pal.color(QPalette.ColorRole.Highlight))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(bar)
        for n, value in enumerate(values):
            if value <= 0:
                continue
            height = plot.height() * value / top_value
            painter.drawRect(
                QRectF(
                    plot.left() + n * slot + slot * 0.15, plot.bottom() - height, slot * 0.7, height
                )
            )
        # x axis: time labels as often as they fit side by side
        painter.setPen(QPen(text, 1))
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        painter.setPen(muted)
        for n in range(0, len(values), tick_step(slot, metrics.horizontalAdvance("00:00") + 16)):
            label = (data.start + timedelta(minutes=n)).astimezone().strftime("%H:%M")
            x = plot.left() + n * slot
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
            painter.drawText(
                QPointF(x - metrics.horizontalAdvance(label) / 2, plot.bottom() + line + 2), label
            )
        # pin markers: labels cycle through the label rows; each may run up to the next
        # marker in its row (or the edge), else it goes left of its marker if there is
        # more room there, elided to fit either way
        accent = tone_color(Tone.ON_AIR, pal)
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        small_metrics = QFontMetrics(small)
        painter.setFont(small)
        xs = [plot.left() + (p.at - data.start).total_seconds() / 60 * slot for p in data.pins]
        row_ends = [0.0] * PIN_LABEL_ROWS
        for n, (pin, x) in enumerate(zip(data.pins, xs, strict=True)):
            row = n % PIN_LABEL_ROWS
            after = xs[n + PIN_LABEL_ROWS] if n + PIN_LABEL_ROWS < len(xs) else self.width()
            right_room = min(PIN_LABEL_WIDTH, after - x - 8)
            left_room = min(PIN_LABEL_WIDTH, x - row_ends[row] - 8)
            if right_room >= PIN_LABEL_WIDTH or right_room >= left_room:
                label = f"▸ {small_metrics.elidedText(pin.label, ELIDE, int(right_room) - 12)}"
                start = x + 2
            else:
                label = f"{small_metrics.elidedText(pin.label, ELIDE, int(left_room) - 12)} ◂"
                start = x - 2 - small_metrics.horizontalAdvance(label)
            row_ends[row] = start + small_metrics.horizontalAdvance(label)
            label_y = line * (1.9 + row)
            painter.setPen(QPen(accent, 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, label_y + 3), QPointF(x, plot.bottom()))
            painter.setPen(accent)
            painter.drawText(QPointF(start, label_y), label)
        painter.end()


class SalesChartDock(QDockWidget):
    """Sales per minute over the last half hour, with where each pin started."""

    def __init__(self, title_of: TitleOf | None = None) -> None:
        super().__init__("Sales per minute")
        self.setObjectName("sales_chart_dock")
        self._title_of: TitleOf = title_of or (lambda product_id: product_id)
        self._snapshot: LedgerSnapshot | None = None
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 6)
        bar = QHBoxLayout()
        bar.addWidget(plain_label("Show"))
        self.metric_box = QComboBox()
        self.metric_box.setObjectName("chart_metric")
        self.metric_box.addItems(["GMV", "Units"])
        self.metric_box.currentIndexChanged.connect(self._redraw)
        bar.addWidget(self.metric_box)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.chart = SalesChart()
        layout.addWidget(self.chart, 1)
        self.setWidget(body)

    def show_snapshot(self, snapshot: LedgerSnapshot) -> None:
        self._snapshot = snapshot
        self._redraw()

    def set_orders_known(self, known: bool) -> None:
        """False for a platform that reports running figures and no orders: the chart,
        made of orders, says so instead of waiting for sales."""
        self.chart.empty_text = NO_SALES if known else NO_ORDERS
        self.chart.update()

    def _redraw(self) -> None:
        snapshot = self._snapshot
        units = self.metric_box.currentIndex() == 1
        self.chart.set_data(
            chart_data(snapshot, self._title_of, units) if snapshot is not None else None
        )


# --------------------------------------------------------------------------- stock
class StockDock(QDockWidget):
    """Products sold out or running low: sold out first, then fewest left."""

    def __init__(self) -> None:
        super().__init__("Stock")
        self.setObjectName("stock_dock")
        self.list = QListWidget()
        self.list.setObjectName("stock_list")
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(True)
        font = QFont(self.list.font())
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.list.setFont(font)
        self.setWidget(self.list)
        self.show_warnings([])

    def show_warnings(self, warnings: Sequence[StockWarning]) -> None:
        self.list.clear()
        if not warnings:
            self.list.addItem("Nothing sold out or running low")
            self.setWindowTitle("Stock")
            return
        sold_out = sum(1 for w in warnings if w.left == 0)
        for warning in sorted(warnings, key=lambda w: (w.left, w.title.casefold())):
            tone = Tone.BAD if warning.left == 0 else Tone.WARNING
            text = f"{stock_text(warning.left, warning.stock_from)} — {warning.title}"
            entry = QListWidgetItem(text)  # item text is never rich text
            entry.setForeground(tone_color(tone, self.list.palette()))
            self.list.addItem(entry)
        low = len(warnings) - sold_out
        # a tab's title on a laptop: only the counts there are
        parts = [f"{sold_out} sold out"] * bool(sold_out) + [f"{low} low"] * bool(low)
        self.setWindowTitle(f"Stock: {', '.join(parts)}")
