"""The practice TikTok's state: the creator, the app's tokens, products, the live room and
its bag, and the affiliate orders a seeded audience places. Plain data behind one lock (the
server's event loop and a test thread may both touch it); no I/O.

Shapes and rules are those TikTok documents (its SDK models and the OAS notes in
``../shared/research/platform-apis.md`` §1.2), never our client's:

- tokens: access tokens expire after ``access_ttl_s``; refresh tokens are single-use;
- the live room: the creator's last LIVE (``id, start_time, status, title``), which a test
  schedules, starts and ends as a creator would in TikTok LIVE Studio;
- the bag holds at most 100 products; only a product in the bag can be pinned; a pin
  replaces the pinned product; unpinning a product that is not pinned is an error;
- stock: each product's units left (``PracticeProduct.stock``, None: not tracked); every
  order takes its units from it and none is made past zero. It is reported as the product
  search's ``skus[].inventory[].quantity`` (TikTok's Node SDK model
  ``Product202309SearchProductsResponseDataProductsSkusInventory``) and as the bag's and
  showcase's ``status.inventory_status`` (the field is TikTok's; its values are not in the
  sources: ``IN_STOCK`` / ``OUT_OF_STOCK`` here);
- orders: while the LIVE is on and a product is pinned, the audience buys by the sandbox's
  rate model (``audience``: 75 % the pinned product while it has stock, the rest the bag,
  cheaper products more); each order's SKU line has ``content_type`` LIVE and
  ``content_id`` the room id, an estimated commission at the product's rate, and after
  ``settle_after_s`` (sandbox clock) it settles (actual = estimated) or is refunded. Some
  orders come from other content (a VIDEO, an earlier LIVE) so a client must filter;
  ``sell_elsewhere`` makes one on demand (other content using up the LIVE's stock).
"""

from __future__ import annotations

import random
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from seller_console.sandbox import audience
from seller_console.sandbox.clock import SandboxClock
from seller_console.sandbox.errors import SandboxConfigError

BAG_LIMIT = 100
OTHER_CONTENT_SHARE = 0.1
RATE_UNIT = Decimal(10_000)
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class PracticeProduct:
    """A TikTok product the creator can sell: ``rate`` in hundredths of a percent, ``stock``
    the units the shop has (None: not tracked, never sells out)."""

    id: str
    title: str
    seller_sku: str
    price: Decimal
    currency: str = "USD"
    rate: int = 1500
    in_showcase: bool = True
    stock: int | None = None


DEFAULT_PRODUCTS = (
    PracticeProduct("1729000000000000101", "Glow serum 30 ml", "SER-30", Decimal("24.90")),
    PracticeProduct("1729000000000000102", "Lip oil trio", "LIP-3", Decimal("18.00"), rate=2000),
    PracticeProduct("1729000000000000103", "Jade roller", "JADE-1", Decimal("12.50"), rate=3000),
    PracticeProduct("1729000000000000104", "Night cream 50 ml", "NC-50", Decimal("31.00")),
    PracticeProduct(
        "1729000000000000105", "Clay mask", "MASK-1", Decimal("15.00"), in_showcase=False
    ),
)


@dataclass(slots=True)
class PracticeFaults:
    """Fault knobs, all off by default.

    - ``rate_limit_every``: every Nth API call is answered HTTP 429 (``Retry-After: 1``).
    - ``error_rate``: share of API calls answered HTTP 500.
    - ``refuse_pins``: pin and unpin calls are refused as unauthorised (HTTP 403), as TikTok
      would for an app without the scope or a creator without access.
    """

    rate_limit_every: int | None = None
    error_rate: float = 0.0
    refuse_pins: bool = False

    def __post_init__(self) -> None:
        if self.rate_limit_every is not None and self.rate_limit_every < 1:
            raise SandboxConfigError("rate_limit_every must be at least 1 (or None)")
        if not 0.0 <= self.error_rate <= 1.0:
            raise SandboxConfigError("error_rate must be between 0 and 1")


@dataclass(frozen=True, slots=True)
class PracticeConfig:
    seed: int = 0
    app_key: str | None = None
    app_secret: str | None = None
    shop_cipher: str = "PRACTICE_SHOP_CIPHER"
    access_ttl_s: float = 7 * 24 * 3600.0
    """TikTok's default access-token life is seven days; tests use seconds."""
    refresh_ttl_s: float = 30 * 24 * 3600.0
    rate: float = 2.0
    """Orders a second while the LIVE is on and a product is pinned."""
    settle_after_s: float = 600.0
    """Sandbox-clock seconds before an order settles or is refunded."""
    refund_rate: float = 0.2
    time_scale: float = 1.0
    tick_s: float = 0.05
    timestamp_window_s: int = 300
    """A request's ``timestamp`` may differ from the server's time by this much."""
    products: tuple[PracticeProduct, ...] = DEFAULT_PRODUCTS
    host: str = "127.0.0.1"
    port: int = 0
    faults: PracticeFaults = field(default_factory=PracticeFaults)
    state_path: Path | None = None
    """A JSON file that keeps the live rooms and orders across restarts (``state_file``)."""

    def __post_init__(self) -> None:
        if self.access_ttl_s <= 0 or self.refresh_ttl_s <= 0:
            raise SandboxConfigError("token lifetimes must be positive")
        if self.rate < 0 or not 0.0 <= self.refund_rate <= 1.0:
            raise SandboxConfigError("rate must be >= 0 and refund_rate between 0 and 1")
        if len({p.id for p in self.products}) != len(self.products):
            raise SandboxConfigError("product ids must be unique")


class PracticeError(Exception):
    """An error answer: HTTP ``status`` with TikTok's envelope ``code`` and ``message``.

    The sources name few codes: ``106001`` (invalid sign) and the 105/360 token groups are
    TikTok's; the others here are practice codes, grouped by HTTP status."""

    def __init__(self, status: int, code: int, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


INVALID_SIGN = 106001
INVALID_TOKEN = 105001
EXPIRED_TOKEN = 105002
INVALID_REFRESH = 105003


def bad_request(message: str) -> PracticeError:
    return PracticeError(400, 40000, message)


@dataclass(slots=True)
class Room:
    id: str
    title: str
    status: str  # UPCOMING, LIVE, ENDED
    start_time: int | None = None
    bag: list[str] = field(default_factory=list)
    pinned: str | None = None


@dataclass(slots=True)
class PracticeOrder:
    doc: dict[str, Any]
    settle_at: float
    refund: bool


@dataclass(slots=True)
class Stats:
    calls: int = 0
    bad_signatures: int = 0
    expired_tokens: int = 0
    invalid_tokens: int = 0
    token_refreshes: int = 0
    refused_refreshes: int = 0
    rate_limited: int = 0
    server_errors: int = 0
    pins: int = 0
    refused_pins: int = 0
    orders: int = 0

    def to_json(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__slots__}


class World:
    """Everything the practice TikTok knows. Every public method takes the lock."""

    def __init__(self, config: PracticeConfig, *, wall: Callable[[], float] = time.time) -> None:
        self.config = config
        self.app_key = config.app_key or f"practice{secrets.token_hex(4)}"
        self.app_secret = config.app_secret or secrets.token_hex(16)
        self.faults = config.faults
        self.clock = SandboxClock(config.time_scale)
        self.stats = Stats()
        self._wall = wall
        self._lock = threading.Lock()
        self._rng = random.Random(f"{config.seed}/audience")
        self._fault_rng = random.Random(f"{config.seed}/faults")
        self._ids = random.Random(f"{config.seed}/ids")
        self.products = {p.id: p for p in config.products}
        self.stock: audience.Stock[str] = audience.Stock({p.id: p.stock for p in config.products})
        self.showcase = [p.id for p in config.products if p.in_showcase]
        self._access: dict[str, float] = {}
        self._refresh: dict[str, float] = {}
        self.auth_code = secrets.token_urlsafe(12)
        self.rooms: list[Room] = []
        self.orders: list[PracticeOrder] = []
        self._last_tick: float | None = None
        self._order_seq = 0

    def now(self) -> float:
        """The server's wall-clock time (Unix seconds): timestamps and token expiry."""
        return self._wall()

    # ------------------------------------------------------------ tokens
    def _issue(self) -> dict[str, Any]:
        now = self._wall()
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self._access[access] = now + self.config.access_ttl_s
        self._refresh[refresh] = now + self.config.refresh_ttl_s
        return {
            "access_token": access,
            "access_token_expire_in": int(now + self.config.access_ttl_s),
            "refresh_token": refresh,
            "refresh_token_expire_in": int(now + self.config.refresh_ttl_s),
            "open_id": "practice-creator-open-id",
            "seller_name": "",
            "seller_base_region": "US",
            "user_type": 1,
        }

    def issue_tokens(self) -> dict[str, Any]:
        """A token set as ``/api/v2/token/get`` returns it (printed by the CLI)."""
        with self._lock:
            return self._issue()

    def exchange_code(self, code: str) -> dict[str, Any]:
        with self._lock:
            if not secrets.compare_digest(code, self.auth_code):
                raise PracticeError(401, INVALID_REFRESH, "The authorization code is invalid.")
            self.auth_code = secrets.token_urlsafe(12)  # codes are single-use too
            return self._issue()

    def refresh(self, refresh_token: str) -> dict[str, Any]:
        with self._lock:
            expires = self._refresh.pop(refresh_token, None)  # single-use
            if expires is None or expires < self._wall():
                self.stats.refused_refreshes += 1
                raise PracticeError(
                    401, INVALID_REFRESH, "The refresh token is invalid, expired or already used."
                )
            self.stats.token_refreshes += 1
            return self._issue()

    def check_access_token(self, token: str | None) -> None:
        with self._lock:
            expires = self._access.get(token or "")
            if expires is None:
                self.stats.invalid_tokens += 1
                raise PracticeError(401, INVALID_TOKEN, "The access token is invalid.")
            if expires <= self._wall():
                self.stats.expired_tokens += 1
                raise PracticeError(401, EXPIRED_TOKEN, "The access token has expired.")

    def expire_access_tokens(self) -> None:
        """Every access token issued so far expires now (a token lapsing mid-show)."""
        with self._lock:
            now = self._wall()
            for token in self._access:
                self._access[token] = min(self._access[token], now)

    # ------------------------------------------------------------ faults
    def gate(self) -> None:
        """Counts an API call and applies the fault knobs to it."""
        with self._lock:
            self.stats.calls += 1
            every = self.faults.rate_limit_every
            if every is not None and self.stats.calls % every == 0:
                self.stats.rate_limited += 1
                raise PracticeError(429, 42900, "Too many requests (practice).", retry_after=1)
            if self.faults.error_rate and self._fault_rng.random() < self.faults.error_rate:
                self.stats.server_errors += 1
                raise PracticeError(500, 50000, "Internal error (practice).")

    def count_bad_signature(self) -> None:
        with self._lock:
            self.stats.bad_signatures += 1

    def set_faults(self, faults: PracticeFaults) -> None:
        with self._lock:
            self.faults = faults

    # ------------------------------------------------------------ the creator and products
    def profile(self) -> dict[str, Any]:
        return {
            "creator_user_id": "7100000000000000001",
            "username": "practice.creator",
            "permissions": ["LIVE_STREAM_PERMISSION", "ADD_AFFILIATE_PERMISSION"],
            "register_region": "US",
            "selection_region": "US",
            "user_type": "TIKTOK_SHOP_CREATOR",
        }

    def _product_doc(self, product: PracticeProduct, added: bool) -> dict[str, Any]:
        amount = str(product.price)
        return {
            "id": product.id,
            "title": product.title,
            "detail_link": f"https://shop.tiktok.com/view/product/{product.id}",
            "price": {
                "original_price": {
                    "currency": product.currency,
                    "minimum_amount": amount,
                    "maximum_amount": amount,
                }
            },
            "commission": {"rate": product.rate},
            "status": {
                "added_status": "ADDED" if added else "NOT_ADDED",
                "inventory_status": self._inventory_status(product.id),
                "review_status": "APPROVED",
                "is_hidden": False,
            },
            "shop": {"name": "Practice Shop"},
            "source": "AFFILIATE",
            "sale_regions": ["US"],
        }

    def _inventory_status(self, product_id: str) -> str:
        return "IN_STOCK" if self.stock.can_sell(product_id) else "OUT_OF_STOCK"

    def showcase_page(self, origin: str, offset: int, size: int) -> dict[str, Any]:
        with self._lock:
            if origin == "LIVE":
                room = self._room()
                bag = room.bag if room else []
                ids = list(dict.fromkeys([*bag, *self.showcase]))
                docs = [self._product_doc(self.products[i], i in bag) for i in ids]
            else:
                docs = [self._product_doc(self.products[i], True) for i in self.showcase]
            return _page("products", docs, offset, size)

    def add_to_showcase(self, product_ids: Sequence[str]) -> list[dict[str, Any]]:
        with self._lock:
            errors = []
            for product_id in product_ids:
                if product_id not in self.products:
                    errors.append(_item_error(40401, product_id, "The product does not exist."))
                elif product_id not in self.showcase:
                    self.showcase.append(product_id)
            return errors

    def search_products(
        self, seller_skus: Sequence[str] | None, offset: int, size: int
    ) -> dict[str, Any]:
        with self._lock:
            wanted = set(seller_skus) if seller_skus else None
            docs = [
                {
                    "id": p.id,
                    "title": p.title,
                    "status": "ACTIVATE",
                    "skus": [
                        {
                            "id": f"{p.id}01",
                            "seller_sku": p.seller_sku,
                            "price": {
                                "currency": p.currency,
                                "sale_price": str(p.price),
                                "tax_exclusive_price": str(p.price),
                            },
                            **self._inventory(p.id),
                        }
                    ],
                }
                for p in self.products.values()
                if wanted is None or p.seller_sku in wanted
            ]
            return _page("products", docs, offset, size)

    def _inventory(self, product_id: str) -> dict[str, Any]:
        """A SKU's ``inventory`` (one practice warehouse), when its stock is tracked."""
        left = self.stock.left(product_id)
        if left is None:
            return {}
        return {"inventory": [{"warehouse_id": "7000000000000000001", "quantity": left}]}

    # ------------------------------------------------------------ the live room
    def _room(self) -> Room | None:
        return self.rooms[-1] if self.rooms else None

    def schedule_live(self, title: str = "Practice LIVE") -> str:
        """A new upcoming LIVE (the creator prepares one in LIVE Studio); its id."""
        with self._lock:
            taken = {r.id for r in self.rooms}
            room_id = ""
            while not room_id or room_id in taken:  # rooms restored from a saved world
                room_id = str(7_300_000_000_000_000_000 + self._ids.randrange(10**15))
            self.rooms.append(Room(id=room_id, title=title, status="UPCOMING"))
            return room_id

    def go_live(self) -> None:
        with self._lock:
            room = self._room()
            if room is None or room.status != "UPCOMING":
                raise SandboxConfigError("schedule a LIVE before going live")
            room.status = "LIVE"
            room.start_time = int(self._wall())

    def end_live(self) -> None:
        with self._lock:
            room = self._room()
            if room is not None:
                room.status = "ENDED"
                room.pinned = None

    def live_room(self) -> dict[str, Any]:
        with self._lock:
            room = self._room()
            if room is None:
                return {}
            doc: dict[str, Any] = {"id": room.id, "status": room.status, "title": room.title}
            if room.start_time is not None:
                doc["start_time"] = room.start_time
            return doc

    def _open_room(self) -> Room:
        room = self._room()
        if room is None or room.status == "ENDED":
            raise PracticeError(400, 40010, "There is no upcoming or ongoing LIVE.")
        return room

    def bag(self) -> dict[str, Any]:
        with self._lock:
            room = self._open_room()
            docs = []
            for product_id in room.bag:
                product = self.products[product_id]
                amount = str(product.price)
                docs.append(
                    {
                        "id": product.id,
                        "title": product.title,
                        "detail_url": f"https://shop.tiktok.com/view/product/{product.id}",
                        "main_images": [],
                        "price": {
                            "original_price": {
                                "currency": product.currency,
                                "lowest_amount": amount,
                                "highest_amount": amount,
                            }
                        },
                        "commission": {"commission_rate": product.rate},
                        "status": {
                            "added_status": "ADDED",
                            "inventory_status": self._inventory_status(product_id),
                        },
                        "shop_name": "Practice Shop",
                        "source": "AFFILIATE",
                        "sale_regions": ["US"],
                    }
                )
            return {"pinned_product_id": room.pinned or "", "products": docs}

    def add_to_bag(self, product_ids: Sequence[str]) -> list[dict[str, Any]]:
        with self._lock:
            room = self._open_room()
            errors = []
            for product_id in product_ids:
                if product_id in room.bag:
                    continue
                if product_id not in self.products:
                    errors.append(_item_error(40401, product_id, "The product does not exist."))
                elif product_id not in self.showcase:
                    errors.append(
                        _item_error(40402, product_id, "The product is not in your showcase.")
                    )
                elif len(room.bag) >= BAG_LIMIT:
                    errors.append(
                        _item_error(40003, product_id, "The LIVE bag is full (100 products).")
                    )
                else:
                    room.bag.append(product_id)
            return errors

    def remove_from_bag(self, product_ids: Sequence[str]) -> None:
        with self._lock:
            room = self._open_room()
            gone = set(product_ids)
            room.bag = [p for p in room.bag if p not in gone]
            if room.pinned in gone:
                room.pinned = None

    def top(self, product_ids: Sequence[str]) -> None:
        with self._lock:
            room = self._open_room()
            unknown = [p for p in product_ids if p not in room.bag]
            if unknown:
                raise bad_request(f"Products not in the LIVE bag: {', '.join(unknown)}.")
            first = list(dict.fromkeys(product_ids))
            room.bag = first + [p for p in room.bag if p not in set(first)]

    def pin(self, product_id: str) -> None:
        with self._lock:
            if self.faults.refuse_pins:
                self.stats.refused_pins += 1
                raise PracticeError(403, 40300, "This app is not authorized to pin products.")
            room = self._open_room()
            if product_id not in room.bag:
                raise bad_request("Only a product in the LIVE bag can be pinned.")
            room.pinned = product_id  # replaces the pinned product
            self.stats.pins += 1

    def unpin(self, product_id: str) -> None:
        with self._lock:
            if self.faults.refuse_pins:
                self.stats.refused_pins += 1
                raise PracticeError(403, 40300, "This app is not authorized to unpin products.")
            room = self._open_room()
            if room.pinned != product_id:
                raise bad_request("The product is not pinned.")
            room.pinned = None

    # ------------------------------------------------------------ the audience and orders
    def tick(self) -> None:
        """Advance the audience to the sandbox clock's now: new orders, settlements."""
        with self._lock:
            elapsed = self.clock.elapsed()
            dt = 0.0 if self._last_tick is None else elapsed - self._last_tick
            self._last_tick = elapsed
            room = self._room()
            if room is not None and room.status == "LIVE" and room.pinned is not None and dt > 0:
                offers = self._offers(room)
                mean = audience.order_rate(self.config.rate, offers) * dt
                for _ in range(audience.poisson(self._rng, mean)):
                    if not self._place(room, offers, elapsed):
                        break
            for order in self.orders:
                if order.doc["status"] == "ORDERED" and elapsed >= order.settle_at:
                    self._settle(order)

    def _offers(self, room: Room) -> list[audience.Offer]:
        return [
            audience.Offer(p, self.products[p].price, self.stock.left(p), pinned=p == room.pinned)
            for p in room.bag
        ]

    def _place(self, room: Room, offers: list[audience.Offer], elapsed: float) -> bool:
        """One viewer's order from the bag, its units taken from ``stock``; False when
        nothing in the bag can sell. Every order the audience makes is made here; a test
        adds other content's with ``sell_elsewhere``."""
        index = audience.pick(self._rng, audience.purchase_weights(offers))
        if index is None:
            return False
        product = self.products[offers[index].product_id]
        quantity = self.stock.take(self._rng, product.id)
        offers[index] = audience.Offer(
            product.id, product.price, self.stock.left(product.id), offers[index].pinned
        )
        if self._rng.random() < OTHER_CONTENT_SHARE:
            self._record(product, quantity, *self._video(), elapsed)
        else:
            self._record(product, quantity, "LIVE", room.id, elapsed)
        return True

    def sell_elsewhere(self, product_id: str) -> int:
        """One order of ``product_id`` credited to a VIDEO (not the LIVE), as TikTok sells
        a shop's stock through all its content; the units it took (0: sold out, no order)."""
        with self._lock:
            product = self.products[product_id]
            if not self.stock.can_sell(product_id):
                return 0
            quantity = self.stock.take(self._rng, product_id)
            self._record(product, quantity, *self._video(), self.clock.elapsed())
            return quantity

    def _video(self) -> tuple[str, str]:
        return "VIDEO", str(7_200_000_000_000_000_000 + self._order_seq)

    def _record(
        self,
        product: PracticeProduct,
        quantity: int,
        content_type: str,
        content_id: str,
        elapsed: float,
    ) -> None:
        """Keep an order of ``quantity`` units (already taken from ``stock``)."""
        commission = _commission(product.price * quantity, product.rate)
        self._order_seq += 1
        doc = {
            "id": str(5_770_000_000_000_000_000 + self._order_seq),
            "create_time": int(self._wall()),
            "status": "ORDERED",
            "skus": [
                {
                    "id": f"{product.id}01",
                    "product_id": product.id,
                    "product_name": product.title,
                    "shop_name": "Practice Shop",
                    "quantity": quantity,
                    "price": {"amount": str(product.price), "currency": product.currency},
                    "content_type": content_type,
                    "content_id": content_id,
                    "commission_rate": product.rate,
                    "commission_model": "FIXED",
                    "estimated_commission_base": _money(product.price * quantity, product),
                    "estimated_commission": _money(commission, product),
                    "refunded_quantity": 0,
                    "returned_quantity": 0,
                }
            ],
        }
        self.orders.append(
            PracticeOrder(
                doc=doc,
                settle_at=elapsed + self.config.settle_after_s,
                refund=self._rng.random() < self.config.refund_rate,
            )
        )
        self.stats.orders += 1

    def _settle(self, order: PracticeOrder) -> None:
        sku = order.doc["skus"][0]
        if order.refund:
            order.doc["status"] = "REFUNDED"
            sku["refunded_quantity"] = sku["quantity"]
            return
        order.doc["status"] = "SETTLED"
        sku["actual_commission_base"] = dict(sku["estimated_commission_base"])
        sku["actual_commission"] = dict(sku["estimated_commission"])

    def search_orders(
        self, ge: int | None, lt: int | None, offset: int, size: int
    ) -> dict[str, Any]:
        with self._lock:
            docs = [
                o.doc
                for o in self.orders
                if (ge is None or o.doc["create_time"] >= ge)
                and (lt is None or o.doc["create_time"] < lt)
            ]
            return _page("orders", [_copy(d) for d in docs], offset, size)

    def order_docs(self) -> list[dict[str, Any]]:
        """Every order as the search returns it (for tests to compare against)."""
        with self._lock:
            return [_copy(o.doc) for o in self.orders]

    # ------------------------------------------------------------ kept across restarts
    def snapshot(self) -> dict[str, Any]:
        """The live rooms and orders as JSON values (``state_file``). An order's settlement
        is kept as sandbox seconds still to go, counted from ``saved_at`` (wall time)."""
        with self._lock:
            elapsed = self.clock.elapsed()
            return {
                "saved_at": self._wall(),
                "order_seq": self._order_seq,
                "rooms": [
                    {
                        "id": r.id,
                        "title": r.title,
                        "status": r.status,
                        "start_time": r.start_time,
                        "bag": list(r.bag),
                        "pinned": r.pinned,
                    }
                    for r in self.rooms
                ],
                "orders": [
                    {"doc": o.doc, "settle_in": o.settle_at - elapsed, "refund": o.refund}
                    for o in self.orders
                ],
                "stock": self.stock.levels(),
            }

    def restore(self, saved: dict[str, Any]) -> None:
        """Puts a saved world back (at start, before serving). Time passed while the app was
        closed counts towards settlements, at the clock's scale; a LIVE left on stays on."""
        with self._lock:
            away = max(0.0, self._wall() - float(saved["saved_at"])) * self.config.time_scale
            elapsed = self.clock.elapsed()
            order_seq = int(saved["order_seq"])
            rooms = [
                Room(
                    id=str(r["id"]),
                    title=str(r["title"]),
                    status=str(r["status"]),
                    start_time=None if r["start_time"] is None else int(r["start_time"]),
                    bag=[str(p) for p in r["bag"] if str(p) in self.products],
                    pinned=r["pinned"] if r["pinned"] in self.products else None,
                )
                for r in saved["rooms"]
            ]
            orders = [
                PracticeOrder(
                    doc=o["doc"],
                    settle_at=elapsed + float(o["settle_in"]) - away,
                    refund=bool(o["refund"]),
                )
                for o in saved["orders"]
            ]
            if not all("skus" in o.doc for o in orders):
                raise ValueError("an order has no SKU lines")
            levels = self.stock.levels()  # a file from before stock was kept: full stock
            for product_id, left in dict(saved.get("stock", {})).items():
                if product_id in levels:
                    levels[product_id] = None if left is None else int(left)
            self._order_seq, self.rooms, self.orders = order_seq, rooms, orders
            self.stock = audience.Stock(levels)


def _copy(doc: dict[str, Any]) -> dict[str, Any]:
    return {**doc, "skus": [dict(s) for s in doc["skus"]]}


def _commission(amount: Decimal, rate: int) -> Decimal:
    return (amount * rate / RATE_UNIT).quantize(CENT, rounding=ROUND_HALF_UP)


def _money(amount: Decimal, product: PracticeProduct) -> dict[str, str]:
    return {"amount": str(amount.quantize(CENT)), "currency": product.currency}


def _item_error(code: int, product_id: str, message: str) -> dict[str, Any]:
    return {"code": code, "detail": {"product_id": product_id}, "message": message}


def _page(key: str, docs: list[dict[str, Any]], offset: int, size: int) -> dict[str, Any]:
    chunk = docs[offset : offset + size]
    following = offset + size
    return {
        key: chunk,
        "next_page_token": str(following) if following < len(docs) else "",
        "total_count": len(docs),
    }
