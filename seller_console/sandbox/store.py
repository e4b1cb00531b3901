"""Optional persistence of the sandbox (``--state FILE``) in SQLite, with stdlib sqlite3.

The sandbox is a separate reference server standing in for a remote platform, so it keeps
its own small store here rather than using the app's ``storage/`` layer (which it must not
import). Showcase, affiliate links, sessions (with their pin, bag, totals and last event
id) and orders survive a restart; the event log itself does not, so a client resuming
with an id from before the restart gets ``resync-required`` and rebuilds from the orders.
Pending refunds are not kept either. Values are kept in their wire JSON form.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import fields
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from seller_console.domain.money import Money
from seller_console.sandbox.errors import SandboxStartError

if TYPE_CHECKING:
    from seller_console.sandbox.world import (
        AffiliateLink,
        Counters,
        Pin,
        Product,
        Session,
        Totals,
        World,
    )

_SCHEMA = """
CREATE TABLE IF NOT EXISTS products (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS links (code TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
    id TEXT PRIMARY KEY, session_id TEXT NOT NULL, body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_by_session ON orders (session_id);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


def _dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def _loads(text: str) -> dict[str, object]:
    value = json.loads(text, parse_float=Decimal)
    assert isinstance(value, dict)
    return value


def _money(value: object) -> Money | None:
    if value is None:
        return None
    assert isinstance(value, dict)
    return Money.of(str(value["amount"]), str(value["currency"]))


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


class SandboxStore:
    """One SQLite file. Opened, used and closed on the server's thread."""

    def __init__(self, path: Path) -> None:
        try:
            self._db = sqlite3.connect(path)
            self._db.executescript(_SCHEMA)
            self._db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.Error as exc:
            raise SandboxStartError(f"cannot open the sandbox state file {path}: {exc}") from exc
        self._seq: dict[str, int] = {}

    def close(self) -> None:
        self._db.close()

    def commit(self) -> None:
        self._db.commit()

    def save_product(self, product: Product) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO products VALUES (?, ?)", (product.id, _dumps(product.to_wire()))
        )

    def delete_product(self, product_id: str) -> None:
        self._db.execute("DELETE FROM products WHERE id = ?", (product_id,))

    def save_link(self, link: AffiliateLink) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO links VALUES (?, ?)", (link.code, _dumps(link.to_wire()))
        )

    def save_sessions(self, sessions: Sequence[Session]) -> None:
        rows = []
        for session in sessions:
            body = session.to_wire()
            body["pin_version"] = session.pin_version
            body["audience_size"] = session.audience_size
            body["pin_sold"] = session.pin.sold if session.pin is not None else 0
            rows.append((session.id, _dumps(body)))
        self._db.executemany("INSERT OR REPLACE INTO sessions VALUES (?, ?)", rows)

    def save_orders(self, orders: Sequence[dict[str, object]]) -> None:
        # An upsert keeps the row's rowid, which is the order's place in its session.
        self._db.executemany(
            "INSERT INTO orders (id, session_id, body) VALUES (?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            [(str(o["id"]), str(o["session_id"]), _dumps(o)) for o in orders],
        )

    def save_counters(self, counters: Counters) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO counters VALUES (?, ?)",
            [(f.name, getattr(counters, f.name)) for f in fields(counters)],
        )

    def load_into(self, world: World) -> None:
        from seller_console.sandbox.world import AffiliateLink, Pin, Product, Totals

        for (text,) in self._db.execute("SELECT body FROM products ORDER BY id"):
            body = _loads(text)
            price = _money(body["price"])
            assert price is not None
            product = Product(
                id=str(body["id"]),
                sku=str(body["sku"]),
                title=str(body["title"]),
                brand=str(body["brand"]),
                price=price,
                compare_at_price=_money(body.get("compare_at_price")),
                image_url=_str_or_none(body.get("image_url")),
                stock=_int_or_none(body.get("stock")),
                commission_rate=Decimal(str(body["commission_rate"])),
                updated_at=str(body["updated_at"]),
            )
            world.products[product.id] = product
        for (text,) in self._db.execute("SELECT body FROM links ORDER BY code"):
            body = _loads(text)
            world.add_link(
                AffiliateLink(
                    str(body["code"]),
                    str(body["product_id"]),
                    str(body["url"]),
                    str(body["created_at"]),
                )
            )
        for (text,) in self._db.execute("SELECT body FROM sessions ORDER BY id"):
            body = _loads(text)
            session = world.new_session(
                str(body["id"]),
                str(body["title"]),
                str(body["status"]),
                str(body["created_at"]),
                _str_or_none(body.get("scheduled_start")),
                int(str(body["last_event_id"])),
            )
            session.started_at = _str_or_none(body.get("started_at"))
            session.ended_at = _str_or_none(body.get("ended_at"))
            bag = body.get("bag")
            session.bag = [str(p) for p in bag] if isinstance(bag, list) else []
            session.viewers = int(str(body.get("viewers", 0)))
            session.pin_version = int(str(body.get("pin_version", 0)))
            session.audience_size = int(str(body.get("audience_size", 0)))
            session.pin = _pin(body.get("pin"), int(str(body.get("pin_sold", 0))), Pin)
            session.totals = _totals(body.get("stats"), Totals)
            orders = [
                _loads(t)
                for (t,) in self._db.execute(
                    "SELECT body FROM orders WHERE session_id = ? ORDER BY rowid", (session.id,)
                )
            ]
            world.restore_orders(session, orders)
            world.sessions[session.id] = session
        for name, value in self._db.execute("SELECT name, value FROM counters"):
            setattr(world.counters, name, value)


def _pin(value: object, sold: int, pin_type: type[Pin]) -> Pin | None:
    if not isinstance(value, dict):
        return None
    return pin_type(
        pin_id=str(value["pin_id"]),
        product_id=str(value["product_id"]),
        pinned_at=str(value["pinned_at"]),
        version=int(str(value["version"])),
        live_price=_money(value.get("live_price")),
        stock_limit=_int_or_none(value.get("stock_limit")),
        sold=sold,
    )


def _totals(value: object, totals_type: type[Totals]) -> Totals:
    totals = totals_type()
    if not isinstance(value, dict):
        return totals
    totals.orders = int(str(value.get("orders", 0)))
    totals.units = int(str(value.get("units", 0)))
    totals.refunds = int(str(value.get("refunds", 0)))
    for key, target in (("revenue", totals.revenue), ("commission", totals.commission)):
        items = value.get(key)
        for item in items if isinstance(items, list) else []:
            money = _money(item)
            if money is not None:
                target[money.currency.code] = money.amount
    return totals
