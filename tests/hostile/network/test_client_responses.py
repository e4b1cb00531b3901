"""Hostile HTTP responses to the client: every failure it can meet is one typed
``PlatformError``, never a ValueError, RecursionError or UnicodeError escaping a call."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seller_console.domain.orders import Order
from seller_console.domain.platform_port import Page
from seller_console.platform._http import loads
from seller_console.platform._retry import (
    MAX_RETRY_AFTER_S,
    Retrier,
    RetryPolicy,
    parse_retry_after,
)
from seller_console.platform.client import LiveCommerceClient
from seller_console.platform.errors import (
    InsecureURLError,
    PlatformProtocolError,
    RateLimitedError,
    ServerError,
)
from tests.hostile.network.support import RATIO_HIGH, RATIO_LOW, cost_ratio, deep_json
from tests.stream_fakes import client_for, order_doc
from tests.support import run

NOW = datetime(2026, 1, 1, tzinfo=UTC)


# ------------------------------------------------------------------ Retry-After
@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("1e400", None),
        ("\u00b2", None),
        ("\u0663", None),  # an Arabic-Indic three: a digit to str.isdigit, not to HTTP
        ("-5", None),
        ("1.5", None),
        ("0x10", None),
        ("9" * 5000, None),  # longer than any HTTP-date: not read at all
        ("99999999999999999999", MAX_RETRY_AFTER_S),
        ("Wed, 21 Oct 99999 07:28:00 GMT", None),
        ("Fri, 31 Dec 9999 23:59:59 GMT", MAX_RETRY_AFTER_S),
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0),
        ("Mon, 01 Jan 2026 00:00:30 GMT", 30.0),
        ("  7 ", 7.0),
    ],
)
def test_retry_after_is_read_strictly_and_clamped(header: str, seconds: float | None) -> None:
    assert parse_retry_after(header, NOW) == seconds


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_retry_after_text_is_none_or_a_bounded_wait(header: str) -> None:
    value = parse_retry_after(header, NOW)
    assert value is None or 0.0 <= value <= MAX_RETRY_AFTER_S


@pytest.mark.parametrize("header", ["1e400", "\u00b2", "-1", "nan"])
def test_a_429_with_a_hostile_retry_after_ends_in_a_typed_error(header: str) -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(
            429,
            json={"status": 429, "code": "rate_limited"},
            headers=[(b"Retry-After", header.encode())],  # UTF-8 on the wire
        )

    async def go() -> object:
        async with client_for(handler) as client:
            return await client.me()

    with pytest.raises(RateLimitedError) as caught:
        run(go())
    assert caught.value.retry_after_s is None  # the policy's own backoff was used
    assert len(calls) == caught.value.attempts > 1


# ------------------------------------------------------------------ bodies
BODIES = {
    "100000-deep": deep_json(100_000).encode(),
    "5000-digit-number": b'{"id": ' + b"1" * 5000 + b"}",
    "huge-exponent": b'{"id": 1e999999999}',
    "nan": b'{"id": NaN}',
    "invalid-utf8": b'{"id": "\xff\xfe"}',
    "truncated": b'{"id": "acc',
}


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_an_unreadable_answer_is_a_protocol_error(body: bytes) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})

    async def go() -> object:
        async with client_for(handler) as client:
            return await client.me()

    with pytest.raises(PlatformProtocolError, match="while reading the account"):
        run(go())


def test_an_error_answer_with_a_deep_problem_body_is_still_the_typed_status_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, content=deep_json(100_000).encode())

    async def go() -> object:
        async with client_for(handler) as client:
            return await client.create_session("Show")

    with pytest.raises(ServerError):
        run(go())


def test_a_body_that_cannot_be_decoded_is_a_protocol_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"not gzip at all", headers={"Content-Encoding": "gzip"})

    async def go() -> object:
        async with client_for(handler) as client:
            return await client.me()

    with pytest.raises(PlatformProtocolError, match="cannot be decoded"):
        run(go())


def test_an_event_stream_that_cannot_be_decoded_ends_with_a_typed_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            content=b"\x00garbage",
            headers={"Content-Type": "text/event-stream", "Content-Encoding": "gzip"},
        )

    async def go() -> object:
        async with client_for(handler) as client:
            async for delivery in client.events("s-1"):
                return delivery
        return None

    with pytest.raises(PlatformProtocolError, match="cannot be decoded"):
        run(go())


def test_a_page_with_one_bad_order_reports_it_and_keeps_the_others() -> None:
    items = [order_doc("o-1"), order_doc("o-2", total={"amount": "1E+30", "currency": "USD"})]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"items": items, "next_cursor": "2"})

    async def go() -> Page[Order]:
        async with client_for(handler) as client:
            return await client.list_orders("s-1")

    page = run(go())
    rejected = page.rejected
    assert [o.id for o in page.items] == ["o-1"]
    assert page.next_cursor == "2"
    assert [r.event_id for r in rejected] == ["o-2"]
    assert "more than 15 digits" in rejected[0].reason


def test_reading_an_answer_of_many_numbers_costs_linear_time() -> None:
    """Numbers are bounded before conversion, so a long answer of numbers stays linear."""

    def make(count: int) -> bytes:
        return b"[" + b",".join([b"12345.678", b"1e300", b"98765"] * count) + b"]"

    def work(body: bytes) -> None:
        assert len(loads(body)) > 0

    assert RATIO_LOW <= cost_ratio(make, work, 200, repeats=9) <= RATIO_HIGH


# ------------------------------------------------------------------ addresses
@pytest.mark.parametrize(
    "url",
    [
        "http://example.com",
        "http://localhost.example.com",
        "http://10.0.0.1",
        "http://[::ffff:10.0.0.1]",
        "ftp://127.0.0.1",
        "http://[oops",
        "https://",
    ],
)
def test_an_address_that_is_not_https_or_this_machine_is_refused_typed(url: str) -> None:
    with pytest.raises(InsecureURLError):
        LiveCommerceClient(url, "key")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.2:9", "http://localhost.:9", "http://[::1]:9", "https://example.com"]
)
def test_this_machine_and_https_are_allowed(url: str) -> None:
    client = LiveCommerceClient(url, "key")
    run(client.aclose())


def test_the_stream_waits_at_most_the_policy_cap_for_a_day_long_retry_after() -> None:
    waits: list[float] = []
    answers = [
        httpx.Response(
            503, json={"status": 503, "code": "unavailable"}, headers={"Retry-After": "86400"}
        ),
        httpx.Response(204),
    ]

    async def record(seconds: float) -> None:
        waits.append(seconds)

    async def go() -> None:
        client = LiveCommerceClient(
            "http://127.0.0.1:9",
            "key",
            stream_reconnect=Retrier(RetryPolicy(), sleep=record, rng=random.Random(0)),
            transport=httpx.MockTransport(lambda request: answers.pop(0)),
        )
        async with client:
            async for _ in client.events("s-1"):
                pass

    run(go())
    assert waits == [RetryPolicy().max_retry_after_s]
