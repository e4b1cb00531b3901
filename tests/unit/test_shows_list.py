"""``seller-console shows list``: each show's line names the commission as the Past shows
dialog does (the platform's when it reported any, else the console's estimate)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime

from seller_console.domain.ledger import Figures
from seller_console.domain.money import Currency, Money
from seller_console.domain.show_records import ShowRecord, ShowStatus, ShowTotals
from seller_console.services.reports import ShowSummary
from seller_console.shows_cli import _print_list

T0 = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
USD = Currency.of("USD")


def _summary(reported: str) -> ShowSummary:
    figures = replace(
        Figures.zero(USD),
        orders=3,
        gross=Money.of("90", USD),
        commission_estimated=Money.of("0", USD),
        commission_reported=Money.of(reported, USD),
    )
    show = ShowRecord("s1", "live-1", "Night", T0, ShowStatus.ENDED, T0, T0)
    return ShowSummary(show, ShowTotals((figures,)))


def _listed(summary: ShowSummary) -> str:
    out = io.StringIO()
    _print_list((summary,), False, out)
    return out.getvalue()


def test_a_show_the_platform_credited_lists_the_platform_commission():
    assert "3 orders, 90.00 USD GMV, 13.50 USD commission\n" in _listed(_summary("13.5"))


def test_without_a_platform_figure_the_estimate_is_listed_as_one():
    assert "3 orders, 90.00 USD GMV, 0.00 USD commission (est.)\n" in _listed(_summary("0"))
