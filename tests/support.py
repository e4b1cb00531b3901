"""Helpers shared by several test folders (no fixtures: those live in conftest.py)."""

from __future__ import annotations

import ast
import asyncio
import importlib
from collections.abc import Awaitable
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader
from pathlib import Path
from typing import Any, TypeVar

from seller_console.domain.commission import line_commission
from seller_console.domain.money import Currency, Money
from seller_console.domain.orders import Commission, Order, OrderLine, OrderStatus
from seller_console.domain.rundown import ProductSnapshot

T = TypeVar("T")
T0 = datetime(2025, 5, 1, 18, 0, 12, tzinfo=UTC)

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_CATALOGS = REPO_ROOT.parent / "shared" / "testdata" / "catalogs"


def compiled_modules() -> list[str]:
    """The modules setup.py compiles with mypyc (its ``COMPILED`` list), by module name."""
    tree = ast.parse((REPO_ROOT / "setup.py").read_text(encoding="utf-8"))
    paths = next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "COMPILED" for t in node.targets)
    )
    return [path.removesuffix(".py").replace("/", ".") for path in paths]


def stale_build() -> str | None:
    """What makes the tests run other code than the app would: a compiled module not
    built, or built before its source last changed. None when every one is current."""
    for name in compiled_modules():
        module = importlib.import_module(name)
        source = REPO_ROOT / (name.replace(".", "/") + ".py")
        built = [p for s in EXTENSION_SUFFIXES if (p := source.with_name(source.stem + s)).exists()]
        if not built or not isinstance(module.__loader__, ExtensionFileLoader):
            return f"{name} is not compiled"
        if built[0].stat().st_mtime < source.stat().st_mtime:
            return f"{name} was compiled before {source.name} last changed"
    return None


def shared_catalog_files(folder: Path) -> list[Path]:
    """Every catalog file below ``folder`` (one subfolder per format), in a stable order."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.name != "MANIFEST.md" and not p.name.startswith(".")
    )


def run(coro: Awaitable[T], timeout: float = 60.0) -> T:
    """Run ``coro`` to the end on a fresh event loop, bounded by ``timeout`` seconds."""

    async def bounded() -> T:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())


def order(
    oid: str,
    price: str = "19.99",
    qty: int = 1,
    *,
    product: str = "p1",
    currency: str = "USD",
    status: OrderStatus = OrderStatus.PAID,
    pin: str | None = "pin_1",
    reported: str | None = None,
    rate: str = "0.125",
    at: datetime = T0,
    session: str = "s",
) -> Order:
    """One order of one line; its commission is the platform's estimate at ``rate`` unless
    ``reported`` says what the platform reported."""
    unit = Money.of(price, currency)
    total = unit * qty
    amount = reported or str(line_commission(total.amount, Decimal(rate), Currency.of(currency)))
    return Order(
        id=oid,
        session_id=session,
        created_at=at,
        status=status,
        lines=(OrderLine(product, f"SKU-{product}", qty, unit),),
        total=total,
        commission=Commission(Decimal(rate), Money.of(amount, currency)),
        pin_id=pin,
        affiliate_code=None,
    )


def snapshot(product_id: str, title: str = "", **changes: Any) -> ProductSnapshot:
    """A catalog variant as a plan keeps it: priced, in stock, with a commission rate."""
    made = ProductSnapshot(
        product_id=product_id,
        variant_id=f"{product_id}-v",
        sku=f"SKU-{product_id}",
        title=title or f"Product {product_id}",
        variant_title="",
        brand="Brand",
        price=Money.of("34.00", "USD"),
        compare_at_price=None,
        image_url=f"https://img.example/{product_id}.png",
        stock=10,
        commission_rate=Decimal("0.1"),
        catalog="demo",
    )
    return replace(made, **changes)


def settled(o: Order, actual: str) -> Order:
    """``o`` as the platform reports it once settled: the line's estimate and its actual."""
    line = o.lines[0]
    amount = Money.of(actual, line.unit_price.currency.code)
    return replace(
        o,
        lines=(replace(line, commission_estimated=o.commission.amount, commission_settled=amount),),
        commission=replace(o.commission, amount=amount, settled=True),
    )
