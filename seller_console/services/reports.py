"""The end-of-show report, past shows, and the CSV export.

The report is built from the ledger (per product and per pin window: units, GMV,
refunds, commission estimated and platform-reported, differences flagged), the planned
rundown against the time each product was actually pinned, and the pin timeline with
each pin's round-trip latency. ``ShowReports`` rebuilds it for any stored show, with the
commission terms the show ran with (kept with its planned segments), so a report is the
same whenever it is opened.

Commission is shown three ways per product, pin window and currency: our estimate from
the catalog's terms, the platform's own estimate, and what the platform has settled (with
how many orders are settled and how many still wait). ``ShowReports.refresh`` reads a past
show's orders again from the platform (its whole time window), so orders that settled or
were refunded since move; it is idempotent, and stamps the show's ``refreshed_at``.

Every CSV file the app writes goes through ``csv_writer``, which neutralises cells a
spreadsheet would run as a formula (OWASP "CSV injection"): titles and ids come from
catalogs and platforms, and ``=HYPERLINK(...)`` or ``@SUM(...)`` must stay text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, TextIO

from seller_console.domain.commission import CommissionPolicy, ProductTerms
from seller_console.domain.errors import DomainError
from seller_console.domain.events import EventRejected, MetricsReported
from seller_console.domain.ledger import NO_PIN, Figures, Ledger, LedgerSnapshot, PinWindow
from seller_console.domain.metrics import MetricsFigures, by_window, growth
from seller_console.domain.money import Currency
from seller_console.domain.orders import Order, OrderStatus
from seller_console.domain.show_records import PinReceipt, PlannedSegment, ShowRecord, ShowTotals
from seller_console.domain.storage_port import StorageError
from seller_console.services.ports import OrderSource, ShowStorage


@dataclass(frozen=True, slots=True)
class SegmentTiming:
    """A planned segment against the seconds its product was actually pinned."""

    segment: PlannedSegment
    actual_seconds: float

    @property
    def over_seconds(self) -> float:
        return self.actual_seconds - self.segment.planned_seconds


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One pin: when it was sent and answered (latency), and its window on the stream."""

    product_id: str
    sent_at: datetime | None
    outcome: str
    latency_ms: float | None
    pin_id: str | None
    started_at: datetime | None
    ended_at: datetime | None
    failure: str | None


@dataclass(frozen=True, slots=True)
class WindowFigures:
    """One pin window and what sold in it, per currency (zero where nothing sold)."""

    window: PinWindow
    ended_at: datetime  # the window's end, or the show's end (or now) while it is open
    figures: tuple[Figures, ...]

    @property
    def seconds(self) -> float:
        return max(0.0, (self.ended_at - self.window.started_at).total_seconds())


@dataclass(frozen=True, slots=True)
class ShowReport:
    show: ShowRecord
    totals: Mapping[str, Figures]
    by_product: Mapping[tuple[str, str], Figures]
    by_pin: Mapping[tuple[str, str], Figures]
    timings: tuple[SegmentTiming, ...]
    timeline: tuple[TimelineEntry, ...]
    flagged_orders: frozenset[str]
    windows: tuple[WindowFigures, ...] = ()
    """Every pin window, in order, including those in which nothing sold."""
    titles: Mapping[str, str] = field(default_factory=dict)
    """Showcase product id -> the title with its variant (``Serum — 50 ml``)."""
    rejected: tuple[EventRejected, ...] = ()
    """What the platform sent that could not be applied, with the reason for each."""
    metrics: dict[str, MetricsFigures] = field(default_factory=dict)
    """A metrics-only platform's own figures per pin window (``NO_PIN``: before any pin):
    the platform's numbers, not orders of ours."""
    metrics_total: MetricsFigures | None = None

    def title_of(self, product_id: str) -> str:
        return self.titles.get(product_id, product_id)


@dataclass(frozen=True, slots=True)
class ShowSummary:
    """A show and what it sold, for the list of past shows. ``problem``: why its figures
    could not be read (a damaged record); the show is listed all the same."""

    show: ShowRecord
    totals: ShowTotals = field(default_factory=ShowTotals)
    problem: str | None = None


def totals_of(report: ShowReport) -> ShowTotals:
    figures = sorted(report.totals.values(), key=lambda f: (-f.orders, f.currency.code))
    return ShowTotals(tuple(figures), report.metrics_total)


def policy_of(segments: tuple[PlannedSegment, ...]) -> CommissionPolicy:
    """The commission terms a show ran with, from its planned segments."""
    return CommissionPolicy(
        {s.product_id: ProductTerms("", s.commission_rate or Decimal(0)) for s in segments}
    )


def build_report(
    show: ShowRecord,
    snapshot: LedgerSnapshot,
    segments: tuple[PlannedSegment, ...],
    receipts: tuple[PinReceipt, ...],
    now: datetime,
    rejected: tuple[EventRejected, ...] = (),
    metrics: tuple[MetricsReported, ...] = (),
) -> ShowReport:
    """The report of ``show`` at ``now`` (a window still open ends at the show's end or now)."""
    end = show.ended_at or now
    windows = snapshot.pins

    def seconds(window: PinWindow) -> float:
        return max(0.0, ((window.ended_at or end) - window.started_at).total_seconds())

    pinned: dict[str, float] = {}
    for window in windows:
        pinned[window.product_id] = pinned.get(window.product_id, 0.0) + seconds(window)
    timings = []
    for segment in segments:
        # a product planned twice shares its pinned time between its segments
        share = sum(1 for s in segments if s.product_id == segment.product_id)
        timings.append(SegmentTiming(segment, pinned.get(segment.product_id, 0.0) / share))
    by_pin_id = {w.pin_id: w for w in windows}
    timeline: list[TimelineEntry] = []
    for receipt in receipts:
        found: PinWindow | None = by_pin_id.pop(receipt.pin_id, None) if receipt.pin_id else None
        timeline.append(
            TimelineEntry(
                product_id=receipt.product_id,
                sent_at=receipt.sent_at,
                outcome=receipt.outcome.value,
                latency_ms=receipt.latency_ms,
                pin_id=receipt.pin_id,
                started_at=found.started_at if found is not None else None,
                ended_at=(found.ended_at or end) if found is not None else None,
                failure=receipt.failure,
            )
        )
    for window in by_pin_id.values():  # pins made outside the console (operator, platform)
        timeline.append(
            TimelineEntry(
                window.product_id,
                None,
                "observed",
                None,
                window.pin_id,
                window.started_at,
                window.ended_at or end,
                None,
            )
        )
    timeline.sort(key=lambda t: t.started_at or t.sent_at or end)
    currencies = sorted(snapshot.totals) or sorted(
        {s.live_price.currency.code for s in segments if s.live_price is not None}
    )
    window_figures = tuple(
        WindowFigures(
            w,
            w.ended_at or end,
            tuple(
                snapshot.by_pin.get((w.pin_id, code)) or Figures.zero(Currency.of(code))
                for code in currencies
            ),
        )
        for w in sorted(windows, key=lambda w: w.version)
    )
    return ShowReport(
        show=show,
        totals=snapshot.totals,
        by_product=snapshot.by_product,
        by_pin=snapshot.by_pin,
        timings=tuple(timings),
        timeline=tuple(timeline),
        flagged_orders=snapshot.flagged_orders,
        windows=window_figures,
        titles={s.product_id: s.title for s in segments},
        rejected=rejected,
        metrics=by_window(metrics, windows),
        metrics_total=growth(None, metrics[-1]) if metrics else None,
    )


_FIGURE_HEADER = [
    "orders",
    "units",
    "refunded_orders",
    "gross",
    "refunds",
    "net",
    "commission_estimated",
    "commission_reported",
    "commission_difference",
    "flagged",
    "commission_platform_estimate",
    "commission_settled",
    "settled_orders",
    "unsettled_orders",
]


def _figures(f: Figures) -> list[str]:
    return [
        str(f.orders),
        str(f.units),
        str(f.refunded_orders),
        str(f.gross.rounded().amount),
        str(f.refunds.rounded().amount),
        str(f.net.rounded().amount),
        str(f.commission_estimated.rounded().amount),
        str(f.commission_reported.rounded().amount),
        str(f.commission_difference.rounded().amount),
        "yes" if f.flagged else "",
        str(f.platform_estimate.rounded().amount),
        str(f.settled.rounded().amount),
        str(f.settled_orders),
        str(f.unsettled_orders),
    ]


_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER: Final = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)


def neutralise_csv_cell(value: object) -> str:
    """A cell as text a spreadsheet shows and never runs.

    A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading single quote (``'=HYPERLINK(...)``), as OWASP advises: Excel, LibreOffice and
    Sheets then show it as text. A plain number (``-12.50``, a refund) is left as it is:
    it cannot be a formula, and it must stay a number for whoever adds the column up.
    """
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeCsvWriter:
    """``csv.writer`` whose every cell goes through ``neutralise_csv_cell``."""

    def __init__(self, handle: TextIO) -> None:
        self._out = csv.writer(handle)

    def writerow(self, row: Iterable[Any]) -> None:
        self._out.writerow([neutralise_csv_cell(cell) for cell in row])


def csv_writer(handle: TextIO) -> SafeCsvWriter:
    """The one way the app writes CSV (reports, import problems): formulas neutralised."""
    return SafeCsvWriter(handle)


def _time(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(UTC).isoformat()


def write_csv(report: ShowReport, path: Path) -> None:
    """The report as one CSV file (see ``write_report_csv``)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        write_report_csv(report, handle)


def write_report_csv(report: ShowReport, handle: TextIO) -> None:
    """The report as CSV: a block per section, each with its own header row. Amounts are
    plain decimals at the currency's minor unit, beside the currency code; text cells that a
    spreadsheet would run as a formula are neutralised (``csv_writer``)."""
    out = csv_writer(handle)
    show = report.show
    out.writerow(["section", "show_id", "title", "started_at", "ended_at", "read_again_at"])
    out.writerow(
        [
            "show",
            show.id,
            show.title,
            _time(show.started_at),
            _time(show.ended_at),
            _time(show.refreshed_at),
        ]
    )
    out.writerow([])
    out.writerow(["section", "currency", *_FIGURE_HEADER])
    for code, figures in sorted(report.totals.items()):
        out.writerow(["totals", code, *_figures(figures)])
    out.writerow([])
    out.writerow(["section", "product_id", "title", "currency", *_FIGURE_HEADER])
    for (product_id, code), figures in sorted(report.by_product.items()):
        title = report.title_of(product_id)
        out.writerow(["product", product_id, title, code, *_figures(figures)])
    out.writerow([])
    out.writerow(
        ["section", "pin_id", "title", "started_at", "on_air_s", "currency", *_FIGURE_HEADER]
    )
    for w in report.windows:
        head = [w.window.pin_id, report.title_of(w.window.product_id)]
        head += [_time(w.window.started_at), f"{w.seconds:.0f}"]
        for figures in w.figures:
            out.writerow(["pin", *head, figures.currency.code, *_figures(figures)])
    for (pin_id, code), figures in sorted(report.by_pin.items()):
        if pin_id == NO_PIN:
            out.writerow(["pin", "(no pin)", "", "", "", code, *_figures(figures)])
    out.writerow([])
    out.writerow(["section", "position", "product_id", "title", "planned_s", "actual_s"])
    for t in report.timings:
        s = t.segment
        row = [s.position, s.product_id, s.title, s.planned_seconds, f"{t.actual_seconds:.0f}"]
        out.writerow(["segment", *row])
    out.writerow([])
    out.writerow(
        [
            "section",
            "product_id",
            "pin_id",
            "outcome",
            "sent_at",
            "latency_ms",
            "started_at",
            "ended_at",
            "failure",
        ]
    )
    for e in report.timeline:
        latency = "" if e.latency_ms is None else f"{e.latency_ms:.1f}"
        out.writerow(
            [
                "pin",
                e.product_id,
                e.pin_id or "",
                e.outcome,
                _time(e.sent_at),
                latency,
                _time(e.started_at),
                _time(e.ended_at),
                e.failure or "",
            ]
        )
    if report.metrics:
        out.writerow([])
        out.writerow(
            ["section (platform metrics)", "pin_id", "title", "gmv", "orders", "sold", "clicks"]
        )
        windows = {w.window.pin_id: w.window.product_id for w in report.windows}
        for pin_id, grew in report.metrics.items():
            title = report.title_of(windows[pin_id]) if pin_id in windows else "(no pin)"
            gmv = "" if grew.gmv is None else grew.gmv.rounded().format()
            row = [pin_id, title, gmv, grew.orders, grew.sold_items, grew.clicks]
            out.writerow(["metrics", *row])
    out.writerow([])
    out.writerow(["section", "event_type", "event_id", "reason", "raw"])
    for r in report.rejected:
        out.writerow(["could not apply", r.event_type, r.event_id, r.reason, r.raw])


def _utcnow() -> datetime:
    return datetime.now(UTC)


class RefreshError(DomainError):
    """A show whose orders cannot be read again (it never went live, or it is still on)."""


@dataclass(frozen=True, slots=True)
class RefreshOutcome:
    """What a refresh found: orders read, and of those the ones new to the show, newly
    settled and newly refunded or cancelled (0, 0, 0 when nothing moved)."""

    read: int
    new: int
    settled: int
    refunded: int

    def summary(self) -> str:
        if not (self.new or self.settled or self.refunded):
            return f"Read {self.read} orders again: nothing changed."
        return (
            f"Read {self.read} orders again: {self.new} new, {self.settled} settled, "
            f"{self.refunded} refunded."
        )


def _named_as_stored(order: Order, products: dict[str, str]) -> Order:
    """``order`` with each line's product id as the show stored it for that SKU (a platform
    adapter opened after the show may not know our ids for its products yet)."""
    lines = tuple(
        replace(line, product_id=products[line.sku]) if line.sku in products else line
        for line in order.lines
    )
    return order if lines == order.lines else replace(order, lines=lines)


class ShowReports:
    """Past shows, listable and reopenable, and their reports."""

    def __init__(self, storage: ShowStorage, *, clock: Callable[[], datetime] = _utcnow) -> None:
        self._storage = storage
        self._clock = clock

    @property
    def storage(self) -> ShowStorage:
        return self._storage

    async def list_shows(self) -> tuple[ShowRecord, ...]:
        return await self._storage.list_shows()

    async def summaries(self) -> tuple[ShowSummary, ...]:
        """Every show, newest first, with its totals as its report has them: kept since
        its orders last changed, else made from its report (and kept). A show whose
        records cannot be read is listed with the reason, so one damaged show never hides
        the others."""
        kept = await self._storage.kept_totals()  # read first: a write after it is newer
        found: list[ShowSummary] = []
        for show in await self._storage.list_shows():
            version, totals = kept.get(show.id, (0, None))
            if totals is None:
                try:
                    totals = totals_of(await self.report(show.id))
                except (StorageError, DomainError) as exc:
                    found.append(ShowSummary(show, problem=str(exc)))
                    continue
                await self._storage.keep_totals(show.id, version, totals)
            found.append(ShowSummary(show, totals))
        return tuple(found)

    async def _ledger(self, show: ShowRecord, segments: tuple[PlannedSegment, ...]) -> Ledger:
        ledger = Ledger(policy_of(segments), attribute_by_time=show.by_time)
        for pin in await self._storage.load_pins(show.id):
            ledger.pin_seen(pin)
        ledger.apply_all(await self._storage.load_orders(show.id))
        return ledger

    async def refresh(self, show_id: str, source: OrderSource) -> RefreshOutcome:
        """Read the show's orders again from ``source`` for its whole time window and keep
        what moved (settled, refunded, new). Twice in a row gives the same figures.

        An order the show did not have is new only when it was placed before the show
        ended: a source may read past the end (TikTok's search is widened for clock
        differences), and a LIVE may sell on after End show (the creator ends it in TikTok),
        but the show's figures were final at End show."""
        show = await self._storage.get_show(show_id)
        if show.started_at is None:
            raise RefreshError(f"{show.title!r} never went live: there are no orders to read.")
        if show.ended_at is None:
            raise RefreshError(
                f"{show.title!r} is still live or was never ended: resume it, or end it first."
            )
        segments = await self._storage.segments(show_id)
        ledger = await self._ledger(show, segments)
        products = {line.sku: line.product_id for o in ledger.orders() for line in o.lines}
        fetched = await source.orders_between(show.session_id, show.started_at, show.ended_at)
        known = {o.id: o.status for o in ledger.orders()}
        theirs = [
            _named_as_stored(o, products)
            for o in fetched
            if o.session_id == show.session_id and (o.id in known or o.created_at <= show.ended_at)
        ]
        changed = ledger.apply_all(theirs)
        await self._storage.save_ingest(show_id, changed, (), None)
        await self._storage.update_show(replace(show, refreshed_at=self._clock()))
        moved_on = [o for o in changed if o.id in known]
        return RefreshOutcome(
            read=len(theirs),
            new=len(changed) - len(moved_on),
            settled=sum(1 for o in changed if o.commission.settled),
            refunded=sum(
                1
                for o in moved_on
                if o.status is not OrderStatus.PAID and known[o.id] is OrderStatus.PAID
            ),
        )

    async def report(self, show_id: str, ledger: Ledger | None = None) -> ShowReport:
        """The report of a stored show; pass the running show's ``ledger`` to skip
        rebuilding it from storage (the report is then at once)."""
        show = await self._storage.get_show(show_id)
        segments = await self._storage.segments(show_id)
        if ledger is None:
            ledger = await self._ledger(show, segments)
        return build_report(
            show,
            ledger.snapshot(),
            segments,
            await self._storage.pin_receipts(show_id),
            self._clock(),
            await self._storage.load_rejected(show_id),
            await self._storage.load_metrics(show_id),
        )


def figures_json(f: Figures) -> dict[str, object]:
    """A bucket's figures as JSON: counts as numbers, amounts as decimal strings."""
    return {
        "currency": f.currency.code,
        "orders": f.orders,
        "units": f.units,
        "refunded_orders": f.refunded_orders,
        "gross": str(f.gross.rounded().amount),
        "refunds": str(f.refunds.rounded().amount),
        "net": str(f.net.rounded().amount),
        "commission_estimated": str(f.commission_estimated.rounded().amount),
        "commission_reported": str(f.commission_reported.rounded().amount),
        "commission_difference": str(f.commission_difference.rounded().amount),
        "commission_platform_estimate": str(f.platform_estimate.rounded().amount),
        "commission_settled": str(f.settled.rounded().amount),
        "settled_orders": f.settled_orders,
        "unsettled_orders": f.unsettled_orders,
    }


def show_json(show: ShowRecord) -> dict[str, object]:
    return {
        "id": show.id,
        "title": show.title,
        "platform": show.owner.platform,
        "account": show.owner.account,
        "session": show.session_id,
        "status": show.status.value,
        "created": _time(show.created_at),
        "started": _time(show.started_at) or None,
        "ended": _time(show.ended_at) or None,
        "refreshed": _time(show.refreshed_at) or None,
    }


def report_json(report: ShowReport) -> dict[str, object]:
    """The report dialog's figures as one JSON object (``seller-console shows report``)."""
    return {
        "show": show_json(report.show),
        "totals": [figures_json(f) for _code, f in sorted(report.totals.items())],
        "products": [
            {"product_id": pid, "title": report.title_of(pid), **figures_json(f)}
            for (pid, _code), f in sorted(report.by_product.items())
        ],
        "pin_windows": [
            {
                "pin_id": w.window.pin_id,
                "product_id": w.window.product_id,
                "title": report.title_of(w.window.product_id),
                "started": _time(w.window.started_at),
                "on_air_seconds": round(w.seconds),
                "figures": [figures_json(f) for f in w.figures],
            }
            for w in report.windows
        ],
        "segments": [
            {
                "position": t.segment.position + 1,
                "product_id": t.segment.product_id,
                "title": t.segment.title,
                "planned_seconds": t.segment.planned_seconds,
                "actual_seconds": round(t.actual_seconds),
            }
            for t in report.timings
        ],
        "pins": [
            {
                "product_id": e.product_id,
                "title": report.title_of(e.product_id),
                "outcome": e.outcome,
                "sent": _time(e.sent_at) or None,
                "latency_ms": None if e.latency_ms is None else round(e.latency_ms, 1),
                "pin_id": e.pin_id,
                "started": _time(e.started_at) or None,
                "ended": _time(e.ended_at) or None,
                "failure": e.failure,
            }
            for e in report.timeline
        ],
        "flagged_orders": sorted(report.flagged_orders),
        "platform_metrics": {
            pin_id or "(no pin)": {
                "gmv": None if m.gmv is None else m.gmv.to_wire(),
                "orders": m.orders,
                "sold_items": m.sold_items,
                "clicks": m.clicks,
            }
            for pin_id, m in report.metrics.items()
        },
        "could_not_apply": [
            {"event_type": r.event_type, "event_id": r.event_id, "reason": r.reason}
            for r in report.rejected
        ],
    }
