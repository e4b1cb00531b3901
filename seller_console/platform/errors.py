"""Typed platform errors, one class per thing a caller can act on.

All derive from ``seller_console.domain.platform_port.PlatformError`` so services can catch
them (and branch on ``kind``) without importing this package. Messages are written for the
user and never contain the API key or a request's headers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from seller_console.domain.platform_errors import PlatformError, PlatformErrorKind


@dataclass(frozen=True, slots=True)
class ProblemDetails:
    """An RFC 9457 problem document; ``code`` is the contract's stable error code."""

    status: int
    title: str = ""
    detail: str = ""
    code: str = ""
    type: str = "about:blank"
    extensions: dict[str, Any] = field(default_factory=dict)


class PlatformConnectionError(PlatformError):
    """The platform could not be reached, or the connection broke. When ``request_sent`` the
    request may have reached the platform, so a write may have happened."""

    kind = PlatformErrorKind.CONNECTION

    def __init__(self, user_message: str, *, request_sent: bool, attempts: int = 1) -> None:
        super().__init__(user_message, attempts=attempts)
        self.request_sent = request_sent


class PlatformTimeoutError(PlatformError):
    """No answer in time. When ``outcome_unknown`` the request was sent, so a write may have
    happened: retry it with the same idempotency key, or reconcile."""

    kind = PlatformErrorKind.TIMEOUT

    def __init__(self, user_message: str, *, outcome_unknown: bool, attempts: int = 1) -> None:
        super().__init__(user_message, attempts=attempts)
        self.outcome_unknown = outcome_unknown


class InsecureURLError(PlatformError):
    """The platform address is neither https nor this machine, so no request was made."""

    kind = PlatformErrorKind.CONNECTION


class PlatformProtocolError(PlatformError):
    """The platform answered something the contract does not allow (a bug on one side)."""

    kind = PlatformErrorKind.PROTOCOL


class StreamEventError(PlatformProtocolError):
    """One event of the stream cannot be used. The stream goes on past it; the client
    reports the event as ``EventRejected`` with this error's message as the reason."""


class StreamEventTooLargeError(StreamEventError):
    """An event (or one line of the stream) is larger than the decoder's cap."""

    def __init__(self, cap_bytes: int) -> None:
        super().__init__(
            f"The platform sent an event larger than the {cap_bytes:,} byte cap; it was skipped."
        )
        self.cap_bytes = cap_bytes


class UnsafeEventIdError(StreamEventError):
    """An event id that cannot be sent back as ``Last-Event-ID``, so it cannot be a cursor."""

    def __init__(self, event_id: str, max_chars: int) -> None:
        super().__init__(
            f"The platform sent an event id that is not 1 to {max_chars} printable ASCII "
            f"characters ({event_id[:40]!r}); the stream resumes from the id before it."
        )


class PlatformUnsupportedError(PlatformError):
    kind = PlatformErrorKind.UNSUPPORTED


class PlatformStatusError(PlatformError):
    """The platform answered with an error status; ``problem`` holds its problem details.
    Used as is for a status the contract does not define."""

    kind = PlatformErrorKind.PROTOCOL

    def __init__(self, user_message: str, problem: ProblemDetails, *, attempts: int = 1) -> None:
        super().__init__(user_message, attempts=attempts)
        self.problem = problem

    @property
    def status(self) -> int:
        return self.problem.status

    @property
    def code(self) -> str:
        return self.problem.code


class AuthError(PlatformStatusError):
    kind = PlatformErrorKind.AUTH


class ForbiddenError(PlatformStatusError):
    kind = PlatformErrorKind.FORBIDDEN


class NotFoundError(PlatformStatusError):
    kind = PlatformErrorKind.NOT_FOUND


class ConflictError(PlatformStatusError):
    kind = PlatformErrorKind.CONFLICT


class SessionNotLiveError(ConflictError):
    """The session is scheduled or has ended, so it cannot be pinned or changed."""


class ValidationError(PlatformStatusError):
    """The platform refused the request's content; ``problem`` says what (and ``code`` is
    ``idempotency_key_reused`` when a key was sent again with another body)."""

    kind = PlatformErrorKind.VALIDATION


class RateLimitedError(PlatformStatusError):
    kind = PlatformErrorKind.RATE_LIMITED

    def __init__(
        self,
        user_message: str,
        problem: ProblemDetails,
        *,
        retry_after_s: float | None,
        attempts: int = 1,
    ) -> None:
        super().__init__(user_message, problem, attempts=attempts)
        self.retry_after_s = retry_after_s


class ServerError(PlatformStatusError):
    kind = PlatformErrorKind.SERVER

    def __init__(
        self,
        user_message: str,
        problem: ProblemDetails,
        *,
        retry_after_s: float | None = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(user_message, problem, attempts=attempts)
        self.retry_after_s = retry_after_s


_SESSION_NOT_LIVE_CODES = frozenset({"session_not_live"})


def error_for_status(
    problem: ProblemDetails, *, what: str, retry_after_s: float | None
) -> PlatformStatusError:
    """The typed error for an error status. ``what`` names the call for the user
    ("pinning the product"); the platform's own ``detail`` is appended when it gave one."""
    status = problem.status
    said = f": {problem.detail}" if problem.detail else ""
    if status == 401:
        return AuthError(
            f"The platform refused the API key while {what}. Check the key in Settings.", problem
        )
    if status == 403:
        return ForbiddenError(f"This API key may not do this ({what}){said}", problem)
    if status == 404:
        return NotFoundError(f"Not found on the platform while {what}{said}", problem)
    if status == 409:
        if problem.code in _SESSION_NOT_LIVE_CODES:
            return SessionNotLiveError(f"The session is not live, so {what} failed{said}", problem)
        return ConflictError(f"The platform reported a conflict while {what}{said}", problem)
    if status in (400, 422):
        return ValidationError(f"The platform refused {what}{said}", problem)
    if status == 429:
        wait = f" Try again in {retry_after_s:.0f} s." if retry_after_s is not None else ""
        return RateLimitedError(
            f"The platform is rate limiting requests ({what}).{wait}",
            problem,
            retry_after_s=retry_after_s,
        )
    if status >= 500:
        return ServerError(
            f"The platform failed while {what} (HTTP {status}){said}",
            problem,
            retry_after_s=retry_after_s,
        )
    return PlatformStatusError(f"The platform answered HTTP {status} while {what}{said}", problem)
