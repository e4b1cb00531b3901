"""A one-shot loopback redirect: where a platform's authorization page sends the browser back.

``LoopbackRedirect`` listens on 127.0.0.1 at a random free port, for a bounded time. Its
``url`` ends with a random ``state`` as the last part of its path (not in its query: a
platform appends its own ``?code=...`` to the redirect it is given, and one that does not
expect a query there would garble it). The first request to exactly that path ends the wait
with the request's query parameters, and the browser gets a short page saying it can be
closed. A request for any other path (a wrong or missing state) is answered 400 and
ignored, so a stray or forged request cannot finish a sign-in.

A platform that sends the browser back only to the one address registered for the app
(TikTok's creator authorization) gets a fixed ``port`` and ``state_param``: the state then
travels in the authorization link, the platform hands it back in that query parameter, and
it is checked there. Either way,
each connection may send at most ``MAX_REQUEST_BYTES`` within ``READ_TIMEOUT_S``. Nothing
but the request line is read.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import secrets
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

from seller_console.domain.platform_errors import PlatformError, PlatformErrorKind

MAX_REQUEST_BYTES = 8192
READ_TIMEOUT_S = 5.0
DONE_PAGE = (
    "<!doctype html><meta charset=utf-8><title>Seller Console</title>"
    "<p>Signed in: you can close this tab and go back to Seller Console.</p>"
)
REFUSED_PAGE = "<!doctype html><meta charset=utf-8><title>Seller Console</title><p>Not expected."


class LoopbackBusyError(PlatformError):
    """The fixed port the platform sends the browser back to is taken."""

    kind = PlatformErrorKind.CONNECTION


class SignInTimedOutError(PlatformError):
    """The browser did not come back within the time allowed."""

    kind = PlatformErrorKind.TIMEOUT


class LoopbackRedirect:
    """Use as ``async with LoopbackRedirect("/shopee") as redirect: ... await redirect.wait(s)``."""

    def __init__(self, path: str, *, port: int = 0, state_param: str | None = None) -> None:
        if not path.startswith("/"):
            raise ValueError("the redirect path starts with /")
        self.path = path
        self.port = port
        self.state_param = state_param
        self.state = secrets.token_urlsafe(24)
        self._server: asyncio.Server | None = None
        self._result: asyncio.Future[dict[str, str]] | None = None
        self.refused = 0  # requests answered 400: another path, or a wrong state

    @property
    def url(self) -> str:
        """The redirect address to give the platform, ``state`` included."""
        if self._server is None:
            raise RuntimeError("the redirect is not listening")
        port = self._server.sockets[0].getsockname()[1]
        if self.state_param is not None:
            return f"http://127.0.0.1:{port}{self.path}"
        return f"http://127.0.0.1:{port}{self.path}/{self.state}"

    async def __aenter__(self) -> LoopbackRedirect:
        self._result = asyncio.get_running_loop().create_future()
        try:
            self._server = await asyncio.start_server(
                self._serve, "127.0.0.1", self.port, limit=MAX_REQUEST_BYTES
            )
        except OSError as exc:
            raise LoopbackBusyError(
                f"Port {self.port} on this computer is in use, so the browser cannot come back "
                f"to it ({exc.strerror}): paste the code by hand."
            ) from None
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        if self._result is not None and not self._result.done():
            self._result.cancel()

    async def wait(self, timeout_s: float) -> dict[str, str]:
        """The query parameters of the browser's return to ``url``."""
        if self._result is None:
            raise RuntimeError("the redirect is not listening")
        try:
            return await asyncio.wait_for(asyncio.shield(self._result), timeout_s)
        except TimeoutError:
            raise SignInTimedOutError(
                f"The browser did not come back within {timeout_s / 60:.0f} minutes: "
                "sign in again, or paste the code by hand."
            ) from None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await asyncio.wait_for(reader.readuntil(b"\r\n"), READ_TIMEOUT_S)
            params = self._accepted(line.decode("ascii", "replace"))
            if params is None:
                self.refused += 1
                await self._reply(writer, "400 Bad Request", REFUSED_PAGE)
                return
            await self._reply(writer, "200 OK", DONE_PAGE)
            if self._result is not None and not self._result.done():
                self._result.set_result(params)
        except (TimeoutError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            self.refused += 1
        except ConnectionError:
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    def _accepted(self, request_line: str) -> dict[str, str] | None:
        parts = request_line.split()
        if len(parts) != 3 or parts[0] != "GET":
            return None
        target = urlsplit(parts[1])
        query = {k: v[0] for k, v in parse_qs(target.query, keep_blank_values=True).items()}
        if self.state_param is None:
            expected = f"{self.path}/{self.state}"
            ok = hmac.compare_digest(target.path.encode(), expected.encode())
        else:
            given = query.pop(self.state_param, "")
            ok = target.path == self.path and hmac.compare_digest(
                given.encode(), self.state.encode()
            )
        return query if ok else None

    @staticmethod
    async def _reply(writer: asyncio.StreamWriter, status: str, page: str) -> None:
        body = page.encode()
        head = (
            f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nCache-Control: no-store\r\n"
            "Connection: close\r\n\r\n"
        )
        writer.write(head.encode() + body)
        await writer.drain()
