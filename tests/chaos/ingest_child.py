"""The ingest service as its own process, for the crash scenarios (killed with SIGKILL).

``python -m tests.chaos.ingest_child DB URL KEY SESSION [--until CURSOR]``: consume the
session's events into the ledger database until killed or, with ``--until``, until the
saved cursor reaches CURSOR (then exit 0).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
from pathlib import Path

from seller_console.domain.commission import CommissionPolicy
from seller_console.domain.platform_port import ShowcaseProduct
from seller_console.platform._retry import Retrier, RetryPolicy
from seller_console.platform.client import LiveCommerceClient
from seller_console.services.show_runner import ShowRunner
from seller_console.storage import Database, ShowStore

PATIENT = RetryPolicy(max_attempts=50, max_elapsed_s=120, base_delay_s=0.01, max_delay_s=0.3)
RECONNECT = RetryPolicy(
    max_attempts=10**6, max_elapsed_s=float("inf"), base_delay_s=0.01, max_delay_s=0.2
)


def patient_client(base_url: str, api_key: str) -> LiveCommerceClient:
    """Retries sized for a sandbox failing many of its calls on purpose."""
    return LiveCommerceClient(
        base_url,
        api_key,
        retrier=Retrier(PATIENT, rng=random.Random()),
        stream_reconnect=Retrier(RECONNECT, rng=random.Random()),
    )


async def showcase_policy(client: LiveCommerceClient) -> CommissionPolicy:
    products: list[ShowcaseProduct] = []
    cursor: str | None = None
    while True:
        page = await client.list_products(cursor=cursor, limit=200)
        products.extend(page.items)
        if page.next_cursor is None:
            return CommissionPolicy.from_showcase(products)
        cursor = page.next_cursor


async def serve(db_path: Path, url: str, key: str, session_id: str, until: int | None) -> None:
    db = await Database.open(db_path)
    try:
        async with patient_client(url, key) as client:
            policy = await showcase_policy(client)
            # the harness keys the show by its session: one show per session here
            runner = ShowRunner(
                client, ShowStore(db), session_id, session_id, policy, batch_max=2000
            )
            task = asyncio.create_task(runner.run())
            while not task.done():
                await asyncio.sleep(0.05)
                if until is not None and runner.cursor is not None and int(runner.cursor) >= until:
                    task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    finally:
        await db.close()


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("db", type=Path)
    p.add_argument("url")
    p.add_argument("key")
    p.add_argument("session")
    p.add_argument("--until", type=int)
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    asyncio.run(serve(args.db, args.url, args.key, args.session, args.until))


if __name__ == "__main__":
    main()
