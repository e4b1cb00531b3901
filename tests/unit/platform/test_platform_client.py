"""The Live Commerce client over httpx.MockTransport: keys, money, typed errors, secrets."""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import httpx
import pytest

from seller_console.domain.events import SessionStatus
from seller_console.domain.money import Money
from seller_console.domain.orders import OrderStatus
from seller_console.domain.platform_errors import PlatformErrorKind
from seller_console.domain.platform_port import (
    IdempotencyKey,
    PinKind,
    PinRequest,
    PlatformAdapter,
    SalesKind,
    ShowcaseProduct,
)
from seller_console.platform._retry import Retrier, RetryPolicy
from seller_console.platform.client import LiveCommerceClient
from seller_console.platform.errors import (
    AuthError,
    InsecureURLError,
    NotFoundError,
    PlatformConnectionError,
    RateLimitedError,
    SessionNotLiveError,
    ValidationError,
)
from tests.support import run

T = TypeVar("T")
KEY = "sk_test_very_secret_key_123"
BASE = "http://127.0.0.1:9"


async def no_sleep(_: float) -> None:
    await asyncio.sleep(0)


Handler = Callable[[httpx.Request], httpx.Response]


def client_for(handler: Handler, **policy: Any) -> LiveCommerceClient:
    return LiveCommerceClient(
        BASE,
        KEY,
        retrier=Retrier(RetryPolicy(**policy), sleep=no_sleep, rng=random.Random(0)),
        transport=httpx.MockTransport(handler),
    )


def problem(status: int, code: str, detail: str = "", **extra: Any) -> httpx.Response:
    body = {"type": "about:blank", "title": code, "status": status, "detail": detail, "code": code}
    return httpx.Response(
        status,
        json={**body, **extra},
        headers={"Content-Type": "application/problem+json"},
    )


PIN = {"pin_id": "pin-1", "product_id": "p-1", "pinned_at": "2025-05-01T10:00:00Z", "version": 3}


def order_doc(order_id: str, amount: str = "19.99") -> dict[str, Any]:
    return {
        "id": order_id,
        "session_id": "s-1",
        "created_at": "2025-05-01T10:00:01Z",
        "status": "paid",
        "lines": [
            {
                "product_id": "p-1",
                "sku": "SKU-1",
                "quantity": 1,
                "unit_price": {"amount": amount, "currency": "USD"},
            }
        ],
        "total": {"amount": amount, "currency": "USD"},
        "commission": {"rate": "0.15", "amount": {"amount": "3.00", "currency": "USD"}},
        "pin_id": "pin-1",
        "affiliate_code": None,
    }


def test_the_live_commerce_client_is_an_adapter_that_pins_with_confirmation() -> None:
    client: PlatformAdapter = client_for(lambda r: httpx.Response(200, json=PIN))
    assert client.platform == "livecommerce"
    assert client.capabilities.pins is PinKind.CONFIRMED
    assert client.capabilities.sales is SalesKind.ORDER_STREAM
    run(client.aclose())


def test_a_pin_is_retried_after_a_lost_response_with_the_same_key() -> None:
    seen: list[tuple[str | None, bytes]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.headers.get("Idempotency-Key"), request.content))
        if len(seen) == 1:
            return problem(500, "internal_error")  # acted, then lost the answer
        if len(seen) == 2:
            return problem(429, "rate_limited").__class__(
                429, headers={"Retry-After": "0"}, json={"status": 429, "code": "rate_limited"}
            )
        return httpx.Response(200, json={**PIN, "live_price": {"amount": "9.5", "currency": "USD"}})

    async def go() -> Any:
        async with client_for(handler) as client:
            return await client.pin(
                "s-1",
                PinRequest("p-1", live_price=Money.of("9.50", "USD"), stock_limit=5),
                idempotency_key=IdempotencyKey("intent-42"),
            )

    pin = run(go())
    assert [key for key, _ in seen] == ["intent-42"] * 3
    assert len({body for _, body in seen}) == 1
    assert json.loads(seen[0][1]) == {
        "product_id": "p-1",
        "live_price": {"amount": "9.50", "currency": "USD"},
        "stock_limit": 5,
    }
    assert pin.version == 3
    assert pin.live_price == Money(Decimal("9.5"), Money.of("1", "USD").currency)


def test_a_write_without_a_key_gets_one_minted_and_reused_on_retries() -> None:
    keys: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers.get("Idempotency-Key"))
        if len(keys) < 3:
            return problem(503, "unavailable")
        return httpx.Response(
            200, json={"id": "s-1", "title": "Show", "status": "live", "bag": ["a", "b"]}
        )

    async def go() -> tuple[str, ...]:
        async with client_for(handler) as client:
            return (await client.set_bag("s-1", ["a", "b"])).bag

    assert run(go()) == ("a", "b")
    assert len(keys) == 3
    assert keys[0] is not None
    assert len(set(keys)) == 1


def test_reads_carry_no_key_and_parse_money_as_decimal() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert "Idempotency-Key" not in request.headers
        assert request.url.params["after"] == "c-1"
        body = {"items": [order_doc("o-1", "0.10"), order_doc("o-2")], "next_cursor": None}
        # A JSON number must never become a float either.
        text = json.dumps(body).replace('"rate": "0.15"', '"rate": 0.15')
        return httpx.Response(
            200, content=text.encode(), headers={"Content-Type": "application/json"}
        )

    async def go() -> Any:
        async with client_for(handler) as client:
            return await client.list_orders("s-1", after="c-1")

    page = run(go())
    first = page.items[0]
    assert first.total == Money.of("0.10", "USD")
    assert isinstance(first.total.amount, Decimal)
    assert first.commission.rate == Decimal("0.15")
    assert isinstance(first.commission.rate, Decimal)
    assert first.status is OrderStatus.PAID
    assert page.next_cursor is None


def test_all_orders_reads_every_page() -> None:
    pages = {
        None: {"items": [order_doc("o-1")], "next_cursor": "k1"},
        "k1": {"items": [order_doc("o-2")], "next_cursor": None},
    }

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=pages[request.url.params.get("after")])

    async def go() -> Any:
        async with client_for(handler) as client:
            return await client.all_orders("s-1")

    assert [o.id for o in run(go())] == ["o-1", "o-2"]


@pytest.mark.parametrize(
    ("response", "error", "kind"),
    [
        (problem(401, "unauthorized", "bad key"), AuthError, PlatformErrorKind.AUTH),
        (problem(404, "product_not_found"), NotFoundError, PlatformErrorKind.NOT_FOUND),
        (problem(409, "session_not_live"), SessionNotLiveError, PlatformErrorKind.CONFLICT),
        (
            problem(422, "validation_failed", "bad price", errors=[{"field": "live_price"}]),
            ValidationError,
            PlatformErrorKind.VALIDATION,
        ),
    ],
)
def test_error_statuses_become_typed_errors(
    response: httpx.Response, error: type[Exception], kind: PlatformErrorKind
) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return response

    async def go() -> None:
        async with client_for(handler) as client:
            await client.pin("s-1", PinRequest("p-1"), idempotency_key=IdempotencyKey("k"))

    with pytest.raises(error) as caught:
        run(go())
    assert caught.value.kind is kind  # type: ignore[attr-defined]
    assert calls == 1
    if isinstance(caught.value, ValidationError):
        assert caught.value.problem.extensions["errors"] == [{"field": "live_price"}]
        assert "bad price" in caught.value.user_message


def test_rate_limiting_past_the_budget_carries_retry_after() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "1"}, json={"code": "rate_limited"})

    async def go() -> None:
        async with client_for(handler, max_attempts=2) as client:
            await client.me()

    with pytest.raises(RateLimitedError) as caught:
        run(go())
    assert caught.value.retry_after_s == 1.0
    assert caught.value.attempts == 2


def test_a_connection_failure_is_typed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async def go() -> None:
        async with client_for(handler, max_attempts=3) as client:
            await client.me()

    with pytest.raises(PlatformConnectionError) as caught:
        run(go())
    assert caught.value.attempts == 3
    assert not caught.value.request_sent


def test_the_key_is_sent_as_bearer_and_never_appears_in_errors_or_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == f"Bearer {KEY}"
        if request.url.path.endswith("/pin"):
            return problem(401, "unauthorized", f"key {KEY} is revoked")
        return problem(503, "unavailable", f"upstream saw {KEY}")

    async def go() -> list[Exception]:
        errors: list[Exception] = []
        async with client_for(handler, max_attempts=2) as client:
            for call in (
                client.pin("s-1", PinRequest("p-1"), idempotency_key=IdempotencyKey("k")),
                client.me(),
            ):
                try:
                    await call
                except Exception as exc:
                    errors.append(exc)
            errors.append(Exception(repr(client._http.auth)))
        return errors

    with caplog.at_level(logging.DEBUG):
        errors = run(go())
    assert len(errors) == 3
    for error in errors:
        assert KEY not in str(error)
        assert KEY not in repr(error)
    assert all(KEY not in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "url", ["http://example.com", "http://10.0.0.1:8000", "ftp://127.0.0.1", "example.com"]
)
def test_plain_http_is_refused_except_to_loopback(url: str) -> None:
    with pytest.raises(InsecureURLError):
        LiveCommerceClient(url, KEY)


@pytest.mark.parametrize(
    "url",
    ["https://api.example.com", "http://127.0.0.1:8000", "http://localhost", "http://[::1]:1"],
)
def test_https_and_loopback_http_are_accepted(url: str) -> None:
    run(LiveCommerceClient(url, KEY).aclose())


def test_showcase_session_and_link_calls_map_to_the_contract() -> None:
    product = ShowcaseProduct(
        id="p 1",
        sku="SKU-1",
        title="Lamp",
        brand="Acme",
        price=Money.of("19.99", "USD"),
        commission_rate=Decimal("0.15"),
    )
    wire_product = {
        "id": "p 1",
        "sku": "SKU-1",
        "title": "Lamp",
        "brand": "Acme",
        "price": {"amount": "19.99", "currency": "USD"},
        "commission_rate": "0.15",
    }
    session = {"id": "s-1", "title": "Show", "status": "live", "bag": ["p 1"], "viewers": 12}
    routes: dict[tuple[str, str], httpx.Response] = {
        ("GET", "/v1/me"): httpx.Response(
            200, json={"id": "a", "handle": "h", "display_name": "D", "default_currency": "EUR"}
        ),
        ("PUT", "/v1/showcase/products/p%201"): httpx.Response(200, json=wire_product),
        ("POST", "/v1/showcase/products:batch"): httpx.Response(
            200,
            json={
                "results": [
                    {"id": "p 1", "status": "ok"},
                    {"id": "x", "status": "error", "code": "bad", "detail": "no"},
                ]
            },
        ),
        ("GET", "/v1/showcase/products"): httpx.Response(
            200, json={"items": [wire_product], "next_cursor": "n"}
        ),
        ("DELETE", "/v1/showcase/products/p%201"): httpx.Response(204),
        ("POST", "/v1/affiliate-links"): httpx.Response(201, json={"code": "c", "url": "u"}),
        ("GET", "/v1/live-sessions"): httpx.Response(
            200, json={"items": [session], "next_cursor": None}
        ),
        ("POST", "/v1/live-sessions"): httpx.Response(201, json={**session, "status": "scheduled"}),
        ("GET", "/v1/live-sessions/s-1"): httpx.Response(200, json={**session, "pin": PIN}),
        ("POST", "/v1/live-sessions/s-1/start"): httpx.Response(200, json=session),
        ("POST", "/v1/live-sessions/s-1/end"): httpx.Response(
            200, json={**session, "status": "ended"}
        ),
        ("DELETE", "/v1/live-sessions/s-1/pin"): httpx.Response(204),
    }

    def handler(request: httpx.Request) -> httpx.Response:
        return routes[(request.method, request.url.raw_path.decode().split("?")[0])]

    async def go() -> None:
        async with client_for(handler) as client:
            assert (await client.me()).default_currency.code == "EUR"
            assert (await client.upsert_product(product)) == product
            results = await client.upsert_products([product])
            assert [r.ok for r in results] == [True, False]
            assert results[1].error_code == "bad"
            listed = await client.list_products(limit=10)
            assert listed.items == (product,)
            assert listed.next_cursor == "n"
            await client.delete_product("p 1")
            assert (await client.create_affiliate_link("p 1")).url == "u"
            sessions = await client.list_sessions(status=SessionStatus.LIVE)
            assert sessions.items[0].viewers == 12
            created = await client.create_session("Show")
            assert created.status is SessionStatus.SCHEDULED
            current = await client.get_session("s-1")
            assert current.pin is not None
            assert current.pin.version == 3
            assert (await client.start_session("s-1")).status is SessionStatus.LIVE
            assert (await client.end_session("s-1")).status is SessionStatus.ENDED
            await client.unpin("s-1")

    run(go())
