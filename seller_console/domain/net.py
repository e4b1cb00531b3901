"""What crosses the network: the rule for plain http, and the one bounded JSON reader.

Plain http is allowed only to this machine.

"This machine" is a loopback address: anything in 127.0.0.0/8, ``::1`` (also written as an
IPv4-mapped IPv6 address such as ``::ffff:127.0.0.1``), or the name ``localhost`` (with or
without its trailing root dot, in any case). Any other name is not trusted to stay on this
machine, since a DNS answer could send it anywhere. Pure: no I/O, no name resolution.

``read_json`` reads JSON from the other side of a connection (the platform's answers, the
sandbox's requests) at a cost linear in its size: numbers are bounded in length and
exponent *before* they are converted, non-integers become ``Decimal`` (never float),
``NaN``/``Infinity`` are refused, and nesting too deep for the parser is a ``JsonInputError``
like every other problem, never a ``RecursionError``.
"""

from __future__ import annotations

import ipaddress
import json
from decimal import Decimal
from typing import Any

from seller_console.domain.errors import DomainError

LOCALHOST_NAMES = frozenset({"localhost", "localhost."})
THIS_MACHINE_HINT = "127.0.0.1, ::1 or localhost"
"""How the rule is said to a user, e.g. "plain http is allowed only to this machine (...)"."""


def is_this_machine(host: str | None) -> bool:
    """Whether ``host`` (a URL's host, brackets allowed around IPv6) is a loopback address."""
    if not host:
        return False
    name = host.strip()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name.lower() in LOCALHOST_NAMES:
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def plain_http_allowed(scheme: str, host: str | None) -> bool:
    """Whether a URL with this scheme and host may be fetched: https anywhere, http only to
    this machine. Every other scheme is refused."""
    scheme = scheme.lower()
    if scheme == "https":
        return bool(host)
    return scheme == "http" and is_this_machine(host)


MAX_NUMBER_CHARS = 100
"""The longest JSON number read (a money amount or a count needs far fewer)."""
MAX_NUMBER_EXPONENT = 400
"""The largest power of ten, either way, of a JSON number read: every float JSON can carry
fits (1.8e308, 5e-324), and converting any number in bounds to an int costs little."""


class JsonInputError(DomainError, ValueError):
    """JSON that cannot be read: not UTF-8, not JSON, too deep, or a number out of bounds."""


def _bounded_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonInputError(f"a number has more than {MAX_NUMBER_CHARS} digits")
    return int(text)


def _bounded_decimal(text: str) -> Decimal:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonInputError(f"a number is longer than {MAX_NUMBER_CHARS} characters")
    value = Decimal(text)
    if abs(value.adjusted()) > MAX_NUMBER_EXPONENT:
        raise JsonInputError(f"a number is beyond 1e±{MAX_NUMBER_EXPONENT} ({text})")
    return value


def _refuse_constant(name: str) -> Any:
    raise JsonInputError(f"{name} is not a JSON number")


_DECODER = json.JSONDecoder(
    parse_float=_bounded_decimal, parse_int=_bounded_int, parse_constant=_refuse_constant
)


def read_json(content: bytes | str) -> Any:
    """The JSON value of ``content``; ``JsonInputError`` says why when there is none."""
    try:
        text = content.decode() if isinstance(content, bytes) else content
        return _DECODER.decode(text)
    except JsonInputError:
        raise
    except RecursionError as exc:
        raise JsonInputError("JSON nested too deep to read") from exc
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise JsonInputError(str(exc)) from exc
