"""The rundown editor's flash-sale fields: typed by a producer, checked as typed and by
pre-flight, undone like every edit, and kept in the saved plan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from seller_console.app import Console
from seller_console.domain.money import Money
from seller_console.services.live_session import Cue, CueKind
from seller_console.ui.widgets.cue_banner import CueBanner

from .conftest import Runner


def test_a_flash_sale_is_typed_checked_undone_and_saved(
    console: Console, run: Runner, qtbot: Any, tmp_path: Path
) -> None:
    run(console.start())
    vm, dock = console.rundown_vm, console.window.rundown_dock
    item = vm.rundown[0]
    catalog = item.product.price
    assert catalog is not None
    code = catalog.currency.code
    dock.select_ids([item.id])

    dock.flash_price.setText("abc")
    dock.flash_price.editingFinished.emit()
    assert dock.flash_error.text().startswith("Flash price: ")
    dock.flash_price.setText(f"1.00 {'EUR' if code != 'EUR' else 'USD'}")
    dock.flash_price.editingFinished.emit()
    assert f"the item sells in {code}" in dock.flash_error.text()
    dock.flash_seconds.setText("1:75")
    dock.flash_seconds.editingFinished.emit()
    assert "60 or more" in dock.flash_error.text()
    dock.flash_seconds.setText("0")
    dock.flash_seconds.editingFinished.emit()
    assert "how long it runs" in dock.flash_error.text()
    assert dock.flash_seconds.property("invalid")  # the field the message is about
    assert not dock.flash_price.property("invalid")
    assert not dock.price_error.text()  # the live price's message is its own
    assert vm.rundown.item(item.id) == item  # nothing refused was kept

    dock.flash_price.setText(str(catalog.amount))  # not below the catalog price
    dock.flash_price.editingFinished.emit()
    dock.flash_seconds.setText("1:30")
    dock.flash_seconds.editingFinished.emit()
    edited = vm.rundown.item(item.id)
    assert (edited.flash_price, edited.flash_seconds) == (catalog, 90)
    assert any(
        "is not below the catalog price" in issue.message and issue.item_id == item.id
        for issue in vm.issues
    )
    cheaper = Money(catalog.amount / 2, catalog.currency).rounded()
    dock.flash_price.setText(str(cheaper.amount))
    dock.flash_price.editingFinished.emit()
    assert vm.rundown.item(item.id).flash_price == cheaper
    assert not [i for i in vm.issues if "flash" in i.message]
    assert dock.flash_seconds.text() == "1:30"

    qtbot.keyClick(console.window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert vm.rundown.item(item.id).flash_price == catalog
    assert dock.flash_price.text() == catalog.format()

    dock.flash_price.setText(str(cheaper.amount))
    dock.flash_price.editingFinished.emit()
    path = tmp_path / "flash.showplan.json"
    assert run(vm.save(path))
    assert run(vm.open(path))
    reopened = vm.rundown.item(item.id)
    assert (reopened.flash_price, reopened.flash_seconds) == (cheaper, 90)

    dock.select_ids([item.id])
    dock.flash_price.clear()
    dock.flash_price.editingFinished.emit()
    dock.flash_seconds.clear()
    dock.flash_seconds.editingFinished.emit()
    assert not vm.rundown.item(item.id).has_flash_sale
    assert vm.rundown.item(item.id).flash_seconds is None


def test_the_cue_banner_asks_for_the_flash_price_then_the_usual_one(qtbot: Any) -> None:
    banner = CueBanner()
    qtbot.addWidget(banner)
    now = datetime.now(UTC)
    usd = Money.of("7.00", "USD")
    banner.show_cue(
        Cue("i1", "Glow serum", 2, now, now + timedelta(seconds=45), CueKind.FLASH_PRICE, usd)
    )
    assert banner.text.text().startswith(
        "The flash sale of “Glow serum” is on: set its price to 7.00 USD in the platform's app"
    )
    assert banner.button.text() == "Price set (Space)"
    back = Money.of("10.00", "USD")
    banner.show_cue(
        Cue("i1", "Glow serum", 2, now, now + timedelta(seconds=45), CueKind.PRICE_BACK, back)
    )
    assert "ended: set its price to 10.00 USD" in banner.text.text()
    banner.show_cue(Cue("i2", "Mug", 3, now, now + timedelta(seconds=45)))
    assert banner.button.text() == "Pinned it (Space)"
    assert banner.text.text().startswith("Pin “Mug” in the platform's app (position 3")


def test_a_flash_sale_typed_then_another_row_clicked_is_kept(
    console: Console, run: Runner, qtbot: Any
) -> None:
    run(console.start())
    vm, dock = console.rundown_vm, console.window.rundown_dock
    first, second = vm.rundown[0], vm.rundown[1]
    catalog = first.product.price
    assert catalog is not None
    cheaper = Money(catalog.amount / 2, catalog.currency).rounded()
    dock.select_ids([first.id])
    dock.flash_price.clear()
    qtbot.keyClicks(dock.flash_price, str(cheaper.amount))  # neither Enter nor focus change
    qtbot.keyClicks(dock.flash_seconds, "2:00")
    dock.select_ids([second.id])  # the row changes at once
    kept = vm.rundown.item(first.id)
    assert (kept.flash_price, kept.flash_seconds) == (cheaper, 120)
    assert dock.selected_ids() == [second.id]
