"""The sandbox's state and rules: account, showcase, links, sessions, orders, events, and
the simulated audience that buys. Used from the server's event loop only.

Every change that viewers would see is appended to the session's ``EventLog``; when a
``SandboxStore`` is given, showcase, sessions, orders and links are written through to it.
"""

from __future__ import annotations

import bisect
import heapq
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from seller_console.domain.money import Currency, Money, round_money
from seller_console.sandbox import audience
from seller_console.sandbox.clock import SandboxClock, rfc3339
from seller_console.sandbox.errors import ApiError, conflict, invalid, not_found
from seller_console.sandbox.events import EventLog
from seller_console.sandbox.store import SandboxStore
from seller_console.sandbox.wire import JsonObject, is_ascii_number

STEP_S = 0.05  # one simulation step, in sandbox seconds
MAX_STEPS_PER_TICK = 200  # after a clock jump the audience skips ahead instead of catching up
AFFILIATE_SHARE = 0.3
REFUND_DELAY_S = (20.0, 120.0)
VIEWERS_EVERY_S = 1.0


@dataclass(slots=True)
class Product:
    id: str
    sku: str
    title: str
    brand: str
    price: Money
    compare_at_price: Money | None
    image_url: str | None
    stock: int | None
    commission_rate: Decimal
    updated_at: str

    def to_wire(self) -> JsonObject:
        return {
            "id": self.id,
            "sku": self.sku,
            "title": self.title,
            "brand": self.brand,
            "price": self.price.to_wire(),
            "compare_at_price": (
                self.compare_at_price.to_wire() if self.compare_at_price is not None else None
            ),
            "image_url": self.image_url,
            "stock": self.stock,
            "commission_rate": str(self.commission_rate),
            "updated_at": self.updated_at,
        }


@dataclass(slots=True)
class Pin:
    pin_id: str
    product_id: str
    pinned_at: str
    version: int
    live_price: Money | None
    stock_limit: int | None
    sold: int = 0

    def to_wire(self) -> JsonObject:
        return {
            "pin_id": self.pin_id,
            "product_id": self.product_id,
            "pinned_at": self.pinned_at,
            "version": self.version,
            "live_price": self.live_price.to_wire() if self.live_price is not None else None,
            "stock_limit": self.stock_limit,
            "sold": self.sold,
        }

    def left(self) -> int | None:
        return None if self.stock_limit is None else max(0, self.stock_limit - self.sold)


@dataclass(slots=True)
class Totals:
    orders: int = 0
    units: int = 0
    refunds: int = 0
    revenue: dict[str, Decimal] = field(default_factory=dict)
    commission: dict[str, Decimal] = field(default_factory=dict)

    def add(self, currency: str, revenue: Decimal, commission: Decimal, sign: int) -> None:
        self.revenue[currency] = self.revenue.get(currency, Decimal(0)) + sign * revenue
        self.commission[currency] = self.commission.get(currency, Decimal(0)) + sign * commission

    def to_wire(self) -> JsonObject:
        return {
            "orders": self.orders,
            "units": self.units,
            "refunds": self.refunds,
            "revenue": [Money.of(v, c).to_wire() for c, v in sorted(self.revenue.items())],
            "commission": [Money.of(v, c).to_wire() for c, v in sorted(self.commission.items())],
        }


@dataclass(slots=True, eq=False)
class Session:
    id: str
    title: str
    status: str
    created_at: str
    scheduled_start: str | None
    log: EventLog
    started_at: str | None = None
    ended_at: str | None = None
    bag: list[str] = field(default_factory=list)
    pin: Pin | None = None
    pin_version: int = 0
    viewers: int = 0
    audience_size: int = 0
    totals: Totals = field(default_factory=Totals)
    orders: list[JsonObject] = field(default_factory=list)
    order_pos: dict[str, int] = field(default_factory=dict)
    refunds: list[tuple[float, str]] = field(default_factory=list)
    viewers_sent_at: float = 0.0
    order_rng: random.Random = field(default_factory=random.Random)
    viewer_rng: random.Random = field(default_factory=random.Random)

    def to_wire(self) -> JsonObject:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "created_at": self.created_at,
            "scheduled_start": self.scheduled_start,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "pin": self.pin.to_wire() if self.pin is not None else None,
            "bag": list(self.bag),
            "viewers": self.viewers,
            "stats": self.totals.to_wire(),
            "last_event_id": self.log.last_id,
        }


@dataclass(frozen=True, slots=True)
class AffiliateLink:
    code: str
    product_id: str
    url: str
    created_at: str

    def to_wire(self) -> JsonObject:
        return {
            "code": self.code,
            "url": self.url,
            "product_id": self.product_id,
            "created_at": self.created_at,
        }


@dataclass(slots=True)
class Counters:
    sessions: int = 0
    orders: int = 0
    links: int = 0
    pin_changes: int = 0
    events: int = 0


class World:
    """Everything the sandbox knows, and every rule it applies."""

    def __init__(
        self,
        *,
        seed: int,
        clock: SandboxClock,
        currency: str,
        rate: float,
        refund_rate: float,
        event_retention: int,
        store: SandboxStore | None = None,
    ) -> None:
        self.seed = seed
        self.clock = clock
        self.currency = Currency.of(currency)
        self.rate = rate
        self.refund_rate = refund_rate
        self.retention = event_retention
        self.products: dict[str, Product] = {}
        self.sessions: dict[str, Session] = {}
        self.links: dict[str, AffiliateLink] = {}
        self.links_by_product: dict[str, list[str]] = {}
        self.counters = Counters()
        self._store = store
        self._sim_t = clock.elapsed()
        self._dirty_sessions: set[str] = set()
        self._dirty_orders: dict[str, JsonObject] = {}
        self._sorted_ids: list[str] | None = None
        if store is not None:
            store.load_into(self)

    # ------------------------------------------------------------------ helpers
    def now(self) -> str:
        return rfc3339(self.clock.now())

    def account(self) -> JsonObject:
        return {
            "id": "acct_sandbox",
            "handle": "sandbox-seller",
            "display_name": "Sandbox Seller",
            "default_currency": self.currency.code,
        }

    def new_session(
        self,
        session_id: str,
        title: str,
        status: str,
        created_at: str,
        scheduled_start: str | None,
        last_event_id: int = 0,
    ) -> Session:
        return Session(
            id=session_id,
            title=title,
            status=status,
            created_at=created_at,
            scheduled_start=scheduled_start,
            log=EventLog(self.retention, last_event_id),
            order_rng=random.Random(f"{self.seed}/{session_id}/orders"),
            viewer_rng=random.Random(f"{self.seed}/{session_id}/viewers"),
        )

    def session(self, session_id: str) -> Session:
        found = self.sessions.get(session_id)
        if found is None:
            raise not_found("session", session_id)
        return found

    def _emit(self, session: Session, type_: str, data: JsonObject) -> None:
        session.log.append(type_, {"session_id": session.id, **data})
        self.counters.events += 1
        self._dirty_sessions.add(session.id)

    def flush(self) -> None:
        """Writes what changed to the store (one transaction)."""
        if self._store is None:
            self._dirty_sessions.clear()
            self._dirty_orders.clear()
            return
        if self._dirty_sessions or self._dirty_orders:
            self._store.save_sessions([self.sessions[s] for s in self._dirty_sessions])
            self._store.save_orders(list(self._dirty_orders.values()))
            self._store.save_counters(self.counters)
            self._store.commit()
        self._dirty_sessions.clear()
        self._dirty_orders.clear()

    # ------------------------------------------------------------------ showcase
    def upsert_product(self, product: Product) -> bool:
        """Adds or replaces ``product``; True when it is new."""
        created = product.id not in self.products
        self.products[product.id] = product
        if created:
            self._sorted_ids = None
        if self._store is not None:
            self._store.save_product(product)
            self._store.commit()
        return created

    def product_page(self, cursor: str | None, limit: int) -> JsonObject:
        """Products by id; ``cursor`` is the last id of the previous page."""
        if self._sorted_ids is None:
            self._sorted_ids = sorted(self.products)
        ids = self._sorted_ids
        start = bisect.bisect_right(ids, cursor) if cursor else 0
        page = ids[start : start + limit]
        more = start + limit < len(ids)
        return {
            "items": [self.products[i].to_wire() for i in page],
            "next_cursor": page[-1] if more and page else None,
        }

    def delete_product(self, product_id: str) -> None:
        if self.products.pop(product_id, None) is None:
            raise not_found("product", product_id)
        self._sorted_ids = None
        if self._store is not None:
            self._store.delete_product(product_id)
            self._store.commit()

    def product(self, product_id: str) -> Product:
        found = self.products.get(product_id)
        if found is None:
            raise not_found("product", product_id)
        return found

    def create_link(self, product_id: str) -> AffiliateLink:
        self.product(product_id)
        self.counters.links += 1
        code = f"AFF{self.counters.links:05d}"
        link = AffiliateLink(code, product_id, f"https://live.example.invalid/a/{code}", self.now())
        self.add_link(link)
        if self._store is not None:
            self._store.save_link(link)
            self._store.save_counters(self.counters)
            self._store.commit()
        return link

    def add_link(self, link: AffiliateLink) -> None:
        self.links[link.code] = link
        self.links_by_product.setdefault(link.product_id, []).append(link.code)

    # ------------------------------------------------------------------ sessions
    def sessions_page(self, status: str | None, cursor: str | None, limit: int) -> JsonObject:
        """Sessions in creation order; ``cursor`` counts the sessions already passed."""
        start = _position(cursor)
        ids = list(self.sessions)
        picked: list[Session] = []
        position = start
        for position in range(start, len(ids)):
            session = self.sessions[ids[position]]
            if status is not None and session.status != status:
                continue
            if len(picked) == limit:
                return {"items": [s.to_wire() for s in picked], "next_cursor": str(position)}
            picked.append(session)
        return {"items": [s.to_wire() for s in picked], "next_cursor": None}

    def create_session(self, title: str, scheduled_start: str | None) -> Session:
        self.counters.sessions += 1
        session = self.new_session(
            f"ses_{self.counters.sessions:04d}", title, "scheduled", self.now(), scheduled_start
        )
        self.sessions[session.id] = session
        self._dirty_sessions.add(session.id)
        self.flush()
        return session

    def start(self, session_id: str) -> Session:
        session = self.session(session_id)
        if session.status == "live":
            raise conflict("session_already_live", f"session {session_id} is already live")
        if session.status == "ended":
            raise conflict("session_ended", f"session {session_id} has ended")
        session.status = "live"
        session.started_at = self.now()
        session.audience_size = audience.audience_size(session.viewer_rng)
        session.viewers_sent_at = self.clock.elapsed()
        self._emit(session, "session.updated", {"status": "live", "at": session.started_at})
        self.flush()
        return session

    def end(self, session_id: str) -> Session:
        session = self._live(session_id)
        session.status = "ended"
        session.ended_at = self.now()
        session.viewers = 0
        self._emit(session, "viewers.updated", {"viewers": 0})
        self._emit(session, "session.updated", {"status": "ended", "at": session.ended_at})
        self.flush()
        return session

    def _live(self, session_id: str) -> Session:
        session = self.session(session_id)
        if session.status != "live":
            raise conflict(
                "session_not_live", f"session {session_id} is {session.status}, not live"
            )
        return session

    def set_bag(self, session_id: str, product_ids: list[str]) -> Session:
        session = self.session(session_id)
        if session.status == "ended":
            raise conflict("session_ended", f"session {session_id} has ended")
        missing = [p for p in product_ids if p not in self.products]
        if missing:
            raise ApiError(
                404, "product_not_found", f"not in the showcase: {', '.join(missing[:20])}"
            )
        bag = list(dict.fromkeys(product_ids))
        if bag != session.bag:
            session.bag = bag
            self._emit(session, "bag.changed", {"product_ids": bag})
        self.flush()
        return session

    def pin(
        self, session_id: str, product_id: str, live_price: Money | None, stock_limit: int | None
    ) -> Pin:
        session = self._live(session_id)
        product = self.product(product_id)
        if live_price is not None and live_price.currency != product.price.currency:
            raise invalid(
                f"live_price is in {live_price.currency}, the product in {product.price.currency}",
                "currency_mismatch",
            )
        current = session.pin
        if (
            current is not None
            and current.product_id == product_id
            and current.live_price == live_price
            and current.stock_limit == stock_limit
        ):
            return current
        session.pin_version += 1
        pin = Pin(
            pin_id=f"pin_{session.id}_{session.pin_version}",
            product_id=product_id,
            pinned_at=self.now(),
            version=session.pin_version,
            live_price=live_price,
            stock_limit=stock_limit,
        )
        session.pin = pin
        if product_id not in session.bag:
            session.bag.append(product_id)
            self._emit(session, "bag.changed", {"product_ids": list(session.bag)})
        self._emit(session, "pin.changed", {"pin": pin.to_wire(), "version": pin.version})
        self.counters.pin_changes += 1
        self.flush()
        return pin

    def unpin(self, session_id: str) -> None:
        session = self._live(session_id)
        if session.pin is None:
            return
        session.pin = None
        session.pin_version += 1
        self._emit(session, "pin.changed", {"pin": None, "version": session.pin_version})
        self.counters.pin_changes += 1
        self.flush()

    def orders_page(self, session_id: str, after: str | None, limit: int) -> JsonObject:
        session = self.session(session_id)
        start = _position(after)
        items = session.orders[start : start + limit]
        end = start + len(items)
        return {"items": items, "next_cursor": str(end) if end < len(session.orders) else None}

    # ------------------------------------------------------------------ the audience
    def _offers(self, session: Session) -> list[audience.Offer]:
        offers = []
        pin = session.pin
        for product_id in session.bag:
            product = self.products.get(product_id)
            if product is None:
                continue
            pinned = pin is not None and pin.product_id == product_id
            available = product.stock
            price = product.price.amount
            if pinned and pin is not None:
                left = pin.left()
                if left is not None:
                    available = left if available is None else min(available, left)
                if pin.live_price is not None:
                    price = pin.live_price.amount
            offers.append(audience.Offer(product_id, price, available, pinned))
        return offers

    def sell(self, session: Session, count: int) -> int:
        """Makes up to ``count`` orders in ``session`` by the rate model; returns how many."""
        rng = session.order_rng
        offers = self._offers(session)
        weights = audience.purchase_weights(offers)
        made = 0
        for _ in range(count):
            index = audience.pick(rng, weights)
            if index is None:
                break
            offer = offers[index]
            qty = audience.quantity(rng, offer.available)
            self._order(session, self.products[offer.product_id], offer, qty)
            made += 1
            if offer.available is not None:
                left = offer.available - qty
                offers[index] = audience.Offer(offer.product_id, offer.price, left, offer.pinned)
                if left <= 0:
                    self._emit(
                        session,
                        "stock.updated",
                        {
                            "product_id": offer.product_id,
                            "stock": 0,
                            "pin_id": session.pin.pin_id if offer.pinned and session.pin else None,
                        },
                    )
                    weights = audience.purchase_weights(offers)
        return made

    def _order(self, session: Session, product: Product, offer: audience.Offer, qty: int) -> None:
        rng = session.order_rng
        pin = session.pin if offer.pinned else None
        unit = pin.live_price if pin is not None and pin.live_price is not None else product.price
        line_total = unit.amount * qty
        currency = unit.currency
        commission = round_money(line_total * product.commission_rate, currency)
        codes = self.links_by_product.get(product.id)
        affiliate = rng.choice(codes) if codes and rng.random() < AFFILIATE_SHARE else None
        self.counters.orders += 1
        order: JsonObject = {
            "id": f"ord_{self.counters.orders:08d}",
            "session_id": session.id,
            "created_at": self.now(),
            "status": "paid",
            "lines": [
                {
                    "product_id": product.id,
                    "sku": product.sku,
                    "quantity": qty,
                    "unit_price": unit.to_wire(),
                }
            ],
            "total": Money(line_total, currency).to_wire(),
            "commission": {
                "rate": str(product.commission_rate),
                "amount": Money(commission, currency).to_wire(),
            },
            "pin_id": pin.pin_id if pin is not None else None,
            "affiliate_code": affiliate,
        }
        if product.stock is not None:
            product.stock = max(0, product.stock - qty)
            if self._store is not None:
                self._store.save_product(product)
        if pin is not None:
            pin.sold += qty
        order_id = str(order["id"])
        session.order_pos[order_id] = len(session.orders)
        session.orders.append(order)
        session.totals.orders += 1
        session.totals.units += qty
        session.totals.add(currency.code, line_total, commission, 1)
        if rng.random() < self.refund_rate:
            due = self.clock.elapsed() + rng.uniform(*REFUND_DELAY_S)
            heapq.heappush(session.refunds, (due, order_id))
        self._dirty_orders[order_id] = order
        self._emit(session, "order.created", order)

    def refund(self, session: Session, order_id: str) -> None:
        order = session.orders[session.order_pos[order_id]]
        if order["status"] != "paid":
            return
        order["status"] = "refunded"
        total = order["total"]
        commission = order["commission"]
        assert isinstance(total, dict)
        assert isinstance(commission, dict)
        amount = commission["amount"]
        assert isinstance(amount, dict)
        session.totals.refunds += 1
        session.totals.add(
            str(total["currency"]),
            Decimal(str(total["amount"])),
            Decimal(str(amount["amount"])),
            -1,
        )
        self._dirty_orders[order_id] = order
        self._emit(session, "order.updated", order)

    def _step(self, session: Session, now: float) -> None:
        while session.refunds and session.refunds[0][0] <= now:
            self.refund(session, heapq.heappop(session.refunds)[1])
        if session.status != "live":
            return
        session.viewers = audience.viewers_step(
            session.viewer_rng, session.viewers, session.audience_size, STEP_S
        )
        if now - session.viewers_sent_at >= VIEWERS_EVERY_S:
            session.viewers_sent_at = now
            self._emit(session, "viewers.updated", {"viewers": session.viewers})
        if self.rate > 0:
            offers = self._offers(session)
            mean = audience.order_rate(self.rate, offers) * STEP_S
            self.sell(session, audience.poisson(session.order_rng, mean))

    def tick(self) -> None:
        """Runs the simulation up to the clock's present, a ``STEP_S`` at a time."""
        now = self.clock.elapsed()
        steps = int((now - self._sim_t) / STEP_S)
        if steps > MAX_STEPS_PER_TICK:
            self._sim_t = now - MAX_STEPS_PER_TICK * STEP_S
            steps = MAX_STEPS_PER_TICK
        active = [s for s in self.sessions.values() if s.status == "live" or s.refunds]
        for _ in range(steps):
            self._sim_t += STEP_S
            for session in active:
                self._step(session, self._sim_t)
        self.flush()

    def close_streams(self) -> None:
        for session in self.sessions.values():
            session.log.close()

    def restore_orders(self, session: Session, orders: Iterable[JsonObject]) -> None:
        """Puts persisted orders back (the store calls this at load)."""
        for order in orders:
            order_id = str(order["id"])
            session.order_pos[order_id] = len(session.orders)
            session.orders.append(order)


def _position(cursor: str | None) -> int:
    """A numeric cursor: how many items came before the page (None or empty: 0)."""
    if not cursor:
        return 0
    if not is_ascii_number(cursor, 12):
        raise invalid(f"unknown cursor {cursor!r}", "invalid_cursor")
    return int(cursor)
