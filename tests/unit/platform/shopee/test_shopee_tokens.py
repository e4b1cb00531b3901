"""The token manager: refresh before expiry, the new set saved before it is used, one
refresh for many callers, and nothing lost by a crash at any point of a refresh."""

from __future__ import annotations

import asyncio
import secrets
from typing import TypeVar

import pytest

from seller_console.domain.platform_port import SecretSaved
from seller_console.platform.errors import AuthError, ProblemDetails
from seller_console.platform.shopee.tokens import TokenManager, TokenSet, save_tokens
from tests.fakes import MemorySecrets
from tests.support import run

T = TypeVar("T")
ENTRY = "shopee/1/user/2"
HOUR = 3600.0


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class FakeShopee:
    """Refresh tokens work once, as the doc says; each refresh issues a 4 h access token."""

    def __init__(self, clock: Clock, log: list[str], delay_s: float = 0.0) -> None:
        self.clock = clock
        self.log = log
        self.delay_s = delay_s
        self.valid_refresh: set[str] = set()
        self.calls = 0

    def grant(self) -> TokenSet:
        refresh = secrets.token_hex(8)
        self.valid_refresh.add(refresh)
        return TokenSet.granted(secrets.token_hex(8), refresh, 14400, now=self.clock())

    async def refresh(self, refresh_token: str) -> TokenSet:
        self.calls += 1
        self.log.append(f"refresh:{refresh_token}")
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if refresh_token not in self.valid_refresh:
            raise AuthError("spent refresh token", ProblemDetails(status=403))
        self.valid_refresh.remove(refresh_token)
        return self.grant()


class LoggingStore(MemorySecrets):
    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log
        self.deletes = 0
        self.fail_next_save = False

    async def save(self, account: str, secret: str) -> SecretSaved:
        if self.fail_next_save:
            self.fail_next_save = False
            raise RuntimeError("the process died while saving")
        self.log.append(f"save:{TokenSet.from_secret(secret, account).refresh_token}")
        return await super().save(account, secret)

    async def delete(self, account: str) -> None:
        self.deletes += 1
        await super().delete(account)


def setup(
    *, expires_in: float = 4 * HOUR, delay_s: float = 0.0
) -> tuple[Clock, list[str], FakeShopee, LoggingStore, TokenManager, TokenSet]:
    clock, log = Clock(), list[str]()
    shopee = FakeShopee(clock, log, delay_s)
    store = LoggingStore(log)
    first = shopee.grant()
    first = TokenSet(first.access_token, first.refresh_token, clock() + expires_in, clock())
    run(store.save(ENTRY, first.to_secret()))
    log.clear()
    manager = TokenManager(store, ENTRY, shopee.refresh, clock=clock)
    return clock, log, shopee, store, manager, first


def saved(store: MemorySecrets) -> TokenSet:
    return TokenSet.from_secret(store.secrets[ENTRY], ENTRY)


def test_a_fresh_token_is_used_as_is() -> None:
    _clock, _log, shopee, _store, manager, first = setup()
    assert run(manager.access_token()) == first.access_token
    assert shopee.calls == 0


def test_the_token_is_refreshed_before_it_expires_not_after() -> None:
    clock, _log, shopee, store, manager, first = setup()
    clock.now += 4 * HOUR - 301  # more than the 5 min margin left
    assert run(manager.access_token()) == first.access_token
    clock.now += 2  # now inside the margin, still valid
    token = run(manager.access_token())
    assert token != first.access_token
    assert shopee.calls == 1
    assert saved(store).access_token == token


def test_a_short_lived_token_is_refreshed_a_quarter_of_its_life_before_expiry() -> None:
    clock, _log, shopee, _store, manager, first = setup(expires_in=20)
    clock.now += 14
    assert run(manager.access_token()) == first.access_token
    clock.now += 2  # 16 s of 20: inside the last quarter
    assert run(manager.access_token()) != first.access_token
    assert shopee.calls == 1


def test_the_new_set_is_saved_before_it_is_used_and_the_entry_is_never_deleted() -> None:
    clock, log, _shopee, store, manager, first = setup()
    clock.now += 4 * HOUR

    async def use() -> None:
        token = await manager.access_token()
        log.append(f"use:{token}")

    run(use())
    new = saved(store)
    assert log == [
        f"refresh:{first.refresh_token}",
        f"save:{new.refresh_token}",
        f"use:{new.access_token}",
    ]
    assert store.deletes == 0


def test_many_callers_share_one_refresh() -> None:
    clock, _log, shopee, _store, manager, _first = setup(delay_s=0.05)
    clock.now += 4 * HOUR

    async def many() -> set[str]:
        return set(await asyncio.gather(*(manager.access_token() for _ in range(20))))

    tokens = run(many())
    assert shopee.calls == 1
    assert len(tokens) == 1


def test_a_refused_token_is_refreshed_once_however_many_calls_saw_it_refused() -> None:
    _clock, _log, shopee, _store, manager, first = setup(delay_s=0.05)

    async def refused() -> set[str]:
        return set(await asyncio.gather(*(manager.refresh(first.access_token) for _ in range(5))))

    tokens = run(refused())
    assert shopee.calls == 1
    assert tokens != {first.access_token}
    assert len(tokens) == 1


def test_a_crash_after_the_save_loses_nothing() -> None:
    clock, _log, shopee, store, manager, _first = setup()
    clock.now += 4 * HOUR
    token = run(manager.access_token())  # refreshed and saved; then the app dies
    del manager
    restarted = TokenManager(store, ENTRY, shopee.refresh, clock=clock)
    assert run(restarted.access_token()) == token  # no second refresh needed
    clock.now += 4 * HOUR
    run(restarted.access_token())  # the saved refresh token is the live one
    assert shopee.calls == 2


def test_a_crash_during_the_save_leaves_the_old_set_in_the_keychain() -> None:
    clock, _log, _shopee, store, manager, first = setup()
    clock.now += 4 * HOUR
    store.fail_next_save = True
    with pytest.raises(RuntimeError):
        run(manager.access_token())
    assert saved(store) == first  # the entry still holds a whole set, never nothing
    assert store.deletes == 0


def test_no_saved_authorization_says_sign_in_first() -> None:
    manager = TokenManager(MemorySecrets(), ENTRY, FakeShopee(Clock(), []).refresh)
    with pytest.raises(AuthError, match="Not signed in to Shopee yet: sign in first") as raised:
        run(manager.access_token())
    assert ENTRY not in raised.value.user_message  # no keychain entry's name


def test_a_set_without_expiry_is_used_until_shopee_refuses_it() -> None:
    clock, log = Clock(), list[str]()
    shopee = FakeShopee(clock, log)
    store = MemorySecrets()
    first = shopee.grant()
    run(save_tokens(store, ENTRY, TokenSet(first.access_token, first.refresh_token)))
    manager = TokenManager(store, ENTRY, shopee.refresh, clock=clock)
    clock.now += 100 * HOUR
    assert run(manager.access_token()) == first.access_token
    assert run(manager.refresh(first.access_token)) != first.access_token
    assert shopee.calls == 1


def test_the_token_set_never_shows_its_secrets() -> None:
    tokens = TokenSet("access-secret", "refresh-secret", 1.0, 0.0)
    assert "secret" not in repr(tokens)
