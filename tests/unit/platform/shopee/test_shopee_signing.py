"""Shopee signing against worked examples computed here from the documented formula:
``hex(HMAC-SHA256(partner_key, partner_id + api path + timestamp [+ access_token + id]))``."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from seller_console.platform.shopee.signing import ApiLevel, base_string, sign, signed_query

PARTNER_ID = 2001887
KEY = "6b5a46716e474d6f6e59777659459849-test-partner-key"
TS = 1610000000
TOKEN = "c09222e3fc40ffb25fc947f738b1abf1"
USER_ID = 5001234
SHOP_ID = 322300222


def by_hand(text: str) -> str:
    return hmac.new(KEY.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def test_a_livestream_call_is_signed_over_partner_path_time_token_and_user() -> None:
    path = "/api/v2/livestream/create_session"
    expected = by_hand(
        "2001887/api/v2/livestream/create_session1610000000c09222e3fc40ffb25fc947f738b1abf15001234"
    )
    query = signed_query(
        ApiLevel.USER,
        partner_id=PARTNER_ID,
        partner_key=KEY,
        path=path,
        timestamp=TS,
        access_token=TOKEN,
        owner_id=USER_ID,
    )
    assert query == {
        "partner_id": "2001887",
        "timestamp": "1610000000",
        "access_token": TOKEN,
        "user_id": "5001234",
        "sign": expected,
    }
    # The same worked example, pinned: a change to the formula cannot go unnoticed.
    assert expected == "02416dfc4bd32942f879d438aa4ea5c1fe8829e219dd5d2d2d7763b73a5f4a3e"


def test_a_product_call_is_signed_with_the_shop_id_not_the_user_id() -> None:
    path = "/api/v2/product/get_item_list"
    query = signed_query(
        ApiLevel.SHOP,
        partner_id=PARTNER_ID,
        partner_key=KEY,
        path=path,
        timestamp=TS,
        access_token=TOKEN,
        owner_id=SHOP_ID,
    )
    assert query["shop_id"] == "322300222"
    assert "user_id" not in query
    assert query["sign"] == by_hand(f"2001887{path}1610000000{TOKEN}322300222")
    assert query["sign"] != by_hand(f"2001887{path}1610000000{TOKEN}5001234")


def test_the_token_refresh_is_signed_over_partner_path_and_time_only() -> None:
    path = "/api/v2/auth/access_token/get"
    query = signed_query(
        ApiLevel.PUBLIC, partner_id=PARTNER_ID, partner_key=KEY, path=path, timestamp=TS
    )
    assert query == {
        "partner_id": "2001887",
        "timestamp": "1610000000",
        "sign": by_hand("2001887/api/v2/auth/access_token/get1610000000"),
    }


def test_sign_is_lower_case_hex_sha256() -> None:
    value = sign(KEY, base_string(PARTNER_ID, "/p", TS))
    assert len(value) == 64
    assert value == value.lower()
    int(value, 16)


def test_a_user_call_without_a_token_is_refused_before_anything_is_sent() -> None:
    with pytest.raises(ValueError, match="access token"):
        signed_query(ApiLevel.USER, partner_id=1, partner_key=KEY, path="/p", timestamp=TS)
