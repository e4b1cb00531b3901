"""Signing in to the practice Shopee over loopback: the authorization link, the browser's
return to a one-shot 127.0.0.1 listener (state checked, bounded in time), the code
exchanged once, and the tokens saved where the adapter finds them."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from seller_console.domain.money import Money
from seller_console.domain.platform_errors import PlatformError
from seller_console.platform.loopback import SignInTimedOutError
from seller_console.platform.shopee.signin import ShopeeAccount, ShopeeSignIn
from seller_console.platform.shopee.tokens import TokenSet
from seller_console.sandbox.shopee import RunningShopee, ShopeeSandboxConfig, start_shopee
from tests.fakes import MemorySecrets
from tests.integration.shopee.support import ENTRIES, Raw, make_adapter, product
from tests.support import run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]


def account(shopee: RunningShopee) -> ShopeeAccount:
    c = shopee.config
    return ShopeeAccount(shopee.base_url, c.partner_id, c.user_id, c.shop_id, ENTRIES)


async def keychain(shopee: RunningShopee) -> MemorySecrets:
    store = MemorySecrets()
    await store.save(ENTRIES.partner_key, shopee.partner_key)
    return store


async def browse(link: str) -> httpx.Response:
    """What the seller's browser does: open the link, follow Shopee's redirect back."""
    async with httpx.AsyncClient(timeout=5) as browser:
        consent = await browser.get(link)
        assert consent.status_code == 302
        return await browser.get(consent.headers["location"])


def test_the_browser_signs_the_shop_in_through_the_loopback_redirect() -> None:
    with start_shopee(ShopeeSandboxConfig(seed=2)) as shopee:
        raw = Raw(shopee)

        async def sign_in() -> None:
            store = await keychain(shopee)
            signing = ShopeeSignIn(account(shopee), store)
            try:
                link = await signing.start()
                parts = urlsplit(link)
                assert parts.path == "/api/v2/shop/auth_partner"
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                assert set(query) == {"partner_id", "timestamp", "sign", "redirect"}
                base = f"{query['partner_id']}/api/v2/shop/auth_partner{query['timestamp']}"
                expected = hmac.new(
                    shopee.partner_key.encode(), base.encode(), hashlib.sha256
                ).hexdigest()
                assert query["sign"] == expected
                redirect = urlsplit(query["redirect"])
                assert redirect.hostname == "127.0.0.1"
                assert redirect.port not in (None, 80)

                async with httpx.AsyncClient(timeout=5) as stranger:  # a wrong state
                    wrong = redirect._replace(path="/shopee-signed-in/guess").geturl()
                    assert (await stranger.get(f"{wrong}?code=abc&shop_id=1")).status_code == 400
                page = await browse(link)
                assert page.status_code == 200
                assert "close this tab" in page.text
                message = await signing.finish(timeout_s=10)
            finally:
                await signing.aclose()
            assert message.startswith(
                f"Signed in to Shopee: the tokens of shop {shopee.config.shop_id} (products)"
            )
            assert "paste the user's authorization code" in message
            assert ENTRIES.user_tokens not in store.secrets
            saved = TokenSet.from_secret(store.secrets[ENTRIES.shop_tokens], ENTRIES.shop_tokens)
            assert saved.access_token not in message

            # the adapter works with what was saved: the shop's product calls
            adapter = make_adapter(shopee, store)
            try:
                [match] = await adapter.match_products([product("serum", "SER-30", "24.90")])
            finally:
                await adapter.aclose()
            assert match.price == Money.of("24.90", "SGD")

        try:
            run(sign_in(), timeout=40)
            stats = raw.control("GET", "/_sandbox/stats")
        finally:
            raw.close()
    assert stats["bad_signatures"] == 0


def test_a_pasted_user_code_is_exchanged_once_for_the_livestream_tokens() -> None:
    with start_shopee(ShopeeSandboxConfig(seed=2)) as shopee:
        raw = Raw(shopee)
        try:
            code = raw.control("POST", "/_sandbox/user_code")["code"]

            async def sign_in() -> None:
                store = await keychain(shopee)
                signing = ShopeeSignIn(account(shopee), store)
                try:
                    message = await signing.exchange_pasted(f"  {code}\n")
                    assert message == (
                        f"Signed in to Shopee: the tokens of user {shopee.config.user_id} "
                        "(livestream) are in the keychain."
                    )
                    with pytest.raises(PlatformError, match="code"):  # it works once
                        await signing.exchange_pasted(code)
                finally:
                    await signing.aclose()
                assert ENTRIES.user_tokens in store.secrets

            run(sign_in(), timeout=30)
        finally:
            raw.close()


def test_without_a_keychain_the_message_says_the_tokens_are_kept_for_this_run_only() -> None:
    with start_shopee(ShopeeSandboxConfig(seed=2)) as shopee:
        raw = Raw(shopee)
        try:
            code = raw.control("POST", "/_sandbox/user_code")["code"]

            async def sign_in() -> str:
                store = MemorySecrets(keychain=False)
                await store.save(ENTRIES.partner_key, shopee.partner_key)
                signing = ShopeeSignIn(account(shopee), store)
                try:
                    return await signing.exchange_pasted(code)
                finally:
                    await signing.aclose()

            message = run(sign_in(), timeout=30)
        finally:
            raw.close()
    assert message == (
        f"Signed in to Shopee: the tokens of user {shopee.config.user_id} (livestream) are "
        "kept for this run only (this computer has no keychain): sign in again after the app "
        "restarts."
    )


def test_a_browser_that_never_comes_back_ends_the_wait_with_a_reason() -> None:
    with start_shopee(ShopeeSandboxConfig(seed=2)) as shopee:

        async def sign_in() -> None:
            signing = ShopeeSignIn(account(shopee), await keychain(shopee))
            try:
                await signing.start()
                with pytest.raises(SignInTimedOutError, match="paste the code by hand"):
                    await signing.finish(timeout_s=0.3)
            finally:
                await signing.aclose()

        run(sign_in(), timeout=20)
