"""Shopee, TikTok Shop, manual-pins and practice profiles: checked per field, kept in
settings.json without any secret, keychain entries named by host and ids, and old files
still read."""

from __future__ import annotations

import json

import pytest

from seller_console.settings import (
    Profile,
    ProfileKind,
    Settings,
    SettingsError,
    load_settings,
    save_settings,
)

SHOPEE = Profile(
    ProfileKind.SHOPEE,
    "https://partner.shopeemobile.com/",
    partner_id=2001887,
    user_id=5001234,
    shop_id=322300222,
    region="my",
)
TIKTOK = Profile(
    ProfileKind.TIKTOK,
    "https://open-api.tiktokglobalshop.com",
    auth_url="https://auth.tiktok-shops.com",
    app_key="6abc",
    tracking_code="creator-7",
)


def test_shopee_and_tiktok_profiles_round_trip_without_secrets(tmp_path):
    path = tmp_path / "settings.json"
    for profile in (SHOPEE, TIKTOK):
        save_settings(path, Settings(profile, "SGD"))
        text = path.read_text(encoding="utf-8")
        assert load_settings(path) == (Settings(profile, "SGD"), None)
        raw = json.loads(text)["profile"]
        assert raw["kind"] == profile.kind.value
        assert set(raw) <= {
            "kind",
            "url",
            "auth_url",
            "partner_id",
            "user_id",
            "shop_id",
            "region",
            "app_key",
            "tracking_code",
        }  # no partner key, app secret or token: those are in the keychain
    assert SHOPEE.region == "MY"
    assert SHOPEE.url == "https://partner.shopeemobile.com"


def test_a_version_1_file_from_before_these_profiles_still_loads(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "version": 1,
                "profile": {"kind": "live_api", "url": "https://api.example.com"},
                "last_currency": "EUR",
            }
        )
    )
    settings, warning = load_settings(path)
    assert warning is None
    assert settings.profile == Profile(ProfileKind.LIVE_API, "https://api.example.com")


def test_a_damaged_shopee_profile_falls_back_to_the_demo_and_says_why(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "version": 1,
                "profile": {"kind": "shopee", "url": "https://h.example", "partner_id": "x"},
                "last_currency": "USD",
            }
        )
    )
    settings, warning = load_settings(path)
    assert settings.profile == Profile()
    assert warning is not None
    assert "partner_id is not a number" in warning


@pytest.mark.parametrize(
    ("changes", "label"),
    [
        ({"partner_id": None}, "Partner ID"),
        ({"user_id": 0}, "User ID"),
        ({"shop_id": -3}, "Shop ID"),
        ({"region": "US"}, "Region"),
        ({"cover_url": "http://img.example/c.png"}, "Cover image URL"),
    ],
)
def test_each_shopee_field_is_checked_with_its_label(changes, label):
    fields = {"partner_id": 1, "user_id": 2, "shop_id": 3, "region": "SG"} | changes
    with pytest.raises(SettingsError, match=f"^{label}:"):
        Profile(ProfileKind.SHOPEE, "https://partner.shopeemobile.com", **fields)


def test_each_tiktok_field_is_checked_with_its_label():
    url = "https://open-api.tiktokglobalshop.com"
    with pytest.raises(SettingsError, match=r"^App key:"):
        Profile(ProfileKind.TIKTOK, url, app_key="  ")
    with pytest.raises(SettingsError, match=r"^Shop cipher:"):
        Profile(ProfileKind.TIKTOK, url, app_key="k", shop_cipher="has space")
    with pytest.raises(SettingsError, match="plain http"):
        Profile(ProfileKind.TIKTOK, url, auth_url="http://auth.example", app_key="k")


def test_plain_http_is_allowed_to_this_machine_only():
    Profile(ProfileKind.SHOPEE, "http://127.0.0.1:8000", partner_id=1, user_id=2, shop_id=3)
    with pytest.raises(SettingsError, match="plain http"):
        Profile(ProfileKind.SHOPEE, "http://shopee.example", partner_id=1, user_id=2, shop_id=3)


def test_kinds_without_an_address_refuse_one():
    for kind in (ProfileKind.MANUAL, ProfileKind.SHOPEE_PRACTICE, ProfileKind.TIKTOK_PRACTICE):
        assert Profile(kind).secret_account is None
        with pytest.raises(SettingsError):
            Profile(kind, "https://api.example.com")
        with pytest.raises(SettingsError):
            Profile(kind, app_key="k")


def test_keychain_entries_name_the_host_and_the_ids():
    partner, user, shop = SHOPEE.shopee_entries()
    assert partner == "shopee:https://partner.shopeemobile.com:2001887:partner_key"
    assert user.endswith(":user:5001234:tokens")
    assert shop.endswith(":shop:322300222:tokens")
    other_host = Profile(
        ProfileKind.SHOPEE,
        "https://partner.test-stable.shopeemobile.com",
        partner_id=2001887,
        user_id=5001234,
        shop_id=322300222,
    )
    assert set(other_host.shopee_entries()).isdisjoint(SHOPEE.shopee_entries())
    secret, tokens = TIKTOK.tiktok_entries()
    assert secret == "tiktok:https://auth.tiktok-shops.com:6abc:secret"
    assert tokens == "tiktok:https://auth.tiktok-shops.com:6abc:tokens"
    assert SHOPEE.secret_account is None
    assert TIKTOK.secret_account is None
