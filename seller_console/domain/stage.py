"""The live stage: arm, then take (like a vision mixer's preview and program).

The rundown's items are the segments. One item is *armed* (what Space will take) and at
most one is *live* (pinned). Rules kept here, not in widgets:

- taking the armed item when it is not the next segment in rundown order needs the
  user's confirmation (``TakeCheck.needs_confirmation``);
- a take can be undone for ``UNDO_SECONDS`` after it was made: the previous live item
  (or nothing) goes back on air;
- after a take, the next item in rundown order is armed;
- the show clock compares elapsed time with the plan: over/under at the live segment and
  the projected end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from seller_console.domain.errors import DomainError
from seller_console.domain.rundown import RundownItem

UNDO_SECONDS = 5.0


class StageError(DomainError):
    """A stage action that cannot be done now (nothing armed, undo window over ...). Its
    text is a whole sentence: the session shows it as it is, in the status bar."""


@dataclass(frozen=True, slots=True)
class Take:
    """One item going live: when, and what was live before (for undo)."""

    item_id: str
    at: datetime
    previous_item_id: str | None


@dataclass(frozen=True, slots=True)
class TakeCheck:
    item_id: str
    needs_confirmation: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ShowClock:
    """Elapsed show time against the plan, in seconds (over is positive)."""

    elapsed: float
    segment_elapsed: float
    segment_planned: float
    over_under: float  # whole show: where we are vs where the plan says we should be
    projected_end: float  # seconds from the start if the rest runs to plan


@dataclass(frozen=True, slots=True)
class Stage:
    """An immutable stage state; every action returns the next state."""

    items: tuple[RundownItem, ...]
    armed_id: str | None = None
    live_id: str | None = None
    started_at: datetime | None = None
    takes: tuple[Take, ...] = ()

    @classmethod
    def of(cls, items: Sequence[RundownItem]) -> Stage:
        items = tuple(items)
        return cls(items, armed_id=items[0].id if items else None)

    # ------------------------------------------------------------ lookups
    def index(self, item_id: str | None) -> int | None:
        if item_id is None:
            return None
        for i, item in enumerate(self.items):
            if item.id == item_id:
                return i
        return None

    def item(self, item_id: str | None) -> RundownItem | None:
        index = self.index(item_id)
        return None if index is None else self.items[index]

    @property
    def armed(self) -> RundownItem | None:
        return self.item(self.armed_id)

    @property
    def live(self) -> RundownItem | None:
        return self.item(self.live_id)

    def next_in_order(self) -> RundownItem | None:
        """The segment after the live one (the first one before anything went live)."""
        live = self.index(self.live_id)
        at = 0 if live is None else live + 1
        return self.items[at] if at < len(self.items) else None

    # ------------------------------------------------------------ actions
    def arm(self, item_id: str) -> Stage:
        if self.index(item_id) is None:
            raise StageError("That item is not in the rundown.")
        return replace(self, armed_id=item_id)

    def arm_index(self, index: int) -> Stage:
        """F1..F9 and the arrow keys: arm by position (clamped to the rundown)."""
        if not self.items:
            raise StageError("The rundown is empty.")
        return replace(self, armed_id=self.items[max(0, min(index, len(self.items) - 1))].id)

    def arm_step(self, step: int) -> Stage:
        current = self.index(self.armed_id)
        if current is None:
            current = self.index(self.live_id)
        base = -1 if current is None else current
        return self.arm_index(base + step)

    def check_take(self) -> TakeCheck:
        armed = self.armed
        if armed is None:
            raise StageError("Nothing is armed.")
        if armed.id == self.live_id:
            raise StageError(f"{armed.product.display_title} is already live.")
        expected = self.next_in_order()
        if expected is not None and expected.id != armed.id:
            n = (self.index(armed.id) or 0) + 1
            m = (self.index(expected.id) or 0) + 1
            return TakeCheck(
                armed.id,
                True,
                f"#{n} {armed.product.display_title} is out of rundown order: "
                f"the next segment is #{m} {expected.product.display_title}",
            )
        return TakeCheck(armed.id, False)

    def take(self, at: datetime) -> Stage:
        """Put the armed item live; the next one in order is armed."""
        check = self.check_take()
        take = Take(check.item_id, at, self.live_id)
        taken = replace(
            self, live_id=check.item_id, takes=(*self.takes, take), started_at=self.started_at or at
        )
        following = taken.next_in_order()
        return replace(taken, armed_id=following.id if following else None)

    def can_undo(self, now: datetime) -> bool:
        last = self.takes[-1] if self.takes else None
        return last is not None and now - last.at <= timedelta(seconds=UNDO_SECONDS)

    def undo_take(self, now: datetime) -> Stage:
        """Put back what was live before the last take; the undone item is armed again."""
        if not self.can_undo(now):
            raise StageError(f"A take can only be undone within {UNDO_SECONDS:.0f} seconds.")
        last = self.takes[-1]
        return replace(
            self,
            live_id=last.previous_item_id,
            armed_id=last.item_id,
            takes=self.takes[:-1],
            started_at=self.started_at if len(self.takes) > 1 else None,
        )

    def with_items(self, items: Sequence[RundownItem]) -> Stage:
        """The rundown changed mid-show: keep armed and live where they still exist."""
        staged = replace(self, items=tuple(items))
        armed = staged.armed_id if staged.index(staged.armed_id) is not None else None
        if armed is None:
            following = staged.next_in_order()
            armed = following.id if following else None
        return replace(staged, armed_id=armed)

    # ------------------------------------------------------------ clock
    def clock(self, now: datetime) -> ShowClock:
        """The show against its plan at ``now``. Ended (nothing live after takes: the show
        ended) it is the whole show against the whole plan, as the report says."""
        if self.started_at is None or not self.takes:
            planned = sum(i.planned_seconds for i in self.items)
            return ShowClock(0.0, 0.0, 0.0, 0.0, float(planned))
        elapsed = (now - self.started_at).total_seconds()
        if self.live_id is None:  # taken off air at the show's end: the plan is over
            planned = sum(i.planned_seconds for i in self.items)
            return ShowClock(elapsed, 0.0, 0.0, elapsed - planned, elapsed)
        segment_elapsed = (now - self.takes[-1].at).total_seconds()
        live = self.index(self.live_id)
        planned_before = sum(i.planned_seconds for i in self.items[: live or 0])
        segment_planned = float(self.items[live].planned_seconds) if live is not None else 0.0
        planned_after = sum(i.planned_seconds for i in self.items[(live or 0) + 1 :])
        remaining_here = max(0.0, segment_planned - segment_elapsed)
        planned_now = planned_before + min(segment_elapsed, segment_planned)
        return ShowClock(
            elapsed=elapsed,
            segment_elapsed=segment_elapsed,
            segment_planned=segment_planned,
            over_under=elapsed - planned_now,
            projected_end=elapsed + remaining_here + planned_after,
        )
