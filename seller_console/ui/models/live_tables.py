"""The live side tables: the show's totals per currency, and the sales of each pin window.

Both are fed a whole ``LedgerSnapshot`` a few times a second (rule 3), so updates are kept
small for the views (selection and scroll position survive):

- same rows as before (same keys, same order): one ``dataChanged`` over the rows whose
  text changed, none when nothing did;
- new rows only at the top (a new pin window, newest first): one ``beginInsertRows`` for
  them, then ``dataChanged`` for the rows below that changed;
- anything else (a currency appearing in the middle, a pin that vanished on a resync):
  one model reset. This is rare, and a reset is the honest signal for it.

Cells are formatted once per snapshot; ``data()`` is a list lookup (rule 4). Text is shown
by item views as plain text; no tooltips are given, so no untrusted text is ever read
as rich text.

Their tones (good / warning / bad) are ``ui.theme``'s.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from seller_console.domain.rundown import format_duration
from seller_console.ui.numbers import amount_text, count_text, money_text
from seller_console.ui.theme import Tone, tone_color

if TYPE_CHECKING:  # the ledger's types: read when a snapshot arrives, on the live side
    from seller_console.domain.ledger import Figures, LedgerSnapshot
    from seller_console.domain.metrics import MetricsFigures

AnyIndex = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


MISSING = "—"


def local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M:%S")


@dataclass(slots=True)
class _Row:
    """One table row: its display cells, and which of them carry a tone."""

    cells: list[str]
    tones: dict[int, Tone] = field(default_factory=dict)


class _SnapshotTableModel(QAbstractTableModel):
    """Rows keyed by identity, replaced wholesale with the smallest signal that fits."""

    headers: tuple[str, ...] = ()
    right_aligned: frozenset[int] = frozenset()

    def __init__(self) -> None:
        super().__init__()
        self._keys: list[Hashable] = []
        self._rows: list[_Row] = []

    def _replace(self, keys: list[Hashable], rows: list[_Row]) -> None:
        added = len(keys) - len(self._keys)
        if added >= 0 and keys[added:] == self._keys:
            if added:
                self.beginInsertRows(QModelIndex(), 0, added - 1)
                self._keys, old, self._rows = keys, self._rows, rows
                self.endInsertRows()
            else:
                self._keys, old, self._rows = keys, self._rows, rows
            changed = [r for r in range(added, len(rows)) if rows[r] != old[r - added]]
            if changed:
                self.dataChanged.emit(
                    self.index(changed[0], 0), self.index(changed[-1], len(self.headers) - 1)
                )
            return
        self.beginResetModel()
        self._keys, self._rows = keys, rows
        self.endResetModel()

    def key(self, row: int) -> Hashable:
        return self._keys[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[col]
        if role == Qt.ItemDataRole.ForegroundRole:
            tone = row.tones.get(col)
            return QBrush(tone_color(tone)) if tone is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in self.right_aligned:
            return _RIGHT
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            return self.headers[section]
        return None


class TCol(IntEnum):
    GMV = 0
    REFUNDS = 1
    NET = 2
    ORDERS = 3
    UNITS = 4
    COMMISSION_ESTIMATED = 5
    COMMISSION_REPORTED = 6
    DIFFERENCE = 7


_TOTALS_TIPS = {
    TCol.COMMISSION_ESTIMATED.value: "Commission estimated from the commission terms",
    TCol.COMMISSION_REPORTED.value: "Commission the platform reported",
    TCol.DIFFERENCE.value: "Commission estimated minus reported; coloured when not zero",
}


class TotalsModel(_SnapshotTableModel):
    """The show's totals, one row per currency (never mixed), ordered by currency code.

    The vertical header names each row's currency, so cells show amounts alone and the
    eight columns fit a side panel. A metrics-only platform's own running figures (it
    reports no orders) take a last row, named ``USD (platform)``.
    """

    headers = (
        "GMV",
        "Refunds",
        "Net",
        "Orders",
        "Units",
        "Comm.\nest.",  # two lines: whole in a laptop's narrow column
        "Comm.\nrep.",
        "Diff.",
    )
    right_aligned = frozenset(TCol)

    def __init__(self) -> None:
        super().__init__()
        self._snapshot: LedgerSnapshot | None = None
        self._metrics: MetricsFigures | None = None

    def set_snapshot(self, snapshot: LedgerSnapshot) -> None:
        self._snapshot = snapshot
        self._rebuild()

    def set_metrics(self, total: MetricsFigures | None) -> None:
        self._metrics = total
        self._rebuild()

    def _rebuild(self) -> None:
        totals = self._snapshot.totals if self._snapshot is not None else {}
        codes = sorted(totals)
        keys: list[Hashable] = list(codes)
        rows = [_totals_row(totals[code]) for code in codes]
        metrics = self._metrics
        if metrics is not None and (metrics.orders or metrics.gmv is not None):
            code = metrics.gmv.currency.code if metrics.gmv is not None else ""
            keys.append(f"{code} (platform)".lstrip())
            gmv = amount_text(metrics.gmv) if metrics.gmv is not None else MISSING
            counts = [count_text(metrics.orders), count_text(metrics.sold_items)]
            rows.append(_Row([gmv, MISSING, MISSING, *counts, MISSING, MISSING, MISSING]))
        self._replace(keys, rows)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.ToolTipRole
            and section in _TOTALS_TIPS
        ):
            return _TOTALS_TIPS[section]
        if (
            orientation == Qt.Orientation.Vertical
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._keys)
        ):
            return str(self._keys[section])
        return super().headerData(section, orientation, role)


def _totals_row(f: Figures) -> _Row:
    refunds = amount_text(f.refunds)
    if f.refunded_orders:
        refunds += f" ({count_text(f.refunded_orders)})"
    cells = [
        amount_text(f.gross),
        refunds,
        amount_text(f.net),
        count_text(f.orders),
        count_text(f.units),
        amount_text(f.commission_estimated),
        amount_text(f.commission_reported),
        amount_text(f.commission_difference),
    ]
    tones = {TCol.DIFFERENCE.value: Tone.WARNING} if f.flagged else {}
    if f.refunded_orders:
        tones[TCol.REFUNDS.value] = Tone.BAD
    return _Row(cells, tones)


class PCol(IntEnum):
    PRODUCT = 0
    PINNED_AT = 1
    ON_AIR = 2
    ORDERS = 3
    UNITS = 4
    GMV = 5
    COMMISSION = 6


NOT_PINNED = "(nothing pinned)"


class PinWindowsModel(_SnapshotTableModel):
    """What sold while each product was pinned: newest pin first, one row per currency.

    A pin with no sales yet still has its row (zeros), so a product that did not sell is
    visible; orders placed while nothing was pinned get a last row of their own. A pin
    still on air counts up with the ``now`` of each snapshot; once the show has ended
    (``show_ended``) nothing is on air: a pin left open ends with the show, as the report
    counts it.
    """

    headers = ("Product", "Pinned at", "On air", "Orders", "Units", "GMV", "Commission est.")
    right_aligned = frozenset(
        {PCol.ON_AIR, PCol.ORDERS, PCol.UNITS, PCol.GMV, PCol.COMMISSION, PCol.PINNED_AT}
    )

    def __init__(self, title_of: Callable[[str], str] | None = None) -> None:
        super().__init__()
        self._title_of = title_of or (lambda product_id: product_id)
        self._snapshot: LedgerSnapshot | None = None
        self._show_ended: datetime | None = None
        self._metrics: Mapping[str, MetricsFigures] = {}

    def set_metrics(self, by_window: Mapping[str, MetricsFigures], now: datetime) -> None:
        """A metrics-only platform's growth per pin window (``NO_PIN``: before any pin):
        a window in which no order sold shows the platform's own figures instead."""
        self._metrics = by_window
        if self._snapshot is not None:
            self.set_snapshot(self._snapshot, now, self._show_ended)

    def set_snapshot(
        self, snapshot: LedgerSnapshot, now: datetime, show_ended: datetime | None = None
    ) -> None:
        from seller_console.domain.ledger import NO_PIN

        self._snapshot, self._show_ended = snapshot, show_ended
        codes_by_pin: dict[str, list[str]] = {}
        for pin_id, code in sorted(snapshot.by_pin):
            codes_by_pin.setdefault(pin_id, []).append(code)
        keys: list[Hashable] = []
        rows: list[_Row] = []
        for pin in sorted(snapshot.pins, key=lambda p: p.version, reverse=True):
            ended = pin.ended_at or show_ended
            # rounded as the report rounds it, so an ended window reads the same in both
            on_air = format_duration(round(((ended or now) - pin.started_at).total_seconds()))
            head = [self._title_of(pin.product_id), local_time(pin.started_at), on_air]
            tones = {} if ended is not None else {PCol.ON_AIR.value: Tone.ON_AIR}
            codes = codes_by_pin.get(pin.pin_id)
            if not codes:
                keys.append((pin.pin_id, ""))
                grew = self._metrics.get(pin.pin_id)
                sales = ["0", "0", MISSING, MISSING] if grew is None else _grown(grew)
                rows.append(_Row([*head, *sales], tones))
                continue
            for code in codes:
                keys.append((pin.pin_id, code))
                rows.append(_Row(head + _sales(snapshot.by_pin[pin.pin_id, code]), tones))
        shown = {pin.pin_id for pin in snapshot.pins}
        # Orders can name a pin the stream never reported (or none): they keep rows of
        # their own at the bottom, so the table adds up to the totals.
        for pin_id in sorted(set(codes_by_pin) - shown, key=lambda p: (p == NO_PIN, p)):
            label = NOT_PINNED if pin_id == NO_PIN else f"(pin {pin_id})"
            for code in codes_by_pin[pin_id]:
                keys.append((pin_id, code))
                rows.append(_Row([label, "", "", *_sales(snapshot.by_pin[pin_id, code])]))
        before = self._metrics.get(NO_PIN)
        if NO_PIN not in codes_by_pin and before is not None and before.orders:
            keys.append((NO_PIN, ""))
            rows.append(_Row([NOT_PINNED, "", "", *_grown(before)]))
        self._replace(keys, rows)


def _grown(m: MetricsFigures) -> list[str]:
    """A window's figures as the platform reported them: no commission of ours."""
    gmv = money_text(m.gmv) if m.gmv is not None else MISSING
    return [count_text(m.orders), count_text(m.sold_items), gmv, MISSING]


def _sales(f: Figures) -> list[str]:
    return [
        count_text(f.orders),
        count_text(f.units),
        money_text(f.gross),
        money_text(f.commission_estimated),
    ]
