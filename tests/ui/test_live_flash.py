"""The window's live card follows a flash sale through a real show (embedded sandbox,
loopback): the flash price against the crossed-out usual one and the countdown once the
pin is confirmed, "Flash sale over" and the usual price at its end."""

from __future__ import annotations

from seller_console.domain.money import Money
from seller_console.ui.numbers import money_text

from .test_live_show import confirmed, go_live, show, stage  # noqa: F401  (the fixture)


def test_the_live_card_counts_a_flash_sale_down_to_its_end(show, run, qtbot):  # noqa: F811
    window, rundown = show.window, show.rundown_vm
    first = rundown.rundown.items[0]
    usual = first.price
    assert usual is not None
    flash = Money.of("9.90", usual.currency.code)
    assert rundown.edit(first.id, "Flash sale", flash_price=flash, flash_seconds=3)
    go_live(show, run)
    card = window.stage
    show.live_vm.take()
    assert stage(show, run).live_id == first.id
    qtbot.waitUntil(lambda: confirmed(show, first.id), timeout=10_000)
    qtbot.waitUntil(lambda: card.live_flash.text().startswith("FLASH SALE 0:0"), timeout=5000)
    assert card.live_flash.isVisible()
    assert card.live_price.text() == money_text(flash)
    assert card.live_was.isVisible()
    assert card.live_was.text() == money_text(usual)
    assert card.live_was.font().strikeOut()
    qtbot.waitUntil(lambda: card.live_flash.text() == "Flash sale over", timeout=8000)
    assert card.live_price.text() == money_text(usual)
    assert not card.live_was.isVisible()
    assert show.live_vm.state.flash is None  # the session ended it; the card still says so
