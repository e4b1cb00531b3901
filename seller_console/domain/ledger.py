"""The show's ledger: orders applied idempotently, and the totals the side panels show.

- Keyed by order id. An order's state only moves forward (paid, then settled by the
  platform, then cancelled or refunded; ``progress``), so applying a state is a merge that
  keeps the more advanced one: the same event delivered twice, an ``order.updated`` that
  overtakes its ``order.created``, or a whole resynced orders list all give the totals of
  one in-order delivery. ``apply`` returns the order's new state when it changed (for
  storage to keep), None when it was a no-op.
- Totals are kept per currency and never mixed: for the show, per pin window (the pin that
  was live when the order was placed: ``Order.pin_id``), per minute of ``created_at``
  and per product (line level).
- Gross counts every order placed; refunds count the orders refunded or cancelled since;
  net is gross minus refunds. Commission, estimated (``domain.commission``) and reported
  by the platform, is net: a refund reverses it. An order whose estimate differs from what
  the platform reported is flagged.
- Beside that, the platform's own two figures (where it reports them per line, as TikTok
  does): its estimate over every order not refunded, and the actual commission of the
  orders it has settled (``settled_orders`` of them; the rest are still estimates). An
  order the platform settles is re-applied (a settled state is more advanced than a paid
  one), so a later poll or a refresh moves its commission from estimated to settled.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from seller_console.domain.commission import CommissionPolicy, line_commission, split_amount
from seller_console.domain.events import Pin
from seller_console.domain.money import Currency, Money
from seller_console.domain.orders import Order, OrderStatus

STATUS_RANK: Mapping[OrderStatus, int] = {
    OrderStatus.PAID: 0,
    OrderStatus.CANCELLED: 1,
    OrderStatus.REFUNDED: 2,
}
"""How far an order's state has gone; a state never moves back to a lower rank."""


def progress(order: Order) -> int:
    """How far ``order`` has gone: its status's rank, and within it settled after not
    settled (what storage keeps as ``status_rank``; a lower one never replaces a higher)."""
    return STATUS_RANK[order.status] * 2 + int(order.commission.settled)


_ZERO = Decimal(0)
K = TypeVar("K")
KC = TypeVar("KC", bound=tuple[Any, str])
NO_PIN = ""
"""The pin-window key of orders placed while nothing was pinned."""


@dataclass(frozen=True, slots=True)
class Figures:
    """Totals of one bucket (the show, a pin window, a minute, a product) in one currency."""

    currency: Currency
    orders: int
    units: int
    refunded_orders: int
    refunded_units: int
    gross: Money
    refunds: Money
    commission_estimated: Money
    commission_reported: Money
    settled_orders: int = 0
    """Orders (not refunded) whose commission the platform has settled."""
    commission_platform_estimate: Money | None = None
    """The platform's own estimate over the orders not refunded (per line where it reports
    one, else the commission it reported); None: the same as ``commission_reported``."""
    commission_settled: Money | None = None
    """The actual commission of the settled orders; None: the same currency's zero."""

    @classmethod
    def zero(cls, currency: Currency) -> Figures:
        """A bucket in which nothing was sold (a pin window with no sales)."""
        return _Acc().freeze(currency)

    @property
    def net(self) -> Money:
        return self.gross - self.refunds

    @property
    def commission_difference(self) -> Money:
        """Estimated minus reported; not zero means the platform paid something else."""
        return self.commission_estimated - self.commission_reported

    @property
    def flagged(self) -> bool:
        return not self.commission_difference.is_zero()

    @property
    def platform_estimate(self) -> Money:
        return self.commission_platform_estimate or self.commission_reported

    @property
    def settled(self) -> Money:
        return self.commission_settled or Money.zero(self.currency)

    @property
    def unsettled_orders(self) -> int:
        """Orders not refunded whose commission is still an estimate."""
        return self.orders - self.refunded_orders - self.settled_orders


@dataclass(slots=True)
class _Acc:
    orders: int = 0
    units: int = 0
    refunded_orders: int = 0
    refunded_units: int = 0
    gross: Decimal = _ZERO
    refunds: Decimal = _ZERO
    estimated: Decimal = _ZERO
    reported: Decimal = _ZERO
    settled_orders: int = 0
    platform_estimate: Decimal = _ZERO
    settled: Decimal = _ZERO

    def freeze(self, currency: Currency) -> Figures:
        return Figures(
            currency=currency,
            orders=self.orders,
            units=self.units,
            refunded_orders=self.refunded_orders,
            refunded_units=self.refunded_units,
            gross=Money(self.gross, currency),
            refunds=Money(self.refunds, currency),
            commission_estimated=Money(self.estimated, currency),
            commission_reported=Money(self.reported, currency),
            settled_orders=self.settled_orders,
            commission_platform_estimate=Money(self.platform_estimate, currency),
            commission_settled=Money(self.settled, currency),
        )

    def post(
        self,
        sign: int,
        reversed_: bool,
        units: int,
        amount: Decimal,
        est: Decimal,
        rep: Decimal,
        platform: tuple[bool, Decimal, Decimal] = (False, _ZERO, _ZERO),
    ) -> None:
        """``platform`` is (settled, the platform's estimate, the settled amount)."""
        self.orders += sign
        self.units += sign * units
        self.gross += sign * amount
        if reversed_:
            self.refunded_orders += sign
            self.refunded_units += sign * units
            self.refunds += sign * amount
        else:
            self.estimated += sign * est
            self.reported += sign * rep
            settled, platform_estimate, settled_amount = platform
            self.platform_estimate += sign * platform_estimate
            if settled:
                self.settled_orders += sign
                self.settled += sign * settled_amount

    def empty(self) -> bool:
        return self.orders == 0


@dataclass(slots=True)
class _Line:
    product_id: str
    brand: str
    currency: Currency
    units: int
    amount: Decimal
    fixed_rate: Decimal | None
    reported: Decimal
    estimated: Decimal = _ZERO
    platform_estimate: Decimal = _ZERO  # the platform's estimate for the line
    settled: Decimal = _ZERO  # the platform's actual commission once settled


@dataclass(slots=True)
class _Entry:
    order: Order
    minute: datetime
    lines: list[_Line]
    pin_id: str  # the pin window its sales count in (NO_PIN: none)

    @property
    def reversed(self) -> bool:
        return self.order.status is not OrderStatus.PAID

    @property
    def estimated(self) -> Decimal:
        return sum((line.estimated for line in self.lines), _ZERO)

    @property
    def platform(self) -> tuple[bool, Decimal, Decimal]:
        """(settled, the platform's estimate, the settled amount) of the whole order."""
        return (
            self.order.commission.settled,
            sum((line.platform_estimate for line in self.lines), _ZERO),
            sum((line.settled for line in self.lines), _ZERO),
        )


@dataclass(frozen=True, slots=True)
class PinWindow:
    """A pin as the stream reported it; it ends when the next pin (by version) begins."""

    pin_id: str
    product_id: str
    started_at: datetime
    ended_at: datetime | None
    version: int


def stock_left(counted: int | None, reported: int | None) -> tuple[int | None, bool]:
    """What is left of a product: the lower of the console's own count (``counted``: the
    show's starting stock minus the sales it has seen) and the platform's last figure
    (``reported``), None for either when unknown; True when it is the platform's figure.

    The platform sells through more than this show (on TikTok, orders credited to videos
    use the same stock), so its figure may be lower than the count, never the count lower
    than what truly is left; a figure the two agree on is the console's own."""
    if reported is not None and (counted is None or reported < counted):
        return reported, True
    return counted, False


@dataclass(frozen=True, slots=True)
class StockLevel:
    """Stock of one product: what the show started with (None when not tracked), units
    sold since, what is left (``stock_left``), and the platform's last stock report, if
    any; ``by_platform`` when what is left is that report's figure."""

    product_id: str
    initial: int | None
    sold: int
    left: int | None
    reported: int | None
    by_platform: bool = False


@dataclass(frozen=True, slots=True)
class LedgerSnapshot:
    """Everything the side panels and the report show, frozen at one moment."""

    totals: Mapping[str, Figures]
    by_pin: Mapping[tuple[str, str], Figures]
    by_minute: Mapping[tuple[datetime, str], Figures]
    by_product: Mapping[tuple[str, str], Figures]
    pins: tuple[PinWindow, ...]
    stock: tuple[StockLevel, ...]
    flagged_orders: frozenset[str]


@dataclass(slots=True)
class Ledger:
    """One show's orders and totals. Pure and synchronous; the show runner feeds it."""

    policy: CommissionPolicy = field(default_factory=CommissionPolicy)
    initial_stock: Mapping[str, int | None] = field(default_factory=dict)
    attribute_by_time: bool = False
    """An order the platform did not attribute to a pin (polled affiliate orders, pins the
    operator performed in the platform's app) counts in the pin window its creation time
    fell in. Record the pins first (``pin_seen``), then the orders."""
    _entries: dict[str, _Entry] = field(default_factory=dict)
    _totals: dict[str, _Acc] = field(default_factory=dict)
    _by_pin: dict[tuple[str, str], _Acc] = field(default_factory=dict)
    _by_minute: dict[tuple[datetime, str], _Acc] = field(default_factory=dict)
    _by_product: dict[tuple[str, str], _Acc] = field(default_factory=dict)
    _currencies: dict[str, Currency] = field(default_factory=dict)
    _brand_sales: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    _brand_rate: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    _brand_orders: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    _sold: dict[str, int] = field(default_factory=dict)
    _reported_stock: dict[str, int | None] = field(default_factory=dict)
    _pins: dict[str, Pin] = field(default_factory=dict)
    _starts: tuple[list[datetime], list[str]] | None = None  # pins by version, for by-time
    _flagged: set[str] = field(default_factory=set)

    # ------------------------------------------------------------------ orders
    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, order_id: object) -> bool:
        return order_id in self._entries

    def order(self, order_id: str) -> Order | None:
        entry = self._entries.get(order_id)
        return entry.order if entry is not None else None

    def orders(self) -> Iterable[Order]:
        return (entry.order for entry in self._entries.values())

    def apply(self, order: Order) -> Order | None:
        """Merge one order state (its amounts at the minor unit, as storage keeps them); its
        new state when something changed, else None."""
        order = order.at_minor_units()
        old = self._entries.get(order.id)
        if old is not None and progress(order) <= progress(old.order):
            return None
        if old is not None:
            self._post(old, -1)
            entry = _Entry(order, old.minute, old.lines, old.pin_id)
            if len(order.lines) == len(old.lines):  # the same lines, their commission moved
                _platform_figures(order, old.lines)
        else:
            entry = self._entry(order)
        self._entries[order.id] = entry
        self._post(entry, +1)
        self._after_sales_moved(entry)
        return order

    def apply_all(self, orders: Iterable[Order]) -> list[Order]:
        """``apply`` each; the orders whose state changed."""
        changed = []
        for order in orders:
            applied = self.apply(order)
            if applied is not None:
                changed.append(applied)
        return changed

    def _entry(self, order: Order) -> _Entry:
        currency = order.total.currency
        self._currencies.setdefault(currency.code, currency)
        lines: list[_Line] = []
        for wire_line in order.lines:
            terms = self.policy.terms(wire_line.product_id)
            unit = wire_line.unit_price
            self._currencies.setdefault(unit.currency.code, unit.currency)
            lines.append(
                _Line(
                    product_id=wire_line.product_id,
                    brand=terms.brand,
                    currency=unit.currency,
                    units=wire_line.quantity,
                    amount=unit.amount * wire_line.quantity,
                    fixed_rate=terms.rate,
                    reported=_ZERO,
                )
            )
        _platform_figures(order, lines)
        minute = order.created_at.replace(second=0, microsecond=0)
        entry = _Entry(order, minute, lines, order.pin_id or self._window_at(order.created_at))
        for line in lines:
            if line.fixed_rate is not None:
                line.estimated = line_commission(line.amount, line.fixed_rate, line.currency)
            else:
                key = (line.brand, line.currency.code)
                rate = self._brand_rate.get(key)
                if rate is None:
                    rate = self.policy.brand_terms(line.brand).rate_at(line.currency, _ZERO)
                    self._brand_rate[key] = rate
                line.estimated = line_commission(line.amount, rate, line.currency)
                if self.policy.brand_terms(line.brand).tiers:
                    self._brand_orders.setdefault(key, set()).add(order.id)
        return entry

    def _post(self, entry: _Entry, sign: int) -> None:
        order = entry.order
        code = order.total.currency.code
        reversed_ = entry.reversed
        units = sum(line.units for line in entry.lines)
        amount = order.total.amount
        est = entry.estimated
        rep = order.commission.amount.amount
        platform = entry.platform
        for acc in (
            self._acc(self._totals, code),
            self._acc(self._by_pin, (entry.pin_id, code)),
            self._acc(self._by_minute, (entry.minute, code)),
        ):
            acc.post(sign, reversed_, units, amount, est, rep, platform)
        settled = order.commission.settled
        for line in entry.lines:
            acc = self._acc(self._by_product, (line.product_id, line.currency.code))
            figures = (settled, line.platform_estimate, line.settled)
            acc.post(
                sign, reversed_, line.units, line.amount, line.estimated, line.reported, figures
            )
            self._sold[line.product_id] = self._sold.get(line.product_id, 0) + sign * line.units
            if not reversed_:
                key = (line.brand, line.currency.code)
                self._brand_sales[key] = self._brand_sales.get(key, _ZERO) + sign * line.amount
        if sign > 0 and est != rep and not reversed_:
            self._flagged.add(order.id)
        else:
            self._flagged.discard(order.id)

    @staticmethod
    def _acc(accs: dict[K, _Acc], key: K) -> _Acc:
        acc = accs.get(key)
        if acc is None:
            acc = accs[key] = _Acc()
        return acc

    def _after_sales_moved(self, entry: _Entry) -> None:
        """Re-rate a brand's lines when its sales crossed a tier (either way)."""
        for line in entry.lines:
            if line.fixed_rate is not None:
                continue
            key = (line.brand, line.currency.code)
            terms = self.policy.brand_terms(line.brand)
            if not terms.tiers:
                continue
            rate = terms.rate_at(line.currency, self._brand_sales.get(key, _ZERO))
            if rate == self._brand_rate.get(key):
                continue
            self._brand_rate[key] = rate
            for order_id in self._brand_orders.get(key, ()):
                other = self._entries[order_id]
                self._post(other, -1)
                for other_line in other.lines:
                    if other_line.fixed_rate is None and other_line.brand == line.brand:
                        other_line.estimated = line_commission(
                            other_line.amount, rate, other_line.currency
                        )
                self._post(other, +1)

    # ------------------------------------------------------------------ pins and stock
    def pin_seen(self, pin: Pin) -> bool:
        """Record a pin the stream reported (or the operator performed); True when new."""
        if pin.pin_id in self._pins:
            return False
        self._pins[pin.pin_id] = pin
        self._starts = None
        return True

    def _window_at(self, moment: datetime) -> str:
        """The pin window ``moment`` fell in (by time), or NO_PIN when not attributing by
        time or before the first pin."""
        if not self.attribute_by_time or not self._pins:
            return NO_PIN
        if self._starts is None:
            pins = sorted(self._pins.values(), key=lambda p: p.version)
            self._starts = ([p.pinned_at for p in pins], [p.pin_id for p in pins])
        starts, ids = self._starts
        at = bisect.bisect_right(starts, moment)
        return ids[at - 1] if at else NO_PIN

    def stock_reported(self, product_id: str, stock: int | None) -> None:
        """The platform's newest stock figure for the product (None: it gives none)."""
        self._reported_stock[product_id] = stock

    def pin_windows(self) -> tuple[PinWindow, ...]:
        pins = sorted(self._pins.values(), key=lambda p: p.version)
        return tuple(
            PinWindow(
                pin_id=pin.pin_id,
                product_id=pin.product_id,
                started_at=pin.pinned_at,
                ended_at=pins[n + 1].pinned_at if n + 1 < len(pins) else None,
                version=pin.version,
            )
            for n, pin in enumerate(pins)
        )

    def stock(self) -> tuple[StockLevel, ...]:
        ids = sorted(set(self.initial_stock) | set(self._sold) | set(self._reported_stock))
        levels = []
        for product_id in ids:
            initial = self.initial_stock.get(product_id)
            sold = self._sold.get(product_id, 0)
            reported = self._reported_stock.get(product_id)
            counted = None if initial is None else max(0, initial - sold)
            left, by_platform = stock_left(counted, reported)
            levels.append(StockLevel(product_id, initial, sold, left, reported, by_platform))
        return tuple(levels)

    # ------------------------------------------------------------------ reading
    def totals(self) -> dict[str, Figures]:
        return {code: acc.freeze(self._currencies[code]) for code, acc in self._totals.items()}

    def snapshot(self) -> LedgerSnapshot:
        def freeze(accs: Mapping[KC, _Acc]) -> dict[KC, Figures]:
            return {
                key: acc.freeze(self._currencies[key[1]])
                for key, acc in accs.items()
                if not acc.empty()
            }

        return LedgerSnapshot(
            totals=self.totals(),
            by_pin=freeze(self._by_pin),
            by_minute=freeze(self._by_minute),
            by_product=freeze(self._by_product),
            pins=self.pin_windows(),
            stock=self.stock(),
            flagged_orders=frozenset(self._flagged),
        )


def _platform_figures(order: Order, lines: list[_Line]) -> None:
    """The platform's figures on each of ``lines`` (``order``'s lines, in order): its
    commission shared out by amount, and its own estimate and settled amount where it reports
    them per line (else the commission it reported: the estimate while unsettled, the
    settled amount once settled)."""
    currency = order.total.currency
    reported = split_amount(
        order.commission.amount.amount, tuple(x.amount for x in lines) or (_ZERO,), currency
    )
    for line, share, wire_line in zip(lines, reported, order.lines, strict=False):
        line.reported = share
        estimate, settled = wire_line.commission_estimated, wire_line.commission_settled
        line.platform_estimate = share if estimate is None else estimate.amount
        line.settled = share if settled is None else settled.amount
