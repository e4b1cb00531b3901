"""Repositories over the app's database: shows and their rundown, pin receipts, the
orders and stream cursor of a session, and the action journal.

``ShowStore`` implements the storage Protocols of ``seller_console.services.ports``
(``LedgerStore``, ``JournalStore``, ``ShowArchive``); ``app.py`` hands it to the services.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import fields
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from seller_console.domain.errors import DomainError
from seller_console.domain.events import (
    EventRejected,
    ItemMetrics,
    MetricsReported,
    Pin,
    StockUpdated,
)
from seller_console.domain.ledger import Figures, progress
from seller_console.domain.metrics import MetricsFigures
from seller_console.domain.money import Currency, Money
from seller_console.domain.orders import Commission, Order, OrderLine, OrderStatus
from seller_console.domain.platform_port import IdempotencyKey
from seller_console.domain.show_records import (
    IntentKind,
    IntentStatus,
    JournalEntry,
    PinOutcome,
    PinReceipt,
    PlannedSegment,
    PlatformAccount,
    ShowRecord,
    ShowStatus,
    ShowTotals,
)
from seller_console.domain.storage_port import StorageErrorKind
from seller_console.storage.db import Database
from seller_console.storage.errors import StorageKnownError

_UPSERT_ORDER = """
INSERT INTO orders (show_id, id, session_id, created_at, status, status_rank, currency,
                    total_minor, commission_rate, commission_minor, pin_id, affiliate_code, lines,
                    commission_settled)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (show_id, id) DO UPDATE SET status = excluded.status,
    status_rank = excluded.status_rank, commission_rate = excluded.commission_rate,
    commission_minor = excluded.commission_minor, lines = excluded.lines,
    commission_settled = excluded.commission_settled
WHERE excluded.status_rank > orders.status_rank
"""
_SAVE_CURSOR = """
INSERT INTO stream_cursors (show_id, cursor, saved_at) VALUES (?, ?, ?)
ON CONFLICT (show_id) DO UPDATE SET cursor = excluded.cursor, saved_at = excluded.saved_at
"""
_SAVE_STOCK = """
INSERT INTO platform_stock (show_id, product_id, stock) VALUES (?, ?, ?)
ON CONFLICT (show_id, product_id) DO UPDATE SET stock = excluded.stock
"""
_SAVE_PIN = """
INSERT OR IGNORE INTO stream_pins (show_id, pin_id, product_id, pinned_at, version)
VALUES (?, ?, ?, ?, ?)
"""
_SAVE_REJECTED = """
INSERT OR IGNORE INTO rejected_events (show_id, event_type, event_id, reason, raw, received_at)
VALUES (?, ?, ?, ?, ?, ?)
"""
_NEW_DATA = "UPDATE shows SET data_version = data_version + 1 WHERE id = ?"
_SELECT_SHOWS = (
    "SELECT id, session_id, title, status, created_at, started_at, ended_at, platform, account, "
    "by_time, refreshed_at FROM shows "
)
_SAVE_RECEIPT = """
INSERT INTO pin_receipts (key, show_id, product_id, sent_at, outcome, pin_id, answered_at,
                          failure) VALUES (?,?,?,?,?,?,?,?)
ON CONFLICT (key) DO UPDATE SET outcome = excluded.outcome, pin_id = excluded.pin_id,
    answered_at = excluded.answered_at, failure = excluded.failure
"""
_RECORD_INTENT = """
INSERT OR IGNORE INTO journal (key, show_id, session_id, kind, created_at, payload, status,
                               outcome, attempts, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)
"""
_FINISH_INTENT = """
UPDATE journal SET status = ?, outcome = ?, attempts = attempts + 1, updated_at = ?
WHERE key = ?
"""


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _opt_ts(value: datetime | None) -> str | None:
    return None if value is None else _ts(value)


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _opt_dt(text: str | None) -> datetime | None:
    return None if text is None else _dt(text)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def order_row(show_id: str, order: Order) -> tuple[object, ...]:
    """An order of a show as an ``orders`` row: money in integer minor units beside its
    currency. A line the platform reported commission for carries its estimate and settled
    amount too (minor units or null)."""
    rows: list[list[object]] = []
    for line in order.lines:
        row: list[object] = [
            line.product_id,
            line.sku,
            line.quantity,
            line.unit_price.to_minor_units(),
            line.unit_price.currency.code,
        ]
        if line.commission_estimated is not None or line.commission_settled is not None:
            row += [_minor(line.commission_estimated), _minor(line.commission_settled)]
        rows.append(row)
    lines = json.dumps(rows, separators=(",", ":"))
    return (
        show_id,
        order.id,
        order.session_id,
        _ts(order.created_at),
        order.status.value,
        progress(order),
        order.total.currency.code,
        order.total.to_minor_units(),
        str(order.commission.rate),
        order.commission.amount.to_minor_units(),
        order.pin_id,
        order.affiliate_code,
        lines,
        int(order.commission.settled),
    )


def _minor(value: Money | None) -> int | None:
    return None if value is None else value.to_minor_units()


def _line(row: list[object]) -> OrderLine:
    product_id, sku, quantity, minor, currency, *platform = row
    code = str(currency)
    estimated, settled = platform if platform else (None, None)
    return OrderLine(
        str(product_id),
        str(sku),
        int(str(quantity)),
        Money.from_minor_units(int(str(minor)), code),
        commission_estimated=_money(estimated, code),
        commission_settled=_money(settled, code),
    )


def order_from_row(row: sqlite3.Row | tuple[object, ...]) -> Order:
    (oid, session_id, created_at, status, currency, total, rate, commission, pin_id, aff, lines) = (
        row[:11]
    )
    settled = bool(row[11]) if len(row) > 11 else False
    return Order(
        id=str(oid),
        session_id=str(session_id),
        created_at=_dt(str(created_at)),
        status=OrderStatus(status),
        lines=tuple(_line(line) for line in json.loads(str(lines))),
        total=Money.from_minor_units(int(str(total)), str(currency)),
        commission=Commission(
            Decimal(str(rate)),
            Money.from_minor_units(int(str(commission)), str(currency)),
            settled,
        ),
        pin_id=None if pin_id is None else str(pin_id),
        affiliate_code=None if aff is None else str(aff),
    )


def _money_cols(value: Money | None) -> tuple[int | None, str | None]:
    return (None, None) if value is None else (value.to_minor_units(), value.currency.code)


def _money(minor: object, currency: object) -> Money | None:
    return None if minor is None else Money.from_minor_units(int(str(minor)), str(currency))


def _show(row: tuple[object, ...]) -> ShowRecord:
    (
        sid,
        session_id,
        title,
        status,
        created,
        started,
        ended,
        platform,
        account,
        by_time,
        refreshed,
    ) = row
    return ShowRecord(
        id=str(sid),
        session_id=str(session_id),
        title=str(title),
        status=ShowStatus(status),
        created_at=_dt(str(created)),
        started_at=_opt_dt(None if started is None else str(started)),
        ended_at=_opt_dt(None if ended is None else str(ended)),
        owner=PlatformAccount(str(platform), str(account)),
        by_time=bool(by_time),
        refreshed_at=_opt_dt(None if refreshed is None else str(refreshed)),
    )


def _money_json(value: Money | None) -> list[str] | None:
    """An amount as JSON, exactly: ``["12.5", "USD"]``."""
    return None if value is None else [str(value.amount), value.currency.code]


def _money_of(value: list[str] | None) -> Money | None:
    return None if value is None else Money.of(value[0], value[1])


def _metrics_body(m: MetricsReported) -> str:
    return json.dumps(
        {
            "session": m.session_id,
            "gmv": _money_json(m.gmv),
            "orders": m.orders,
            "sold": m.sold_items,
            "viewers": m.viewers,
            "peak": m.peak_viewers,
            "likes": m.likes,
            "comments": m.comments,
            "items": [
                [i.product_id, i.sold_items, i.clicks, i.add_to_cart, _money_json(i.gmv)]
                for i in m.items
            ],
        },
        separators=(",", ":"),
    )


def _metrics_from(at: str, body: str) -> MetricsReported:
    doc = json.loads(body)
    return MetricsReported(
        session_id=doc["session"],
        at=_dt(at),
        gmv=_money_of(doc["gmv"]),
        orders=doc["orders"],
        sold_items=doc["sold"],
        viewers=doc["viewers"],
        peak_viewers=doc["peak"],
        likes=doc["likes"],
        comments=doc["comments"],
        items=tuple(
            ItemMetrics(pid, sold, clicks, cart, _money_of(gmv))
            for pid, sold, clicks, cart, gmv in doc["items"]
        ),
    )


def _totals_body(totals: ShowTotals) -> str:
    """Every field of each ``Figures`` and of the metrics, by name; amounts exact."""

    def fields_of(item: Figures | MetricsFigures) -> dict[str, object]:
        return {
            f.name: _money_json(v) if isinstance(v, Money) else getattr(v, "code", v)
            for f in fields(item)
            if (v := getattr(item, f.name)) is not None
        }

    metrics = None if totals.metrics is None else fields_of(totals.metrics)
    body = {"figures": [fields_of(f) for f in totals.figures], "metrics": metrics}
    return json.dumps(body, separators=(",", ":"))


def _totals_from(body: str) -> ShowTotals:
    """The inverse of ``_totals_body``: a list is an amount, ``currency`` a code."""
    doc = json.loads(body)

    def values(item: dict[str, Any]) -> dict[str, Any]:
        return {
            k: Currency.of(v) if k == "currency" else _money_of(v) if isinstance(v, list) else v
            for k, v in item.items()
        }

    metrics = doc["metrics"]
    return ShowTotals(
        tuple(Figures(**values(f)) for f in doc["figures"]),
        None if metrics is None else MetricsFigures(**values(metrics)),
    )


def _intent_row(entry: JournalEntry) -> tuple[object, ...]:
    return (
        entry.key,
        entry.show_id,
        entry.session_id,
        entry.kind.value,
        _ts(entry.created_at),
        _payload(entry),
        entry.status.value,
        entry.outcome,
        entry.attempts,
        _now(),
    )


def _receipt_row(receipt: PinReceipt) -> tuple[object, ...]:
    return (
        receipt.key,
        receipt.show_id,
        receipt.product_id,
        _ts(receipt.sent_at),
        receipt.outcome.value,
        receipt.pin_id,
        _opt_ts(receipt.answered_at),
        receipt.failure,
    )


def _entry(row: tuple[object, ...]) -> JournalEntry:
    key, show_id, session_id, kind, created, payload, status, outcome, attempts = row
    data = json.loads(str(payload))
    price = data.get("live_price")
    return JournalEntry(
        key=IdempotencyKey(str(key)),
        show_id=str(show_id),
        session_id=str(session_id),
        kind=IntentKind(kind),
        created_at=_dt(str(created)),
        product_id=data.get("product_id"),
        product_ids=tuple(data.get("product_ids", ())),
        live_price=None if price is None else Money.from_minor_units(price[0], price[1]),
        stock_limit=data.get("stock_limit"),
        status=IntentStatus(status),
        outcome=None if outcome is None else str(outcome),
        attempts=int(str(attempts)),
    )


def _payload(entry: JournalEntry) -> str:
    data: dict[str, object] = {}
    if entry.product_id is not None:
        data["product_id"] = entry.product_id
    if entry.product_ids:
        data["product_ids"] = list(entry.product_ids)
    if entry.live_price is not None:
        data["live_price"] = [entry.live_price.to_minor_units(), entry.live_price.currency.code]
    if entry.stock_limit is not None:
        data["stock_limit"] = entry.stock_limit
    return json.dumps(data, separators=(",", ":"))


def _receipt(row: tuple[object, ...]) -> PinReceipt:
    key, show_id, product_id, sent_at, outcome, pin_id, answered_at, failure = row
    return PinReceipt(
        key=IdempotencyKey(str(key)),
        show_id=str(show_id),
        product_id=str(product_id),
        sent_at=_dt(str(sent_at)),
        outcome=PinOutcome(outcome),
        pin_id=None if pin_id is None else str(pin_id),
        answered_at=_opt_dt(None if answered_at is None else str(answered_at)),
        failure=None if failure is None else str(failure),
    )


class ShowStore:
    """Everything a show keeps, over one ``Database``."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # ------------------------------------------------------------------ ledger
    async def save_ingest(
        self,
        show_id: str,
        orders: Sequence[Order],
        pins: Sequence[Pin],
        cursor: str | None,
        rejected: Sequence[EventRejected] = (),
        metrics: Sequence[MetricsReported] = (),
        stock: Sequence[StockUpdated] = (),
    ) -> None:
        """A show's orders (merged: a state never moves back), pins seen, events that
        could not be applied, the platform's stock figures (the newest per product) and the
        cursor that covers them, in ONE transaction. ``cursor`` None leaves the saved one."""
        rows = [order_row(show_id, order) for order in orders]
        pin_rows = [(show_id, p.pin_id, p.product_id, _ts(p.pinned_at), p.version) for p in pins]
        now = _now()
        rejected_rows = [
            (show_id, r.event_type, r.event_id, r.reason, r.raw, now) for r in rejected
        ]
        metric_rows = [(show_id, _ts(m.at), _metrics_body(m)) for m in metrics]
        stock_rows = [(show_id, s.product_id, s.stock) for s in stock]

        def work(conn: sqlite3.Connection) -> None:
            if rows:
                conn.executemany(_UPSERT_ORDER, rows)
            if pin_rows:
                conn.executemany(_SAVE_PIN, pin_rows)
            if rejected_rows:
                conn.executemany(_SAVE_REJECTED, rejected_rows)
            if metric_rows:
                conn.executemany(
                    "INSERT INTO metric_reports (show_id, at, body) VALUES (?, ?, ?)", metric_rows
                )
            if stock_rows:
                conn.executemany(_SAVE_STOCK, stock_rows)
            if cursor is not None:
                conn.execute(_SAVE_CURSOR, (show_id, cursor, _now()))
            if rows or metric_rows:  # what its totals are made of: kept totals are stale
                conn.execute(_NEW_DATA, (show_id,))

        await self._db.write(work, "saving orders")

    async def load_orders(self, show_id: str) -> tuple[Order, ...]:
        def work(conn: sqlite3.Connection) -> tuple[Order, ...]:
            rows = conn.execute(
                "SELECT id, session_id, created_at, status, currency, total_minor, "
                "commission_rate, commission_minor, pin_id, affiliate_code, lines, "
                "commission_settled FROM orders WHERE show_id = ? ORDER BY rowid",
                (show_id,),
            )
            return tuple(order_from_row(row) for row in rows)

        return await self._db.read(work, "reading orders")

    async def load_cursor(self, show_id: str) -> str | None:
        def work(conn: sqlite3.Connection) -> str | None:
            row = conn.execute(
                "SELECT cursor FROM stream_cursors WHERE show_id = ?", (show_id,)
            ).fetchone()
            return None if row is None else str(row[0])

        return await self._db.read(work, "reading the stream position")

    async def load_metrics(self, show_id: str) -> tuple[MetricsReported, ...]:
        """A metrics-only platform's reports for the show, in the order they were read."""

        def work(conn: sqlite3.Connection) -> tuple[MetricsReported, ...]:
            rows = conn.execute(
                "SELECT at, body FROM metric_reports WHERE show_id = ? ORDER BY rowid",
                (show_id,),
            )
            return tuple(_metrics_from(str(at), str(body)) for at, body in rows)

        return await self._db.read(work, "reading the platform's metrics")

    async def load_stock(self, show_id: str) -> dict[str, int | None]:
        """The platform's newest stock figure per product of the show (None: it gave none)."""

        def work(conn: sqlite3.Connection) -> dict[str, int | None]:
            rows = conn.execute(
                "SELECT product_id, stock FROM platform_stock WHERE show_id = ?", (show_id,)
            )
            return {str(pid): None if stock is None else int(stock) for pid, stock in rows}

        return await self._db.read(work, "reading the platform's stock figures")

    async def load_rejected(self, show_id: str) -> tuple[EventRejected, ...]:
        """What could not be applied, in the order it came."""

        def work(conn: sqlite3.Connection) -> tuple[EventRejected, ...]:
            rows = conn.execute(
                "SELECT event_type, event_id, reason, raw FROM rejected_events "
                "WHERE show_id = ? ORDER BY rowid",
                (show_id,),
            )
            return tuple(
                EventRejected("", str(event_id), str(kind), str(reason), str(raw))
                for kind, event_id, reason, raw in rows
            )

        return await self._db.read(work, "reading what could not be applied")

    async def load_pins(self, show_id: str) -> tuple[Pin, ...]:
        def work(conn: sqlite3.Connection) -> tuple[Pin, ...]:
            rows = conn.execute(
                "SELECT pin_id, product_id, pinned_at, version FROM stream_pins "
                "WHERE show_id = ? ORDER BY version",
                (show_id,),
            )
            return tuple(Pin(str(a), str(b), _dt(str(c)), int(d)) for a, b, c, d in rows)

        return await self._db.read(work, "reading pins")

    # ------------------------------------------------------------------ journal
    async def record_intent(self, entry: JournalEntry, receipt: PinReceipt | None = None) -> None:
        """An intent, before the platform is called, with the receipt of a pin being sent:
        one transaction."""
        row = _intent_row(entry)
        receipt_row = None if receipt is None else _receipt_row(receipt)

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(_RECORD_INTENT, row)
            if receipt_row is not None:
                conn.execute(_SAVE_RECEIPT, receipt_row)

        await self._db.write(work, "saving an action")

    async def finish_intent(
        self,
        key: IdempotencyKey,
        status: IntentStatus,
        outcome: str | None,
        receipt: PinReceipt | None = None,
    ) -> None:
        """An attempt and its outcome (status PENDING: tried, to be tried again), with the
        pin's receipt as answered: one transaction."""
        row = (status.value, outcome, _now(), key)
        receipt_row = None if receipt is None else _receipt_row(receipt)

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(_FINISH_INTENT, row)
            if receipt_row is not None:
                conn.execute(_SAVE_RECEIPT, receipt_row)

        await self._db.write(work, "saving an action's outcome")

    async def unfinished_intents(self, show_id: str) -> tuple[JournalEntry, ...]:
        def work(conn: sqlite3.Connection) -> tuple[JournalEntry, ...]:
            rows = conn.execute(
                "SELECT key, show_id, session_id, kind, created_at, payload, status, outcome, "
                "attempts FROM journal WHERE show_id = ? AND status = 'pending' ORDER BY rowid",
                (show_id,),
            )
            return tuple(_entry(row) for row in rows)

        return await self._db.read(work, "reading unfinished actions")

    async def journal(self, show_id: str) -> tuple[JournalEntry, ...]:
        def work(conn: sqlite3.Connection) -> tuple[JournalEntry, ...]:
            rows = conn.execute(
                "SELECT key, show_id, session_id, kind, created_at, payload, status, outcome, "
                "attempts FROM journal WHERE show_id = ? ORDER BY rowid",
                (show_id,),
            )
            return tuple(_entry(row) for row in rows)

        return await self._db.read(work, "reading the action journal")

    async def pin_receipts(self, show_id: str) -> tuple[PinReceipt, ...]:
        def work(conn: sqlite3.Connection) -> tuple[PinReceipt, ...]:
            rows = conn.execute(
                "SELECT key, show_id, product_id, sent_at, outcome, pin_id, answered_at, "
                "failure FROM pin_receipts WHERE show_id = ? ORDER BY sent_at, rowid",
                (show_id,),
            )
            return tuple(_receipt(row) for row in rows)

        return await self._db.read(work, "reading pin receipts")

    # ------------------------------------------------------------------ shows
    async def create_show(
        self, show: ShowRecord, segments: Sequence[PlannedSegment], plan: str | None = None
    ) -> None:
        """A new show with its planned segments and the plan it runs (as plan-file JSON)."""
        show_row = (
            show.id,
            show.session_id,
            show.title,
            show.status.value,
            _ts(show.created_at),
            _opt_ts(show.started_at),
            _opt_ts(show.ended_at),
            show.owner.platform,
            show.owner.account,
            plan,
            int(show.by_time),
        )
        item_rows = [
            (
                show.id,
                s.position,
                s.item_id,
                s.product_id,
                s.title,
                s.planned_seconds,
                *_money_cols(s.live_price),
                s.stock_cap,
                s.product_id,
                None if s.commission_rate is None else str(s.commission_rate),
            )
            for s in segments
        ]

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO shows (id, session_id, title, status, created_at, started_at, "
                "ended_at, platform, account, plan, by_time) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                show_row,
            )
            conn.executemany(
                "INSERT INTO rundown_items (show_id, position, item_id, product_id, title, "
                "planned_seconds, live_price_minor, live_price_currency, stock_cap, "
                "showcase_id, commission_rate) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                item_rows,
            )

        await self._db.write(work, "saving the show")

    async def update_show(self, show: ShowRecord) -> None:
        row = (
            show.title,
            show.status.value,
            _opt_ts(show.started_at),
            _opt_ts(show.ended_at),
            int(show.by_time),
            _opt_ts(show.refreshed_at),
            show.id,
        )

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE shows SET title = ?, status = ?, started_at = ?, ended_at = ?, "
                "by_time = ?, refreshed_at = ? WHERE id = ?",
                row,
            )

        await self._db.write(work, "saving the show")

    async def list_shows(self) -> tuple[ShowRecord, ...]:
        def work(conn: sqlite3.Connection) -> tuple[ShowRecord, ...]:
            rows = conn.execute(_SELECT_SHOWS + "ORDER BY created_at DESC, rowid DESC")
            return tuple(_show(row) for row in rows)

        return await self._db.read(work, "listing shows")

    async def kept_totals(self) -> dict[str, tuple[int, ShowTotals | None]]:
        """Every show's data version, with its totals where they were kept at that version
        (None where they were not, or cannot be read: they are made again)."""

        def work(conn: sqlite3.Connection) -> list[tuple[str, int, str | None]]:
            rows = conn.execute(
                "SELECT id, data_version, CASE WHEN totals_version = data_version "
                "THEN totals END FROM shows"
            )
            return [(str(sid), int(version), body) for sid, version, body in rows]

        kept: dict[str, tuple[int, ShowTotals | None]] = {}
        for sid, version, body in await self._db.read(work, "reading the shows' totals"):
            totals = None
            if body is not None:
                with contextlib.suppress(ValueError, TypeError, KeyError, DomainError):
                    totals = _totals_from(body)
            kept[sid] = (version, totals)
        return kept

    async def keep_totals(self, show_id: str, version: int, totals: ShowTotals) -> None:
        """Keep a show's totals, made from its data at ``version``; not if it moved on since."""
        row = (_totals_body(totals), version, show_id, version)

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE shows SET totals = ?, totals_version = ? WHERE id = ? AND data_version = ?",
                row,
            )

        await self._db.write(work, "keeping a show's totals")

    async def get_show(self, show_id: str) -> ShowRecord:
        def work(conn: sqlite3.Connection) -> ShowRecord | None:
            row = conn.execute(_SELECT_SHOWS + "WHERE id = ?", (show_id,)).fetchone()
            return None if row is None else _show(row)

        found = await self._db.read(work, "reading a show")
        if found is None:
            raise StorageKnownError(
                f"The show {show_id!r} is not stored on this computer.", StorageErrorKind.NOT_FOUND
            )
        return found

    async def show_plan(self, show_id: str) -> str | None:
        """The plan a show ran, as plan-file JSON (None for shows from before it was kept)."""

        def work(conn: sqlite3.Connection) -> str | None:
            row = conn.execute("SELECT plan FROM shows WHERE id = ?", (show_id,)).fetchone()
            return None if row is None or row[0] is None else str(row[0])

        return await self._db.read(work, "reading a show's plan")

    async def segments(self, show_id: str) -> tuple[PlannedSegment, ...]:
        def work(conn: sqlite3.Connection) -> tuple[PlannedSegment, ...]:
            # shows saved before migration 2 kept the catalog product id, not the showcase id
            rows = conn.execute(
                "SELECT item_id, position, coalesce(showcase_id, product_id), title, "
                "planned_seconds, live_price_minor, live_price_currency, stock_cap, "
                "commission_rate FROM rundown_items WHERE show_id = ? ORDER BY position",
                (show_id,),
            )
            return tuple(
                PlannedSegment(
                    item_id=str(item_id),
                    position=int(position),
                    product_id=str(product_id),
                    title=str(title),
                    planned_seconds=int(seconds),
                    live_price=_money(minor, currency),
                    stock_cap=None if cap is None else int(cap),
                    commission_rate=None if rate is None else Decimal(str(rate)),
                )
                for (
                    item_id,
                    position,
                    product_id,
                    title,
                    seconds,
                    minor,
                    currency,
                    cap,
                    rate,
                ) in rows
            )

        return await self._db.read(work, "reading the rundown")
