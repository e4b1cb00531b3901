"""A show on the practice Shopee through the window: a metrics-only platform (it reports
running figures, not orders), so the panels show the platform's own figures and agree
with the product card."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from seller_console.app import Console
from seller_console.domain.showcase import showcase_id
from seller_console.ui.actions import ActionId
from seller_console.ui.docks.live_docks import NO_ORDERS
from seller_console.ui.models.live_tables import PCol, TCol

from .conftest import Runner


@pytest.mark.timeout(120)
def test_a_metrics_only_show_fills_the_panels_with_the_platform_s_figures(
    shopee_console: Console, run: Runner, qtbot: Any
) -> None:
    console = shopee_console
    window, vm = console.window, console.live_vm
    run(console.start(offer_unfinished=False))
    assert run(window.go_live(), 60_000)
    first = vm.state.stage.items[0] if vm.state.stage is not None else None
    assert first is not None
    window.actions_by_id[ActionId.TAKE].trigger()
    pins, totals = window.pins_dock.model, window.totals_dock.model

    def sold_in_the_pin() -> bool:
        return pins.rowCount() > 0 and pins.data(pins.index(0, PCol.ORDERS)) not in ("", "0")

    qtbot.waitUntil(sold_in_the_pin, timeout=60_000)
    # Totals: the platform's own running figures, named as such
    qtbot.waitUntil(lambda: totals.rowCount() == 1, timeout=10_000)
    assert str(totals.headerData(0, Qt.Orientation.Vertical)).endswith("(platform)")
    assert totals.data(totals.index(0, TCol.ORDERS)) not in ("", "0")
    assert totals.data(totals.index(0, TCol.COMMISSION_ESTIMATED)) == "—"
    # the chart is made of orders: it says why it has none
    assert window.chart_dock.chart.empty_text == NO_ORDERS
    assert window.feed_dock.windowTitle() == "Sales feed (no orders from the platform)"
    # the stock panel reads what is left as the card does
    card = vm.state.live
    assert card is not None
    warned = {w.product_id: w.left for w in vm.state.stock_warnings}
    pid = showcase_id(first.product.variant_id)
    if card.stock_left is not None and card.stock_left <= 3:
        assert warned.get(pid) == card.stock_left
    else:
        assert pid not in warned
