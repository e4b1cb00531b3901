"""Three shows in one data folder, with the app (and its embedded platform) restarted
between them, through the live session service (no Qt): ended normally, left running at
a quit then resumed, and cut off by a crash then ended at the next start. Every show keeps
its own orders, totals and report, equal to the platform's to the cent, and Go live
works on the first press each time."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from seller_console.cli import main
from seller_console.domain.show_records import PinOutcome, ShowStatus
from seller_console.importers import import_catalog
from seller_console.live_link import LiveLink
from seller_console.paths import HOME_ENV, AppPaths, resources_dir
from seller_console.selftest import expected_totals
from seller_console.services.demo import demo_catalog_path, demo_import_options, sample_plan
from seller_console.services.live_session import (
    ActionFailed,
    LiveEvent,
    LiveSession,
    LiveState,
    ShowPhase,
)
from seller_console.services.live_show import plan_policy
from seller_console.services.reports import report_json
from seller_console.settings import Settings, settings_file
from tests.fakes import MemorySecrets
from tests.support import run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


class Seen:
    """A subscriber that keeps the newest state and every failure message."""

    def __init__(self) -> None:
        self.state = LiveState()
        self.failures: list[str] = []

    def __call__(self, state: LiveState, events: tuple[LiveEvent, ...]) -> None:
        self.state = state
        self.failures += [e.message for e in events if isinstance(e, ActionFailed)]


@asynccontextmanager
async def app(folder: Path) -> AsyncIterator[tuple[LiveLink, LiveSession, Seen]]:
    """One run of the app's live side: the link (embedded platform, show database) and
    the live session, closed at the end as the app closes them."""
    link = LiveLink(
        folder / AppPaths.default().show_database.name,
        Settings(),
        settings_file(folder),
        MemorySecrets(),
        sandbox_rate=40.0,
    )
    session = LiveSession(link)
    seen = Seen()
    session.subscribe(seen)
    try:
        yield link, session, seen
    finally:
        await session.close()
        await link.close()


async def wait(condition: object, what: str, timeout: float = 15.0) -> None:
    assert callable(condition)
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def sell(session: LiveSession, seen: Seen, takes: int) -> None:
    """Take ``takes`` products in rundown order, each confirmed, with orders in between."""
    for _ in range(takes):
        session.take()
        live = seen.state.live
        assert live is not None

        def confirmed(item_id: str = live.item.id) -> bool:
            card = seen.state.live
            return (
                card is not None
                and card.item.id == item_id
                and card.receipt is not None
                and card.receipt.outcome is PinOutcome.CONFIRMED
            )

        await wait(confirmed, "a confirmed pin")
        await asyncio.sleep(0.5)


async def settle(link: LiveLink, seen: Seen) -> int:
    """Stop the audience and wait until the ledger holds every order of the platform's."""
    assert link.sandbox is not None
    assert seen.state.show is not None
    link.sandbox.set_audience_rate(0)
    await asyncio.sleep(0.3)
    orders = await link.platform_orders(seen.state.show)

    def caught_up() -> bool:
        ledger = seen.state.ledger
        return ledger is not None and sum(f.orders for f in ledger.totals.values()) >= len(orders)

    await wait(caught_up, f"the ledger to hold {len(orders)} orders")
    return len(orders)


def test_three_shows_survive_restarts_quits_and_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(HOME_ENV, str(tmp_path))
    data = AppPaths.default().data_dir
    catalog = import_catalog(demo_catalog_path(resources_dir()), demo_import_options()).catalog
    plan = sample_plan(catalog)
    policy = plan_policy(plan)

    async def nights() -> None:
        shows: list[str] = []
        # night 1: go live, sell, end: the report at once
        async with app(data) as (link, session, seen):
            assert await session.go_live(plan, policy), seen.failures
            assert seen.state.show is not None
            shows.append(seen.state.show.id)
            await sell(session, seen, 2)
            await settle(link, seen)
            report = await session.end_show()
            assert report is not None
            assert seen.state.phase is ShowPhase.ENDED
            assert seen.state.live is None
            assert not seen.state.can_take
            assert report.totals == seen.state.ledger.totals  # type: ignore[union-attr]
            assert [w.window.product_id for w in report.windows][:2] == [
                report.timings[0].segment.product_id,
                report.timings[1].segment.product_id,
            ]
            assert all(t.actual_seconds > 0 for t in report.timings[:2])
            assert report.title_of(report.timings[0].segment.product_id) == (
                plan.items[0].product.display_title
            )

        # night 2, after a restart: go live on the first press; quit while live, leaving it
        # running on the platform
        async with app(data) as (link, session, seen):
            assert await session.go_live(plan, policy), seen.failures
            assert seen.state.show is not None
            shows.append(seen.state.show.id)
            await sell(session, seen, 1)
            await session.leave_running()
            assert [s.id for s in await link.unfinished_shows()] == [shows[1]]

        # the next start: it is offered back; resume, carry on, end
        async with app(data) as (link, session, seen):
            assert await session.resume(shows[1]), seen.failures
            live = seen.state.live
            assert live is not None
            assert live.item.id == plan.items[0].id
            await sell(session, seen, 1)
            await settle(link, seen)
            assert await session.end_show() is not None

        # night 3: go live, sell, then the app dies (no end, no leave: a crash)
        async with app(data) as (link, session, seen):
            assert await session.go_live(plan, policy), seen.failures
            assert seen.state.show is not None
            shows.append(seen.state.show.id)
            await sell(session, seen, 2)

        # the next start ends it: what the platform has is fetched and the report written
        async with app(data) as (link, session, seen):
            assert [s.id for s in await link.unfinished_shows()] == [shows[2]]
            assert await session.end_unfinished(shows[2]) is not None

        # a last start: every show is ended and its report equals the platform's orders
        async with app(data) as (link, session, seen):
            reports = await link.open_reports()
            listed = {s.id: s for s in await reports.list_shows()}
            assert set(listed) == set(shows)
            sessions = {listed[s].session_id for s in shows}
            assert len(sessions) == 3  # the restarted platform never reused a session
            for show_id in shows:
                show = listed[show_id]
                assert show.status is ShowStatus.ENDED
                orders = await link.platform_orders(show)
                assert orders, show.title
                report = await reports.report(show_id)
                expected = expected_totals(orders, "USD")
                totals = report.totals["USD"]
                assert (totals.orders, totals.gross, totals.refunds) == (
                    expected.orders,
                    expected.gross,
                    expected.refunds,
                )
                # estimated commission is the same on every reopening
                again = await reports.report(show_id)
                assert again.totals == report.totals
                totals_of[show_id] = report_json(report)["totals"]

    totals_of: dict[str, object] = {}
    run(nights(), 110)

    # the command line reads the same shows and figures
    code, listed = cli("shows", "list", "--json")
    assert code == 0
    assert {s["id"]: s["totals"] for s in listed} == totals_of
    assert all(s["status"] == "ended" for s in listed)
    some = listed[1]["id"]
    code, report = cli("shows", "report", some[:8], "--json")
    assert code == 0
    assert report["show"]["id"] == some
    assert report["totals"] == totals_of[some]
    assert all(w["title"] for w in report["pin_windows"])
    out = io.StringIO()
    assert main(["shows", "report", some, "--csv"], out, io.StringIO()) == 0
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][:2] == ["section", "show_id"]  # every block has its header row
    assert rows[1][:2] == ["show", some]
    assert main(["shows", "report", "no-such-show"], io.StringIO(), io.StringIO()) == 2


def cli(*argv: str) -> tuple[int, Any]:
    out = io.StringIO()
    code = main(list(argv), out, io.StringIO())
    return code, json.loads(out.getvalue())
