"""Money: a Decimal amount with an ISO 4217 currency, and the one rounding function.

Rules kept here and nowhere else:
- an amount is a ``Decimal``, never a float;
- arithmetic between two currencies is refused (``CurrencyMismatchError``);
- rounding to a currency's minor unit goes through ``round_money`` (half-up by default,
  the documented mode for commission), so every total in the app rounds the same way;
- storage keeps integer minor units (``to_minor_units`` / ``Money.from_minor_units``);
- an amount is bounded (``MAX_WHOLE_DIGITS`` before the decimal point), and every text that
  becomes a number is bounded before it is converted (``MAX_NUMBER_CHARS``, ``MAX_DECIMALS``),
  so reading or showing any amount costs the same small time whatever the input;
- an amount finer than its currency's minor unit (``20.005 USD``) is kept exactly; it is
  rounded once, by ``round_money``, when it is shown, sent or stored, and pre-flight refuses
  it as a live price (``Money.is_minor_exact``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

from seller_console.domain.errors import DomainError

# ISO 4217 active codes and their minor units (exponents). XXX is ISO's "no currency":
# a price read from a file that names none, when the user gave none either.
_EXPONENT_0: Final = frozenset(
    "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split()
)
_EXPONENT_3: Final = frozenset("BHD IQD JOD KWD LYD OMR TND".split())
_EXPONENT_4: Final = frozenset("CLF UYW".split())
_EXPONENT_2: Final = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD
    BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD
    EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR
    IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP
    MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN
    QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB
    TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VES VED WST XCD XCG YER ZAR ZMW
    ZWG XXX""".split()
)
ISO_4217_CODES: Final = _EXPONENT_0 | _EXPONENT_2 | _EXPONENT_3 | _EXPONENT_4

# Symbols that stand for one currency without doubt. "$" alone is ambiguous (USD, CAD,
# AUD, MXN ...) and "kr" too (SEK, NOK, DKK): they are dropped, and the currency comes
# from a code in the text, a currency column or what the user gave at import.
_UNAMBIGUOUS_SYMBOLS: Final = {
    "€": "EUR",
    "£": "GBP",
    "₹": "INR",
    "₩": "KRW",
    "₫": "VND",
    "₺": "TRY",
    "₴": "UAH",
    "₦": "NGN",
    "₱": "PHP",
    "฿": "THB",
    "₪": "ILS",
    "zł": "PLN",
    "Kč": "CZK",
}
_AMBIGUOUS_SYMBOLS: Final = ("US$", "$", "¥", "kr", "R$", "C$", "A$")


class MoneyError(DomainError):
    """A money value that cannot be made or combined."""


class UnknownCurrencyError(MoneyError):
    def __init__(self, code: str) -> None:
        super().__init__(f"unknown currency code {code!r} (expected an ISO 4217 code such as USD)")
        self.code = code


class CurrencyMismatchError(MoneyError):
    def __init__(self, left: str, right: str) -> None:
        super().__init__(f"cannot combine {left} with {right}: amounts in different currencies")
        self.left = left
        self.right = right


class PriceParseError(MoneyError):
    """A price text that is not a number with an optional currency."""


class AmountOutOfRangeError(MoneyError):
    """An amount too large to be a price or a total (``MAX_WHOLE_DIGITS``)."""


MAX_WHOLE_DIGITS: Final = 15
"""Digits an amount may have before the decimal point (a quadrillion minus one): with the
4 decimals of the finest currency it stays well inside ``Decimal``'s 28-digit precision,
so rounding, formatting and adding amounts never fail or lose a cent."""
MAX_DECIMALS: Final = 10
"""Decimals a number read from text may have (``0.0000000001``)."""
MAX_NUMBER_CHARS: Final = 64
"""Characters a price or number text may have, blanks and currency included; longer texts
are refused before any parsing, so a hostile cell costs nothing."""


def quote_short(text: object) -> str:
    """A value quoted for an error message, cut short: never echo a megabyte back."""
    value = str(text)
    return repr(value) if len(value) <= 40 else repr(value[:30] + "…") + f" ({len(value)} chars)"


def check_amount(amount: Decimal) -> Decimal:
    """``amount`` if it is finite and within ``MAX_WHOLE_DIGITS``; else ``MoneyError``.

    Checked on the exponent alone (``adjusted``), so ``1E+1000000`` costs nothing.
    """
    if not amount.is_finite():
        raise MoneyError(f"money amount must be finite, got {quote_short(amount)}")
    if amount and amount.adjusted() >= MAX_WHOLE_DIGITS:
        raise AmountOutOfRangeError(
            f"amount {quote_short(amount)} is out of range: at most {MAX_WHOLE_DIGITS} digits "
            "before the decimal point"
        )
    return amount


@dataclass(frozen=True, slots=True)
class Currency:
    """An ISO 4217 currency: its code and how many decimals its minor unit has."""

    code: str
    exponent: int

    @classmethod
    def of(cls, code: str) -> Currency:
        """The currency for ``code`` (case and surrounding blanks ignored)."""
        norm = code.strip().upper()
        cached = _CURRENCIES.get(norm)
        if cached is None:
            raise UnknownCurrencyError(code)
        return cached

    @property
    def quantum(self) -> Decimal:
        return _QUANTA[self.exponent]

    def __str__(self) -> str:
        return self.code


def _exponent_of(code: str) -> int:
    if code in _EXPONENT_0:
        return 0
    if code in _EXPONENT_3:
        return 3
    if code in _EXPONENT_4:
        return 4
    return 2


_CURRENCIES: Final = {code: Currency(code, _exponent_of(code)) for code in ISO_4217_CODES}
_QUANTA: Final = {e: Decimal(1).scaleb(-e) for e in (0, 2, 3, 4)}  # built once, not per rounding


def is_currency_code(text: str) -> bool:
    return text.strip().upper() in _CURRENCIES


def round_money(amount: Decimal, currency: Currency, rounding: str = ROUND_HALF_UP) -> Decimal:
    """The one rounding function: ``amount`` to ``currency``'s minor unit.

    Half-up (0.005 -> 0.01) is the documented mode for commission and every displayed total.
    """
    return amount.quantize(currency.quantum, rounding=rounding)


@dataclass(frozen=True, slots=True, order=False, init=False)
class Money:
    """An exact amount in one currency. Arithmetic with another currency is refused."""

    amount: Decimal
    currency: Currency

    def __init__(self, amount: Decimal, currency: Currency) -> None:
        if not isinstance(amount, Decimal):
            raise TypeError(f"Money amount must be a Decimal, not {type(amount).__name__}")
        check_amount(amount)
        # Set through the fields' slots: a frozen dataclass's own __init__ looks up
        # object.__setattr__ for each field, and a catalog makes a Money per distinct price.
        _set_amount(self, amount)
        _set_currency(self, currency)

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str | Currency) -> Money:
        """``Money.of("19.99", "USD")``. Floats are refused: they cannot hold cents exactly."""
        if isinstance(amount, float):
            raise TypeError("Money.of refuses float; pass a str or Decimal")
        cur = currency if isinstance(currency, Currency) else Currency.of(currency)
        if isinstance(amount, str) and len(amount) > MAX_NUMBER_CHARS:
            raise PriceParseError(
                f"{quote_short(amount)} is too long for an amount "
                f"(at most {MAX_NUMBER_CHARS} characters)"
            )
        try:
            value = Decimal(amount)
        except InvalidOperation as exc:
            raise PriceParseError(f"{quote_short(amount)} is not a number") from exc
        return cls(value, cur)

    @classmethod
    def zero(cls, currency: str | Currency) -> Money:
        return cls.of(0, currency)

    @classmethod
    def from_minor_units(cls, minor: int, currency: str | Currency) -> Money:
        cur = currency if isinstance(currency, Currency) else Currency.of(currency)
        return cls(Decimal(minor).scaleb(-cur.exponent), cur)

    def to_minor_units(self) -> int:
        """Integer minor units after ``round_money``; what storage keeps."""
        return int(round_money(self.amount, self.currency).scaleb(self.currency.exponent))

    def rounded(self, rounding: str = ROUND_HALF_UP) -> Money:
        return Money(round_money(self.amount, self.currency, rounding), self.currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatchError(self.currency.code, other.currency.code)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, Decimal | int):
            raise TypeError("Money can be multiplied by a Decimal or an int only")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def is_zero(self) -> bool:
        return self.amount == 0

    @property
    def is_minor_exact(self) -> bool:
        """True when the amount is a whole number of minor units (``20.01``, not ``20.005``)."""
        return self.amount.quantize(_QUANTA[self.currency.exponent]) == self.amount

    def format(self) -> str:
        """``19.99 USD``: the amount at the currency's minor unit, then the code."""
        return f"{round_money(self.amount, self.currency)} {self.currency.code}"

    def __str__(self) -> str:
        return self.format()

    def to_wire(self) -> dict[str, str]:
        """The contract's JSON shape: ``{"amount": "19.99", "currency": "USD"}``."""
        return {
            "amount": str(round_money(self.amount, self.currency)),
            "currency": self.currency.code,
        }


_set_amount = Money.__dict__["amount"].__set__
_set_currency = Money.__dict__["currency"].__set__


def total(values: list[Money] | tuple[Money, ...], currency: str | Currency) -> Money:
    """The sum of ``values``, all in ``currency`` (zero when empty)."""
    acc = Money.zero(currency)
    for value in values:
        acc = acc + value
    return acc


# ------------------------------------------------------------------------- parsing
# A run of the characters a written number is made of; one quantifier, no nesting, so
# searching it is linear (the trailing non-digits are trimmed in Python, ``_number``).
_NUMBER_RUN_RE: Final = re.compile(r"[+-]?[\d.,' \u00a0\u202f]+")
_NUMBER_TAIL: Final = ".,' \u00a0\u202f"
_CODE_RE: Final = re.compile(r"\b([A-Za-z]{3})\b")
# ``12.34`` and ``12.34 USD``, most prices in most files: read without the general rules.
_PLAIN_PRICE_RE: Final = re.compile(r"(\d+(?:\.\d+)?)(?: ([A-Z]{3}))?", re.ASCII)


@dataclass(frozen=True, slots=True)
class ParsedPrice:
    """The outcome of reading a price text.

    ``currency`` is None when the text carried no currency (the caller then applies the
    currency the user gave and says so in its report).
    """

    amount: Decimal
    currency: Currency | None


def parse_decimal(text: str) -> Decimal:
    """Read a number written by a person or a spreadsheet.

    ``1234.5``, ``1,234.50``, ``1.234,50``, ``49,00``, ``1 234,50``, ``2'030.00``. A single
    separator followed by exactly three digits (``2,030``) is a thousands separator; one
    followed by one, two or four-plus digits is the decimal mark.
    """
    raw = text.strip()
    if not raw:
        raise PriceParseError("empty number")
    if len(raw) > MAX_NUMBER_CHARS:
        raise PriceParseError(
            f"{quote_short(raw)} is too long for a number (at most {MAX_NUMBER_CHARS} characters)"
        )
    sign = ""
    if raw[0] in "+-":
        sign, raw = ("-" if raw[0] == "-" else ""), raw[1:].strip()
    for blank in (" ", "\u00a0", "\u202f", "'"):
        raw = raw.replace(blank, "")
    if not raw or not all(c.isdigit() or c in ".," for c in raw):
        raise PriceParseError(f"{text!r} is not a number")
    dots, commas = raw.count("."), raw.count(",")
    if dots and commas:
        # The separator that comes last is the decimal mark.
        decimal_mark = "." if raw.rfind(".") > raw.rfind(",") else ","
        thousands = "," if decimal_mark == "." else "."
        whole, _, fraction = raw.rpartition(decimal_mark)
        groups = whole.split(thousands)
        if decimal_mark in whole or any(len(g) != 3 for g in groups[1:]) or not groups[0]:
            raise PriceParseError(f"{text!r} has misplaced separators")
        raw = "".join(groups) + "." + fraction
    elif dots or commas:
        mark = "." if dots else ","
        head, _, tail = raw.rpartition(mark)
        if raw.count(mark) > 1:
            # 1,234,567 or 1.234.567: thousands separators only.
            groups = raw.split(mark)
            if any(len(g) != 3 for g in groups[1:]):
                raise PriceParseError(f"{text!r} has misplaced separators")
            raw = raw.replace(mark, "")
        elif len(tail) == 3 and head and head != "0" and mark == ",":
            raw = head + tail  # 2,030 -> 2030
        else:
            raw = f"{head}.{tail}"
    whole, _, fraction = raw.partition(".")
    if len(whole.lstrip("0")) > MAX_WHOLE_DIGITS:
        raise PriceParseError(
            f"{text!r} is too large: at most {MAX_WHOLE_DIGITS} digits before the decimal point"
        )
    if len(fraction) > MAX_DECIMALS:
        raise PriceParseError(f"{text!r} has more than {MAX_DECIMALS} decimals")
    try:
        value = Decimal(sign + raw)
    except InvalidOperation as exc:
        raise PriceParseError(f"{text!r} is not a number") from exc
    if not value.is_finite():
        raise PriceParseError(f"{text!r} is not a number")
    return value


def parse_price(text: str) -> ParsedPrice:
    """Read ``15.00 USD``, ``USD 15``, ``49,00 TND``, ``209.00 eur``, ``€12,50`` or ``14.99``.

    A currency is taken from an ISO code in the text or an unambiguous symbol; ambiguous
    symbols (``$``, ``¥``, ``kr``) are dropped and leave ``currency`` None.
    Raises ``PriceParseError`` (or ``UnknownCurrencyError``) with the reason.
    """
    raw = text.strip()
    if len(raw) > MAX_NUMBER_CHARS:
        raise PriceParseError(
            f"{quote_short(raw)} is too long for a price (at most {MAX_NUMBER_CHARS} characters)"
        )
    plain = _PLAIN_PRICE_RE.fullmatch(raw)
    if plain is not None:
        code = plain.group(2)
        found = _CURRENCIES.get(code) if code else None
        if code is None or found is not None:
            return ParsedPrice(parse_decimal(plain.group(1)), found)
    if not raw:
        raise PriceParseError("empty price")
    currency: Currency | None = None
    for symbol, code in _UNAMBIGUOUS_SYMBOLS.items():
        if symbol in raw:
            currency = _CURRENCIES[code]
            raw = raw.replace(symbol, " ")
            break
    for symbol in _AMBIGUOUS_SYMBOLS:
        raw = raw.replace(symbol, " ")
    if _find_number(raw) is None:
        raise PriceParseError(f"{text.strip()!r} has no number")
    match = _CODE_RE.search(raw)
    if match is not None:
        code = match.group(1).upper()
        found = _CURRENCIES.get(code)
        if found is None:
            raise UnknownCurrencyError(match.group(1))
        if currency is not None and currency != found:
            raise PriceParseError(f"{text!r} names two currencies")
        currency = found
        raw = raw[: match.start()] + " " + raw[match.end() :]
    number = _find_number(raw)
    if number is None:
        raise PriceParseError(f"{text!r} has no number")
    start, end = number
    leftover = (raw[:start] + raw[end:]).strip()
    if leftover:
        raise PriceParseError(f"{text!r} has unexpected text {leftover!r}")
    return ParsedPrice(parse_decimal(raw[start:end]), currency)


def _find_number(text: str) -> tuple[int, int] | None:
    """Where the first written number in ``text`` starts and ends (at its last digit)."""
    for run in _NUMBER_RUN_RE.finditer(text):
        body = run.group(0).rstrip(_NUMBER_TAIL)
        if any(c.isdigit() for c in body):
            return run.start(), run.start() + len(body)
    return None
