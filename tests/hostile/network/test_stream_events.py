"""Hostile stream events: what a platform's event stream may send, and what the console does.

The decoder never raises and never holds more than its cap; what cannot be used becomes an
``EventRejected`` delivery and the stream goes on; the cursor only takes ids that can be
sent back as ``Last-Event-ID``; the cost is linear in the bytes."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seller_console.domain.events import (
    RAW_KEPT_CHARS,
    EventRejected,
    OrderCreated,
    OrdersResynced,
    ViewersUpdated,
)
from seller_console.domain.orders import Order
from seller_console.domain.platform_port import Page
from seller_console.platform.errors import (
    StreamEventError,
    StreamEventTooLargeError,
    UnsafeEventIdError,
)
from seller_console.platform.sse import (
    MAX_EVENT_BYTES,
    MAX_EVENT_ID_CHARS,
    ServerSentEvent,
    SSEDecoder,
    is_safe_event_id,
)
from tests.hostile.network.support import RATIO_HIGH, RATIO_LOW, cost_ratio, deep_json
from tests.stream_fakes import block, client_for, order_doc, sse, take
from tests.support import run

GOOD = block(9, "viewers.updated", {"viewers": 3})


def decode(
    data: bytes, chunk: int = 65536, max_event_bytes: int = MAX_EVENT_BYTES
) -> tuple[list[ServerSentEvent], str | None]:
    decoder = SSEDecoder(max_event_bytes=max_event_bytes)
    out: list[ServerSentEvent] = []
    for start in range(0, len(data), chunk):
        out.extend(decoder.feed(data[start : start + chunk]))
    return out, decoder.last_event_id


# ------------------------------------------------------------------ the decoder alone
@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.lists(st.integers(1, 64), min_size=1, max_size=8))
def test_arbitrary_bytes_never_raise_and_the_cursor_is_always_safe(
    data: bytes, sizes: list[int]
) -> None:
    decoder = SSEDecoder(max_event_bytes=256)
    position, turn = 0, 0
    while position < len(data):
        size = sizes[turn % len(sizes)]
        for event in decoder.feed(data[position : position + size]):
            assert event.error is None or isinstance(event.error, StreamEventError)
            assert event.last_event_id is None or is_safe_event_id(event.last_event_id)
        position, turn = position + size, turn + 1
    assert decoder.last_event_id is None or is_safe_event_id(decoder.last_event_id)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_event_id_is_either_a_safe_cursor_or_a_typed_rejection(event_id: str) -> None:
    wire = b"id: " + event_id.encode("utf-8", "surrogatepass") + b"\ndata: x\n\n" + GOOD
    events, cursor = decode(wire)
    assert cursor == "9"  # the good event after it always gets through
    first = events[0]
    if first.error is None:
        assert first.last_event_id is None or is_safe_event_id(first.last_event_id)
    else:
        assert isinstance(first.error, UnsafeEventIdError)


def test_an_event_of_2_mib_in_one_line_is_rejected_naming_the_cap_and_the_next_one_reads() -> None:
    giant = b"id: 5\nevent: order.created\ndata: " + b"x" * (2 * MAX_EVENT_BYTES) + b"\n\n"
    events, cursor = decode(giant + GOOD)
    assert [e.event for e in events] == ["order.created", "viewers.updated"]
    error = events[0].error
    assert isinstance(error, StreamEventTooLargeError)
    assert error.cap_bytes == MAX_EVENT_BYTES
    assert f"{MAX_EVENT_BYTES:,} byte cap" in str(error)
    assert events[0].id == "5"
    assert events[0].last_event_id == "5"
    assert events[1].data == '{"viewers": 3}'
    assert cursor == "9"


def test_an_event_of_many_short_data_lines_over_the_cap_is_rejected() -> None:
    lines = b"data: 0123456789abcdef\n" * (MAX_EVENT_BYTES // 16)
    events, _ = decode(b"id: 6\n" + lines + b"\n" + GOOD)
    assert isinstance(events[0].error, StreamEventTooLargeError)
    assert events[0].data is None  # nothing over the cap is kept
    assert events[1].event == "viewers.updated"


def test_a_giant_comment_line_is_skipped_without_being_kept() -> None:
    decoder = SSEDecoder()
    for _ in range(64):  # 4 MiB of one comment line, fed in 64 KiB chunks
        assert decoder.feed(b":" + b"c" * 65535) == []
    events = decoder.feed(b"\n\n" + GOOD)
    assert [e.event for e in events][-1] == "viewers.updated"


def test_a_5000_digit_retry_field_is_ignored() -> None:
    events, _ = decode(b"retry: " + b"9" * 5000 + b"\ndata: x\n\n")
    assert events[0].retry_ms is None
    assert events[0].error is None


@pytest.mark.parametrize(
    "event_id",
    ["\u00e9t\u00e9-7", "7\u00b2", "a b", "x\x7f", "1" * (MAX_EVENT_ID_CHARS + 1), "\u200b"],
    ids=["non-ascii", "superscript", "space", "del", "too-long", "zero-width"],
)
def test_an_unsafe_event_id_never_becomes_the_cursor(event_id: str) -> None:
    wire = b"id: 4\ndata: a\n\n" + f"id: {event_id}\ndata: b\n\n".encode() + b"data: c\n\n"
    events, cursor = decode(wire)
    assert isinstance(events[1].error, UnsafeEventIdError)
    assert [e.last_event_id for e in events] == ["4", "4", "4"]
    assert cursor == "4"


# ------------------------------------------------------------------ time class
def test_decoding_one_big_event_costs_linear_time_however_it_is_chunked() -> None:
    """The old decoder copied the unfinished line on every chunk: quadratic (32 MB: 14 s).
    Events of 64 KiB and 256 KiB in 64-byte chunks: thousands of feeds, each of which used
    to copy the whole line so far (sizes that keep the machine's caches out of the ratio)."""

    def make(kib: int) -> bytes:
        return b"data: " + b"y" * (kib * 1024 - 16) + b"\n\n"

    def work(data: bytes) -> None:
        events, _ = decode(data, chunk=64)
        assert len(events) == 1
        assert events[0].error is None

    assert RATIO_LOW <= cost_ratio(make, work, 64) <= RATIO_HIGH


def test_skipping_an_oversized_event_costs_linear_time() -> None:
    def make(mib: int) -> bytes:
        return b"data: " + b"z" * (mib * 1024 * 1024) + b"\n\n"

    def work(data: bytes) -> None:
        events, _ = decode(data, chunk=4096)
        assert isinstance(events[0].error, StreamEventTooLargeError)

    assert RATIO_LOW <= cost_ratio(make, work, 8) <= RATIO_HIGH


def test_many_small_events_cost_linear_time() -> None:
    def work(data: bytes) -> None:
        events, _ = decode(data, chunk=1000)
        assert len(events) == len(data) // len(GOOD)

    assert RATIO_LOW <= cost_ratio(lambda count: GOOD * count, work, 20_000) <= RATIO_HIGH


# ------------------------------------------------------------------ through the client
def poisoned(event_id: str | int, data: object, event: str = "order.created") -> bytes:
    return block(event_id, event, data) + block(2, "order.created", order_doc("o-2"))


def first_two(body: bytes) -> tuple[EventRejected, OrderCreated, str | None]:
    async def go() -> list:  # type: ignore[type-arg]
        async with client_for(lambda request: sse(body)) as client:
            return await take(client, 2)

    rejected, good = run(go())
    assert isinstance(rejected.event, EventRejected), rejected
    assert isinstance(good.event, OrderCreated)
    assert good.event.order.id == "o-2"
    return rejected.event, good.event, rejected.cursor


POISON_ORDERS = {
    "amount-1e30": order_doc("o-1", total={"amount": "1E+30", "currency": "USD"}),
    "amount-5000-digits": order_doc("o-1", total={"amount": "9" * 5000, "currency": "USD"}),
    "year-1": order_doc("o-1", created_at="0001-01-01T00:00:00+05:00"),
    "unknown-currency": order_doc("o-1", total={"amount": "1.00", "currency": "ZZZ"}),
    "nan-amount": order_doc("o-1", total={"amount": "NaN", "currency": "USD"}),
    "quantity-2**64": order_doc(
        "o-1",
        lines=[
            {
                "product_id": "p",
                "sku": "S",
                "quantity": 2**64,
                "unit_price": {"amount": "1.00", "currency": "USD"},
            }
        ],
    ),
}


@pytest.mark.parametrize("doc", POISON_ORDERS.values(), ids=POISON_ORDERS.keys())
def test_a_poisoned_order_event_is_rejected_and_the_stream_goes_on(doc: dict[str, object]) -> None:
    rejected, _, cursor = first_two(poisoned(1, doc))
    assert (rejected.session_id, rejected.event_id, rejected.event_type) == (
        "s-1",
        "1",
        "order.created",
    )
    assert rejected.reason.startswith("The platform sent malformed data")
    assert cursor == "1"  # quarantined: a restart resumes after it, not at it
    assert len(rejected.raw) <= RAW_KEPT_CHARS


@pytest.mark.parametrize(
    "data",
    [
        deep_json(100_000).encode(),
        b'{"viewers": ' + b"7" * 5000 + b"}",
        b'{"viewers": NaN}',
        b'{"viewers": 1e999999999}',
        b'{"viewers": "\xff\xfe"}',
    ],
    ids=["100000-deep", "5000-digit-number", "nan", "huge-exponent", "invalid-utf8"],
)
def test_unreadable_json_in_an_event_is_a_typed_rejection(data: bytes) -> None:
    body = b"id: 1\nevent: viewers.updated\ndata: " + data + b"\n\n"
    rejected, _, _ = first_two(body + block(2, "order.created", order_doc("o-2")))
    assert rejected.reason.startswith(
        ("The platform sent unusable JSON", "The platform sent malformed")
    )


def test_a_2_mib_event_through_the_client_is_rejected_naming_the_cap() -> None:
    rejected, _, cursor = first_two(poisoned(1, {"pad": "p" * (2 * MAX_EVENT_BYTES)}))
    assert f"{MAX_EVENT_BYTES:,} byte cap" in rejected.reason
    assert cursor == "1"


def test_a_non_ascii_event_id_never_reaches_the_last_event_id_header() -> None:
    sent: list[str | None] = []
    connections = [
        block(1, "viewers.updated", {"viewers": 1})
        + block("\u00e9v\u00e9nement-2", "viewers.updated", {"viewers": 2}),
        block(3, "viewers.updated", {"viewers": 3}),
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers.get("Last-Event-ID"))
        return sse(connections[min(len(sent) - 1, len(connections) - 1)])

    async def go() -> list:  # type: ignore[type-arg]
        async with client_for(handler) as client:
            return await take(client, 3)

    _first, bad, third = run(go())
    assert isinstance(bad.event, EventRejected)
    assert bad.event.event_id == "\u00e9v\u00e9nement-2"
    assert "printable ASCII" in bad.event.reason
    assert bad.cursor == "1"  # stays at the last safe id
    assert sent == [None, "1"]  # the reconnect resumed from it
    assert isinstance(third.event, ViewersUpdated)
    assert third.cursor == "3"


def test_a_saved_cursor_that_cannot_be_sent_is_dropped_instead_of_breaking_every_reconnect() -> (
    None
):
    sent: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers.get("Last-Event-ID"))
        return sse(block(1, "viewers.updated", {"viewers": 1}))

    async def go() -> list:  # type: ignore[type-arg]
        async with client_for(handler) as client:
            return await take(client, 1, after="caf\u00e9\r\nX-Evil: 1")

    (delivery,) = run(go())
    assert sent == [None]
    assert delivery.cursor == "1"


def test_a_resync_skips_and_reports_a_bad_order_instead_of_failing_the_page() -> None:
    bad = order_doc("o-bad", total={"amount": "1.00", "currency": "ZZZ"})

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/orders"):
            items = [order_doc("o-1"), bad, order_doc("o-3")]
            return httpx.Response(200, json={"items": items, "next_cursor": None})
        return sse(block(7, "resync-required", {"resume_id": 7}))

    async def go() -> list:  # type: ignore[type-arg]
        async with client_for(handler) as client:
            return await take(client, 2, after="3")

    rejected, resynced = run(go())
    assert isinstance(rejected.event, EventRejected)
    assert (rejected.event.event_id, rejected.event.event_type) == ("o-bad", "orders-list")
    assert "ZZZ" in rejected.event.reason
    assert "ZZZ" in rejected.event.raw
    assert rejected.cursor == "3"  # the old cursor until the rebuild is applied
    assert isinstance(resynced.event, OrdersResynced)
    assert resynced.cursor == "7"
    assert [o.id for o in resynced.event.orders] == ["o-1", "o-3"]


def test_a_page_with_a_year_one_order_keeps_it_as_rejected_with_its_reason() -> None:
    bad = order_doc("o-bad", created_at="0001-01-01T00:00:00Z")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"items": [bad, order_doc("o-1")], "next_cursor": None})

    async def go() -> Page[Order]:
        async with client_for(handler) as client:
            return await client.list_orders("s-1")

    page = run(go())
    assert [o.id for o in page.items] == ["o-1"]
    assert [r.event_id for r in page.rejected] == ["o-bad"]
    assert "1970 to 9998" in page.rejected[0].reason
