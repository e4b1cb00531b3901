"""A TikTok creator signs in through the browser: the creator authorization link carries
the app key and a state, TikTok's page sends the browser back to the loopback redirect
with the code and that state, and the code is traded at the practice TikTok's token host.
TikTok's authorization page is its website, not an API: the test plays that page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from seller_console.platform.tiktok.signin import (
    CREATOR_AUTH_PAGE,
    REDIRECT_URL,
    TikTokSignIn,
)
from seller_console.sandbox.tiktok import RunningTikTok
from seller_console.ui.dialogs.profiles_dialog import TIKTOK_REDIRECT_URL
from tests.fakes import MemorySecrets
from tests.integration.tiktok.conftest import make_adapter
from tests.support import run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]


def test_the_dialog_names_the_redirect_the_console_listens_on() -> None:
    assert TIKTOK_REDIRECT_URL == REDIRECT_URL


def test_the_browser_comes_back_with_the_code_and_the_creator_is_signed_in(
    tiktok: RunningTikTok,
) -> None:
    secrets = MemorySecrets()

    async def sign_in() -> None:
        async with make_adapter(tiktok, secrets) as adapter:
            del secrets.secrets["tiktok:tokens"]  # not signed in yet

            async def exchange(code: str) -> str:
                await adapter.tokens.exchange_code(code)
                return "Signed in to TikTok Shop."

            signing = TikTokSignIn(tiktok.app_key, exchange, port=0)  # any free port here
            try:
                link = await signing.start()
                parts = urlsplit(link)
                assert f"{parts.scheme}://{parts.netloc}{parts.path}" == CREATOR_AUTH_PAGE
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                assert query["app_key"] == tiktok.app_key
                state = query["state"]
                back = signing.redirect_url
                async with httpx.AsyncClient(timeout=5) as browser:
                    forged = await browser.get(f"{back}?{urlencode({'code': 'x', 'state': 'no'})}")
                    assert forged.status_code == 400  # a wrong state never signs in
                    code = tiktok.world.auth_code
                    page = await browser.get(f"{back}?{urlencode({'code': code, 'state': state})}")
                    assert page.status_code == 200
                assert await signing.finish(timeout_s=10) == "Signed in to TikTok Shop."
            finally:
                await signing.aclose()
            assert "tiktok:tokens" in secrets.secrets
            account = await adapter.me()  # a signed call with the new tokens
            assert account.handle == "practice.creator"

    run(sign_in(), timeout=40)
