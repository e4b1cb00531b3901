"""Money and counts as the user's locale writes them: ``12,760.00 USD``, ``1,204``.

The one place the window turns a ``Money`` or a count into text. The amount stays a
``Decimal`` all the way (rounded to the currency's minor unit by ``round_money``); only its
digits are grouped, with the locale's group separator and decimal point. Exports (CSV,
JSON) do not come here: they keep plain decimals a spreadsheet reads back.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QLocale

from seller_console.domain.money import Money, round_money


def _grouped(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    groups = [digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))]
    return separator.join(groups)


def decimal_text(value: Decimal, locale: QLocale | None = None) -> str:
    """A finite decimal with grouped whole digits, every fraction digit kept as is."""
    loc = locale or QLocale()
    sign, _, _ = value.as_tuple()
    whole, _, fraction = format(abs(value), "f").partition(".")
    text = _grouped(whole, loc.groupSeparator())
    if fraction:
        text += loc.decimalPoint() + fraction
    return (loc.negativeSign() if sign and value != 0 else "") + text


def amount_text(money: Money, locale: QLocale | None = None) -> str:
    """The amount alone, rounded to the currency's minor unit: ``12,760.00``."""
    return decimal_text(round_money(money.amount, money.currency), locale)


def money_text(money: Money, locale: QLocale | None = None) -> str:
    """``12,760.00 USD``: the amount as the locale groups it, then the currency code."""
    return f"{amount_text(money, locale)} {money.currency.code}"


def count_text(count: int, locale: QLocale | None = None) -> str:
    """``1,204``."""
    loc = locale or QLocale()
    return (loc.negativeSign() if count < 0 else "") + _grouped(
        str(abs(count)), loc.groupSeparator()
    )


def stock_text(left: int, platform: str = "") -> str:
    """``SOLD OUT`` or ``12 left``, then ``on TikTok Shop`` when the figure is the
    platform's (``platform``: its name; the words come first, so a narrow place elides
    the name, never the count)."""
    whose = f" on {platform}" if platform else ""
    return f"SOLD OUT{whose}" if left == 0 else f"{count_text(left)} left{whose}"
