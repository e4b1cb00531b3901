"""The one retry policy: which failures are retried, how long to wait, when to give up.

- Only calls that are safe to repeat are retried after the request may have reached the
  platform: reads, and writes that carry an ``Idempotency-Key`` (the platform returns the
  first result for a key it has seen). A connection that was never made is always retried.
- The wait is exponential backoff with full jitter, ``uniform(0, min(cap, base * 2**n))``,
  and never shorter than the platform's ``Retry-After``.
- Attempts and total time are both bounded; the last typed error is raised then, carrying
  the number of attempts made.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

from seller_console.domain.platform_errors import PlatformError
from seller_console.platform.errors import (
    ConflictError,
    PlatformConnectionError,
    PlatformTimeoutError,
    RateLimitedError,
    ServerError,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
IDEMPOTENCY_HEADER = "Idempotency-Key"
_RETRYABLE_CONFLICT_CODES = frozenset({"idempotency_key_in_use"})


def is_retry_safe(method: str, has_idempotency_key: bool) -> bool:
    """Whether repeating the call cannot make the platform act twice."""
    return method.upper() in SAFE_METHODS or has_idempotency_key


MAX_RETRY_AFTER_S = 86_400.0
"""The longest ``Retry-After`` believed: a longer one is read as this (a day)."""
_MAX_RETRY_AFTER_CHARS = 64  # an HTTP-date is 29 characters


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` in seconds (RFC 9110 §10.2.3), read strictly: ASCII delay-seconds, or
    an HTTP-date (a date in the past is 0). Either is clamped to ``MAX_RETRY_AFTER_S``.
    Anything else (``1e400``, ``-5``, ``²``, ``1.5``) is None: the policy's own backoff
    applies."""
    if value is None:
        return None
    text = value.strip()
    if not text or len(text) > _MAX_RETRY_AFTER_CHARS:
        return None
    if text.isascii() and text.isdigit():
        if len(text) > 9:
            return MAX_RETRY_AFTER_S
        return min(float(int(text)), MAX_RETRY_AFTER_S)
    try:
        when = parsedate_to_datetime(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER_S)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 6
    """Attempts in all, the first included."""
    max_elapsed_s: float = 30.0
    """No retry starts later than this after the first attempt."""
    base_delay_s: float = 0.2
    max_delay_s: float = 8.0
    max_retry_after_s: float = 60.0
    """A ``Retry-After`` longer than this is not waited for: the error is raised at once."""

    def backoff_s(self, retry_number: int, rng: random.Random) -> float:
        """Full jitter: uniform in ``[0, min(cap, base * 2**retry_number)]``."""
        ceiling = min(self.max_delay_s, self.base_delay_s * (2.0 ** min(retry_number, 30)))
        return rng.uniform(0.0, ceiling)

    def delay_s(self, retry_number: int, retry_after_s: float | None, rng: random.Random) -> float:
        delay = self.backoff_s(retry_number, rng)
        if retry_after_s is not None:
            delay = max(delay, retry_after_s)
        return delay


def retry_verdict(error: PlatformError, retry_safe: bool) -> tuple[bool, float | None]:
    """Whether ``error`` may be retried, and the platform's requested wait if it gave one."""
    if isinstance(error, RateLimitedError):
        return True, error.retry_after_s  # a 429 means the platform did not act
    if isinstance(error, PlatformConnectionError):
        return (retry_safe or not error.request_sent), None
    if isinstance(error, PlatformTimeoutError):
        return (retry_safe or not error.outcome_unknown), None
    if isinstance(error, ServerError):
        return retry_safe, error.retry_after_s
    if isinstance(error, ConflictError) and error.code in _RETRYABLE_CONFLICT_CODES:
        return True, None  # the same key is still being processed
    return False, None


class Retrier:
    """Runs one call under a ``RetryPolicy``. Clock, sleep and randomness are injectable."""

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()

    async def pause(
        self,
        retry_number: int,
        retry_after_s: float | None = None,
        announce: Callable[[float], None] | None = None,
    ) -> None:
        """Wait before retry ``retry_number`` (0 for the first retry) under the policy;
        ``announce`` hears how long the wait will be before it starts. A caller that never
        gives up (the event stream) waits at most ``max_retry_after_s`` for a ``Retry-After``
        and then asks again."""
        if retry_after_s is not None:
            retry_after_s = min(retry_after_s, self.policy.max_retry_after_s)
        delay = self.policy.delay_s(retry_number, retry_after_s, self._rng)
        if announce is not None:
            announce(delay)
        await self._sleep(delay)

    async def run(self, attempt: Callable[[], Awaitable[T]], *, retry_safe: bool, label: str) -> T:
        """Call ``attempt`` until it returns, or raise its last typed error once retrying is
        not allowed or the attempt/time budget is spent. ``label`` names the call in logs."""
        policy = self.policy
        started = self._clock()
        attempts = 0
        while True:
            attempts += 1
            try:
                return await attempt()
            except PlatformError as error:
                error.attempts = attempts
                retryable, retry_after = retry_verdict(error, retry_safe)
                if not retryable or attempts >= policy.max_attempts:
                    raise
                if retry_after is not None and retry_after > policy.max_retry_after_s:
                    raise
                delay = policy.delay_s(attempts - 1, retry_after, self._rng)
                if self._clock() - started + delay > policy.max_elapsed_s:
                    raise
                logger.info(
                    "%s failed (%s, attempt %d of %d); retrying in %.2f s",
                    label,
                    type(error).__name__,
                    attempts,
                    policy.max_attempts,
                    delay,
                )
                await self._sleep(delay)
