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
    """One line of an order. ``commission_estimated`` and ``commission_settled`` are the
    platform's own figures for this line when it reports them per line (TikTok's affiliate
    orders: the estimate at once, the actual amount once the order settles), refunds
    included; None when it does not (the order's ``Commission`` is then all there is)."""

    product_id: str
    sku: str
    quantity: int
    unit_price: Money
    commission_estimated: Money | None = None
    commission_settled: Money | None = None


@dataclass(frozen=True, slots=True)
class Commission:
    """The commission on one order: ``rate`` is a fraction (``Decimal("0.15")`` is 15 %).

    ``amount`` is the one that counts now; ``settled`` says the platform has settled it
    (paid it out: ``amount`` is then the actual commission, no longer an estimate)."""

    rate: Decimal
    amount: Money
    settled: bool = False


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
        amounts = [self.total, self.commission.amount]
        for line in self.lines:
            amounts.append(line.unit_price)
            amounts += [
                m for m in (line.commission_estimated, line.commission_settled) if m is not None
            ]
        if all(amount.is_minor_exact for amount in amounts):
            return self
        return replace(
            self,
            lines=tuple(
                replace(
                    line,
                    unit_price=line.unit_price.rounded(),
                    commission_estimated=_rounded(line.commission_estimated),
                    commission_settled=_rounded(line.commission_settled),
                )
                for line in self.lines
            ),
            total=self.total.rounded(),
            commission=replace(self.commission, amount=self.commission.amount.rounded()),
        )


def _rounded(amount: Money | None) -> Money | None:
    return None if amount is None else amount.rounded()
