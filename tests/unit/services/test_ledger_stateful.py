"""Hypothesis stateful test: events delivered one to three times, reordered within a window
(as the sandbox does: a shuffled window carries the cursor from before it, and an id-only
block moves the cursor after it), resyncs, and crashes interleaved (the runner is dropped,
along with whatever it applied but had not saved, and a new one resumes from storage).
The final ledger equals one built from a single in-order delivery."""

from __future__ import annotations

import random
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from seller_console.domain.commission import BrandTerms, CommissionPolicy, ProductTerms
from seller_console.domain.events import (
    CursorMoved,
    Delivery,
    OrderCreated,
    OrdersResynced,
    OrderUpdated,
    Pin,
    PinChanged,
    SessionEvent,
)
from seller_console.domain.ledger import Ledger
from seller_console.domain.money import Money
from seller_console.domain.orders import Commission, Order, OrderLine, OrderStatus
from seller_console.domain.platform_port import LivePlatform
from seller_console.services.show_runner import ShowRunner
from tests.unit.services.fakes import MemoryLedgerStore

T = TypeVar("T")
T0 = datetime(2025, 5, 1, 18, 0, tzinfo=UTC)
POLICY = CommissionPolicy(
    products={
        "p1": ProductTerms("Acme", Decimal("0.125")),
        "p2": ProductTerms("Acme"),
        "p3": ProductTerms("Zed", Decimal("0.3")),
    },
    brands={"Acme": BrandTerms(Decimal("0.15"))},
)


def drive(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends (the in-memory store never waits)."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    coro.close()
    raise AssertionError("the coroutine suspended")


order_specs = st.lists(
    st.tuples(
        st.sampled_from(["p1", "p2", "p3"]),
        st.sampled_from(["19.99", "0.05", "7.45", "1000", "3.33"]),
        st.integers(1, 4),
        st.sampled_from(["USD", "EUR", "JPY"]),
        st.sampled_from([None, OrderStatus.REFUNDED, OrderStatus.CANCELLED]),
        st.integers(0, 180),
    ),
    min_size=1,
    max_size=40,
)


def make_events(specs: list[Any], rng: random.Random) -> list[SessionEvent]:
    events: list[SessionEvent] = []
    for n, (product, price, qty, currency, later, seconds) in enumerate(specs):
        unit = Money.of(price, currency)
        order = Order(
            id=f"o{n}",
            session_id="s",
            created_at=T0 + timedelta(seconds=seconds),
            status=OrderStatus.PAID,
            lines=(OrderLine(product, product, qty, unit),),
            total=unit * qty,
            commission=Commission(Decimal("0.1"), (unit * qty * Decimal("0.1")).rounded()),
            pin_id=f"pin_{n % 3}" if n % 4 else None,
            affiliate_code=None,
        )
        if n % 5 == 0:
            pin = Pin(f"pin_{n % 3}", product, T0 + timedelta(seconds=n), n)
            events.append(PinChanged("s", pin))
        events.append(OrderCreated(order))
        if later is not None:
            at = rng.randint(len(events), len(events) + 5)
            events.insert(min(at, len(events)), OrderUpdated(_with_status(order, later)))
    return events


def _with_status(order: Order, status: OrderStatus) -> Order:
    return Order(
        order.id,
        order.session_id,
        order.created_at,
        status,
        order.lines,
        order.total,
        order.commission,
        order.pin_id,
        order.affiliate_code,
    )


class NoPlatform:
    """The stream is driven by the test; the runner never calls the platform here."""


class LedgerMachine(RuleBasedStateMachine):
    @initialize(specs=order_specs, seed=st.integers(0, 2**16))
    def setup(self, specs: list[Any], seed: int) -> None:
        self.rng = random.Random(seed)
        self.events = make_events(specs, self.rng)
        self.store = MemoryLedgerStore()
        self.position = 0  # next event index the "platform" sends
        self.runner = self._new_runner()

    def _new_runner(self) -> ShowRunner:
        platform: LivePlatform = NoPlatform()  # type: ignore[assignment]
        runner = ShowRunner(platform, self.store, "show", "s", POLICY)
        drive(runner.restore())
        self.position = int(runner.cursor or 0)
        return runner

    def _states_up_to(self, end: int) -> tuple[Order, ...]:
        latest: dict[str, Order] = {}
        for event in self.events[:end]:
            if isinstance(event, OrderCreated | OrderUpdated):
                old = latest.get(event.order.id)
                if old is None or old.status is OrderStatus.PAID:
                    latest[event.order.id] = event.order
        return tuple(latest.values())

    @precondition(lambda self: self.position < len(self.events))
    @rule(window=st.integers(1, 6), copies=st.lists(st.integers(1, 3), min_size=6, max_size=6))
    def deliver(self, window: int, copies: list[int]) -> None:
        start = self.position
        chunk = self.events[start : start + window]
        end = start + len(chunk)
        before = str(start) if start else None
        if len(chunk) == 1:
            deliveries = [Delivery(str(end), chunk[0])] * copies[0]
        else:
            shuffled = [e for e, k in zip(chunk, copies, strict=False) for _ in range(k)]
            self.rng.shuffle(shuffled)
            deliveries = [Delivery(before, e) for e in shuffled]
            deliveries.append(Delivery(str(end), CursorMoved()))
        split = self.rng.randint(0, len(deliveries))
        for part in (deliveries[:split], deliveries[split:]):
            if part:
                drive(self.runner.ingest(part))
        self.position = end

    @precondition(lambda self: self.position > 0)
    @rule()
    def resync(self) -> None:
        """The stream asked for a rebuild: the orders list as of the cursor."""
        event = OrdersResynced("s", self._states_up_to(self.position))
        drive(self.runner.ingest([Delivery(str(self.position), event)]))

    @rule(applied_unsaved=st.booleans())
    def crash(self, applied_unsaved: bool) -> None:
        if applied_unsaved and self.position < len(self.events):
            # applied to the ledger in memory, then the process died before the save
            self.runner.ledger.apply_all(self._states_up_to(len(self.events)))
        self.runner = self._new_runner()

    @invariant()
    def never_doubled(self) -> None:
        totals = self.runner.ledger.totals()
        assert sum(f.orders for f in totals.values()) == len(self.runner.ledger)

    def teardown(self) -> None:
        if not hasattr(self, "runner"):
            return
        rest = [Delivery(str(n + 1), e) for n, e in enumerate(self.events) if n >= self.position]
        if rest:
            drive(self.runner.ingest(rest))
        once = Ledger(POLICY)
        for event in self.events:
            if isinstance(event, OrderCreated | OrderUpdated):
                once.apply(event.order)
            elif isinstance(event, PinChanged) and event.pin is not None:
                once.pin_seen(event.pin)
        got = self.runner.ledger.snapshot()
        want = once.snapshot()
        assert got.totals == want.totals
        assert got.by_pin == want.by_pin
        assert got.by_minute == want.by_minute
        assert got.by_product == want.by_product
        assert got.pins == want.pins
        assert got.flagged_orders == want.flagged_orders
        assert self.store.cursor == str(len(self.events))


LedgerMachine.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLedgerMachine = LedgerMachine.TestCase
