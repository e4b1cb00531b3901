"""The app's live side as its own process, for the crash scenarios (killed with SIGKILL).

``python -m tests.chaos.live_child FOLDER URL STATUS MODE [SHOW]`` runs what the app runs
when it is live, without Qt: a ``LiveLink`` (a sandbox-at-a-URL profile, its key from the
environment's ``CHAOS_API_KEY`` in an in-memory secret store, the show database in FOLDER)
and a ``LiveSession`` on it. MODE is one of

- ``go-live TITLE``: go live with ``chaos_plan(TITLE)`` and take its first product;
- ``resume SHOW``: find SHOW among the unfinished shows, resume it and take the next product;
- ``end SHOW``: find SHOW among the unfinished shows and end it (``end_unfinished``), exit 0.

Live, it then obeys one command a line on stdin: ``end`` (End show, exit 0), ``leave`` (quit
while live: the show stays unfinished, exit 0); end of input leaves the show running too.
After every few publications it writes STATUS atomically (JSON: the show and session ids,
the phase, the ledger's order and refund counts, whether the live pin is confirmed, the
failures published), which the harness reads for its confirmations. Exit 2: the mode's
action failed (the failures are printed); 3: SHOW is not an unfinished show.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

from seller_console.domain.money import Money
from seller_console.domain.rundown import ProductSnapshot, RundownItem, ShowPlan
from seller_console.domain.show_records import PinOutcome
from seller_console.live_link import LiveLink
from seller_console.paths import AppPaths
from seller_console.services.live_session import (
    ActionFailed,
    LiveEvent,
    LiveSession,
    LiveState,
    ShowPhase,
)
from seller_console.services.live_show import plan_policy
from seller_console.settings import Profile, ProfileKind, Settings
from tests.fakes import MemorySecrets

KEY_ENV = "CHAOS_API_KEY"
WRITE_EVERY_S = 0.2

# Prices and rates whose commissions round half-up at the cent (19.99 x 0.125 = 2.49875 ...).
PRODUCTS = (
    ("p1", "19.99", "0.125"),
    ("p2", "24.90", "0.12"),
    ("p3", "7.45", "0.155"),
    ("p4", "99.95", "0.085"),
    ("p5", "3.33", "0.3"),
)


def chaos_plan(title: str) -> ShowPlan:
    """A rundown of the five ``PRODUCTS`` (unlimited stock), in order."""
    items = []
    for product_id, price, rate in PRODUCTS:
        snapshot = ProductSnapshot(
            product_id=product_id,
            variant_id=product_id,
            sku=f"SKU-{product_id}",
            title=f"Product {product_id}",
            variant_title="",
            brand="Acme",
            price=Money.of(price, "USD"),
            compare_at_price=None,
            image_url="",
            stock=None,
            commission_rate=Decimal(rate),
            catalog="chaos",
        )
        items.append(RundownItem(f"item-{product_id}", snapshot, 60))
    return ShowPlan(title, tuple(items))


class Status:
    """A subscriber that keeps the newest state and writes it to the status file."""

    def __init__(self, path: Path, mode: str) -> None:
        self._path = path
        self._mode = mode
        self.state = LiveState()
        self.failures: list[str] = []
        self._written_at = 0.0
        self._written_phase: ShowPhase | None = None

    def __call__(self, state: LiveState, events: tuple[LiveEvent, ...]) -> None:
        self.state = state
        failed = [e.message for e in events if isinstance(e, ActionFailed)]
        for message in failed:
            print(f"failure: {message}", flush=True)
        self.failures = (self.failures + failed)[-20:]
        now = time.monotonic()
        if (
            failed
            or state.phase is not self._written_phase
            or now - self._written_at > WRITE_EVERY_S
        ):
            self.write()

    def write(self, **extra: object) -> None:
        state = self.state
        totals = state.ledger.totals.values() if state.ledger is not None else ()
        live = state.live
        body = {
            "mode": self._mode,
            "pid": os.getpid(),
            "show_id": None if state.show is None else state.show.id,
            "session_id": None if state.show is None else state.show.session_id,
            "phase": state.phase.value,
            "orders": sum(f.orders for f in totals),
            "refunds": sum(f.refunded_orders for f in totals),
            "pinned": live is not None
            and live.receipt is not None
            and live.receipt.outcome is PinOutcome.CONFIRMED,
            "failures": self.failures,
            **extra,
        }
        tmp = self._path.with_name(f".{self._path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(body), encoding="utf-8")
        os.replace(tmp, self._path)
        self._written_at = time.monotonic()
        self._written_phase = state.phase


def take_next(session: LiveSession) -> None:
    """Put the next product of the rundown live (back to the first after the last)."""
    stage = session.state.stage
    if stage is None:
        return
    if stage.armed is None:
        session.arm_index(0)
    session.take(confirmed=True)


async def commands(session: LiveSession, status: Status) -> int:
    """Obey stdin until ``end`` or ``leave`` (or the end of input); the exit status."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), sys.stdin
    )
    try:
        while True:
            line = (await reader.readline()).decode().strip()
            if line == "end":
                if await session.end_show() is None:
                    return 2
                return 0
            if line in ("leave", ""):
                await session.leave_running()
                return 0
            print(f"unknown command {line!r}", flush=True)
    finally:
        transport.close()


async def serve(folder: Path, url: str, status_path: Path, mode: str, arg: str) -> int:
    profile = Profile(ProfileKind.SANDBOX_URL, url)
    secrets = MemorySecrets()
    assert profile.secret_account is not None
    await secrets.save(profile.secret_account, os.environ[KEY_ENV])
    link = LiveLink(
        folder / AppPaths.default().show_database.name,
        Settings(profile),
        folder / "settings.json",
        secrets,
    )
    session = LiveSession(link)
    status = Status(status_path, mode)
    session.subscribe(status)
    try:
        if mode == "go-live":
            plan = chaos_plan(arg)
            if not await session.go_live(plan, plan_policy(plan)):
                return 2
            take_next(session)
            return await commands(session, status)
        unfinished = [s.id for s in await link.unfinished_shows()]
        if arg not in unfinished:
            print(f"{arg} is not among the unfinished shows {unfinished}", flush=True)
            return 3
        if mode == "resume":
            if not await session.resume(arg):
                return 2
            take_next(session)
            return await commands(session, status)
        if await session.end_unfinished(arg) is None:
            return 2
        return 0
    finally:
        status.write(closed=True)
        await session.close()
        await link.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("folder", type=Path)
    p.add_argument("url")
    p.add_argument("status", type=Path)
    p.add_argument("mode", choices=("go-live", "resume", "end"))
    p.add_argument("arg", help="the title (go-live) or the show id (resume, end)")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    return asyncio.run(serve(args.folder, args.url, args.status, args.mode, args.arg))


if __name__ == "__main__":
    sys.exit(main())
