"""The practice Shopee's HTTP face: Shopee's paths, common parameters, signing, envelope and
error answers, as the Open Platform's doc JSON gives them, plus ``/_sandbox/`` controls.

- ``/api/v2/livestream/<call>`` ("User" APIs): query ``partner_id, timestamp,
  access_token, user_id, sign``; sign over ``partner_id + path + timestamp + access_token +
  user_id``.
- ``/api/v2/product/<call>`` ("Shop" APIs): the same with ``shop_id``.
- ``/api/v2/shop/auth_partner`` (the authorization link): query ``partner_id, timestamp,
  sign, redirect``, signed as a Public call. The practice seller consents at once: the
  answer is a 302 to ``redirect`` with ``code`` and ``shop_id`` appended (``?`` or ``&``).
- ``/api/v2/auth/token/get`` (``v2.public.get_access_token``, "Public"): body ``code,
  partner_id`` and, for a shop's code, its ``shop_id``; the answer has the tokens beside
  ``error`` and ``shop_id_list`` or ``user_id_list``. A code works once, for 10 minutes.
  Shopee documents no authorization link for a *user*; ``POST /_sandbox/user_code`` gives a
  user's code as that user's consent would (``?with_shop=1``: one code for the user and the
  shop, answered with one token set and both id lists).
- ``/api/v2/auth/access_token/get`` (``v2.public.refresh_access_token``, "Public"): query
  ``partner_id, timestamp, sign``; sign over ``partner_id + path + timestamp``; body
  ``refresh_token, partner_id`` and one of ``shop_id`` / ``user_id``. Its answer has the
  tokens beside ``error`` (no ``response`` object), as the doc's sample shows.

Every signature is verified (``bad_signatures`` in ``GET /_sandbox/stats`` counts the
wrong ones), a timestamp more than 5 minutes old is refused, access tokens expire after
``token_ttl_s``, a refresh token works once for each id its authorization covers, and
answers a set for the one id it is refreshed for (``ShopeeWorld.use_refresh``). Controls:
``GET /_sandbox/stats``,
``PUT /_sandbox/faults`` (``ShopeeFaults``), ``POST /_sandbox/expire_tokens`` (every access
token expires now), ``GET /_sandbox/sessions/{id}`` (bag, shown item, orders, GMV, every
comment id) and ``PUT /_sandbox/sessions/{id}/show`` ``{"item_id"}`` (the streamer shows an
item from the Shopee app). A refresh token that is unknown or spent is
answered ``error_shop_refresh_token`` for a shop and ``refresh_token_expired`` for a user
(the doc lists no user-specific error). ``/_sandbox/*`` needs ``Authorization: Bearer
<partner key>``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from seller_console.sandbox.clock import SandboxClock
from seller_console.sandbox.errors import SandboxConfigError
from seller_console.sandbox.server import ServedApp
from seller_console.sandbox.shopee.config import (
    TIMESTAMP_WINDOW_S,
    SandboxItem,
    ShopeeSandboxConfig,
)
from seller_console.sandbox.shopee.world import (
    SHOP,
    USER,
    Owner,
    Session,
    ShopeeError,
    ShopeeWorld,
    data_error,
    param_error,
)
from seller_console.sandbox.state_file import kept, restore_state

STATE_KIND = "shopee"
LIVESTREAM = "/api/v2/livestream/"
PRODUCT = "/api/v2/product/"
REFRESH = "/api/v2/auth/access_token/get"
AUTH_PARTNER = "/api/v2/shop/auth_partner"
CODE_EXCHANGE = "/api/v2/auth/token/get"
TICK_S = 0.05
UINT32 = 4294967295
Body = Mapping[str, Any]
Query = Mapping[str, list[str]]
Handler = Callable[[ShopeeWorld, Query, Body], dict[str, Any]]


# ---------------------------------------------------------------------- JSON out
def encode(value: object) -> str:
    """JSON text with every ``Decimal`` written as a JSON number from its decimal digits
    (the way Shopee sends prices: ``"current_price": 24.9``)."""
    if value is None or isinstance(value, bool | int | float | str):
        return json.dumps(value)  # floats only in /_sandbox/ answers, never money
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list | tuple):
        return "[" + ",".join(encode(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{encode(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot encode {type(value).__name__}")


def answer(doc: dict[str, Any], status: int = 200) -> Response:
    return Response(encode(doc).encode(), status, media_type="application/json")


def error_answer(error: ShopeeError) -> Response:
    doc = {
        "error": error.error,
        "message": error.message,
        "request_id": secrets.token_hex(16),
        "response": {},
    }
    return answer(doc, error.status)


# ---------------------------------------------------------------------- reading requests
def _uint(text: str | None, missing: str, invalid: str) -> int:
    if text is None or text == "":
        raise param_error(missing)
    if not text.isdigit() or int(text) > UINT32:
        raise param_error(invalid)
    return int(text)


def q_int(query: Query, name: str, *, default: int | None = None) -> int:
    values = query.get(name)
    if not values:
        if default is not None:
            return default
        raise param_error(f"Wrong parameters, detail: {name} is required.")
    text = values[-1]
    if not text.isdigit():
        raise param_error(f"Wrong parameters, detail: {name} must be an integer.")
    return int(text)


def b_int(body: Body, name: str) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise param_error(f"Wrong parameters, detail: {name} must be an integer.")
    return value


def session_of(world: ShopeeWorld, value: object) -> Session:
    return world.session(value)


def page_size(query: Query) -> tuple[int, int]:
    offset = q_int(query, "offset")
    size = q_int(query, "page_size")
    if not 1 <= size <= 100:
        raise param_error("Invalid page_size, page_size must larger than 0 and cannot exceed 100")
    return offset, size


def sign_of(key: str, base: str) -> str:
    return hmac.new(key.encode(), base.encode(), hashlib.sha256).hexdigest()


def check_common(world: ShopeeWorld, request: Request, level: str | None) -> None:
    """The common parameters of every call, its signature, then its access token."""
    q = request.query_params
    cfg = world.config
    partner = _uint(
        q.get("partner_id"),
        "There is no partner_id in query.",
        "Partner_id is invalid, should be an integer between 0 and 4294967295.",
    )
    if partner != cfg.partner_id:
        raise ShopeeError("invalid_partner_id", "Invalid partner_id, please have a check.", 403)
    timestamp = _uint(
        q.get("timestamp"),
        "no timestamp",
        "Timestamp is invalid, should be an integer between 0 and 4294967295.",
    )
    now = world.now()
    if now - timestamp > TIMESTAMP_WINDOW_S or timestamp - now > TIMESTAMP_WINDOW_S:
        world.counters.expired_timestamps += 1
        raise param_error("Timestamp is expired.")
    sign = q.get("sign")
    if not sign:
        raise param_error("There is no sign in query.")
    base = f"{partner}{request.url.path}{timestamp}"
    token = ""
    owner = 0
    if level is not None:
        token = q.get("access_token") or ""
        if not token:
            raise param_error("There is no access_token in query.")
        id_name = "user_id" if level == USER else "shop_id"
        owner = _uint(
            q.get(id_name),
            f"There is no {id_name} in query.",
            f"{id_name} is invalid, should be an integer between 0 and 4294967295.",
        )
        base += f"{token}{owner}"
    if not hmac.compare_digest(sign.encode(), sign_of(world.partner_key, base).encode()):
        world.counters.bad_signatures += 1
        raise ShopeeError("error_sign", "Wrong sign.", 403)
    if level is not None:
        world.check_access(token, level, owner)


def check_rate_limit(world: ShopeeWorld, clock: Callable[[], float]) -> None:
    faults = world.faults
    world.counters.calls += 1
    if faults.rate_limit_every is None:
        return
    now = clock()
    if now >= world.burst_until and world.counters.calls % faults.rate_limit_every == 0:
        world.burst_until = now + faults.rate_limit_burst_s
    if now < world.burst_until:
        world.counters.rate_limited += 1
        raise ShopeeError(
            "error_rate_limit",
            "Too many requests. You have reached the rate limit. Please try again later.",
            429,
        )


async def read_body(request: Request) -> Body:
    raw = await request.body()
    try:
        doc = json.loads(raw or b"{}", parse_float=Decimal)
    except ValueError as exc:
        raise param_error(f"Parse data error: {exc}") from exc
    if not isinstance(doc, dict):
        raise param_error("Parse data error: the body is not a JSON object")
    return doc


# ---------------------------------------------------------------------- livestream
def _price_info(world: ShopeeWorld, item: SandboxItem) -> dict[str, Any]:
    price = world.item_price(item)
    return {"currency": world.config.currency, "current_price": price, "original_price": price}


def _item_card(world: ShopeeWorld, item: SandboxItem) -> dict[str, Any]:
    return {
        "item_id": item.item_id,
        "shop_id": world.config.shop_id,
        "name": item.name,
        "image_url": item.image_url,
        "price_info": _price_info(world, item),
    }


def create_session(world: ShopeeWorld, _q: Query, body: Body) -> dict[str, Any]:
    title = body.get("title")
    if not isinstance(title, str) or not title.strip():
        raise param_error("Invalid title")
    if len(title) > 200:
        raise data_error("The title cannot exceed 200 characters")
    description = body.get("description") or ""
    if not isinstance(description, str):
        raise param_error("parameter invalid")
    if len(description) > 200:
        raise data_error("The description cannot exceed 200 characters")
    cover = body.get("cover_image_url")
    if not isinstance(cover, str) or not cover.startswith(("http://", "https://")):
        raise param_error("Invalid cover_image_url")
    is_test = body.get("is_test", False)
    if not isinstance(is_test, bool):
        raise param_error("parameter invalid")
    session = world.create(title, description, cover, is_test)
    return {"session_id": session.session_id}


def get_session_detail(world: ShopeeWorld, q: Query, _b: Body) -> dict[str, Any]:
    s = session_of(world, q_int(q, "session_id"))
    stream = f"id-test-{world.config.user_id}-{s.session_id}"
    return {
        "session_id": s.session_id,
        "title": s.title,
        "description": s.description,
        "cover_image_url": s.cover_image_url,
        "status": s.status,
        "share_url": f"https://live.shopee.invalid/share?from=live&session={s.session_id}",
        "is_test": s.is_test,
        "create_time": s.create_time,
        "update_time": s.update_time,
        "start_time": s.start_time,
        "end_time": s.end_time,
        "stream_url_list": {
            "push_url": "rtmp://push.live.shopee.invalid/live",
            "push_key": f"{stream}?session_id={s.session_id}",
            "play_url": f"http://play.live.shopee.invalid/live/{stream}.flv",
            "domain_id": s.domain_id,
        },
    }


def start_session(world: ShopeeWorld, _q: Query, body: Body) -> dict[str, Any]:
    session = session_of(world, body.get("session_id"))
    world.start(session, b_int(body, "domain_id"))
    return {}


def end_session(world: ShopeeWorld, _q: Query, body: Body) -> dict[str, Any]:
    world.end(session_of(world, body.get("session_id")))
    return {}


def _item_list(world: ShopeeWorld, body: Body) -> list[int]:
    entries = body.get("item_list")
    if not isinstance(entries, list) or not entries:
        raise param_error("parameter invalid")
    ids: list[int] = []
    seen: set[int] = set()
    for entry in entries:
        item_id = entry.get("item_id") if isinstance(entry, dict) else None
        shop_id = entry.get("shop_id") if isinstance(entry, dict) else None
        if not all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in (item_id, shop_id)
        ):
            raise param_error("Invalid item_list, item_id and shop_id must greater than 0")
        assert isinstance(item_id, int)
        if item_id in seen:
            raise data_error(f"Item(item_id:{item_id}) is duplicated in the request")
        seen.add(item_id)
        if item_id not in world.items or shop_id != world.config.shop_id:
            raise data_error(f"Item(item_id:{item_id}) is not exist")
        ids.append(item_id)
    return ids


def add_item_list(world: ShopeeWorld, _q: Query, body: Body) -> dict[str, Any]:
    session = session_of(world, body.get("session_id"))
    world.require_not_ended(session)
    in_bag = set(session.bag)
    new = [i for i in _item_list(world, body) if i not in in_bag]
    if len(session.bag) + len(new) > world.config.max_bag_items:
        raise data_error("Too many items for current session")
    session.bag.extend(new)
    return {}


def delete_item_list(world: ShopeeWorld, _q: Query, body: Body) -> dict[str, Any]:
    session = session_of(world, body.get("session_id"))
    world.require_not_ended(session)
    gone = set(_item_list(world, body))
    session.bag = [i for i in session.bag if i not in gone]
    if session.shown in gone:
        world.show(session, None)
    return {}


def update_item_list(world: ShopeeWorld, _q: Query, body: Body) -> dict[str, Any]:
    session = session_of(world, body.get("session_id"))
    world.require_not_ended(session)
    order = _item_list(world, body)
    in_bag, in_order = set(session.bag), set(order)
    for item_id in order:
        if item_id not in in_bag:
            raise data_error(
                f"Item(item_id:{item_id}) is not exist in the shopping bag but exist in this "
                "request, please use add API If you want to add item"
            )
    for item_id in session.bag:
        if item_id not in in_order:
            raise data_error(
                f"Item(item_id:{item_id}) is exist in the shopping bag but not exist in this "
                "request, please use delete API If you want to delete item"
            )
    session.bag = order
    return {}


def get_item_list(world: ShopeeWorld, q: Query, _b: Body) -> dict[str, Any]:
    session = session_of(world, q_int(q, "session_id"))
    offset, size = page_size(q)
    page = session.bag[offset : offset + size]
    entries = []
    for n, item_id in enumerate(page, start=offset + 1):
        card = _item_card(world, world.items[item_id])
        card["item_no"] = n
        card["affiliate_info"] = {"commission_rate": Decimal("0.1"), "is_campaign": False}
        entries.append(card)
    more = offset + size < len(session.bag)
    return {"more": more, "next_offset": offset + len(page), "list": entries}


def get_item_count(world: ShopeeWorld, q: Query, _b: Body) -> dict[str, Any]:
    session = session_of(world, q_int(q, "session_id"))
    world.require_not_ended(session)
    return {"item_count": len(session.bag), "max_item_count": world.config.max_bag_items}


def update_show_item(world: ShopeeWorld, _q: Query, body: Body) -> dict[str, Any]:
    session = session_of(world, body.get("session_id"))
    world.require_ongoing(session)
    item_id = b_int(body, "item_id")
    if item_id not in session.bag:
        raise param_error("Invalid item_id")
    if b_int(body, "shop_id") != world.config.shop_id:
        raise param_error("Invalid shop_id")
    world.show(session, item_id)
    return {}


def delete_show_item(world: ShopeeWorld, _q: Query, body: Body) -> dict[str, Any]:
    session = session_of(world, body.get("session_id"))
    world.require_not_ended(session)
    world.require_ongoing(session)
    world.show(session, None)
    return {}


def get_show_item(world: ShopeeWorld, q: Query, _b: Body) -> dict[str, Any]:
    session = session_of(world, q_int(q, "session_id"))
    world.require_not_ended(session)
    world.require_ongoing(session)
    if session.shown is None:
        return {"has_show_item": False, "item": {}}
    card = _item_card(world, world.items[session.shown])
    card["item_no"] = session.bag.index(session.shown) + 1
    return {"has_show_item": True, "item": card}


def _ratio(part: int, whole: int) -> Decimal:
    return (Decimal(part) / whole).quantize(Decimal("0.0001")) if whole else Decimal(0)


def get_session_metric(world: ShopeeWorld, q: Query, _b: Body) -> dict[str, Any]:
    s = session_of(world, q_int(q, "session_id"))
    if s.status == 0:
        world.require_ongoing(s)
    clicks = sum(c.clicks for c in s.items.values())
    return {
        "gmv": s.gmv,
        "atc": s.atc,
        "ctr": _ratio(clicks, s.views),
        "co": _ratio(s.orders, clicks),
        "orders": s.orders,
        "ccu": s.ccu,
        "engage_ccu_1m": s.ccu // 2,
        "peak_ccu": s.peak_ccu,
        "likes": s.likes,
        "comments": s.comments,
        "shares": s.shares,
        "views": s.views,
        "avg_viewing_duration": 60,
    }


def get_session_item_metric(world: ShopeeWorld, q: Query, _b: Body) -> dict[str, Any]:
    s = session_of(world, q_int(q, "session_id"))
    if s.status == 0:
        world.require_ongoing(s)
    offset, size = page_size(q)
    page = s.bag[offset : offset + size]
    entries = []
    for item_id in page:
        counters = s.items.get(item_id)
        entries.append(
            {
                "item": _item_card(world, world.items[item_id]),
                "metric": {
                    "item_clicks": counters.clicks if counters else 0,
                    "atc": counters.atc if counters else 0,
                    "sold_items": counters.sold if counters else 0,
                },
            }
        )
    more = offset + size < len(s.bag)
    return {"more": more, "next_offset": offset + len(page), "list": entries}


def get_latest_comment_list(world: ShopeeWorld, q: Query, _b: Body) -> dict[str, Any]:
    s = session_of(world, q_int(q, "session_id"))
    world.require_ongoing(s)
    offset = q_int(q, "offset", default=0)
    recent = world.latest_comments(s)[offset:]
    return {
        "next_offset": offset + len(recent),
        "list": [
            {
                "comment_id": c.comment_id,
                "content": c.content,
                "timestamp": c.timestamp,
                "user_id": c.user_id,
                "username": c.username,
            }
            for c in recent
        ],
    }


# ---------------------------------------------------------------------- product
def _stock_info(world: ShopeeWorld, item_id: int, model_id: int) -> dict[str, Any] | None:
    """What is left, as ``stock_info_v2`` of ``get_model_list`` and ``get_item_base_info``
    (Shopee's doc JSON, mirrored in congminh1254/shopee-sdk
    ``schemas/v2.product.get_model_list.json`` and ``get_item_base_info.json``'s sample):
    ``summary_info.total_available_stock`` is the "stock can be sold currently",
    ``seller_stock[]`` the seller-managed stock per location (one, unnamed, here). None
    when the practice shop does not track it."""
    left = world.stock.left((item_id, model_id))
    if left is None:
        return None
    return {
        "summary_info": {"total_reserved_stock": 0, "total_available_stock": left},
        "seller_stock": [{"location_id": "", "stock": left, "if_saleable": True}],
    }


def product_item_list(world: ShopeeWorld, q: Query, _b: Body) -> dict[str, Any]:
    offset, size = q_int(q, "offset"), q_int(q, "page_size")
    if not 1 <= size <= 100:
        raise param_error("Wrong parameters, detail: page_size must be between 1 and 100.")
    statuses = q.get("item_status") or []
    if not statuses:
        raise param_error("Wrong parameters, detail: item_status is required.")
    if any(
        s not in ("NORMAL", "BANNED", "UNLIST", "REVIEWING", "SELLER_DELETE", "SHOPEE_DELETE")
        for s in statuses
    ):
        raise ShopeeError("error_param_item_status", "Item status error.")
    items = list(world.items.values()) if "NORMAL" in statuses else []
    page = items[offset : offset + size]
    more = offset + size < len(items)
    return {
        "item": [
            {
                "item_id": i.item_id,
                "item_status": "NORMAL",
                "update_time": int(world.now()),
                "tag": {"kit": False},
            }
            for i in page
        ],
        "total_count": len(items),
        "has_next_page": more,
        "next_offset": offset + len(page),
    }


def _id_list(text: str) -> list[int]:
    parts = [p.strip() for p in text.strip().strip("[]").split(",") if p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        raise param_error("Wrong parameters, detail: item_id_list must list item ids.")
    if len(parts) > 50:
        raise param_error("Wrong parameters, detail: item_id_list takes at most 50 ids.")
    return [int(p) for p in parts]


def item_base_info(world: ShopeeWorld, q: Query, _b: Body) -> dict[str, Any]:
    values = q.get("item_id_list")
    if not values:
        raise param_error("Wrong parameters, detail: item_id_list is required.")
    ids = [i for v in values for i in _id_list(v)]
    found = []
    for item_id in ids:
        item = world.items.get(item_id)
        if item is None:
            continue
        entry: dict[str, Any] = {
            "item_id": item.item_id,
            "category_id": 100001,
            "item_name": item.name,
            "description": "",
            "item_sku": item.sku,
            "create_time": 1600572637,
            "update_time": int(world.now()),
            "image": {"image_url_list": [item.image_url], "image_id_list": [f"img-{item.item_id}"]},
            "condition": "NEW",
            "item_status": "NORMAL",
            "has_model": bool(item.models),
        }
        if not item.models:
            entry["price_info"] = [
                {
                    "currency": world.config.currency,
                    "original_price": item.price,
                    "current_price": item.price,
                }
            ]
            stock = _stock_info(world, item.item_id, 0)
            if stock is not None:
                entry["stock_info_v2"] = stock
        found.append(entry)
    if not found:
        raise ShopeeError("error_item_not_found", "Product not found")
    return {"item_list": found}


def model_list(world: ShopeeWorld, q: Query, _b: Body) -> dict[str, Any]:
    item = world.items.get(q_int(q, "item_id"))
    if item is None:
        raise ShopeeError("error_item_not_found", "Item_id is not found.")
    models = []
    for n, m in enumerate(item.models):
        model: dict[str, Any] = {
            "model_id": m.model_id,
            "model_sku": m.sku,
            "model_status": "MODEL_NORMAL",
            "tier_index": [n],
            "promotion_id": 0,
            "has_promotion": False,
            "price_info": [
                {
                    "currency": world.config.currency,
                    "current_price": m.price,
                    "original_price": m.price,
                }
            ],
        }
        stock = _stock_info(world, item.item_id, m.model_id)
        if stock is not None:
            model["stock_info_v2"] = stock
        models.append(model)
    return {
        "tier_variation": [
            {"name": "Option", "option_list": [{"option": m.sku} for m in item.models]}
        ],
        "model": models,
    }


# ---------------------------------------------------------------------- auth
async def refresh_endpoint(world: ShopeeWorld, request: Request) -> Response:
    check_common(world, request, None)
    body = await read_body(request)
    token = body.get("refresh_token")
    if not isinstance(token, str) or not token:
        raise param_error("Wrong parameters, detail: refresh_token is required.")
    if b_int(body, "partner_id") != world.config.partner_id:
        raise ShopeeError("invalid_partner_id", "Invalid partner_id, please have a check.", 403)
    named = [k for k in ("shop_id", "merchant_id", "supplier_id", "user_id") if k in body]
    if len(named) != 1 or named[0] not in ("shop_id", "user_id"):
        raise param_error("Wrong parameters, detail: give exactly one of shop_id or user_id.")
    kind = SHOP if named[0] == "shop_id" else USER
    owner = b_int(body, named[0])
    grant = world.use_refresh(token, kind, owner)
    doc: dict[str, Any] = {
        "error": "",
        "message": "",
        "request_id": secrets.token_hex(16),
        "partner_id": world.config.partner_id,
        named[0]: owner,
    }
    doc.update(grant)
    return answer(doc)


def auth_partner_endpoint(world: ShopeeWorld, request: Request) -> Response:
    """The authorization page: the practice seller authorizes the shop at once."""
    check_common(world, request, None)
    redirect = request.query_params.get("redirect") or ""
    if not redirect.startswith(("http://", "https://")):
        raise param_error("Wrong parameters, detail: redirect is required.")
    code = world.issue_code((SHOP, world.config.shop_id))
    joiner = "&" if "?" in redirect else "?"
    query = f"code={code}&shop_id={world.config.shop_id}"
    return Response(status_code=302, headers={"Location": f"{redirect}{joiner}{query}"})


async def token_get_endpoint(world: ShopeeWorld, request: Request) -> Response:
    check_common(world, request, None)
    body = await read_body(request)
    code = body.get("code")
    if not isinstance(code, str) or not code:
        raise param_error("Wrong parameters, detail: code is required.")
    if b_int(body, "partner_id") != world.config.partner_id:
        raise ShopeeError("invalid_partner_id", "Invalid partner_id, please have a check.", 403)
    grant = world.use_code(code)
    shops = sorted(o for k, o in grant.owners if k == SHOP)
    users = sorted(o for k, o in grant.owners if k == USER)
    if shops and ("shop_id" not in body or b_int(body, "shop_id") not in shops):
        raise ShopeeError(
            "invalid_shop_id", "The code or shop_id is wrong, please check the code or the shop_id."
        )
    if not shops and ("shop_id" in body or "main_account_id" in body):
        raise ShopeeError(
            "invalid_shop_id", "The code or shop_id is wrong, please check the code or the shop_id."
        )
    doc: dict[str, Any] = {"error": "", "message": "", "request_id": secrets.token_hex(16)}
    if shops:
        doc["shop_id_list"] = shops
    if users:
        doc["user_id_list"] = users
    doc.update(world.issue(*sorted(grant.owners)))
    return answer(doc)


# ---------------------------------------------------------------------- the app
LIVESTREAM_CALLS: dict[str, tuple[str, Handler]] = {
    "create_session": ("POST", create_session),
    "get_session_detail": ("GET", get_session_detail),
    "start_session": ("POST", start_session),
    "end_session": ("POST", end_session),
    "add_item_list": ("POST", add_item_list),
    "delete_item_list": ("POST", delete_item_list),
    "update_item_list": ("POST", update_item_list),
    "get_item_list": ("GET", get_item_list),
    "get_item_count": ("GET", get_item_count),
    "update_show_item": ("POST", update_show_item),
    "delete_show_item": ("POST", delete_show_item),
    "get_show_item": ("GET", get_show_item),
    "get_session_metric": ("GET", get_session_metric),
    "get_session_item_metric": ("GET", get_session_item_metric),
    "get_latest_comment_list": ("GET", get_latest_comment_list),
}
PRODUCT_CALLS: dict[str, tuple[str, Handler]] = {
    "get_item_list": ("GET", product_item_list),
    "get_item_base_info": ("GET", item_base_info),
    "get_model_list": ("GET", model_list),
}


def build_shopee_app(world: ShopeeWorld) -> Starlette:
    clock = world.clock

    def signed(
        level: str, handler: Handler, *, product: bool
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                check_common(world, request, level)
                check_rate_limit(world, clock.elapsed)
                body = await read_body(request) if request.method == "POST" else {}
                query = {k: request.query_params.getlist(k) for k in request.query_params}
                result = handler(world, query, body)
            except ShopeeError as error:
                return error_answer(error)
            doc: dict[str, Any] = {"error": "", "message": "", "request_id": secrets.token_hex(16)}
            if product:
                doc["warning"] = ""
            doc["response"] = result
            return answer(doc)

        return endpoint

    async def refresh(request: Request) -> Response:
        try:
            return await refresh_endpoint(world, request)
        except ShopeeError as error:
            return error_answer(error)

    async def auth_partner(request: Request) -> Response:
        try:
            return auth_partner_endpoint(world, request)
        except ShopeeError as error:
            return error_answer(error)

    async def token_get(request: Request) -> Response:
        try:
            return await token_get_endpoint(world, request)
        except ShopeeError as error:
            return error_answer(error)

    async def user_code(request: Request) -> dict[str, Any]:
        """A user's code; ``?with_shop=1``: one authorization covering the user and the
        shop (``get_access_token`` then lists both ids with one token set)."""
        owners: list[Owner] = [(USER, world.config.user_id)]
        if request.query_params.get("with_shop") == "1":
            owners.append((SHOP, world.config.shop_id))
        return {"code": world.issue_code(*owners)}

    def control(
        handler: Callable[[Request], Awaitable[dict[str, Any]]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            header = request.headers.get("authorization", "")
            if not hmac.compare_digest(header.encode(), f"Bearer {world.partner_key}".encode()):
                return answer(
                    {"error": "unauthorized", "message": "Bearer <partner key> required"}, 401
                )
            try:
                return answer(await handler(request))
            except (SandboxConfigError, ShopeeError, ValueError) as exc:
                return answer({"error": "invalid", "message": str(exc)}, 400)

        return endpoint

    async def stats(_request: Request) -> dict[str, Any]:
        c = world.counters
        return {
            "calls": c.calls,
            "bad_signatures": c.bad_signatures,
            "expired_timestamps": c.expired_timestamps,
            "rejected_tokens": c.rejected_tokens,
            "refreshes": c.refreshes,
            "rejected_refreshes": c.rejected_refreshes,
            "rate_limited": c.rate_limited,
            "sessions": len(world.sessions),
        }

    async def put_faults(request: Request) -> dict[str, Any]:
        body = await read_body(request)
        world.faults = world.faults.updated(body)
        return world.faults.to_json()

    async def expire_tokens(_request: Request) -> dict[str, Any]:
        return {"expired": world.expire_access_tokens()}

    async def show_in_app(request: Request) -> dict[str, Any]:
        """The streamer shows an item (or none) from the Shopee app, not through the API."""
        s = session_of(world, int(request.path_params["session_id"]))
        item_id = (await read_body(request)).get("item_id")
        world.require_ongoing(s)
        if item_id is not None and item_id not in s.bag:
            raise param_error("Invalid item_id")
        world.show(s, item_id if isinstance(item_id, int) else None)
        return {"shown": s.shown}

    async def session_state(request: Request) -> dict[str, Any]:
        s = session_of(world, int(request.path_params["session_id"]))
        return {
            "status": s.status,
            "bag": list(s.bag),
            "shown": s.shown,
            "show_changes": s.show_changes,
            "orders": s.orders,
            "gmv": s.gmv,
            "comment_ids": list(s.all_comment_ids),
        }

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        async def simulate() -> None:
            while True:
                await asyncio.sleep(TICK_S)
                world.tick()

        task = asyncio.create_task(simulate())
        try:
            async with kept(world.config.state_path, STATE_KIND, world.snapshot):
                yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    routes = [
        Route(LIVESTREAM + name, signed(USER, handler, product=False), methods=[method])
        for name, (method, handler) in LIVESTREAM_CALLS.items()
    ]
    routes += [
        Route(PRODUCT + name, signed(SHOP, handler, product=True), methods=[method])
        for name, (method, handler) in PRODUCT_CALLS.items()
    ]
    routes += [
        Route(REFRESH, refresh, methods=["POST"]),
        Route(AUTH_PARTNER, auth_partner, methods=["GET"]),
        Route(CODE_EXCHANGE, token_get, methods=["POST"]),
        Route("/_sandbox/user_code", control(user_code), methods=["POST"]),
        Route("/_sandbox/stats", control(stats), methods=["GET"]),
        Route("/_sandbox/faults", control(put_faults), methods=["PUT"]),
        Route("/_sandbox/expire_tokens", control(expire_tokens), methods=["POST"]),
        Route("/_sandbox/sessions/{session_id:int}", control(session_state), methods=["GET"]),
        Route("/_sandbox/sessions/{session_id:int}/show", control(show_in_app), methods=["PUT"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


class RunningShopee(ServedApp):
    """A practice Shopee serving on a loopback port (start with ``start()`` or use
    ``start_shopee``). ``credentials`` has the partner and token values a client needs."""

    def __init__(self, config: ShopeeSandboxConfig) -> None:
        self.config = config
        self.world = ShopeeWorld(config, SandboxClock(config.time_scale))
        if config.state_path is not None:
            restore_state(config.state_path, STATE_KIND, self.world.restore)
        super().__init__(build_shopee_app(self.world), config.host, config.port)

    @property
    def partner_key(self) -> str:
        return self.world.partner_key

    @property
    def credentials(self) -> dict[str, object]:
        """The self-test credentials file's fields: ``partner_id, partner_key, user_id,
        shop_id`` and the first user and shop token sets (``access_token``,
        ``refresh_token`` are the user's; ``shop_access_token``, ``shop_refresh_token``)."""
        user, shop = self.world.initial[USER], self.world.initial[SHOP]
        return {
            "partner_id": self.config.partner_id,
            "partner_key": self.world.partner_key,
            "user_id": self.config.user_id,
            "shop_id": self.config.shop_id,
            "access_token": user["access_token"],
            "refresh_token": user["refresh_token"],
            "shop_access_token": shop["access_token"],
            "shop_refresh_token": shop["refresh_token"],
            "expire_in": user["expire_in"],
        }


def start_shopee(config: ShopeeSandboxConfig | None = None) -> RunningShopee:
    return RunningShopee(config or ShopeeSandboxConfig()).start()
