"""``ShopeeAdapter``: Shopee Live behind the console's ``PlatformAdapter``.

- Products are matched, not published: Shopee has no showcase upsert, so
  ``upsert_products`` finds each product's SKU among the shop's items and models
  (``v2.product.get_item_list`` + ``get_item_base_info`` + ``get_model_list``) and remembers
  product id -> (item id, shop id). Calling it again after a restart rebuilds the same
  mapping. ``price_differences()`` lists the matches whose Shopee price is not the planned
  one (not an error: the seller decides).
- A pin is ``update_show_item``, confirmed only when ``get_show_item`` reads that item back.
- Sales are metrics only: ``list_orders`` is always an empty page; ``events()`` polls the
  session's running figures and comments and yields ``MetricsReported``,
  ``ViewersUpdated``, ``PinChanged``, ``SessionUpdated`` and ``CommentPosted``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

import httpx

from seller_console.domain.connection import LinkStatus
from seller_console.domain.events import (
    CommentPosted,
    Delivery,
    ItemMetrics,
    MetricsReported,
    Pin,
    PinChanged,
    SessionStatus,
    SessionUpdated,
    ViewersUpdated,
)
from seller_console.domain.money import Currency, Money, is_currency_code
from seller_console.domain.orders import Order
from seller_console.domain.platform_port import (
    Account,
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
from seller_console.platform._retry import Retrier, RetryPolicy
from seller_console.platform.errors import (
    NotFoundError,
    PlatformConnectionError,
    PlatformProtocolError,
    PlatformTimeoutError,
    ProblemDetails,
    RateLimitedError,
    ServerError,
    SessionNotLiveError,
    ValidationError,
)
from seller_console.platform.shopee import wire
from seller_console.platform.shopee.client import Identity, ShopeeClient
from seller_console.platform.shopee.errors import PinNotConfirmedError
from seller_console.platform.shopee.tokens import REFRESH_MARGIN_S

logger = logging.getLogger(__name__)

CAPABILITIES = Capabilities(
    pins=PinKind.CONFIRMED,
    sales=SalesKind.METRICS_ONLY,
    viewers=True,
    comments=True,
    matches_products=True,
)
PRODUCTION_HOST = "https://partner.shopeemobile.com"
REGION_CURRENCY = {
    "SG": "SGD",
    "MY": "MYR",
    "TH": "THB",
    "TW": "TWD",
    "ID": "IDR",
    "PH": "PHP",
    "VN": "VND",
}
"""The livestream API's regions (its ``define`` text) and their listing currencies."""
TITLE_MAX = 200
STATUS = {0: SessionStatus.SCHEDULED, 1: SessionStatus.LIVE, 2: SessionStatus.ENDED}
POLL_RETRY = RetryPolicy(max_attempts=4, max_elapsed_s=3.0, base_delay_s=0.25, max_delay_s=1.0)
"""A poll rides out a short rate-limit burst inside the call; when that is not enough the
poll loop itself slows down (see ``events``)."""
RECONNECT_POLICY = RetryPolicy(
    max_attempts=1_000_000, max_elapsed_s=float("inf"), base_delay_s=0.5, max_delay_s=15.0
)
COMMENT_WINDOW_S = 10.0
"""``get_latest_comment_list`` returns only the comments of the last 10 seconds."""
SEEN_COMMENTS_KEEP_S = 120.0
SKU_INDEX_MAX_AGE_S = 60.0


@dataclass(frozen=True, slots=True)
class KeychainEntries:
    """The ``SecretStore`` entries of one Shopee profile: the partner key, and the user's
    and the shop's token sets (see ``tokens.TokenSet``)."""

    partner_key: str
    user_tokens: str
    shop_tokens: str


@dataclass(frozen=True, slots=True)
class ShopeeConfig:
    """A Shopee profile, without its secrets."""

    partner_id: int
    user_id: int
    shop_id: int
    region: str = "SG"
    host: str = PRODUCTION_HOST
    currency: str | None = None
    """The shop's listing currency; the region's when None (used for GMV, which Shopee
    sends without one)."""
    cover_image_url: str | None = None
    """The session cover (required by ``create_session``); the first matched item's image
    when None."""
    is_test: bool = False
    refresh_margin_s: float = REFRESH_MARGIN_S
    metrics_interval_s: float = 2.0
    max_metrics_interval_s: float = 30.0
    comments_interval_s: float = 3.0
    pin_read_backs: int = 6
    pin_read_back_delay_s: float = 0.15

    @property
    def listing_currency(self) -> Currency:
        code = self.currency or REGION_CURRENCY.get(self.region.upper())
        if code is None or not is_currency_code(code):
            raise ValidationError(
                f"Shopee Live runs in {', '.join(REGION_CURRENCY)}; region {self.region!r} "
                "has no known currency: choose one of those, or give the shop's currency.",
                _problem("unknown_region"),
            )
        return Currency.of(code)


@dataclass(frozen=True, slots=True)
class Match:
    """A product matched to a Shopee item (and model, when the SKU is a model's)."""

    product_id: str
    item_id: int
    shop_id: int
    model_id: int | None
    shopee_price: Money | None
    image_url: str | None


@dataclass(frozen=True, slots=True)
class PriceDifference:
    product_id: str
    sku: str
    planned: Money
    shopee: Money

    def describe(self) -> str:
        return f"{self.sku}: planned {self.planned}, Shopee sells it at {self.shopee}"


def _problem(code: str) -> ProblemDetails:
    return ProblemDetails(status=0, code=code)


def _when(value: int) -> datetime | None:
    """A Shopee time: the doc says seconds, some samples show milliseconds."""
    if value <= 0:
        return None
    seconds = value / 1000 if value >= 10**11 else value
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


class ShopeeAdapter:
    """Shopee Live as a ``PlatformAdapter`` (pins confirmed by read-back, metrics only)."""

    def __init__(
        self,
        config: ShopeeConfig,
        store: SecretStore,
        entries: KeychainEntries,
        *,
        retrier: Retrier | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config
        self._currency = config.listing_currency
        self.client = ShopeeClient(
            config.host,
            Identity(config.partner_id, config.user_id, config.shop_id),
            store,
            partner_key_entry=entries.partner_key,
            user_token_entry=entries.user_tokens,
            shop_token_entry=entries.shop_tokens,
            retrier=retrier,
            transport=transport,
            refresh_margin_s=config.refresh_margin_s,
        )
        self._poll = Retrier(POLL_RETRY)
        self._reconnect = Retrier(RECONNECT_POLICY)
        self._index: tuple[float, dict[str, Match]] | None = None
        self._matches: dict[str, Match] = {}
        self._by_item: dict[int, str] = {}
        self._differences: tuple[PriceDifference, ...] = ()
        self._pins: dict[int, Pin | None] = {}
        self._shown: dict[int, int | None] = {}
        self._bags: dict[int, tuple[str, ...]] = {}
        self._version = 0

    @property
    def platform(self) -> str:
        return "shopee"

    @property
    def capabilities(self) -> Capabilities:
        return CAPABILITIES

    async def aclose(self) -> None:
        await self.client.aclose()

    # ------------------------------------------------------------ account and products
    async def me(self) -> Account:
        c = self.config
        return Account(
            id=f"user:{c.user_id}/shop:{c.shop_id}",
            handle=f"user {c.user_id}",
            display_name=f"Shopee shop {c.shop_id} ({c.region.upper()})",
            default_currency=self._currency,
        )

    async def _sku_index(self) -> dict[str, Match]:
        """Every SKU of the shop's NORMAL items and their models, first one wins; read
        again when older than ``SKU_INDEX_MAX_AGE_S`` (so batches of one plan share it)."""
        now = time.monotonic()
        if self._index is not None and now - self._index[0] < SKU_INDEX_MAX_AGE_S:
            return self._index[1]
        index: dict[str, Match] = {}
        shop = self.config.shop_id
        items = await self.client.get_item_base_info(await self.client.list_item_ids())
        for item in items:
            if item.sku and item.sku not in index:
                index[item.sku] = Match("", item.item_id, shop, None, item.price, item.image_url)
            if not item.has_model:
                continue
            for model in await self.client.get_model_list(item.item_id):
                if model.sku and model.sku not in index:
                    index[model.sku] = Match(
                        "", item.item_id, shop, model.model_id, model.price, item.image_url
                    )
        self._index = (now, index)
        return index

    async def _lookup(self, products: Sequence[ShowcaseProduct]) -> list[Match | BatchItemResult]:
        """Each product's match by SKU, or the result that says why it has none."""
        index = await self._sku_index()
        found: list[Match | BatchItemResult] = []
        for product in products:
            sku = product.sku.strip()
            if not sku:
                found.append(
                    BatchItemResult(product.id, "no_sku", "The product has no SKU to find it by.")
                )
                continue
            hit = index.get(sku)
            if hit is None:
                found.append(
                    BatchItemResult(
                        product.id,
                        "no_match",
                        f"No item or model of Shopee shop {self.config.shop_id} has SKU {sku}.",
                    )
                )
                continue
            found.append(
                Match(
                    product.id,
                    hit.item_id,
                    hit.shop_id,
                    hit.model_id,
                    hit.shopee_price,
                    hit.image_url,
                )
            )
        return found

    async def upsert_products(
        self, products: Sequence[ShowcaseProduct], *, idempotency_key: IdempotencyKey | None = None
    ) -> list[BatchItemResult]:
        """Match each product to a Shopee item or model by SKU; one result per product.

        ``error_code`` is ``no_sku`` or ``no_match`` when a product cannot be sold on this
        shop. Matched products whose Shopee price differs are in ``price_differences()``."""
        results: list[BatchItemResult] = []
        differences: list[PriceDifference] = []
        for product, found in zip(products, await self._lookup(products), strict=True):
            if isinstance(found, BatchItemResult):
                results.append(found)
                continue
            self._matches[product.id] = found
            self._by_item.setdefault(found.item_id, product.id)
            if found.shopee_price is not None and found.shopee_price != product.price:
                differences.append(
                    PriceDifference(
                        product.id, product.sku.strip(), product.price, found.shopee_price
                    )
                )
            results.append(BatchItemResult(product.id))
        self._differences = tuple(differences)
        return results

    async def match_products(self, products: Sequence[ShowcaseProduct]) -> list[ProductMatch]:
        """Pre-flight's look-up (``ProductMatcher``): each product's Shopee item or model by
        SKU and its Shopee price. Changes nothing, not even this adapter's own matches, so
        it may run during a show."""
        matches: list[ProductMatch] = []
        for product, found in zip(products, await self._lookup(products), strict=True):
            if isinstance(found, BatchItemResult):
                reason = found.error_detail or "no match"
                matches.append(ProductMatch(product.id, product.sku, None, reason=reason))
                continue
            theirs = f"item {found.item_id}" + (
                f" model {found.model_id}" if found.model_id is not None else ""
            )
            matches.append(ProductMatch(product.id, product.sku, theirs, found.shopee_price))
        return matches

    def price_differences(self) -> tuple[PriceDifference, ...]:
        """Matched products of the last ``upsert_products`` whose Shopee price (current,
        promotions included) is not the planned price."""
        return self._differences

    def match_of(self, product_id: str) -> Match:
        match = self._matches.get(product_id)
        if match is None:
            raise NotFoundError(
                f"Product {product_id} is not matched to a Shopee item: run the pre-flight "
                "check so its SKU is looked up in the shop.",
                _problem("no_match"),
            )
        return match

    def _product_of(self, item_id: int) -> str:
        return self._by_item.get(item_id, f"shopee-item:{item_id}")

    # ------------------------------------------------------------ sessions
    @staticmethod
    def _sid(session_id: str) -> int:
        if not session_id.isdigit():
            raise ValidationError(
                f"{session_id!r} is not a Shopee session id.", _problem("invalid_session_id")
            )
        return int(session_id)

    def _cover(self) -> str:
        if self.config.cover_image_url:
            return self.config.cover_image_url
        for match in self._matches.values():
            if match.image_url:
                return match.image_url
        raise ValidationError(
            "Shopee needs a cover image for the live session: set one in the Shopee profile "
            "or plan a product that has an image on Shopee.",
            _problem("cover_image_required"),
        )

    async def create_session(
        self,
        title: str,
        *,
        scheduled_start: datetime | None = None,
        idempotency_key: IdempotencyKey | None = None,
    ) -> LiveSession:
        """``create_session`` then ``get_session_detail``. Shopee has no scheduled start."""
        title = title.strip()
        if not title or len(title) > TITLE_MAX:
            raise ValidationError(
                f"A Shopee live title must have 1 to {TITLE_MAX} characters "
                f"(this one has {len(title)}).",
                _problem("invalid_title"),
            )
        sid = await self.client.create_session(title, self._cover(), is_test=self.config.is_test)
        return await self.get_session(str(sid))

    async def get_session(self, session_id: str) -> LiveSession:
        sid = self._sid(session_id)
        detail = await self.client.get_session_detail(sid)
        return self._session(detail)

    def _session(self, detail: wire.SessionDetail) -> LiveSession:
        status = STATUS.get(detail.status)
        if status is None:
            raise PlatformProtocolError(f"Shopee sent an unknown session status {detail.status}.")
        return LiveSession(
            id=str(detail.session_id),
            title=detail.title,
            status=status,
            started_at=_when(detail.start_time),
            ended_at=_when(detail.end_time),
            pin=self._pins.get(detail.session_id),
            bag=self._bags.get(detail.session_id, ()),
        )

    async def start_session(
        self, session_id: str, *, idempotency_key: IdempotencyKey | None = None
    ) -> LiveSession:
        """``start_session`` with the stream domain ``get_session_detail`` names."""
        sid = self._sid(session_id)
        detail = await self.client.get_session_detail(sid)
        if detail.status == 1:
            return self._session(detail)
        if not detail.domain_ids:
            raise PlatformProtocolError("Shopee named no stream domain for the session.")
        await self.client.start_session(sid, detail.domain_ids[0])
        return await self.get_session(session_id)

    async def end_session(
        self, session_id: str, *, idempotency_key: IdempotencyKey | None = None
    ) -> LiveSession:
        sid = self._sid(session_id)
        detail = await self.client.get_session_detail(sid)
        if detail.status == 1:
            await self.client.end_session(sid)
        self._pins[sid] = None
        return await self.get_session(session_id)

    async def set_bag(
        self, session_id: str, product_ids: Sequence[str], *, idempotency_key: IdempotencyKey
    ) -> LiveSession:
        """Make the live bag hold these products' items in this order: delete what is no
        longer planned, add what is new, then ``update_item_list`` for the order.

        The bag holds items, not models: products that are models of one Shopee item take
        one place, and that item's metrics are reported under the first of them."""
        sid = self._sid(session_id)
        wanted: list[tuple[int, int]] = []
        for product_id in product_ids:
            match = self.match_of(product_id)
            wanted.append((match.item_id, match.shop_id))
        wanted = list(dict.fromkeys(wanted))  # one place per item, first one wins
        current = await self.client.get_item_list(sid)
        _count, limit = await self.client.get_item_count(sid)
        if len(wanted) > limit:
            raise ValidationError(
                f"Shopee allows at most {limit} items in the live bag; the rundown has "
                f"{len(wanted)}.",
                _problem("bag_too_large"),
            )
        wanted_set, current_set = set(wanted), set(current)
        gone = [key for key in current if key not in wanted_set]
        new = [key for key in wanted if key not in current_set]
        if gone:
            await self.client.change_items("delete_item_list", sid, gone)
        if new:
            await self.client.change_items("add_item_list", sid, new)
        now_order = [key for key in current if key in wanted_set] + new
        if len(wanted) > 1 and now_order != wanted:
            await self.client.change_items("update_item_list", sid, wanted)
        self._bags[sid] = tuple(self._product_of(item) for item, _shop in wanted)
        return await self.get_session(session_id)

    # ------------------------------------------------------------ the pin
    def _next_version(self) -> int:
        self._version = max(self._version + 1, time.time_ns() // 1_000_000)
        return self._version

    def _new_pin(self, sid: int, product_id: str, item_id: int) -> Pin:
        version = self._next_version()
        return Pin(f"{sid}:{item_id}:{version}", product_id, datetime.now(UTC), version)

    async def pin(
        self, session_id: str, request: PinRequest, *, idempotency_key: IdempotencyKey
    ) -> Pin:
        """``update_show_item``, then ``get_show_item`` until it shows that item (a few
        read-backs with a growing pause); ``PinNotConfirmedError`` when it never does.
        Shopee has no live price or stock cap on a shown item: the pin carries neither."""
        sid = self._sid(session_id)
        match = self.match_of(request.product_id)
        await self.client.update_show_item(sid, match.item_id, match.shop_id)
        shown: wire.ShowItem | None = None
        delay = self.config.pin_read_back_delay_s
        for attempt in range(self.config.pin_read_backs):
            if attempt:
                await asyncio.sleep(delay)
                delay *= 2
            shown = await self.client.get_show_item(sid)
            if shown is not None and shown.item_id == match.item_id:
                pin = self._new_pin(sid, request.product_id, match.item_id)
                self._pins[sid] = pin
                self._shown[sid] = match.item_id
                return pin
        showing = "nothing" if shown is None else f"item {shown.item_id}"
        raise PinNotConfirmedError(
            f"Shopee accepted showing {request.product_id} (item {match.item_id}) but still "
            f"shows {showing} after {self.config.pin_read_backs} read-backs: the pin is not "
            "confirmed."
        )

    async def unpin(self, session_id: str, *, idempotency_key: IdempotencyKey) -> None:
        sid = self._sid(session_id)
        await self.client.delete_show_item(sid)
        self._pins[sid] = None
        self._shown[sid] = None

    async def list_orders(
        self, session_id: str, *, after: str | None = None, limit: int | None = None
    ) -> Page[Order]:
        """Always empty: Shopee's livestream API reports metrics, not orders."""
        return Page((), None)

    # ------------------------------------------------------------ news, by polling
    async def events(
        self, session_id: str, *, after: str | None = None, on_link: LinkListener | None = None
    ) -> AsyncGenerator[Delivery, None]:
        """Poll the session until it ends. Every ``metrics_interval_s`` (doubled on each
        rate-limit answer, back toward the base after each good poll, never above
        ``max_metrics_interval_s``): the session's status, metrics, items' metrics and shown
        item. Every ``comments_interval_s`` (always inside the 10-second window): the latest
        comments, de-duplicated by id. Deliveries carry no cursor (metrics are cumulative;
        ``after`` is ignored). Ends after ``SessionUpdated(ENDED)``."""
        poller = _Poller(self, self._sid(session_id), session_id)
        failures = 0
        live = False
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            wait = min(poller.next_metrics, poller.next_comments) - now
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                deliveries = await poller.poll(loop.time())
            except RateLimitedError as error:
                pause = poller.slow_down(loop.time(), error.retry_after_s)
                logger.info("Shopee rate limits the polls; next in %.1f s", pause)
                live = False
                if on_link is not None:
                    on_link(LinkStatus.RECONNECTING, pause)
                continue
            except SessionNotLiveError:
                # It started or ended between two reads: read its status again first.
                poller.recheck(loop.time())
                continue
            except (PlatformConnectionError, PlatformTimeoutError, ServerError) as error:
                failures += 1
                live = False
                logger.info("polling Shopee failed (%s); retrying", type(error).__name__)
                announce = None if on_link is None else partial(on_link, LinkStatus.RECONNECTING)
                await self._reconnect.pause(failures - 1, None, announce)
                poller.reschedule(loop.time())
                continue
            failures = 0
            if not live and on_link is not None:
                on_link(LinkStatus.LIVE, None)
            live = True
            for delivery in deliveries:
                yield delivery
            if poller.ended:
                return


class _Poller:
    """The state of one ``events()`` loop: schedule, last figures, comments seen."""

    def __init__(self, adapter: ShopeeAdapter, sid: int, session_id: str) -> None:
        self.adapter = adapter
        self.cfg = adapter.config
        self.sid = sid
        self.session_id = session_id
        self.interval = self.cfg.metrics_interval_s
        self.next_metrics = 0.0
        self.next_comments = 0.0
        self.status: int | None = None
        self.last_metrics: MetricsReported | None = None
        self.viewers: int | None = None
        self.seen: OrderedDict[int, float] = OrderedDict()
        self.ended = False

    def slow_down(self, now: float, retry_after_s: float | None) -> float:
        self.interval = min(self.cfg.max_metrics_interval_s, self.interval * 2)
        pause = max(self.interval, retry_after_s or 0.0)
        self.next_metrics = now + pause
        # Comments vanish after 10 s: never wait that long for them.
        self.next_comments = now + min(pause, COMMENT_WINDOW_S * 0.7)
        return pause

    def recheck(self, now: float) -> None:
        self.next_metrics = now
        self.next_comments = now + self.cfg.comments_interval_s

    def reschedule(self, now: float) -> None:
        self.next_metrics = min(self.next_metrics, now)
        self.next_comments = min(self.next_comments, now)

    async def poll(self, now: float) -> list[Delivery]:
        out: list[Delivery] = []
        if now >= self.next_metrics:
            out.extend(await self._metrics())
            self.interval = max(self.cfg.metrics_interval_s, self.interval * 0.75)
            self.next_metrics = now + self.interval
        if now >= self.next_comments and self.status == 1:
            out.extend(await self._comments(now))
            self.next_comments = now + self.cfg.comments_interval_s
        return out

    async def _metrics(self) -> list[Delivery]:
        client, poll, sid = self.adapter.client, self.adapter._poll, self.sid
        detail = await client.get_session_detail(sid, retrier=poll)
        out: list[Delivery] = []
        if detail.status != self.status:
            self.status = detail.status
            status = STATUS.get(detail.status)
            if status is None:
                raise PlatformProtocolError(
                    f"Shopee sent an unknown session status {detail.status}."
                )
            out.append(Delivery(None, SessionUpdated(self.session_id, status)))
            if status is SessionStatus.ENDED:
                self.ended = True
                return out
        if detail.status != 1:
            return out
        metric = await client.get_session_metric(sid, retrier=poll)
        items = await client.get_session_item_metric(sid, retrier=poll)
        shown = await client.get_show_item(sid, retrier=poll)
        currency = self.adapter._currency
        report = MetricsReported(
            session_id=self.session_id,
            at=datetime.now(UTC),
            gmv=None if metric.gmv is None else Money(metric.gmv, currency),
            orders=metric.orders,
            sold_items=sum(i.sold_items for i in items),
            viewers=metric.ccu,
            peak_viewers=metric.peak_ccu,
            likes=metric.likes,
            comments=metric.comments,
            items=tuple(
                ItemMetrics(
                    product_id=self.adapter._product_of(i.item_id),
                    sold_items=i.sold_items,
                    clicks=i.clicks,
                    add_to_cart=i.add_to_cart,
                )
                for i in items
            ),
        )
        last = self.last_metrics
        if last is None or (report.gmv, report.orders, report.sold_items, report.items) != (
            last.gmv,
            last.orders,
            last.sold_items,
            last.items,
        ):
            out.append(Delivery(None, report))
            self.last_metrics = report
        if metric.ccu != self.viewers:
            self.viewers = metric.ccu
            out.append(Delivery(None, ViewersUpdated(self.session_id, metric.ccu)))
        shown_item = None if shown is None else shown.item_id
        known = self.adapter._shown.get(sid)
        if sid not in self.adapter._shown or shown_item != known:
            self.adapter._shown[sid] = shown_item
            pin = None
            if shown_item is not None:
                pin = self.adapter._new_pin(sid, self.adapter._product_of(shown_item), shown_item)
            self.adapter._pins[sid] = pin
            out.append(Delivery(None, PinChanged(self.session_id, pin)))
        return out

    async def _comments(self, now: float) -> list[Delivery]:
        client = self.adapter.client
        comments = await client.get_latest_comment_list(self.sid, retrier=self.adapter._poll)
        out: list[Delivery] = []
        for c in comments:
            if c.comment_id in self.seen:
                continue
            self.seen[c.comment_id] = now
            at = _when(c.timestamp) or datetime.now(UTC)
            event = CommentPosted(self.session_id, str(c.comment_id), c.username, c.content, at)
            out.append(Delivery(None, event))
        while self.seen:
            oldest, seen_at = next(iter(self.seen.items()))
            if now - seen_at <= SEEN_COMMENTS_KEEP_S:
                break
            del self.seen[oldest]
        return out
