"""Ledger ingest figures (printed, never asserted). Target >= 5,000 orders/s (goal 10,000).

1. Stage alone: pre-decoded ``Delivery`` objects through ``ShowRunner.ingest`` (ledger +
   one SQLite transaction per batch, synchronous=FULL), for BENCH_SECONDS (default 60).
2. End to end: a sandbox in its own process (``seller-console-sandbox --port 0``) makes
   orders as fast as it can while ``ShowRunner`` consumes the stream (SSE decoding, typed
   parsing, ledger, SQLite) for BENCH_SECONDS; then the backlog left is drained and timed.
Whichever of "sandbox made" and "stage alone" is lower limits the end-to-end rate.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx

from seller_console.domain.commission import CommissionPolicy, ProductTerms
from seller_console.domain.events import Delivery, OrderCreated
from seller_console.domain.money import Money
from seller_console.domain.orders import Commission, Order, OrderLine, OrderStatus
from seller_console.platform.client import LiveCommerceClient
from seller_console.services.show_runner import ShowRunner
from seller_console.storage import Database, ShowStore
from tests.benchmarks._summary import summary
from tests.chaos.harness import PRODUCTS, _setup

SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
BATCH = 2000


class _Sandbox:
    """``seller-console-sandbox`` in a subprocess, so its order generation has its own core."""

    def __init__(self) -> None:
        exe = Path(sys.executable).with_name("seller-console-sandbox")
        self.proc = subprocess.Popen(
            [str(exe), "--port", "0", "--rate", "0", "--seed", "7"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().split()[-1]
        self.api_key = self.proc.stdout.readline().split()[-1]

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(15)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _orders(n: int) -> list[Delivery]:
    unit = Money.of("19.99", "USD")
    rate = Decimal("0.125")
    at = datetime.now(UTC)
    return [
        Delivery(
            str(i + 1),
            OrderCreated(
                Order(
                    f"ord_{i:08d}",
                    "ses_bench",
                    at,
                    OrderStatus.PAID,
                    (OrderLine("p1", "SKU-p1", 1, unit),),
                    unit,
                    Commission(rate, Money.of("2.50", "USD")),
                    f"pin_{i // 5000}",
                    None,
                )
            ),
        )
        for i in range(n)
    ]


async def _stage_alone(db_path: Path) -> tuple[int, float]:
    db = await Database.open(db_path)
    policy = CommissionPolicy({"p1": ProductTerms("Acme", Decimal("0.125"))})
    pool = _orders(200_000)
    try:
        runner = ShowRunner(None, ShowStore(db), "show_bench", "ses_bench", policy)  # type: ignore[arg-type]
        done = 0
        start = time.perf_counter()
        while time.perf_counter() - start < SECONDS and done < len(pool):
            await runner.ingest(pool[done : done + BATCH])
            done += BATCH
        return done, time.perf_counter() - start
    finally:
        await db.close()


async def _end_to_end(sandbox: _Sandbox, db_path: Path) -> tuple[float, float]:
    """(orders/s the sandbox made, orders/s ingested end to end) over the same seconds."""
    session_id = await _setup(sandbox)  # type: ignore[arg-type]
    headers = {"Authorization": f"Bearer {sandbox.api_key}"}
    made = 0
    stop = threading.Event()

    def produce() -> None:
        nonlocal made
        with httpx.Client(base_url=sandbox.base_url, headers=headers, timeout=60) as control:
            while not stop.is_set():
                path = f"/_sandbox/sessions/{session_id}/orders"
                made += control.post(path, json={"count": 2000}).json()["created"]

    db = await Database.open(db_path)
    try:
        async with LiveCommerceClient(sandbox.base_url, sandbox.api_key) as client:
            policy = CommissionPolicy.from_showcase((await client.list_products()).items)
            runner = ShowRunner(
                client, ShowStore(db), "show_bench", session_id, policy, batch_max=BATCH
            )
            task = asyncio.create_task(runner.run())
            producer = threading.Thread(target=produce)
            start = time.perf_counter()
            producer.start()
            await asyncio.sleep(SECONDS)
            got, elapsed, made_then = len(runner.ledger), time.perf_counter() - start, made
            stop.set()
            await asyncio.to_thread(producer.join)
            drain_from, drain_start = len(runner.ledger), time.perf_counter()
            while len(runner.ledger) < made:
                await asyncio.sleep(0.01)
            drain_s = time.perf_counter() - drain_start
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    finally:
        await db.close()
    rate_made, rate_got = made_then / elapsed, got / elapsed
    print(f"  sandbox made        {rate_made:10,.0f} orders/s ({made_then} in {elapsed:.0f} s)")
    print(f"  end to end ingested {rate_got:10,.0f} orders/s (lag at the end: {made_then - got})")
    if made - drain_from > 0 and drain_s > 0:
        rate = (made - drain_from) / drain_s
        print(f"  backlog drain       {rate:10,.0f} orders/s ({made - drain_from} orders)")
    print(f"  batches saved: {runner.batches}, {got / max(runner.batches, 1):.0f} events/batch")
    return rate_made, rate_got


def main() -> None:
    print(f"ledger ingest, {SECONDS:.0f} s per stage, products {len(PRODUCTS)}")
    with tempfile.TemporaryDirectory(prefix="bench-ledger-") as tmp:
        done, elapsed = asyncio.run(_stage_alone(Path(tmp) / "stage.db"))
        alone = done / elapsed
        print(f"  ledger+SQLite alone {alone:10,.0f} orders/s ({done} in {elapsed:.1f} s)")
        sandbox = _Sandbox()
        try:
            made, end_to_end = asyncio.run(_end_to_end(sandbox, Path(tmp) / "e2e.db"))
        finally:
            sandbox.close()
    print(
        summary(
            "ledger",
            {
                "alone_orders_per_s": alone,
                "end_to_end_orders_per_s": end_to_end,
                "sandbox_made_orders_per_s": made,
            },
        )
    )
