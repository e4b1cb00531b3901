"""The end-of-show report: totals per currency, then a sortable tab per table, and CSV export.

Refresh (a past show that has ended): the dialog emits ``refresh_requested(show_id)``; the
window reads the show's orders again from its platform and opens the new report.

Export: the dialog only asks where (a save dialog opened with ``open()``) and emits
``export_chosen(Path)``; the window writes the file with ``services.reports.write_csv`` in a
thread and reports a disk error itself. The
dialog does no I/O.

Every cell is a preformatted display string with a sort key beside it (``Cell``), held by
``ReportTableModel``; the tables are a few hundred rows at most, so one plain model serves
them all, and the past-shows dialog too. Titles and ids come from the catalog and the
platform, so they are shown as plain text: table cells are never rich text, the header is a
plain label, and tooltips are escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHeaderView,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from seller_console.domain.ledger import NO_PIN, Figures
from seller_console.domain.money import Money
from seller_console.services.orders_import import MANUAL_PLATFORM
from seller_console.services.reports import ShowReport
from seller_console.services.show_clock import on_air_seconds
from seller_console.ui.dialogs.export import ask_csv_path, close_and_export_buttons, file_stem
from seller_console.ui.numbers import count_text, money_text
from seller_console.ui.widgets.product_share import ProductShare
from seller_console.ui.widgets.text import escaped_tooltip, plain_label

AnyIndex = QModelIndex | QPersistentModelIndex
SortValue = str | int | float | Decimal | datetime
MISSING = "—"
FLAG = "⚠ "
FLAG_TIP = "The platform reported a different commission than the console estimated."


# ---------------------------------------------------------------- cells and the table model
@dataclass(frozen=True, slots=True)
class Cell:
    """One preformatted cell. ``sort`` orders the column (None sorts after every value);
    ``flagged`` shows it in the warning colour, ``tip`` says why (plain text)."""

    text: str
    sort: SortValue | None
    numeric: bool = False
    flagged: bool = False
    tip: str | None = None


def text_cell(text: str) -> Cell:
    return Cell(text, text.casefold())


def number_cell(value: int | float | Decimal, text: str | None = None) -> Cell:
    if text is None:
        text = count_text(value) if isinstance(value, int) else str(value)
    return Cell(text, value, numeric=True)


def money_cell(money: Money, flagged: bool = False) -> Cell:
    text = money_text(money)
    if not flagged:
        return Cell(text, money.amount, numeric=True)
    return Cell(FLAG + text, money.amount, numeric=True, flagged=True, tip=FLAG_TIP)


def time_cell(moment: datetime | None, with_date: bool = False) -> Cell:
    if moment is None:
        return Cell(MISSING, None)
    shown = moment.astimezone().strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M:%S")
    return Cell(shown, moment)


def seconds_cell(seconds: float | None, signed: bool = False) -> Cell:
    if seconds is None:
        return Cell(MISSING, None, numeric=True)
    return Cell(clock_text(seconds, signed), seconds, numeric=True)


def clock_text(seconds: float, signed: bool = False) -> str:
    """``12:05`` or ``1:02:05``; ``signed`` adds a plus or minus sign (over or under plan)."""
    whole = round(abs(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    if not signed:
        return text
    return ("−" if seconds < 0 and whole else "+") + text


@dataclass(frozen=True, slots=True)
class TableRow:
    """A row's cells and ``key``: what the row stands for (a show id, a product id)."""

    key: str
    cells: tuple[Cell, ...]


def _warning_color() -> QColor:
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return QColor("#fdd663" if window.lightnessF() < 0.5 else "#a15c00")


class ReportTableModel(QAbstractTableModel):
    """A small read-only table of preformatted cells, sortable by any column."""

    def __init__(
        self, headers: Sequence[str], rows: Iterable[TableRow], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._rows = list(rows)
        if any(len(row.cells) != len(self._headers) for row in self._rows):
            raise ValueError("every row needs one cell per header")

    def row_key(self, row: int) -> str:
        return self._rows[row].key

    def cell(self, row: int, column: int) -> Cell:
        return self._rows[row].cells[column]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        cell = self._rows[index.row()].cells[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.ToolTipRole:
            if cell.tip is not None:
                return escaped_tooltip(cell.tip)
            return None if cell.numeric or cell.sort is None else escaped_tooltip(cell.text)
        if role == Qt.ItemDataRole.TextAlignmentRole and cell.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and cell.flagged:
            return _warning_color()
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._headers):
            return
        descending = order == Qt.SortOrder.DescendingOrder

        def key(row: TableRow) -> tuple[bool, Any]:
            value = row.cells[column].sort
            # values first in either order; a missing value always last
            return (value is None) != descending, value if value is not None else 0

        self.layoutAboutToBeChanged.emit()
        self._rows.sort(key=key, reverse=descending)
        self.layoutChanged.emit()


def report_table(model: ReportTableModel, name: str, widest: int = 280) -> QTableView:
    """A read-only, sortable, row-selecting view over ``model`` in the order given until a
    header is clicked, its columns fitted to their contents (the tables are small: a show's
    products and pins) but none wider than ``widest``; a last column of text takes the
    room left."""
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    header = table.horizontalHeader()
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # no sort until asked
    table.setSortingEnabled(True)
    table.setWordWrap(False)
    table.setAlternatingRowColors(True)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    last = model.columnCount() - 1
    header.setStretchLastSection(model.rowCount() > 0 and not model.cell(0, last).numeric)
    table.resizeColumnsToContents()
    for column in range(model.columnCount()):
        table.setColumnWidth(column, min(widest, table.columnWidth(column)))
    return table


# ---------------------------------------------------------------- the report's tables
FIGURE_HEADERS = (  # long ones on two lines: every column fits at 1366x768
    "Orders",
    "Units",
    "Refunded",
    "GMV",
    "Refunds",
    "Net",
    "Est.\ncommission",
    "Platform\ncommission",
    "Difference",
    "Platform\nest.",
    "Settled",
    "Settled\norders",
    "Awaiting",
)
SETTLEMENT_HEADERS = frozenset(FIGURE_HEADERS[-4:])  # platform est., settled, ... awaiting
DIALOG_SIZE = QSize(1600, 700)
SCREEN_MARGIN = 24  # the window's frame, and a little of the screen around it
PRODUCT_ID_WIDEST = 120  # an id is elided past it, whole in its tooltip
TITLE_CHARS = 18  # a title column narrower than this folds the least needed columns away
FOLD_FIRST = (  # what folds away, in this order, when a window is too narrow for every column
    "Refunded",  # the count: Refunds says how much
    "Settled\norders",  # Awaiting says how many are left
    "Platform\nest.",  # once settled, Settled is what counts
    "Units",
    "Difference",  # a flagged difference is said in the summary too
)


def figure_cells(f: Figures) -> tuple[Cell, ...]:
    return (
        number_cell(f.orders),
        number_cell(f.units),
        number_cell(f.refunded_orders),
        money_cell(f.gross),
        money_cell(f.refunds),
        money_cell(f.net),
        money_cell(f.commission_estimated),
        money_cell(f.commission_reported),
        money_cell(f.commission_difference.rounded(), flagged=f.flagged),
        money_cell(f.platform_estimate),
        money_cell(f.settled),
        number_cell(f.settled_orders),
        number_cell(f.unsettled_orders),
    )


def totals_model(report: ShowReport) -> ReportTableModel:
    rows = (
        TableRow(code, (text_cell(code), *figure_cells(f)))
        for code, f in sorted(report.totals.items())
    )
    return ReportTableModel(("Currency", *FIGURE_HEADERS), rows)


def products_model(report: ShowReport) -> ReportTableModel:
    rows = (
        TableRow(
            product_id,
            (
                text_cell(report.title_of(product_id)),
                text_cell(product_id),
                *figure_cells(f),
            ),
        )
        for (product_id, _code), f in sorted(report.by_product.items())
    )
    return ReportTableModel(("Product", "Product id", *FIGURE_HEADERS), rows)


def pins_model(report: ShowReport) -> ReportTableModel:
    """Every pin window (those that sold nothing too), then what sold with nothing pinned."""
    rows = []
    for w in report.windows:
        product = text_cell(report.title_of(w.window.product_id))
        started, on_air = time_cell(w.window.started_at), seconds_cell(w.seconds)
        for f in w.figures:
            key = f"{w.window.pin_id} {f.currency.code}"
            rows.append(TableRow(key, (product, started, on_air, *figure_cells(f))))
    for (pin_id, code), f in sorted(report.by_pin.items()):
        if pin_id == NO_PIN:
            cells = (text_cell("(nothing pinned)"), time_cell(None), seconds_cell(None))
            rows.append(TableRow(f"{NO_PIN} {code}", (*cells, *figure_cells(f))))
    return ReportTableModel(("Pinned product", "Pinned at", "On air", *FIGURE_HEADERS), rows)


def _seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def timeline_model(report: ShowReport) -> ReportTableModel:
    rows = []
    for n, e in enumerate(report.timeline):
        latency = (
            seconds_cell(None)
            if e.latency_ms is None
            else number_cell(e.latency_ms, f"{e.latency_ms:.0f} ms")
        )
        cells = (
            number_cell(n + 1),
            text_cell(report.title_of(e.product_id)),
            text_cell(e.outcome),
            time_cell(e.sent_at),
            latency,
            time_cell(e.started_at),
            time_cell(e.ended_at),
            seconds_cell(_seconds_between(e.started_at, e.ended_at)),
            text_cell(e.failure or ""),
        )
        rows.append(TableRow(e.pin_id or f"#{n}", cells))
    headers = ("#", "Product", "Outcome", "Sent", "Latency", "On air from", "Until", "On air")
    return ReportTableModel((*headers, "Failure"), rows)


def segments_model(report: ShowReport) -> ReportTableModel:
    rows = (
        TableRow(
            t.segment.item_id,
            (
                number_cell(t.segment.position + 1),
                text_cell(t.segment.title),
                seconds_cell(t.segment.planned_seconds),
                seconds_cell(t.actual_seconds),
                seconds_cell(t.over_seconds, signed=True),
            ),
        )
        for t in report.timings
    )
    return ReportTableModel(("#", "Product", "Planned", "Actual", "Over (+) / under (−)"), rows)


def metrics_model(report: ShowReport) -> ReportTableModel:
    """A metrics-only platform's own figures per pin window (no orders behind them)."""
    products = {w.window.pin_id: w.window.product_id for w in report.windows}
    rows = []
    for pin_id, grew in report.metrics.items():
        title = report.title_of(products[pin_id]) if pin_id in products else "(nothing pinned)"
        gmv = "" if grew.gmv is None else grew.gmv.rounded().format()
        cells = (
            text_cell(title),
            text_cell(gmv),
            number_cell(grew.orders),
            number_cell(grew.sold_items),
            number_cell(grew.clicks),
        )
        rows.append(TableRow(pin_id or "-", cells))
    headers = ("Pinned product", "GMV (platform)", "Orders", "Items sold", "Clicks")
    return ReportTableModel(headers, rows)


def rejected_model(report: ShowReport) -> ReportTableModel:
    """What the platform sent that could not be applied: kept, with the reason (plain text)."""
    rows = (
        TableRow(
            f"{n}",
            (
                text_cell(r.event_type),
                text_cell(r.event_id),
                text_cell(r.reason),
                text_cell(r.raw[:200]),
            ),
        )
        for n, r in enumerate(report.rejected)
    )
    return ReportTableModel(("Kind", "Id", "Why it could not be applied", "As sent"), rows)


def summary_lines(report: ShowReport) -> list[str]:
    """The header's lines under the title: when, how long against plan, flagged orders."""
    show = report.show
    planned = sum(t.segment.planned_seconds for t in report.timings)
    actual = on_air_seconds(show)  # the stage's clock, at the show's end
    when = (
        f"Started {time_cell(show.started_at, with_date=True).text}"
        if show.started_at
        else "Not started"
    )
    if show.ended_at is not None:
        when += f", ended {time_cell(show.ended_at, with_date=True).text}"
    elif show.started_at is not None:
        when += ", still live"
    timing = f"Planned {clock_text(planned)}"
    if actual is not None:
        over = actual - planned
        side = "over" if over >= 0 else "under"
        timing += f", actual {clock_text(actual)} ({clock_text(over)} {side} plan)"
    lines = [f"{when}.  {timing}."]
    flagged = len(report.flagged_orders)
    if flagged:
        noun = "order" if flagged == 1 else "orders"
        lines.append(
            f"{FLAG}The platform reported a different commission on {count_text(flagged)} {noun}: "
            "see the flagged differences."
        )
    elif report.totals:
        lines.append("Commission estimates match what the platform reported.")
    else:
        lines.append("No orders in this show.")
    for code, f in sorted(report.totals.items()):
        if f.settled_orders or report.show.refreshed_at is not None:
            lines.append(
                f"{code}: the platform estimates {money_text(f.platform_estimate)} commission; "
                f"{money_text(f.settled)} settled on {count_text(f.settled_orders)} "
                f"{'order' if f.settled_orders == 1 else 'orders'}, "
                f"{count_text(f.unsettled_orders)} awaiting settlement."
            )
    if report.show.refreshed_at is not None:
        when = time_cell(report.show.refreshed_at, with_date=True).text
        lines.append(f"Orders last read again from the platform {when}.")
    if report.metrics_total is not None:
        lines.append(
            "Sales here are the platform's own metrics (GMV, orders, items sold), attributed "
            "to the pin window they were read in; the platform reports no orders."
        )
    if report.rejected:
        count = len(report.rejected)
        lines.append(
            f"{FLAG}{count_text(count)} of the platform's events could not be applied: "
            'see "Could not apply".'
        )
    return lines


def default_export_name(report: ShowReport) -> str:
    """A safe file name from the show's title (which is untrusted text)."""
    return f"{file_stem(report.show.title, report.show.id)}-report.csv"


def _fit(table: QTableView, title: int) -> ProductShare:
    """The title column takes the room the others leave, no less than ``TITLE_CHARS``
    characters (a long title elided, whole in its tooltip); below that the columns a seller
    needs least fold away, in ``FOLD_FIRST`` order (only those shown: the settlement
    columns of a show with nothing settled stay hidden), and come back as the window
    widens. Right-clicking the header shows or hides any column."""
    model = table.model()
    names = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    fold = [names.index(n) for n in FOLD_FIRST if n in names]
    fold = [c for c in fold if not table.isColumnHidden(c)]
    return ProductShare(table, title, fold, TITLE_CHARS, fill=True, menu=True)


def _hide_settlement(table: QTableView) -> None:
    """Before anything is settled (and the show's orders were never read again) the
    settlement columns say nothing the others do not (the platform's estimate is its
    commission, nothing settled, every order awaiting): hidden, the product has the room."""
    model = table.model()
    for column in range(model.columnCount()):
        if model.headerData(column, Qt.Orientation.Horizontal) in SETTLEMENT_HEADERS:
            table.setColumnHidden(column, True)


# ---------------------------------------------------------------- the dialog
class ShowReportDialog(QDialog):
    """One show's report. ``export_chosen(Path)``: where the user asked to save the CSV."""

    export_chosen = Signal(object)
    refresh_requested = Signal(str)
    orders_import_requested = Signal(str, object)  # show id, the export's Path

    def __init__(self, report: ShowReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("show_report_dialog")
        self.setWindowTitle(f"Show report: {report.show.title}")
        screen = parent.screen() if parent is not None else self.screen()
        room = screen.availableSize() - QSize(SCREEN_MARGIN, SCREEN_MARGIN)
        # as wide as the screen allows, up to DIALOG_SIZE: at 1366x768 every column fits
        self.resize(DIALOG_SIZE.boundedTo(room))
        self.report = report
        layout = QVBoxLayout(self)

        self.title = plain_label(report.show.title, wrap=True)
        self.title.setObjectName("report_title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.summary = plain_label("\n".join(summary_lines(report)), wrap=True)
        self.summary.setObjectName("report_summary")
        layout.addWidget(self.summary)

        self.totals_model = totals_model(report)
        self.totals = report_table(self.totals_model, "report_totals")
        settled = report.show.refreshed_at is not None or any(
            f.settled_orders for f in report.totals.values()
        )
        if not settled:
            _hide_settlement(self.totals)
        rows = max(1, self.totals_model.rowCount())
        height = self.totals.horizontalHeader().sizeHint().height()
        height += rows * self.totals.verticalHeader().defaultSectionSize() + 4
        # a narrow window scrolls the totals sideways: the bar must not cover the last row
        height += self.totals.horizontalScrollBar().sizeHint().height()
        self.totals.setFixedHeight(height)
        self.totals.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.totals)

        self.products_model = products_model(report)
        self.pins_model = pins_model(report)
        self.timeline_model = timeline_model(report)
        self.segments_model = segments_model(report)
        self.rejected_model = rejected_model(report)
        self.metrics_model = metrics_model(report)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("report_tabs")
        # It opens on the show's sales: its orders per product (or per pin window), or for
        # a metrics-only platform (figures, no orders) the platform's metrics.
        sales = (self.products_model, self.pins_model, self.metrics_model)
        opening: QTableView | None = None
        for model, name, label, title in (
            (self.products_model, "report_products", "Per product", 0),
            (self.pins_model, "report_pins", "Per pin window", 0),
            (self.timeline_model, "report_timeline", "Pin timeline", 1),
            (self.segments_model, "report_segments", "Planned vs actual", 1),
            (self.metrics_model, "report_metrics", "Platform metrics", 0),
            (self.rejected_model, "report_rejected", "Could not apply", None),
        ):
            if name in ("report_metrics", "report_rejected") and not model.rowCount():
                continue  # only for a metrics-only platform, or what could not be applied
            table = report_table(model, name)
            if not settled:
                _hide_settlement(table)
            if model is self.products_model:
                table.setColumnWidth(1, min(PRODUCT_ID_WIDEST, table.columnWidth(1)))
            if title is not None:
                _fit(table, title)
            self.tabs.addTab(table, f"{label} ({model.rowCount()})")
            if opening is None and model in sales and model.rowCount():
                opening = table
        if opening is not None:
            self.tabs.setCurrentWidget(opening)
        layout.addWidget(self.tabs, 1)

        buttons, self.export = close_and_export_buttons(
            self, "report_export_csv", self._choose_export
        )
        self.refresh = QPushButton("Refresh")
        self.refresh.setObjectName("report_refresh")
        self.refresh.setToolTip(
            "Read this show's orders again from the platform: what settled or was refunded since"
        )
        self.refresh.clicked.connect(self._refresh)
        buttons.addButton(self.refresh, buttons.ButtonRole.ActionRole)
        self.refresh.setVisible(report.show.ended_at is not None)  # a past show only
        self.import_orders = QPushButton("Import orders export…")
        self.import_orders.setObjectName("report_import_orders")
        self.import_orders.setToolTip(
            "Manual pins: import the orders file the platform's seller centre exports; its "
            "orders count in the pin window their time fell in"
        )
        self.import_orders.clicked.connect(self._choose_orders_export)
        buttons.addButton(self.import_orders, buttons.ButtonRole.ActionRole)
        manual = report.show.owner.platform == MANUAL_PLATFORM
        self.import_orders.setVisible(manual and report.show.ended_at is not None)
        if manual or report.show.owner.platform == "shopee":
            self.refresh.setVisible(False)  # no orders to read again (metrics only, or none)
        layout.addWidget(buttons)

    def _refresh(self) -> None:
        self.refresh.setEnabled(False)
        self.refresh.setText("Refreshing…")
        self.refresh_requested.emit(self.report.show.id)

    def refresh_failed(self, reason: str) -> None:
        """The refresh could not be done: say why under the summary; Refresh works again."""
        self.summary.setText("\n".join([*summary_lines(self.report), f"{FLAG}{reason}"]))
        self.refresh.setText("Refresh")
        self.refresh.setEnabled(True)

    def _choose_orders_export(self) -> None:
        dialog = QFileDialog(self, "Import orders export", "", "CSV files (*.csv *.tsv *.txt)")
        dialog.setObjectName("orders_export_file_dialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(
            lambda name: self.orders_import_requested.emit(self.report.show.id, Path(name))
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _choose_export(self) -> None:
        default = Path.home() / default_export_name(self.report)
        ask_csv_path(self, "Export show report", default, self.export_chosen.emit)
