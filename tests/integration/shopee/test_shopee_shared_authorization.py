"""One Shopee authorization that covers a user and a shop, over loopback.

Shopee's doc: ``get_access_token`` answers one token set whose refresh token is "valid for
each shop_id and merchant_id respectively"; ``refresh_access_token`` takes exactly one id,
the ids "must be refreshed separately", a refresh token "can only be used once by either a
shop_id or ... user_id", and the answer is the new set for the id refreshed. The practice
Shopee enforces that, so the user's and the shop's keychain entries start with the same set
and part ways at their first refresh, each refreshing with its own id."""

from __future__ import annotations

import json

import pytest

from seller_console.platform.shopee.signin import ShopeeSignIn
from seller_console.sandbox.shopee import ShopeeSandboxConfig, start_shopee
from tests.integration.shopee.support import ENTRIES, Raw, make_adapter
from tests.integration.shopee.test_shopee_sign_in import account, keychain
from tests.support import run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]
REFRESH = "/api/v2/auth/access_token/get"
TOKEN_GET = "/api/v2/auth/token/get"
ITEMS = "/api/v2/product/get_item_list"
SESSION = "/api/v2/livestream/get_session_detail"


def test_a_user_and_shop_signed_in_together_refresh_separately_and_both_keep_working() -> None:
    with start_shopee(ShopeeSandboxConfig(seed=5)) as shopee:
        raw = Raw(shopee)
        try:
            code = raw.control("POST", "/_sandbox/user_code?with_shop=1")["code"]

            async def show() -> None:
                store = await keychain(shopee)
                signing = ShopeeSignIn(account(shopee), store)
                try:
                    message = await signing.exchange_pasted(
                        f"https://example.test/back?code={code}&shop_id={shopee.config.shop_id}"
                    )
                finally:
                    await signing.aclose()
                assert "user" in message
                assert "shop" in message
                first_user = json.loads(store.secrets[ENTRIES.user_tokens])
                assert first_user == json.loads(store.secrets[ENTRIES.shop_tokens])

                adapter = make_adapter(shopee, store)
                try:
                    for round_ in (1, 2):
                        raw.control("POST", "/_sandbox/expire_tokens")
                        # a shop call, then a user call: each refreshes its own entry
                        assert await adapter.client.list_item_ids()
                        session_id = await adapter.client.create_session(
                            f"Round {round_}", "https://example.test/cover.jpg", is_test=True
                        )
                        assert session_id > 0
                        assert (
                            await adapter.client.get_session_detail(session_id)
                        ).title == f"Round {round_}"
                finally:
                    await adapter.aclose()
                user = json.loads(store.secrets[ENTRIES.user_tokens])
                shop = json.loads(store.secrets[ENTRIES.shop_tokens])
                assert user["refresh_token"] != shop["refresh_token"]
                assert first_user["refresh_token"] not in (
                    user["refresh_token"],
                    shop["refresh_token"],
                )

            run(show(), timeout=40)
            stats = raw.control("GET", "/_sandbox/stats")
            assert stats["refreshes"] == 4
            assert stats["rejected_refreshes"] == 0
            assert stats["bad_signatures"] == 0
        finally:
            raw.close()


def test_the_practice_shopee_keeps_each_ids_refreshed_set_to_that_id() -> None:
    """The rule a client is caught by: one shared set refreshed once (with the user's id)
    and handed to the shop's calls is refused; a refresh token used twice by one id is
    refused; the same authorization's refresh token still works once for the shop."""
    with start_shopee(ShopeeSandboxConfig(seed=5)) as shopee:
        raw = Raw(shopee)
        c = shopee.config
        try:
            code = raw.control("POST", "/_sandbox/user_code?with_shop=1")["code"]
            granted = raw.post(
                TOKEN_GET, {"code": code, "partner_id": c.partner_id, "shop_id": c.shop_id}
            )
            assert granted["error"] == ""
            assert granted["user_id_list"] == [c.user_id]
            assert granted["shop_id_list"] == [c.shop_id]
            shared = granted["access_token"]
            assert (
                raw.get(
                    ITEMS,
                    {"offset": 0, "page_size": 10, "item_status": "NORMAL"},
                    shared,
                    user=False,
                )["error"]
                == ""
            )

            def refresh(token: str, **who: int) -> dict[str, object]:
                body = {"refresh_token": token, "partner_id": c.partner_id, **who}
                answer: dict[str, object] = raw.post(REFRESH, body)
                return answer

            users = refresh(granted["refresh_token"], user_id=c.user_id)
            assert users["error"] == ""
            assert users["user_id"] == c.user_id
            for_shop = raw.get(
                ITEMS,
                {"offset": 0, "page_size": 10, "item_status": "NORMAL"},
                str(users["access_token"]),
                user=False,
            )
            assert for_shop["error"] == "invalid_acceess_token"
            again = refresh(granted["refresh_token"], user_id=c.user_id)
            assert again["error"] == "refresh_token_expired"
            shops = refresh(granted["refresh_token"], shop_id=c.shop_id)
            assert shops["error"] == ""
            assert shops["shop_id"] == c.shop_id
            assert refresh(granted["refresh_token"], shop_id=c.shop_id)["error"] == (
                "error_shop_refresh_token"
            )
            both = refresh(str(users["refresh_token"]), user_id=c.user_id, shop_id=c.shop_id)
            assert both["error"] == "error_param"
        finally:
            raw.close()
