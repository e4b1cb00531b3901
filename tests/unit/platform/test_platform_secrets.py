"""The keychain wrapper: keychain when there is one, this run's memory when there is not,
never a file, never a hang."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import keyring
import keyring.backend
import pytest
from keyring.backends import chainer, fail

from seller_console.domain.platform_port import SecretPlace, SecretSaved, SecretStore
from seller_console.platform.secrets import KeyringSecretStore
from tests.support import run

T = TypeVar("T")


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def test_a_key_round_trips_through_the_keychain(memory_keyring: MemoryKeyring) -> None:
    store: SecretStore = KeyringSecretStore()

    async def go() -> tuple[object, str | None, str | None]:
        saved = await store.save("acct", "sk_1")
        loaded = await store.load("acct")
        await store.delete("acct")
        return saved, loaded, await store.load("acct")

    saved, loaded, after_delete = run(go())
    assert saved.place is SecretPlace.KEYCHAIN  # type: ignore[attr-defined]
    assert loaded == "sk_1"
    assert after_delete is None
    assert memory_keyring.store == {}


@pytest.mark.parametrize("backend", [fail.Keyring, chainer.ChainerBackend])
def test_without_a_keychain_the_key_is_kept_for_this_run_only(
    backend: type[keyring.backend.KeyringBackend], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    store = KeyringSecretStore(backend=backend)

    async def go() -> tuple[object, str | None]:
        saved = await store.save("acct", "sk_2")
        return saved, await store.load("acct")

    saved, loaded = run(go())
    assert saved.place is SecretPlace.THIS_RUN_ONLY  # type: ignore[attr-defined]
    assert "No system keychain" in saved.notice  # type: ignore[attr-defined]
    assert "this run only" in saved.notice  # type: ignore[attr-defined]
    assert loaded == "sk_2"
    assert list(tmp_path.iterdir()) == []
    assert run(KeyringSecretStore(backend=backend).load("acct")) is None


def test_a_keychain_that_hangs_is_given_up_on(tmp_path: Path) -> None:
    release = threading.Event()

    class HangingKeyring(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            release.wait(5)

    store = KeyringSecretStore(timeout_s=0.2, backend=HangingKeyring)

    async def go() -> SecretSaved:
        try:
            return await store.save("acct", "sk_3")
        finally:
            release.set()  # let the stuck thread end before the loop closes

    saved = run(go())
    assert saved.place is SecretPlace.THIS_RUN_ONLY
    assert "did not answer" in (saved.notice or "")
    assert run(store.load("acct")) == "sk_3"


def test_a_locked_keychain_is_reported_plainly() -> None:
    class LockedKeyring(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise keyring.errors.KeyringLocked("locked")

    saved = run(KeyringSecretStore(backend=LockedKeyring).save("acct", "sk_4"))
    assert saved.place is SecretPlace.THIS_RUN_ONLY
    assert "locked" in (saved.notice or "")
