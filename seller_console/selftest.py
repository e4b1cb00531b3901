"""``seller-console --self-test``: a whole show, headless, checked against the platform.

Starts the window on the embedded sandbox with the demo catalog and rundown, goes live,
takes pins through the same actions the keys trigger (Space, arrow keys), lets the
simulated audience buy, stops it, waits for the ledger to catch up, and checks that the
totals the window shows equal the sandbox's own orders list to the cent. Then it ends the
show, builds the report, and shuts down like a user closing the window. One summary line
starts ``self-test: ok``; any failure prints what failed and exits non-zero. Bounded.

With ``--overlay`` it prints the product overlay's address and follows the page's event
stream with an HTTP/SSE client of its own over loopback (``OverlayWatcher``): every take
must reach it within ``OVERLAY_WITHIN_S``. With ``--obs`` the live engine drives that OBS
(its sources are created in the scene if missing) and, after each take, a connection of
the self-test's own (``ObsProbe``) reads back the card's settings and visibility; the line
ends ``obs=N``, the takes OBS was seen to show.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, Qt

from seller_console.broadcast.obs_probe import ObsProbe, ObsProbeError
from seller_console.broadcast_check import (
    NO_BROADCAST,
    OBS_SOURCES,
    OverlayWatcher,
    obs_showed,
    overlay_showed,
)
from seller_console.broadcast_check import (  # app.py takes these from here
    Broadcast as Broadcast,
)
from seller_console.broadcast_check import (
    SelfTestError as SelfTestError,
)
from seller_console.domain.money import Money
from seller_console.domain.orders import Order, OrderStatus
from seller_console.domain.show_records import PinOutcome
from seller_console.services.reports import ShowReport
from seller_console.settings import ObsSettings
from seller_console.ui.actions import ActionId
from seller_console.ui.models.live_tables import TCol
from seller_console.ui.numbers import amount_text, count_text
from seller_console.ui.viewmodels.live_vm import LiveViewModel

if TYPE_CHECKING:  # app.py imports this module to run it
    from seller_console.app import Console

SELF_TEST_SECONDS = 60.0
PINS = 3
SECONDS_PER_PIN = 2.0
SELF_TEST_RATE = 25.0  # orders per second while pinned: enough for refunds to show up


@dataclass(frozen=True, slots=True)
class Expected:
    orders: int
    gross: Money
    refunds: Money


def expected_totals(orders: tuple[Order, ...], currency: str) -> Expected:
    """The platform's own figures: every order's total, refunds for refunded/cancelled."""
    gross = sum((o.total.amount for o in orders), Decimal(0))
    refunds = sum((o.total.amount for o in orders if o.status is not OrderStatus.PAID), Decimal(0))
    return Expected(len(orders), Money.of(gross, currency), Money.of(refunds, currency))


async def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SelfTestError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def summary(report: ShowReport, pins: int, orders: int, seconds: float) -> str:
    return (
        f"self-test: ok pins={pins} orders={orders} report_rows={len(report.by_product)} "
        f"seconds={seconds:.1f}"
    )


async def run_self_test(
    console: Console,
    budget_s: float = SELF_TEST_SECONDS,
    screenshot: Path | None = None,
    broadcast: Broadcast = NO_BROADCAST,
    say: Callable[[str], None] = lambda line: None,
) -> str:
    """Drive one show through the window; the summary line, or ``SelfTestError``.

    With ``screenshot``, the window is rendered to that PNG mid-show, before the end."""
    async with contextlib.AsyncExitStack() as outputs:
        return await _run(console, budget_s, screenshot, broadcast, say, outputs)


async def _run(
    console: Console,
    budget_s: float,
    screenshot: Path | None,
    broadcast: Broadcast,
    say: Callable[[str], None],
    outputs: contextlib.AsyncExitStack,
) -> str:
    started = time.monotonic()
    window, live = console.window, console.live_vm
    actions = window.actions_by_id
    await console.start(offer_unfinished=False)
    if not console.rundown_vm.rundown.items:
        raise SelfTestError("the demo rundown did not load")
    watcher = await _watch_overlay(live, say, outputs) if broadcast.overlay else None
    probe = await _probe_obs(live, broadcast, outputs) if broadcast.obs_url else None
    in_obs = 0
    if not await window.go_live():
        raise SelfTestError("going live failed")
    await wait_for(lambda: live.is_live, budget_s / 4, "the show to go live")
    taken = 0
    previous: str | None = None
    for step in range(PINS):
        if step:  # the arrow keys' path: arm back and forth, ending on the next segment
            actions[ActionId.ARM_PREVIOUS].trigger()
            actions[ActionId.ARM_NEXT].trigger()
        pressed = time.monotonic()
        actions[ActionId.TAKE].trigger()  # Space
        await live.flush()
        stage = live.state.stage
        item = stage.live if stage is not None else None
        if item is None or item.id == previous:
            raise SelfTestError(f"take {step + 1} put no new product live")
        previous = item.id
        if watcher is not None:
            await overlay_showed(watcher, item.id, pressed, step + 1)
        await wait_for(
            partial(_confirmed, live, item.id), budget_s / 4, f"pin {step + 1} to be confirmed"
        )
        taken += 1
        if probe is not None and await obs_showed(probe, item.product.display_title):
            in_obs += 1
        await asyncio.sleep(SECONDS_PER_PIN)
    show = live.state.show
    if show is None or await live.practice_platform() is None:
        raise SelfTestError("the embedded sandbox is not running")
    await live.practice_audience(0)  # the audience stops buying: the lists can settle
    await asyncio.sleep(0.5)
    orders = await live.platform_orders(show)
    if not orders:
        raise SelfTestError("no orders arrived")
    await wait_for(
        lambda: _orders_in(live) >= len(orders),
        budget_s / 4,
        f"the window to show all {len(orders)} orders",
    )
    code = orders[0].total.currency.code
    expected = expected_totals(orders, code)
    await asyncio.sleep(0.5)  # the panels refresh a few times a second
    shown = shown_totals(window.totals_dock.model, code)
    want = shown_as(expected)
    if shown != want:
        raise SelfTestError(
            f"the window shows orders, GMV, refunds {shown} for {code}; "
            f"the platform's orders list gives {want}"
        )
    if screenshot is not None:
        await console.screenshot(screenshot)
    report = await live.end_show()
    if report is None:
        raise SelfTestError("ending the show produced no report")
    if report.totals[expected.gross.currency.code].gross != expected.gross:
        raise SelfTestError("the report's GMV differs from the platform's")
    line = summary(report, taken, len(orders), time.monotonic() - started)
    if watcher is not None:
        line += f" overlay={taken}"
    if probe is not None:
        if in_obs < taken:
            raise SelfTestError(f"OBS showed {in_obs} of the {taken} takes")
        line += f" obs={in_obs}"
    return line


async def _watch_overlay(
    live: LiveViewModel, say: Callable[[str], None], outputs: contextlib.AsyncExitStack
) -> OverlayWatcher:
    url = await live.overlay_url()
    if url is None:
        raise SelfTestError("the product overlay did not start (see the log)")
    say(f"overlay: {url}")
    watcher = OverlayWatcher(url)
    await asyncio.to_thread(watcher.start)
    outputs.push_async_callback(asyncio.to_thread, watcher.stop)
    return watcher


async def _probe_obs(
    live: LiveViewModel, broadcast: Broadcast, outputs: contextlib.AsyncExitStack
) -> ObsProbe:
    """The live engine drives this OBS for this run (the settings file is left as it
    was); the probe reads it back on a connection of its own."""
    assert broadcast.obs_url is not None
    obs = ObsSettings(True, broadcast.obs_url, broadcast.obs_scene, OBS_SOURCES, 0.0)
    await live.use_obs(obs, broadcast.obs_password, keep=False)
    probe = ObsProbe(obs.url, broadcast.obs_password, obs.scene, obs.source)
    try:
        await outputs.enter_async_context(probe)
    except ObsProbeError as exc:
        raise SelfTestError(f"OBS: {exc}") from exc
    return probe


def _confirmed(live: LiveViewModel, item_id: str) -> bool:
    card = live.state.live
    receipt = card.receipt if card is not None and card.item.id == item_id else None
    if receipt is not None and receipt.outcome is PinOutcome.FAILED:
        raise SelfTestError(f"a pin failed: {receipt.failure}")
    return receipt is not None and receipt.outcome is PinOutcome.CONFIRMED


def _orders_in(live: LiveViewModel) -> int:
    snapshot = live.state.ledger
    return sum(f.orders for f in snapshot.totals.values()) if snapshot is not None else 0


def shown_as(expected: Expected) -> tuple[str, str, str]:
    """The platform's figures as the totals panel writes them (the locale's grouping)."""
    return (
        count_text(expected.orders),
        amount_text(expected.gross),
        amount_text(expected.refunds),
    )


def shown_totals(model: QAbstractItemModel, code: str) -> tuple[str, str, str] | None:
    """What the totals panel displays for ``code``: orders, GMV, refunds (as text)."""
    for row in range(model.rowCount()):
        if model.headerData(row, Qt.Orientation.Vertical) == code:

            def cell(col: TCol, r: int = row) -> str:
                return str(model.data(model.index(r, col)))

            refunds = cell(TCol.REFUNDS).split(" (")[0]  # "12.00 (2)": amount, then count
            return cell(TCol.ORDERS), cell(TCol.GMV), refunds
    return None
