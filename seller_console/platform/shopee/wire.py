"""Shopee's answers read into typed values, field by field as the doc JSON lists them.

Money arrives as JSON numbers (``current_price: 100.0``, ``gmv: 1.0``); the client parses
JSON with ``parse_float=Decimal`` (``platform._http.loads``), so every amount here is a
``Decimal`` made from its decimal text, never a float. A field of the wrong type is a
``PlatformProtocolError`` that names the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from seller_console.domain.money import Money, MoneyError
from seller_console.platform.errors import PlatformProtocolError

Json = Mapping[str, Any]
T = TypeVar("T")


def obj(doc: Any, where: str) -> Json:
    if not isinstance(doc, Mapping):
        raise PlatformProtocolError(f"Shopee's answer has no object at {where}.")
    return doc


def objects(doc: Json, key: str, where: str) -> list[Json]:
    value = doc.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise PlatformProtocolError(f"Shopee's answer has no list at {where}.{key}.")
    return [obj(v, f"{where}.{key}[{i}]") for i, v in enumerate(value)]


def integer(doc: Json, key: str, where: str, default: int | None = None) -> int:
    value = doc.get(key)
    if value is None and default is not None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise PlatformProtocolError(f"Shopee's answer has no whole number at {where}.{key}.")
    return value


def text(doc: Json, key: str, default: str = "") -> str:
    value = doc.get(key)
    return value if isinstance(value, str) else default


def flag(doc: Json, key: str) -> bool:
    return doc.get(key) is True


def number(doc: Json, key: str, where: str) -> Decimal | None:
    """A JSON number as a ``Decimal`` (None when absent)."""
    value = doc.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise PlatformProtocolError(f"Shopee's answer has no number at {where}.{key}.")
    return Decimal(value)


def price(doc: Json | None, where: str) -> Money | None:
    """``price_info{currency, current_price}`` as Money in the currency Shopee names."""
    if doc is None:
        return None
    amount = number(doc, "current_price", where)
    currency = text(doc, "currency")
    if amount is None or not currency:
        return None
    try:
        return Money.of(amount, currency)
    except MoneyError as exc:
        raise PlatformProtocolError(
            f"Shopee's answer has a price Shopee's currency cannot hold at {where}."
        ) from exc


def first_price(value: Any, where: str) -> Money | None:
    """``price_info`` is an object in livestream answers and a list in product answers."""
    if isinstance(value, list):
        return price(obj(value[0], f"{where}[0]"), where) if value else None
    if value is None:
        return None
    return price(obj(value, where), where)


@dataclass(frozen=True, slots=True)
class SessionDetail:
    session_id: int
    title: str
    status: int  # 0 initial, 1 ongoing, 2 ended
    cover_image_url: str
    start_time: int
    end_time: int
    domain_ids: tuple[int, ...]


def session_detail(doc: Any) -> SessionDetail:
    d = obj(doc, "response")
    streams = d.get("stream_url_list")
    # The doc types stream_url_list as an object; a list of them is read too.
    entries = streams if isinstance(streams, list) else ([] if streams is None else [streams])
    domains = tuple(
        integer(obj(e, "response.stream_url_list"), "domain_id", "response.stream_url_list")
        for e in entries
    )
    return SessionDetail(
        session_id=integer(d, "session_id", "response"),
        title=text(d, "title"),
        status=integer(d, "status", "response"),
        cover_image_url=text(d, "cover_image_url"),
        start_time=integer(d, "start_time", "response", 0),
        end_time=integer(d, "end_time", "response", 0),
        domain_ids=domains,
    )


@dataclass(frozen=True, slots=True)
class ShowItem:
    item_id: int
    shop_id: int
    name: str
    price: Money | None


def show_item(doc: Any) -> ShowItem | None:
    d = obj(doc, "response")
    if not flag(d, "has_show_item"):
        return None
    item = obj(d.get("item"), "response.item")
    return ShowItem(
        item_id=integer(item, "item_id", "response.item"),
        shop_id=integer(item, "shop_id", "response.item"),
        name=text(item, "name"),
        price=first_price(item.get("price_info"), "response.item.price_info"),
    )


@dataclass(frozen=True, slots=True)
class SessionMetric:
    gmv: Decimal | None
    orders: int
    ccu: int
    peak_ccu: int
    likes: int
    comments: int
    views: int


def session_metric(doc: Any) -> SessionMetric:
    d = obj(doc, "response")
    return SessionMetric(
        gmv=number(d, "gmv", "response"),
        orders=integer(d, "orders", "response", 0),
        ccu=integer(d, "ccu", "response", 0),
        peak_ccu=integer(d, "peak_ccu", "response", 0),
        likes=integer(d, "likes", "response", 0),
        comments=integer(d, "comments", "response", 0),
        views=integer(d, "views", "response", 0),
    )


@dataclass(frozen=True, slots=True)
class ItemMetric:
    item_id: int
    shop_id: int
    currency: str
    clicks: int
    add_to_cart: int
    sold_items: int


@dataclass(frozen=True, slots=True)
class Paged(Generic[T]):
    entries: tuple[T, ...]
    more: bool
    next_offset: int


def item_metrics(doc: Any) -> Paged[ItemMetric]:
    d = obj(doc, "response")
    out = []
    for i, entry in enumerate(objects(d, "list", "response")):
        where = f"response.list[{i}]"
        item = obj(entry.get("item"), f"{where}.item")
        metric = obj(entry.get("metric") or {}, f"{where}.metric")
        info = item.get("price_info")
        currency = text(obj(info, f"{where}.item.price_info"), "currency") if info else ""
        out.append(
            ItemMetric(
                item_id=integer(item, "item_id", f"{where}.item"),
                shop_id=integer(item, "shop_id", f"{where}.item"),
                currency=currency,
                clicks=integer(metric, "item_clicks", f"{where}.metric", 0),
                add_to_cart=integer(metric, "atc", f"{where}.metric", 0),
                sold_items=integer(metric, "sold_items", f"{where}.metric", 0),
            )
        )
    more = flag(d, "more")
    return Paged(tuple(out), more, integer(d, "next_offset", "response", 0))


@dataclass(frozen=True, slots=True)
class Comment:
    comment_id: int
    content: str
    timestamp: int
    user_id: int
    username: str


def comments(doc: Any) -> Paged[Comment]:
    d = obj(doc, "response")
    out = tuple(
        Comment(
            comment_id=integer(c, "comment_id", f"response.list[{i}]"),
            content=text(c, "content"),
            timestamp=integer(c, "timestamp", f"response.list[{i}]", 0),
            user_id=integer(c, "user_id", f"response.list[{i}]", 0),
            username=text(c, "username"),
        )
        for i, c in enumerate(objects(d, "list", "response"))
    )
    return Paged(out, False, integer(d, "next_offset", "response", 0))


@dataclass(frozen=True, slots=True)
class ShopItem:
    item_id: int
    name: str
    sku: str
    status: str
    has_model: bool
    price: Money | None
    image_url: str | None


def shop_item_ids(doc: Any) -> Paged[int]:
    d = obj(doc, "response")
    ids = tuple(
        integer(i, "item_id", f"response.item[{n}]")
        for n, i in enumerate(objects(d, "item", "response"))
    )
    return Paged(ids, flag(d, "has_next_page"), integer(d, "next_offset", "response", 0))


def shop_items(doc: Any) -> list[ShopItem]:
    d = obj(doc, "response")
    out = []
    for n, item in enumerate(objects(d, "item_list", "response")):
        where = f"response.item_list[{n}]"
        image = item.get("image")
        urls = obj(image, f"{where}.image").get("image_url_list") if image else None
        out.append(
            ShopItem(
                item_id=integer(item, "item_id", where),
                name=text(item, "item_name"),
                sku=text(item, "item_sku"),
                status=text(item, "item_status"),
                has_model=flag(item, "has_model"),
                price=first_price(item.get("price_info"), f"{where}.price_info"),
                image_url=urls[0] if isinstance(urls, list) and urls else None,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Model:
    model_id: int
    sku: str
    status: str
    price: Money | None


def models(doc: Any) -> list[Model]:
    d = obj(doc, "response")
    return [
        Model(
            model_id=integer(m, "model_id", f"response.model[{n}]"),
            sku=text(m, "model_sku"),
            status=text(m, "model_status"),
            price=first_price(m.get("price_info"), f"response.model[{n}].price_info"),
        )
        for n, m in enumerate(objects(d, "model", "response"))
    ]
