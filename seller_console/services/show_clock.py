"""One clock for the stage and the report: a show's time on air runs from its start on the
platform (Go live) to its end, never from the first take.

The stage's "Show elapsed", its over/under and its projected end, and the report's
"actual" all come from here, so the clock a producer watched and the report agree.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from seller_console.domain.show_records import ShowRecord
from seller_console.domain.stage import ShowClock, Stage


def on_air_seconds(show: ShowRecord, now: datetime | None = None) -> float | None:
    """Seconds from the show's start to its end; while it runs, to ``now`` (None: not
    known, as in a report of a show still live). None before it started."""
    if show.started_at is None:
        return None
    end = show.ended_at or now
    if end is None:
        return None
    return max(0.0, (end - show.started_at).total_seconds())


def show_clock(stage: Stage, show: ShowRecord | None, now: datetime) -> ShowClock:
    """The stage's clock measured on the show's own time: elapsed since Go live (frozen
    at the show's end), the plan's over/under and projected end moved with it."""
    elapsed = None if show is None else on_air_seconds(show, now)
    end = show.ended_at if show is not None and show.ended_at is not None else now
    clock = stage.clock(end)
    if elapsed is None:
        return clock
    shift = elapsed - clock.elapsed
    return replace(
        clock,
        elapsed=elapsed,
        over_under=clock.over_under + shift,
        projected_end=clock.projected_end + shift,
    )
