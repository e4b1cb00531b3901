"""Shopee's access and refresh tokens: kept in the keychain, refreshed before they expire.

Per the doc of ``v2.public.refresh_access_token``: an access token lasts 4 hours; a refresh
token lasts 30 days and works once (each refresh returns a new one); the ids "must be
refreshed separately", each refresh naming one id and answering that id's new set. So there
is one ``TokenManager`` per authorizing id: the user's (livestream calls) and the shop's
(product calls), each with its own keychain entry. When one authorization covers both,
``get_access_token`` answers one set, kept in both entries: its refresh token is "valid for
each shop_id ... respectively" (once per id), so the two entries part ways at their first
refresh and never share a refresh token again.

The keychain entry holds the whole set, ``{"access_token", "refresh_token", "expires_at"}``
as JSON, in one secret: a refresh writes the new set with one ``SecretStore.save`` (which
replaces the entry in one step) before the manager lets go of the old set, and the entry is
never deleted. A crash before the save leaves the old set (the refresh is then repeated); a
crash after it leaves the new one, so the account is never stranded. A lock makes
concurrent callers share one refresh.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from seller_console.domain.platform_port import SecretPlace, SecretStore
from seller_console.platform.errors import AuthError, ProblemDetails
from seller_console.platform.shopee.errors import SIGN_IN_AGAIN

logger = logging.getLogger(__name__)

REFRESH_MARGIN_S = 300.0
"""Refresh this long before the access token expires (a quarter of a shorter lifetime)."""
ABSOLUTE_EXPIRY_FLOOR = 10**9
"""``expire_in`` is documented as seconds of validity; one sample shows a Unix time instead.
A value this large can only be a point in time, and is read as one."""


@dataclass(frozen=True, slots=True)
class TokenSet:
    """One authorizing id's tokens. ``issued_at`` and ``expires_at`` are Unix times of the
    access token; both None when unknown (a set pasted by hand), and then only Shopee's
    ``invalid_acceess_token`` answer tells that it expired."""

    access_token: str
    refresh_token: str
    expires_at: float | None = None
    issued_at: float | None = None

    def __repr__(self) -> str:
        return f"TokenSet(<redacted>, expires_at={self.expires_at})"

    def refresh_due_at(self, margin_s: float) -> float | None:
        """When to refresh: ``margin_s`` before expiry, or a quarter of the token's
        lifetime before it when that is shorter."""
        if self.expires_at is None:
            return None
        margin = margin_s
        if self.issued_at is not None:
            margin = min(margin, (self.expires_at - self.issued_at) / 4)
        return self.expires_at - margin

    def to_secret(self) -> str:
        return json.dumps(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_at": self.expires_at,
                "issued_at": self.issued_at,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_secret(cls, text: str, entry: str) -> TokenSet:
        try:
            doc = json.loads(text)
            expires_at, issued_at = doc.get("expires_at"), doc.get("issued_at")
            return cls(
                access_token=str(doc["access_token"]),
                refresh_token=str(doc["refresh_token"]),
                expires_at=None if expires_at is None else float(expires_at),
                issued_at=None if issued_at is None else float(issued_at),
            )
        except (ValueError, KeyError, TypeError) as exc:
            logger.info("the Shopee tokens in %s cannot be read", entry)
            raise _sign_in_again("The saved Shopee sign-in cannot be read.") from exc

    @classmethod
    def granted(
        cls, access_token: str, refresh_token: str, expire_in: int, *, now: float
    ) -> TokenSet:
        """The set an auth answer grants, ``expire_in`` read as the doc says (seconds)."""
        expires_at = float(expire_in) if expire_in >= ABSOLUTE_EXPIRY_FLOOR else now + expire_in
        return cls(access_token, refresh_token, expires_at, now)


def _sign_in_again(reason: str) -> AuthError:
    return AuthError(
        f"{reason} {SIGN_IN_AGAIN}", ProblemDetails(status=401, code="sign_in_required")
    )


Refresher = Callable[[str], Awaitable[TokenSet]]
"""Exchanges a refresh token for a new set (one ``refresh_access_token`` call)."""


async def save_tokens(store: SecretStore, entry: str, tokens: TokenSet) -> SecretPlace:
    """Keep ``tokens`` under ``entry`` (for the sign-in flow and the self-test)."""
    saved = await store.save(entry, tokens.to_secret())
    if saved.place is SecretPlace.THIS_RUN_ONLY:
        logger.info("Shopee tokens for %s kept for this run only: %s", entry, saved.notice)
    return saved.place


class TokenManager:
    """The access token of one authorizing id, refreshed before it expires or when Shopee
    refuses it, with the new set saved before it is used."""

    def __init__(
        self,
        store: SecretStore,
        entry: str,
        refresher: Refresher,
        *,
        clock: Callable[[], float] = time.time,
        margin_s: float = REFRESH_MARGIN_S,
    ) -> None:
        self._store = store
        self.entry = entry
        self._refresher = refresher
        self._clock = clock
        self._margin_s = margin_s
        self._tokens: TokenSet | None = None
        self._lock = asyncio.Lock()
        self.refreshes = 0

    async def _current(self) -> TokenSet:
        if self._tokens is None:
            text = await self._store.load(self.entry)
            if text is None:
                logger.info("no Shopee tokens in %s", self.entry)
                raise AuthError(  # no keychain entry's name in what the user reads
                    "Not signed in to Shopee yet: sign in first (Show > Platform, Sign in "
                    "with the browser).",
                    ProblemDetails(status=401, code="sign_in_required"),
                )
            self._tokens = TokenSet.from_secret(text, self.entry)
        return self._tokens

    def _due(self, tokens: TokenSet) -> bool:
        due_at = tokens.refresh_due_at(self._margin_s)
        return due_at is not None and self._clock() >= due_at

    async def access_token(self) -> str:
        """A usable access token, refreshed first when it expires within the margin."""
        async with self._lock:
            tokens = await self._current()
            if self._due(tokens):
                tokens = await self._refresh_locked(tokens)
            return tokens.access_token

    async def refresh(self, rejected_access_token: str) -> str:
        """Shopee refused ``rejected_access_token``: refresh, unless another call already
        did since that token was handed out, and return the token to use now."""
        async with self._lock:
            tokens = await self._current()
            if tokens.access_token != rejected_access_token:
                return tokens.access_token
            return (await self._refresh_locked(tokens)).access_token

    async def _refresh_locked(self, old: TokenSet) -> TokenSet:
        new = await self._refresher(old.refresh_token)
        # The old refresh token is spent now: the new set must reach the keychain before
        # anything else happens, and before the old set is let go of.
        await save_tokens(self._store, self.entry, new)
        self._tokens = new
        self.refreshes += 1
        logger.info("Shopee tokens for %s refreshed", self.entry)
        return new
