"""What viewers and the host see, from the live session's state: one mapping, one feed.

``on_air_of`` turns a ``LiveState`` into the ``OnAirState`` the overlay page, OBS control
and the host view render: the product on air with what sold in this pin and its stock,
and next up (the armed item: what Space takes next); during the live item's flash sale,
its flash price and the sale's end. ``OnAirFeed`` is a live-session
subscriber that hands an output a new on-air state only when what it shows changed (not
on every ledger tick), with a version that only grows.
"""

from __future__ import annotations

from dataclasses import replace

from seller_console.domain.on_air import OnAirState, OnAirSubscriber, on_air_state
from seller_console.services.live_session import LiveEvent, LiveState, ShowPhase


def on_air_of(state: LiveState) -> OnAirState | None:
    """The on-air state of a show on air (None before a show, or once it ended)."""
    stage, show, at = state.stage, state.show, state.at
    if stage is None or show is None or at is None or state.phase is not ShowPhase.LIVE:
        return None
    live, flash = state.live, state.flash
    flash_ends_at = None
    if live is not None and flash is not None and flash.item_id == live.item.id:
        flash_ends_at = flash.ends_at
    return on_air_state(
        show_id=show.id,
        version=state.version,
        live=None if live is None else live.item,
        next_up=None if state.armed is None else state.armed.item,
        platform=show.owner.platform,
        now=at,
        taken_at=None if live is None else live.taken_at,
        stock_left=None if live is None else live.stock_left,
        units_sold=0 if live is None else live.units,
        units_shop_wide=live is not None and live.shop_wide,
        flash_ends_at=flash_ends_at,
        comments=[f"{c.author}: {c.text}" for c in state.comments],
    )


class OnAirFeed:
    """A live-session subscriber for one output (``output.on_state`` must return at once)."""

    def __init__(self, output: OnAirSubscriber) -> None:
        self._output = output
        self._last: OnAirState | None = None

    @property
    def last(self) -> OnAirState | None:
        """What was sent last: for an output opened in the middle of a show."""
        return self._last

    def __call__(self, state: LiveState, events: tuple[LiveEvent, ...]) -> None:
        on_air = on_air_of(state)
        if on_air is None:
            return
        last = self._last
        shown = (on_air.live, on_air.next_up, on_air.comments)
        if last is not None and shown == (last.live, last.next_up, last.comments):
            return
        if last is not None and on_air.version <= last.version:
            on_air = replace(on_air, version=last.version + 1)
        self._last = on_air
        self._output.on_state(on_air)
