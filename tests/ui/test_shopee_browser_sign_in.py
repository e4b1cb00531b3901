"""Show > Platform > Shopee Live > Sign in with the browser, against the practice Shopee
over loopback: the dialog opens the authorization link, the browser comes back to the
one-shot loopback redirect, and the shop's tokens land in the keychain, never on screen."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from seller_console.platform.shopee import KeychainEntries
from seller_console.platform.shopee.signin import ShopeeAccount, ShopeeSignIn
from seller_console.sandbox.shopee import ShopeeSandboxConfig, start_shopee
from seller_console.settings import Profile, ProfileKind
from seller_console.ui.asyncqt import TaskScope
from seller_console.ui.dialogs.profiles_dialog import ProfilesDialog
from tests.fakes import MemorySecrets
from tests.ui.test_profiles_platforms import Recorder, choose

pytestmark = [pytest.mark.usefixtures("qloop"), pytest.mark.timeout(60)]


@pytest.fixture
def tasks(qloop: Any, run: Any) -> Iterator[TaskScope]:
    scope = TaskScope()
    yield scope
    run(scope.close())


class EngineSignIn:
    """What the live engine does for the dialog (``BrowserSignIn``), in this process."""

    def __init__(self, secrets: MemorySecrets) -> None:
        self.secrets = secrets
        self.signing: ShopeeSignIn | None = None
        self.cancelled = 0

    async def sign_in_link(self, profile: Profile) -> str:
        assert profile.url is not None
        assert profile.partner_id
        assert profile.user_id
        assert profile.shop_id
        entries = KeychainEntries(*profile.shopee_entries())
        account = ShopeeAccount(
            profile.url, profile.partner_id, profile.user_id, profile.shop_id, entries
        )
        self.signing = ShopeeSignIn(account, self.secrets)
        return await self.signing.start()

    async def sign_in_redirected(self) -> str:
        assert self.signing is not None
        try:
            return await self.signing.finish(timeout_s=20)
        finally:
            await self.signing.aclose()

    def sign_in_cancel(self) -> None:
        self.cancelled += 1


def test_the_browser_signs_the_shop_in_and_the_dialog_says_so(qtbot: Any, tasks: Any) -> None:
    secrets = MemorySecrets()
    engine = EngineSignIn(secrets)
    opened: list[str] = []
    visits: list[asyncio.Task[int]] = []

    async def browser(link: str) -> int:
        async with httpx.AsyncClient(timeout=5) as client:
            consent = await client.get(link)
            back = await client.get(consent.headers["location"])
            return back.status_code

    def open_url(link: str) -> bool:
        opened.append(link)
        visits.append(asyncio.get_event_loop().create_task(browser(link)))
        return True

    with start_shopee(ShopeeSandboxConfig(seed=4)) as shopee:
        c = shopee.config
        dialog = ProfilesDialog(
            Profile(),
            secrets,
            Recorder().test,
            tasks,
            sign_in=Recorder().sign_in,
            browser=engine,
            open_url=open_url,
        )
        qtbot.addWidget(dialog)
        dialog.open()
        choose(dialog, qtbot, ProfileKind.SHOPEE)
        assert dialog.browser_button.isVisible()
        qtbot.keyClicks(dialog.url, shopee.base_url)
        qtbot.keyClicks(dialog.key, shopee.partner_key)
        qtbot.keyClicks(dialog.partner_id, str(c.partner_id))
        qtbot.keyClicks(dialog.user_id, str(c.user_id))
        qtbot.keyClicks(dialog.shop_id, str(c.shop_id))
        dialog.region.setCurrentText("SG")

        dialog.browser_button.click()
        qtbot.waitUntil(lambda: dialog.status.text().startswith("Signed in"), timeout=30_000)
        assert dialog.browser_button.isEnabled()
        assert len(opened) == 1
        assert opened[0].startswith(f"{shopee.base_url}/api/v2/shop/auth_partner?")
        assert visits[0].result() == 200  # the browser's page: "you can close this tab"
        text = dialog.status.text()
        assert text.startswith(f"Signed in to Shopee: the tokens of shop {c.shop_id} (products)")
        profile_entries = Profile(
            ProfileKind.SHOPEE,
            shopee.base_url,
            partner_id=c.partner_id,
            user_id=c.user_id,
            shop_id=c.shop_id,
            region="SG",
        ).shopee_entries()
        assert secrets.secrets[profile_entries[0]] == shopee.partner_key
        assert profile_entries[2] in secrets.secrets  # the shop's tokens
        assert shopee.partner_key not in text
        dialog.reject()
    assert engine.cancelled == 0  # nothing was left waiting


def test_closing_the_dialog_while_waiting_cancels_the_wait(qtbot: Any, tasks: Any) -> None:
    class Waiting:
        cancelled = 0

        async def sign_in_link(self, profile: Profile) -> str:
            return "https://partner.shopeemobile.com/api/v2/shop/auth_partner?x=1"

        async def sign_in_redirected(self) -> str:
            await asyncio.sleep(30)
            return "never"

        def sign_in_cancel(self) -> None:
            self.cancelled += 1

    waiting = Waiting()
    dialog = ProfilesDialog(
        Profile(),
        MemorySecrets(),
        Recorder().test,
        tasks,
        sign_in=Recorder().sign_in,
        browser=waiting,
        open_url=lambda _link: False,
    )
    qtbot.addWidget(dialog)
    dialog.open()
    choose(dialog, qtbot, ProfileKind.SHOPEE)
    qtbot.keyClicks(dialog.url, "https://partner.shopeemobile.com")
    qtbot.keyClicks(dialog.partner_id, "2001887")
    qtbot.keyClicks(dialog.user_id, "5001234")
    qtbot.keyClicks(dialog.shop_id, "322300222")
    dialog.browser_button.click()
    qtbot.waitUntil(lambda: "clipboard" in dialog.status.text(), timeout=5000)
    assert not dialog.browser_button.isEnabled()  # one sign-in at a time
    dialog.reject()
    assert waiting.cancelled == 1
