"""Shopee's answer envelope and its errors, mapped to the console's typed errors.

Every Shopee answer is ``{error, message, request_id, response}`` (the auth calls put
their fields beside ``error`` instead of under ``response``); an empty ``error`` means
success. The error names and messages below are the ones the doc JSON lists (each call's
``error_list`` and the ``common_error_list``):

- ``invalid_acceess_token`` (Shopee's spelling) and ``error_auth`` "Invalid access_token."
  mean the access token expired: ``AccessTokenRejectedError``, on which the client refreshes
  the token and repeats the call once;
- ``error_rate_limit``, and the busy answers (``error_server`` "Too many requests, please
  try again later", ``error_system_busy``, ``error_inner`` "... taking some time to
  respond"): ``RateLimitedError``, retried by the one retry policy (the platform did not act);
- ``error_limit`` (the app's daily quota): ``RateLimitedError`` whose wait runs to 00:00
  UTC+8, longer than the policy waits for, so it is raised at once;
- the authorization is gone (refresh token expired or used, shop/user unlinked or banned,
  partner key expired, wrong sign): ``AuthError`` saying to sign in again (or to check the
  partner key);
- permissions: ``ForbiddenError``; a session in the wrong state: ``SessionNotLiveError`` /
  ``ConflictError``; something that does not exist: ``NotFoundError``; bad parameters and
  data: ``ValidationError``; ``error_server``: ``ServerError``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from seller_console.domain.platform_errors import PlatformError, PlatformErrorKind
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
    SessionNotLiveError,
    ValidationError,
)

EXPIRED_TOKEN_ERROR = "invalid_acceess_token"  # noqa: S105 (an error name, Shopee spelling)
SIGN_IN_AGAIN = "Sign in to Shopee again (Show > Platform)."

_SIGN_IN_AGAIN_ERRORS = frozenset(
    {
        "refresh_token_expired",
        "error_shop_refresh_token",
        "error_merchant_refresh_token",
        "shop_access_expired",
        "shop_no_linked",
        "shop_banned",
        "user_no_linked",
        "user_banned",
        "invalid_code",
        "invalid_shop_id",
    }
)
_PARTNER_ERRORS = frozenset({"error_sign", "invalid_partner_id", "error_partner_key_expired"})
_FORBIDDEN_ERRORS = frozenset(
    {"error_api_permission", "error_api_call_restricted", "source_ip_undeclared", "api_suspended"}
)
_BUSY_MESSAGES = ("too many requests", "taking some time to respond")
_NOT_LIVE_MARKS = ("is not ongoing", "is ended")
_CONFLICT_MARKS = ("is still ongoing", "is ongoing", "is duplicated", "too many items")
_NOT_FOUND_MARKS = ("is not exist", "not found", "is not belong to you")


class AccessTokenRejectedError(AuthError):
    """Shopee refused the access token (expired or revoked): refresh it, then repeat once."""


class PinNotConfirmedError(PlatformError):
    """``update_show_item`` was accepted but ``get_show_item`` never read that item back."""

    kind = PlatformErrorKind.CONFLICT


def envelope_error(doc: Any) -> tuple[str, str, str]:
    """``(error, message, request_id)`` of an answer; ``error`` is empty on success."""
    if not isinstance(doc, dict):
        raise PlatformProtocolError("Shopee sent an answer that is not a JSON object.")
    error = doc.get("error") or ""
    message = doc.get("message") or ""
    request_id = doc.get("request_id") or ""
    if not isinstance(error, str) or not isinstance(message, str):
        raise PlatformProtocolError("Shopee sent an answer whose error fields are not text.")
    return error, message, str(request_id)


def _until_next_day_utc8(now: datetime) -> float:
    local = now.astimezone(UTC) + timedelta(hours=8)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - local).total_seconds()


def error_for_envelope(
    error: str,
    message: str,
    request_id: str,
    *,
    status: int,
    what: str,
    now: datetime | None = None,
) -> PlatformStatusError:
    """The typed error for a Shopee error answer. ``what`` names the call for the user
    ("pinning the product"); Shopee's message and request id are appended."""
    problem = ProblemDetails(
        status=status,
        title=error,
        detail=message,
        code=error,
        extensions={"request_id": request_id} if request_id else {},
    )
    said = f": {message}" if message else ""
    ref = f" (Shopee request {request_id})" if request_id else ""
    lowered = message.lower()
    if error == EXPIRED_TOKEN_ERROR or (error == "error_auth" and "access_token" in lowered):
        return AccessTokenRejectedError(
            f"Shopee refused the access token while {what}. {SIGN_IN_AGAIN}", problem
        )
    if error in _SIGN_IN_AGAIN_ERRORS:
        return AuthError(
            f"Shopee no longer accepts this authorization ({error}) while {what}. {SIGN_IN_AGAIN}",
            problem,
        )
    if error in _PARTNER_ERRORS:
        return AuthError(
            f"Shopee refused the app's partner id or key while {what}{said}. Check the "
            "partner id and partner key of the Shopee profile.",
            problem,
        )
    if error == "error_rate_limit" or any(mark in lowered for mark in _BUSY_MESSAGES):
        return RateLimitedError(
            f"Shopee is rate limiting requests ({what}).{ref}", problem, retry_after_s=None
        )
    if error == "error_system_busy":
        return RateLimitedError(f"Shopee is busy ({what}).{ref}", problem, retry_after_s=None)
    if error == "error_limit":
        wait = _until_next_day_utc8(now or datetime.now(UTC))
        return RateLimitedError(
            f"The app has used up Shopee's daily call limit ({what}); it resets at 00:00 UTC+8.",
            problem,
            retry_after_s=wait,
        )
    if error in _FORBIDDEN_ERRORS or (
        error in ("error_auth", "error_data") and "permission" in lowered
    ):
        return ForbiddenError(f"Shopee does not allow this ({what}){said}", problem)
    if error == "error_auth":
        return AuthError(f"Shopee refused the call ({what}){said}. {SIGN_IN_AGAIN}", problem)
    if error.startswith("error_item_not_found") or error.endswith("_not_found"):
        return NotFoundError(f"Not found on Shopee while {what}{said}", problem)
    if error == "error_data":
        if any(mark in lowered for mark in _NOT_LIVE_MARKS):
            return SessionNotLiveError(
                f"The Shopee session is not live, so {what} failed{said}", problem
            )
        if any(mark in lowered for mark in _CONFLICT_MARKS):
            return ConflictError(f"Shopee refused {what}{said}", problem)
        if any(mark in lowered for mark in _NOT_FOUND_MARKS):
            return NotFoundError(f"Not found on Shopee while {what}{said}", problem)
        return ValidationError(f"Shopee refused {what}{said}", problem)
    if error.startswith("error_param"):
        return ValidationError(f"Shopee refused {what}{said}", problem)
    if error in ("error_server", "error_inner", "error_network"):
        return ServerError(f"Shopee failed while {what}{said}{ref}", problem)
    return PlatformStatusError(f"Shopee answered {error} while {what}{said}{ref}", problem)
