"""The app's one ``httpx.AsyncClient``: explicit timeouts and limits, TLS verification always
on, plain http refused except to this machine (``domain.net``), and the API key kept out of
logs and error text.

Also the mapping from httpx failures and error responses to typed platform errors.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from types import TracebackType
from typing import Any, Self

import httpx

from seller_console.domain.net import (
    THIS_MACHINE_HINT,
    JsonInputError,
    plain_http_allowed,
    read_json,
)
from seller_console.domain.platform_errors import PlatformError
from seller_console.platform._retry import parse_retry_after
from seller_console.platform.errors import (
    InsecureURLError,
    PlatformConnectionError,
    PlatformProtocolError,
    PlatformTimeoutError,
    ProblemDetails,
    error_for_status,
)

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0, pool=5.0)
"""For ordinary calls; the event stream sets its own read timeout (the dead-stream limit)."""
DEFAULT_LIMITS = httpx.Limits(max_connections=10, max_keepalive_connections=5, keepalive_expiry=30)
USER_AGENT = "seller-console"


def checked_base_url(base_url: str) -> httpx.URL:
    """``base_url`` if it is https, or http to this machine; raise ``InsecureURLError``
    otherwise (also for an address that is not a URL at all)."""
    try:
        url = httpx.URL(base_url)
    except httpx.InvalidURL as exc:
        raise InsecureURLError(f"The platform address is not a valid URL: {exc}") from exc
    if plain_http_allowed(url.scheme, url.host):
        return url
    raise InsecureURLError(
        f"Refusing to connect to {url.scheme}://{url.host}: the platform address must use "
        f"https (plain http is allowed only to this machine: {THIS_MACHINE_HINT})."
    )


class HttpOwner:
    """A platform object that owns one ``httpx.AsyncClient`` (``self._http``): usable as
    ``async with``, and ``aclose()`` closes the client."""

    _http: httpx.AsyncClient

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()


class BearerAuth(httpx.Auth):
    """Adds ``Authorization: Bearer <key>`` to each request; its repr never shows the key."""

    def __init__(self, api_key: str) -> None:
        self._header = f"Bearer {api_key}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(<redacted>)"


def make_async_client(
    base_url: str,
    api_key: str,
    *,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    limits: httpx.Limits = DEFAULT_LIMITS,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """The one client for the app's life (close it with ``aclose`` at shutdown).

    TLS verification cannot be turned off here; ``transport`` exists for tests."""
    return httpx.AsyncClient(
        base_url=checked_base_url(base_url),
        auth=BearerAuth(api_key),
        timeout=timeout,
        limits=limits,
        transport=transport,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        follow_redirects=False,
        verify=True,
    )


def redact(text: str, secret: str) -> str:
    """``text`` with every occurrence of ``secret`` replaced."""
    return text.replace(secret, "<redacted>") if secret else text


def translate_transport_error(exc: httpx.RequestError, what: str) -> PlatformError:
    """The typed error for an httpx failure with no usable response: a transport failure,
    a body that cannot be decoded (``Content-Encoding``), or a request httpx cannot send."""
    logger.info("%s: %s", what, type(exc).__name__)
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return PlatformTimeoutError(
            f"The platform did not answer in time while {what}.", outcome_unknown=False
        )
    if isinstance(exc, httpx.TimeoutException):
        return PlatformTimeoutError(
            f"The platform did not answer in time while {what}; it may have acted.",
            outcome_unknown=True,
        )
    if isinstance(exc, httpx.ConnectError):
        return PlatformConnectionError(
            f"Cannot reach the platform while {what}. Check the connection.", request_sent=False
        )
    if isinstance(exc, httpx.DecodingError):
        return PlatformProtocolError(
            f"The platform sent a response that cannot be decoded while {what}."
        )
    if isinstance(exc, httpx.LocalProtocolError | httpx.UnsupportedProtocol):
        return PlatformConnectionError(
            f"The request could not be sent while {what} ({type(exc).__name__}).",
            request_sent=False,
        )
    return PlatformConnectionError(
        f"The connection to the platform broke while {what}.", request_sent=True
    )


def loads(content: bytes | str, what: str = "") -> Any:
    """The platform's JSON, read by ``domain.net.read_json``: every non-integer number a
    ``Decimal`` (never a float), numbers bounded before they are converted, no depth limit
    turned into a ``RecursionError``. Anything else raises ``PlatformProtocolError`` saying
    why; ``what`` names the call ("listing ...") for the message."""
    try:
        return read_json(content)
    except JsonInputError as exc:
        where = f" while {what}" if what else ""
        raise PlatformProtocolError(f"The platform sent unusable JSON{where}: {exc}.") from exc


def problem_of(response: httpx.Response) -> ProblemDetails:
    """The response's problem details; a minimal one when the body is not problem+json."""
    status = response.status_code
    try:
        body = loads(response.content)
    except PlatformProtocolError:
        body = None
    if not isinstance(body, dict):
        return ProblemDetails(status=status, title=response.reason_phrase)
    known = {"type", "title", "status", "detail", "code"}
    return ProblemDetails(
        status=status,
        title=str(body.get("title") or response.reason_phrase),
        detail=str(body.get("detail") or ""),
        code=str(body.get("code") or ""),
        type=str(body.get("type") or "about:blank"),
        extensions={k: v for k, v in body.items() if k not in known},
    )


def raise_for_response(response: httpx.Response, what: str, api_key: str) -> None:
    """Raise the typed error for an error status; return for a 2xx."""
    if response.is_success:
        return
    problem = problem_of(response)
    if api_key and api_key in (problem.detail + problem.title):
        problem = ProblemDetails(
            status=problem.status,
            title=redact(problem.title, api_key),
            detail=redact(problem.detail, api_key),
            code=problem.code,
            type=problem.type,
        )
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    raise error_for_status(problem, what=what, retry_after_s=retry_after)


def json_body(response: httpx.Response, what: str) -> Any:
    return loads(response.content, what)
