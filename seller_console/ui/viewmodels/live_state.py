"""What the live view-model hands to the stage widget: plain frozen values, no Qt.

The cards and stock warnings are the live session's (``services.live_session``); the
view-model adds the clock and the undo countdown at the moment it renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from seller_console.domain.stage import ShowClock
from seller_console.services.live_session import CardView, FlashSale, StockWarning

__all__ = ["CardView", "FlashSale", "StageView", "StockWarning"]


@dataclass(frozen=True, slots=True)
class StageView:
    live: CardView | None
    armed: CardView | None
    clock: ShowClock
    undo_seconds_left: float  # 0 when the last take can no longer be undone
    show_status: str  # a ShowPhase value
    auto_advance: bool  # take the next item automatically when the live one sells out
    now: datetime  # the moment this view was made (on-air seconds are counted to it)
    live_refused: str | None = None
    """The platform's reason when it refused the live product at Go live (so a pin of it
    fails: it is not in the show's bag); None when it was published."""
    flash: FlashSale | None = None
    """The live item's flash sale: running while ``now`` is before its ``ends_at``, over
    (kept until the item leaves the air) after it; None when the live item has none."""
    operator_cued: bool = False
    """The live item's pin waits for the operator: the cue to pin it in the platform's
    app is up (no pin call is on its way)."""
