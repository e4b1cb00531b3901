"""The Shopee client and adapter over httpx.MockTransport: what goes on the wire (signed
query, JSON body), a refused token refreshed and the call repeated once, rate limits
retried, and a pin that is never read back refused."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import httpx
import pytest

from seller_console.domain.money import Money
from seller_console.domain.platform_port import (
    IdempotencyKey,
    PinRequest,
    PlatformAdapter,
    ShowcaseProduct,
)
from seller_console.platform._retry import Retrier, RetryPolicy
from seller_console.platform.errors import AuthError, ValidationError
from seller_console.platform.shopee import KeychainEntries, ShopeeAdapter, ShopeeConfig
from seller_console.platform.shopee.errors import PinNotConfirmedError
from seller_console.platform.shopee.tokens import TokenSet, save_tokens
from tests.fakes import MemorySecrets
from tests.support import run

T = TypeVar("T")
KEY = "partner-key-for-tests"
PARTNER, USER, SHOP = 2001887, 5001234, 322300222
ENTRIES = KeychainEntries("pk", "user-tokens", "shop-tokens")
KEY_ID = IdempotencyKey("k")


def ok(response: dict[str, Any]) -> httpx.Response:
    body = {"error": "", "message": "", "request_id": "r", "response": response}
    return httpx.Response(200, json=body)


def fail(error: str, message: str, status: int = 200) -> httpx.Response:
    body = {"error": error, "message": message, "request_id": "r", "response": {}}
    return httpx.Response(status, json=body)


Handler = Callable[[httpx.Request], httpx.Response]


def adapter(
    handler: Handler, store: MemorySecrets | None = None
) -> tuple[ShopeeAdapter, MemorySecrets]:
    store = store or MemorySecrets()

    async def seed() -> None:
        await store.save(ENTRIES.partner_key, KEY)
        await save_tokens(store, ENTRIES.user_tokens, TokenSet("user-access-1", "user-refresh-1"))
        await save_tokens(store, ENTRIES.shop_tokens, TokenSet("shop-access-1", "shop-refresh-1"))

    if ENTRIES.partner_key not in store.secrets:
        run(seed())
    config = ShopeeConfig(
        partner_id=PARTNER,
        user_id=USER,
        shop_id=SHOP,
        host="http://127.0.0.1:9",
        cover_image_url="https://cf.shopee.sg/file/cover",
        pin_read_back_delay_s=0.001,
    )
    retrier = Retrier(RetryPolicy(base_delay_s=0.001, max_delay_s=0.002))
    return (
        ShopeeAdapter(
            config, store, ENTRIES, retrier=retrier, transport=httpx.MockTransport(handler)
        ),
        store,
    )


def expected_sign(request: httpx.Request) -> str:
    q = request.url.params
    base = f"{q['partner_id']}{request.url.path}{q['timestamp']}"
    if "access_token" in q:
        base += q["access_token"] + (q.get("user_id") or q["shop_id"])
    return hmac.new(KEY.encode(), base.encode(), hashlib.sha256).hexdigest()


def test_it_is_a_platform_adapter_with_shopee_capabilities() -> None:
    a, _ = adapter(lambda r: ok({}))
    as_port: PlatformAdapter = a  # mypy checks the adapter against the port
    assert as_port is a
    assert a.platform == "shopee"
    assert a.capabilities.comments
    assert a.capabilities.viewers
    assert a.capabilities.sales.value == "metrics_only"
    assert a.capabilities.pins.value == "confirmed"


def test_a_livestream_call_goes_out_signed_with_the_user_and_a_json_body() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("create_session"):
            return ok({"session_id": 636732})
        return ok(
            {
                "session_id": 636732,
                "title": "Glow",
                "status": 0,
                "stream_url_list": {"domain_id": 57},
            }
        )

    a, _ = adapter(handler)
    session = run(a.create_session("Glow"))
    assert session.id == "636732"
    create = seen[0]
    assert create.method == "POST"
    assert create.url.path == "/api/v2/livestream/create_session"
    q = create.url.params
    assert q["user_id"] == str(USER)
    assert "shop_id" not in q
    assert q["access_token"] == "user-access-1"
    assert q["sign"] == expected_sign(create)
    assert json.loads(create.content) == {
        "title": "Glow",
        "cover_image_url": "https://cf.shopee.sg/file/cover",
        "is_test": False,
    }
    detail = seen[1]
    assert detail.method == "GET"
    assert detail.url.params["session_id"] == "636732"


def test_a_refused_token_is_refreshed_with_the_user_id_and_the_call_repeated_once() -> None:
    refreshes: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["sign"] == expected_sign(request)
        if request.url.path == "/api/v2/auth/access_token/get":
            refreshes.append(json.loads(request.content))
            return httpx.Response(
                200,
                json={
                    "error": "",
                    "message": "",
                    "request_id": "r",
                    "user_id": USER,
                    "access_token": "user-access-2",
                    "refresh_token": "user-refresh-2",
                    "expire_in": 14400,
                },
            )
        if request.url.params["access_token"] == "user-access-1":
            return fail("invalid_acceess_token", "Invalid access_token, please have a check.", 403)
        return ok({"session_id": 7, "title": "t", "status": 1})

    a, store = adapter(handler)
    assert run(a.get_session("7")).status.value == "live"
    assert refreshes == [
        {"refresh_token": "user-refresh-1", "partner_id": PARTNER, "user_id": USER}
    ]
    saved = TokenSet.from_secret(store.secrets[ENTRIES.user_tokens], "u")
    assert (saved.access_token, saved.refresh_token) == ("user-access-2", "user-refresh-2")
    # The shop's tokens are separate and untouched.
    assert (
        TokenSet.from_secret(store.secrets[ENTRIES.shop_tokens], "s").access_token
        == "shop-access-1"
    )


def test_a_token_refused_again_after_a_refresh_says_sign_in_again() -> None:
    calls = {"refresh": 0, "api": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v2/auth/access_token/get":
            calls["refresh"] += 1
            return httpx.Response(
                200,
                json={"error": "", "access_token": "a2", "refresh_token": "r2", "expire_in": 14400},
            )
        calls["api"] += 1
        return fail("invalid_acceess_token", "Invalid access_token, please have a check.")

    a, _ = adapter(handler)
    with pytest.raises(AuthError, match="Sign in to Shopee again"):
        run(a.get_session("7"))
    assert calls == {"refresh": 1, "api": 2}


def test_a_spent_refresh_token_says_sign_in_again() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v2/auth/access_token/get":
            return fail("refresh_token_expired", "Your refresh_token expired.")
        return fail("invalid_acceess_token", "Invalid access_token, please have a check.")

    a, _ = adapter(handler)
    with pytest.raises(AuthError, match="Sign in to Shopee again"):
        run(a.get_session("7"))


def test_rate_limit_answers_are_retried_even_for_a_post() -> None:
    answers = [
        fail("error_rate_limit", "Too many requests.", 429),
        fail("error_server", "Too many requests, please try again later"),
        ok({}),
    ]
    posted: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        posted.append(request.url.path)
        return answers.pop(0)

    a, _ = adapter(handler)
    run(a.client.end_session(7))
    assert posted == ["/api/v2/livestream/end_session"] * 3


def product(pid: str, sku: str, price: str) -> ShowcaseProduct:
    return ShowcaseProduct(pid, sku, pid, "Acme", Money.of(price, "SGD"), Decimal("0.1"))


def shop_handler(shown_item: int | None) -> Handler:
    """A shop with item 11 (SKU A-1, 10.1 SGD) and item 12 with models B-RED / B-BLUE."""

    def handler(request: httpx.Request) -> httpx.Response:
        path, q = request.url.path, request.url.params
        assert q["sign"] == expected_sign(request)
        if path.startswith("/api/v2/product/"):
            assert q["shop_id"] == str(SHOP)
            assert "user_id" not in q
        if path == "/api/v2/product/get_item_list":
            assert q.get_list("item_status") == ["NORMAL"]
            return ok(
                {
                    "item": [{"item_id": 11}, {"item_id": 12}],
                    "has_next_page": False,
                    "next_offset": 2,
                }
            )
        if path == "/api/v2/product/get_item_base_info":
            assert q["item_id_list"] == "11,12"
            return httpx.Response(
                200,
                content=(
                    b'{"error":"","message":"","request_id":"r","response":{"item_list":['
                    b'{"item_id":11,"item_sku":"A-1","has_model":false,"price_info":[{"currency":"SGD","current_price":10.1}],'
                    b'"image":{"image_url_list":["https://img/11"]}},'
                    b'{"item_id":12,"item_sku":"","has_model":true}]}}'
                ),
            )
        if path == "/api/v2/product/get_model_list":
            return httpx.Response(
                200,
                content=(
                    b'{"error":"","response":{"model":[{"model_id":121,"model_sku":"B-RED","price_info":[{"currency":"SGD","current_price":5.5}]},'
                    b'{"model_id":122,"model_sku":"B-BLUE","price_info":[{"currency":"SGD","current_price":5.5}]}]}}'
                ),
            )
        if path == "/api/v2/livestream/update_show_item":
            return ok({})
        if path == "/api/v2/livestream/get_show_item":
            if shown_item is None:
                return ok({"has_show_item": False})
            return ok({"has_show_item": True, "item": {"item_id": shown_item, "shop_id": SHOP}})
        raise AssertionError(path)

    return handler


def test_products_are_matched_by_item_or_model_sku_and_price_differences_listed() -> None:
    a, _ = adapter(shop_handler(None))
    results = run(
        a.upsert_products(
            [
                product("p1", "A-1", "10.10"),
                product("p2", "B-BLUE", "4.99"),
                product("p3", "C-9", "1"),
                product("p4", " ", "1"),
            ]
        )
    )
    assert [(r.product_id, r.error_code) for r in results] == [
        ("p1", None),
        ("p2", None),
        ("p3", "no_match"),
        ("p4", "no_sku"),
    ]
    assert "C-9" in str(results[2].error_detail)
    assert a.match_of("p1").item_id == 11
    assert a.match_of("p1").model_id is None
    assert (a.match_of("p2").item_id, a.match_of("p2").model_id) == (12, 122)
    [difference] = a.price_differences()
    assert (difference.product_id, difference.shopee) == ("p2", Money.of("5.5", "SGD"))


def test_a_pin_confirmed_by_the_read_back_returns_a_growing_version() -> None:
    a, _ = adapter(shop_handler(11))
    run(a.upsert_products([product("p1", "A-1", "10.1")]))
    first = run(a.pin("7", PinRequest("p1"), idempotency_key=KEY_ID))
    second = run(a.pin("7", PinRequest("p1"), idempotency_key=KEY_ID))
    assert first.product_id == "p1"
    assert second.version > first.version


def test_a_pin_the_read_back_never_shows_is_not_confirmed() -> None:
    a, _ = adapter(shop_handler(12))  # Shopee keeps showing another item
    run(a.upsert_products([product("p1", "A-1", "10.1")]))
    with pytest.raises(PinNotConfirmedError, match="not confirmed"):
        run(a.pin("7", PinRequest("p1"), idempotency_key=KEY_ID))


def test_an_unmatched_product_cannot_be_pinned() -> None:
    a, _ = adapter(shop_handler(11))
    with pytest.raises(Exception, match="not matched to a Shopee item"):
        run(a.pin("7", PinRequest("nope"), idempotency_key=KEY_ID))


def test_orders_are_always_an_empty_page() -> None:
    a, _ = adapter(lambda r: ok({}))
    page = run(a.list_orders("7"))
    assert page.items == ()
    assert page.next_cursor is None


def test_a_title_over_200_characters_is_refused_before_calling_shopee() -> None:
    a, _ = adapter(lambda r: pytest.fail("no call expected"))
    with pytest.raises(Exception, match="1 to 200 characters"):
        run(a.create_session("x" * 201))


def test_no_token_or_sign_reaches_the_request_log(caplog: pytest.LogCaptureFixture) -> None:
    a, _ = adapter(lambda r: ok({"session_id": 7, "title": "t", "status": 0}))
    with caplog.at_level(logging.INFO, logger="httpx"):
        run(a.get_session("7"))
    text = "\n".join(r.getMessage() for r in caplog.records if r.name == "httpx")
    assert "/api/v2/livestream/get_session_detail" in text  # the line is there ...
    assert "user-access-1" not in text  # ... without the secrets
    assert "sign=<redacted>" in text
    assert KEY not in caplog.text


def test_an_unknown_region_is_refused_when_the_adapter_is_built() -> None:
    config = ShopeeConfig(partner_id=1, user_id=2, shop_id=3, region="XX")
    with pytest.raises(ValidationError, match="region 'XX'"):
        ShopeeAdapter(config, MemorySecrets(), ENTRIES)
