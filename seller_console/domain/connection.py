"""What the operator sees of the link to the platform: live, reconnecting, or offline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class LinkStatus(StrEnum):
    CONNECTING = "connecting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class ConnectionState:
    """One moment of the event stream's health.

    ``retry_at`` is when the next reconnect is tried (RECONNECTING); ``since`` is when the
    link was lost (RECONNECTING, OFFLINE); ``last_event_at`` is the newest event received;
    ``events_per_second`` is measured over the last few seconds.
    """

    status: LinkStatus
    since: datetime | None = None
    retry_at: datetime | None = None
    last_event_at: datetime | None = None
    events_per_second: float = 0.0
    detail: str = ""

    def describe(self, now: datetime) -> str:
        """``live``, ``reconnecting in 3 s``, ``offline since 21:04:09`` (local time)."""
        if self.status is LinkStatus.LIVE:
            return "live"
        if self.status is LinkStatus.CONNECTING:
            return "connecting"
        if self.status is LinkStatus.RECONNECTING and self.retry_at is not None:
            seconds = max(0, round((self.retry_at - now).total_seconds()))
            return f"reconnecting in {seconds} s"
        if self.since is not None:
            return f"offline since {self.since.astimezone().strftime('%H:%M:%S')}"
        return "offline"

    def event_age(self, now: datetime) -> float | None:
        """Seconds since the newest event, or None before the first one."""
        if self.last_event_at is None:
            return None
        return max(0.0, (now - self.last_event_at).total_seconds())
