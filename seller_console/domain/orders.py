"""Orders as the platform reports them: lines, totals and commission, all in exact money."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
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

    def at_minor_units(self) -> Order:
        """This order with every amount at its currency's minor unit, rounded half-up once
        (``round_money``): what storage keeps, so the totals shown live are the totals
        reloaded after a restart (a platform that sends ``20.005`` is read as ``20.01``).
        The order itself when it is exact already, which is the rule's common case."""
        amounts = (self.total, self.commission.amount, *(line.unit_price for line in self.lines))
        if all(amount.is_minor_exact for amount in amounts):
            return self
        return replace(
            self,
            lines=tuple(replace(line, unit_price=line.unit_price.rounded()) for line in self.lines),
            total=self.total.rounded(),
            commission=replace(self.commission, amount=self.commission.amount.rounded()),
        )
