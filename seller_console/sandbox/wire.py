"""Reading request bodies: JSON with Decimal numbers, and the contract's value shapes."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from seller_console.domain.money import Currency, Money, MoneyError
from seller_console.domain.net import JsonInputError, read_json
from seller_console.sandbox.errors import ApiError, invalid

JsonObject = dict[str, object]

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
_AMOUNT_RE = re.compile(r"^[0-9]{1,15}(\.[0-9]{1,4})?$")
_RATE_RE = re.compile(r"^(0(\.[0-9]{1,6})?|1(\.0{1,6})?)$")
MAX_TEXT = 1000


def parse_json(body: bytes) -> object:
    """The request's JSON (``domain.net.read_json``): numbers with a fraction become
    Decimal, never float; numbers are bounded before they are converted; too deep is a 422
    like any other body that is not JSON."""
    try:
        return read_json(body)
    except JsonInputError as exc:
        raise ApiError(422, "invalid_json", f"the body is not usable JSON: {exc}") from exc


def as_object(value: object, what: str = "the body") -> JsonObject:
    if not isinstance(value, dict):
        raise invalid(f"{what} must be a JSON object")
    return value


def check_id(value: str, what: str) -> str:
    if not ID_RE.match(value):
        raise invalid(f"{what} {value!r} is not a valid id (letters, digits, . _ : -)")
    return value


def text(
    data: JsonObject, key: str, *, required: bool = True, max_len: int = MAX_TEXT
) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise invalid(f"{key} is required")
        return None
    if not isinstance(value, str):
        raise invalid(f"{key} must be a string")
    if required and not value.strip():
        raise invalid(f"{key} cannot be empty")
    if len(value) > max_len:
        raise invalid(f"{key} is longer than {max_len} characters")
    return value


def required_text(data: JsonObject, key: str, max_len: int = MAX_TEXT) -> str:
    value = text(data, key, max_len=max_len)
    assert value is not None  # required=True never returns None
    return value


def money(data: JsonObject, key: str, *, required: bool = True) -> Money | None:
    """A ``{"amount": "19.99", "currency": "USD"}`` value, at most the currency's decimals."""
    value = data.get(key)
    if value is None:
        if required:
            raise invalid(f"{key} is required")
        return None
    if not isinstance(value, dict):
        raise invalid(f'{key} must be {{"amount": "19.99", "currency": "USD"}}')
    amount, code = value.get("amount"), value.get("currency")
    if not isinstance(amount, str) or not _AMOUNT_RE.match(amount):
        raise invalid(f'{key}.amount must be a decimal string such as "19.99"', "invalid_money")
    if not isinstance(code, str):
        raise invalid(f"{key}.currency must be an ISO 4217 code", "invalid_money")
    try:
        currency = Currency.of(code)
        result = Money.of(amount, currency)
    except (MoneyError, InvalidOperation) as exc:
        raise invalid(f"{key}: {exc}", "invalid_money") from exc
    if code != currency.code:
        raise invalid(f"{key}.currency must be upper case ({currency.code})", "invalid_money")
    exponent = result.amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > currency.exponent:
        raise invalid(
            f"{key}.amount has more decimals than {currency.code} allows ({currency.exponent})",
            "invalid_money",
        )
    return result


def rate(data: JsonObject, key: str) -> Decimal:
    """A rate as a decimal string between 0 and 1: ``"0.15"`` is 15 %."""
    value = data.get(key)
    if not isinstance(value, str) or not _RATE_RE.match(value):
        raise invalid(f'{key} must be a decimal string between "0" and "1", such as "0.15"')
    return Decimal(value)


def count(data: JsonObject, key: str, *, minimum: int = 0, maximum: int = 10**9) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if (
        isinstance(value, Decimal)
        and value.is_finite()
        and value.adjusted() < 19  # bounded before int(): 1e1000000 is not converted
        and value == value.to_integral_value()
    ):
        value = int(value)  # JSON Schema counts 3.0 as an integer
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise invalid(f"{key} must be an integer from {minimum} to {maximum}")
    return value


def timestamp(data: JsonObject, key: str) -> str | None:
    """An RFC 3339 time with an offset; kept as given."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(f"{key} must be an RFC 3339 time")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise invalid(f"{key} must be an RFC 3339 time: {exc}") from exc
    if parsed.tzinfo is None:
        raise invalid(f"{key} needs a UTC offset (e.g. Z)")
    return value


def string_list(data: JsonObject, key: str, max_items: int) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid(f"{key} must be a list of strings")
    if len(value) > max_items:
        raise invalid(f"{key} holds more than {max_items} items")
    return [str(v) for v in value]


def is_ascii_number(raw: str, max_digits: int) -> bool:
    """Whether ``raw`` is 1 to ``max_digits`` ASCII digits (``"²".isdigit()`` is True)."""
    return 0 < len(raw) <= max_digits and raw.isascii() and raw.isdigit()


def page_limit(raw: str | None, default: int = 100, maximum: int = 500) -> int:
    if raw is None:
        return default
    if not is_ascii_number(raw, len(str(maximum))) or not 1 <= int(raw) <= maximum:
        raise invalid(f"limit must be an integer from 1 to {maximum}")
    return int(raw)
