"""The TikTok Shop adapter: a creator's live room, live bag, pins and affiliate orders
behind ``PlatformAdapter``. Paths, fields and codes follow TikTok's Node SDK models and the
OAS notes in ``../shared/research/platform-apis.md`` §1.2 (see the package docstring).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import httpx

from seller_console.domain.connection import LinkStatus
from seller_console.domain.events import (
    CursorMoved,
    Delivery,
    OrderCreated,
    OrderUpdated,
    Pin,
    PinChanged,
    SessionStatus,
    SessionUpdated,
    StockUpdated,
)
from seller_console.domain.money import Currency, Money
from seller_console.domain.orders import Order
from seller_console.domain.platform_errors import PlatformError, PlatformErrorKind
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
    ProductMatch,
    SalesKind,
    SecretStore,
    ShowcaseProduct,
)
from seller_console.platform._http import (
    DEFAULT_LIMITS,
    DEFAULT_TIMEOUT,
    USER_AGENT,
    HttpOwner,
    checked_base_url,
    translate_transport_error,
)
from seller_console.platform._retry import Retrier, RetryPolicy, retry_verdict
from seller_console.platform.errors import ForbiddenError, NotFoundError, PlatformProtocolError
from seller_console.platform.tiktok import wire
from seller_console.platform.tiktok.errors import PinRefusedError, TokenRejectedError, envelope_data
from seller_console.platform.tiktok.signing import sign
from seller_console.platform.tiktok.tokens import SignInNeededError, TokenManager, TokenSet

logger = logging.getLogger(__name__)
T = TypeVar("T")

CAPABILITIES = Capabilities(
    pins=PinKind.CONFIRMED,
    sales=SalesKind.POLLED_ORDERS,
    viewers=False,
    comments=False,
    matches_products=True,
)
PROFILE_PATH = "/affiliate_creator/202405/profiles"
SHOWCASE_PATH = "/affiliate_creator/202405/showcases/products"
SHOWCASE_ADD_PATH = "/affiliate_creator/202405/showcases/products/add"
PRODUCT_SEARCH_PATH = "/product/202309/products/search"
LIVE_ROOM_PATH = "/affiliate/202309/live_rooms"
BAG_PATH = "/affiliate/202309/live_rooms/products"
BAG_TOP_PATH = "/affiliate/202309/live_rooms/products/top"
ORDERS_PATH = "/affiliate_creator/202410/orders/search"
SHOWCASE_PAGE = 20  # documented range [1-20]
SHOWCASE_ADD_BATCH = 20  # "Maximum length of the list is 20 product identifiers"
ORDERS_PAGE = 100  # documented range [1-100]
PRODUCT_SEARCH_PAGE = 100
BAG_LIMIT = 100
READ_BACK_WAITS_S = (0.0, 0.2, 0.5, 1.0)
POLL_RECONNECT_POLICY = RetryPolicy(
    max_attempts=1_000_000, max_elapsed_s=float("inf"), base_delay_s=0.5, max_delay_s=30.0
)


@dataclass(frozen=True, slots=True)
class TikTokConfig:
    """Where and as whom the adapter talks to TikTok Shop. No secret is held here."""

    app_key: str
    api_base: str = "https://open-api.tiktokglobalshop.com"
    auth_base: str = "https://auth.tiktok-shops.com"
    currency: str = "USD"
    """The creator's selling currency (TikTok's profile does not say)."""
    shop_cipher: str | None = None
    """Lets ``upsert_products`` find products by seller SKU through the seller product
    search; it needs an authorization that covers that shop. Without it products match by
    TikTok product id only."""
    tracking_code: str | None = None
    tracking_param: str = "tracking_code"
    """The query parameter ``affiliate_link`` puts the tracking code in (our convention:
    TikTok documents no affiliate-link call for creators)."""
    refresh_margin_s: float = 300.0
    """Refresh the access token this long before it expires."""
    poll_interval_s: float = 10.0
    order_window_s: int = 7 * 24 * 3600
    """How far back orders are searched when the live room's start time is unknown."""
    order_slack_s: int = 300
    """Searched before the room's start and after now, for clock differences."""


@dataclass(frozen=True, slots=True)
class PriceDifference:
    """A planned live price that differs from what TikTok sells the product at."""

    product_id: str
    planned: Money
    tiktok: Money


class NoLiveRoomError(PlatformError):
    """The creator has no upcoming or live TikTok LIVE to run the show in."""

    kind = PlatformErrorKind.CONFLICT


class UnmatchedProductError(PlatformError):
    """A product of ours has no TikTok product matched to it yet."""

    kind = PlatformErrorKind.NOT_FOUND


class BagRefusedError(PlatformError):
    """TikTok refused some products of the bag; ``items`` says which and why."""

    kind = PlatformErrorKind.VALIDATION

    def __init__(self, user_message: str, items: Sequence[BatchItemResult]) -> None:
        super().__init__(user_message)
        self.items = tuple(items)


def affiliate_link_for(detail_link: str, tracking_code: str, param: str) -> str:
    """``detail_link`` with ``param=tracking_code`` added to its query."""
    parts = urlsplit(detail_link)
    query = f"{parts.query}&" if parts.query else ""
    query += urlencode({param: tracking_code})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


class TikTokShopAdapter(HttpOwner):
    """A creator's TikTok Shop, as a ``PlatformAdapter`` (see the package docstring)."""

    def __init__(
        self,
        config: TikTokConfig,
        secrets: SecretStore,
        *,
        app_secret_entry: str,
        token_entry: str,
        retrier: Retrier | None = None,
        poll_reconnect: Retrier | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.config = config
        self._api = checked_base_url(config.api_base)
        self._api_prefix = self._api.raw_path.decode().rstrip("/")
        self._secrets = secrets
        self._secret_entry = app_secret_entry
        self._app_secret: str | None = None
        self._retrier = retrier or Retrier()
        self._reconnect = poll_reconnect or Retrier(POLL_RECONNECT_POLICY)
        self._clock = clock
        self._sleep = sleep
        self._currency = Currency.of(config.currency)
        self._http = httpx.AsyncClient(
            timeout=DEFAULT_TIMEOUT,
            limits=DEFAULT_LIMITS,
            transport=transport,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=False,
            verify=True,
        )
        self.tokens = TokenManager(
            self._http,
            checked_base_url(config.auth_base),
            config.app_key,
            self._secret,
            secrets,
            token_entry,
            refresh_margin_s=config.refresh_margin_s,
            retrier=self._retrier,
            clock=clock,
        )
        self._to_tiktok: dict[str, str] = {}
        self._from_tiktok: dict[str, str] = {}
        self._seller_skus: dict[str, str] = {}  # TikTok product id -> our product's SKU
        self._reads_quantities = config.shop_cipher is not None
        self._showcase: dict[str, wire.ShowcaseEntry] = {}
        self._room_starts: dict[str, datetime] = {}
        self._pins: dict[str, Pin] = {}
        self._pin_versions: dict[str, int] = {}
        # the pins TikTok confirmed since the last poll: one replaced before the poll (from
        # TikTok's app, or by our next take) was on air all the same, and sold
        self._unpolled: dict[str, list[Pin]] = {}

    @property
    def platform(self) -> str:
        return "tiktok"

    @property
    def capabilities(self) -> Capabilities:
        return CAPABILITIES

    # ------------------------------------------------------------ credentials
    async def _secret(self) -> str:
        if self._app_secret is None:
            secret = await self._secrets.load(self._secret_entry)
            if not secret:
                raise SignInNeededError(
                    "The TikTok Shop app secret is not saved. Enter it in Show > Platform."
                )
            self._app_secret = secret
        return self._app_secret

    async def save_credentials(self, app_secret: str, tokens: TokenSet) -> None:
        """Keep the app secret and a token set (e.g. from the developer console) in the
        keychain entries this adapter reads."""
        await self._secrets.save(self._secret_entry, app_secret)
        self._app_secret = app_secret
        await self._secrets.save(self.tokens_entry, tokens.to_secret())

    @property
    def tokens_entry(self) -> str:
        return self.tokens.entry

    # ------------------------------------------------------------ one call
    async def _call(
        self,
        method: str,
        path: str,
        *,
        what: str,
        params: dict[str, str] | None = None,
        body: Any = None,
    ) -> Any:
        """One signed call under the retry policy; the envelope's ``data``.

        The body is serialized once; those bytes are signed and sent. Every call used here
        sets a state (add these, pin that, read) rather than adding to one, so repeating it
        cannot make TikTok act twice: all are retried under the one policy. A refused access
        token is refreshed and the call tried once more."""
        content = None
        if body is not None:
            content = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        signed_path = self._api_prefix + path
        url = self._api.copy_with(raw_path=signed_path.encode())
        secret = await self._secret()

        def attempt_with(token: str) -> Callable[[], Awaitable[Any]]:
            async def attempt() -> Any:
                query = {
                    **(params or {}),
                    "app_key": self.config.app_key,
                    "timestamp": str(int(self._clock())),
                }
                query["sign"] = sign(signed_path, query, content, secret)
                headers = {"x-tts-access-token": token, "Content-Type": "application/json"}
                try:
                    response = await self._http.request(
                        method, url, params=query, content=content, headers=headers
                    )
                except httpx.TransportError as exc:
                    raise translate_transport_error(exc, what) from exc
                return envelope_data(response, what)

            return attempt

        label = f"{method} {path}"
        token = await self.tokens.access_token()
        try:
            return await self._retrier.run(attempt_with(token), retry_safe=True, label=label)
        except TokenRejectedError:
            logger.info("%s: TikTok refused the access token; refreshing", label)
            token = await self.tokens.refresh(stale=token)
            return await self._retrier.run(attempt_with(token), retry_safe=True, label=label)

    async def _pages(
        self,
        method: str,
        path: str,
        read: Callable[[Any], tuple[list[T], str | None]],
        *,
        what: str,
        params: dict[str, str],
        body: Any = None,
    ) -> list[T]:
        """Every page of a paged call, following each ``next_page_token``."""
        result: list[T] = []
        token: str | None = None
        seen: set[str] = set()
        while True:
            query = dict(params)
            if token is not None:
                query["page_token"] = token
            found, token = read(await self._call(method, path, what=what, params=query, body=body))
            result.extend(found)
            if token is None:
                return result
            if token in seen:
                raise PlatformProtocolError(f"TikTok repeated a page token while {what}.")
            seen.add(token)

    # ------------------------------------------------------------ account and products
    async def me(self) -> Account:
        profile = wire.creator_profile(
            await self._call("GET", PROFILE_PATH, what="reading the creator profile")
        )
        return Account(
            id=profile.user_id,
            handle=profile.username,
            display_name=profile.username,
            default_currency=self._currency,
        )

    async def showcase(self) -> list[wire.ShowcaseEntry]:
        """The products in the creator's showcase, every page."""
        entries = await self._pages(
            "GET",
            SHOWCASE_PATH,
            wire.showcase_page,
            what="listing the showcase",
            params={"page_size": str(SHOWCASE_PAGE), "origin": "SHOWCASE"},
        )
        self._showcase = {entry.id: entry for entry in entries}
        return entries

    async def _search(self, skus: Sequence[str], what: str) -> list[wire.SearchedSku]:
        """The seller product search for these seller SKUs, every page (nothing without a
        ``shop_cipher``)."""
        if not skus or self.config.shop_cipher is None:
            return []
        return await self._pages(
            "POST",
            PRODUCT_SEARCH_PATH,
            wire.product_search_page,
            what=what,
            params={"page_size": str(PRODUCT_SEARCH_PAGE), "shop_cipher": self.config.shop_cipher},
            body={"seller_skus": list(skus)},
        )

    async def _by_seller_sku(self, skus: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for sku in await self._search(skus, "finding products by seller SKU"):
            if sku.seller_sku:
                found.setdefault(sku.seller_sku, sku.product_id)
        return found

    async def resolve(self, products: Sequence[ShowcaseProduct]) -> dict[str, str]:
        """Match our products to TikTok product ids: by TikTok product id first (a product
        whose id or SKU is a showcase product's id), then by seller SKU through the seller
        product search (with ``shop_cipher``). Remembers and returns what matched."""
        known = {entry.id for entry in await self.showcase()}
        matched: dict[str, str] = {}
        by_sku: list[ShowcaseProduct] = []
        for product in products:
            if product.id in known:
                matched[product.id] = product.id
            elif product.sku in known:
                matched[product.id] = product.sku
            else:
                by_sku.append(product)
        skus = sorted({p.sku for p in by_sku if p.sku})
        found = await self._by_seller_sku(skus)
        for product in by_sku:
            if product.sku in found:
                matched[product.id] = found[product.sku]
        for product in products:
            theirs = matched.get(product.id)
            if theirs is not None:
                self._remember(product.id, theirs, product.sku)
        return matched

    def _remember(self, ours: str, theirs: str, sku: str) -> None:
        self._to_tiktok[ours] = theirs
        self._from_tiktok[theirs] = ours
        if sku:
            self._seller_skus[theirs] = sku

    def tiktok_id(self, product_id: str) -> str:
        """The TikTok product id matched to ``product_id``."""
        theirs = self._to_tiktok.get(product_id)
        if theirs is None:
            raise UnmatchedProductError(
                f"Product {product_id} is not matched to a TikTok product yet: publish the "
                "rundown to the showcase first."
            )
        return theirs

    async def upsert_products(
        self, products: Sequence[ShowcaseProduct], *, idempotency_key: IdempotencyKey | None = None
    ) -> list[BatchItemResult]:
        """Match each product by seller SKU (or TikTok id) and add the matched ones missing
        from the creator's showcase; one result per product, in order. TikTok's own title,
        price and commission stay as the seller set them (see ``price_differences``)."""
        matched = await self.resolve(products)
        missing = sorted(
            {
                theirs
                for theirs in matched.values()
                if not (theirs in self._showcase and self._showcase[theirs].added)
            }
        )
        refused: dict[str, wire.ItemError] = {}
        for start in range(0, len(missing), SHOWCASE_ADD_BATCH):
            batch = missing[start : start + SHOWCASE_ADD_BATCH]
            data = await self._call(
                "POST",
                SHOWCASE_ADD_PATH,
                what=f"adding {len(batch)} products to the showcase",
                body={"add_type": "PRODUCT_ID", "product_ids": batch},
            )
            for error in wire.item_errors(data, "showcase add"):
                refused[error.product_id] = error
        if missing:
            await self.showcase()
        results = []
        for product in products:
            theirs = matched.get(product.id)
            if theirs is None:
                results.append(
                    BatchItemResult(
                        product.id,
                        "no_match",
                        f"No TikTok product you can sell has seller SKU {product.sku!r} "
                        f"or product id {product.id!r}.",
                    )
                )
            elif theirs in refused:
                error = refused[theirs]
                results.append(
                    BatchItemResult(product.id, f"tiktok_{error.code}", error.message or None)
                )
            else:
                results.append(BatchItemResult(product.id))
        return results

    async def price_differences(self, products: Sequence[ShowcaseProduct]) -> list[PriceDifference]:
        """Products whose planned price differs from TikTok's (matched products only)."""
        if not self._showcase:
            await self.showcase()
        result = []
        for product in products:
            theirs = self._to_tiktok.get(product.id)
            entry = self._showcase.get(theirs) if theirs is not None else None
            if entry is None or entry.price is None:
                continue
            if entry.price != product.price:
                result.append(PriceDifference(product.id, product.price, entry.price))
        return result

    async def match_products(self, products: Sequence[ShowcaseProduct]) -> list[ProductMatch]:
        """Pre-flight's look-up (``ProductMatcher``): each product's TikTok product, through
        the showcase listing and the seller SKU search, with the showcase's price when it
        has one. Adds nothing to the showcase."""
        matched = await self.resolve(products)
        result = []
        for product in products:
            theirs = matched.get(product.id)
            if theirs is None:
                result.append(
                    ProductMatch(
                        product.id,
                        product.sku,
                        None,
                        reason=f"No TikTok product you can sell has seller SKU {product.sku!r} "
                        f"or product id {product.id!r}.",
                    )
                )
                continue
            entry = self._showcase.get(theirs)
            price = entry.price if entry is not None else None
            result.append(ProductMatch(product.id, product.sku, f"product {theirs}", price))
        return result

    def affiliate_link(self, product_id: str) -> AffiliateLink:
        """The product's TikTok link with the creator's tracking code (from the config).
        TikTok documents no link-minting call for creators, so none is made."""
        code = self.config.tracking_code
        entry = self._showcase.get(self._to_tiktok.get(product_id, product_id))
        if not code or entry is None or not entry.detail_link:
            raise UnmatchedProductError(
                f"No TikTok link for product {product_id}: it needs a match in the showcase "
                "and a tracking code in the profile."
            )
        return AffiliateLink(
            code=code, url=affiliate_link_for(entry.detail_link, code, self.config.tracking_param)
        )

    # ------------------------------------------------------------ the live room
    async def live_room(self) -> wire.LiveRoom | None:
        room = wire.live_room(await self._call("GET", LIVE_ROOM_PATH, what="reading your LIVE"))
        if room is not None and room.start_time is not None:
            self._room_starts[room.id] = room.start_time
        return room

    async def live_bag(self) -> wire.LiveBag:
        return wire.live_bag(await self._call("GET", BAG_PATH, what="reading the live bag"))

    def _ours(self, theirs: str) -> str:
        return self._from_tiktok.get(theirs, theirs)

    async def _session(
        self, session_id: str, room: wire.LiveRoom | None, bag: wire.LiveBag | None = None
    ) -> LiveSession:
        if room is None or room.id != session_id:
            if room is None and session_id not in self._room_starts:
                raise NoLiveRoomError(f"TikTok has no LIVE {session_id}.")
            return LiveSession(id=session_id, title="", status=SessionStatus.ENDED)
        if room.status is wire.RoomStatus.ENDED:  # TikTok keeps no bag for an ended LIVE
            return LiveSession(
                id=room.id, title=room.title, status=SessionStatus.ENDED, started_at=room.start_time
            )
        if bag is None:
            bag = await self.live_bag()
        pin = self._pins.get(session_id)
        if pin is not None and (bag.pinned is None or self._ours(bag.pinned) != pin.product_id):
            pin = None
        status = room.status.value
        return LiveSession(
            id=room.id,
            title=room.title,
            status=status,
            started_at=room.start_time if status is not SessionStatus.SCHEDULED else None,
            scheduled_start=room.start_time if status is SessionStatus.SCHEDULED else None,
            pin=pin,
            bag=tuple(self._ours(p) for p in bag.product_ids),
        )

    async def create_session(
        self,
        title: str,
        *,
        scheduled_start: datetime | None = None,
        idempotency_key: IdempotencyKey | None = None,
    ) -> LiveSession:
        """TikTok has no call to create a LIVE: the creator starts (or schedules) it in TikTok
        LIVE Studio or the app. This returns that LIVE; ``title`` is TikTok's, not ours."""
        room = await self.live_room()
        if room is None or room.status is wire.RoomStatus.ENDED:
            raise NoLiveRoomError(
                "There is no TikTok LIVE to run the show in. Start your LIVE (or schedule "
                "it) in TikTok LIVE Studio or the TikTok app, then press Go live again."
            )
        return await self._session(room.id, room)

    async def get_session(self, session_id: str) -> LiveSession:
        return await self._session(session_id, await self.live_room())

    async def start_session(
        self, session_id: str, *, idempotency_key: IdempotencyKey | None = None
    ) -> LiveSession:
        """The creator goes live in TikTok; this reads the LIVE again."""
        return await self.get_session(session_id)

    async def end_session(
        self, session_id: str, *, idempotency_key: IdempotencyKey | None = None
    ) -> LiveSession:
        """The creator ends the LIVE in TikTok; this reads its status."""
        return await self.get_session(session_id)

    async def _current_room(self, session_id: str) -> wire.LiveRoom:
        room = await self.live_room()
        if room is None or room.id != session_id or room.status is wire.RoomStatus.ENDED:
            raise NoLiveRoomError(
                "This TikTok LIVE has ended (or a newer one started), so its bag cannot change."
            )
        return room

    async def set_bag(
        self,
        session_id: str,
        product_ids: Sequence[str],
        *,
        idempotency_key: IdempotencyKey | None = None,
    ) -> LiveSession:
        """Make the live bag hold exactly ``product_ids``, in this order: products not
        wanted are removed, missing ones added, then the order set with ``top``. Raises
        ``BagRefusedError`` (after the rest is done) when TikTok refused some products."""
        wanted = [self.tiktok_id(p) for p in dict.fromkeys(product_ids)]
        if len(wanted) > BAG_LIMIT:
            raise BagRefusedError(
                f"A TikTok live bag holds at most {BAG_LIMIT} products; the show has "
                f"{len(wanted)}.",
                (),
            )
        await self._current_room(session_id)
        current = await self.live_bag()
        wanted_set, current_set = set(wanted), set(current.product_ids)
        unwanted = [p for p in current.product_ids if p not in wanted_set]
        if unwanted:
            await self._call(
                "DELETE",
                BAG_PATH,
                what=f"removing {len(unwanted)} products from the live bag",
                body={"product_ids": unwanted},
            )
        adding = [p for p in wanted if p not in current_set]
        refused: list[wire.ItemError] = []
        if adding:
            data = await self._call(
                "POST",
                BAG_PATH,
                what=f"adding {len(adding)} products to the live bag",
                body={"product_ids": adding},
            )
            refused = wire.item_errors(data, "live bag add")
        refused_ids = {error.product_id for error in refused}
        ordered = [p for p in wanted if p not in refused_ids]
        if ordered:
            await self._call(
                "POST", BAG_TOP_PATH, what="ordering the live bag", body={"product_ids": ordered}
            )
        if refused:
            items = [
                BatchItemResult(self._ours(e.product_id), f"tiktok_{e.code}", e.message or None)
                for e in refused
            ]
            names = "; ".join(f"{i.product_id}: {i.error_detail or i.error_code}" for i in items)
            raise BagRefusedError(f"TikTok did not add these products to the bag: {names}", items)
        return await self.get_session(session_id)

    async def _pin_call(self, path: str, what: str) -> None:
        try:
            await self._call("POST", path, what=what)
        except (ForbiddenError, NotFoundError) as error:
            raise PinRefusedError(
                f"TikTok refused the pin call ({error.user_message}). Pin products in the "
                "TikTok app or LIVE Studio instead.",
                error.problem,
            ) from error

    async def _read_back(self, expected: str | None) -> wire.LiveBag:
        bag = await self.live_bag()
        for wait in READ_BACK_WAITS_S[1:]:
            if bag.pinned == expected:
                return bag
            await self._sleep(wait)
            bag = await self.live_bag()
        return bag

    async def pin(
        self, session_id: str, request: PinRequest, *, idempotency_key: IdempotencyKey | None = None
    ) -> Pin:
        """Pin the product (it replaces the pinned one) and confirm it by reading back the
        bag's ``pinned_product_id``. TikTok takes no live price or stock limit here.
        ``PinRefusedError`` (kind FORBIDDEN) when TikTok refuses pin calls."""
        theirs = self.tiktok_id(request.product_id)
        await self._pin_call(
            f"{BAG_PATH}/{quote(theirs, safe='')}/pin", f"pinning product {request.product_id}"
        )
        bag = await self._read_back(theirs)
        if bag.pinned != theirs:
            raise PlatformProtocolError(
                f"TikTok accepted the pin of {request.product_id}, but its live bag shows "
                f"{self._ours(bag.pinned) if bag.pinned else 'nothing'} pinned."
            )
        pin = self._pinned(session_id, request.product_id)
        self._unpolled.setdefault(session_id, []).append(pin)
        return pin

    def _pinned(self, session_id: str, product_id: str) -> Pin:
        version = self._pin_versions.get(session_id, 0) + 1
        self._pin_versions[session_id] = version
        pin = Pin(
            pin_id=f"{session_id}:{version}",
            product_id=product_id,
            pinned_at=datetime.now(UTC),
            version=version,
        )
        self._pins[session_id] = pin
        return pin

    async def unpin(
        self, session_id: str, *, idempotency_key: IdempotencyKey | None = None
    ) -> None:
        """Unpin whatever is pinned (nothing to do when nothing is), confirmed by read-back."""
        current = await self.live_bag()
        if current.pinned is None:
            self._pins.pop(session_id, None)
            return
        await self._pin_call(
            f"{BAG_PATH}/{quote(current.pinned, safe='')}/unpin", "unpinning the product"
        )
        bag = await self._read_back(None)
        if bag.pinned is not None:
            raise PlatformProtocolError("TikTok accepted the unpin, but a product is still pinned.")
        self._pins.pop(session_id, None)

    # ------------------------------------------------------------ affiliate orders
    async def affiliate_orders(self, session_id: str) -> list[wire.AffiliateOrder]:
        """Every affiliate order sold through this LIVE, all pages, with both commissions."""
        now = int(self._clock())
        start = self._room_starts.get(session_id)
        since = (
            int(start.timestamp()) - self.config.order_slack_s
            if start is not None
            else now - self.config.order_window_s
        )
        return await self._search_orders(session_id, since, now + self.config.order_slack_s)

    async def orders_between(
        self, session_id: str, since: datetime, until: datetime
    ) -> list[Order]:
        """Every order sold through LIVE ``session_id`` created between ``since`` and
        ``until`` (each widened by ``order_slack_s``), all pages, in its state now: a past
        show's refresh, so settlements and refunds since the show are seen."""
        slack = self.config.order_slack_s
        found = await self._search_orders(
            session_id, int(since.timestamp()) - slack, int(until.timestamp()) + slack
        )
        return [o.order for o in found]

    async def _search_orders(
        self, session_id: str, since: int, until: int
    ) -> list[wire.AffiliateOrder]:
        raw = await self._pages(
            "POST",
            ORDERS_PATH,
            wire.orders_page,
            what="reading affiliate orders",
            params={"page_size": str(ORDERS_PAGE)},
            body={"create_time_ge": since, "create_time_lt": until},
        )
        result = []
        for doc in raw:
            order = wire.session_order(
                doc, room_id=session_id, session_id=session_id, product_ids=self._from_tiktok
            )
            if order is not None:
                result.append(order)
        return result

    async def list_orders(
        self, session_id: str, *, after: str | None = None, limit: int | None = None
    ) -> Page[Order]:
        """Every order of this LIVE in one page (TikTok's search is by time, not by LIVE, so
        it is read whole and filtered); ``after`` and ``limit`` are not used."""
        orders = await self.affiliate_orders(session_id)
        return Page(items=tuple(o.order for o in orders), next_cursor=None)

    async def events(
        self, session_id: str, *, after: str | None = None, on_link: LinkListener | None = None
    ) -> AsyncGenerator[Delivery, None]:
        """Polls the LIVE, its bag and its affiliate orders every ``poll_interval_s``:
        ``OrderCreated`` the first time an order is seen, ``OrderUpdated`` when its status or
        commission changes, ``PinChanged`` for each pin the console made since the last poll
        (in order, so one replaced before the poll keeps its window) and when the pinned
        product changes (in the console or in TikTok), ``SessionUpdated`` when the LIVE's
        status does, ``StockUpdated`` when what TikTok says is left of a product in the bag
        changes (``stock_in_bag``: TikTok's stock is the shop's, used up by orders through
        other content too). Each poll starts afresh (``after`` is not needed: orders are re-read
        whole and the ledger upserts by id).
        ``on_link`` hears LIVE after each good poll, RECONNECTING with the wait after a
        failed one."""
        seen: dict[str, Order] = {}
        said: dict[str, int | None] = {}  # our product id -> the stock last reported
        pinned: str | None = None
        status: SessionStatus | None = None
        failures = 0
        poll = 0
        while True:
            try:
                room = await self.live_room()
                current = room is not None and room.id == session_id
                open_room = (
                    current and room is not None and room.status is not wire.RoomStatus.ENDED
                )
                bag = await self.live_bag() if open_room else None
                session = await self._session(session_id, room, bag)
                orders = await self.affiliate_orders(session_id)
                stock = await self.stock_in_bag(bag) if bag is not None else {}
            except PlatformError as error:
                retryable, retry_after = retry_verdict(error, retry_safe=True)
                if not retryable:
                    raise
                failures += 1
                logger.info("TikTok poll failed (%s); polling again", type(error).__name__)
                announce = None if on_link is None else partial(on_link, LinkStatus.RECONNECTING)
                await self._reconnect.pause(failures - 1, retry_after, announce)
                continue
            failures = 0
            poll += 1
            if on_link is not None:
                on_link(LinkStatus.LIVE, None)
            cursor = f"poll-{poll}"
            if session.status is not status:
                status = session.status
                yield Delivery(cursor, SessionUpdated(session_id, session.status))
            confirmed = self._unpolled.pop(session_id, [])
            for pin in confirmed:
                yield Delivery(cursor, PinChanged(session_id, pin))
            if bag is not None and bag.pinned != pinned:
                pinned = bag.pinned
                pin_now = self._pin_for(session_id, pinned)
                if not confirmed or pin_now != confirmed[-1]:
                    yield Delivery(cursor, PinChanged(session_id, pin_now))
            for affiliate in orders:
                order = affiliate.order
                before = seen.get(order.id)
                seen[order.id] = order
                if before is None:
                    yield Delivery(cursor, OrderCreated(order))
                elif (before.status, before.commission) != (order.status, order.commission):
                    yield Delivery(cursor, OrderUpdated(order))
            for product_id, units in stock.items():
                if said.get(product_id) != units:  # nothing said yet reads as None
                    said[product_id] = units
                    yield Delivery(cursor, StockUpdated(session_id, product_id, units))
            yield Delivery(cursor, CursorMoved())
            await self._sleep(self.config.poll_interval_s)

    async def stock_in_bag(self, bag: wire.LiveBag) -> dict[str, int | None]:
        """What TikTok says is left of each product in ``bag`` (by our product id): 0 when
        the bag says it is out of stock, else the units the seller product search reports
        for our product's seller SKU (with a ``shop_cipher``), else None (TikTok says
        nothing)."""
        skus = sorted({self._seller_skus[p] for p in bag.product_ids if p in self._seller_skus})
        quantities: dict[tuple[str, str], int | None] = {}
        if self._reads_quantities:
            try:
                found = await self._search(skus, "reading stock")
            except PlatformError as error:
                if retry_verdict(error, retry_safe=True)[0]:
                    raise  # the poll is tried again
                # the authorization does not cover the shop's products: the bag's stock
                # status still says what sold out, and the show goes on
                logger.info("TikTok refused the stock search (%s)", type(error).__name__)
                self._reads_quantities = False
                found = []
            quantities = {(sku.product_id, sku.seller_sku): sku.quantity for sku in found}
        result: dict[str, int | None] = {}
        for theirs in bag.product_ids:
            sku = self._seller_skus.get(theirs)
            units = None if sku is None else quantities.get((theirs, sku))
            result[self._ours(theirs)] = 0 if theirs in bag.out_of_stock else units
        return result

    def _pin_for(self, session_id: str, theirs: str | None) -> Pin | None:
        if theirs is None:
            self._pins.pop(session_id, None)
            return None
        ours = self._ours(theirs)
        known = self._pins.get(session_id)
        if known is not None and known.product_id == ours:
            return known
        return self._pinned(session_id, ours)  # pinned in TikTok's own app
