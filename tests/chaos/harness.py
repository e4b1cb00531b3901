"""The crash scenario: the ingest service (``ingest_child``) runs as a subprocess against a
sandbox in this process, is killed with SIGKILL at random moments while orders, refunds and
pin changes flow, is restarted each time, and finally catches up; then its ledger database
is compared with the sandbox's orders list.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from seller_console.domain.commission import CommissionPolicy
from seller_console.domain.ledger import Ledger
from seller_console.domain.money import Money
from seller_console.domain.orders import Order
from seller_console.domain.platform_port import (
    LiveSession,
    PinRequest,
    ShowcaseProduct,
    new_idempotency_key,
)
from seller_console.sandbox import RunningSandbox, SandboxConfig, SandboxFaults, start_sandbox
from seller_console.storage import Database, ShowStore
from tests.chaos.ingest_child import patient_client

# Prices and rates whose products round half-up at the cent (19.99 x 0.125 = 2.49875 ...).
PRODUCTS = (
    ("p1", "19.99", "0.125"),
    ("p2", "24.90", "0.12"),
    ("p3", "7.45", "0.155"),
    ("p4", "99.95", "0.085"),
    ("p5", "3.33", "0.3"),
)
CHAOS_FAULTS = SandboxFaults(
    error_rate=0.05,
    rate_limit_burst_every=400,
    retry_after_s=1,
    drop_every=(100, 600),
    duplicate_rate=0.05,
    reorder_window=5,
)


@dataclass(frozen=True, slots=True)
class ChaosResult:
    orders: int
    received: int
    missing: int
    doubled: int
    wrong_status: int
    kills: int
    commission_diff: Decimal
    totals_match: bool
    seconds: float

    @property
    def ok(self) -> bool:
        return (
            self.missing == 0
            and self.doubled == 0
            and self.wrong_status == 0
            and self.commission_diff == 0
            and self.totals_match
        )

    def line(self) -> str:
        return (
            f"chaos: orders={self.orders} received={self.received} missing={self.missing} "
            f"doubled={self.doubled} kills={self.kills} commission_diff={self.commission_diff:.2f}"
        )


def _control(sandbox: RunningSandbox, method: str, path: str, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {sandbox.api_key}"}
    with httpx.Client(base_url=sandbox.base_url, headers=headers, timeout=30) as raw:
        response = raw.request(method, path, json=body)
        response.raise_for_status()
        return response.json()


async def _setup(sandbox: RunningSandbox) -> str:
    async with patient_client(sandbox.base_url, sandbox.api_key) as client:
        for product_id, price, rate in PRODUCTS:
            await client.upsert_product(
                ShowcaseProduct(
                    id=product_id,
                    sku=f"SKU-{product_id}",
                    title=f"Product {product_id}",
                    brand="Acme",
                    price=Money.of(price, "USD"),
                    commission_rate=Decimal(rate),
                )
            )
        session = await client.create_session("Chaos show")
        await client.start_session(session.id)
        await client.set_bag(session.id, [p[0] for p in PRODUCTS])
        return session.id


async def _pin(sandbox: RunningSandbox, session_id: str, product_id: str) -> None:
    async with patient_client(sandbox.base_url, sandbox.api_key) as client:
        await client.pin(session_id, PinRequest(product_id), idempotency_key=new_idempotency_key())


async def _platform_view(
    sandbox: RunningSandbox, session_id: str
) -> tuple[tuple[Order, ...], LiveSession, CommissionPolicy]:
    async with patient_client(sandbox.base_url, sandbox.api_key) as client:
        orders = await client.all_orders(session_id)
        session = await client.get_session(session_id)
        showcase = (await client.list_products(limit=200)).items
        return orders, session, CommissionPolicy.from_showcase(showcase)


async def _stored_orders(db_path: Path, session_id: str) -> tuple[Order, ...]:
    db = await Database.open(db_path)
    try:
        return await ShowStore(db).load_orders(session_id)
    finally:
        await db.close()


class _Child:
    """The ingest process; its output goes to a log file shown when something fails."""

    def __init__(self, db: Path, sandbox: RunningSandbox, session_id: str, log: Path) -> None:
        self._args = [
            sys.executable,
            "-m",
            "tests.chaos.ingest_child",
            str(db),
            sandbox.base_url,
            sandbox.api_key,
            session_id,
        ]
        self._log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, until: int | None = None) -> None:
        extra = [] if until is None else ["--until", str(until)]
        with self._log.open("ab") as log:
            self.proc = subprocess.Popen(
                [*self._args, *extra],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=Path(__file__).resolve().parents[2],
                env={**os.environ, "PYTHONWARNINGS": "error::ResourceWarning"},
            )

    def kill(self) -> None:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def wait(self, timeout: float) -> int:
        assert self.proc is not None
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def log_tail(self) -> str:
        return self._log.read_text(errors="replace")[-3000:]


def run_scenario(
    *,
    orders: int,
    kills: int,
    faults: SandboxFaults | None,
    seed: int = 1,
    chunk: int = 100,
    catch_up_s: float = 120.0,
) -> ChaosResult:
    """Run the whole scenario; raises ``AssertionError`` with the child's log when the child
    fails to catch up in ``catch_up_s``."""
    began = time.monotonic()
    rng = random.Random(seed)
    with (
        tempfile.TemporaryDirectory(prefix="chaos-") as tmp,
        start_sandbox(SandboxConfig(seed=seed, rate=0.0, refund_rate=0.03)) as sandbox,
    ):
        session_id = asyncio.run(_setup(sandbox))
        asyncio.run(_pin(sandbox, session_id, "p1"))
        db = Path(tmp) / "ledger.sqlite3"
        child = _Child(db, sandbox, session_id, Path(tmp) / "child.log")
        if faults is not None:
            sandbox.set_faults(faults)

        done = threading.Event()
        failure: list[BaseException] = []

        def produce() -> None:
            try:
                made = 0
                n = 0
                while made < orders:
                    count = min(chunk, orders - made)
                    path = f"/_sandbox/sessions/{session_id}/orders"
                    made += int(_control(sandbox, "POST", path, {"count": count})["created"])
                    n += 1
                    if n % 10 == 0:  # refunds fall due while the child comes and goes
                        _control(sandbox, "POST", "/_sandbox/clock", {"seconds": 30})
                    if n % 7 == 0:
                        asyncio.run(_pin(sandbox, session_id, PRODUCTS[n % len(PRODUCTS)][0]))
                    time.sleep(0.01)
            except BaseException as exc:  # reported by the main thread
                failure.append(exc)
            finally:
                done.set()

        producer = threading.Thread(target=produce, name="chaos-orders")
        child.start()
        producer.start()
        made_kills = 0
        try:
            while made_kills < kills:
                time.sleep(rng.uniform(0.4, 1.6))
                child.kill()
                made_kills += 1
                child.start()
            producer.join()
            if failure:
                raise failure[0]
            _control(sandbox, "POST", "/_sandbox/clock", {"seconds": 200})  # every refund due
            last = int(_control(sandbox, "GET", f"/v1/live-sessions/{session_id}")["last_event_id"])
            child.kill()
            child.start(until=last)
            code = child.wait(catch_up_s)
        except BaseException:
            child.kill()
            done.wait(30)
            raise
        assert code == 0, f"the ingest child failed:\n{child.log_tail()}"
        sandbox.set_faults(SandboxFaults())
        platform_orders, session, policy = asyncio.run(_platform_view(sandbox, session_id))
        stored = asyncio.run(_stored_orders(db, session_id))
    return _compare(platform_orders, session, policy, stored, made_kills, time.monotonic() - began)


def _compare(
    platform_orders: tuple[Order, ...],
    session: LiveSession,
    policy: CommissionPolicy,
    stored: tuple[Order, ...],
    kills: int,
    seconds: float,
) -> ChaosResult:
    ledger = Ledger(policy)
    ledger.apply_all(stored)
    theirs = {o.id: o for o in platform_orders}
    ours_ids = [o.id for o in stored]
    ours = {o.id: o for o in stored}
    counted = sum(f.orders for f in ledger.totals().values())
    doubled = (len(ours_ids) - len(ours)) + (counted - len(ours)) + len(ours.keys() - theirs)
    wrong = sum(1 for i, o in theirs.items() if i in ours and ours[i].status != o.status)
    stats = session.stats
    assert stats is not None
    totals = ledger.totals()
    revenue = {m.currency.code: m.amount for m in stats.revenue}
    commission = {m.currency.code: m.amount for m in stats.commission}
    diff = sum(
        (
            abs(f.commission_estimated.amount - commission.get(code, Decimal(0)))
            + abs(f.commission_reported.amount - commission.get(code, Decimal(0)))
            for code, f in totals.items()
        ),
        Decimal(0),
    )
    totals_match = (
        all(f.net.amount == revenue.get(code, Decimal(0)) for code, f in totals.items())
        and sum(f.units for f in totals.values()) == stats.units
        and sum(f.orders for f in totals.values()) == stats.orders
        and sum(f.refunded_orders for f in totals.values()) == stats.refunds
    )
    return ChaosResult(
        orders=len(theirs),
        received=len(ours.keys() & theirs.keys()),
        missing=len(theirs.keys() - ours.keys()),
        doubled=doubled,
        wrong_status=wrong,
        kills=kills,
        commission_diff=diff,
        totals_match=totals_match,
        seconds=seconds,
    )
