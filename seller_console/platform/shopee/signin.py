"""Signing a Shopee profile in: the authorization link, the code, the tokens in the keychain.

- **Through the browser** (``start`` then ``finish``): the seller opens Shopee's
  authorization link (``signing.auth_link``), whose ``redirect`` is a one-shot loopback
  listener on 127.0.0.1 (``platform.loopback``: random port, a random state in its path,
  bounded in time). Shopee sends the browser back with ``code`` and ``shop_id``; the code is
  exchanged (``v2.public.get_access_token``) and the token set saved for the ids Shopee's
  answer lists.
- **By hand** (``exchange_pasted``): the code, or the whole address the browser came back
  to, pasted into the profile.

Shopee's authorization link authorizes a *shop* (its product calls). The livestream calls
are a *user's*: ``get_access_token`` answers a user's code with ``user_id_list`` and the
user's tokens, but Shopee's documentation gives no authorization link for a user, so a
user's code (or the user's token set) is pasted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from seller_console.domain.platform_port import SecretPlace, SecretStore
from seller_console.platform.errors import AuthError, ProblemDetails, ValidationError
from seller_console.platform.loopback import LoopbackRedirect
from seller_console.platform.shopee.adapter import KeychainEntries
from seller_console.platform.shopee.client import CodeGrant, Identity, ShopeeClient
from seller_console.platform.shopee.signing import auth_link
from seller_console.platform.shopee.tokens import save_tokens

SIGN_IN_TIMEOUT_S = 300.0
"""As long as the link works: its timestamp expires after 5 minutes."""
REDIRECT_PATH = "/shopee-signed-in"
MAX_PASTED_CHARS = 4096


@dataclass(frozen=True, slots=True)
class ShopeeAccount:
    """Which app, user and shop a sign-in is for, and where their secrets are kept."""

    host: str
    partner_id: int
    user_id: int
    shop_id: int
    entries: KeychainEntries


def _refused(message: str, code: str) -> ValidationError:
    return ValidationError(message, ProblemDetails(status=0, code=code))


def code_from_pasted(text: str) -> tuple[str, int | None, int | None]:
    """``(code, shop_id, main_account_id)`` from a pasted code or the address the browser
    came back to (``...?code=...&shop_id=...``)."""
    pasted = text.strip()
    if not pasted or len(pasted) > MAX_PASTED_CHARS:
        raise _refused("Paste the code Shopee gave, or the address it sent you back to.", "no_code")
    if "code=" not in pasted:
        if not pasted.isalnum():
            raise _refused(
                "That is not a Shopee authorization code (letters and digits only).", "bad_code"
            )
        return pasted, None, None
    query = parse_qs(urlsplit(pasted).query or pasted.split("?", 1)[-1])
    code = (query.get("code") or [""])[0]
    if not code.isalnum():
        raise _refused("The address has no Shopee authorization code in it.", "bad_code")

    def number(name: str) -> int | None:
        value = (query.get(name) or [""])[0]
        if not value:
            return None
        if not value.isdigit():
            raise _refused(f"The address's {name} is not a number.", "bad_code")
        return int(value)

    return code, number("shop_id"), number("main_account_id")


class ShopeeSignIn:
    """One sign-in for one profile; close it with ``aclose``."""

    def __init__(
        self,
        account: ShopeeAccount,
        store: SecretStore,
        *,
        clock: Callable[[], float] = time.time,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.account = account
        self._store = store
        self._clock = clock
        e = account.entries
        self.client = ShopeeClient(
            account.host,
            Identity(account.partner_id, account.user_id, account.shop_id),
            store,
            partner_key_entry=e.partner_key,
            user_token_entry=e.user_tokens,
            shop_token_entry=e.shop_tokens,
            transport=transport,
            clock=clock,
        )
        self._redirect: LoopbackRedirect | None = None

    async def start(self) -> str:
        """Listen for the browser's return and give the authorization link to open."""
        if self._redirect is None:
            self._redirect = await LoopbackRedirect(REDIRECT_PATH).__aenter__()
        key = await self._store.load(self.account.entries.partner_key)
        if not key:
            raise AuthError(
                "Save the partner key first: the authorization link is signed with it.",
                ProblemDetails(status=401, code="partner_key_missing"),
            )
        return auth_link(
            self.account.host,
            partner_id=self.account.partner_id,
            partner_key=key,
            redirect=self._redirect.url,
            timestamp=int(self._clock()),
        )

    async def finish(self, timeout_s: float = SIGN_IN_TIMEOUT_S) -> str:
        """Wait (bounded) for the browser to come back, exchange its code, save the tokens."""
        if self._redirect is None:
            raise RuntimeError("start the sign-in first")
        params = await self._redirect.wait(timeout_s)
        await self._redirect.close()
        if "code" not in params:
            raise AuthError(
                "Shopee sent the browser back without a code: the authorization was not given.",
                ProblemDetails(status=401, code="no_code"),
            )
        return await self.exchange_pasted("?" + urlencode(params))

    async def exchange_pasted(self, text: str) -> str:
        code, shop_id, main_account_id = code_from_pasted(text)
        grant = await self.client.exchange_code(
            code, shop_id=shop_id, main_account_id=main_account_id
        )
        return await self._save(grant)

    async def _save(self, grant: CodeGrant) -> str:
        a = self.account
        saved = []
        places = set()
        if a.user_id in grant.user_ids:
            places.add(await save_tokens(self._store, a.entries.user_tokens, grant.tokens))
            saved.append(f"user {a.user_id} (livestream)")
        if a.shop_id in grant.shop_ids:
            places.add(await save_tokens(self._store, a.entries.shop_tokens, grant.tokens))
            saved.append(f"shop {a.shop_id} (products)")
        if not saved:
            listed = ", ".join(
                [f"user {u}" for u in grant.user_ids] + [f"shop {s}" for s in grant.shop_ids]
            )
            raise _refused(
                f"Shopee authorized {listed or 'nothing'}, not user {a.user_id} or shop "
                f"{a.shop_id} of this profile: check the profile's ids.",
                "other_account",
            )
        where = (
            "are in the keychain"
            if places == {SecretPlace.KEYCHAIN}
            else "are kept for this run only (this computer has no keychain): sign in again "
            "after the app restarts"
        )
        message = f"Signed in to Shopee: the tokens of {' and '.join(saved)} {where}."
        if a.user_id not in grant.user_ids:
            message += (
                " The livestream calls need the user's tokens too: paste the user's "
                "authorization code or token set."
            )
        return message

    async def aclose(self) -> None:
        if self._redirect is not None:
            await self._redirect.close()
            self._redirect = None
        await self.client.aclose()
