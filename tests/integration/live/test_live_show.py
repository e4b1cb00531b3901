"""A show through the services against the real sandbox on a loopback port (no Qt)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from seller_console.domain.connection import LinkStatus
from seller_console.importers import import_catalog
from seller_console.live_link import LiveLink
from seller_console.paths import resources_dir
from seller_console.selftest import expected_totals
from seller_console.services.demo import demo_catalog_path, demo_import_options, sample_plan
from seller_console.services.live_show import plan_policy
from seller_console.services.show_runner import LedgerUpdate
from seller_console.settings import Settings, settings_file
from tests.fakes import MemorySecrets


def test_prepare_pin_sell_and_report_match_the_platform(tmp_path: Path) -> None:
    catalog = import_catalog(demo_catalog_path(resources_dir()), demo_import_options()).catalog
    plan = sample_plan(catalog)

    async def show() -> None:
        link = LiveLink(
            tmp_path / "shows.sqlite3",
            Settings(),
            settings_file(tmp_path),
            MemorySecrets(),
            sandbox_rate=40.0,
        )
        try:
            live = await link.open_show(plan, plan_policy(plan))
            progress: list[tuple[int, int]] = []
            result = await live.prepare(lambda done, total: progress.append((done, total)))
            assert len(result.published) == len(plan.items)
            assert result.failed == ()
            assert progress[-1] == (len(plan.items), len(plan.items))
            await live.go_live()
            links: list[LinkStatus] = []
            updates: list[LedgerUpdate] = []
            runner = live.make_runner(updates.append, lambda status, _delay: links.append(status))
            ledger_task = asyncio.create_task(runner.run())
            for item in plan.items[:2]:
                receipt = await live.pin(item)
                assert receipt.pin_id is not None, receipt.failure
                assert receipt.latency_ms is not None
                await asyncio.sleep(0.6)
            assert link.sandbox is not None
            link.sandbox.set_audience_rate(0)
            assert link.client is not None
            assert live.show is not None
            await asyncio.sleep(0.3)
            orders = await link.platform_orders(live.show)
            assert len(orders) > 5
            deadline = asyncio.get_running_loop().time() + 10
            while len(runner.ledger) < len(orders):
                assert asyncio.get_running_loop().time() < deadline, "ledger did not catch up"
                await asyncio.sleep(0.05)
            expected = expected_totals(orders, "USD")
            totals = runner.ledger.snapshot().totals["USD"]
            assert (totals.orders, totals.gross, totals.refunds) == (
                expected.orders,
                expected.gross,
                expected.refunds,
            )
            assert LinkStatus.LIVE in links
            assert updates
            await live.end()
            report = await live.report()
            assert report.totals["USD"].gross == expected.gross
            assert len(report.timeline) >= 2
            ledger_task.cancel()
            await asyncio.gather(ledger_task, return_exceptions=True)
        finally:
            await link.close()

    asyncio.run(asyncio.wait_for(show(), 60))
