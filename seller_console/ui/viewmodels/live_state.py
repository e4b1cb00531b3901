"""What the live view-model hands to the live widgets: plain frozen values, no Qt.

The widgets render these and nothing else; the view-model builds them from the stage
(domain/stage.py), the ledger snapshot (domain/ledger.py) and the pin receipts.
"""

from __future__ import annotations

from dataclasses import dataclass

from seller_console.domain.money import Money
from seller_console.domain.rundown import RundownItem
from seller_console.domain.show_records import PinReceipt
from seller_console.domain.stage import ShowClock


@dataclass(frozen=True, slots=True)
class CardView:
    """A product card on the stage (the live one, or the armed one)."""

    item: RundownItem
    number: int  # 1-based position in the rundown
    units: int  # sold during this pin (0 on the armed card)
    gmv: Money | None  # sold during this pin (None on the armed card, or before any sale)
    commission: Money | None  # estimated commission during this pin
    stock_left: int | None  # None: not tracked
    on_air_seconds: float | None  # None on the armed card
    receipt: PinReceipt | None  # the pin's receipt (live card only)


@dataclass(frozen=True, slots=True)
class StageView:
    live: CardView | None
    armed: CardView | None
    clock: ShowClock
    undo_seconds_left: float  # 0 when the last take can no longer be undone
    show_status: str  # "not started", "live", "ended"
    auto_advance: bool  # take the next item automatically when the live one sells out


@dataclass(frozen=True, slots=True)
class StockWarning:
    product_id: str
    title: str
    left: int  # 0 = sold out
