"""A computer with no keychain (``keyring.backends.fail.Keyring``): every secret typed in
the window is kept for this run only, in the one store the live engine reads, and the
window says so. Shopee's "Sign in with the browser" works with the partner key typed in
the dialog, against the practice Shopee over loopback."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PySide6.QtWidgets import QApplication

from seller_console.app import Console
from seller_console.domain.errors import DomainError
from seller_console.domain.platform_port import SecretPlace
from seller_console.paths import AppPaths
from seller_console.sandbox import SandboxConfig, start_sandbox
from seller_console.sandbox.shopee import ShopeeSandboxConfig, start_shopee
from seller_console.settings import Profile, ProfileKind
from seller_console.ui.dialogs.profiles_dialog import ProfilesDialog
from tests.ui.test_profiles_platforms import choose

from .conftest import Runner, close_console

pytestmark = [pytest.mark.timeout(90)]


@pytest.fixture
def console(
    qapp: QApplication, run: Runner, app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Console]:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    made = Console(qapp, app_paths)  # the live engine inherits the variable
    try:
        yield made
    finally:
        close_console(made, run)


def test_without_a_keychain_the_partner_key_typed_signs_the_browser_sign_in(
    console: Console, run: Runner, qtbot: Any
) -> None:
    vm = console.live_vm
    saved = run(vm.secrets.save("obs-websocket ws://127.0.0.1:4455", "pw"))
    assert saved.place is SecretPlace.THIS_RUN_ONLY
    assert saved.notice is not None
    assert "kept for this run only" in saved.notice
    assert run(vm.secrets.load("obs-websocket ws://127.0.0.1:4455")) == "pw"

    visits: list[asyncio.Task[int]] = []

    async def browser(link: str) -> int:
        async with httpx.AsyncClient(timeout=5) as client:
            consent = await client.get(link)
            back = await client.get(consent.headers["location"])
            return back.status_code

    def open_url(link: str) -> bool:
        visits.append(asyncio.get_event_loop().create_task(browser(link)))
        return True

    async def no_test(*_: object) -> str:
        raise AssertionError("not tested here")

    with start_shopee(ShopeeSandboxConfig(seed=4)) as shopee:
        c = shopee.config
        dialog = ProfilesDialog(
            vm.profile,
            vm.secrets,
            no_test,
            console.tasks,
            sign_in=vm.sign_in,
            browser=vm,
            open_url=open_url,
        )
        qtbot.addWidget(dialog)
        dialog.open()
        choose(dialog, qtbot, ProfileKind.SHOPEE)
        qtbot.keyClicks(dialog.url, shopee.base_url)
        qtbot.keyClicks(dialog.key, shopee.partner_key)
        qtbot.keyClicks(dialog.partner_id, str(c.partner_id))
        qtbot.keyClicks(dialog.user_id, str(c.user_id))
        qtbot.keyClicks(dialog.shop_id, str(c.shop_id))
        dialog.region.setCurrentText("SG")
        dialog.browser_button.click()
        qtbot.waitUntil(lambda: "Signed in to Shopee" in dialog.status.text(), timeout=30_000)
        said = dialog.status.text()
        assert said.startswith("No system keychain is available on this computer. It is kept")
        assert shopee.partner_key not in said
        assert visits[0].result() == 200
        dialog.reject()


def test_without_a_keychain_the_key_typed_for_a_platform_reaches_the_engine(
    console: Console, run: Runner
) -> None:
    """Show > Platform saves the key in the engine's store (for this run only): the engine
    reads it from there when it first talks to the platform."""
    vm = console.live_vm
    with start_sandbox(SandboxConfig(seed=5, rate=1.0, api_key="typed-key-5")) as sandbox:
        profile = Profile(ProfileKind.SANDBOX_URL, sandbox.base_url)
        assert profile.secret_account is not None
        run(vm.use_profile(profile))
        with pytest.raises(DomainError, match="no API key is stored"):  # nothing typed yet
            run(vm.unfinished_here())
        saved = run(vm.secrets.save(profile.secret_account, sandbox.api_key))
        assert saved.place is SecretPlace.THIS_RUN_ONLY
        assert run(vm.unfinished_here()) == ()  # the platform answered with the key
