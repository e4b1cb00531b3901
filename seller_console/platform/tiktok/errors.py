"""TikTok Shop's ``{code, message, request_id, data}`` envelope mapped to the project's typed
platform errors.

What the sources say about codes, and how each is treated:

- ``code`` 0 is success; anything else is an error whose ``message`` gives the reason.
- Codes whose first three digits are ``105`` or ``360`` are token errors (EcomPHP's
  ``Resource::handleErrorResponse``, citing TikTok's error-code page 234136): the access
  token expired or is invalid. The adapter refreshes the token and retries the call once
  (``TokenRejectedError``).
- ``106001`` is "Invalid credentials. The 'sign' query parameter is invalid." (a real
  answer, served with HTTP 401): a bug on our side, never retried (``SignatureRejectedError``).
- HTTP 429 is a rate limit: retried under the one retry policy (``RateLimitedError``).
- HTTP 403 (the app or creator lacks the scope or permission) is ``ForbiddenError``; a
  refused pin becomes ``PinRefusedError`` (kind FORBIDDEN) so the live session can switch
  to operator-performed pins.
- HTTP 5xx is a server failure (retried); other non-zero codes are the platform refusing
  the request's content (``ValidationError``).

The specific numbers for rate limiting and permissions are not in the sources; the HTTP
status decides those.
"""

from __future__ import annotations

from typing import Any

import httpx

from seller_console.platform._http import loads
from seller_console.platform._retry import parse_retry_after
from seller_console.platform.errors import (
    AuthError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    PlatformProtocolError,
    PlatformStatusError,
    ProblemDetails,
    RateLimitedError,
    ServerError,
    ValidationError,
)

INVALID_SIGN = 106001
TOKEN_CODE_GROUPS = frozenset({"105", "360"})


class TokenRejectedError(AuthError):
    """TikTok refused the access token (expired or invalid): refresh, then retry once."""


class SignatureRejectedError(AuthError):
    """TikTok refused the request's signature: the request and its sign disagree."""


class PinRefusedError(ForbiddenError):
    """TikTok refused the pin call as unauthorised or unavailable for this creator or app.
    The live session switches to operator-performed pins when it sees this (kind FORBIDDEN)."""


def is_token_code(code: int) -> bool:
    return str(code)[:3] in TOKEN_CODE_GROUPS


def envelope_data(response: httpx.Response, what: str) -> Any:
    """The ``data`` of a successful answer (``{}`` when it has none); the typed error else."""
    try:
        doc = loads(response.content)
    except PlatformProtocolError:
        doc = None
    if not isinstance(doc, dict) or isinstance(doc.get("code"), bool):
        if not response.is_success:
            raise error_for(response, code=-1, message=response.reason_phrase, what=what)
        raise PlatformProtocolError(f"TikTok sent an answer that is not its envelope while {what}.")
    code = doc.get("code")
    if not isinstance(code, int):
        raise PlatformProtocolError(f"TikTok's answer has no numeric code while {what}.")
    if code == 0 and response.is_success:
        data = doc.get("data")
        return {} if data is None else data
    message = doc.get("message")
    request_id = doc.get("request_id")
    raise error_for(
        response,
        code=code,
        message=message if isinstance(message, str) else "",
        what=what,
        request_id=request_id if isinstance(request_id, str) else "",
    )


def error_for(
    response: httpx.Response, *, code: int, message: str, what: str, request_id: str = ""
) -> PlatformStatusError:
    """The typed error for a TikTok answer with a non-zero ``code`` (or no envelope)."""
    status = response.status_code
    problem = ProblemDetails(
        status=status,
        title=message,
        detail=message,
        code=str(code),
        extensions={"request_id": request_id} if request_id else {},
    )
    said = f": {message}" if message else ""
    if code == INVALID_SIGN:
        return SignatureRejectedError(
            f"TikTok refused the request's signature while {what}{said}", problem
        )
    if is_token_code(code):
        return TokenRejectedError(
            f"TikTok refused the access token while {what}. Sign in to TikTok Shop again "
            f"if this persists{said}",
            problem,
        )
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        wait = f" Try again in {retry_after:.0f} s." if retry_after is not None else ""
        return RateLimitedError(
            f"TikTok is rate limiting requests ({what}).{wait}", problem, retry_after_s=retry_after
        )
    if status >= 500:
        return ServerError(f"TikTok failed while {what} (HTTP {status}){said}", problem)
    if status == 401:
        return AuthError(f"TikTok refused the app's credentials while {what}{said}", problem)
    if status == 403:
        return ForbiddenError(f"TikTok does not allow this app or creator {what}{said}", problem)
    if status == 404:
        return NotFoundError(f"Not found on TikTok while {what}{said}", problem)
    if status == 409:
        return ConflictError(f"TikTok reported a conflict while {what}{said}", problem)
    return ValidationError(f"TikTok refused {what}{said}", problem)
