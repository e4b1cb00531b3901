"""The show services against the sandbox: journaled pins with receipts, the runner's
coalesced updates, a restart that resumes from storage, and the end-of-show report."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import pytest

from seller_console.domain.commission import CommissionPolicy
from seller_console.domain.ledger import Figures
from seller_console.domain.rundown import RundownItem
from seller_console.domain.show_records import (
    PinOutcome,
    PinReceipt,
    PlannedSegment,
    ShowRecord,
    ShowStatus,
)
from seller_console.platform.client import LiveCommerceClient
from seller_console.sandbox import SandboxConfig, start_sandbox
from seller_console.services.reports import ShowReport, ShowReports, ShowSummary, write_csv
from seller_console.services.show_actions import ShowActions
from seller_console.services.show_runner import LedgerUpdate, ShowRunner
from seller_console.storage import Database, ShowStore
from tests.chaos.harness import PRODUCTS, _control, _setup
from tests.support import run, snapshot

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]
T = TypeVar("T")


def segment(product_id: str, position: int) -> PlannedSegment:
    rate = next(Decimal(r) for p, _price, r in PRODUCTS if p == product_id)
    made = snapshot(product_id, variant_id=product_id, commission_rate=rate)
    return PlannedSegment.of(RundownItem(f"item{position}", made, 60), position)


def test_a_show_pins_ingests_restarts_and_reports(tmp_path: Path) -> None:
    with start_sandbox(SandboxConfig(seed=5, rate=0.0)) as sandbox:
        session_id = run(_setup(sandbox))

        def orders(count: int) -> None:
            path = f"/_sandbox/sessions/{session_id}/orders"
            _control(sandbox, "POST", path, {"count": count})

        async def until(runner: ShowRunner, n: int) -> None:
            while len(runner.ledger) < n:
                await asyncio.sleep(0.02)

        async def go() -> tuple[
            PinReceipt,
            list[LedgerUpdate],
            ShowReport,
            ShowReport,
            tuple[ShowSummary, ...],
            dict[str, Figures],
        ]:
            db = await Database.open(tmp_path / "show.db")
            store = ShowStore(db)
            updates: list[LedgerUpdate] = []
            try:
                async with LiveCommerceClient(sandbox.base_url, sandbox.api_key) as client:
                    showcase = (await client.list_products()).items
                    policy = CommissionPolicy.from_showcase(showcase)
                    show = ShowRecord("show_1", session_id, "Chaos show", datetime.now(UTC))
                    planned = [segment(p, n) for n, (p, _price, _rate) in enumerate(PRODUCTS)]
                    await store.create_show(show, planned)
                    actions = ShowActions(client, store, store, show)
                    receipt = await actions.pin("p1")
                    runner = ShowRunner(
                        client,
                        store,
                        show.id,
                        session_id,
                        policy,
                        actions=actions,
                        on_change=updates.append,
                        publish_every_s=0.05,
                    )
                    task = asyncio.create_task(runner.run())
                    await asyncio.to_thread(orders, 300)
                    await until(runner, 300)
                    # the panels hear of every order once its batch is saved and published
                    while sum(len(u.changed_orders) for u in updates) < 300:
                        await asyncio.sleep(0.02)
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                    # a restart: resumes from the saved cursor, reconciles, goes on
                    await asyncio.to_thread(orders, 200)
                    second = ShowRunner(client, store, show.id, session_id, policy, actions=actions)
                    task = asyncio.create_task(second.run())
                    await until(second, 500)
                    await actions.pin("p2")
                    await asyncio.to_thread(orders, 100)
                    await until(second, 600)
                    await actions.end()  # the platform ended it: ENDING
                    await actions.finished()  # its last orders are kept: ENDED
                    reports = ShowReports(store)
                    report = await reports.report("show_1", second.ledger)
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                    await asyncio.to_thread(write_csv, report, tmp_path / "report.csv")
                    reopened = await reports.report("show_1")
                    listed = await reports.summaries()
                    return receipt, updates, report, reopened, listed, second.ledger.totals()
            finally:
                await db.close()

        receipt, updates, report, reopened, listed, totals = run(go())

    assert receipt.outcome is PinOutcome.CONFIRMED
    assert receipt.latency_ms is not None
    assert 1 <= len(updates) < 300  # coalesced, never one per order
    assert sum(len(u.changed_orders) for u in updates) >= 300
    assert totals["USD"].orders == 600
    assert report.totals == totals
    assert reopened.totals == report.totals
    assert reopened.show.status is ShowStatus.ENDED
    assert [s.show.id for s in listed] == ["show_1"]
    assert listed[0].totals.figures == (totals["USD"],)  # Past shows: as the report totals it
    assert [t.outcome for t in report.timeline][:2] == ["confirmed", "confirmed"]
    assert {k[0] for k in report.by_product} <= {p[0] for p in PRODUCTS}
    text = (tmp_path / "report.csv").read_text()
    assert "commission_estimated" in text
    assert "segment" in text
