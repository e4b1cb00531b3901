"""Signing a TikTok Shop creator in through the browser.

TikTok's creator authorization page (``CREATOR_AUTH_PAGE``, query ``app_key`` and a
required ``state``) sends the browser back to the one redirect address registered for the
app in Partner Center, with ``code`` and the same ``state``. Registering
``REDIRECT_URL`` (this computer, a fixed port) lets the console hear it: a one-shot
loopback listener (``platform.loopback``) checks the state, bounded in time, and hands the
code to ``exchange`` (the token host's ``/api/v2/token/get``, see ``tokens``). Any other
registered address works too: the creator pastes the code it shows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from seller_console.platform.errors import AuthError, ProblemDetails
from seller_console.platform.loopback import LoopbackRedirect

CREATOR_AUTH_PAGE = "https://shop.tiktok.com/alliance/creator/auth"
REDIRECT_PORT = 51234
REDIRECT_PATH = "/tiktok-signed-in"
REDIRECT_URL = f"http://127.0.0.1:{REDIRECT_PORT}{REDIRECT_PATH}"
SIGN_IN_TIMEOUT_S = 300.0


def creator_auth_link(app_key: str, state: str, page: str = CREATOR_AUTH_PAGE) -> str:
    return f"{page}?{urlencode({'app_key': app_key, 'state': state})}"


class TikTokSignIn:
    """One browser sign-in: ``start`` (the link to open), ``finish``, ``aclose``."""

    def __init__(
        self,
        app_key: str,
        exchange: Callable[[str], Awaitable[str]],
        *,
        port: int = REDIRECT_PORT,
        page: str = CREATOR_AUTH_PAGE,
    ) -> None:
        self._app_key = app_key
        self._exchange = exchange
        self._page = page
        self._redirect = LoopbackRedirect(REDIRECT_PATH, port=port, state_param="state")
        self._listening = False

    @property
    def redirect_url(self) -> str:
        return self._redirect.url

    async def start(self) -> str:
        if not self._listening:
            await self._redirect.__aenter__()
            self._listening = True
        return creator_auth_link(self._app_key, self._redirect.state, self._page)

    async def finish(self, timeout_s: float = SIGN_IN_TIMEOUT_S) -> str:
        """Wait (bounded) for the browser to come back, then trade its code for tokens."""
        params = await self._redirect.wait(timeout_s)
        await self.aclose()
        code = params.get("code", "")
        if not code:
            raise AuthError(
                "TikTok sent the browser back without a code: the authorization was not given.",
                ProblemDetails(status=401, code="no_code"),
            )
        return await self._exchange(code)

    async def aclose(self) -> None:
        if self._listening:
            self._listening = False
            await self._redirect.close()
