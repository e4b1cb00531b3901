"""Orders as the platform reports them: lines, totals and commission, all in exact money."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from seller_console.domain.money import Money


class OrderStatus(enum.Enum):
    PAID = "paid"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class OrderLine:
    product_id: str
    sku: str
    quantity: int
    unit_price: Money


@dataclass(frozen=True, slots=True)
class Commission:
    """The commission on one order: ``rate`` is a fraction (``Decimal("0.15")`` is 15 %)."""

    rate: Decimal
    amount: Money


@dataclass(frozen=True, slots=True)
class Order:
    """One order in a live session, as the platform last reported it."""

    id: str
    session_id: str
    created_at: datetime
    status: OrderStatus
    lines: tuple[OrderLine, ...]
    total: Money
    commission: Commission
    pin_id: str | None
    affiliate_code: str | None
