"""The Live Commerce API client: every call of the contract, typed, with one retry policy,
and the session event stream reader that never skips an event.

Construct one for the app's life and close it at shutdown::

    async with LiveCommerceClient(base_url, api_key) as platform:
        key = new_idempotency_key()            # once per user intent; persist it with the intent
        pin = await platform.pin(session_id, PinRequest(product_id), idempotency_key=key)
        async with contextlib.aclosing(platform.events(session_id, after=saved_cursor)) as feed:
            async for delivery in feed:        # apply delivery.event, then save delivery.cursor
                ...
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncGenerator, Sequence
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import quote

import httpx

from seller_console.domain.connection import LinkStatus
from seller_console.domain.events import (
    RAW_KEPT_CHARS,
    CursorMoved,
    Delivery,
    EventRejected,
    OrdersResynced,
    Pin,
    SessionStatus,
)
from seller_console.domain.orders import Order
from seller_console.domain.platform_errors import PlatformError
from seller_console.domain.platform_port import (
    Account,
    AffiliateLink,
    BatchItemResult,
    Capabilities,
    IdempotencyKey,
    LinkListener,
    LiveSession,
    Page,
    PinKind,
    PinRequest,
    SalesKind,
    ShowcaseProduct,
    new_idempotency_key,
)
from seller_console.platform import wire
from seller_console.platform._http import (
    DEFAULT_LIMITS,
    DEFAULT_TIMEOUT,
    HttpOwner,
    json_body,
    loads,
    make_async_client,
    raise_for_response,
    translate_transport_error,
)
from seller_console.platform._retry import (
    IDEMPOTENCY_HEADER,
    Retrier,
    RetryPolicy,
    is_retry_safe,
    retry_verdict,
)
from seller_console.platform.errors import PlatformProtocolError
from seller_console.platform.sse import ServerSentEvent, SSEDecoder, is_safe_event_id

logger = logging.getLogger(__name__)

DEAD_STREAM_S = 45.0
"""A stream that sends not one byte (keep-alive comments included) for this long is dead."""
STREAM_RECONNECT_POLICY = RetryPolicy(
    max_attempts=1_000_000, max_elapsed_s=float("inf"), base_delay_s=0.1, max_delay_s=5.0
)
"""Backoff between reconnects of the event stream; it never gives up on its own."""
RESYNC_REQUIRED = "resync-required"
ORDERS_PAGE_LIMIT = 500


def _seg(value: str) -> str:
    return quote(value, safe="")


CAPABILITIES = Capabilities(
    pins=PinKind.CONFIRMED, sales=SalesKind.ORDER_STREAM, viewers=True, comments=False
)


class LiveCommerceClient(HttpOwner):
    """The reference platform: the Live Commerce API. Implements ``PlatformAdapter``."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        retry_policy: RetryPolicy | None = None,
        retrier: Retrier | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        limits: httpx.Limits = DEFAULT_LIMITS,
        dead_stream_s: float = DEAD_STREAM_S,
        stream_reconnect: Retrier | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._api_key = api_key
        self._http = make_async_client(
            base_url, api_key, timeout=timeout, limits=limits, transport=transport
        )
        self._retrier = retrier or Retrier(retry_policy)
        self._reconnect = stream_reconnect or Retrier(STREAM_RECONNECT_POLICY)
        self._stream_timeout = httpx.Timeout(
            connect=timeout.connect, read=dead_stream_s, write=timeout.write, pool=timeout.pool
        )

    @property
    def platform(self) -> str:
        return "livecommerce"

    @property
    def capabilities(self) -> Capabilities:
        return CAPABILITIES

    # ------------------------------------------------------------ one call
    async def _call(
        self,
        method: str,
        path: str,
        *,
        what: str,
        body: Any = None,
        params: dict[str, str | int] | None = None,
        idempotency_key: IdempotencyKey | None = None,
    ) -> Any:
        """Send one call under the retry policy; the parsed JSON body (None for no body).

        A mutating call always carries an ``Idempotency-Key``: the caller's, or one minted
        here for this call. The same key goes out on every retry."""
        headers: dict[str, str] = {}
        if method not in ("GET", "HEAD", "OPTIONS"):
            headers[IDEMPOTENCY_HEADER] = idempotency_key or new_idempotency_key()
        content = None
        if body is not None:
            content = json.dumps(body, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"

        async def attempt() -> Any:
            try:
                response = await self._http.request(
                    method, path, content=content, params=params, headers=headers
                )
            except httpx.RequestError as exc:
                raise translate_transport_error(exc, what) from exc
            raise_for_response(response, what, self._api_key)
            if response.status_code == 204 or not response.content:
                return None
            return json_body(response, what)

        return await self._retrier.run(
            attempt,
            retry_safe=is_retry_safe(method, IDEMPOTENCY_HEADER in headers),
            label=f"{method} {path}",
        )

    # ------------------------------------------------------------ account and showcase
    async def me(self) -> Account:
        return wire.account(await self._call("GET", "/v1/me", what="reading the account"))

    async def upsert_product(
        self, product: ShowcaseProduct, *, idempotency_key: IdempotencyKey | None = None
    ) -> ShowcaseProduct:
        doc = await self._call(
            "PUT",
            f"/v1/showcase/products/{_seg(product.id)}",
            what=f"saving product {product.id}",
            body=wire.product_to_wire(product),
            idempotency_key=idempotency_key,
        )
        return wire.product(doc)

    async def upsert_products(
        self,
        products: Sequence[ShowcaseProduct],
        *,
        idempotency_key: IdempotencyKey | None = None,
    ) -> list[BatchItemResult]:
        """Upsert up to 500 products in one call; one result per product, in order."""
        doc = await self._call(
            "POST",
            "/v1/showcase/products:batch",
            what=f"saving {len(products)} products",
            body={"products": [wire.product_to_wire(p) for p in products]},
            idempotency_key=idempotency_key,
        )
        items = doc.get("results") if isinstance(doc, dict) else None
        if not isinstance(items, list):
            raise PlatformProtocolError("The platform's batch answer has no list of results.")
        return [wire.batch_result(item) for item in items]

    async def list_products(
        self, *, cursor: str | None = None, limit: int | None = None
    ) -> Page[ShowcaseProduct]:
        doc = await self._call(
            "GET",
            "/v1/showcase/products",
            what="listing the showcase",
            params=_page_params(cursor=cursor, limit=limit),
        )
        return wire.page(doc, wire.product)

    async def delete_product(
        self, product_id: str, *, idempotency_key: IdempotencyKey | None = None
    ) -> None:
        await self._call(
            "DELETE",
            f"/v1/showcase/products/{_seg(product_id)}",
            what=f"removing product {product_id}",
            idempotency_key=idempotency_key,
        )

    async def create_affiliate_link(
        self, product_id: str, *, idempotency_key: IdempotencyKey | None = None
    ) -> AffiliateLink:
        doc = await self._call(
            "POST",
            "/v1/affiliate-links",
            what=f"making an affiliate link for {product_id}",
            body={"product_id": product_id},
            idempotency_key=idempotency_key,
        )
        return wire.affiliate_link(doc)

    # ------------------------------------------------------------ live sessions
    async def list_sessions(
        self,
        *,
        status: SessionStatus | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Page[LiveSession]:
        params = _page_params(cursor=cursor, limit=limit)
        if status is not None:
            params["status"] = status.value
        doc = await self._call("GET", "/v1/live-sessions", what="listing sessions", params=params)
        return wire.page(doc, wire.session)

    async def create_session(
        self,
        title: str,
        *,
        scheduled_start: datetime | None = None,
        idempotency_key: IdempotencyKey | None = None,
    ) -> LiveSession:
        body: dict[str, Any] = {"title": title}
        if scheduled_start is not None:
            body["scheduled_start"] = scheduled_start.isoformat()
        doc = await self._call(
            "POST",
            "/v1/live-sessions",
            what="creating a session",
            body=body,
            idempotency_key=idempotency_key,
        )
        return wire.session(doc)

    async def get_session(self, session_id: str) -> LiveSession:
        doc = await self._call(
            "GET", f"/v1/live-sessions/{_seg(session_id)}", what="reading the session"
        )
        return wire.session(doc)

    async def start_session(
        self, session_id: str, *, idempotency_key: IdempotencyKey | None = None
    ) -> LiveSession:
        doc = await self._call(
            "POST",
            f"/v1/live-sessions/{_seg(session_id)}/start",
            what="going live",
            idempotency_key=idempotency_key,
        )
        return wire.session(doc)

    async def end_session(
        self, session_id: str, *, idempotency_key: IdempotencyKey | None = None
    ) -> LiveSession:
        doc = await self._call(
            "POST",
            f"/v1/live-sessions/{_seg(session_id)}/end",
            what="ending the session",
            idempotency_key=idempotency_key,
        )
        return wire.session(doc)

    async def set_bag(
        self,
        session_id: str,
        product_ids: Sequence[str],
        *,
        idempotency_key: IdempotencyKey | None = None,
    ) -> LiveSession:
        doc = await self._call(
            "PUT",
            f"/v1/live-sessions/{_seg(session_id)}/bag",
            what="setting the bag",
            body={"product_ids": list(product_ids)},
            idempotency_key=idempotency_key,
        )
        return wire.session(doc)

    async def pin(
        self,
        session_id: str,
        request: PinRequest,
        *,
        idempotency_key: IdempotencyKey | None = None,
    ) -> Pin:
        """Pin a product and return the pin the platform confirmed in its answer.

        Pass the intent's ``idempotency_key`` (persisted by the caller) so a retry, or a
        replay after a restart, pins at most once. The ``pin.changed`` event that follows
        on the stream confirms it again."""
        doc = await self._call(
            "PUT",
            f"/v1/live-sessions/{_seg(session_id)}/pin",
            what=f"pinning product {request.product_id}",
            body=wire.pin_request_to_wire(request),
            idempotency_key=idempotency_key,
        )
        confirmed = wire.pin(doc)
        if confirmed.product_id != request.product_id:
            raise PlatformProtocolError(
                f"The platform confirmed a pin of {confirmed.product_id} "
                f"instead of {request.product_id}."
            )
        return confirmed

    async def unpin(
        self, session_id: str, *, idempotency_key: IdempotencyKey | None = None
    ) -> None:
        await self._call(
            "DELETE",
            f"/v1/live-sessions/{_seg(session_id)}/pin",
            what="unpinning",
            idempotency_key=idempotency_key,
        )

    async def list_orders(
        self, session_id: str, *, after: str | None = None, limit: int | None = None
    ) -> Page[Order]:
        """One page of the session's orders, oldest first; pass ``next_cursor`` as ``after``.
        An order that cannot be read is in the page's ``rejected`` (for the "could not
        apply" list), never the page's failure."""
        params = _page_params(cursor=None, limit=limit)
        if after is not None:
            params["after"] = after
        doc = await self._call(
            "GET",
            f"/v1/live-sessions/{_seg(session_id)}/orders",
            what="listing the session's orders",
            params=params,
        )
        return wire.order_page(doc, session_id)

    async def all_orders(self, session_id: str) -> tuple[Order, ...]:
        """Every order of the session, every page read."""
        orders: list[Order] = []
        after: str | None = None
        while True:
            page = await self.list_orders(session_id, after=after, limit=ORDERS_PAGE_LIMIT)
            orders.extend(page.items)
            if page.next_cursor is None:
                return tuple(orders)
            after = page.next_cursor

    # ------------------------------------------------------------ the event stream
    async def events(
        self, session_id: str, *, after: str | None = None, on_link: LinkListener | None = None
    ) -> AsyncGenerator[Delivery, None]:
        """The session's events after cursor ``after``, at least once and never skipping one.

        Reconnects with backoff and ``Last-Event-ID`` when the stream breaks, ends, or is
        silent for ``dead_stream_s``; on ``resync-required`` it rebuilds from the orders list
        and yields ``OrdersResynced`` before going on. An event it cannot use (too large, an
        id that cannot be sent back, data that does not read) is yielded as
        ``EventRejected`` and the stream goes on past it; the cursor only ever moves to an id
        that is safe to send back (a saved ``after`` that is not is dropped, so the stream
        replays from its start, which the ledger de-duplicates). Raises a ``PlatformError``
        only for what a reconnect cannot fix (a bad key, no session). Close it
        (``contextlib.aclosing``) to stop reading."""
        path = f"/v1/live-sessions/{_seg(session_id)}/events"
        what = "reading the session's events"
        cursor = after
        if cursor is not None and not is_safe_event_id(cursor):
            logger.info("the saved stream cursor cannot be sent back; replaying from the start")
            cursor = None
        failures = 0
        while True:
            headers = {"Accept": "text/event-stream", "Cache-Control": "no-store"}
            if cursor is not None:
                headers["Last-Event-ID"] = cursor
            retry_after: float | None = None
            try:
                async with self._http.stream(
                    "GET", path, headers=headers, timeout=self._stream_timeout
                ) as response:
                    if response.status_code == 204:
                        return  # the server says the stream is over
                    if not response.is_success:
                        await response.aread()
                        raise_for_response(response, what, self._api_key)
                    content_type = response.headers.get("Content-Type", "")
                    if not content_type.startswith("text/event-stream"):
                        raise PlatformProtocolError(
                            "The platform's event stream is not text/event-stream."
                        )
                    if on_link is not None:
                        on_link(LinkStatus.LIVE, None)
                    decoder = SSEDecoder(cursor)
                    async for chunk in response.aiter_bytes():
                        for sse in decoder.feed(chunk):
                            failures = 0
                            if sse.event == RESYNC_REQUIRED and sse.error is None:
                                # The cursor moves only once the rebuild has succeeded.
                                async for delivery in self._resync(session_id, sse, cursor):
                                    cursor = delivery.cursor
                                    yield delivery
                                continue
                            delivery = self._delivery(sse, session_id)
                            cursor = delivery.cursor
                            yield delivery
                logger.info("event stream ended by the platform; resuming from %s", cursor)
            except httpx.TransportError as exc:
                logger.info("event stream broke (%s); resuming from %s", type(exc).__name__, cursor)
            except (httpx.RequestError, PlatformError) as failure:
                error = (
                    translate_transport_error(failure, what)
                    if isinstance(failure, httpx.RequestError)
                    else failure
                )
                retryable, retry_after = retry_verdict(error, retry_safe=True)
                if not retryable:
                    if error is failure:
                        raise
                    raise error from failure
                logger.info("event stream refused (%s); retrying", type(error).__name__)
            failures += 1
            announce = None if on_link is None else partial(on_link, LinkStatus.RECONNECTING)
            await self._reconnect.pause(failures - 1, retry_after, announce)

    def _delivery(self, sse: ServerSentEvent, session_id: str) -> Delivery:
        """The delivery for one complete block (not a resync request)."""
        cursor = sse.last_event_id
        if sse.error is not None:
            return self._rejected(sse, session_id, sse.error)
        if sse.event not in wire.EVENT_TYPES:
            if sse.data is not None:
                logger.info("skipping an event of unknown type %r", sse.event)
            return Delivery(cursor, CursorMoved())
        try:
            return Delivery(cursor, wire.event(sse.event, loads(sse.data or ""), session_id))
        except PlatformError as error:
            return self._rejected(sse, session_id, error)

    def _rejected(self, sse: ServerSentEvent, session_id: str, error: PlatformError) -> Delivery:
        """An event that cannot be applied, kept as ``EventRejected``; the cursor moves past
        it (when its id is safe), so a restart does not read it again."""
        logger.info("could not apply a %.40r event at %s", sse.event, sse.last_event_id)
        rejected = EventRejected(
            session_id=session_id,
            event_id=sse.id or "",
            event_type=sse.event,
            reason=error.user_message,
            raw=(sse.data or "")[:RAW_KEPT_CHARS],
        )
        return Delivery(sse.last_event_id, rejected)

    async def _resync(
        self, session_id: str, sse: ServerSentEvent, cursor: str | None
    ) -> AsyncGenerator[Delivery, None]:
        """The orders list read again: first an ``EventRejected`` for each order that does not
        read (at the old ``cursor``), then ``OrdersResynced`` with the others at the new one."""
        logger.info("event stream asks for a resync at %s", sse.last_event_id)
        orders: list[Order] = []
        after: str | None = None
        while True:
            page = await self.list_orders(session_id, after=after, limit=ORDERS_PAGE_LIMIT)
            orders.extend(page.items)
            for item in page.rejected:
                yield Delivery(cursor, item)
            if page.next_cursor is None:
                break
            after = page.next_cursor
        logger.info("rebuilt %d orders from the orders list at %s", len(orders), sse.last_event_id)
        yield Delivery(sse.last_event_id, OrdersResynced(session_id, tuple(orders)))


def _page_params(*, cursor: str | None, limit: int | None) -> dict[str, str | int]:
    params: dict[str, str | int] = {}
    if cursor is not None:
        params["cursor"] = cursor
    if limit is not None:
        params["limit"] = limit
    return params
