"""A platform call that failed, and what kind of failure it was: its own module, so that a
caller that only catches it (the window, from its first paint) does not load the platform's
whole interface (``platform_port``)."""

from __future__ import annotations

import enum


class PlatformErrorKind(enum.Enum):
    """What went wrong, in terms a service can act on."""

    CONNECTION = "connection"  # the platform could not be reached
    TIMEOUT = "timeout"  # no answer in time; a write may or may not have happened
    AUTH = "auth"  # the API key is missing, wrong or revoked
    FORBIDDEN = "forbidden"  # the key may not do this
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"  # e.g. the session is not live
    VALIDATION = "validation"  # the platform refused the request's content
    RATE_LIMITED = "rate_limited"
    SERVER = "server"  # the platform failed
    PROTOCOL = "protocol"  # the platform answered something the contract does not allow
    UNSUPPORTED = "unsupported"  # this platform cannot do this (see PinKind)


class PlatformError(Exception):
    """A platform call that failed. ``user_message`` is safe to show; it never holds a secret."""

    kind: PlatformErrorKind = PlatformErrorKind.SERVER

    def __init__(self, user_message: str, *, attempts: int = 1) -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.attempts = attempts
