"""The one network rule of the app: plain http is allowed only to this machine.

"This machine" is a loopback address: anything in 127.0.0.0/8, ``::1`` (also written as an
IPv4-mapped IPv6 address such as ``::ffff:127.0.0.1``), or the name ``localhost`` (with or
without its trailing root dot, in any case). Any other name is not trusted to stay on this
machine, since a DNS answer could send it anywhere. Pure: no I/O, no name resolution.
"""

from __future__ import annotations

import ipaddress

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
