"""One typed method per Shopee call the console uses, signed, under the one retry policy.

Paths, verbs and fields are the doc JSON's (``schemas/v2.<module>.<call>.json`` of the
Open Platform doc): ``method`` 1 is a POST with a JSON body, 2 a GET with query parameters;
the common parameters (``partner_id``, ``timestamp``, ``access_token``, ``user_id`` or
``shop_id``, ``sign``) always go in the query string. Livestream calls are "User" APIs
signed with the user's token and id, product calls "Shop" APIs signed with the shop's, and
the token refresh a "Public" API.

An answer whose ``error`` says the access token was refused makes the client refresh that
id's token and repeat the call once; a second refusal is an ``AuthError`` ("sign in
again"). Rate-limit and busy answers are retried by ``Retrier``; a POST that may have
reached Shopee is otherwise not repeated (Shopee takes no idempotency key).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from seller_console.domain.platform_port import SecretStore
from seller_console.platform._http import (
    DEFAULT_LIMITS,
    DEFAULT_TIMEOUT,
    USER_AGENT,
    HttpOwner,
    checked_base_url,
    json_body,
    raise_for_response,
    translate_transport_error,
)
from seller_console.platform._retry import Retrier, is_retry_safe
from seller_console.platform.errors import AuthError, PlatformProtocolError, ProblemDetails
from seller_console.platform.shopee import wire
from seller_console.platform.shopee.errors import (
    SIGN_IN_AGAIN,
    AccessTokenRejectedError,
    envelope_error,
    error_for_envelope,
)
from seller_console.platform.shopee.signing import ApiLevel, signed_query
from seller_console.platform.shopee.tokens import REFRESH_MARGIN_S, TokenManager, TokenSet

logger = logging.getLogger(__name__)
_QUERY_SECRET = re.compile(r"\b(access_token|sign)=[^&\s\"']+")


class _RedactQuerySecrets(logging.Filter):
    """Shopee takes the access token (and the sign) in the query string: keep them out of
    httpx's request log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _QUERY_SECRET.sub(r"\1=<redacted>", str(arg))
                if isinstance(arg, str | httpx.URL)
                else arg
                for arg in record.args
            )
        return True


def _redact_httpx_logs() -> None:
    http_log = logging.getLogger("httpx")
    if not any(isinstance(f, _RedactQuerySecrets) for f in http_log.filters):
        http_log.addFilter(_RedactQuerySecrets())


LIVESTREAM = "/api/v2/livestream/"
PRODUCT = "/api/v2/product/"
REFRESH_PATH = "/api/v2/auth/access_token/get"
CODE_EXCHANGE_PATH = "/api/v2/auth/token/get"


@dataclass(frozen=True, slots=True)
class CodeGrant:
    """What ``v2.public.get_access_token`` grants for an authorization code: one token set,
    for every id it lists (``user_id_list`` for a user's livestream authorization,
    ``shop_id_list`` for a shop's)."""

    tokens: TokenSet
    user_ids: tuple[int, ...]
    shop_ids: tuple[int, ...]


PAGE_SIZE = 100  # the documented maximum of page_size for the paged calls used here
BASE_INFO_BATCH = 50  # get_item_base_info: "item_id_list ... limit [0,50]"

QueryValue = str | int | Sequence[str]


@dataclass(frozen=True, slots=True)
class Identity:
    """The app and the ids it acts for: ``partner_id`` (the app), ``user_id`` (the streamer,
    for livestream calls) and ``shop_id`` (the shop whose items are sold)."""

    partner_id: int
    user_id: int
    shop_id: int


class ShopeeClient(HttpOwner):
    """Shopee's Open Platform calls for a live show. Close it with ``aclose``."""

    def __init__(
        self,
        host: str,
        identity: Identity,
        store: SecretStore,
        *,
        partner_key_entry: str,
        user_token_entry: str,
        shop_token_entry: str,
        retrier: Retrier | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        refresh_margin_s: float = REFRESH_MARGIN_S,
    ) -> None:
        _redact_httpx_logs()
        self.identity = identity
        self._store = store
        self._partner_key_entry = partner_key_entry
        self._partner_key = ""
        self._clock = clock
        self._retrier = retrier or Retrier()
        self._http = httpx.AsyncClient(
            base_url=checked_base_url(host),
            timeout=DEFAULT_TIMEOUT,
            limits=DEFAULT_LIMITS,
            transport=transport,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=False,
            verify=True,
        )
        self.user_tokens = TokenManager(
            store,
            user_token_entry,
            lambda token: self._refresh(ApiLevel.USER, token),
            clock=clock,
            margin_s=refresh_margin_s,
        )
        self.shop_tokens = TokenManager(
            store,
            shop_token_entry,
            lambda token: self._refresh(ApiLevel.SHOP, token),
            clock=clock,
            margin_s=refresh_margin_s,
        )

    async def _key(self) -> str:
        """The partner key, read from the keychain on first use."""
        if not self._partner_key:
            key = await self._store.load(self._partner_key_entry)
            if not key:
                raise AuthError(
                    "The Shopee partner key is not saved in the keychain "
                    f"({self._partner_key_entry}). Enter it in the Shopee profile.",
                    ProblemDetails(status=401, code="partner_key_missing"),
                )
            self._partner_key = key
        return self._partner_key

    # ------------------------------------------------------------ one call
    async def _send(
        self,
        method: str,
        path: str,
        query: Mapping[str, QueryValue],
        body: Any,
        what: str,
    ) -> Any:
        """One HTTP exchange; the whole answer document once its envelope says success."""
        content = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json"} if content is not None else {}
        try:
            response = await self._http.request(
                method, path, params=dict(query), content=content, headers=headers
            )
        except httpx.TransportError as exc:
            raise translate_transport_error(exc, what) from exc
        try:
            doc = json_body(response, what)
        except PlatformProtocolError:
            raise_for_response(response, what, self._partner_key)
            raise
        error, message, request_id = envelope_error(doc)
        if error:
            raise error_for_envelope(
                error, message, request_id, status=response.status_code, what=what
            )
        if not response.is_success:
            raise_for_response(response, what, self._partner_key)
        return doc

    async def call(
        self,
        method: str,
        path: str,
        level: ApiLevel,
        *,
        what: str,
        params: Mapping[str, QueryValue] | None = None,
        body: Any = None,
        retrier: Retrier | None = None,
    ) -> Any:
        """A user or shop call: its ``response`` object. Refreshes the token and repeats
        the call once when Shopee refuses the access token."""
        tokens = self.user_tokens if level is ApiLevel.USER else self.shop_tokens
        owner = self.identity.user_id if level is ApiLevel.USER else self.identity.shop_id
        used: list[str] = []

        async def attempt() -> Any:
            token = await tokens.access_token()
            used.append(token)
            query: dict[str, QueryValue] = dict(params or {})
            query.update(
                signed_query(
                    level,
                    partner_id=self.identity.partner_id,
                    partner_key=await self._key(),
                    path=path,
                    timestamp=int(self._clock()),
                    access_token=token,
                    owner_id=owner,
                )
            )
            return await self._send(method, path, query, body, what)

        run = (retrier or self._retrier).run
        safe = is_retry_safe(method, has_idempotency_key=False)
        label = f"{method} {path}"
        try:
            doc = await run(attempt, retry_safe=safe, label=label)
        except AccessTokenRejectedError:
            logger.info("%s: access token refused; refreshing and repeating once", label)
            await tokens.refresh(used[-1])
            try:
                doc = await run(attempt, retry_safe=safe, label=label)
            except AccessTokenRejectedError as again:
                raise AuthError(
                    f"Shopee refused a freshly refreshed access token while {what}. "
                    f"{SIGN_IN_AGAIN}",
                    again.problem,
                ) from again
        return doc.get("response") if isinstance(doc, dict) else None

    async def _refresh(self, level: ApiLevel, refresh_token: str) -> TokenSet:
        """``v2.public.refresh_access_token`` for the user's or the shop's tokens."""
        id_param = str(level.id_param)
        owner = self.identity.user_id if level is ApiLevel.USER else self.identity.shop_id
        body = {
            "refresh_token": refresh_token,
            "partner_id": self.identity.partner_id,
            id_param: owner,
        }
        what = f"refreshing the Shopee {level.value} token"
        d = await self._public_post(REFRESH_PATH, body, what)
        return self._granted(d, "Shopee's token refresh answer has no tokens.")

    async def exchange_code(
        self, code: str, *, shop_id: int | None = None, main_account_id: int | None = None
    ) -> CodeGrant:
        """``v2.public.get_access_token``: body ``code, partner_id`` and the ``shop_id`` or
        ``main_account_id`` the authorization's redirect named, if any. The code works once,
        so the call is repeated only where it surely did not reach Shopee."""
        body: dict[str, object] = {"code": code, "partner_id": self.identity.partner_id}
        if shop_id is not None:
            body["shop_id"] = shop_id
        if main_account_id is not None:
            body["main_account_id"] = main_account_id
        what = "exchanging the Shopee authorization code"
        d = await self._public_post(CODE_EXCHANGE_PATH, body, what)
        return CodeGrant(
            self._granted(d, "Shopee's answer to the authorization code has no tokens."),
            _ids(d, "user_id_list"),
            _ids(d, "shop_id_list"),
        )

    async def _public_post(self, path: str, body: dict[str, object], what: str) -> Any:
        """A public-level call (signed with the partner key alone), sent once: a token
        call spends what it is given (a code, a refresh token), so it is repeated only
        where it surely did not reach Shopee. Returns the answer's object."""

        async def attempt() -> Any:
            query = signed_query(
                ApiLevel.PUBLIC,
                partner_id=self.identity.partner_id,
                partner_key=await self._key(),
                path=path,
                timestamp=int(self._clock()),
            )
            return await self._send("POST", path, query, body, what)

        doc = await self._retrier.run(attempt, retry_safe=False, label=f"POST {path}")
        return wire.obj(doc, "answer")

    def _granted(self, d: Any, missing: str) -> TokenSet:
        """The token set in a token call's answer ``d`` (``missing``: the error without)."""
        access, refresh = wire.text(d, "access_token"), wire.text(d, "refresh_token")
        if not access or not refresh:
            raise PlatformProtocolError(missing)
        expire_in = wire.integer(d, "expire_in", "answer")
        return TokenSet.granted(access, refresh, expire_in, now=self._clock())

    # ------------------------------------------------------------ livestream (User)
    async def _live(
        self,
        name: str,
        what: str,
        *,
        params: Mapping[str, QueryValue] | None = None,
        body: Any = None,
        retrier: Retrier | None = None,
    ) -> Any:
        method = "GET" if body is None else "POST"
        return await self.call(
            method,
            LIVESTREAM + name,
            ApiLevel.USER,
            what=what,
            params=params,
            body=body,
            retrier=retrier,
        )

    async def create_session(self, title: str, cover_image_url: str, *, is_test: bool) -> int:
        body = {"title": title, "cover_image_url": cover_image_url, "is_test": is_test}
        doc = await self._live("create_session", "creating the Shopee live session", body=body)
        return wire.integer(wire.obj(doc, "response"), "session_id", "response")

    async def get_session_detail(
        self, session_id: int, *, retrier: Retrier | None = None
    ) -> wire.SessionDetail:
        doc = await self._live(
            "get_session_detail",
            "reading the Shopee session",
            params={"session_id": session_id},
            retrier=retrier,
        )
        return wire.session_detail(doc)

    async def start_session(self, session_id: int, domain_id: int) -> None:
        body = {"session_id": session_id, "domain_id": domain_id}
        await self._live("start_session", "starting the Shopee session", body=body)

    async def end_session(self, session_id: int) -> None:
        await self._live(
            "end_session", "ending the Shopee session", body={"session_id": session_id}
        )

    async def change_items(
        self, name: str, session_id: int, items: Sequence[tuple[int, int]]
    ) -> None:
        """``add_item_list``, ``update_item_list`` (the bag's order) or ``delete_item_list``."""
        body = {
            "session_id": session_id,
            "item_list": [{"item_id": item, "shop_id": shop} for item, shop in items],
        }
        await self._live(name, "changing the Shopee live bag", body=body)

    async def get_item_list(self, session_id: int) -> list[tuple[int, int]]:
        """The bag as ``(item_id, shop_id)`` in its order (``item_no``), every page read."""
        entries: list[tuple[int, int, int]] = []
        offset = 0
        while True:
            doc = wire.obj(
                await self._live(
                    "get_item_list",
                    "reading the Shopee live bag",
                    params={"session_id": session_id, "offset": offset, "page_size": PAGE_SIZE},
                ),
                "response",
            )
            for n, item in enumerate(wire.objects(doc, "list", "response")):
                where = f"response.list[{n}]"
                entries.append(
                    (
                        wire.integer(item, "item_no", where, len(entries) + 1),
                        wire.integer(item, "item_id", where),
                        wire.integer(item, "shop_id", where),
                    )
                )
            next_offset = wire.integer(doc, "next_offset", "response", 0)
            if not wire.flag(doc, "more") or next_offset <= offset:
                break
            offset = next_offset
        return [(item, shop) for _no, item, shop in sorted(entries)]

    async def get_item_count(self, session_id: int) -> tuple[int, int]:
        """``(item_count, max_item_count)`` of the session's bag."""
        doc = wire.obj(
            await self._live(
                "get_item_count", "reading the bag's size", params={"session_id": session_id}
            ),
            "response",
        )
        return (
            wire.integer(doc, "item_count", "response"),
            wire.integer(doc, "max_item_count", "response"),
        )

    async def update_show_item(self, session_id: int, item_id: int, shop_id: int) -> None:
        body = {"session_id": session_id, "item_id": item_id, "shop_id": shop_id}
        await self._live("update_show_item", "showing the item on the stream", body=body)

    async def delete_show_item(self, session_id: int) -> None:
        body = {"session_id": session_id}
        await self._live("delete_show_item", "hiding the shown item", body=body)

    async def get_show_item(
        self, session_id: int, *, retrier: Retrier | None = None
    ) -> wire.ShowItem | None:
        doc = await self._live(
            "get_show_item",
            "reading the shown item",
            params={"session_id": session_id},
            retrier=retrier,
        )
        return wire.show_item(doc)

    async def get_session_metric(
        self, session_id: int, *, retrier: Retrier | None = None
    ) -> wire.SessionMetric:
        doc = await self._live(
            "get_session_metric",
            "reading the session's metrics",
            params={"session_id": session_id},
            retrier=retrier,
        )
        return wire.session_metric(doc)

    async def get_session_item_metric(
        self, session_id: int, *, retrier: Retrier | None = None
    ) -> list[wire.ItemMetric]:
        """Every page of the per-item metrics."""
        out: list[wire.ItemMetric] = []
        offset = 0
        while True:
            page = wire.item_metrics(
                await self._live(
                    "get_session_item_metric",
                    "reading the items' metrics",
                    params={"session_id": session_id, "offset": offset, "page_size": PAGE_SIZE},
                    retrier=retrier,
                )
            )
            out.extend(page.entries)
            if not page.more or page.next_offset <= offset:
                return out
            offset = page.next_offset

    async def get_latest_comment_list(
        self, session_id: int, *, retrier: Retrier | None = None
    ) -> list[wire.Comment]:
        """The comments of the last 10 seconds (one call; ``offset`` left at its default)."""
        doc = await self._live(
            "get_latest_comment_list",
            "reading the comments",
            params={"session_id": session_id},
            retrier=retrier,
        )
        return list(wire.comments(doc).entries)

    # ------------------------------------------------------------ products (Shop)
    async def _product(self, name: str, what: str, params: Mapping[str, QueryValue]) -> Any:
        return await self.call("GET", PRODUCT + name, ApiLevel.SHOP, what=what, params=params)

    async def list_item_ids(self) -> list[int]:
        """Every NORMAL item of the shop, every page read."""
        ids: list[int] = []
        offset = 0
        while True:
            page = wire.shop_item_ids(
                await self._product(
                    "get_item_list",
                    "listing the shop's items",
                    {"offset": offset, "page_size": PAGE_SIZE, "item_status": ["NORMAL"]},
                )
            )
            ids.extend(page.entries)
            if not page.more or page.next_offset <= offset:
                return ids
            offset = page.next_offset

    async def get_item_base_info(self, item_ids: Sequence[int]) -> list[wire.ShopItem]:
        out: list[wire.ShopItem] = []
        for start in range(0, len(item_ids), BASE_INFO_BATCH):
            chunk = item_ids[start : start + BASE_INFO_BATCH]
            out.extend(
                wire.shop_items(
                    await self._product(
                        "get_item_base_info",
                        "reading the shop's items",
                        {"item_id_list": ",".join(str(i) for i in chunk)},
                    )
                )
            )
        return out

    async def get_model_list(self, item_id: int) -> list[wire.Model]:
        return wire.models(
            await self._product(
                "get_model_list", f"reading the models of item {item_id}", {"item_id": item_id}
            )
        )


def _ids(doc: Mapping[str, Any], key: str) -> tuple[int, ...]:
    """An ``int64[]`` of an auth answer (absent or null: none)."""
    value = doc.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise PlatformProtocolError(f"Shopee's {key} is not a list of ids.")
    return tuple(value)
