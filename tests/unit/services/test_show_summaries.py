"""Past shows with what each sold: the totals its report has, kept until its orders change,
one damaged show never hiding the others."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from seller_console.domain.metrics import MetricsFigures
from seller_console.domain.money import Money
from seller_console.domain.orders import Order, OrderStatus
from seller_console.domain.show_records import ShowRecord, ShowTotals
from seller_console.services.reports import ShowReports, ShowSummary
from seller_console.storage import Database, ShowStore
from tests.support import T0, order, run, settled


def _summaries(path: Path) -> tuple[ShowSummary, ...]:
    async def go() -> tuple[ShowSummary, ...]:
        db = await Database.open(path)
        try:
            return await ShowReports(ShowStore(db)).summaries()
        finally:
            await db.close()

    return tuple(sorted(run(go()), key=lambda s: s.show.id))


def _ingest(path: Path, show_id: str, orders: list[Order]) -> None:
    async def go() -> None:
        db = await Database.open(path)
        try:
            await ShowStore(db).save_ingest(show_id, orders, [], None)
        finally:
            await db.close()

    run(go())


def _damage_orders(path: Path, show_id: str) -> None:
    """Another program writes a currency no one knows (not through the store)."""
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE orders SET currency = 'X1' WHERE show_id = ?", (show_id,))
    raw.close()


def _two_nights(path: Path) -> None:
    async def go() -> None:
        db = await Database.open(path)
        store = ShowStore(db)
        try:
            for night in (1, 2):
                made = T0 + timedelta(days=night)
                await store.create_show(
                    ShowRecord(f"show_{night}", "ses", f"Night {night}", made), []
                )
        finally:
            await db.close()

    run(go())
    for night in (1, 2):  # the platform's order ids repeat from one show to the next
        orders = [order("o1"), order("o2", "5.00", 2), order("o3", status=OrderStatus.REFUNDED)]
        _ingest(path, f"show_{night}", orders)


def test_every_show_is_listed_with_its_report_totals(tmp_path: Path) -> None:
    path = tmp_path / "shows.db"
    _two_nights(path)
    summaries = _summaries(path)
    assert [s.show.id for s in summaries] == ["show_1", "show_2"]
    for summary in summaries:
        assert summary.problem is None
        [usd] = summary.totals.figures
        assert (usd.orders, usd.refunded_orders) == (3, 1)
        assert str(usd.net.amount) == "29.99"  # 19.99 + 2 x 5.00, the refund taken off


def test_totals_are_kept_until_the_show_s_orders_change(tmp_path: Path) -> None:
    path = tmp_path / "shows.db"
    _two_nights(path)
    first = _summaries(path)
    _damage_orders(path, "show_1")
    # kept: the orders are not read again while nothing was saved to the show
    assert _summaries(path) == first

    _ingest(path, "show_2", [order("o4", "1.00")])  # a refresh brought one more order
    night1, night2 = _summaries(path)
    assert night1 == first[0]
    assert night2.totals.figures[0].orders == 4

    _ingest(path, "show_1", [order("o5", "1.00")])  # now show 1 is read again: damaged
    night1, night2 = _summaries(path)
    assert night1.totals == ShowTotals()
    assert night1.problem is not None
    assert "X1" in night1.problem  # said, and the other show is listed all the same
    assert night2.totals.figures[0].orders == 4


def test_kept_totals_come_back_exactly(tmp_path: Path) -> None:
    path = tmp_path / "shows.db"
    _two_nights(path)
    _ingest(path, "show_1", [settled(order("o9", "1999", currency="JPY"), "200")])
    figures = _summaries(path)[0].totals.figures
    assert [f.currency.code for f in figures] == ["USD", "JPY"]  # the most orders first
    assert figures[1].commission_settled is not None  # every optional field set
    metrics = MetricsFigures(Money.of("310.505", "USD"), 7, 9, 40, {"p1": 5, "p2": 4})
    totals = ShowTotals(figures, metrics)

    async def go() -> ShowTotals | None:
        db = await Database.open(path)
        store = ShowStore(db)
        try:
            version, _kept = (await store.kept_totals())["show_1"]
            await store.keep_totals("show_1", version, totals)
            return (await store.kept_totals())["show_1"][1]
        finally:
            await db.close()

    assert run(go()) == totals
