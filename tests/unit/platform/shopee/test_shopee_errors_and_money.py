"""Shopee's envelope errors as typed errors, and its JSON floats as exact Decimals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from seller_console.domain.money import Money
from seller_console.platform._http import loads
from seller_console.platform._retry import RetryPolicy, retry_verdict
from seller_console.platform.errors import (
    AuthError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    PlatformProtocolError,
    PlatformStatusError,
    RateLimitedError,
    ServerError,
    SessionNotLiveError,
    ValidationError,
)
from seller_console.platform.shopee import wire
from seller_console.platform.shopee.errors import (
    AccessTokenRejectedError,
    envelope_error,
    error_for_envelope,
)


def mapped(error: str, message: str = "") -> PlatformStatusError:
    return error_for_envelope(error, message, "req-1", status=200, what="pinning the product")


@pytest.mark.parametrize(
    ("error", "message", "expected"),
    [
        (
            "invalid_acceess_token",
            "Invalid access_token, please have a check.",
            AccessTokenRejectedError,
        ),
        ("error_auth", "Invalid access_token.", AccessTokenRejectedError),
        (
            "error_rate_limit",
            "Too many requests. You have reached the rate limit.",
            RateLimitedError,
        ),
        ("error_server", "Too many requests, please try again later", RateLimitedError),
        (
            "error_system_busy",
            "Our system is taking some time to respond, please try later.",
            RateLimitedError,
        ),
        ("refresh_token_expired", "Your refresh_token expired.", AuthError),
        ("error_shop_refresh_token", "Your refresh token is error", AuthError),
        ("user_no_linked", "Partner and user has no linked.", AuthError),
        ("error_sign", "Wrong sign.", AuthError),
        ("error_partner_key_expired", "Your API partner key has expired", AuthError),
        ("error_auth", "You are not authorized", AuthError),
        ("error_api_permission", "This app type has no permission to this API.", ForbiddenError),
        ("source_ip_undeclared", "Request Source IP (1.2.3.4) is undeclared.", ForbiddenError),
        ("error_data", "You do not have permission to livestream", ForbiddenError),
        ("error_data", "The session(session_id:7) is not ongoing", SessionNotLiveError),
        ("error_data", "The session(session_id:7) is ended", SessionNotLiveError),
        (
            "error_data",
            "The last session(session_id:7) is still ongoing, please end it first",
            ConflictError,
        ),
        ("error_data", "Too many items for current session", ConflictError),
        ("error_data", "The session(session_id:7) is not exist", NotFoundError),
        ("error_item_not_found", "Product not found", NotFoundError),
        ("error_param", "Invalid item_id", ValidationError),
        ("error_data", "The title cannot exceed 200 characters", ValidationError),
        ("error_server", "Server internal error: boom", ServerError),
    ],
)
def test_each_documented_error_becomes_the_typed_error_a_caller_acts_on(
    error: str, message: str, expected: type[Exception]
) -> None:
    typed = mapped(error, message)
    assert type(typed) is expected
    assert "pinning the product" in str(typed)


def test_an_expired_token_is_not_retried_by_the_policy_but_a_rate_limit_is() -> None:
    assert retry_verdict(mapped("invalid_acceess_token"), retry_safe=True) == (False, None)
    assert retry_verdict(mapped("error_rate_limit"), retry_safe=False) == (True, None)
    busy = mapped("error_server", "Too many requests, please try again later")
    assert retry_verdict(busy, retry_safe=False)[0] is True


def test_lost_authorization_says_sign_in_again() -> None:
    for error in ("refresh_token_expired", "shop_access_expired", "user_banned"):
        assert "Sign in to Shopee again" in str(mapped(error))


def test_the_daily_limit_waits_until_midnight_utc8_which_the_policy_does_not_wait_for() -> None:
    typed = error_for_envelope(
        "error_limit",
        "daily API call limit",
        "",
        status=200,
        what="reading metrics",
        now=datetime(2026, 1, 1, 15, 0, tzinfo=UTC),  # 23:00 UTC+8
    )
    assert isinstance(typed, RateLimitedError)
    assert typed.retry_after_s == 3600
    assert typed.retry_after_s > RetryPolicy().max_retry_after_s


def test_the_envelope_reads_error_message_and_request_id() -> None:
    doc = loads(
        b'{"error":"error_param","message":"Invalid title","request_id":"abc","response":{}}'
    )
    assert envelope_error(doc) == ("error_param", "Invalid title", "abc")
    assert (
        envelope_error(loads(b'{"error":"","message":"","request_id":"x","response":{}}'))[0] == ""
    )
    with pytest.raises(PlatformProtocolError):
        envelope_error([1, 2])


def test_float_prices_become_the_decimal_of_their_text() -> None:
    doc = loads(
        b'{"response":{"has_show_item":true,"item":{"item_id":1,"shop_id":2,"name":"x",'
        b'"price_info":{"currency":"SGD","current_price":100.1,"original_price":120.0}}}}'
    )
    item = wire.show_item(doc["response"])
    assert item is not None
    assert item.price == Money.of("100.1", "SGD")
    assert item.price.amount == Decimal("100.1")
    assert str(item.price.amount) == "100.1"  # not 100.09999999999999...


def test_gmv_keeps_every_digit_shopee_sent() -> None:
    doc = loads(b'{"gmv":1234567.891,"orders":3,"ccu":10,"peak_ccu":12}')
    metric = wire.session_metric(doc)
    assert metric.gmv == Decimal("1234567.891")
    assert metric.orders == 3


def test_a_python_float_never_becomes_money() -> None:
    with pytest.raises(PlatformProtocolError, match="current_price"):
        wire.price({"currency": "SGD", "current_price": 100.1}, "item.price_info")


def test_a_price_in_a_currency_nobody_knows_is_a_protocol_error() -> None:
    with pytest.raises(PlatformProtocolError):
        wire.price({"currency": "XYZ1", "current_price": Decimal(1)}, "item.price_info")


def test_product_price_info_is_a_list_and_livestream_price_info_an_object() -> None:
    assert wire.first_price([{"currency": "TWD", "current_price": Decimal(100)}], "m") == Money.of(
        100, "TWD"
    )
    assert wire.first_price({"currency": "TWD", "current_price": Decimal(100)}, "m") == Money.of(
        100, "TWD"
    )
    assert wire.first_price([], "m") is None
