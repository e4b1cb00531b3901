"""The token manager: refresh before expiry, the new token set saved before it is used,
one refresh for concurrent callers, and a refused token refreshed then retried once."""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import httpx
import pytest

from seller_console.domain.events import SessionStatus
from seller_console.domain.platform_errors import PlatformErrorKind
from seller_console.domain.platform_port import SecretSaved
from seller_console.platform._retry import Retrier, RetryPolicy
from seller_console.platform.tiktok import (
    SignInNeededError,
    TikTokConfig,
    TikTokShopAdapter,
    TokenManager,
    TokenRejectedError,
    TokenSet,
)
from tests.fakes import MemorySecrets
from tests.support import run

T = TypeVar("T")
NOW = 1_800_000_000
AUTH = httpx.URL("https://auth.test")


def tokens(n: int, expires_at: int = NOW + 3600) -> TokenSet:
    return TokenSet(f"access-{n}", expires_at, f"refresh-{n}", NOW + 86400)


def envelope(data: Any, code: int = 0, status: int = 200) -> httpx.Response:
    body = {"code": code, "message": "" if code == 0 else "no", "request_id": "r", "data": data}
    return httpx.Response(status, content=json.dumps(body).encode())


class TokenHost:
    """The token host's refresh call: single-use refresh tokens, a new set each time."""

    def __init__(self, first: int = 0) -> None:
        self.issued = first
        self.valid = {f"refresh-{first}"}
        self.requests: list[httpx.Request] = []
        self.delay_s = 0.0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        await asyncio.sleep(self.delay_s)
        query = request.url.params
        assert request.url.path == "/api/v2/token/refresh"
        if query["grant_type"] != "refresh_token" or query["refresh_token"] not in self.valid:
            return envelope(None, code=105003, status=401)
        self.valid.discard(query["refresh_token"])
        self.issued += 1
        self.valid.add(f"refresh-{self.issued}")
        fresh = tokens(self.issued)
        return envelope(json.loads(fresh.to_secret()))


def manager(
    store: MemorySecrets, host: Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]
) -> tuple[TokenManager, httpx.AsyncClient]:
    http = httpx.AsyncClient(transport=httpx.MockTransport(host))

    async def secret() -> str:
        return "app-secret"

    return (
        TokenManager(
            http,
            AUTH,
            "app-key",
            secret,
            store,
            "tokens",
            refresh_margin_s=300,
            retrier=Retrier(RetryPolicy(max_attempts=2, base_delay_s=0.0)),
            clock=lambda: NOW,
        ),
        http,
    )


def stored(store: MemorySecrets) -> TokenSet:
    return TokenSet.from_data(json.loads(store.secrets["tokens"]))


def test_a_token_far_from_expiry_is_used_as_is() -> None:
    store, host = MemorySecrets(), TokenHost()
    store.secrets["tokens"] = tokens(0).to_secret()
    tm, http = manager(store, host)
    assert run(tm.access_token()) == "access-0"
    assert host.requests == []
    run(http.aclose())


def test_a_token_about_to_expire_is_refreshed_first_with_grant_type_refresh_token() -> None:
    store, host = MemorySecrets(), TokenHost()
    store.secrets["tokens"] = tokens(0, expires_at=NOW + 299).to_secret()
    tm, http = manager(store, host)
    assert run(tm.access_token()) == "access-1"
    (request,) = host.requests
    assert request.url.params["grant_type"] == "refresh_token"
    assert request.url.params["app_key"] == "app-key"
    assert stored(store).refresh_token == "refresh-1"
    run(http.aclose())


def test_the_new_token_set_is_in_the_store_before_it_is_handed_out_and_survives_a_restart() -> None:
    store, host = MemorySecrets(), TokenHost()
    store.secrets["tokens"] = tokens(0, expires_at=NOW).to_secret()
    seen_in_store: list[str] = []

    class Watching(MemorySecrets):
        async def save(self, account: str, secret: str) -> SecretSaved:
            saved = await store.save(account, secret)
            seen_in_store.append(json.loads(secret)["refresh_token"])
            return saved

        async def load(self, account: str) -> str | None:
            return await store.load(account)

    tm, http = manager(Watching(), host)
    token = run(tm.access_token())
    assert token == "access-1"
    assert seen_in_store == ["refresh-1"]
    run(http.aclose())
    # a new process (a crash, a restart) finds the new refresh token and can refresh again;
    # the old one is spent at the token host
    again, http2 = manager(store, host)
    assert run(again.refresh(stale="access-1")) == "access-2"
    assert [r.url.params["refresh_token"] for r in host.requests] == ["refresh-0", "refresh-1"]
    run(http2.aclose())


def test_concurrent_callers_share_one_refresh() -> None:
    store, host = MemorySecrets(), TokenHost()
    host.delay_s = 0.05
    store.secrets["tokens"] = tokens(0).to_secret()
    tm, http = manager(store, host)

    async def many() -> list[str]:
        return list(await asyncio.gather(*(tm.refresh(stale="access-0") for _ in range(20))))

    assert run(many()) == ["access-1"] * 20
    assert len(host.requests) == 1
    run(http.aclose())


def test_a_spent_refresh_token_asks_for_a_new_sign_in() -> None:
    store, host = MemorySecrets(), TokenHost()
    host.valid = set()
    store.secrets["tokens"] = tokens(0, expires_at=NOW).to_secret()
    tm, http = manager(store, host)
    with pytest.raises(SignInNeededError) as caught:
        run(tm.access_token())
    assert caught.value.kind is PlatformErrorKind.AUTH
    assert "refresh-0" not in caught.value.user_message
    run(http.aclose())


def test_no_saved_tokens_asks_for_a_sign_in() -> None:
    tm, http = manager(MemorySecrets(), TokenHost())
    with pytest.raises(SignInNeededError, match="Authorize"):
        run(tm.access_token())
    run(http.aclose())


# ---------------------------------------------------------------- through the adapter
def adapter_with(
    api: Callable[[httpx.Request], Awaitable[httpx.Response]], host: TokenHost, attempts: int = 6
) -> tuple[TikTokShopAdapter, MemorySecrets]:
    store = MemorySecrets()
    store.secrets["secret"] = "app-secret"
    store.secrets["tokens"] = tokens(0).to_secret()

    async def route(request: httpx.Request) -> httpx.Response:
        if request.url.host == "auth.test":
            return await host(request)
        return await api(request)

    adapter = TikTokShopAdapter(
        TikTokConfig(app_key="app-key", api_base="https://api.test", auth_base="https://auth.test"),
        store,
        app_secret_entry="secret",
        token_entry="tokens",
        retrier=Retrier(RetryPolicy(max_attempts=attempts, base_delay_s=0.0), rng=random.Random(1)),
        poll_reconnect=Retrier(RetryPolicy(base_delay_s=0.0), rng=random.Random(2)),
        transport=httpx.MockTransport(route),
        clock=lambda: NOW,
    )
    return adapter, store


PROFILE = {"creator_user_id": "42", "username": "glow.creator", "permissions": []}


def test_a_refused_token_is_refreshed_and_the_call_retried_once_with_the_saved_new_token() -> None:
    host = TokenHost()
    tokens_seen: list[str] = []
    store_holder: list[MemorySecrets] = []

    async def api(request: httpx.Request) -> httpx.Response:
        token = request.headers["x-tts-access-token"]
        tokens_seen.append(token)
        if token == "access-0":
            return envelope(None, code=105002, status=401)
        # the new set was kept before the adapter used it
        assert stored(store_holder[0]).access_token == token
        return envelope(PROFILE)

    adapter, store = adapter_with(api, host)
    store_holder.append(store)
    account = run(adapter.me())
    assert account.handle == "glow.creator"
    assert tokens_seen == ["access-0", "access-1"]
    run(adapter.aclose())


def test_a_token_refused_again_after_the_refresh_is_not_retried_a_third_time() -> None:
    host = TokenHost()
    calls: list[str] = []

    async def api(request: httpx.Request) -> httpx.Response:
        calls.append(request.headers["x-tts-access-token"])
        return envelope(None, code=105001, status=401)

    adapter, _ = adapter_with(api, host)
    with pytest.raises(TokenRejectedError):
        run(adapter.me())
    assert calls == ["access-0", "access-1"]
    run(adapter.aclose())


def test_each_call_is_signed_with_app_key_timestamp_and_sign_and_the_token_in_a_header() -> None:
    seen: list[httpx.Request] = []

    async def api(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return envelope(PROFILE)

    adapter, _ = adapter_with(api, TokenHost())
    run(adapter.me())
    (request,) = seen
    params = request.url.params
    assert set(params) == {"app_key", "timestamp", "sign"}
    assert params["timestamp"] == str(NOW)
    assert request.headers["x-tts-access-token"] == "access-0"
    assert request.content == b""  # a GET sends no body, so none is signed
    assert "access-0" not in str(request.url)
    run(adapter.aclose())


def test_the_app_secret_and_refresh_token_never_reach_the_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store, host = MemorySecrets(), TokenHost()
    store.secrets["tokens"] = tokens(0, expires_at=NOW).to_secret()
    tm, http = manager(store, host)
    with caplog.at_level(logging.DEBUG):
        run(tm.access_token())
    run(http.aclose())
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/api/v2/token/refresh" in logged  # httpx did log the request
    assert "app-secret" not in logged
    assert "refresh-0" not in logged
    assert "refresh-1" not in logged


def test_a_failing_poll_reports_reconnecting_then_live_and_keeps_polling() -> None:
    from seller_console.domain.connection import LinkStatus
    from seller_console.domain.events import SessionUpdated

    calls = {"n": 0}

    async def api(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] <= 2:
            return envelope(None, code=50000, status=503)
        if request.url.path.endswith("/live_rooms"):
            return envelope({"id": "room-1", "status": "LIVE", "title": "t", "start_time": NOW})
        if request.url.path.endswith("/live_rooms/products"):
            return envelope({"pinned_product_id": "", "products": []})
        return envelope({"orders": [], "next_page_token": ""})

    adapter, _ = adapter_with(api, TokenHost(), attempts=1)
    heard: list[tuple[LinkStatus, float | None]] = []

    async def first_event() -> object:
        feed = adapter.events("room-1", on_link=lambda s, w: heard.append((s, w)))
        try:
            return (await anext(feed)).event
        finally:
            await feed.aclose()
            await adapter.aclose()

    event = run(first_event())
    assert event == SessionUpdated("room-1", SessionStatus.LIVE)
    assert [s for s, _ in heard] == [
        LinkStatus.RECONNECTING,
        LinkStatus.RECONNECTING,
        LinkStatus.LIVE,
    ]


def test_an_affiliate_link_is_the_product_page_with_the_tracking_code() -> None:
    from seller_console.platform.tiktok import affiliate_link_for

    assert affiliate_link_for(
        "https://shop.tiktok.com/view/product/1", "GLOW 10", "tracking_code"
    ) == ("https://shop.tiktok.com/view/product/1?tracking_code=GLOW+10")
    assert affiliate_link_for("https://s.test/p?x=1", "C", "t") == "https://s.test/p?x=1&t=C"
