"""The practice Shopee enforces what Shopee's doc says, so it catches a client's mistakes:
signatures, the 5-minute timestamp, token lifetimes, single-use refresh tokens, the
session's states, the bag's limit, and rate-limit bursts. Calls here are signed by hand."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from seller_console.domain.money import Money
from seller_console.domain.platform_port import new_idempotency_key
from seller_console.platform.errors import ValidationError
from seller_console.sandbox.shopee import (
    RunningShopee,
    ShopeeFaults,
    ShopeeSandboxConfig,
    items_from_products,
    start_shopee,
)
from tests.integration.shopee.support import Raw, make_adapter, product, seeded_store
from tests.support import run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

LIVE = "/api/v2/livestream/"
REFRESH = "/api/v2/auth/access_token/get"


@pytest.fixture
def shopee() -> Iterator[RunningShopee]:
    with start_shopee(ShopeeSandboxConfig(seed=2, max_bag_items=2, comment_rate=0)) as running:
        yield running


@pytest.fixture
def raw(shopee: RunningShopee) -> Iterator[Raw]:
    client = Raw(shopee)
    yield client
    client.close()


def user_token(shopee: RunningShopee) -> str:
    return str(shopee.credentials["access_token"])


def test_a_wrong_signature_is_refused_and_counted(shopee: RunningShopee, raw: Raw) -> None:
    token = user_token(shopee)
    bad = raw.get(LIVE + "get_session_detail", {"session_id": 1}, token, key="not-the-key")
    assert (bad["error"], bad["message"]) == ("error_sign", "Wrong sign.")
    signed_as_shop = raw.get(LIVE + "get_session_detail", {"session_id": 1}, token, user=False)
    assert signed_as_shop["error"] in ("error_param", "invalid_acceess_token")
    good = raw.get(LIVE + "get_session_detail", {"session_id": 1}, token)
    assert good["message"] == "The session(session_id:1) is not exist"
    assert raw.control("GET", "/_sandbox/stats")["bad_signatures"] == 1


def test_a_timestamp_older_than_five_minutes_is_refused(shopee: RunningShopee, raw: Raw) -> None:
    old = int(time.time()) - 301
    answer = raw.get(LIVE + "get_item_count", {"session_id": 1}, user_token(shopee), timestamp=old)
    assert (answer["error"], answer["message"]) == ("error_param", "Timestamp is expired.")


def test_a_refresh_token_works_once_and_only_for_its_own_id(
    shopee: RunningShopee, raw: Raw
) -> None:
    c = shopee.credentials
    body = {
        "refresh_token": c["refresh_token"],
        "partner_id": c["partner_id"],
        "user_id": c["user_id"],
    }
    first = raw.post(REFRESH, body)
    assert first["error"] == ""
    assert first["user_id"] == c["user_id"]
    assert first["access_token"] != c["access_token"]
    assert first["expire_in"] == 4 * 3600
    again = raw.post(REFRESH, body)
    assert again["error"] == "refresh_token_expired"
    as_shop = raw.post(
        REFRESH,
        {
            "refresh_token": c["shop_refresh_token"],
            "partner_id": c["partner_id"],
            "user_id": c["user_id"],
        },
    )
    assert as_shop["error"] == "refresh_token_expired"  # a shop's token is not a user's
    # The new access token works; livestream calls refuse the shop's token.
    fresh = raw.get(LIVE + "get_item_count", {"session_id": 1}, str(first["access_token"]))
    assert fresh["error"] == "error_data"
    shop_token = raw.get(LIVE + "get_item_count", {"session_id": 1}, str(c["shop_access_token"]))
    assert shop_token["error"] == "invalid_acceess_token"


def test_access_tokens_expire_after_their_lifetime() -> None:
    with start_shopee(ShopeeSandboxConfig(token_ttl_s=1)) as shopee:
        raw = Raw(shopee)
        try:
            token = user_token(shopee)
            assert (
                raw.get(LIVE + "get_item_count", {"session_id": 1}, token)["error"] == "error_data"
            )
            time.sleep(1.2)
            expired = raw.get(LIVE + "get_item_count", {"session_id": 1}, token)
            assert expired["error"] == "invalid_acceess_token"
        finally:
            raw.close()


def test_session_rules(shopee: RunningShopee, raw: Raw) -> None:
    token = user_token(shopee)
    cover = "https://cf.shopee.sg/file/cover"
    assert (
        raw.post(LIVE + "create_session", {"title": "x"}, token)["message"]
        == "Invalid cover_image_url"
    )
    long_title = raw.post(
        LIVE + "create_session", {"title": "x" * 201, "cover_image_url": cover}, token
    )
    assert long_title["message"] == "The title cannot exceed 200 characters"
    sid = raw.post(LIVE + "create_session", {"title": "Show", "cover_image_url": cover}, token)[
        "response"
    ]["session_id"]
    show = raw.post(
        LIVE + "update_show_item",
        {"session_id": sid, "item_id": 800001, "shop_id": shopee.config.shop_id},
        token,
    )
    assert show["message"] == f"The session(session_id:{sid}) is not ongoing"
    detail = raw.get(LIVE + "get_session_detail", {"session_id": sid}, token)["response"]
    domain = detail["stream_url_list"]["domain_id"]
    wrong = raw.post(LIVE + "start_session", {"session_id": sid, "domain_id": domain + 1}, token)
    assert wrong["message"] == "Invalid domain_id"
    assert (
        raw.post(LIVE + "start_session", {"session_id": sid, "domain_id": domain}, token)["error"]
        == ""
    )
    again = raw.post(LIVE + "start_session", {"session_id": sid, "domain_id": domain}, token)
    assert again["message"] == f"The session(session_id:{sid}) is ongoing"
    second = raw.post(LIVE + "create_session", {"title": "Two", "cover_image_url": cover}, token)
    assert "is still ongoing" in second["message"]
    not_in_bag = raw.post(
        LIVE + "update_show_item",
        {"session_id": sid, "item_id": 800001, "shop_id": shopee.config.shop_id},
        token,
    )
    assert not_in_bag["message"] == "Invalid item_id"
    items = [{"item_id": i, "shop_id": shopee.config.shop_id} for i in (800001, 800002, 800004)]
    over = raw.post(LIVE + "add_item_list", {"session_id": sid, "item_list": items}, token)
    assert over["message"] == "Too many items for current session"
    assert raw.post(LIVE + "end_session", {"session_id": sid}, token)["error"] == ""
    ended = raw.get(LIVE + "get_show_item", {"session_id": sid}, token)
    assert ended["message"] == f"The session(session_id:{sid}) is ended"


def test_the_adapter_refuses_a_bag_over_shopee_limit_before_changing_it(
    shopee: RunningShopee, raw: Raw
) -> None:
    async def go() -> None:
        adapter = make_adapter(
            shopee, await seeded_store(shopee), cover_image_url="https://cf.shopee.sg/file/c"
        )
        try:
            plan = [
                product("a", "SER-30", "24.9"),
                product("b", "CRM-50", "32"),
                product("c", "BALM-100", "18.1"),
            ]
            await adapter.upsert_products(plan)
            session = await adapter.create_session("Three items")
            with pytest.raises(ValidationError, match="at most 2 items"):
                await adapter.set_bag(
                    session.id, ["a", "b", "c"], idempotency_key=new_idempotency_key()
                )
            assert raw.control("GET", f"/_sandbox/sessions/{session.id}")["bag"] == []
        finally:
            await adapter.aclose()

    run(go())


def test_rate_limit_bursts_answer_error_rate_limit(shopee: RunningShopee, raw: Raw) -> None:
    faults = raw.control(
        "PUT", "/_sandbox/faults", {"rate_limit_every": 1, "rate_limit_burst_s": 5}
    )
    assert faults == ShopeeFaults(rate_limit_every=1, rate_limit_burst_s=5.0).to_json()
    answer = raw.get(LIVE + "get_item_count", {"session_id": 1}, user_token(shopee))
    assert answer["error"] == "error_rate_limit"
    assert raw.control("GET", "/_sandbox/stats")["rate_limited"] == 1
    raw.control("PUT", "/_sandbox/faults", {"rate_limit_every": None})


def test_control_endpoints_need_the_partner_key(shopee: RunningShopee, raw: Raw) -> None:
    assert raw.http.get("/_sandbox/stats").status_code == 401
    wrong = {"Authorization": "Bearer not-the-key"}
    assert raw.http.get("/_sandbox/stats", headers=wrong).status_code == 401


def test_a_shop_seeded_from_a_plan_matches_every_product_at_its_price() -> None:
    plan = [product("serum", "SER-30", "24.90"), product("mug", "MUG-1", "9.99")]
    with start_shopee(ShopeeSandboxConfig(items=items_from_products(plan))) as shopee:

        async def go() -> None:
            adapter = make_adapter(shopee, await seeded_store(shopee))
            try:
                results = await adapter.upsert_products(plan)
                assert [r.ok for r in results] == [True, True]
                assert adapter.price_differences() == ()
                assert adapter.match_of("mug").shopee_price == Money.of("9.99", "SGD")
            finally:
                await adapter.aclose()

        run(go())
