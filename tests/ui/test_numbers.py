"""Money and counts read right: grouped as the user's locale writes them, never through a
float, and the same text wherever the window shows money."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import QLocale

from seller_console.domain.money import Money
from seller_console.ui.models.feed_model import FCol, SalesFeedModel
from seller_console.ui.numbers import count_text, decimal_text, money_text
from seller_console.ui.widgets.live_stage import LiveStageWidget

from .test_live_widgets import images, order, stage_view, title_of  # noqa: F401  (fixture)

GERMAN = QLocale(QLocale.Language.German, QLocale.Country.Germany)
C = QLocale.c()


def test_money_and_counts_are_grouped_as_the_locale_writes_them():
    assert money_text(Money.of("12760", "USD"), C) == "12,760.00 USD"
    assert money_text(Money.of("12760", "USD"), GERMAN) == "12.760,00 USD"
    assert money_text(Money.of("999.995", "USD"), C) == "1,000.00 USD"  # half-up, as stored
    assert money_text(Money.of("-1234567", "JPY"), C) == "-1,234,567 JPY"
    assert money_text(Money.of("0.5", "USD"), C) == "0.50 USD"
    assert count_text(1204, C) == "1,204"
    assert count_text(999, GERMAN) == "999"
    assert count_text(-12000, GERMAN) == "-12.000"
    # far past a float's exact digits: every digit kept
    big = Decimal("123456789012345678901.23")
    assert decimal_text(big, C) == "123,456,789,012,345,678,901.23"


def test_the_stage_and_the_feed_show_grouped_money(qtbot, images):  # noqa: F811
    stage = LiveStageWidget(images)
    qtbot.addWidget(stage)
    view = stage_view()
    assert view.live is not None
    live = replace(view.live, units=1204, gmv=Money.of("35116.00", "USD"), stock_left=2500)
    stage.show_stage(replace(view, live=live))
    assert stage.sales.value.text() == "1,204 · 35,116.00"  # the currency in the caption
    assert "USD" in stage.sales.caption.text()
    assert stage.stock_left.value.text() == "2,500 left"

    feed = SalesFeedModel(title_of)
    feed.add_orders([order(1, qty=1500)])
    assert feed.data(feed.index(0, FCol.QTY)) == "1,500"
    assert feed.data(feed.index(0, FCol.TOTAL)).endswith(" USD")
    assert "," in feed.data(feed.index(0, FCol.TOTAL))
