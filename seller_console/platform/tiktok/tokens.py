"""TikTok Shop tokens: get, refresh before expiry, keep the newest refresh token safe.

The token host (``https://auth.tiktok-shops.com``) answers ``GET /api/v2/token/get`` and
``GET /api/v2/token/refresh`` with query ``app_key``, ``app_secret`` and ``auth_code`` or
``refresh_token``, and ``grant_type`` (``authorized_code`` to get; ``refresh_token`` to
refresh, as TikTok's docs and EcomPHP say; the Node SDK's ``authorized_code`` there is not
followed). The answer is the usual envelope; ``data`` holds ``access_token``,
``access_token_expire_in`` and ``refresh_token_expire_in`` (Unix times, not durations) and
``refresh_token``.

Rules kept here:
- A refresh token is treated as single-use. The token set a refresh returns is saved to
  the ``SecretStore`` (one entry, one write: the new set replaces the old in a single
  step) before it is used or anything else happens, so a crash never leaves only a spent
  refresh token behind.
- The access token is refreshed ``refresh_margin_s`` before it expires, and at once when
  TikTok refuses it.
- Refreshes are single-flight: concurrent callers wait for the one refresh in flight and
  share its result.
- A refresh is never retried once it may have reached TikTok (it spends the refresh token).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from seller_console.domain.platform_port import SecretPlace, SecretStore
from seller_console.platform._http import translate_transport_error
from seller_console.platform._retry import Retrier
from seller_console.platform.errors import AuthError, PlatformProtocolError, ProblemDetails
from seller_console.platform.tiktok.errors import envelope_data
from seller_console.platform.tiktok.wire import integer, obj, text

logger = logging.getLogger(__name__)

_SECRET_QUERY = re.compile(r"((?:app_secret|refresh_token|auth_code)=)[^&\s\"']*")


class _RedactTokenQueries(logging.Filter):
    """httpx logs each request's URL at INFO; the token host's query carries the app secret
    and the refresh token (TikTok's documented form), so those values are blanked."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(
                _SECRET_QUERY.sub(r"\1<redacted>", str(a)) if "=" in str(a) else a for a in args
            )
        return True


_REDACT = _RedactTokenQueries()
if _REDACT not in logging.getLogger("httpx").filters:
    logging.getLogger("httpx").addFilter(_REDACT)

GET_PATH = "/api/v2/token/get"
REFRESH_PATH = "/api/v2/token/refresh"


class SignInNeededError(AuthError):
    """No usable TikTok tokens: the creator must authorize the app (again)."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message, ProblemDetails(status=401, title=user_message))


@dataclass(frozen=True, slots=True)
class TokenSet:
    """One authorization's tokens; the ``*_expires_at`` are Unix times in seconds."""

    access_token: str
    access_expires_at: int
    refresh_token: str
    refresh_expires_at: int
    open_id: str = ""

    def __repr__(self) -> str:
        return f"TokenSet(<redacted>, access_expires_at={self.access_expires_at})"

    def to_secret(self) -> str:
        return json.dumps(
            {
                "access_token": self.access_token,
                "access_token_expire_in": self.access_expires_at,
                "refresh_token": self.refresh_token,
                "refresh_token_expire_in": self.refresh_expires_at,
                "open_id": self.open_id,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_data(cls, value: Any) -> TokenSet:
        """From the token host's ``data`` (also the form kept in the keychain)."""
        where = "token answer"
        doc = obj(value, where)
        return cls(
            access_token=text(doc, "access_token", where),
            access_expires_at=integer(doc, "access_token_expire_in", where),
            refresh_token=text(doc, "refresh_token", where),
            refresh_expires_at=integer(doc, "refresh_token_expire_in", where, default=0),
            open_id=str(doc.get("open_id") or ""),
        )


class TokenManager:
    """The creator's tokens for one adapter: loaded from, and saved to, one keychain entry."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        auth_base: httpx.URL,
        app_key: str,
        app_secret: Callable[[], Awaitable[str]],
        store: SecretStore,
        entry: str,
        *,
        refresh_margin_s: float,
        retrier: Retrier,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._http = http
        self._auth_base = auth_base
        self._app_key = app_key
        self._app_secret = app_secret
        self._store = store
        self._entry = entry
        self._margin = refresh_margin_s
        self._retrier = retrier
        self._clock = clock
        self._tokens: TokenSet | None = None
        self._lock = asyncio.Lock()
        self.refreshes = 0

    async def current(self) -> TokenSet:
        if self._tokens is None:
            saved = await self._store.load(self._entry)
            if not saved:
                raise SignInNeededError(
                    "No TikTok Shop sign-in is saved. Authorize the app for your creator "
                    "account first."
                )
            try:
                self._tokens = TokenSet.from_data(json.loads(saved))
            except (ValueError, PlatformProtocolError) as exc:
                raise SignInNeededError(
                    "The saved TikTok Shop sign-in is unreadable. Authorize the app again."
                ) from exc
        return self._tokens

    @property
    def entry(self) -> str:
        """The keychain entry the token set is kept in."""
        return self._entry

    def _expiring(self, tokens: TokenSet) -> bool:
        return self._clock() >= tokens.access_expires_at - self._margin

    async def access_token(self) -> str:
        """A usable access token, refreshed first when it is about to expire."""
        tokens = await self.current()
        if self._expiring(tokens):
            return await self.refresh(stale=tokens.access_token)
        return tokens.access_token

    async def refresh(self, *, stale: str) -> str:
        """A new access token in place of ``stale``. When another caller already replaced
        ``stale`` (and the new one is not expiring), that one is returned: one refresh for
        any number of concurrent callers."""
        async with self._lock:
            tokens = await self.current()
            if tokens.access_token != stale and not self._expiring(tokens):
                return tokens.access_token
            fresh = await self._ask(
                REFRESH_PATH,
                {"refresh_token": tokens.refresh_token, "grant_type": "refresh_token"},
                what="refreshing the TikTok sign-in",
            )
            await self._keep(fresh)
            self.refreshes += 1
            return fresh.access_token

    async def exchange_code(self, auth_code: str) -> TokenSet:
        """Trade the authorization code from the creator authorization link for tokens,
        and save them."""
        async with self._lock:
            fresh = await self._ask(
                GET_PATH,
                {"auth_code": auth_code, "grant_type": "authorized_code"},
                what="signing in to TikTok Shop",
            )
            await self._keep(fresh)
            return fresh

    async def _keep(self, fresh: TokenSet) -> None:
        saved = await self._store.save(self._entry, fresh.to_secret())
        if saved.place is SecretPlace.THIS_RUN_ONLY:
            logger.info("TikTok tokens kept for this run only: %s", saved.notice)
        self._tokens = fresh

    async def _ask(self, path: str, params: dict[str, str], *, what: str) -> TokenSet:
        secret = await self._app_secret()
        query = {"app_key": self._app_key, "app_secret": secret, **params}
        url = self._auth_base.copy_with(
            raw_path=self._auth_base.raw_path.rstrip(b"/") + path.encode()
        )

        async def attempt() -> TokenSet:
            try:
                response = await self._http.get(url, params=query)
            except httpx.TransportError as exc:
                raise translate_transport_error(exc, what) from exc
            try:
                data = envelope_data(response, what)
            except AuthError as exc:
                raise SignInNeededError(
                    "TikTok Shop no longer accepts this sign-in. Authorize the app again."
                ) from exc
            return TokenSet.from_data(data)

        return await self._retrier.run(attempt, retry_safe=False, label=f"GET {path}")
