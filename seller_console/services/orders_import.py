"""Import a manual-pins show's orders from the platform's orders export.

After a show with manual pins (no API to read orders from), the seller downloads the
orders from the platform's seller centre and imports the file here (``importers.
orders_export`` reads it). Each order placed between the show's start and end becomes an
order of that show (ids are unique per show), attributed to the pin window its time fell
in, as the operator's pins were; orders placed outside the show are listed and left out.
Its lines are keyed as the show's rundown keys products (the SKU of a planned product is
its showcase id; another SKU is kept as it is). Importing the same file again changes
nothing; a later export in which an order was refunded moves that order on.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from seller_console.domain.errors import DomainError
from seller_console.domain.ledger import progress
from seller_console.domain.money import Money
from seller_console.domain.orders import Commission, Order, OrderLine
from seller_console.domain.show_records import ShowRecord
from seller_console.domain.showcase import showcase_id
from seller_console.importers.errors import CatalogImportError
from seller_console.importers.orders_export import ExportedOrder, read_orders_export
from seller_console.importers.report import ImportReport, WarningKind
from seller_console.importers.show_plan import ShowPlanError, loads
from seller_console.services.ports import ShowStorage

MANUAL_PLATFORM = "manual"
_RATE = Decimal("0.0001")


class OrdersImportError(DomainError):
    """A show that takes no orders export (not a manual-pins show, or never live)."""


@dataclass(frozen=True, slots=True)
class OrdersImportOutcome:
    """What an import did: orders in the file, new to the show, moved on (refunded or
    cancelled since), left out as outside the show; the file's report (bad rows)."""

    report: ImportReport
    orders: int
    new: int
    changed: int
    outside: int

    def summary(self) -> str:
        text = (
            f"Imported {self.report.path.name}: {self.orders} orders, {self.new} new, "
            f"{self.changed} changed"
        )
        if self.outside:
            text += f", {self.outside} outside the show left out"
        if self.report.rows_rejected:
            text += f", {self.report.rows_rejected} rows rejected"
        return text + "."


async def import_orders_export(
    storage: ShowStorage,
    show_id: str,
    path: Path,
) -> OrdersImportOutcome:
    """Read ``path`` and keep its orders as ``show_id``'s. Raises ``OrdersImportError``
    for a show that takes none or a file that cannot be read at all."""
    show = await storage.get_show(show_id)
    if show.owner.platform != MANUAL_PLATFORM:
        raise OrdersImportError(
            f"{show.title!r} ran on {show.owner}: its orders come from the platform"
        )
    if show.started_at is None:
        raise OrdersImportError(f"{show.title!r} never went live: it has no orders")
    if show.ended_at is None:
        raise OrdersImportError(
            f"{show.title!r} has not ended: end it (or resume and end it) first"
        )
    try:
        export = await asyncio.to_thread(read_orders_export, path)
    except CatalogImportError as exc:
        raise OrdersImportError(str(exc)) from exc
    report = export.report
    products = await _products(storage, show_id)
    end = show.ended_at
    kept: list[Order] = []
    outside = 0
    for exported in export.orders:
        if not show.started_at <= exported.created_at <= end:
            outside += 1
            report.warn(
                WarningKind.SKIPPED_ROW,
                f"order {exported.id} was placed at {exported.created_at.isoformat()}, "
                "outside the show: left out",
                exported.lines[0].row,
            )
            continue
        kept.append(_order(exported, show, products))
    stored = {o.id: o for o in await storage.load_orders(show_id)}
    new = [o for o in kept if o.id not in stored]
    changed = [o for o in kept if o.id in stored and progress(o) > progress(stored[o.id])]
    await storage.save_ingest(show_id, [*new, *changed], (), None)
    return OrdersImportOutcome(report, len(export.orders), len(new), len(changed), outside)


async def _products(storage: ShowStorage, show_id: str) -> dict[str, str]:
    """SKU (and variant and showcase id) -> the showcase id the show's ledger keys by."""
    text = await storage.show_plan(show_id)
    if text is None:
        return {}
    try:
        plan = loads(text, Path("show plan"))
    except ShowPlanError:
        return {}  # a damaged stored plan: lines keep their SKU
    products: dict[str, str] = {}
    for item in plan.items:
        ours = showcase_id(item.product.variant_id)
        for key in (ours, item.product.variant_id, item.product.sku):
            if key:
                products.setdefault(key, ours)
    return products


def _order(exported: ExportedOrder, show: ShowRecord, products: dict[str, str]) -> Order:
    currency = exported.currency
    total = Money.zero(currency)
    commission = Money.zero(currency)
    lines = []
    for line in exported.lines:
        total = total + line.amount
        if line.commission is not None:
            commission = commission + line.commission
        lines.append(
            OrderLine(
                product_id=products.get(line.sku, line.sku),
                sku=line.sku,
                quantity=line.quantity,
                unit_price=line.unit_price,
                commission_estimated=line.commission,
            )
        )
    rate = (commission.amount / total.amount).quantize(_RATE) if total.amount else Decimal(0)
    return Order(
        id=exported.id,
        session_id=show.session_id,
        created_at=exported.created_at,
        status=exported.status,
        lines=tuple(lines),
        total=total,
        commission=Commission(rate, commission),
        pin_id=None,
        affiliate_code=None,
    )
