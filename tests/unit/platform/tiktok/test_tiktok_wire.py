"""TikTok's envelope, money, commission rates, live room and affiliate orders, read exactly."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from seller_console.domain.events import SessionStatus
from seller_console.domain.money import Money
from seller_console.domain.orders import OrderStatus
from seller_console.domain.platform_errors import PlatformErrorKind
from seller_console.platform._http import loads
from seller_console.platform.errors import (
    ForbiddenError,
    PlatformProtocolError,
    PlatformStatusError,
    RateLimitedError,
    ServerError,
    ValidationError,
)
from seller_console.platform.tiktok import wire
from seller_console.platform.tiktok.errors import (
    SignatureRejectedError,
    TokenRejectedError,
    envelope_data,
)
from seller_console.platform.wire import WireFormatError

ROOM = "7300000000000000001"


def answer(status: int, doc: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(doc).encode(), headers=headers)


def envelope(code: int, message: str = "", data: Any = None) -> dict[str, Any]:
    return {"code": code, "message": message, "request_id": "RID", "data": data}


# ---------------------------------------------------------------- envelope and errors
def test_code_zero_gives_the_data_and_no_data_is_an_empty_object() -> None:
    assert envelope_data(answer(200, envelope(0, "Success", {"id": "1"})), "x") == {"id": "1"}
    assert envelope_data(answer(200, envelope(0, "Success")), "x") == {}


@pytest.mark.parametrize(
    ("status", "code", "error", "kind"),
    [
        (401, 105002, TokenRejectedError, PlatformErrorKind.AUTH),
        (200, 36004004, TokenRejectedError, PlatformErrorKind.AUTH),
        (401, 106001, SignatureRejectedError, PlatformErrorKind.AUTH),
        (429, 42900, RateLimitedError, PlatformErrorKind.RATE_LIMITED),
        (403, 40300, ForbiddenError, PlatformErrorKind.FORBIDDEN),
        (500, 50000, ServerError, PlatformErrorKind.SERVER),
        (200, 16008001, ValidationError, PlatformErrorKind.VALIDATION),
    ],
)
def test_error_codes_map_to_typed_errors(
    status: int, code: int, error: type[PlatformStatusError], kind: Any
) -> None:
    with pytest.raises(error) as caught:
        envelope_data(answer(status, envelope(code, "the platform's reason")), "pinning")
    assert caught.value.kind is kind
    assert caught.value.code == str(code)
    assert "pinning" in caught.value.user_message


def test_a_rate_limit_carries_retry_after() -> None:
    with pytest.raises(RateLimitedError) as caught:
        envelope_data(answer(429, envelope(42900, "slow down"), {"Retry-After": "2"}), "x")
    assert caught.value.retry_after_s == 2.0


def test_an_answer_that_is_not_the_envelope_is_a_protocol_error() -> None:
    with pytest.raises(PlatformProtocolError):
        envelope_data(httpx.Response(200, content=b"<html>"), "x")
    with pytest.raises(PlatformProtocolError):
        envelope_data(answer(200, {"code": "0", "data": {}}), "x")
    with pytest.raises(ServerError):
        envelope_data(httpx.Response(502, content=b"bad gateway"), "x")


# ---------------------------------------------------------------- rates and money
@pytest.mark.parametrize(
    ("raw", "fraction"),
    [(3000, "0.3"), (3587, "0.3587"), ("3000", "0.3"), (100, "0.01"), (0, "0"), (10000, "1")],
)
def test_rates_in_hundredths_of_a_percent_become_exact_fractions(raw: Any, fraction: str) -> None:
    value = wire.rate_fraction(raw, "rate")
    assert value == Decimal(fraction)
    assert isinstance(value, Decimal)


@pytest.mark.parametrize("raw", [Decimal("30.5"), True, -1, 10001, "30%", None])
def test_a_rate_that_is_not_whole_hundredths_is_refused(raw: Any) -> None:
    with pytest.raises(WireFormatError):
        wire.rate_fraction(raw, "rate")


def test_money_strings_stay_exact_and_json_floats_are_read_as_decimals() -> None:
    doc = loads(b'{"amount": "0.10", "currency": "USD", "float": 0.1}')
    assert wire.opt_money({"m": doc}, "m", "x") == Money(
        Decimal("0.10"), Money.zero("USD").currency
    )
    assert doc["float"] == Decimal("0.1")
    assert wire.opt_money({"m": {"amount": "", "currency": "USD"}}, "m", "x") is None


# ---------------------------------------------------------------- live room and bag
def test_the_live_room_and_its_status() -> None:
    room = wire.live_room({"id": ROOM, "status": "LIVE", "title": "Show", "start_time": 1700000000})
    assert room is not None
    assert room.status.value is SessionStatus.LIVE
    assert room.start_time is not None
    assert int(room.start_time.timestamp()) == 1700000000
    assert wire.live_room({}) is None
    with pytest.raises(WireFormatError, match="unknown live room status"):
        wire.live_room({"id": ROOM, "status": "MYSTERY"})


def test_the_bag_with_no_pin() -> None:
    bag = wire.live_bag({"pinned_product_id": "", "products": [{"id": "1"}, {"id": "2"}]})
    assert bag == wire.LiveBag(product_ids=("1", "2"), pinned=None)


def test_the_bag_says_which_products_are_out_of_stock() -> None:
    products = [
        {"id": "1", "status": {"added_status": "ADDED", "inventory_status": "OUT_OF_STOCK"}},
        {"id": "2", "status": {"inventory_status": "IN_STOCK"}},
        {"id": "3"},  # no status: nothing said
    ]
    bag = wire.live_bag({"pinned_product_id": "2", "products": products})
    assert bag.out_of_stock == frozenset({"1"})


def test_the_product_search_gives_each_sku_s_seller_sku_and_units_in_stock() -> None:
    def sku(seller_sku: str, *quantities: int | None) -> dict[str, Any]:
        inventory = [{"warehouse_id": f"w{n}", "quantity": q} for n, q in enumerate(quantities)]
        return {"seller_sku": seller_sku, **({"inventory": inventory} if quantities else {})}

    found, token = wire.product_search_page(
        {
            "products": [
                {"id": "1", "skus": [sku("SER-30", 4, 3), sku("SER-60", 1, None)]},
                {"id": "2", "skus": [sku("LIP-3"), {"inventory": [{"quantity": 2}]}]},
            ],
            "next_page_token": "",
        }
    )
    assert token is None
    assert found == [
        wire.SearchedSku("1", "SER-30", 7),  # over its two warehouses
        wire.SearchedSku("1", "SER-60", 1),  # a warehouse with no quantity says nothing
        wire.SearchedSku("2", "LIP-3", None),  # stock not reported
        wire.SearchedSku("2", "", 2),  # no seller SKU
    ]


# ---------------------------------------------------------------- affiliate orders
def sku(content_type: str = "LIVE", content_id: str = ROOM, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": "sku-1",
        "product_id": "tt-1",
        "quantity": 2,
        "price": {"amount": "24.90", "currency": "USD"},
        "content_type": content_type,
        "content_id": content_id,
        "commission_rate": 1500,
        "estimated_commission": {"amount": "7.47", "currency": "USD"},
    }
    doc.update(extra)
    return doc


def order(status: str, *skus: dict[str, Any]) -> dict[str, Any]:
    return {"id": "576", "create_time": 1700000100, "status": status, "skus": list(skus)}


def read(doc: Any) -> wire.AffiliateOrder | None:
    return wire.session_order(doc, room_id=ROOM, session_id=ROOM, product_ids={"tt-1": "serum"})


def test_only_the_live_lines_of_this_room_are_kept() -> None:
    other_video = sku("VIDEO", "9999", product_id="tt-2")
    other_live = sku("LIVE", "7300000000000000999", product_id="tt-3")
    result = read(order("ORDERED", sku(), other_video, other_live))
    assert result is not None
    assert [line.product_id for line in result.order.lines] == ["serum"]
    assert result.order.total == Money.of("49.80", "USD")
    assert read(order("ORDERED", other_video)) is None


def test_an_ordered_order_is_paid_with_its_estimated_commission() -> None:
    result = read(order("ORDERED", sku()))
    assert result is not None
    assert result.order.status is OrderStatus.PAID
    assert result.order.commission.rate == Decimal("0.15")
    assert result.order.commission.amount == Money.of("7.47", "USD")
    assert result.actual is None
    assert not result.settled


def test_a_settled_order_counts_its_actual_commission_and_keeps_the_estimate() -> None:
    settled = sku(actual_commission={"amount": "7.40", "currency": "USD"})
    result = read(order("SETTLED", settled))
    assert result is not None
    assert result.order.status is OrderStatus.PAID
    assert result.order.commission.amount == Money.of("7.40", "USD")
    assert result.estimated == Money.of("7.47", "USD")
    assert result.actual == Money.of("7.40", "USD")


def test_bonus_and_shop_ads_commission_are_part_of_what_the_creator_earns() -> None:
    line = sku(
        estimated_bonus_commission={"amount": "1.00", "currency": "USD"},
        estimated_shop_ads_commission={"amount": "0.03", "currency": "USD"},
    )
    result = read(order("ORDERED", line))
    assert result is not None
    assert result.order.commission.amount == Money.of("8.50", "USD")


@pytest.mark.parametrize(
    ("status", "domain", "commission"),
    [
        ("REFUNDED", OrderStatus.REFUNDED, "0"),
        ("DEDUCTED", OrderStatus.REFUNDED, "0"),
        ("FROZEN", OrderStatus.PAID, "7.47"),
        ("UNSPECIFIED", OrderStatus.PAID, "7.47"),
    ],
)
def test_each_status_maps_as_documented(status: str, domain: OrderStatus, commission: str) -> None:
    result = read(order(status, sku()))
    assert result is not None
    assert result.order.status is domain
    assert result.order.commission.amount == Money.of(commission, "USD")


def test_a_malformed_order_says_which_and_where() -> None:
    with pytest.raises(WireFormatError, match="576"):
        read(order("ORDERED", sku(quantity="two")))


def test_lines_at_different_rates_give_the_order_its_amount_weighted_rate() -> None:
    cheap = sku(id="a", quantity=1, price={"amount": "10.00", "currency": "USD"})
    dear = sku(
        id="b", quantity=1, price={"amount": "30.00", "currency": "USD"}, commission_rate=3000
    )
    result = read(order("ORDERED", cheap, dear))
    assert result is not None
    # (10 * 0.15 + 30 * 0.30) / 40
    assert result.order.commission.rate == Decimal("0.2625")
