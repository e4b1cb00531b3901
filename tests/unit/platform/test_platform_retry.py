"""The one retry policy: full jitter under a cap, Retry-After honoured, bounded attempts and
time, and writes retried only when they carry an idempotency key."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import TypeVar

import pytest

from seller_console.platform._retry import Retrier, RetryPolicy, is_retry_safe, parse_retry_after
from seller_console.platform.errors import (
    NotFoundError,
    PlatformConnectionError,
    PlatformTimeoutError,
    ProblemDetails,
    RateLimitedError,
    ServerError,
)
from tests.support import run

T = TypeVar("T")


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def retrier(time: FakeTime, **policy: float) -> Retrier:
    return Retrier(
        RetryPolicy(**policy),  # type: ignore[arg-type]
        sleep=time.sleep,
        clock=time.clock,
        rng=random.Random(1),
    )


def server_error(retry_after: float | None = None) -> ServerError:
    return ServerError("failed", ProblemDetails(status=503), retry_after_s=retry_after)


class Flaky:
    """Raises the given errors in turn, then returns "ok"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def test_full_jitter_stays_under_the_exponential_ceiling_and_the_cap() -> None:
    policy = RetryPolicy(base_delay_s=0.5, max_delay_s=4.0)
    rng = random.Random(3)
    for n in range(12):
        ceiling = min(4.0, 0.5 * 2**n)
        samples = [policy.backoff_s(n, rng) for _ in range(200)]
        assert all(0.0 <= s <= ceiling for s in samples)
        assert max(samples) > ceiling * 0.8  # jitter spreads over the whole range


def test_retry_after_is_a_floor_for_the_wait() -> None:
    policy = RetryPolicy(base_delay_s=0.1, max_delay_s=1.0)
    assert policy.delay_s(0, 3.0, random.Random(0)) == 3.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [("5", 5.0), ("0", 0.0), (" 12 ", 12.0), ("soon", None), (None, None), ("", None)],
)
def test_retry_after_seconds(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_retry_after_http_date_and_past_dates_clamp_to_zero() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Wed, 01 Jan 2025 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Wed, 01 Jan 2025 11:00:00 GMT", now) == 0.0


def test_safe_calls_and_keyed_writes_may_be_retried() -> None:
    assert is_retry_safe("GET", has_idempotency_key=False)
    assert is_retry_safe("PUT", has_idempotency_key=True)
    assert not is_retry_safe("POST", has_idempotency_key=False)


def test_a_server_error_is_retried_until_success() -> None:
    time = FakeTime()
    call = Flaky(server_error(), server_error(retry_after=2.0))
    assert run(retrier(time).run(call, retry_safe=True, label="PUT /pin")) == "ok"
    assert call.calls == 3
    assert time.sleeps[1] >= 2.0


def test_it_gives_up_after_the_attempt_budget_with_the_last_typed_error() -> None:
    time = FakeTime()
    call = Flaky(*[server_error() for _ in range(10)])
    with pytest.raises(ServerError) as caught:
        run(retrier(time, max_attempts=4).run(call, retry_safe=True, label="GET /x"))
    assert call.calls == 4
    assert caught.value.attempts == 4


def test_it_gives_up_when_the_time_budget_would_be_exceeded() -> None:
    time = FakeTime()
    call = Flaky(*[server_error(retry_after=3.0) for _ in range(10)])
    with pytest.raises(ServerError):
        run(retrier(time, max_elapsed_s=7.0).run(call, retry_safe=True, label="GET /x"))
    assert call.calls == 3
    assert time.now <= 7.0


def test_a_retry_after_beyond_the_limit_is_raised_at_once() -> None:
    time = FakeTime()
    limited = RateLimitedError("slow down", ProblemDetails(status=429), retry_after_s=600)
    call = Flaky(limited)
    with pytest.raises(RateLimitedError) as caught:
        run(retrier(time).run(call, retry_safe=True, label="GET /x"))
    assert caught.value.retry_after_s == 600
    assert time.sleeps == []


def test_an_unkeyed_write_is_not_retried_once_it_may_have_arrived() -> None:
    time = FakeTime()
    for error in (
        server_error(),
        PlatformTimeoutError("slow", outcome_unknown=True),
        PlatformConnectionError("broke", request_sent=True),
    ):
        call = Flaky(error)
        with pytest.raises(type(error)):
            run(retrier(time).run(call, retry_safe=False, label="POST /x"))
        assert call.calls == 1


def test_a_connection_never_made_is_retried_even_for_an_unkeyed_write() -> None:
    time = FakeTime()
    call = Flaky(PlatformConnectionError("down", request_sent=False))
    assert run(retrier(time).run(call, retry_safe=False, label="POST /x")) == "ok"


def test_client_errors_are_not_retried() -> None:
    time = FakeTime()
    call = Flaky(NotFoundError("gone", ProblemDetails(status=404)))
    with pytest.raises(NotFoundError):
        run(retrier(time).run(call, retry_safe=True, label="GET /x"))
    assert call.calls == 1
