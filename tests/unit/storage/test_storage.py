"""Local storage: WAL with synchronous=FULL, migrations on user_version, orders and the
cursor in one transaction, the journal across restarts, and typed errors for a full,
read-only, locked or too-new database."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest

from seller_console.domain.events import Pin
from seller_console.domain.money import Money
from seller_console.domain.orders import Order, OrderStatus
from seller_console.domain.platform_port import new_idempotency_key
from seller_console.domain.show_records import (
    IntentKind,
    IntentStatus,
    JournalEntry,
    PinOutcome,
    PinReceipt,
    PlannedSegment,
    ShowRecord,
)
from seller_console.domain.storage_port import StorageErrorKind
from seller_console.storage import SYNCHRONOUS, Database, ShowStore, StorageBug, StorageKnownError
from seller_console.storage.db import connect
from seller_console.storage.schema import MIGRATIONS
from seller_console.storage.show_store import order_row
from tests.support import order, run, settled

T = TypeVar("T")
T0 = datetime(2025, 5, 1, 18, 0, tzinfo=UTC)


def test_the_database_runs_wal_with_synchronous_full(tmp_path: Path) -> None:
    async def go() -> tuple[str, str, int]:
        db = await Database.open(tmp_path / "a.db")
        try:
            mode = await db.read(lambda c: str(c.execute("PRAGMA journal_mode").fetchone()[0]), "")
            version = await db.read(
                lambda c: int(c.execute("PRAGMA user_version").fetchone()[0]), ""
            )
            return mode, db.synchronous, version
        finally:
            await db.close()

    assert SYNCHRONOUS == "FULL"
    assert run(go()) == ("wal", "FULL", len(MIGRATIONS))


def test_orders_round_trip_in_minor_units_and_never_move_back(tmp_path: Path) -> None:
    async def go() -> tuple[tuple[Order, ...], str | None, tuple[Pin, ...]]:
        db = await Database.open(tmp_path / "a.db")
        store = ShowStore(db)
        try:
            pin = Pin("pin_1", "p1", T0, 1)
            await store.save_ingest(
                "ses_1", [order("o1"), order("o2", "1999", currency="JPY")], [pin], "7"
            )
            await store.save_ingest("ses_1", [order("o1", status=OrderStatus.REFUNDED)], [], None)
            await store.save_ingest("ses_1", [order("o1"), order("o2")], [pin], "9")  # replays
            return (
                await store.load_orders("ses_1"),
                await store.load_cursor("ses_1"),
                await store.load_pins("ses_1"),
            )
        finally:
            await db.close()

    orders, cursor, pins = run(go())
    assert orders == (order("o1", status=OrderStatus.REFUNDED), order("o2", "1999", currency="JPY"))
    assert cursor == "9"
    assert [p.pin_id for p in pins] == ["pin_1"]
    with sqlite3.connect(tmp_path / "a.db") as raw:
        rows = raw.execute("SELECT total_minor, currency FROM orders ORDER BY id").fetchall()
    raw.close()
    assert rows == [(1999, "USD"), (1999, "JPY")]


def test_a_failed_batch_saves_neither_its_orders_nor_its_cursor(tmp_path: Path) -> None:
    async def go() -> tuple[tuple[Order, ...], str | None]:
        db = await Database.open(tmp_path / "a.db")
        store = ShowStore(db)
        try:
            await store.save_ingest("ses_1", [order("o1")], [], "1")
            with pytest.raises(StorageBug):  # a NOT NULL broken after the cursor moved
                await db.write(
                    lambda c: (
                        c.execute("UPDATE stream_cursors SET cursor = '2'"),
                        c.execute("INSERT INTO orders (id) VALUES ('o3')"),
                    ),
                    "saving orders",
                )
            return await store.load_orders("ses_1"), await store.load_cursor("ses_1")
        finally:
            await db.close()

    orders, cursor = run(go())
    assert [o.id for o in orders] == ["o1"]
    assert cursor == "1"


def test_shows_rundown_receipts_and_the_journal_survive_a_restart(tmp_path: Path) -> None:
    show = ShowRecord("show_1", "ses_1", "Spring drop", T0)
    key = new_idempotency_key()
    entry = JournalEntry(
        key,
        "show_1",
        "ses_1",
        IntentKind.PIN,
        T0,
        product_id="p1",
        live_price=Money.of("9.99", "USD"),
    )
    done = JournalEntry(new_idempotency_key(), "show_1", "ses_1", IntentKind.START, T0)

    async def first() -> None:
        db = await Database.open(tmp_path / "a.db")
        store = ShowStore(db)
        try:
            await store.create_show(show, [PlannedSegment("i1", 0, "p1", "Mug", 90)])
            await store.record_intent(entry, PinReceipt(key, "show_1", "p1", T0))
            await store.record_intent(done)
            await store.finish_intent(done.key, IntentStatus.DONE, None)
        finally:
            await db.close()

    async def second() -> tuple[object, ...]:
        db = await Database.open(tmp_path / "a.db")
        store = ShowStore(db)
        try:
            return (
                await store.list_shows(),
                await store.segments("show_1"),
                await store.unfinished_intents("show_1"),
                await store.pin_receipts("show_1"),
            )
        finally:
            await db.close()

    run(first())
    shows, segments, pending, receipts = run(second())
    assert shows == (show,)
    assert segments == (PlannedSegment("i1", 0, "p1", "Mug", 90),)
    assert pending == (entry,)
    assert [r.outcome for r in receipts] == [PinOutcome.SENT]  # type: ignore[attr-defined]


def test_an_unknown_show_is_a_known_error(tmp_path: Path) -> None:
    async def go() -> None:
        db = await Database.open(tmp_path / "a.db")
        try:
            await ShowStore(db).get_show("nope")
        finally:
            await db.close()

    with pytest.raises(StorageKnownError) as caught:
        run(go())
    assert caught.value.kind is StorageErrorKind.NOT_FOUND


def test_a_database_from_a_newer_app_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    raw.close()
    with pytest.raises(StorageKnownError) as caught:
        connect(path)
    assert caught.value.kind is StorageErrorKind.TOO_NEW
    assert "newer version" in caught.value.user_message


def test_a_full_disk_is_a_known_error_with_user_text(tmp_path: Path) -> None:
    async def go() -> None:
        db = await Database.open(tmp_path / "a.db")
        store = ShowStore(db)
        try:
            pages = await db.read(lambda c: int(c.execute("PRAGMA page_count").fetchone()[0]), "")
            await db.read(lambda c: c.execute(f"PRAGMA max_page_count={pages + 1}"), "")
            await store.save_ingest("ses_1", [order(f"o{n}") for n in range(2000)], [], "1")
        finally:
            await db.close()

    with pytest.raises(StorageKnownError) as caught:
        run(go())
    assert caught.value.kind is StorageErrorKind.DISK_FULL
    assert "disk is full" in caught.value.user_message


def test_a_read_only_database_is_a_known_error(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    connect(path).close()

    async def go() -> None:
        db = await Database.open(path)
        try:
            await db.read(lambda c: c.execute("PRAGMA query_only=ON"), "")
            await ShowStore(db).save_ingest("ses_1", [order("o1")], [], "1")
        finally:
            await db.close()

    with pytest.raises(StorageKnownError) as caught:
        run(go())
    assert caught.value.kind is StorageErrorKind.READ_ONLY


def test_a_database_locked_by_another_program_is_a_known_error(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    connect(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")

    async def go() -> None:
        db = await Database.open(path)
        try:
            await db.read(lambda c: c.execute("PRAGMA busy_timeout=50"), "")
            await ShowStore(db).save_ingest("ses_1", [order("o1")], [], "1")
        finally:
            await db.close()

    try:
        with pytest.raises(StorageKnownError) as caught:
            run(go())
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert caught.value.kind is StorageErrorKind.LOCKED


def test_migration_2_keys_every_show_s_data_by_the_show(tmp_path: Path) -> None:
    """A database from before the show scope: its shows, orders, pins and cursors are
    carried over, each under the show whose session they came from."""
    path = tmp_path / "old.db"
    old = connect(path, migrations=MIGRATIONS[:1])
    for show, session in (("show_a", "ses_0001"), ("show_b", "ses_0002")):
        old.execute(
            "INSERT INTO shows VALUES (?, ?, 'Night', 'ended', '2026-01-01T20:00:00+00:00', "
            "NULL, NULL)",
            (show, session),
        )
        old.execute(
            "INSERT INTO rundown_items VALUES (?, 0, 'i1', 'p1', 'Mug', 90, 999, 'USD', NULL)",
            (show,),
        )
        old.execute(
            "INSERT INTO stream_cursors VALUES (?, '7', '2026-01-01T20:00:00+00:00')", (session,)
        )
        old.execute(
            "INSERT INTO stream_pins VALUES (?, 'pin1', 'p1', '2026-01-01T20:00:00+00:00', 1)",
            (session,),
        )
    rows = [order_row("-", order(f"o{n}")) for n in range(3)]
    for n, row in enumerate(rows):  # v1 rows: no show column, the session says whose
        old.execute(
            "INSERT INTO orders VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (row[1], "ses_0001" if n < 2 else "ses_0002", *row[3:13]),
        )
    old.close()

    async def go() -> tuple[object, ...]:
        db = await Database.open(path)
        store = ShowStore(db)
        try:
            return (
                [o.id for o in await store.load_orders("show_a")],
                [o.id for o in await store.load_orders("show_b")],
                await store.load_cursor("show_b"),
                len(await store.load_pins("show_a")),
                await store.segments("show_a"),
                {s.owner.platform for s in await store.list_shows()},
            )
        finally:
            await db.close()

    a, b, cursor, pins, segments, platforms = run(go())
    assert (a, b, cursor, pins) == (["o0", "o1"], ["o2"], "7", 1)
    assert segments[0].title == "Mug"  # type: ignore[index]
    assert platforms == {"livecommerce"}


def test_the_same_platform_ids_in_two_shows_never_meet(tmp_path: Path) -> None:
    """A restarted platform hands out ``ses_0001`` and ``o1`` again: each show keeps its own."""

    async def go() -> tuple[object, ...]:
        db = await Database.open(tmp_path / "a.db")
        store = ShowStore(db)
        try:
            for show_id in ("first", "second"):
                show = ShowRecord(show_id, "ses_0001", "Night", T0)
                await store.create_show(show, [PlannedSegment("i1", 0, "p1", "Mug", 90)])
                await store.save_ingest(show_id, [order("o1")], [], "3")
            await store.save_ingest("second", [order("o1", status=OrderStatus.REFUNDED)], [], "4")
            return (
                await store.load_orders("first"),
                await store.load_orders("second"),
                await store.load_cursor("first"),
                len(await store.list_shows()),
            )
        finally:
            await db.close()

    first, second, cursor, shows = run(go())
    assert first == (order("o1"),)
    assert second == (order("o1", status=OrderStatus.REFUNDED),)
    assert (cursor, shows) == ("3", 2)


def test_migration_3_keeps_old_orders_and_a_settlement_replaces_an_estimate(
    tmp_path: Path,
) -> None:
    """A database from before settlement opens: its paid and refunded orders are kept; a
    settled state then replaces the paid one (commission and lines), a refund beats a
    settlement, and nothing moves back."""
    path = tmp_path / "v2.db"
    old = connect(path, migrations=MIGRATIONS[:2])
    old.execute(
        "INSERT INTO shows (id, platform, account, session_id, title, status, created_at) "
        "VALUES ('show_a', 'tiktok', 'creator', 'room1', 'Night', 'ended', ?)",
        (T0.isoformat(),),
    )
    for o in (order("o1"), order("o2", status=OrderStatus.REFUNDED)):
        old.execute(
            "INSERT INTO orders VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", order_row("show_a", o)[:13]
        )
    old.close()

    async def go() -> tuple[object, ...]:
        db = await Database.open(path)
        store = ShowStore(db)
        try:
            before = await store.load_orders("show_a")
            show = await store.get_show("show_a")
            await store.save_ingest(
                "show_a", [settled(order("o1"), "2.10"), settled(order("o2"), "2.50")], [], None
            )
            after = await store.load_orders("show_a")
            await store.save_ingest("show_a", [order("o1")], [], None)  # an old poll
            again = await store.load_orders("show_a")
            await store.update_show(replace(show, refreshed_at=T0))
            return before, show.refreshed_at, after, again, (await store.get_show("show_a"))
        finally:
            await db.close()

    before, refreshed, after, again, show = run(go())
    assert before == (order("o1"), order("o2", status=OrderStatus.REFUNDED))
    assert refreshed is None
    assert after == (settled(order("o1"), "2.10"), order("o2", status=OrderStatus.REFUNDED))
    assert after[0].lines[0].commission_estimated == order("o1").commission.amount
    assert again == after
    assert show.refreshed_at == T0  # type: ignore[attr-defined]
