"""Pure parts of the sandbox: the rate model, the idempotency store, the event log, knobs."""

from __future__ import annotations

import asyncio
import random
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seller_console.sandbox import SandboxConfig, SandboxConfigError, SandboxFaults
from seller_console.sandbox.audience import (
    PIN_SHARE,
    Offer,
    order_rate,
    pick,
    poisson,
    purchase_weights,
    quantity,
)
from seller_console.sandbox.clock import SandboxClock
from seller_console.sandbox.events import EventLog, _Writer
from seller_console.sandbox.idempotency import (
    DAY_S,
    IdempotencyKeyReusedError,
    IdempotencyStore,
    StoredResponse,
    fingerprint,
)
from seller_console.sandbox.shopee.config import default_image, items_from_json


def offer(pid: str, price: str, available: int | None = None, pinned: bool = False) -> Offer:
    return Offer(pid, Decimal(price), available, pinned)


def test_pinned_gets_its_share_and_cheaper_sells_more() -> None:
    weights = purchase_weights(
        [offer("pin", "50", pinned=True), offer("cheap", "10"), offer("dear", "40")]
    )
    assert weights[0] == pytest.approx(PIN_SHARE)
    assert weights[1] > weights[2] > 0
    assert sum(weights) == pytest.approx(1.0)


def test_sold_out_offers_get_nothing() -> None:
    weights = purchase_weights([offer("pin", "5", 0, pinned=True), offer("b", "10", 3)])
    assert weights == [0.0, pytest.approx(1.0)]
    assert purchase_weights([offer("a", "1", 0)]) == [0.0]
    assert pick(random.Random(1), [0.0]) is None


def test_rate_is_the_trickle_without_a_pin() -> None:
    assert order_rate(100, [offer("a", "1", pinned=True)]) == 100
    assert order_rate(100, [offer("a", "1")]) == pytest.approx(100 * (1 - PIN_SHARE))
    assert order_rate(100, [offer("a", "1", 0)]) == 0


@given(st.integers(min_value=0, max_value=10), st.integers(0, 2**32))
def test_quantity_never_exceeds_what_is_left(available: int, seed: int) -> None:
    assert 0 <= quantity(random.Random(seed), available) <= available


def test_poisson_mean_is_about_right() -> None:
    rng = random.Random(3)
    for mean in (0.5, 5.0, 200.0):
        draws = [poisson(rng, mean) for _ in range(2000)]
        assert sum(draws) / len(draws) == pytest.approx(mean, rel=0.1)


def test_same_seed_same_draws() -> None:
    offers = [offer("pin", "20", pinned=True), offer("a", "5"), offer("b", "9")]
    weights = purchase_weights(offers)

    def draws(seed: int) -> list[int | None]:
        rng = random.Random(seed)
        return [pick(rng, weights) for _ in range(50)]

    assert draws(1) == draws(1)
    assert draws(1) != draws(2)


def test_idempotency_store_replays_refuses_and_expires() -> None:
    store = IdempotencyStore()
    first = fingerprint("POST", "/v1/live-sessions", {"title": "A", "n": Decimal("1.0")})
    same = fingerprint("post", "/v1/live-sessions", {"n": Decimal("1.0"), "title": "A"})
    other = fingerprint("POST", "/v1/live-sessions", {"title": "B"})
    assert first == same
    assert store.lookup("k", first, 0) is None
    stored = StoredResponse(201, b"{}", "application/json")
    store.save("k", first, stored, 0)
    assert store.lookup("k", same, 10) == stored
    with pytest.raises(IdempotencyKeyReusedError):
        store.lookup("k", other, 10)
    assert store.lookup("k", other, DAY_S + 1) is None
    assert len(store) == 0


def test_clock_scales_and_advances() -> None:
    now = [100.0]
    clock = SandboxClock(10.0, monotonic=lambda: now[0])
    now[0] += 2
    assert clock.elapsed() == pytest.approx(20.0)
    clock.advance(5)
    assert clock.elapsed() == pytest.approx(25.0)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)


def test_event_log_keeps_ids_growing_and_trims() -> None:
    async def scenario() -> None:
        log = EventLog(retention=5)
        for n in range(12):
            log.append("viewers.updated", {"viewers": n})
        assert log.last_id == 12
        assert log.since(12) == []
        assert log.since(0) is None  # trimmed
        held = log.since(log.oldest_id - 1)
        assert held is not None
        assert [e.id for e in held] == list(range(log.oldest_id, 13))
        assert await log.wait(12, 0.01) is False
        log.close()
        assert await log.wait(12, 0.01) is True

    asyncio.run(scenario())


def test_reordered_window_is_followed_by_its_cursor() -> None:
    async def scenario() -> bytes:
        log = EventLog(retention=100)
        for n in range(6):
            log.append("order.created", {"n": n})
        writer = _Writer(lambda: SandboxFaults(reorder_window=3), random.Random(1))
        events = log.since(0)
        assert events is not None
        return writer.write(events)

    blocks = asyncio.run(scenario()).split(b"\n\n")
    ids = [b for b in blocks if b.startswith(b"id:")]
    assert ids == [b"id: 3", b"id: 6"]
    assert blocks.index(b"id: 3") == 3


def test_drop_cuts_after_the_count() -> None:
    async def scenario() -> tuple[bytes, bool]:
        log = EventLog(retention=100)
        for n in range(10):
            log.append("order.created", {"n": n})
        writer = _Writer(lambda: SandboxFaults(drop_every=(4, 4)), random.Random(2))
        events = log.since(0)
        assert events is not None
        return writer.write(events), writer.cut

    chunk, cut = asyncio.run(scenario())
    assert cut
    assert chunk.count(b"\n\n") == 4


def test_fault_knobs_are_checked() -> None:
    with pytest.raises(SandboxConfigError):
        SandboxFaults(error_rate=1.5)
    with pytest.raises(SandboxConfigError):
        SandboxFaults(drop_every=(5, 2))
    faults = SandboxFaults().updated({"drop_every": [2, 3], "error_rate": Decimal("0.5")})
    assert faults.drop_every == (2, 3)
    assert faults.error_rate == 0.5
    with pytest.raises(SandboxConfigError):
        SandboxFaults().updated({"nope": 1})


def test_remote_host_needs_allow_remote() -> None:
    with pytest.raises(SandboxConfigError, match="allow-remote"):
        SandboxConfig(host="192.0.2.10")
    assert SandboxConfig(host="192.0.2.10", allow_remote=True).host == "192.0.2.10"


def test_a_practice_shopee_item_without_an_image_gets_one_so_go_live_has_a_cover(
    tmp_path: Path,
) -> None:
    shop = tmp_path / "shop.json"
    shop.write_text(
        '[{"item_id": 7, "name": "Mug", "sku": "MUG-1", "price": "9.90"},'
        ' {"item_id": 8, "name": "Cup", "price": 4.5, "image_url": "https://img.example/8"}]'
    )
    mug, cup = items_from_json(shop)
    assert mug.image_url == default_image(7)
    assert (cup.image_url, cup.price, cup.sku) == ("https://img.example/8", Decimal("4.5"), "")
