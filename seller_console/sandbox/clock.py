"""The sandbox clock: wall time sped up by a factor, and movable forward by tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

MAX_ADVANCE_S = 366 * 86_400
"""The longest jump ``POST /_sandbox/clock`` makes at once: a year."""
MAX_ELAPSED_S = 100 * 366 * 86_400
"""How far past its start the clock may be moved (a century): ``now()`` stays a date."""


class SandboxClock:
    """Virtual time: ``start + (monotonic elapsed) * time_scale + manual advances``.

    Everything time-based in the sandbox (the audience, refunds, the 24 h idempotency
    window, ``created_at`` stamps) reads this clock, so a test can run an hour of show in
    seconds (``time_scale``) or jump a day ahead (``advance``).
    """

    def __init__(
        self,
        time_scale: float = 1.0,
        start: datetime | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self._scale = time_scale
        self._start = start if start is not None else datetime.now(UTC)
        self._monotonic = monotonic
        self._m0 = monotonic()
        self._advanced = 0.0

    @property
    def time_scale(self) -> float:
        return self._scale

    def elapsed(self) -> float:
        """Virtual seconds since the clock started."""
        return (self._monotonic() - self._m0) * self._scale + self._advanced

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self.elapsed())

    def advance(self, seconds: float) -> None:
        """Jump ``seconds`` of virtual time ahead (never back)."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        self._advanced += seconds


def rfc3339(moment: datetime) -> str:
    """``2025-01-02T03:04:05.678Z``: RFC 3339 UTC with milliseconds."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )
