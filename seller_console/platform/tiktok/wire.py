"""TikTok Shop's JSON shapes (as documented by TikTok's SDK models) read into exact values.

- Money objects carry a string ``amount`` and a ``currency``: read with the platform's one
  money reader (``platform.wire.money``), never through a float.
- Commission rates are integers in hundredths of a percent (``3000`` is 30 %): read as exact
  ``Decimal`` fractions (``Decimal("0.3000")``).
- Affiliate orders (``/affiliate_creator/202410/orders/search``) become one domain ``Order``
  per TikTok order, holding only the SKU lines whose ``content_type`` is ``LIVE`` and whose
  ``content_id`` is the live room's id. The estimated and the actual commission are both kept
  (``AffiliateOrder``); the domain order carries the one that counts now:

  ============  ============  ===================================================
  TikTok        domain        commission on the domain order
  ============  ============  ===================================================
  ORDERED       PAID          estimated (TikTok: "not settled, estimate available")
  UNSPECIFIED   PAID          estimated ("might be updated later")
  FROZEN        PAID          estimated (fraud review; "unfrozen after it is resolved")
  SETTLED       PAID          actual (the estimate when TikTok sent no actual)
  REFUNDED      REFUNDED      zero ("no commission will be settled")
  DEDUCTED      REFUNDED      zero (the commission is taken back from the balance)
  ============  ============  ===================================================

  A line's commission is its commission plus its bonus and shop-ads commission (what the
  creator earns on it); a line's ``price`` is read as the unit price. Each domain line
  carries TikTok's estimated and actual commission as TikTok reports them (the actual once
  it settles, a deducted order's too); the order's ``Commission`` is ``settled`` when its
  status is SETTLED: the report shows estimated against settled.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from seller_console.domain.events import SessionStatus
from seller_console.domain.money import Currency, Money
from seller_console.domain.orders import Commission, Order, OrderLine, OrderStatus
from seller_console.platform.wire import WireFormatError, money

logger = logging.getLogger(__name__)

Obj = Mapping[str, Any]
RATE_UNIT = Decimal(10_000)
LIVE_CONTENT = "LIVE"


def obj(value: Any, where: str) -> Obj:
    if not isinstance(value, Mapping):
        raise WireFormatError(where, "expected an object")
    return value


def text(doc: Obj, key: str, where: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str):
        raise WireFormatError(where, f"{key!r} must be a string")
    return value


def opt_text(doc: Obj, key: str, where: str) -> str | None:
    return None if doc.get(key) is None else text(doc, key, where)


def integer(doc: Obj, key: str, where: str, default: int | None = None) -> int:
    value = doc.get(key)
    if value is None and default is not None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise WireFormatError(where, f"{key!r} must be an integer")
    return value


def items(doc: Obj, key: str, where: str) -> list[Obj]:
    value = doc.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise WireFormatError(where, f"{key!r} must be a list")
    return [obj(item, f"{where}.{key}[{i}]") for i, item in enumerate(value)]


def rate_fraction(value: Any, where: str) -> Decimal:
    """A rate in hundredths of a percent as an exact fraction: ``3000`` -> ``0.3000``."""
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise WireFormatError(where, "a commission rate must be a whole number")
    try:
        hundredths = Decimal(value)
    except ArithmeticError as exc:
        raise WireFormatError(where, f"{value!r} is not a commission rate") from exc
    if not hundredths.is_finite() or hundredths != hundredths.to_integral_value():
        raise WireFormatError(where, f"{value!r} is not a whole number of hundredths of a %")
    if hundredths < 0 or hundredths > RATE_UNIT:
        raise WireFormatError(where, f"{value!r} is outside 0..10000 hundredths of a %")
    return hundredths.quantize(Decimal(1)).scaleb(-4)


def opt_money(doc: Obj, key: str, where: str) -> Money | None:
    value = doc.get(key)
    if value is None:
        return None
    part = obj(value, f"{where}.{key}")
    if part.get("amount") in (None, ""):
        return None
    return money(part, f"{where}.{key}")


def unix_time(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


# ---------------------------------------------------------------- account
@dataclass(frozen=True, slots=True)
class CreatorProfile:
    user_id: str
    username: str
    permissions: tuple[str, ...]
    region: str | None


def creator_profile(value: Any) -> CreatorProfile:
    where = "creator profile"
    doc = obj(value, where)
    permissions = doc.get("permissions") or []
    if not isinstance(permissions, list) or not all(isinstance(p, str) for p in permissions):
        raise WireFormatError(where, "'permissions' must be a list of strings")
    return CreatorProfile(
        user_id=text(doc, "creator_user_id", where),
        username=text(doc, "username", where),
        permissions=tuple(permissions),
        region=opt_text(doc, "register_region", where),
    )


# ---------------------------------------------------------------- live room and bag
class RoomStatus(enum.Enum):
    """``live_rooms``' ``status`` is a string whose values the sources do not list; these
    are the spellings read (unverified), anything else is refused as unreadable."""

    UPCOMING = SessionStatus.SCHEDULED
    LIVE = SessionStatus.LIVE
    ENDED = SessionStatus.ENDED


_ROOM_STATUS = {
    "UPCOMING": RoomStatus.UPCOMING,
    "PRE_LIVE": RoomStatus.UPCOMING,
    "NOT_STARTED": RoomStatus.UPCOMING,
    "LIVE": RoomStatus.LIVE,
    "LIVING": RoomStatus.LIVE,
    "ONGOING": RoomStatus.LIVE,
    "ENDED": RoomStatus.ENDED,
    "END": RoomStatus.ENDED,
    "FINISHED": RoomStatus.ENDED,
}


@dataclass(frozen=True, slots=True)
class LiveRoom:
    id: str
    title: str
    status: RoomStatus
    start_time: datetime | None


def live_room(value: Any) -> LiveRoom | None:
    """The creator's last live room; None when TikTok returns none."""
    where = "live room"
    doc = obj(value, where)
    room_id = doc.get("id")
    if room_id in (None, ""):
        return None
    raw_status = text(doc, "status", where)
    status = _ROOM_STATUS.get(raw_status.upper())
    if status is None:
        raise WireFormatError(where, f"unknown live room status {raw_status!r}")
    start = doc.get("start_time")
    if start is not None and (isinstance(start, bool) or not isinstance(start, int)):
        raise WireFormatError(where, "'start_time' must be a Unix time")
    return LiveRoom(
        id=text(doc, "id", where),
        title=opt_text(doc, "title", where) or "",
        status=status,
        start_time=unix_time(start) if start else None,
    )


OUT_OF_STOCK = "OUT_OF_STOCK"
"""The ``status.inventory_status`` of a product nobody can buy now. The field is TikTok's
(the live bag's and the showcase's ``status``); its values are not in the sources: the
practice TikTok's ``IN_STOCK`` / ``OUT_OF_STOCK`` are read, and any other says nothing."""


@dataclass(frozen=True, slots=True)
class LiveBag:
    """The live bag as TikTok lists it, in its order; ``pinned`` is the pinned product,
    ``out_of_stock`` the products whose ``inventory_status`` says nobody can buy them."""

    product_ids: tuple[str, ...]
    pinned: str | None
    out_of_stock: frozenset[str] = frozenset()


def live_bag(value: Any) -> LiveBag:
    where = "live bag"
    doc = obj(value, where)
    products = items(doc, "products", where)
    ids = tuple(text(p, "id", f"{where}.products") for p in products)
    sold_out = frozenset(
        product_id
        for product_id, product in zip(ids, products, strict=True)
        if obj(product.get("status") or {}, f"{where}.status").get("inventory_status")
        == OUT_OF_STOCK
    )
    pinned = opt_text(doc, "pinned_product_id", where)
    return LiveBag(product_ids=ids, pinned=pinned or None, out_of_stock=sold_out)


@dataclass(frozen=True, slots=True)
class ItemError:
    """One product's error in a batch answer (``errors[{code, detail{product_id}, message}]``)."""

    product_id: str
    code: int
    message: str


def item_errors(value: Any, where: str) -> list[ItemError]:
    doc = obj(value, where)
    result = []
    for error in items(doc, "errors", where):
        detail = obj(error.get("detail") or {}, f"{where}.errors.detail")
        result.append(
            ItemError(
                product_id=opt_text(detail, "product_id", where) or "",
                code=integer(error, "code", where, default=0),
                message=opt_text(error, "message", where) or "",
            )
        )
    return result


# ---------------------------------------------------------------- showcase and products
@dataclass(frozen=True, slots=True)
class ShowcaseEntry:
    """A product the creator can sell, from the showcase listing."""

    id: str
    title: str
    detail_link: str | None
    price: Money | None
    """What a buyer pays: the lowest seller-discount price, else the lowest original price."""
    commission_rate: Decimal | None
    added: bool


def showcase_page(value: Any) -> tuple[list[ShowcaseEntry], str | None]:
    where = "showcase products"
    doc = obj(value, where)
    entries = []
    for product in items(doc, "products", where):
        price_doc = obj(product.get("price") or {}, f"{where}.price")
        price = None
        for key in ("seller_discount_price", "original_price"):
            part = price_doc.get(key)
            if isinstance(part, Mapping) and part.get("minimum_amount") not in (None, ""):
                price = money(
                    {"amount": part["minimum_amount"], "currency": part.get("currency")},
                    f"{where}.price.{key}",
                )
                break
        commission = obj(product.get("commission") or {}, f"{where}.commission")
        rate = commission.get("rate")
        status = obj(product.get("status") or {}, f"{where}.status")
        entries.append(
            ShowcaseEntry(
                id=text(product, "id", where),
                title=opt_text(product, "title", where) or "",
                detail_link=opt_text(product, "detail_link", where),
                price=price,
                commission_rate=None if rate is None else rate_fraction(rate, where),
                added=status.get("added_status") == "ADDED",
            )
        )
    return entries, next_token(doc, where)


def next_token(doc: Obj, where: str) -> str | None:
    token = opt_text(doc, "next_page_token", where)
    return token or None


@dataclass(frozen=True, slots=True)
class SearchedSku:
    """One SKU of a product the seller product search found: its seller SKU ("" when it
    has none) and the units in stock over its warehouses (``inventory[].quantity``; None
    when it reports none)."""

    product_id: str
    seller_sku: str
    quantity: int | None


def product_search_page(value: Any) -> tuple[list[SearchedSku], str | None]:
    """``/product/202309/products/search`` (TikTok's Node SDK models
    ``Product202309SearchProductsResponseDataProducts*``): every SKU of the products, and
    the next page token."""
    where = "product search"
    doc = obj(value, where)
    found = []
    for product in items(doc, "products", where):
        product_id = text(product, "id", where)
        for sku in items(product, "skus", f"{where}.skus"):
            quantity: int | None = None
            for stock in items(sku, "inventory", f"{where}.skus.inventory"):
                if stock.get("quantity") is not None:  # a warehouse that says nothing
                    units = integer(stock, "quantity", f"{where}.skus.inventory")
                    quantity = (quantity or 0) + max(0, units)
            seller_sku = opt_text(sku, "seller_sku", f"{where}.skus") or ""
            found.append(SearchedSku(product_id, seller_sku, quantity))
    return found, next_token(doc, where)


# ---------------------------------------------------------------- affiliate orders
class AffiliateStatus(enum.Enum):
    UNSPECIFIED = "UNSPECIFIED"
    ORDERED = "ORDERED"
    SETTLED = "SETTLED"
    REFUNDED = "REFUNDED"
    FROZEN = "FROZEN"
    DEDUCTED = "DEDUCTED"


_DOMAIN_STATUS = {
    AffiliateStatus.UNSPECIFIED: OrderStatus.PAID,
    AffiliateStatus.ORDERED: OrderStatus.PAID,
    AffiliateStatus.FROZEN: OrderStatus.PAID,
    AffiliateStatus.SETTLED: OrderStatus.PAID,
    AffiliateStatus.REFUNDED: OrderStatus.REFUNDED,
    AffiliateStatus.DEDUCTED: OrderStatus.REFUNDED,
}


@dataclass(frozen=True, slots=True)
class AffiliateLine:
    tiktok_product_id: str
    sku_id: str
    quantity: int
    unit_price: Money
    rate: Decimal
    estimated: Money
    actual: Money | None


@dataclass(frozen=True, slots=True)
class AffiliateOrder:
    """One TikTok affiliate order as it concerns one live session, with both commissions.

    ``order`` is the domain order (its commission is the one that counts now: see the module
    docstring); ``estimated`` and ``actual`` are kept side by side for the report."""

    status: AffiliateStatus
    lines: tuple[AffiliateLine, ...]
    estimated: Money
    actual: Money | None
    order: Order

    @property
    def settled(self) -> bool:
        return self.status is AffiliateStatus.SETTLED


def _line_commission(sku: Obj, prefix: str, where: str, currency: Currency) -> Money | None:
    parts = [
        opt_money(sku, f"{prefix}_{name}", where)
        for name in ("commission", "bonus_commission", "shop_ads_commission")
    ]
    present = [p for p in parts if p is not None]
    if not present:
        return None
    result = Money.zero(currency)
    for part in present:
        result = result + part
    return result


def session_order(
    value: Any,
    *,
    room_id: str,
    session_id: str,
    product_ids: Mapping[str, str],
) -> AffiliateOrder | None:
    """The order's part that sold through live room ``room_id``; None when none of its SKU
    lines did. ``product_ids`` maps TikTok product ids to ours (unknown ones stay TikTok's)."""
    doc = obj(value, "affiliate order")
    order_id = text(doc, "id", "affiliate order")
    where = f"affiliate order {order_id}"
    raw_status = opt_text(doc, "status", where) or "UNSPECIFIED"
    try:
        status = AffiliateStatus(raw_status)
    except ValueError:
        logger.info(
            "affiliate order %s has unknown status %r; read as UNSPECIFIED", order_id, raw_status
        )
        status = AffiliateStatus.UNSPECIFIED
    lines: list[AffiliateLine] = []
    for sku in items(doc, "skus", where):
        if sku.get("content_type") != LIVE_CONTENT or sku.get("content_id") != room_id:
            continue
        price = money(sku.get("price"), f"{where}.price")
        currency = price.currency
        quantity = integer(sku, "quantity", where)
        if quantity < 0:
            raise WireFormatError(where, "'quantity' cannot be negative")
        estimated = _line_commission(sku, "estimated", where, currency) or Money.zero(currency)
        rate = sku.get("commission_rate")
        lines.append(
            AffiliateLine(
                tiktok_product_id=text(sku, "product_id", where),
                sku_id=opt_text(sku, "id", where) or "",
                quantity=quantity,
                unit_price=price,
                rate=Decimal(0) if rate is None else rate_fraction(rate, where),
                estimated=estimated,
                actual=_line_commission(sku, "actual", where, currency),
            )
        )
    if not lines:
        return None
    currency = lines[0].unit_price.currency
    if any(line.unit_price.currency != currency for line in lines):
        raise WireFormatError(where, "its live SKU lines are in different currencies")
    total = Money.zero(currency)
    estimated = Money.zero(currency)
    for line in lines:
        total = total + line.unit_price * line.quantity
        estimated = estimated + line.estimated
    actual: Money | None = None
    if all(line.actual is not None for line in lines):
        actual = Money.zero(currency)
        for line in lines:
            assert line.actual is not None
            actual = actual + line.actual
    settled = status is AffiliateStatus.SETTLED
    if status in (AffiliateStatus.REFUNDED, AffiliateStatus.DEDUCTED):
        counted = Money.zero(currency)
    elif status is AffiliateStatus.SETTLED and actual is not None:
        counted = actual
    else:
        counted = estimated
    rates = {line.rate for line in lines}
    if len(rates) == 1:
        rate = rates.pop()
    elif total.is_zero():
        rate = Decimal(0)
    else:  # lines at different rates: the rate of the whole order, weighted by amount
        weighted = sum(
            (line.unit_price.amount * line.quantity * line.rate for line in lines), Decimal(0)
        )
        rate = weighted / total.amount
    order = Order(
        id=order_id,
        session_id=session_id,
        created_at=unix_time(integer(doc, "create_time", where)),
        status=_DOMAIN_STATUS[status],
        lines=tuple(
            OrderLine(
                product_id=product_ids.get(line.tiktok_product_id, line.tiktok_product_id),
                sku=line.sku_id,
                quantity=line.quantity,
                unit_price=line.unit_price,
                commission_estimated=line.estimated,
                commission_settled=line.actual,
            )
            for line in lines
        ),
        total=total,
        commission=Commission(rate=rate, amount=counted, settled=settled),
        pin_id=None,
        affiliate_code=None,
    )
    return AffiliateOrder(
        status=status, lines=tuple(lines), estimated=estimated, actual=actual, order=order
    )


def orders_page(value: Any) -> tuple[list[Any], str | None]:
    """The raw orders of one ``orders/search`` page and the next page token."""
    where = "affiliate orders"
    doc = obj(value, where)
    raw = doc.get("orders") or []
    if not isinstance(raw, list):
        raise WireFormatError(where, "'orders' must be a list")
    return raw, next_token(doc, where)
