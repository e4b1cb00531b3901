"""The pre-flight dock in the window: the check on the profile's platform (the practice
Shopee, asked in the live engine's process), its issues with the item they concern, and
the one-click fixes (remove the item, set a SKU, set a commission)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QListWidgetItem, QMessageBox

from seller_console.app import Console
from seller_console.domain.money import Money
from seller_console.domain.rundown import CheckStatus, PlatformFindings, RundownItem
from seller_console.services.live_process import LiveEngineStopped
from seller_console.ui.docks.preflight_dock import PreflightDock

from .conftest import Runner


def entry(dock: PreflightDock, part: str) -> QListWidgetItem:
    found = [dock.list.item(n) for n in range(dock.list.count())]
    [hit] = [e for e in found if part in e.text()]
    return hit


def click(qtbot: Any, dock: PreflightDock, hit: QListWidgetItem) -> None:
    rect = dock.list.visualItemRect(hit)
    qtbot.mouseClick(dock.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


@pytest.mark.timeout(90)
def test_the_practice_shopee_says_what_it_cannot_sell_and_at_what_price(
    shopee_console: Console, run: Runner, qtbot: Any
) -> None:
    console = shopee_console
    run(console.start(offer_unfinished=False))
    vm, dock = console.rundown_vm, console.window.preflight_dock
    console.window.preflight_dock.raise_()
    dearer, ghost = vm.rundown[1], vm.rundown[2]
    planned = dearer.price
    assert planned is not None
    cheaper = Money(planned.amount - Decimal(1), planned.currency)
    assert vm.edit(dearer.id, "price", live_price=cheaper)
    assert vm.set_sku(ghost.id, "NOT-IN-SHOP")
    assert dock.platform_status.text() == ""

    qtbot.mouseClick(dock.check_button, Qt.MouseButton.LeftButton)
    assert not dock.check_button.isEnabled()  # one check at a time; the window goes on
    qtbot.waitUntil(lambda: dock.check_button.isEnabled(), timeout=60_000)
    assert dock.platform_status.text().startswith("Checked on Shopee: 8 products looked up, 1")

    price_issue = entry(dock, "Shopee sells it at")
    assert price_issue.text() == (
        f"#2 {dearer.product.display_title}: Shopee sells it at {planned}, not the planned "
        f"{cheaper}: viewers pay Shopee's price"
    )
    click(qtbot, dock, price_issue)  # clicking an issue selects its item
    assert console.window.rundown_dock.selected_ids() == [dearer.id]
    assert dock.fix_bar.isHidden()  # no one-click fix for a price: the seller decides

    missing = entry(dock, "has no product with SKU NOT-IN-SHOP")
    assert missing.text().startswith(f"#3 {ghost.product.display_title}: Shopee has no")
    click(qtbot, dock, missing)
    assert dock.fix_button.text() == "Remove it from the rundown"
    qtbot.mouseClick(dock.fix_button, Qt.MouseButton.LeftButton)
    assert ghost.id not in [i.id for i in vm.rundown.items]
    assert not [i for i in vm.issues if "NOT-IN-SHOP" in i.message]
    # QA: the summary still said "1 not found" beside a list that said ready; it counts
    # the rundown as it is now, as the list does
    assert dock.platform_status.text() == (
        "Checked on Shopee: 7 products looked up, 0 not found (selling in USD)"
    )
    vm.undo_stack.undo()  # a fix is an edit like any other
    assert vm.rundown[2].id == ghost.id
    assert dock.platform_status.text().startswith("Checked on Shopee: 8 products looked up, 1")
    assert vm.set_sku(ghost.id, "ANOTHER-SKU")  # the check has no answer for it: say so
    assert dock.platform_status.text() == (
        "Checked on Shopee: 7 products looked up, 0 not found (selling in USD); "
        "1 added or changed since: check again"
    )


def test_one_click_fixes_set_a_sku_and_a_commission(console: Console, run: Runner, qtbot: Any):
    run(console.start(offer_unfinished=False))
    vm, dock = console.rundown_vm, console.window.preflight_dock
    dock.raise_()
    first, second = vm.rundown[0], vm.rundown[1]
    assert vm.edit(first.id, "sku", product=replace(first.product, sku=""))
    assert vm.edit(second.id, "rate", product=replace(second.product, commission_rate=None))

    click(qtbot, dock, entry(dock, "no SKU"))
    assert dock.fix_button.text() == "Set SKU"
    assert dock.fix_text.isVisible()
    qtbot.keyClicks(dock.fix_text, "  GLOW-30 ")
    qtbot.keyClick(dock.fix_text, Qt.Key.Key_Return)
    assert vm.rundown.item(first.id).product.sku == "GLOW-30"

    click(qtbot, dock, entry(dock, "no commission rate"))
    assert dock.fix_button.text() == "Set commission"
    qtbot.keyClicks(dock.fix_text, "150%")  # refused, with the reason, and nothing changes
    with qtbot.waitSignal(vm.failed) as refused:
        qtbot.mouseClick(dock.fix_button, Qt.MouseButton.LeftButton)
    assert "between 0 % and 100 %" in refused.args[0]
    assert vm.rundown.item(second.id).product.commission_rate is None
    dock.fix_text.clear()
    qtbot.keyClicks(dock.fix_text, "15%")
    qtbot.mouseClick(dock.fix_button, Qt.MouseButton.LeftButton)
    assert vm.rundown.item(second.id).product.commission_rate == Decimal("0.15")
    assert vm.issues == []

    vm.remove([i.id for i in vm.rundown.items])
    assert [dock.list.item(n).text() for n in range(dock.list.count())] == [
        "The rundown is empty: add products from the catalog first."
    ]
    assert "1 to fix" in dock.windowTitle()


def test_a_check_the_profile_change_made_stale_is_dropped_and_a_stopped_engine_is_said(
    console: Console, run: Runner, qtbot: Any
) -> None:
    run(console.start(offer_unfinished=False))
    vm, dock = console.rundown_vm, console.window.preflight_dock
    release = asyncio.Event()
    asked: list[int] = []

    async def slow_check(items: tuple[RundownItem, ...]) -> PlatformFindings:
        asked.append(len(items))
        await release.wait()
        return PlatformFindings("Shopee", CheckStatus.UNREACHABLE, "from the old profile")

    vm.platform_check = slow_check
    qtbot.mouseClick(dock.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: asked == [8], timeout=5000)
    vm.forget_platform_check()  # Show > Platform chose another profile meanwhile
    assert dock.check_button.isEnabled()
    release.set()
    qtbot.wait(50)
    assert vm.findings is None
    assert dock.platform_status.text() == ""
    assert not [i for i in vm.issues if "old profile" in i.message]

    async def stopped(items: tuple[RundownItem, ...]) -> PlatformFindings:
        raise LiveEngineStopped("the live engine stopped")

    vm.platform_check = stopped
    qtbot.mouseClick(dock.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.check_button.isEnabled(), timeout=5000)
    assert dock.platform_status.text() == (
        "The platform could not be reached: the live engine stopped"
    )
    assert entry(dock, "could not be reached").text().startswith("The platform could not")


@pytest.mark.timeout(90)
def test_go_live_checks_on_the_platform_first_and_asks_about_what_it_found(
    shopee_console: Console, run: Runner, qtbot: Any
) -> None:
    console = shopee_console
    run(console.start(offer_unfinished=False))
    vm = console.rundown_vm
    ghost = vm.rundown[2]
    assert vm.set_sku(ghost.id, "NOT-IN-SHOP")
    assert vm.findings is None  # nobody pressed Check on the platform
    task = run.loop.create_task(console.window.go_live())

    def question() -> QMessageBox | None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
        return next((b for b in boxes if b.isVisible()), None)

    qtbot.waitUntil(lambda: question() is not None, timeout=60_000)
    box = question()
    assert box is not None
    assert box.text().startswith("The pre-flight check found 1 problem that would hurt on air")
    assert f"#3 {ghost.product.display_title}: Shopee has no product with SKU NOT-IN-SHOP" in (
        box.text()
    )
    box.button(QMessageBox.StandardButton.No).click()
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() is False
    assert not console.live_vm.is_live
